// Projector: follows the question the console puts on screen (polls every 2 seconds).
(function () {
  "use strict";
  var frame = document.getElementById("projector");
  if (!frame) { return; }
  var url = frame.getAttribute("data-state-url");
  var set = function (id, text) {
    var el = document.getElementById(id);
    if (el.textContent !== text) { el.textContent = text; }
  };
  function refresh() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        var q = data.question;
        set("p-number", q ? "Câu hỏi " + q.number + "/" + data.total : "");
        set("p-topic", q ? q.topic : "");
        set("p-text", q ? q.text : "Chưa có câu hỏi nào được chọn.");
        set("p-units", q ? q.units.join(" · ") : "");
        set("p-askers", q ? q.askers.join(" · ") : "");
        frame.setAttribute("data-question", q ? q.id : "");
      })
      .catch(function () { /* the venue LAN may blink; try again next tick */ });
  }
  setInterval(refresh, 2000);
  document.addEventListener("keydown", function (e) {
    if (e.key === "f" && document.documentElement.requestFullscreen) {
      document.documentElement.requestFullscreen();
    }
  });
})();
