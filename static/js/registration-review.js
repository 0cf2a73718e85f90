// Approval bar on the attendee list: "choose all" ticks every pending registration on the
// page, and the bar says how many are ticked. The form itself posts normally.
(function () {
  "use strict";
  var form = document.getElementById("review");
  if (!form) { return; }
  var all = document.getElementById("review-all");
  var count = document.getElementById("review-count");
  var picks = function () { return document.querySelectorAll(".review-pick"); };
  function recount() {
    var ticked = document.querySelectorAll(".review-pick:checked").length;
    count.textContent = "Đã chọn " + ticked;
    all.checked = ticked > 0 && ticked === picks().length;
    all.indeterminate = ticked > 0 && ticked < picks().length;
  }
  all.addEventListener("change", function () {
    picks().forEach(function (box) { box.checked = all.checked; });
    recount();
  });
  document.addEventListener("change", function (event) {
    if (event.target.classList && event.target.classList.contains("review-pick")) { recount(); }
  });
  recount();
})();
