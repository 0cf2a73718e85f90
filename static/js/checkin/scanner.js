// Check-in scanner page: keyboard-wedge scanner field, camera, name search; a full-screen
// result with a sound; an offline queue synced with the original scan time. The page
// config (views.scanner) gives the URLs, the server's code rule and its outcome messages.
import * as camera from "./camera.js";
import {readCode} from "./codes.js";
import {fold, hhmm} from "./format.js";
import {AuthError, getJSON, post, setCsrfToken} from "./net.js";
import {OfflineTable} from "./offline.js";
import {openStore} from "./store.js";
import {IME_SCREEN, answerScreen, createView, offlineScreen, repeatScreen, unlockAudio} from "./view.js";

const cfg = JSON.parse(document.getElementById("checkin-config").textContent);
const SYNC_MS = 2500, TABLE_MS = 60000, REPEAT_MS = 4000, SEARCH_DELAY_MS = 250;
const store = openStore({event: cfg.event, session: cfg.session});
const table = new OfflineTable(cfg.code, store);
const view = createView(cfg);
const el = view.el;
const state = {online: true, syncing: false, authProblem: false, lastCode: "", lastAt: 0,
               ignoredRepeats: 0};
let decisions = Promise.resolve();

/** Run the scans' local decisions (queue or send, judge, enqueue) one after another. */
function inTurn(step) {
  decisions = decisions.then(step).catch(function (error) { window.setTimeout(function () { throw error; }); });
  return decisions;
}

function uuid() {
  if (window.crypto.randomUUID) { return window.crypto.randomUUID(); }
  const bytes = window.crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
}

// --- what the page shows from the store and the table -----------------------------------------
async function refreshRecent() { view.renderRecent(await store.recent.all()); }
async function refreshQueue() { view.renderQueue((await store.queue.all()).length); }
async function refreshProblems() { view.renderProblems(await store.problems.all(), clearProblems); }
async function clearProblems() { await store.problems.clear(); await refreshProblems(); }

async function show(screen) {
  view.show(screen);
  await store.recent.add({at: new Date().toISOString(), kind: screen.kind, title: screen.title,
                          name: screen.name, pending: !!screen.pending, id: screen.scanId || null});
  await refreshRecent();
}

function renderCount() { if (table.loaded) { view.renderCount(table.counts()); } }
function markArrived(attendeeId, time) { if (table.markArrived(attendeeId, time)) { renderCount(); } }

function setOnline(online) { state.online = online; view.setOnline(online, table.fetchedAt); }
function setAuthProblem(flag) { state.authProblem = flag; view.setAuthProblem(flag); }

/** The session's table from the server, with a fresh CSRF token (a page opened from the
 *  device after a browser restart holds a token of a session that has ended). */
async function fetchTable() {
  const data = await getJSON(cfg.urls.codes);
  setCsrfToken(data.csrf);
  delete data.csrf;  // kept on the device: the table only
  await table.replace(data);
}

async function loadTable() {
  try {
    await fetchTable();
  } catch (error) {
    if (error instanceof AuthError) { setAuthProblem(true); } else { setOnline(false); }
    return;
  }
  setAuthProblem(false);
  setOnline(true);
  renderCount();
}

// --- scanning ------------------------------------------------------------------------------------
function newItem(extra) {
  return Object.assign({id: uuid(), event: cfg.event, session: cfg.session,
                        sessionName: cfg.sessionName, device: view.device(),
                        at: new Date().toISOString()}, extra);
}

function bodyFor(item, offline) {
  const body = {device: item.device, scan_id: item.id};
  if (item.code) { body.code = item.code; }
  if (offline) { body.scanned_at = item.at; body.offline = true; }
  return body;
}

/** Offline: judge the scan from the table as the server would, and queue it for the sync. */
async function judgeAndQueue(item) {
  const pending = (await store.queue.all()).filter(function (q) {
    return q.session === item.session && q.event === item.event &&
      ((item.code && q.code === item.code) || (item.attendeeId && q.attendeeId === item.attendeeId));
  })[0];
  const judged = table.judge(item);
  let screen;
  if (pending && judged.result !== "unknown_code") {
    screen = repeatScreen(table.find(item), pending.at, cfg.tz);
  } else {
    screen = offlineScreen(judged, cfg.outcomes);
    if (judged.result === "checked_in") { markArrived(judged.attendee.id, hhmm(item.at, cfg.tz)); }
    // A code the table does not know but that has a code's form is queued too: the server
    // answers it on sync and keeps it in the failed-scan log. Text that is no code is not.
    const queue = judged.result !== "unknown_code" || (item.code && readCode(item.code, cfg.code));
    if (!pending && queue) {
      await store.queue.add(item);
      await refreshQueue();
      screen.pending = true;
    }
  }
  screen.scanId = item.id;
  await show(screen);
  if (state.online) { window.setTimeout(syncTick, 50); }
}

