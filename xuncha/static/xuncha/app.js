// Small behaviours of the office pages. No inline handlers: the Content-Security-Policy forbids them.
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target instanceof HTMLSelectElement && target.classList.contains("xc-autosubmit") && target.form) {
    target.form.submit();
  }
});

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});

// The error pages' "back" link: the browser's history when there is one, the link's own address otherwise.
document.addEventListener("click", (event) => {
  const link = event.target instanceof Element ? event.target.closest("a[data-xc-back]") : null;
  if (link && window.history.length > 1) {
    event.preventDefault();
    window.history.back();
  }
});
