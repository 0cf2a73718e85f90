// Dialogue console: ← and → move to the previous / next question (unless typing).
(function () {
  "use strict";
  document.addEventListener("keydown", function (e) {
    var tag = (e.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || e.altKey || e.ctrlKey || e.metaKey) { return; }
    var id = e.key === "ArrowRight" ? "next-btn" : (e.key === "ArrowLeft" ? "prev-btn" : null);
    var button = id && document.getElementById(id);
    if (button && !button.disabled) { e.preventDefault(); button.form.submit(); }
  });
})();
