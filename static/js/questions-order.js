// Order of the selected questions: drag and drop, saved at once (the ▲ ▼ buttons work
// without this script).
(function () {
  "use strict";
  var list = document.getElementById("order-list");
  var status = document.getElementById("order-status");
  if (!list || !window.eventapp) { return; }
  var dragged = null;
  var say = function (text, cls) { status.textContent = text; status.className = "small mb-2 " + cls; };
  list.addEventListener("dragstart", function (e) {
    dragged = e.target.closest("li[data-id]");
    if (dragged) { dragged.classList.add("dragging"); e.dataTransfer.effectAllowed = "move"; }
  });
  list.addEventListener("dragover", function (e) {
    var over = e.target.closest("li[data-id]");
    if (!dragged || !over || over === dragged) { return; }
    e.preventDefault();
    list.querySelectorAll(".drop-target").forEach(function (li) { li.classList.remove("drop-target"); });
    over.classList.add("drop-target");
  });
  list.addEventListener("drop", function (e) {
    var over = e.target.closest("li[data-id]");
    if (!dragged || !over) { return; }
    e.preventDefault();
    over.classList.remove("drop-target");
    var items = Array.prototype.slice.call(list.children);
    list.insertBefore(dragged, items.indexOf(dragged) < items.indexOf(over) ? over.nextSibling : over);
    save();
  });
  list.addEventListener("dragend", function () {
    if (dragged) { dragged.classList.remove("dragging"); }
    dragged = null;
  });
  function save() {
    var order = Array.prototype.map.call(list.querySelectorAll("li[data-id]"), function (li) {
      return parseInt(li.getAttribute("data-id"), 10);
    });
    say("Đang lưu…", "text-muted");
    window.eventapp.postJSON(list.getAttribute("data-url"), {order: order}).then(function (r) {
      return r.json().then(function (body) {
        if (r.ok) { say("Đã lưu thứ tự.", "text-success"); }
        else { say(body.message || "Không lưu được; hãy tải lại trang.", "text-danger"); }
      });
    }).catch(function () { say("Mất kết nối; thứ tự chưa được lưu.", "text-danger"); });
  }
})();
