"""Every page of every demo role opens, in Chinese, without dead links, raw codes or duplicate ids (issue 12).

On the demo, loaded and crawled once with the leak test (the ``demo_crawl`` fixture of this folder's conftest), every
demo account (and an anonymous visitor) crawls the app from its landing page with the interface in Chinese, bounded
per URL pattern. On every HTML page it opened, the links it is offered (``href``, ``src``, ``hx-get``, GET forms)
must open for it, its POST forms' targets must exist (they are resolved, never sent), and the visible text must hold
no English and no raw choice value or audit verb; no page may repeat an element id, and nothing may fail with a 5xx.
A sample of each account's pages (its landing page and a few detail pages) opens in chromium without console errors
or CSP violations. The figures and every finding go to the output and to ``test-artifacts/ui-crawl.txt``.
"""

from __future__ import annotations

import pytest

from xuncha.tests.crawler import Page
from xuncha.tests.demo_crawl import DemoCrawl
from xuncha.tests.leak_replay import ANONYMOUS
from xuncha.tests.ui_checks import Kind, duplicate_ids, english_words, raw_codes

CODES = frozenset({"IN_PROGRESS", "OPEN", "ledger.item_submitted", "city_leader"})


def _listed(demo_crawl: DemoCrawl, kind: Kind) -> list[str]:
    return [str(finding) for finding in demo_crawl.of_kind(kind)]


@pytest.mark.django_db
@pytest.mark.xdist_group("demo-crawl")
class TestUICrawl:
    def test_every_role_reaches_its_pages_in_chinese(self, demo_crawl: DemoCrawl) -> None:
        """The crawl is bounded but reaches, as each account, its landing page and pages beyond it, in Chinese."""
        for reader, result in demo_crawl.crawls.items():
            html = [page for page in result.pages.values() if page.kind == "html" and page.status == 200]
            assert len(html) >= (1 if reader == ANONYMOUS else 5), reader
        office = demo_crawl.crawls["office"]
        assert len(office.pages) > 100
        assert any("巡察" in text for page in office.pages.values() for text in page.visible)

    def test_no_page_fails_with_a_server_error(self, demo_crawl: DemoCrawl) -> None:
        assert _listed(demo_crawl, Kind.SERVER_ERROR) == []

    def test_every_link_a_page_offers_opens_for_its_reader(self, demo_crawl: DemoCrawl) -> None:
        """A link, ``hx-get`` or GET form target on a page does not answer 403, 404 or 405 to the reader it is
        offered to, and a POST form's target resolves to a view."""
        assert _listed(demo_crawl, Kind.DEAD_LINK) + _listed(demo_crawl, Kind.DEAD_FORM) == []

    def test_no_english_is_left_in_the_chinese_interface(self, demo_crawl: DemoCrawl) -> None:
        assert _listed(demo_crawl, Kind.ENGLISH) == []

    def test_no_raw_code_is_shown(self, demo_crawl: DemoCrawl) -> None:
        """No choice value (``IN_PROGRESS``) or audit verb (``ledger.item_submitted``) stands in visible text."""
        assert _listed(demo_crawl, Kind.RAW_CODE) == []

    def test_no_page_repeats_an_element_id(self, demo_crawl: DemoCrawl) -> None:
        assert _listed(demo_crawl, Kind.DUPLICATE_ID) == []

    @pytest.mark.browser
    def test_sampled_pages_open_in_chromium_without_console_errors(self, demo_crawl: DemoCrawl) -> None:
        """Each account's landing page and first detail pages load in chromium without a console error, an
        uncaught script error or a Content-Security-Policy violation."""
        if demo_crawl.sample is None:
            pytest.skip(demo_crawl.browser_missing)
        assert len(demo_crawl.sample.pages) >= len(demo_crawl.readers) - 1
        assert [
            f"{reader} {url}: {message}"
            for (reader, url), messages in demo_crawl.sample.errors.items()
            for message in messages
        ] == []

    @pytest.mark.browser
    def test_the_showcase_pages_are_photographed(self, demo_crawl: DemoCrawl) -> None:
        """The live round's workbench (group member), an item's whole-case timeline (village), the auditor's diff
        view and the office's to-do are saved as screenshots, each page opened without errors."""
        if demo_crawl.sample is None:
            pytest.skip(demo_crawl.browser_missing)
        shots = demo_crawl.sample.screenshots
        assert {key.split()[0] for key in shots} == {"office", "auditor", "group3_member", "village_chengnan"}
        for path in shots.values():
            assert path.read_bytes().startswith(b"\x89PNG")
        assert demo_crawl.sample.signed_out == []
        headings = {reader: demo_crawl.sample.headings[reader, url] for reader, url in map(str.split, shots)}
        assert headings["auditor"] == "审计日志"
        assert "巡察工作一览" in headings["office"]
        assert "第三巡察组" in headings["group3_member"]
        assert headings["village_chengnan"].startswith("台账事项")


# The detectors, on texts they must flag and texts they must leave alone.


@pytest.mark.parametrize(
    "text",
    [
        "Next",
        "共 3 条 Page 2",
        "Permission denied",
        "状态：Open",
        "系统 system",
        "You were signed out after 30 minutes without activity.",
    ],
)
def test_english_is_found_in_visible_text(text: str) -> None:
    assert english_words(text) != []


@pytest.mark.parametrize(
    "text",
    [
        "龙胜各族自治县 450328000000",
        "〔2023〕4巡-3组-015",
        "城南社区整改台账.xlsx",
        "请发送邮件至 xuncha@example.gov.cn",
        "见 https://example.gov.cn/p/receipt/ 或 /p/receipt/",
        "Xuncha API（Swagger）",
        "照片、PDF或Office文档",
        "NBS 代码 / TOTP / QR",
        "12 km，3.5 MB",
        "English",
        "inspections.round",
        "v2.0.10",
        "ABC123",
    ],
)
def test_code_data_and_allowed_names_are_not_english(text: str) -> None:
    assert english_words(text) == []


def test_raw_codes_are_whole_tokens_of_visible_text() -> None:
    assert raw_codes("OPEN → IN_PROGRESS", CODES) == ["OPEN", "IN_PROGRESS"]
    assert raw_codes("操作：ledger.item_submitted。", CODES) == ["ledger.item_submitted"]
    assert raw_codes("city_leader", CODES) == ["city_leader"]
    assert raw_codes("OPENED 整改中 IN_PROGRESS_X", CODES) == []


def test_duplicate_ids_are_those_given_twice() -> None:
    page = Page("/rounds/", 200, "html", "", (), element_ids=("id_number", "a", "id_number", "b"))
    assert duplicate_ids(page) == ["id_number"]
