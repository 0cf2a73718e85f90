// Live arrivals board: polls board.json, redraws the numbers, unit/category tables, the
// missing names of the units the organizer opened, and the arrivals chart (Chart.js).
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("board-config").textContent);
  var expanded = {};
  var chart = null;
  var over = true;  // the session has ended: not arrived is "vắng không lý do"
  var $ = function (id) { return document.getElementById(id); };

  function node(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) { n.className = cls; }
    if (text !== undefined) { n.textContent = String(text); }
    return n;
  }
  var number = window.eventapp.number;
  function percent(part, whole) { return whole ? Math.round(part * 100 / whole) : 0; }
  function progress(arrived, expected, label) {
    var wrap = node("div", "progress");
    wrap.setAttribute("role", "progressbar");
    wrap.setAttribute("aria-label", label);
    wrap.setAttribute("aria-valuenow", arrived);
    wrap.setAttribute("aria-valuemax", expected);
    var bar = node("div", "progress-bar " + (arrived >= expected ? "bg-success" : "bg-warning"));
    bar.style.width = (expected ? Math.min(100, percent(arrived, expected)) : 100) + "%";
    wrap.appendChild(bar);
    return wrap;
  }
  function cell(count, cls) { return node("td", cls || "text-end", number(count)); }

  function renderUnits(data) {
    var body = $("b-units").querySelector("tbody");
    body.textContent = "";
    data.units.forEach(function (u) {
      var row = node("tr", "ci-unit-row" + (u.expected ? "" : " ci-empty"));
      row.setAttribute("data-unit", u.key);
      var name = node("td");
      var toggle = node("button", "btn btn-link p-0 text-start ci-toggle", u.name);
      toggle.type = "button";
      toggle.setAttribute("aria-expanded", expanded[u.key] ? "true" : "false");
      name.appendChild(toggle);
      row.appendChild(name);
      row.appendChild(cell(u.expected));
      row.appendChild(cell(u.checked_in));
      row.appendChild(cell(u.excused));
      row.appendChild(cell(u.substituted, "text-end text-muted"));
      row.appendChild(over ? cell(u.absent, "text-end" + (u.absent ? " fw-bold text-danger" : ""))
                           : cell(u.not_yet_arrived));
      var bar = node("td");
      if (u.expected) { bar.appendChild(progress(u.checked_in, u.expected, u.name)); }
      row.appendChild(bar);
      body.appendChild(row);
      if (expanded[u.key]) { body.appendChild(missingRow(u, data.missing[u.key] || [])); }
    });
  }
  function missingRow(unit, people) {
    var row = node("tr", "ci-missing-row");
    row.setAttribute("data-missing-for", unit.key);
    var td = node("td");
    td.colSpan = 7;
    if (!people.length) {
      td.appendChild(node("span", "text-success small", "Đã đến đủ."));
    } else {
      var list = node("ol", "ci-missing-names");
      people.forEach(function (p) { list.appendChild(node("li", "", p.full_name + (p.phone ? " · " + p.phone : ""))); });
      td.appendChild(list);
    }
    var link = node("a", "small", "Danh sách, check-in thủ công →");
    link.href = cfg.missing + "&unit=" + encodeURIComponent(unit.key);
    td.appendChild(link);
    row.appendChild(td);
    return row;
  }
  function renderCategories(data) {
    var body = $("b-categories").querySelector("tbody");
    body.textContent = "";
    data.categories.forEach(function (c) {
      var row = node("tr");
      row.appendChild(node("td", "", c.name));
      row.appendChild(cell(c.expected));
      row.appendChild(cell(c.checked_in));
      row.appendChild(cell(c.expected - c.checked_in));
      body.appendChild(row);
    });
  }
  function renderChart(points) {
    $("b-chart-empty").hidden = points.length > 0;
    if (!window.Chart) { return; }
    var labels = points.map(function (p) { return p.label; });
    var counts = points.map(function (p) { return p.count; });
    var totals = points.map(function (p) { return p.cumulative; });
    if (!chart) {
      chart = new window.Chart($("b-chart"), {
        data: {labels: labels, datasets: [
          {type: "bar", label: "Số người đến", data: counts, backgroundColor: "#0d6efd", yAxisID: "y"},
          {type: "line", label: "Cộng dồn", data: totals, borderColor: "#198754", pointRadius: 2,
           tension: 0.2, yAxisID: "y2"}]},
        options: {animation: false, maintainAspectRatio: false, interaction: {mode: "index", intersect: false},
                  scales: {y: {beginAtZero: true, ticks: {precision: 0}, title: {display: true, text: "mỗi khoảng"}},
                           y2: {beginAtZero: true, position: "right", grid: {drawOnChartArea: false},
                                ticks: {precision: 0}, title: {display: true, text: "cộng dồn"}}}}
      });
      return;
    }
    chart.data.labels = labels;
    chart.data.datasets[0].data = counts;
    chart.data.datasets[1].data = totals;
    chart.update();
  }
  function render(data) {
    $("b-arrived").textContent = number(data.checked_in);
    $("b-expected").textContent = number(data.expected);
    $("b-missing").textContent = number(data.expected - data.checked_in);
    $("b-excused").textContent = number(data.excused);
    $("b-substituted").textContent = number(data.substituted);
    over = data.session_over;
    $("b-absent").textContent = number(over ? data.absent : data.not_yet_arrived);
    $("b-absent-label").textContent = over ? "vắng không lý do" : "chưa đến, chưa báo lý do";
    $("b-not-over").hidden = over;
    var head = $("b-absent-head");
    head.textContent = over ? "Không lý do" : "Chưa đến";
    head.title = over ? "Vắng, không báo lý do" : "Chưa đến, chưa báo lý do (phiên chưa kết thúc)";
    $("b-percent").textContent = percent(data.checked_in, data.expected);
    $("b-failed").textContent = number(data.failed_scans);
    var box = $("b-progress");
    box.textContent = "";
    box.appendChild(progress(data.checked_in, data.expected, "Tỉ lệ đã đến"));
    $("b-updated").textContent = "cập nhật " + data.updated_at;
    renderUnits(data);
    renderCategories(data);
    renderChart(data.arrivals);
    document.body.setAttribute("data-board-polls", String(Number(document.body.getAttribute("data-board-polls") || 0) + 1));
  }
  function poll() {
    if (document.hidden) { return; }
    var keys = Object.keys(expanded).filter(function (k) { return expanded[k]; });
    var url = cfg.data + (keys.length ? "&expand=" + encodeURIComponent(keys.join(",")) : "");
    window.fetch(url, {credentials: "same-origin", cache: "no-store"})
      .then(function (resp) { if (!resp.ok) { throw new Error(resp.status); } return resp.json(); })
      .then(render)
      .catch(function () { $("b-updated").textContent = "mất kết nối, đang thử lại…"; });
  }
  $("b-units").addEventListener("click", function (event) {
    var button = event.target.closest(".ci-toggle");
    if (!button) { return; }
    var key = button.closest("tr").getAttribute("data-unit");
    expanded[key] = !expanded[key];
    poll();
  });
  document.addEventListener("visibilitychange", poll);
  poll();
  window.setInterval(poll, cfg.interval || 5000);
})();
