// The idle sign-out's warning: a toast a few minutes before the server ends an idle session, with a button that
// keeps it. The limits come from the page's <meta name="xuncha-idle"> (the CSP forbids inline scripts).
(() => {
  const meta = document.querySelector('meta[name="xuncha-idle"]');
  const toastElement = document.getElementById("idle-warning");
  if (!meta || !toastElement) {
    return;
  }
  const idleMs = parseFloat(meta.content) * 60000;
  const warningMs = parseFloat(meta.dataset.warningMinutes) * 60000;
  if (!(idleMs > 0)) {
    return;
  }
  let warningTimer = 0;
  let expiryTimer = 0;

  const toast = () => window.bootstrap.Toast.getOrCreateInstance(toastElement, { autohide: false });

  const expire = () => {
    const next = encodeURIComponent(window.location.pathname + window.location.search);
    window.location.assign(`${meta.dataset.loginUrl}?next=${next}`);
  };

  const restart = () => {
    window.clearTimeout(warningTimer);
    window.clearTimeout(expiryTimer);
    if (window.bootstrap) {
      toast().hide();
    }
    warningTimer = window.setTimeout(() => toast().show(), Math.max(idleMs - warningMs, 0));
    // A second later than the server, so that the login page comes after the session has ended.
    expiryTimer = window.setTimeout(expire, idleMs + 1000);
  };

  // Any request to the server counts as activity there; so it does here.
  document.addEventListener("htmx:afterRequest", restart);
  document.addEventListener("click", (event) => {
    if (event.target instanceof Element && event.target.closest("[data-idle-keepalive]")) {
      fetch(meta.dataset.keepaliveUrl, { method: "HEAD", credentials: "same-origin" }).then(restart);
    }
  });
  restart();
})();
