"""The UI crawl's chromium sample reads the test's own database (browser_sample.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from xuncha.accounts.models import User
from xuncha.conftest import World
from xuncha.tests.browser_sample import Sample, open_pages

pytestmark = [pytest.mark.django_db, pytest.mark.browser]


def test_a_signed_in_reader_sees_its_pages_in_chromium(browser: Any, world: World, office: User) -> None:
    """The route handler answers in the context that opened the pages: the same connection, so the same session
    and data as the test (it once read an empty database through a connection of its own and signed every
    reader out)."""
    client = Client()
    client.force_login(office)
    sample = Sample()
    open_pages(browser, client, "office", ["/"], sample)
    assert sample.signed_out == []
    assert sample.errors == {}
    assert sample.headings["office", "/"] != ""


def test_a_page_answered_with_the_sign_in_page_is_an_error(browser: Any, world: World) -> None:
    sample = Sample()
    open_pages(browser, Client(), "anonymous", ["/ledger/"], sample)
    assert sample.signed_out == ["/ledger/"]
    assert any("sign-in page" in message for message in sample.errors["anonymous", "/ledger/"])
