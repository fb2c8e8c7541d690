"""The demo crawled once for the leak test (test_leaks.py) and the UI crawl test (test_ui_crawl.py).

``load_and_crawl`` loads the demo (in the caller's transaction), signs in every demo account with the interface in
Chinese (the language cookie), crawls the app from each landing page and from the API (crawler.py), replays the
union of the crawls as every reader for the leak oracle (leak_replay.py), checks every HTML page a reader opened
(ui_checks.py) and opens a sample of pages in chromium (browser_sample.py) when a browser is given. Everything it
returns is plain data, read after the caller has rolled the demo back.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from xuncha.accounts.models import User
from xuncha.conftest import ARTIFACTS
from xuncha.demo.builder import ACCOUNT_GRANTS
from xuncha.inspections.models import Assignment, Round
from xuncha.rectification.models import LedgerItem
from xuncha.tests import ui_checks
from xuncha.tests.browser_sample import Sample, open_pages
from xuncha.tests.crawler import Crawl, crawl, pattern
from xuncha.tests.leak_replay import ANONYMOUS, Replay, now, replay, since
from xuncha.tests.ui_checks import Finding, Kind

# Bounds of each reader's crawl: URLs per pattern (a path with its ids replaced, and whether a query follows), pages.
MAX_VARIANTS = 2
MAX_PAGES = 150
SEEDS = ("/", "/api/v1/", "/p/receipt/")
# Pages per reader opened in chromium: the landing page and the first detail pages of distinct patterns.
BROWSER_DETAIL_PAGES = 2


@dataclass
class DemoCrawl:
    """The crawls of every reader, the leak replay, the UI findings and the browser sample."""

    crawls: dict[str, Crawl]
    replay: Replay
    findings: list[Finding] = field(default_factory=list)
    sample: Sample | None = None
    browser_missing: str = ""
    seconds: dict[str, tuple[float, float]] = field(default_factory=dict)

    @property
    def readers(self) -> list[str]:
        return list(self.crawls)

    def of_kind(self, *kinds: Kind) -> list[Finding]:
        return sorted(finding for finding in self.findings if finding.kind in kinds)

    def ui_figure(self) -> str:
        """The UI crawl's figures and every finding, grouped so that one defect seen by many readers is one line."""
        counts = Counter(finding.kind for finding in self.findings)
        html = {
            reader: sum(1 for page in result.pages.values() if page.kind == "html" and page.status == 200)
            for reader, result in self.crawls.items()
        }
        visited = sum(len(result.pages) for result in self.crawls.values())
        lines = [
            f"UI crawl: {len(self.crawls)} readers × their pages = {visited} answers, {sum(html.values())} HTML pages "
            f"read; " + ", ".join(f"{kind.value}s {counts.get(kind, 0)}" for kind in Kind),
            f"distinct English strings {len(self._distinct(Kind.ENGLISH))}, "
            f"distinct raw codes {len({f.detail.split()[0] for f in self.of_kind(Kind.RAW_CODE)})}, "
            f"distinct dead links {len(self._distinct(Kind.DEAD_LINK))}",
        ]
        if self.sample is not None:
            errors = sum(len(messages) for messages in self.sample.errors.values())
            lines.append(f"chromium: {len(self.sample.pages)} pages opened, console errors {errors}")
            lines.append(f"chromium requests answered with the sign-in page: {len(self.sample.signed_out)}")
        else:
            lines.append(f"chromium: not run ({self.browser_missing})")
        lines.append(
            "time (wall, CPU): "
            + ", ".join(f"{step} {wall:.1f} s, {cpu:.1f} s" for step, (wall, cpu) in self.seconds.items())
        )
        for reader, result in self.crawls.items():
            lines.append(f"  {reader:20} answers {len(result.pages):4}  HTML pages {html[reader]:4}")
        for kind in Kind:
            for detail, where in self._distinct(kind).items():
                readers = sorted({reader for reader, _ in where})
                lines.append(
                    f"  {kind.value}: {detail} — on {where[0][1]} ({len(where)}×; readers: {', '.join(readers)})"
                )
        if self.sample is not None:
            for (reader, url), messages in self.sample.errors.items():
                lines.extend(f"  console error: {reader} {url} — {message}" for message in messages)
        return "\n".join(lines)

    def _distinct(self, kind: Kind) -> dict[str, list[tuple[str, str]]]:
        grouped: dict[str, list[tuple[str, str]]] = {}
        for finding in self.of_kind(kind):
            grouped.setdefault(finding.detail, []).append((finding.reader, finding.url))
        return grouped


