// What the door staff see and hear: the full-screen result with its sound, the status
// badges, recent scans, problems found by the sync, and the name search's results. The
// wording of each outcome is the server's (page config ``outcomes``), online and offline.
import {fold, hhmm, number} from "./format.js";

const HIDE_MS = {green: 2500, queued: 2500, amber: 4500, red: 5000};
const ICONS = {green: "✓", queued: "✓", amber: "!", red: "✕"};
const SEE_DESK = "Mời đến bàn Ban tổ chức";
const OFFLINE_NOTES = {unknown_code: "Theo danh sách trên máy — kiểm tra lại khi có mạng",
                       already_checked_in: "Mất kết nối — theo danh sách trên máy"};
const OFFLINE_REFUSED = "Theo danh sách trên máy — mời đến bàn Ban tổ chức";

function node(tag, cls, text) {
  const n = document.createElement(tag);
  if (cls) { n.className = cls; }
  if (text !== undefined) { n.textContent = text; }
  return n;
}

function card(attendee, result) {
  const a = attendee || {};
  return {result: result, name: a.full_name || "", seat: a.seat || "", attendeeId: a.id,
          detail: [a.unit_name, a.category].filter(Boolean).join(" · ")};
}

// --- screens: what a result says ------------------------------------------------------------

/** The screen for a server's answer to a scan. */
export function answerScreen(data, outcomes) {
  const base = card(data.attendee, data.result);
  const outcome = outcomes[data.result];
  if (data.result === "checked_in") {
    return Object.assign(base, {kind: outcome.colour, title: outcome.message,
      note: data.from_offline_queue ? "Quét lúc " + data.checked_in_time + " (đồng bộ sau)" : ""});
  }
  if (data.result === "already_checked_in") {
    return Object.assign(base, {kind: outcome.colour,
      title: "Đã check-in lúc " + data.checked_in_time + " bởi " + (data.by || "?"),
      note: data.device ? "Tại: " + data.device : ""});
  }
  if (data.replacement) {  // substituted: the door tells who came in the delegate's place
    return Object.assign(base, {kind: outcome ? outcome.colour : "red",
      title: outcome ? outcome.message : "Mã đã bị thu hồi",
      note: "Người dự thay: " + data.replacement.full_name + " — mời dùng giấy mời mới"});
  }
  if (outcome) {
    return Object.assign(base, {kind: outcome.colour, title: outcome.message, note: SEE_DESK});
  }
  return Object.assign(base, {kind: "red", title: "Không check-in được", note: data.message || ""});
}

/** The screen for a scan judged from the offline table (``OfflineTable.judge``). */
export function offlineScreen(judged, outcomes) {
  const base = card(judged.attendee, judged.result);
  const outcome = outcomes[judged.result];
  if (judged.result === null) {
    return {kind: "queued", result: "queued", title: "Đã lưu — chờ đồng bộ",
            note: "Chưa có danh sách mã để kiểm tra khi mất mạng"};
  }
  if (judged.result === "checked_in") {
    return Object.assign(base, {kind: "queued", result: "queued", title: "Hợp lệ — chờ đồng bộ",
                                note: "Mất kết nối: đã lưu trên máy, sẽ gửi khi có mạng"});
  }
  if (judged.result === "already_checked_in") {
    return Object.assign(base, {kind: outcome.colour, title: "Đã check-in lúc " + judged.checked_in_time,
                                note: OFFLINE_NOTES.already_checked_in});
  }
  if (judged.replacement) {  // substituted: named offline as online
    return Object.assign(base, {kind: outcome.colour, title: outcome.message,
      note: "Người dự thay: " + judged.replacement.full_name + " — mời dùng giấy mời mới"});
  }
  return Object.assign(base, {kind: outcome.colour, title: outcome.message,
                              note: OFFLINE_NOTES[judged.result] || OFFLINE_REFUSED});
}

/** The screen for a scan repeated while its first one still waits in the queue. */
export function repeatScreen(attendee, pendingAt, timeZone) {
  return Object.assign(card(attendee, "queued_again"), {kind: "amber",
    title: "Đã quét lúc " + hhmm(pendingAt, timeZone) + " (chờ đồng bộ)"});
}

export const IME_SCREEN = {kind: "red", result: "ime", title: "Bộ gõ tiếng Việt đang bật",
                           note: "Tắt Unikey/EVKey (chuyển sang E) rồi quét lại"};

// --- sound: short high beep = OK, two beeps = already, low buzz = refused --------------------

let audio = null;

