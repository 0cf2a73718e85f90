// Shared behaviour for every page. No inline scripts anywhere (the CSP forbids them).
(function () {
  "use strict";
  // Forms marked data-confirm ask before they post.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
  // Logging in or out forgets the scanner pages kept for offline use (cache named in
  // templates/checkin/sw.js): the next person on this device never opens the last one's
  // page. The deletion is handed to the browser before the form leaves the page.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.hasAttribute || !form.hasAttribute("data-forget-offline") ||
        !window.caches) { return; }
    window.caches.delete("eventapp-checkin-pages").catch(function () { return false; });
  });
  // A wide table that scrolls sideways inside its box can be scrolled from the keyboard:
  // such a box (and only such a box, so no empty tab stops on a wide screen) takes the focus.
  function focusableScrollers() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
        if (!box.hasAttribute("role")) {
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", "Bảng (cuộn ngang để xem hết)");
        }
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
      }
    });
  }
  focusableScrollers();
  window.addEventListener("resize", focusableScrollers);
  // Exposed for page scripts that post JSON with the session (CSRF header required).
  window.eventapp = {
    // A count as the pages write it (formatting.number): "." between thousands, 11.119;
    // by hand, not toLocaleString, so every browser writes the same whatever its language.
    number: function (count) {
      return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    },
    csrfToken: function () {
      var meta = document.querySelector('meta[name="csrf-token"]');
      return meta ? meta.getAttribute("content") : "";
    },
    postJSON: function (url, body) {
      return fetch(url, {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": window.eventapp.csrfToken()},
        body: JSON.stringify(body || {})
      });
    }
  };
})();
