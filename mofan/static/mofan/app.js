// Small behaviours without inline script (the CSP forbids it).
document.addEventListener("DOMContentLoaded", () => {
  // Auto-submit filter forms when a select changes.
  document.body.addEventListener("change", (ev) => {
    const el = ev.target;
    if (el.matches("form[data-autosubmit] select")) {
      el.form.requestSubmit();
    }
  });
  // Insert a snippet at the cursor of a textarea (the summary editor's field picker).
  document.body.addEventListener("click", (ev) => {
    const el = ev.target.closest("[data-insert]");
    const target = el && document.getElementById(el.dataset.insertInto);
    if (!target) {
      return;
    }
    const start = target.selectionStart ?? target.value.length;
    const end = target.selectionEnd ?? start;
    target.setRangeText(el.dataset.insert, start, end, "end");
    target.focus();
  });
  // Confirm dangerous buttons.
  document.body.addEventListener("click", (ev) => {
    const el = ev.target.closest("[data-confirm]");
    if (el && !window.confirm(el.dataset.confirm)) {
      ev.preventDefault();
    }
  });
});
