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

/** POST ``body`` as JSON with the session's CSRF token: ``{status, data}``. A 400 that is no
 *  judgement of the scan (a CSRF token from before a browser restart) is tried once more
 *  after ``refreshToken()`` has fetched a new one. */
export async function post(url, body, refreshToken) {
  const resp = await withTimeout(window.eventapp.postJSON(url, body));
  if (resp.status === 0 || resp.status === 429 || resp.status >= 500) { throw new NetError(resp.status); }
  if ((resp.headers.get("Content-Type") || "").indexOf("application/json") < 0) { throw new AuthError(); }
  const data = await resp.json();
  if (resp.status === 400 && !data.result && refreshToken) {
    await refreshToken();
    return post(url, body, null);
  }
  return {status: resp.status, data: data};
}

/** GET a JSON document that must not come from a cache. */
export async function getJSON(url) {
  let resp;
  try {
    resp = await window.fetch(url, {credentials: "same-origin", cache: "no-store",
                                    headers: {"Accept": "application/json"}});
  } catch (unreachable) {
    throw new NetError(unreachable);
  }
  const json = (resp.headers.get("Content-Type") || "").indexOf("json") >= 0;
  if (resp.ok && !json && resp.redirected) { throw new AuthError(); }  // the login page
  if (!resp.ok || !json) { throw new NetError(resp.status); }
  return resp.json();
}

/** Use ``token`` for the next requests (the meta tag ``window.eventapp`` reads). */
export function setCsrfToken(token) {
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta && token) { meta.setAttribute("content", token); }
}
