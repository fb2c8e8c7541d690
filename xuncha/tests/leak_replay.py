"""The leak test's replay (test_leaks.py): every URL any reader's crawl reached, fetched again as every reader, and
each answer searched for the markers the oracle forbids that reader (leak_oracle.py)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.test import Client

from xuncha.accounts.models import User
from xuncha.tests.crawler import Crawl, Page, fetch
from xuncha.tests.leak_oracle import Finder, Marker, Oracle

ANONYMOUS = "(anonymous)"


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


def now() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def since(started: tuple[float, float]) -> tuple[float, float]:
    return time.perf_counter() - started[0], time.process_time() - started[1]


def replay(users: dict[str, User | None], clients: dict[str, Client], crawls: dict[str, Crawl]) -> Replay:
    """Replay the union of the readers' crawls as every reader and find the leaks."""
    started = now()
    oracle = Oracle.build()
    finder = Finder(oracle.markers)
    forbidden = {
        name: {marker.text: marker for marker in oracle.forbidden(user or AnonymousUser())}
        for name, user in users.items()
    }
    seconds = {"oracle": since(started)}

    started = now()
    urls = sorted({url for result in crawls.values() for url in result.pages})
    result = Replay(urls, list(users), markers=len(oracle.markers))
    for name, client in clients.items():
        pages = crawls[name].pages
        for url in urls:
            page: Page = pages[url] if url in pages else fetch(client, url)
            result.statuses[name, url] = page.status
            seen = finder.found(page.text) & forbidden[name].keys()
            result.leaks.extend(Leak(name, url, forbidden[name][text]) for text in sorted(seen))
        result.crawled[name] = len(pages)
        result.reached[name] = sum(1 for url in urls if result.statuses[name, url] == 200)
        result.forbidden[name] = len(forbidden[name])
    seconds["replay"] = since(started)
    result.seconds = seconds
    return result
