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

// On a phone the sections marked data-xc-phone-open start open (an item's progress report sits on the first
// screen); anywhere, a link to a folded section (#progress) opens it.
const openFolded = () => {
  if (window.matchMedia("(max-width: 767.98px)").matches) {
    document.querySelectorAll("details[data-xc-phone-open]").forEach((details) => { details.open = true; });
  }
  const target = window.location.hash ? document.getElementById(window.location.hash.slice(1)) : null;
  if (target instanceof HTMLDetailsElement) {
    target.open = true;
  }
};
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", openFolded);
} else {
  openFolded();
}