/** Browsers allow sound only after a touch or a key: call this from those handlers. */
export function unlockAudio() {
  const Ctx = window.AudioContext || window.webkitAudioContext;
  if (!audio && Ctx) { audio = new Ctx(); }
  if (audio && audio.state === "suspended") { audio.resume(); }
}

function tone(freq, start, length, type) {
  const osc = audio.createOscillator(), gain = audio.createGain(), t = audio.currentTime + start;
  osc.type = type || "sine";
  osc.frequency.value = freq;
  gain.gain.setValueAtTime(0.0001, t);
  gain.gain.exponentialRampToValueAtTime(0.4, t + 0.01);
  gain.gain.exponentialRampToValueAtTime(0.0001, t + length);
  osc.connect(gain).connect(audio.destination);
  osc.start(t);
  osc.stop(t + length + 0.02);
}

function beep(kind) {
  document.body.setAttribute("data-last-sound", kind);
  if (!audio) { return; }
  try {
    if (kind === "green" || kind === "queued") { tone(1046, 0, 0.15); }
    else if (kind === "amber") { tone(784, 0, 0.12); tone(784, 0.18, 0.12); }
    else { tone(196, 0, 0.45, "square"); }
  } catch (noDevice) { /* no audio device */ }
}

// --- the page --------------------------------------------------------------------------------

