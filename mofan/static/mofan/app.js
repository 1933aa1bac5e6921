// Small behaviours without inline script (the CSP forbids it).
document.addEventListener("DOMContentLoaded", () => {
  // Auto-submit filter forms when a select changes.
  document.body.addEventListener("change", (ev) => {
    const el = ev.target;
    if (el.matches("form[data-autosubmit] select")) {
      el.form.requestSubmit();
    }
  });
  // Confirm dangerous buttons.
  document.body.addEventListener("click", (ev) => {
    const el = ev.target.closest("[data-confirm]");
    if (el && !window.confirm(el.dataset.confirm)) {
      ev.preventDefault();
    }
  });
});
