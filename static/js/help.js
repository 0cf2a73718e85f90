// "In hướng dẫn": the browser's print dialog (the page's print CSS hides the menus).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
