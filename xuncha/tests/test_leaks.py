"""No page, document or API answer shows a reader what its role must not see (issue 11).

On the demo, loaded and crawled once for this module and test_ui_crawl.py (the ``demo_crawl`` fixture of this
folder's conftest), every demo account crawls the app from its landing page and from the API (crawler.py); every
URL any of them reached is then replayed as every account and as an anonymous visitor, and each answer (HTML, JSON,
and the text of .docx, .xlsx and .zip downloads) is searched for the markers the reader is forbidden
(leak_oracle.py: sealed clues' words, working papers the reader may not read, receipt codes, reporters' names and
phones). The figure (URLs × readers replayed, leaks) goes to the test's output and to ``test-artifacts/leaks.txt``.
"""

from __future__ import annotations

import pytest

from xuncha.tests.demo_crawl import DemoCrawl
from xuncha.tests.leak_oracle import Kind
from xuncha.tests.leak_replay import ANONYMOUS, Replay


@pytest.fixture
def replay(demo_crawl: DemoCrawl) -> Replay:
    return demo_crawl.replay


@pytest.mark.django_db
@pytest.mark.xdist_group("demo-crawl")
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
