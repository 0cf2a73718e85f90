// Print settings (thông tin in): the preview beside the form follows what is typed. The
// server prints the unsaved values through the print views' own partials; the answer is
// shown in a frame (srcdoc, so the print stylesheet stays out of this page) scaled to fit.
(function () {
  "use strict";
  var form = document.getElementById("print-settings");
  var frame = document.getElementById("print-preview");
  var status = document.getElementById("preview-status");
  if (!form || !frame || !window.fetch) { return; }
  var url = frame.getAttribute("data-src");
  var timer = null;
  var latest = 0;

  function query() {
    var params = new URLSearchParams(new FormData(form));
    params.delete("csrf_token");
    return params.toString();
  }

  function fit() {
    var doc = frame.contentDocument;
    var page = doc && doc.querySelector(".preview-page");
    if (!page) { return; }
    doc.body.style.zoom = "";
    var zoom = Math.min(1, frame.clientWidth / (page.offsetWidth + 24));
    doc.body.style.zoom = String(zoom);
    // The body's box, not the document's scroll height: that never drops below the frame's.
    frame.style.height = Math.ceil(doc.body.getBoundingClientRect().bottom) + "px";
  }

  function load() {
    var mine = ++latest;
    fetch(url + "?" + query(), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.text();
      })
      .then(function (html) {
        if (mine === latest) { frame.srcdoc = html; }
      })
      .catch(function () {
        if (mine === latest) { status.textContent = "Không tải được bản xem trước; thử lại sau."; }
      });
  }

  frame.addEventListener("load", fit);
  window.addEventListener("resize", fit);
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(load, 250);
  });
  load();
})();
