// Questions, unit side: a live character counter under the question box (limit 2,000).
(function () {
  "use strict";
  var LIMIT = 2000;
  document.querySelectorAll("[data-counter-for]").forEach(function (counter) {
    var form = counter.closest("form");
    var box = form && form.querySelector('[name="' + counter.getAttribute("data-counter-for") + '"]');
    if (!box) { return; }
    var update = function () {
      counter.textContent = window.eventapp.number(box.value.length);
      counter.classList.toggle("text-danger", box.value.length > LIMIT);
    };
    box.addEventListener("input", update);
    update();
  });
})();
