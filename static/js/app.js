// Shared behaviour for every page. No inline scripts anywhere (the CSP forbids them).
(function () {
  "use strict";
  // Forms marked data-confirm ask before they post.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
  // Exposed for page scripts that post JSON with the session (CSRF header required).
  window.eventapp = {
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
