// Print pages of invitations and badges: the toolbar's print button (no inline handlers: CSP).
(function () {
  "use strict";
  var button = document.getElementById("print-now");
  if (button) {
    button.addEventListener("click", function () { window.print(); });
  }
})();
