// Compliance board: the totals by topic as a bar chart (vendored Chart.js, no CDN).
(function () {
  "use strict";
  var source = document.getElementById("topic-chart-data");
  var canvas = document.getElementById("topic-chart");
  if (!source || !canvas || !window.Chart) { return; }
  var data = JSON.parse(source.textContent);
  var short = function (label) { return label.length > 28 ? label.slice(0, 27) + "…" : label; };
  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels.map(short),
      datasets: [
        {label: "Câu hỏi", data: data.submitted, backgroundColor: "#0d6efd"},
        {label: "Được chọn", data: data.selected, backgroundColor: "#198754"}
      ]
    },
    options: {
      indexAxis: "y", maintainAspectRatio: false, animation: false,
      scales: {x: {beginAtZero: true, ticks: {precision: 0}}},
      plugins: {tooltip: {callbacks: {title: function (items) {
        return data.labels[items[0].dataIndex];
      }}}}
    }
  });
})();