def _client(user: User | None) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    if user is not None:
        client.force_login(user)
    return client


def _browser_urls(result: Crawl) -> list[str]:
    """The reader's landing page (where ``/`` leads) and its first detail pages (a path with an id) of distinct
    patterns."""
    landing = "/"
    while (page := result.pages.get(landing)) is not None and page.status in (301, 302) and page.links:
        landing = page.links[0]
    urls = [landing]
    patterns: set[tuple[str, bool]] = set()
    for url, page in result.pages.items():
        key = pattern(url)
        if len(urls) > BROWSER_DETAIL_PAGES or key in patterns:
            continue
        if page.kind == "html" and page.status == 200 and "{n}" in key[0] and not url.startswith("/admin/"):
            patterns.add(key)
            urls.append(url)
    return urls


def _ui_findings(crawls: dict[str, Crawl], replayed: Replay) -> list[Finding]:
    codes = ui_checks.code_values()
    usernames = frozenset(User.objects.values_list("username", flat=True))
    findings: list[Finding] = []
    for reader, result in crawls.items():
        statuses = {url: status for (name, url), status in replayed.statuses.items() if name == reader}
        for page in result.pages.values():
            findings.extend(ui_checks.page_findings(reader, page, codes, usernames))
        findings.extend(ui_checks.link_findings(reader, result, statuses))
    for (reader, url), status in replayed.statuses.items():
        if status >= 500 and url not in crawls[reader].pages:
            findings.append(Finding(Kind.SERVER_ERROR, reader, "(replay)", f"{url} → {status}"))
    return findings


def showcase_screenshots() -> dict[str, dict[str, Path]]:
    """The pages the closing notes of issue 12 show, by reader: a group member's workbench in the live round, an
    item's whole-case timeline (城南社区's hydrants), the auditor's diff view and the office's to-do (the 404 page is
    taken by test_error_pages_browser.py)."""
    live = (
        Assignment.objects.filter(
            round__status=Round.Status.STATIONED, group__memberships__user__username="group3_member"
        )
        .order_by("pk")
        .first()
    )
    hydrants = (
        LedgerItem.objects.filter(village__code="450328100001", problem__phenomenon__contains="乘龙小区")
        .order_by("pk")
        .first()
    )
    shots: dict[str, dict[str, Path]] = {
        "office": {"/": ARTIFACTS / "demo-office-todo.png"},
        "auditor": {"/audit/": ARTIFACTS / "demo-audit-diff.png"},
    }
    if live is not None:
        shots["group3_member"] = {live.get_absolute_url(): ARTIFACTS / "demo-live-workbench.png"}
    if hydrants is not None:
        shots["village_chengnan"] = {hydrants.get_absolute_url(): ARTIFACTS / "demo-item-timeline.png"}
    ARTIFACTS.mkdir(exist_ok=True)
    return shots


def load_and_crawl(browser: Any | None, browser_missing: str = "") -> DemoCrawl:
    """Load the demo and crawl it as every reader (see the module's docstring)."""
    started = now()
    # As ``xuncha demo`` does under the deployment's language: texts written when recorded are in Chinese.
    with translation.override("zh-hans"):
        call_command("demo", stdout=StringIO())
    seconds = {"demo": since(started)}

    started = now()
    users: dict[str, User | None] = {name: User.objects.get(username=name) for name in ACCOUNT_GRANTS}
    users[ANONYMOUS] = None
    clients = {name: _client(user) for name, user in users.items()}
    crawls = {
        name: crawl(client, SEEDS, max_pages=MAX_PAGES, max_variants=MAX_VARIANTS) for name, client in clients.items()
    }
    seconds["crawl"] = since(started)

    replayed = replay(users, clients, crawls)
    seconds.update(replayed.seconds)
    replayed.seconds = dict(seconds)

    started = now()
    result = DemoCrawl(crawls, replayed, _ui_findings(crawls, replayed), browser_missing=browser_missing)
    seconds["UI checks"] = since(started)

    if browser is not None:
        started = now()
        result.sample = Sample()
        shots = showcase_screenshots()
        for name, client in clients.items():
            if users[name] is not None:
                urls = _browser_urls(crawls[name])
                urls += [url for url in shots.get(name, {}) if url not in urls]
                open_pages(browser, client, name, urls, result.sample, shots.get(name))
        seconds["chromium"] = since(started)
    result.seconds = seconds
    return result
