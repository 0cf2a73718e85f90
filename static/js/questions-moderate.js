// Moderation list: row buttons and the bulk bar post with fetch and put the server's fresh
// rows in place (no reload, the scroll position kept); keys move and act. Without this
// script every button is a plain form that comes back to its row (#q-<id>).
// One listener per kind on the list, not per row: the list may hold 1,000 questions.
(function () {
  "use strict";
  var list = document.getElementById("moderation-list");
  var bar = document.getElementById("bulk-form");
  if (!list || !bar || !window.eventapp || !window.fetch) { return; }
  var all = document.getElementById("bulk-all");
  var count = document.getElementById("bulk-count");
  var result = document.getElementById("bulk-result");
  var picks = function () { return list.querySelectorAll(".bulk-pick:checked"); };
  var recount = function () {
    var n = picks().length;
    count.textContent = "Đã chọn " + window.eventapp.number(n) + " câu";
    var boxes = list.querySelectorAll(".bulk-pick").length;
    all.checked = n > 0 && n === boxes;
    all.indeterminate = n > 0 && n < boxes;
  };
  var rowOf = function (id) { return document.getElementById("q-" + id); };
  var say = function (row, text, ok) {
    var box = row && row.querySelector(".row-message");
    if (box) { box.textContent = text; box.className = "small row-message " + (ok ? "text-success" : "text-danger"); }
  };
  // Put the server's rows in place; a ticked box and the focus stay where they were.
  // All rows are parsed at once (one innerHTML, not one per row).
  var replaceRows = function (rows, keepTicks) {
    var focused = document.activeElement && document.activeElement.closest &&
      document.activeElement.closest(".question-row");
    var template = document.createElement("template");
    var ids = Object.keys(rows);
    template.innerHTML = ids.map(function (id) { return rows[id]; }).join("");
    Array.prototype.slice.call(template.content.children).forEach(function (fresh) {
      var old = rowOf(fresh.getAttribute("data-question"));
      if (!old) { return; }
      var tick = fresh.querySelector(".bulk-pick");
      if (tick && keepTicks) { tick.checked = old.querySelector(".bulk-pick").checked; }
      old.replaceWith(fresh);
      if (focused === old) { fresh.focus({preventScroll: true}); }
    });
    recount();
  };
  var failure = function (response, body) {
    return (body && body.message) || "Không lưu được. Vui lòng tải lại trang rồi thử lại.";
  };
  var send = function (url, body) {
    return window.eventapp.postJSON(url, body).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (data) {
        return {response: response, data: data};
      });
    });
  };

  // A row's button (it posts the page's one form to its own formaction): its name and
  // value as JSON; the answer's rows replace the old ones.
  var rowAction = function (button) {
    var row = button.closest(".question-row");
    var body = {};
    if (button.name) { body[button.name] = button.value; }
    row.classList.add("busy");
    send(button.getAttribute("formaction"), body).then(function (answer) {
      row.classList.remove("busy");
      if (answer.data && answer.data.rows) { replaceRows(answer.data.rows, true); }
      var ok = answer.response.ok;
      say(rowOf(row.getAttribute("data-question")) || row,
          ok ? answer.data.message : failure(answer.response, answer.data), ok);
    }).catch(function () {
      row.classList.remove("busy");
      say(row, "Mất kết nối tới máy chủ; chưa lưu. Vui lòng thử lại.", false);
    });
  };

  list.addEventListener("change", function (event) {
    if (event.target.classList.contains("bulk-pick")) { recount(); }
  });
  all.addEventListener("change", function () {
    list.querySelectorAll(".bulk-pick").forEach(function (box) { box.checked = all.checked; });
    recount();
  });

  // Row buttons (each row is its own form, posted to the button's formaction).
  list.addEventListener("submit", function (event) {
    if (!event.submitter || !event.submitter.hasAttribute("formaction")) { return; }
    event.preventDefault();
    rowAction(event.submitter);
  });

  // The bulk bar (shown only with this script): one request for every ticked question.
  bar.hidden = false;
  document.getElementById("keys-help").hidden = false;
  bar.addEventListener("submit", function (event) {
    event.preventDefault();
    var action = event.submitter && event.submitter.name === "action" ? event.submitter.value : "select";
    var ids = Array.prototype.map.call(picks(), function (box) { return box.value; });
    if (!ids.length) { result.textContent = "Chưa đánh dấu câu hỏi nào."; result.className = "small text-danger"; return; }
    var started = performance.now();
    result.textContent = "Đang lưu " + window.eventapp.number(ids.length) + " câu…";
    result.className = "small text-muted";
    var buttons = bar.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    send(bar.getAttribute("action"), {ids: ids, action: action, topic: bar.elements.topic.value})
      .then(function (answer) {
        var data = answer.data || {};
        // How long the answer took and the redraw after it (read by the 1,000-row test).
        bar.setAttribute("data-answer-ms", Math.round(performance.now() - started));
        if (answer.response.ok) {
          replaceRows(data.rows || {}, false);
          (data.results || []).forEach(function (r) {
            if (r.result === "skipped") { say(rowOf(r.id), "Bỏ qua: " + r.message, false); }
          });
        }
        result.textContent = answer.response.ok ? data.summary : failure(answer.response, data);
        result.className = "small " + (answer.response.ok ? "text-success" : "text-danger");
        bar.setAttribute("data-last-ms", Math.round(performance.now() - started));
      })
      .catch(function () {
        result.textContent = "Mất kết nối tới máy chủ; chưa lưu. Vui lòng thử lại.";
        result.className = "small text-danger";
      })
      .then(function () { buttons.forEach(function (b) { b.disabled = false; }); });
  });

  // Keys: j/↓ and k/↑ move, x ticks, s selects, r rejects the focused row. Never while
  // typing in a box, and never with Ctrl/Alt/Meta (the browser's own shortcuts).
  var typing = function (el) {
    return el && (el.isContentEditable || /^(TEXTAREA|SELECT)$/.test(el.tagName) ||
      (el.tagName === "INPUT" && !/^(checkbox|radio|button|submit)$/.test(el.type)));
  };
  var current = function () {
    var el = document.activeElement;
    return el && el.closest ? el.closest("#moderation-list .question-row") : null;
  };
  var press = function (row, status) {
    var button = row.querySelector('button[name="status"][value="' + status + '"]');
    if (button) { row.requestSubmit(button); }
  };
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.altKey || event.metaKey || typing(event.target)) { return; }
    var row = current();
    var key = event.key;
    if (key === "j" || key === "k" || ((key === "ArrowDown" || key === "ArrowUp") && row)) {
      var forward = key === "j" || key === "ArrowDown";
      var next = row ? (forward ? row.nextElementSibling : row.previousElementSibling)
        : list.querySelector(".question-row");
      if (next && next.classList.contains("question-row")) {
        event.preventDefault();
        next.focus({preventScroll: true});
        next.scrollIntoView({block: "nearest"});
      }
    } else if (row && key === "x") {
      var box = row.querySelector(".bulk-pick");
      box.checked = !box.checked;
      recount();
    } else if (row && (key === "s" || key === "r")) {
      press(row, key === "s" ? "selected" : "rejected");
    }
  });
  recount();
})();