async function sendNow(item) {
  let answer;
  try {
    answer = await post(item.url, bodyFor(item, false), fetchTable);
  } catch (error) {
    if (error instanceof AuthError) { setAuthProblem(true); } else { setOnline(false); }
    await inTurn(function () { return judgeAndQueue(item); });
    return;
  }
  setAuthProblem(false);
  if (answer.data.result === "checked_in") {
    markArrived((answer.data.attendee || {}).id, answer.data.checked_in_time);
  }
  await show(answerScreen(answer.data, cfg.outcomes));
}

function submit(item) {
  return inTurn(async function () {
    if (!state.online || (await store.queue.all()).length) {  // keep order: no overtaking the queue
      await judgeAndQueue(item);
      return;
    }
    sendNow(item);  // not awaited: the next scan goes out without waiting for this answer
  });
}

function submitCode(raw, typed) {
  const text = (raw || "").trim().toUpperCase();
  if (!text) { return; }
  unlockAudio();
  if (typed && /[^\x20-\x7E]/.test(text)) {
    show(Object.assign({}, IME_SCREEN));
    return;
  }
  // The code as the server reads it (a URL around it dropped), so that offline judging,
  // the queue's repeats and the camera's repeats all see one code.
  const code = readCode(raw, cfg.code) || text;
  const now = Date.now();
  // The same QR held in front of the camera is one scan; a typed repeat is a real repeat.
  if (!typed && code === state.lastCode && now - state.lastAt < REPEAT_MS) {
    state.ignoredRepeats += 1;  // shown on <body>: proof the camera still reads, for tests
    document.body.setAttribute("data-ignored-repeats", state.ignoredRepeats);
    return;
  }
  state.lastCode = code; state.lastAt = now;
  submit(newItem({code: code, url: cfg.urls.scan}));
}

// --- queue sync --------------------------------------------------------------------------------
async function syncQueue() {
  for (;;) {
    const queue = await store.queue.all();
    if (!queue.length) {
      state.syncing = false;
      await refreshQueue();
      loadTable();
      return;
    }
    const item = queue[0];
    let answer;
    try {
      answer = await post(item.url, bodyFor(item, true), fetchTable);
    } catch (error) {
      state.syncing = false;
      if (error instanceof AuthError) { setAuthProblem(true); } else { setOnline(false); }
      return;
    }
    setOnline(true); setAuthProblem(false);
    let screen = answerScreen(answer.data, cfg.outcomes);
    if (!answer.data.result && [400, 404, 422].indexOf(answer.status) >= 0) {
      screen = {kind: "red", title: answer.data.message || "Không ghi nhận được", name: item.code};
    }
    await store.queue.remove(item.id);
    await refreshQueue();
    await store.recent.settle(item.id, screen.kind, screen.title);
    await refreshRecent();
    if (screen.kind !== "green") {
      if (!screen.name && item.code) { screen.note = "Mã " + item.code.slice(0, 8) + "…"; }
      await store.problems.add({at: item.at, session: item.sessionName, name: screen.name,
                                title: screen.title, note: screen.note, kind: screen.kind});
      await refreshProblems();
    }
  }
}

async function syncTick() {
  if (state.syncing) { return; }
  state.syncing = true;
  try {
    if ((await store.queue.all()).length) {
      await syncQueue();
      return;
    }
  } catch (error) {
    state.syncing = false;
    throw error;
  }
  state.syncing = false;
  if (!state.online) { loadTable(); }
}

// --- name search -------------------------------------------------------------------------------
let searchTimer = null;

function checkInPerson(person) {
  unlockAudio();
  submit(newItem({attendeeId: person.id,
                  url: cfg.urls.attendee.replace("/attendees/0/", "/attendees/" + person.id + "/")}));
  el.search.value = "";
  view.renderResults([], checkInPerson);
}

