// A "Sao chép" button (data-copy = the id of the field to copy). The clipboard API needs a
// secure origin; on the venue's plain-HTTP LAN address the older copy command is used.
(function () {
  "use strict";
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = document.getElementById("copy-status");
    function say(text) { if (status) { status.textContent = text; } }
    function fallback() {
      field.focus();
      field.select();
      var copied = false;
      try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
      say(copied ? "Đã sao chép." : "Không sao chép được: mã đã được chọn, hãy nhấn Ctrl+C.");
    }
    button.addEventListener("click", function () {
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(function () { say("Đã sao chép."); },
                                                        fallback);
      } else {
        fallback();
      }
    });
  });
})();
