"""The demo crawled once per test process, shared by the leak test and the UI crawl test (demo_crawl.py).

Both modules mark their tests ``xdist_group("demo-crawl")`` and ``make test`` runs pytest with ``--dist loadgroup``,
so that one worker loads and crawls the demo once for both.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings

from xuncha.conftest import ARTIFACTS, FAST_TEST_SETTINGS
from xuncha.tests.demo_crawl import DemoCrawl, load_and_crawl


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


def _browser(request: pytest.FixtureRequest) -> tuple[Any | None, str]:
    """The session's chromium, or None and the reason it is missing (the browser test skips with it)."""
    try:
        return request.getfixturevalue("browser"), ""
    except pytest.skip.Exception as skipped:
        return None, str(skipped.msg)


@pytest.fixture(scope="session")
def demo_crawl(
    request: pytest.FixtureRequest,
    django_db_setup: None,
    django_db_blocker: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> DemoCrawl:
    """The demo loaded in a transaction, crawled, replayed and checked, then rolled back before any test reads the
    result; the figures go to the output and to ``test-artifacts/ui-crawl.txt`` and ``leaks.txt``."""
    browser, missing = _browser(request)
    with override_settings(**FAST_TEST_SETTINGS, MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        loading = transaction.atomic()
        with django_db_blocker.unblock():
            loading.__enter__()
        try:
            with django_db_blocker.unblock(), _quiet("django.request"):
                result = load_and_crawl(browser, missing)
        finally:
            with django_db_blocker.unblock():
                transaction.set_rollback(True)
                loading.__exit__(None, None, None)
    leaks = result.replay.figure()
    ui = result.ui_figure()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "leaks.txt").write_text(
        "\n".join([leaks, *map(str, result.replay.leaks), "URLs:", *result.replay.urls, ""]), encoding="utf-8"
    )
    (ARTIFACTS / "ui-crawl.txt").write_text(ui + "\n", encoding="utf-8")
    print("\n" + leaks + "\n" + ui)
    return result