async function doSearch() {
  const q = el.search.value;
  if (fold(q).length < 2) { view.renderResults([], checkInPerson); return; }
  if (!state.online) { view.renderResults(table.search(q), checkInPerson); return; }
  let results;
  try {
    results = (await getJSON(cfg.urls.search + "?q=" + encodeURIComponent(q))).results;
  } catch (unreachable) {
    results = table.search(q);
  }
  view.renderResults(results, checkInPerson);
}

// --- modes and wiring --------------------------------------------------------------------------
function stopCamera() { camera.stop(); el.cameraToggle.textContent = "Bật camera"; }

el.form.addEventListener("submit", function (event) {
  event.preventDefault();
  const value = el.code.value;
  el.code.value = "";
  submitCode(value, true);
  el.code.focus();
});
el.code.addEventListener("keydown", function (event) {  // scanners configured to send Tab
  if (event.key === "Tab" && el.code.value.trim()) { event.preventDefault(); el.form.requestSubmit(); }
});
el.code.addEventListener("blur", function () {
  window.setTimeout(function () {
    const active = document.activeElement;
    if (view.mode() === "scanner" && (!active || active === document.body)) { el.code.focus(); }
  }, 150);
});
el.result.addEventListener("click", view.hide);
document.addEventListener("keydown", function (event) {
  unlockAudio();
  if (event.key === "Escape") { view.hide(); }
});
document.addEventListener("pointerdown", unlockAudio);
document.querySelectorAll(".ci-modes .nav-link").forEach(function (b) {
  b.addEventListener("click", function () { view.setMode(b.getAttribute("data-mode"), stopCamera); });
});
el.cameraToggle.addEventListener("click", function () {
  unlockAudio();
  if (camera.running()) {
    stopCamera();
    view.cameraMessage("");
    return;
  }
  camera.start(el.video, submitCode, view.cameraMessage, cfg.urls.zxing).then(function (ok) {
    el.cameraToggle.textContent = ok ? "Tắt camera" : "Bật camera";
  });
});
el.search.addEventListener("input", function () {
  window.clearTimeout(searchTimer);
  searchTimer = window.setTimeout(doSearch, SEARCH_DELAY_MS);
});
el.device.addEventListener("change", function () {
  store.device.set(view.device());
  if (view.mode() === "scanner") { el.code.focus(); }  // back to the scanner field
});
window.addEventListener("online", syncTick);
document.addEventListener("visibilitychange", function () {
  if (document.hidden) { stopCamera(); }
});

// --- installed app: the service worker keeps this page and its files for offline starts ----
async function keepForOffline() {
  if (!("serviceWorker" in navigator) || !window.isSecureContext) { return; }
  const controlled = !!navigator.serviceWorker.controller;
  try {
    await navigator.serviceWorker.register(cfg.urls.worker, {scope: cfg.urls.workerScope});
  } catch (refused) {
    return;  // a private window or a policy without workers: the page still works online
  }
  const registration = await navigator.serviceWorker.ready;
  const channel = new MessageChannel();
  channel.port1.onmessage = function (event) { view.setKept(!!event.data.kept); };
  registration.active.postMessage({type: "keep-page", url: window.location.href,
                                   controlled: controlled}, [channel.port2]);
}

/** After a reload, the table kept on the device counts the arrivals still in the queue. */
async function countQueued() {
  (await store.queue.all()).forEach(function (item) {
    if (item.event !== cfg.event || item.session !== cfg.session) { return; }
    const judged = table.judge(item);
    if (judged.result === "checked_in") { table.markArrived(judged.attendee.id, hhmm(item.at, cfg.tz)); }
  });
}

async function start() {
  el.device.value = await store.device.get();
  await table.restore();
  await countQueued();
  renderCount();
  await Promise.all([refreshRecent(), refreshProblems(), refreshQueue()]);
  loadTable();
  window.setInterval(syncTick, SYNC_MS);
  window.setInterval(function () { if (state.online && !state.syncing) { loadTable(); } }, TABLE_MS);
  el.code.focus();
  document.body.setAttribute("data-scanner-ready", "1");
  performance.mark("eventapp-scanner-ready");  // read by bench/scanner_offline_bench.py
  keepForOffline();
}

start();
