"""End to end in a real browser: the office has a round's feedback bundled and downloads it."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from xuncha.accounts.models import User
from xuncha.conftest import BrowserPage, World
from xuncha.documents.models import Bundle
from xuncha.rectification.tests.factories import publish, reported_round


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_office_builds_a_bundle_watches_its_progress_and_downloads_it(
    browser_page: BrowserPage, world: World, office: User, settings: Any, tmp_path: Path
) -> None:
    """From the documents page the office queues the bundle; the page polls while the worker builds it and then
    offers the .zip, which holds one feedback document per village fed back. No console errors, no CSP violations."""
    settings.MEDIA_ROOT = tmp_path / "media"
    reported = reported_round(world)
    for village in (world.village_a1, world.village_b1):
        publish(reported.round, village, office)
    page = browser_page.page
    browser_page.login("office")
    browser_page.goto("/documents/")

    page.click(f"[data-testid=bundle-start-{world.round.pk}]")
    page.wait_for_selector("[data-testid=bundle][data-status=QUEUED]")
    assert Bundle.objects.get().status == Bundle.Status.QUEUED

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    page.wait_for_selector("[data-testid=bundle][data-status=DONE]")
    progress = page.locator("[data-testid=bundle] progress")
    assert (progress.get_attribute("value"), progress.get_attribute("max")) == ("2", "2")
    with page.expect_download() as download_info:
        page.click("[data-testid=bundle-download]")
    path = download_info.value.path()
    names = zipfile.ZipFile(path).namelist()
    assert len(names) == 2
    assert all(name.endswith("巡察反馈意见.docx") for name in names)
    browser_page.screenshot("office-downloads-a-bundle")
    assert browser_page.errors == []
