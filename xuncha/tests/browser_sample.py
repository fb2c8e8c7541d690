"""A sample of the UI crawl's pages opened in chromium (test_ui_crawl.py): console errors and CSP violations.

The browser reaches the app through Playwright's request interception, answered by the reader's Django test client
in the test's own thread: the pages see the demo loaded in the crawl's transaction (which a live server's thread
would not see on PostgreSQL), and no server or port is needed. Static files come from the staticfiles finders.
Requests that would change something (anything but GET and HEAD) are refused and reported: a page must not send one
by merely opening.

Playwright's event loop runs in this thread, so Django keeps its database connections per context variables, and
Playwright calls the route handler in a context of its own: there the client would open a second connection, outside
the crawl's transaction, and read an empty database (no demo, no session: every page the sign-in page). The handler
therefore answers in a copy of the context that opened the pages, which holds the test's connection.
"""

from __future__ import annotations

import contextvars
import mimetypes
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.shortcuts import resolve_url
from django.test import Client

from xuncha.tests.crawler import body_of

# A potentially trustworthy origin, as a deployment behind HTTPS is: Chromium ignores (and logs) the
# Cross-Origin-Opener-Policy header of any other plain-HTTP origin. No request leaves the browser.
ORIGIN = "http://localhost"
# Every violation of the page's Content-Security-Policy goes to the console, whatever the browser would log itself.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""
TIMEOUT_MS = 10_000


@dataclass
class Sample:
    """What chromium reported on each page it opened: console errors, uncaught errors, CSP violations."""

    pages: list[tuple[str, str]] = field(default_factory=list)
    errors: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    screenshots: dict[str, Path] = field(default_factory=dict)
    # Requests the app answered by sending the reader to sign in: each is also an error of its page.
    signed_out: list[str] = field(default_factory=list)
    # The first heading of each page opened, by reader and URL: what the reader saw.
    headings: dict[tuple[str, str], str] = field(default_factory=dict)

    def add(self, reader: str, url: str, errors: list[str]) -> None:
        self.pages.append((reader, url))
        if errors:
            self.errors[reader, url] = list(dict.fromkeys(errors))


def _serve(client: Client, context: contextvars.Context, route: Any, refused: list[str], signed_out: list[str]) -> None:
    request = route.request
    parts = urlsplit(request.url)
    if f"{parts.scheme}://{parts.netloc}" != ORIGIN:
        refused.append(f"request off the site: {request.url}")
        route.abort()
        return
    if parts.path.startswith(settings.STATIC_URL):
        found = finders.find(parts.path.removeprefix(settings.STATIC_URL))
        if not isinstance(found, str):
            route.fulfill(status=404, body="")
            return
        content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
        route.fulfill(status=200, body=Path(found).read_bytes(), headers={"Content-Type": content_type})
        return
    if request.method not in ("GET", "HEAD"):
        refused.append(f"{request.method} {parts.path} sent on opening the page")
        route.fulfill(status=405, body="")
        return
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    headers = {name: value for name, value in request.headers.items() if name.lower().startswith("hx-")}
    # Chromium does not pass the request a fulfilled redirect leads to through the route: the client follows it.
    response = context.run(client.get, path, headers=headers, follow=True)
    sign_in = resolve_url(settings.LOGIN_URL)
    if any(urlsplit(target).path.startswith(sign_in) for target, _ in getattr(response, "redirect_chain", [])):
        signed_out.append(parts.path)
        refused.append(f"{parts.path} answered with the sign-in page: the reader is signed out")
    body = body_of(response)
    route.fulfill(status=response.status_code, headers=dict(response.items()), body=body)


def open_pages(
    browser: Any, client: Client, reader: str, urls: list[str], sample: Sample, shots: dict[str, Path] | None = None
) -> None:
    """Open each URL as the reader (its logged-in client) in a fresh chromium context and record its errors; the
    URLs of ``shots`` are saved as a full-page screenshot at the path given."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    context.add_init_script(CSP_LISTENER)
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        errors: list[str] = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
        opener = contextvars.copy_context()
        page.route("**/*", lambda route: _serve(client, opener, route, errors, sample.signed_out))
        page.emulate_media(reduced_motion="reduce")
        for url in urls:
            errors.clear()
            page.goto(ORIGIN + url, wait_until="load")
            try:
                page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
            except Exception as exc:  # noqa: BLE001 - a page that never settles is an error of that page
                errors.append(f"the page did not settle: {exc.__class__.__name__}")
            sample.add(reader, url, errors)
            heading = page.locator("h1")
            sample.headings[reader, url] = heading.first.inner_text() if heading.count() else ""
            if shots and url in shots:
                page.screenshot(path=str(shots[url]), full_page=True)
                sample.screenshots[f"{reader} {url}"] = shots[url]
    finally:
        context.close()
