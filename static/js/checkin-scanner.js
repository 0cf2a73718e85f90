// Check-in scanner page: keyboard-wedge scanner field, camera, name search; a full-screen
// result with a sound; an offline queue in localStorage synced with the original scan time.
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("checkin-config").textContent);
  var QUEUE_KEY = "eventapp.checkin.queue.v1";
  var PROBLEM_KEY = "eventapp.checkin.problems.v1";
  var DEVICE_KEY = "eventapp.checkin.device";
  var RECENT_KEY = "eventapp.checkin.recent." + cfg.event + "." + cfg.session;
  var TIMEOUT_MS = 4000, SYNC_MS = 2500, TABLE_MS = 60000;
  var HIDE_MS = {green: 2500, queued: 2500, amber: 4500, red: 5000};
  var $ = function (id) { return document.getElementById(id); };
  var el = {code: $("ci-code"), form: $("ci-scan-form"), device: $("ci-device"), net: $("ci-net"),
            queue: $("ci-queue"), count: $("ci-count"), recent: $("ci-recent"),
            result: $("ci-result"), problems: $("ci-problems"), problemList: $("ci-problem-list"),
            search: $("ci-search"), results: $("ci-results"), video: $("ci-video"),
            cameraToggle: $("ci-camera-toggle"), cameraMsg: $("ci-camera-msg")};
  var state = {online: true, syncing: false, table: null, byFp: {}, byId: {}, mode: "scanner",
               hideTimer: null, lastCode: "", lastAt: 0, authProblem: false};

  function NetError(reason) { this.reason = reason; }
  function AuthError() {}

  // --- small helpers ----------------------------------------------------------------------
  function load(key, fallback) {
    try { var v = JSON.parse(window.localStorage.getItem(key)); return v === null ? fallback : v; }
    catch (e) { return fallback; }
  }
  function save(key, value) {
    try { window.localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* full */ }
  }
  function uuid() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function hhmm(date) {
    return new Date(date).toLocaleTimeString("vi-VN", {hour: "2-digit", minute: "2-digit",
                                                      hour12: false, timeZone: cfg.tz});
  }
  function fold(text) {
    return (text || "").replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ").trim();
  }
  function normalise(raw) { return (raw || "").trim().toUpperCase(); }
  function node(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) { n.className = cls; }
    if (text !== undefined) { n.textContent = text; }
    return n;
  }
  function device() { return (el.device.value || "").trim().slice(0, 64); }

  // --- sound: short high beep = OK, two beeps = already, low buzz = refused ---------------------
  var audio = null;
  function unlockAudio() {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!audio && Ctx) { audio = new Ctx(); }
    if (audio && audio.state === "suspended") { audio.resume(); }
  }
  function tone(freq, start, length, type) {
    var osc = audio.createOscillator(), gain = audio.createGain(), t = audio.currentTime + start;
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
    } catch (e) { /* no audio device */ }
  }

  // --- the full-screen result ----------------------------------------------------------------
  var ICONS = {green: "✓", queued: "✓", amber: "!", red: "✕"};
  function show(view) {
    var box = el.result;
    box.className = "ci-result ci-" + view.kind;
    box.setAttribute("data-result", view.result || view.kind);
    box.querySelector(".ci-result-icon").textContent = ICONS[view.kind];
    box.querySelector(".ci-result-title").textContent = view.title || "";
    box.querySelector(".ci-result-name").textContent = view.name || "";
    box.querySelector(".ci-result-detail").textContent = view.detail || "";
    box.querySelector(".ci-result-seat").textContent = view.seat ? "Ghế / khu vực: " + view.seat : "";
    box.querySelector(".ci-result-note").textContent = view.note || "";
    box.hidden = false;
    beep(view.kind);
    window.clearTimeout(state.hideTimer);
    state.hideTimer = window.setTimeout(hide, HIDE_MS[view.kind] || 4000);
    addRecent(view);
  }
  function hide() {
    el.result.hidden = true;
    if (state.mode === "scanner") { el.code.focus(); }
  }

  function viewFromAnswer(status, data) {
    var a = data.attendee || {};
    var detail = [a.unit_name, a.category].filter(Boolean).join(" · ");
    var base = {result: data.result, name: a.full_name || "", detail: detail, seat: a.seat || "",
                attendeeId: a.id};
    if (data.result === "checked_in") {
      return Object.assign(base, {kind: "green", title: "Đã check-in",
        note: data.from_offline_queue ? "Quét lúc " + data.checked_in_time + " (đồng bộ sau)" : ""});
    }
    if (data.result === "already_checked_in") {
      return Object.assign(base, {kind: "amber",
        title: "Đã check-in lúc " + data.checked_in_time + " bởi " + (data.by || "?"),
        note: data.device ? "Tại: " + data.device : ""});
    }
    var titles = {unknown_code: "Mã không hợp lệ", revoked: "Mã đã bị thu hồi",
                  not_invited: "Không được mời dự phiên này"};
    var notes = {unknown_code: "Không có trong danh sách sự kiện này — mời đến bàn Ban tổ chức",
                 revoked: "Đại biểu đã hủy đăng ký — mời đến bàn Ban tổ chức",
                 not_invited: "Mời đến bàn Ban tổ chức để được hướng dẫn"};
    return Object.assign(base, {kind: "red", title: titles[data.result] || "Không check-in được",
                                note: notes[data.result] || data.message || ""});
  }

  // --- recent scans and problems ----------------------------------------------------------------
  function addRecent(view) {
    var list = load(RECENT_KEY, []);
    list.unshift({at: new Date().toISOString(), kind: view.kind, title: view.title,
                  name: view.name, pending: !!view.pending, id: view.scanId || null});
    save(RECENT_KEY, list.slice(0, 30));
    renderRecent();
  }
  function markSynced(scanId, kind, title) {
    var list = load(RECENT_KEY, []);
    list.forEach(function (r) { if (r.id === scanId) { r.pending = false; r.kind = kind; r.title = title; } });
    save(RECENT_KEY, list);
    renderRecent();
  }
  function renderRecent() {
    var list = load(RECENT_KEY, []);
    el.recent.textContent = "";
    if (!list.length) { el.recent.appendChild(node("li", "list-group-item text-muted small", "Chưa có lượt quét.")); }
    list.slice(0, 12).forEach(function (r) {
      var li = node("li", "list-group-item small d-flex gap-2 align-items-start");
      li.setAttribute("data-kind", r.kind);
      li.appendChild(node("span", "ci-dot ci-dot-" + r.kind));
      var text = node("span", "flex-grow-1");
      text.appendChild(node("strong", "", r.name || "Mã không rõ"));
      text.appendChild(document.createTextNode(" — " + r.title));
      li.appendChild(text);
      if (r.pending) { li.appendChild(node("span", "badge text-bg-primary", "chờ đồng bộ")); }
      li.appendChild(node("span", "text-muted text-nowrap", hhmm(r.at)));
      el.recent.appendChild(li);
    });
  }
  function addProblem(item, view) {
    var list = load(PROBLEM_KEY, []);
    list.unshift({at: item.at, session: item.sessionName, name: view.name, title: view.title,
                  note: view.note, kind: view.kind});
    save(PROBLEM_KEY, list.slice(0, 200));
    renderProblems();
  }
  function renderProblems() {
    var list = load(PROBLEM_KEY, []);
    el.problems.hidden = !list.length;
    el.problemList.textContent = "";
    list.forEach(function (p) {
      var li = node("li", "list-group-item small");
      li.appendChild(node("span", "ci-dot ci-dot-" + p.kind));
      li.appendChild(node("strong", "", p.name || "Mã không xác định"));
      li.appendChild(document.createTextNode(" — " + p.title + (p.note ? " (" + p.note + ")" : "") +
        ". Quét khi mất mạng lúc " + hhmm(p.at) +
        (p.session && p.session !== cfg.sessionName ? " · " + p.session : "") + "."));
      el.problemList.appendChild(li);
    });
    if (list.length) {
      var clear = node("li", "list-group-item");
      var btn = node("button", "btn btn-sm btn-outline-secondary", "Đã xem, xóa danh sách");
      btn.type = "button";
      btn.addEventListener("click", function () { save(PROBLEM_KEY, []); renderProblems(); });
      clear.appendChild(btn);
      el.problemList.appendChild(clear);
    }
  }

  // --- network ----------------------------------------------------------------------------------
  function post(url, body) {
    return new Promise(function (resolve, reject) {
      var timer = window.setTimeout(function () { reject(new NetError("timeout")); }, TIMEOUT_MS);
      window.eventapp.postJSON(url, body).then(function (resp) {
        window.clearTimeout(timer); resolve(resp);
      }, function (error) { window.clearTimeout(timer); reject(new NetError(error)); });
    }).then(function (resp) {
      if (resp.status === 0 || resp.status === 429 || resp.status >= 500) { throw new NetError(resp.status); }
      var type = resp.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") < 0) { throw new AuthError(); }
      return resp.json().then(function (data) { return {status: resp.status, data: data}; });
    });
  }
  function setOnline(online) {
    state.online = online;
    el.net.className = "badge " + (online ? "text-bg-success" : "text-bg-danger");
    el.net.textContent = online ? "● Trực tuyến" : "● Mất kết nối — lưu trên máy";
    el.net.setAttribute("data-online", online ? "1" : "0");
  }
  function setAuthProblem(flag) {
    state.authProblem = flag;
    if (flag) {
      el.net.className = "badge text-bg-danger";
      el.net.textContent = "Hết phiên đăng nhập — tải lại trang";
    } else { setOnline(state.online); }
  }

  // --- offline table ---------------------------------------------------------------------------
  function loadTable() {
    return window.fetch(cfg.urls.codes, {credentials: "same-origin", cache: "no-store"})
      .then(function (resp) {
        if (!resp.ok || (resp.headers.get("Content-Type") || "").indexOf("json") < 0) { throw new NetError(resp.status); }
        return resp.json();
      }).then(function (table) {
        state.table = table;
        state.byFp = {}; state.byId = {};
        table.entries.forEach(function (e) { state.byFp[e[0]] = e; state.byId[e[7]] = e; });
        if (!state.authProblem) { setOnline(true); }
        renderCount();
      }).catch(function () { setOnline(false); });
  }
  function renderCount() {
    if (!state.table) { return; }
    var expected = 0, arrived = 0;
    state.table.entries.forEach(function (e) {
      if (e[1] <= 1) { expected += 1; } if (e[1] === 1) { arrived += 1; }
    });
    el.count.hidden = false;
    el.count.textContent = "Đã đến " + arrived + "/" + expected;
  }
  function markArrived(entry, time) {
    if (entry && entry[1] === 0) { entry[1] = 1; entry[6] = time; renderCount(); }
  }
  function entryView(entry, result) {
    var t = state.table;
    return {name: entry[2], seat: entry[5], result: result,
            detail: [t.units[entry[3]], t.categories[entry[4]]].filter(Boolean).join(" · ")};
  }
  // What the door can say with the server unreachable: judged from the fingerprint table.
  function judgeOffline(item) {
    var entry = item.code ? state.byFp[window.eventappSha256(item.code)] : state.byId[item.attendeeId];
    var pending = load(QUEUE_KEY, []).filter(function (q) {
      return q.session === item.session && q.event === item.event &&
        ((item.code && q.code === item.code) || (item.attendeeId && q.attendeeId === item.attendeeId));
    })[0];
    if (pending) {
      return Object.assign(entry ? entryView(entry) : {}, {kind: "amber", result: "queued_again",
        title: "Đã quét lúc " + hhmm(pending.at) + " (chờ đồng bộ)", duplicate: true});
    }
    if (!state.table) {
      return {kind: "queued", result: "queued", title: "Đã lưu — chờ đồng bộ",
              note: "Chưa có danh sách mã để kiểm tra khi mất mạng"};
    }
    if (!entry) { return {kind: "red", result: "unknown_code", title: "Mã không hợp lệ",
                          note: "Không có trong danh sách (kiểm tra lại khi có mạng)"}; }
    var view = entryView(entry);
    if (entry[1] === 2) { return Object.assign(view, {kind: "red", result: "revoked", title: "Mã đã bị thu hồi"}); }
    if (entry[1] === 3) { return Object.assign(view, {kind: "red", result: "not_invited", title: "Không được mời dự phiên này"}); }
    if (entry[1] === 1) {
      return Object.assign(view, {kind: "amber", result: "already_checked_in",
        title: "Đã check-in lúc " + entry[6], note: "Mất kết nối — theo danh sách trên máy"});
    }
    markArrived(entry, hhmm(item.at));
    return Object.assign(view, {kind: "queued", result: "queued", title: "Hợp lệ — chờ đồng bộ",
                                note: "Mất kết nối: đã lưu trên máy, sẽ gửi khi có mạng"});
  }

  // --- scanning --------------------------------------------------------------------------------
  function newItem(extra) {
    return Object.assign({id: uuid(), event: cfg.event, session: cfg.session,
                          sessionName: cfg.sessionName, device: device(),
                          at: new Date().toISOString()}, extra);
  }
  function bodyFor(item, offline) {
    var body = {device: item.device, scan_id: item.id};
    if (item.code) { body.code = item.code; }
    if (offline) { body.scanned_at = item.at; body.offline = true; }
    return body;
  }
  function queueOffline(item) {
    var view = judgeOffline(item);
    if (!view.duplicate && view.result !== "unknown_code") {
      var queue = load(QUEUE_KEY, []);
      queue.push(item);
      save(QUEUE_KEY, queue);
      renderQueue();
      view.pending = true;
    }
    view.scanId = item.id;
    show(view);
    if (state.online) { window.setTimeout(syncTick, 50); }
  }
  function submit(item) {
    if (!state.online || load(QUEUE_KEY, []).length) {  // keep order: no overtaking the queue
      queueOffline(item);
      return;
    }
    post(item.url, bodyFor(item, false)).then(function (answer) {
      setAuthProblem(false);
      var view = viewFromAnswer(answer.status, answer.data);
      if (answer.data.result === "checked_in") {
        var a = answer.data.attendee || {};
        markArrived(state.byId[a.id], answer.data.checked_in_time);
      }
      show(view);
    }, function (error) {
      if (error instanceof AuthError) {
        setAuthProblem(true);
      } else {
        setOnline(false);
      }
      queueOffline(item);
    });
  }
  function submitCode(raw, typed) {
    var code = normalise(raw);
    if (!code) { return; }
    unlockAudio();
    if (typed && /[^\x20-\x7E]/.test(code)) {
      show({kind: "red", result: "ime", title: "Bộ gõ tiếng Việt đang bật",
            note: "Tắt Unikey/EVKey (chuyển sang E) rồi quét lại"});
      return;
    }
    var now = Date.now();
    // The same QR held in front of the camera is one scan; a typed repeat is a real repeat.
    if (!typed && code === state.lastCode && now - state.lastAt < 4000) { return; }
    state.lastCode = code; state.lastAt = now;
    submit(newItem({code: code, url: cfg.urls.scan}));
  }

  // --- queue sync ----------------------------------------------------------------------------
  function renderQueue() {
    var n = load(QUEUE_KEY, []).length;
    el.queue.hidden = !n;
    el.queue.textContent = n + " chờ đồng bộ";
    el.queue.setAttribute("data-count", n);
  }
  function removeFromQueue(id) {
    save(QUEUE_KEY, load(QUEUE_KEY, []).filter(function (q) { return q.id !== id; }));
    renderQueue();
  }
  function syncNext() {
    var queue = load(QUEUE_KEY, []);
    if (!queue.length) { state.syncing = false; renderQueue(); loadTable(); return; }
    var item = queue[0];
    post(item.url, bodyFor(item, true)).then(function (answer) {
      setOnline(true); setAuthProblem(false);
      var view = viewFromAnswer(answer.status, answer.data);
      if (answer.status === 422 || answer.status === 404 && !answer.data.result) {
        view = {kind: "red", title: answer.data.message || "Không ghi nhận được", name: item.code};
      }
      removeFromQueue(item.id);
      markSynced(item.id, view.kind, view.title);
      if (view.kind !== "green") {
        if (!view.name && item.code) { view.note = "Mã " + item.code.slice(0, 8) + "…"; }
        addProblem(item, view);
      }
      syncNext();
    }, function (error) {
      state.syncing = false;
      if (error instanceof AuthError) { setAuthProblem(true); } else { setOnline(false); }
    });
  }
  function syncTick() {
    if (state.syncing) { return; }
    if (load(QUEUE_KEY, []).length) { state.syncing = true; syncNext(); }
    else if (!state.online) { loadTable(); }
  }

  // --- name search ------------------------------------------------------------------------------
  var searchTimer = null;
  function searchLocal(q) {
    var words = fold(q).split(" ").filter(Boolean);
    if (!state.table || !words.length) { return []; }
    var t = state.table;
    return t.entries.filter(function (e) {
      var name = fold(e[2]);
      return words.every(function (w) { return name.indexOf(w) >= 0; });
    }).slice(0, 15).map(function (e) {
      return {id: e[7], full_name: e[2], unit_name: t.units[e[3]], category: t.categories[e[4]],
              seat: e[5], status: ["ok", "checked_in", "revoked", "not_invited"][e[1]],
              checked_in_time: e[6]};
    });
  }
  function renderResults(items) {
    el.results.textContent = "";
    if (!items.length && fold(el.search.value).length >= 2) {
      el.results.appendChild(node("li", "list-group-item text-muted", "Không tìm thấy."));
    }
    items.forEach(function (p) {
      var li = node("li", "list-group-item d-flex justify-content-between align-items-center gap-2");
      var info = node("div");
      info.appendChild(node("div", "fw-semibold", p.full_name));
      info.appendChild(node("div", "small text-muted", [p.unit_name, p.category, p.seat].filter(Boolean).join(" · ")));
      li.appendChild(info);
      if (p.status === "ok") {
        var btn = node("button", "btn btn-success text-nowrap", "Check-in");
        btn.type = "button";
        btn.addEventListener("click", function () {
          unlockAudio();
          submit(newItem({attendeeId: p.id, url: cfg.urls.attendee.replace("/attendees/0/", "/attendees/" + p.id + "/")}));
          el.search.value = "";
          renderResults([]);
        });
        li.appendChild(btn);
      } else {
        var labels = {checked_in: "Đã đến " + (p.checked_in_time || ""), revoked: "Đã hủy",
                      not_invited: "Không dự phiên này"};
        li.appendChild(node("span", "badge " + (p.status === "checked_in" ? "text-bg-warning" : "text-bg-danger"), labels[p.status]));
      }
      el.results.appendChild(li);
    });
  }
  function doSearch() {
    var q = el.search.value;
    if (fold(q).length < 2) { renderResults([]); return; }
    if (!state.online) { renderResults(searchLocal(q)); return; }
    window.fetch(cfg.urls.search + "?q=" + encodeURIComponent(q), {credentials: "same-origin"})
      .then(function (resp) { if (!resp.ok) { throw new NetError(resp.status); } return resp.json(); })
      .then(function (data) { renderResults(data.results); },
            function () { renderResults(searchLocal(q)); });
  }

  // --- modes and wiring --------------------------------------------------------------------------
  function setMode(mode) {
    state.mode = mode;
    document.querySelectorAll(".ci-modes .nav-link").forEach(function (b) {
      b.classList.toggle("active", b.getAttribute("data-mode") === mode);
    });
    ["scanner", "camera", "search"].forEach(function (m) { $("ci-panel-" + m).hidden = m !== mode; });
    if (mode !== "camera") { window.eventappCamera.stop(); el.cameraToggle.textContent = "Bật camera"; }
    if (mode === "scanner") { el.code.focus(); }
    if (mode === "search") { el.search.focus(); }
  }
  function cameraMessage(text, isError) {
    el.cameraMsg.textContent = text;
    el.cameraMsg.className = "small mt-1 " + (isError ? "text-danger" : "text-muted");
  }

  el.form.addEventListener("submit", function (event) {
    event.preventDefault();
    var value = el.code.value;
    el.code.value = "";
    submitCode(value, true);
    el.code.focus();
  });
  el.code.addEventListener("keydown", function (event) {  // scanners configured to send Tab
    if (event.key === "Tab" && el.code.value.trim()) { event.preventDefault(); el.form.requestSubmit(); }
  });
  el.code.addEventListener("blur", function () {
    window.setTimeout(function () {
      var active = document.activeElement;
      if (state.mode === "scanner" && (!active || active === document.body)) { el.code.focus(); }
    }, 150);
  });
  el.result.addEventListener("click", hide);
  document.addEventListener("keydown", function (event) {
    unlockAudio();
    if (event.key === "Escape") { hide(); }
  });
  document.addEventListener("pointerdown", unlockAudio);
  document.querySelectorAll(".ci-modes .nav-link").forEach(function (b) {
    b.addEventListener("click", function () { setMode(b.getAttribute("data-mode")); });
  });
  el.cameraToggle.addEventListener("click", function () {
    unlockAudio();
    if (window.eventappCamera.running()) {
      window.eventappCamera.stop();
      el.cameraToggle.textContent = "Bật camera";
      cameraMessage("");
      return;
    }
    window.eventappCamera.start(el.video, submitCode, cameraMessage).then(function (ok) {
      el.cameraToggle.textContent = ok ? "Tắt camera" : "Bật camera";
    });
  });
  el.search.addEventListener("input", function () {
    window.clearTimeout(searchTimer);
    searchTimer = window.setTimeout(doSearch, 250);
  });
  el.device.value = window.localStorage.getItem(DEVICE_KEY) || "";
  el.device.addEventListener("change", function () {
    window.localStorage.setItem(DEVICE_KEY, device());
    if (state.mode === "scanner") { el.code.focus(); }  // back to the scanner field
  });
  window.addEventListener("online", syncTick);
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) { window.eventappCamera.stop(); el.cameraToggle.textContent = "Bật camera"; }
  });

  renderRecent();
  renderProblems();
  renderQueue();
  loadTable();
  window.setInterval(syncTick, SYNC_MS);
  window.setInterval(function () { if (state.online && !state.syncing) { loadTable(); } }, TABLE_MS);
  el.code.focus();
  document.body.setAttribute("data-scanner-ready", "1");
})();
