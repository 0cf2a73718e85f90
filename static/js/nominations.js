// Nominations pages: print buttons, and on the review form a hint when the chosen decision
// goes against the automatic result (the server enforces the written reason).
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  var form = document.getElementById("decide-form");
  if (!form) { return; }
  var hint = form.querySelector("[data-against-hint]");
  var auto = form.getAttribute("data-auto-eligible") === "true";
  function update() {
    var chosen = form.querySelector('input[name="decision"]:checked');
    var value = chosen ? chosen.value : "";
    hint.hidden = !((value === "approved" && !auto) || (value === "rejected" && auto));
  }
  form.addEventListener("change", update);
  update();
})();
