// Field pages: keep every form's version current after an htmx save, keep Enter in the parts
// search from submitting the form, and print buttons.
(function () {
  "use strict";
  document.addEventListener("jobVersion", (e) => {
    const value = e.detail && e.detail.value;
    if (!value) return;
    document.querySelectorAll("input[name=version]").forEach((input) => { input.value = value; });
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && e.target.matches && e.target.matches("[data-no-submit]")) e.preventDefault();
  });
  document.addEventListener("click", (e) => {
    const button = e.target.closest && e.target.closest("[data-print]");
    if (button) { e.preventDefault(); window.print(); }
  });
  // A chosen part: show it and clear the list, so the thumb goes straight to "Add".
  document.addEventListener("change", (e) => {
    if (!e.target.matches || !e.target.matches(".part-results input[type=radio]")) return;
    e.target.closest(".part-results").querySelectorAll("label.pick").forEach((label) => {
      label.classList.toggle("chosen", label.contains(e.target));
    });
  });
})();
