// Dossier form: add/remove rows, show the retirement date only for retired nominees, and
// ask the server for the eligibility result while the unit types (no inline scripts: CSP).
(function () {
  "use strict";
  var form = document.getElementById("dossier-form");
  if (!form) { return; }
  var result = document.getElementById("live-result");
  var state = document.getElementById("live-state");
  var counters = {};
  var timer = null;
  var sequence = 0;

  function nextIndex(kind) {
    if (counters[kind] === undefined) {
      counters[kind] = 0;
      form.querySelectorAll('[name^="' + kind + '-"]').forEach(function (input) {
        var n = parseInt(input.name.split("-")[1], 10);
        if (!isNaN(n) && n >= counters[kind]) { counters[kind] = n + 1; }
      });
    }
    return counters[kind]++;
  }

  function addRow(kind) {
    var template = document.getElementById("tpl-" + kind);
    var body = form.querySelector('[data-rows="' + kind + '"]');
    var index = String(nextIndex(kind));
    var fragment = template.content.cloneNode(true);
    fragment.querySelectorAll("[name]").forEach(function (input) {
      input.name = input.name.replace("__i__", index);
    });
    body.appendChild(fragment);
    var first = body.lastElementChild && body.lastElementChild.querySelector("input, select");
    if (first) { first.focus(); }
  }

  function toggleRetired() {
    var retired = form.querySelector('input[name="status"]:checked');
    var isRetired = retired && retired.value === "retired";
    form.querySelectorAll("[data-retired-only]").forEach(function (el) {
      el.hidden = !isRetired;
    });
  }

  function rows(kind, parts) {
    var list = [];
    form.querySelectorAll('[data-rows="' + kind + '"] tr').forEach(function (tr) {
      var row = {};
      var filled = false;
      parts.forEach(function (part) {
        var input = tr.querySelector('[name$="-' + part + '"]');
        row[part] = input ? input.value.trim() : "";
        if (row[part] && input.tagName !== "SELECT") { filled = true; }
      });
      if (filled) { list.push(row); }
    });
    return list;
  }

  function payload() {
    var data = {nomination_id: form.getAttribute("data-nomination-id") || null};
    ["full_name", "birth_date", "gender", "school", "position", "retired_on", "note"].forEach(
      function (name) {
        var input = form.elements.namedItem(name);
        data[name] = input ? input.value : "";
      });
    var status = form.querySelector('input[name="status"]:checked');
    data.status = status ? status.value : "serving";
    if (data.status === "serving") { data.retired_on = ""; }
    data.service_periods = rows("period", ["start", "end"]);
    data.titles = rows("title", ["year", "title"]);
    data.disciplines = rows("discipline", ["date", "level"]);
    return data;
  }

  function refresh() {
    var mine = ++sequence;
    state.textContent = "Đang tính…";
    window.eventapp.postJSON(form.getAttribute("data-preview-url"), payload())
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (mine !== sequence) { return; }
        if (data.html) { result.innerHTML = data.html; }
        state.textContent = data.result ? "Đã cập nhật" : "Thiếu thông tin";
      })
      .catch(function () {
        if (mine === sequence) { state.textContent = "Không kết nối được máy chủ"; }
      });
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 350);
  }

  form.addEventListener("click", function (event) {
    var add = event.target.closest("[data-add-row]");
    if (add) { addRow(add.getAttribute("data-add-row")); schedule(); return; }
    var remove = event.target.closest("[data-remove-row]");
    if (remove) { remove.closest("tr").remove(); schedule(); }
  });
  form.addEventListener("input", schedule);
  form.addEventListener("change", function () { toggleRetired(); schedule(); });
  toggleRetired();
  // A blank new dossier keeps the page's own hint until the unit types: asking now would
  // list every empty required field as an error before anything was typed.
  var data = payload();
  if (data.nomination_id || data.full_name.trim() || data.school.trim() ||
      data.birth_date.trim() || data.service_periods.length || data.titles.length ||
      data.disciplines.length) {
    refresh();
  }
})();