/** The scanner page's elements; ``cfg`` is the page config. */
export function createView(cfg) {
  const $ = function (id) { return document.getElementById(id); };
  const el = {code: $("ci-code"), form: $("ci-scan-form"), device: $("ci-device"), net: $("ci-net"),
              queue: $("ci-queue"), count: $("ci-count"), recent: $("ci-recent"),
              result: $("ci-result"), problems: $("ci-problems"), problemList: $("ci-problem-list"),
              search: $("ci-search"), results: $("ci-results"), video: $("ci-video"),
              cameraToggle: $("ci-camera-toggle"), cameraMsg: $("ci-camera-msg"),
              kept: $("ci-kept")};
  let mode = "scanner", hideTimer = null, online = true, tableTime = null;
  const time = function (instant) { return hhmm(instant, cfg.tz); };

  function hide() {
    el.result.hidden = true;
    if (mode === "scanner") { el.code.focus(); }
  }

  function show(screen) {
    const box = el.result;
    box.className = "ci-result ci-" + screen.kind;
    box.setAttribute("data-result", screen.result || screen.kind);
    box.querySelector(".ci-result-icon").textContent = ICONS[screen.kind];
    box.querySelector(".ci-result-title").textContent = screen.title || "";
    box.querySelector(".ci-result-name").textContent = screen.name || "";
    box.querySelector(".ci-result-detail").textContent = screen.detail || "";
    box.querySelector(".ci-result-seat").textContent = screen.seat ? "Ghế / khu vực: " + screen.seat : "";
    box.querySelector(".ci-result-note").textContent = screen.note || "";
    box.hidden = false;
    beep(screen.kind);
    window.clearTimeout(hideTimer);
    hideTimer = window.setTimeout(hide, HIDE_MS[screen.kind] || 4000);
  }

  function renderRecent(list) {
    el.recent.textContent = "";
    if (!list.length) { el.recent.appendChild(node("li", "list-group-item text-muted small", "Chưa có lượt quét.")); }
    list.slice(0, 12).forEach(function (r) {
      const li = node("li", "list-group-item small d-flex gap-2 align-items-start");
      li.setAttribute("data-kind", r.kind);
      li.appendChild(node("span", "ci-dot ci-dot-" + r.kind));
      const text = node("span", "flex-grow-1");
      text.appendChild(node("strong", "", r.name || "Mã không rõ"));
      text.appendChild(document.createTextNode(" — " + r.title));
      li.appendChild(text);
      if (r.pending) { li.appendChild(node("span", "badge text-bg-primary", "chờ đồng bộ")); }
      li.appendChild(node("span", "text-muted text-nowrap", time(r.at)));
      el.recent.appendChild(li);
    });
  }

  function renderProblems(list, onClear) {
    el.problems.hidden = !list.length;
    el.problemList.textContent = "";
    list.forEach(function (p) {
      const li = node("li", "list-group-item small");
      li.appendChild(node("span", "ci-dot ci-dot-" + p.kind));
      li.appendChild(node("strong", "", p.name || "Mã không xác định"));
      li.appendChild(document.createTextNode(" — " + p.title + (p.note ? " (" + p.note + ")" : "") +
        ". Quét khi mất mạng lúc " + time(p.at) +
        (p.session && p.session !== cfg.sessionName ? " · " + p.session : "") + "."));
      el.problemList.appendChild(li);
    });
    if (list.length) {
      const clear = node("li", "list-group-item");
      const btn = node("button", "btn btn-sm btn-outline-secondary", "Đã xem, xóa danh sách");
      btn.type = "button";
      btn.addEventListener("click", onClear);
      clear.appendChild(btn);
      el.problemList.appendChild(clear);
    }
  }

  function renderQueue(n) {
    el.queue.hidden = !n;
    el.queue.textContent = number(n) + " chờ đồng bộ";
    el.queue.setAttribute("data-count", n);
  }

  /** Online, or offline with the time this device last received the code table. */
  function setOnline(flag, tableAt) {
    online = flag;
    if (tableAt !== undefined) { tableTime = tableAt; }
    el.net.className = "badge text-wrap text-start " + (flag ? "text-bg-success" : "text-bg-danger");
    el.net.textContent = flag ? "● Trực tuyến" : "● Ngoại tuyến — " + (tableTime
      ? "danh sách mã cập nhật lúc " + time(tableTime) : "chưa có danh sách mã trên máy");
    el.net.setAttribute("data-online", flag ? "1" : "0");
  }

  function setAuthProblem(flag) {
    if (flag) {
      el.net.className = "badge text-bg-danger";
      el.net.textContent = "Hết phiên đăng nhập — tải lại trang";
    } else { setOnline(online); }
  }

  /** The service worker keeps this page: it opens with the server unreachable. */
  function setKept(flag) {
    el.kept.hidden = !flag;
    document.body.setAttribute("data-offline-ready", flag ? "1" : "0");
  }

  function renderCount(counts) {
    el.count.hidden = false;
    el.count.textContent = "Đã đến " + number(counts.arrived) + "/" + number(counts.expected);
  }

  function renderResults(items, onCheckIn) {
    el.results.textContent = "";
    if (!items.length && fold(el.search.value).length >= 2) {
      el.results.appendChild(node("li", "list-group-item text-muted", "Không tìm thấy."));
    }
    items.forEach(function (p) {
      const li = node("li", "list-group-item d-flex justify-content-between align-items-center gap-2");
      const info = node("div");
      info.appendChild(node("div", "fw-semibold", p.full_name));
      info.appendChild(node("div", "small text-muted", [p.unit_name, p.category, p.seat].filter(Boolean).join(" · ")));
      li.appendChild(info);
      if (p.status === "ok") {
        const btn = node("button", "btn btn-success text-nowrap", "Check-in");
        btn.type = "button";
        btn.addEventListener("click", function () { onCheckIn(p); });
        li.appendChild(btn);
      } else {
        const labels = {checked_in: "Đã đến " + (p.checked_in_time || ""), revoked: "Đã hủy",
                        not_invited: "Không dự phiên này", not_approved: "Chưa được duyệt",
                        substituted: "Đã có người dự thay"};
        li.appendChild(node("span", "badge " + (p.status === "checked_in" ? "text-bg-warning" : "text-bg-danger"), labels[p.status]));
      }
      el.results.appendChild(li);
    });
  }

  function setMode(next, onLeaveCamera) {
    mode = next;
    document.querySelectorAll(".ci-modes .nav-link").forEach(function (b) {
      b.classList.toggle("active", b.getAttribute("data-mode") === next);
      b.setAttribute("aria-pressed", b.getAttribute("data-mode") === next ? "true" : "false");
    });
    ["scanner", "camera", "search"].forEach(function (m) { $("ci-panel-" + m).hidden = m !== next; });
    if (next !== "camera") { onLeaveCamera(); }
    if (next === "scanner") { el.code.focus(); }
    if (next === "search") { el.search.focus(); }
  }

  function cameraMessage(text, isError) {
    el.cameraMsg.textContent = text;
    el.cameraMsg.className = "small mt-1 " + (isError ? "text-danger" : "text-muted");
  }

  return {el: el, show: show, hide: hide, renderRecent: renderRecent,
          renderProblems: renderProblems, renderQueue: renderQueue, setOnline: setOnline,
          setKept: setKept,
          setAuthProblem: setAuthProblem, renderCount: renderCount, renderResults: renderResults,
          setMode: setMode, cameraMessage: cameraMessage,
          mode: function () { return mode; },
          device: function () { return (el.device.value || "").trim().slice(0, 64); }};
}
