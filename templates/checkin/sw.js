// Service worker of the check-in scanner, rendered by eventapp/checkin/installable.py.
// It keeps the scanner's static files (one cache per version: a deploy installs a new
// worker and drops the old files) and the scanner pages themselves (network first, the
// kept copy when the server is unreachable). Nothing else: API answers, the offline table
// (the page keeps it in IndexedDB) and every other page go to the network untouched.
"use strict";

const VERSION = {{ version|tojson }};
const SHELL = {{ shell|tojson }};
const PAGE = new RegExp({{ page_pattern|tojson }});
const STATIC_PREFIX = "eventapp-checkin-static-";
const STATIC_CACHE = STATIC_PREFIX + VERSION;
// Not versioned: a new worker must not drop the page it has to open offline. Cleared
// when someone logs in or out on this device (static/js/app.js).
const PAGE_CACHE = "eventapp-checkin-pages";
const NAV_TIMEOUT_MS = 3000;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(STATIC_CACHE).then(function (cache) {
    return cache.addAll(SHELL.map(function (url) { return new Request(url, {cache: "reload"}); }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.startsWith(STATIC_PREFIX) && name !== STATIC_CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function pageKey(url) {
  const u = new URL(url);
  return u.origin + u.pathname;
}

/** A scanner page as the server answered it for the logged-in user, fit to be kept. */
function keepable(response) {
  return response.ok && response.type === "basic" && !response.redirected &&
    (response.headers.get("Content-Type") || "").startsWith("text/html");
}

function withTimeout(promise, ms) {
  return new Promise(function (resolve, reject) {
    const timer = setTimeout(function () { reject(new Error("timeout")); }, ms);
    promise.then(function (value) { clearTimeout(timer); resolve(value); },
                 function (error) { clearTimeout(timer); reject(error); });
  });
}

function notKept() {
  const html = "<!doctype html><html lang=\"vi\"><meta charset=\"utf-8\">" +
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
    "<title>Ngoại tuyến</title><body style=\"font-family:sans-serif;padding:1rem\">" +
    "<h1>Ngoại tuyến</h1><p>Máy chủ không trả lời và trang quét của phiên này chưa được " +
    "lưu trên máy. Hãy mở trang quét một lần khi có mạng.</p></body></html>";
  return new Response(html, {status: 503, headers: {"Content-Type": "text/html; charset=utf-8"}});
}

async function scannerPage(request) {
  const cache = await caches.open(PAGE_CACHE);
  const key = pageKey(request.url);
  let response;
  try {
    response = await withTimeout(fetch(request), NAV_TIMEOUT_MS);
  } catch (unreachable) {
    return (await cache.match(key)) || notKept();
  }
  if (keepable(response)) {
    await cache.put(key, response.clone());
  } else if (response.status >= 500) {
    return (await cache.match(key)) || response;
  } else {
    await cache.delete(key);  // logged out, or no longer allowed: forget the old copy
  }
  return response;
}

async function shellFile(request, path) {
  const cache = await caches.open(STATIC_CACHE);
  return (await cache.match(path)) || fetch(request);
}

self.addEventListener("fetch", function (event) {
  const request = event.request;
  if (request.method !== "GET") { return; }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate" && PAGE.test(url.pathname)) {
    event.respondWith(scannerPage(request));
  } else if (!url.search && SHELL.indexOf(url.pathname) >= 0) {
    event.respondWith(shellFile(request, url.pathname));
  }
});

/** Keep the page that registered this worker (its first load came before the worker). */
async function keepPage(url, controlled) {
  const cache = await caches.open(PAGE_CACHE);
  const key = pageKey(url);
  if (controlled && await cache.match(key)) { return true; }
  try {
    const response = await fetch(key, {credentials: "same-origin", cache: "no-store"});
    if (!keepable(response)) { return false; }
    await cache.put(key, response);
    return true;
  } catch (unreachable) {
    return !!(await cache.match(key));
  }
}

self.addEventListener("message", function (event) {
  const data = event.data || {};
  const port = event.ports && event.ports[0];
  if (data.type !== "keep-page" || !port) { return; }
  let url = null;
  try { url = new URL(data.url); } catch (bad) { /* refused below */ }
  if (!url || url.origin !== self.location.origin || !PAGE.test(url.pathname)) { port.postMessage({kept: false, version: VERSION}); return; }
  event.waitUntil(keepPage(data.url, !!data.controlled).then(function (kept) {
    port.postMessage({kept: kept, version: VERSION});
  }));
});
