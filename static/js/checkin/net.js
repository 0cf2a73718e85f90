// The scanner's requests. A request that fails, times out or meets an overloaded server is
// a NetError (the door goes on offline); an HTML answer to a JSON request means the login
// session has ended (AuthError).
const TIMEOUT_MS = 4000;

export class NetError extends Error {
  constructor(reason) { super("Mất kết nối: " + reason); this.reason = reason; }
}

export class AuthError extends Error {
  constructor() { super("Hết phiên đăng nhập"); }
}

function withTimeout(promise) {
  return new Promise(function (resolve, reject) {
    const timer = window.setTimeout(function () { reject(new NetError("timeout")); }, TIMEOUT_MS);
    promise.then(function (value) { window.clearTimeout(timer); resolve(value); },
                 function (error) { window.clearTimeout(timer); reject(new NetError(error)); });
  });
}

/** POST ``body`` as JSON with the session's CSRF token: ``{status, data}``. */
export async function post(url, body) {
  const resp = await withTimeout(window.eventapp.postJSON(url, body));
  if (resp.status === 0 || resp.status === 429 || resp.status >= 500) { throw new NetError(resp.status); }
  if ((resp.headers.get("Content-Type") || "").indexOf("application/json") < 0) { throw new AuthError(); }
  return {status: resp.status, data: await resp.json()};
}

/** GET a JSON document that must not come from a cache. */
export async function getJSON(url) {
  const resp = await window.fetch(url, {credentials: "same-origin", cache: "no-store",
                                        headers: {"Accept": "application/json"}});
  if (!resp.ok || (resp.headers.get("Content-Type") || "").indexOf("json") < 0) {
    throw new NetError(resp.status);
  }
  return resp.json();
}
