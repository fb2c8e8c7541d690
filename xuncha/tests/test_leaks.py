"""No page, document or API answer shows a reader what its role must not see (issue 11).

On the demo, loaded once for the module, every demo account crawls the app from its landing page and from the API
(crawler.py); every URL any of them reached is then replayed as every account and as an anonymous visitor, and each
answer (HTML, JSON, and the text of .docx, .xlsx and .zip downloads) is searched for the markers the reader is
forbidden (leak_oracle.py: sealed clues' words, working papers the reader may not read, receipt codes, reporters'
names and phones). The figure (URLs × readers replayed, leaks) goes to the test's output and to
``leaks-figure.txt`` in the pytest temporary folder.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from xuncha.accounts.models import User
from xuncha.conftest import FAST_TEST_SETTINGS
from xuncha.demo.builder import ACCOUNT_GRANTS
from xuncha.tests.crawler import Crawl, Page, crawl, fetch
from xuncha.tests.leak_oracle import Finder, Kind, Marker, Oracle

ANONYMOUS = "(anonymous)"
# Bounds of each reader's crawl: URLs per pattern (a path with its ids replaced, and its query's names), pages.
MAX_VARIANTS = 2
MAX_PAGES = 150
SEEDS = ("/", "/api/v1/", "/p/receipt/")


@dataclass(frozen=True)
class Leak:
    reader: str
    url: str
    marker: Marker

    def __str__(self) -> str:
        return f"{self.reader} {self.url} → {self.marker}"


@dataclass
class Replay:
    """The union of the crawls, replayed as every reader, and the leaks found."""

    urls: list[str]
    readers: list[str]
    statuses: dict[tuple[str, str], int] = field(default_factory=dict)
    leaks: list[Leak] = field(default_factory=list)
    crawled: dict[str, int] = field(default_factory=dict)
    reached: dict[str, int] = field(default_factory=dict)
    forbidden: dict[str, int] = field(default_factory=dict)
    markers: int = 0
    seconds: dict[str, tuple[float, float]] = field(default_factory=dict)

    def figure(self) -> str:
        kinds = sorted({leak.marker.kind.value for leak in self.leaks})
        lines = [
            f"Leak crawl: {len(self.urls)} URLs × {len(self.readers)} readers = "
            f"{len(self.urls) * len(self.readers)} answers replayed; leaks: {len(self.leaks)}"
            + (f" ({', '.join(kinds)})" if kinds else ""),
            f"markers: {self.markers}; time (wall, CPU): "
            + ", ".join(f"{step} {wall:.1f} s, {cpu:.1f} s" for step, (wall, cpu) in self.seconds.items()),
        ]
        for reader in self.readers:
            lines.append(
                f"  {reader:20} crawled {self.crawled.get(reader, 0):4}  reached {self.reached.get(reader, 0):4}  "
                f"forbidden markers {self.forbidden.get(reader, 0):4}  "
                f"leaks {sum(1 for leak in self.leaks if leak.reader == reader):4}"
            )
        by_marker: dict[tuple[str, Marker], list[str]] = {}
        for leak in self.leaks:
            by_marker.setdefault((leak.reader, leak.marker), []).append(leak.url)
        for (reader, marker), urls in sorted(by_marker.items(), key=lambda item: (item[0][0], str(item[0][1]))):
            lines.append(f"  leak: {reader} reads {marker} on {len(urls)} URLs: {', '.join(urls[:6])}")
        return "\n".join(lines)


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _since(started: tuple[float, float]) -> tuple[float, float]:
    return time.perf_counter() - started[0], time.process_time() - started[1]


def _now() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _replay() -> Replay:
    started = _now()
    oracle = Oracle.build()
    finder = Finder(oracle.markers)
    users: dict[str, User | None] = {name: User.objects.get(username=name) for name in ACCOUNT_GRANTS}
    users[ANONYMOUS] = None
    forbidden = {
        name: {marker.text: marker for marker in oracle.forbidden(user or AnonymousUser())}
        for name, user in users.items()
    }
    clients = {name: _client(user) for name, user in users.items()}
    seconds = {"oracle": _since(started)}

    started = _now()
    crawls: dict[str, Crawl] = {}
    for name, client in clients.items():
        crawls[name] = crawl(client, SEEDS, max_pages=MAX_PAGES, max_variants=MAX_VARIANTS)
    seconds["crawl"] = _since(started)
    urls = sorted({url for result in crawls.values() for url in result.pages})

    started = _now()
    replay = Replay(urls, list(users), markers=len(oracle.markers))
    for name, client in clients.items():
        pages = crawls[name].pages
        for url in urls:
            page: Page = pages[url] if url in pages else fetch(client, url)
            replay.statuses[name, url] = page.status
            seen = finder.found(page.text) & forbidden[name].keys()
            replay.leaks.extend(Leak(name, url, forbidden[name][text]) for text in sorted(seen))
        replay.crawled[name] = len(pages)
        replay.reached[name] = sum(1 for url in urls if replay.statuses[name, url] == 200)
        replay.forbidden[name] = len(forbidden[name])
    seconds["replay"] = _since(started)
    replay.seconds = seconds
    return replay


@contextmanager
def _quiet(logger: str) -> Iterator[None]:
    """Refusals and missing pages are what the crawl expects by the thousand: their warnings are not logged."""
    log = logging.getLogger(logger)
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(level)


@pytest.fixture(scope="module")
def replay(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Replay]:
    """The demo loaded once in a transaction rolled back after the module, crawled and replayed once."""
    with override_settings(**FAST_TEST_SETTINGS, MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        loading = transaction.atomic()
        with django_db_blocker.unblock():
            loading.__enter__()
        try:
            with django_db_blocker.unblock(), _quiet("django.request"):
                started = _now()
                call_command("demo", stdout=StringIO())
                demo_seconds = _since(started)
                result = _replay()
            result.seconds = {"demo": demo_seconds, **result.seconds}
            figure = result.figure()
            (tmp_path_factory.getbasetemp() / "leaks-figure.txt").write_text(
                "\n".join([figure, *map(str, result.leaks), "URLs:", *result.urls, ""]), encoding="utf-8"
            )
            print("\n" + figure)
            yield result
        finally:
            with django_db_blocker.unblock():
                transaction.set_rollback(True)
                loading.__exit__(None, None, None)


@pytest.mark.django_db
class TestLeaks:
    def test_the_crawl_reaches_the_app(self, replay: Replay) -> None:
        """Every reader's crawl is bounded but not empty: the office reaches more than a hundred pages, and the
        oracle forbids some clue's words to some reader."""
        assert replay.reached["office"] > 100, replay.figure()
        assert all(replay.crawled[reader] > 0 for reader in replay.readers)
        assert replay.reached[ANONYMOUS] > 0
        assert any(url.startswith("/api/v1/") for url in replay.urls)
        assert any(url.endswith((".docx", ".xlsx")) for url in replay.urls)
        assert replay.markers > 0 and max(replay.forbidden.values()) > 0

    def test_no_reader_sees_what_it_must_not(self, replay: Replay) -> None:
        """No answer to any reader carries a marker the oracle forbids it."""
        assert [str(leak) for leak in replay.leaks if leak.marker.kind != Kind.CLUE] == []

    def test_no_reader_sees_a_sealed_clue_it_may_not_read(self, replay: Replay) -> None:
        """No answer carries the words of a sealed clue to a reader outside ``Clue.objects.visible_to``."""
        assert [str(leak) for leak in replay.leaks if leak.marker.kind == Kind.CLUE] == []
