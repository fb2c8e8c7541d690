"""Who may download the photos of rectification: a progress note's evidence and a return-visit check's photo are
served by the evidence URL only to those who see the item (or the visit) they belong to.

甲一村 (甲镇) reports progress with a photo and the office photographs its item on a return visit. 甲一村 and 甲镇
get both files; 甲二村, a neighbour in the same township, and 乙镇, another township, get a 404.
"""

from __future__ import annotations

import pytest
from django.test import Client

from xuncha.accounts.models import User
from xuncha.conftest import World
from xuncha.findings.models import Evidence
from xuncha.findings.tests.factories import persona, png_bytes
from xuncha.rectification import actions
from xuncha.rectification.models import LedgerItem
from xuncha.rectification.tests.factories import PROGRESS_TEXT, ledger_item, photo, visit

pytestmark = pytest.mark.usefixtures("media")

READERS = [
    ("village_user", 200),
    ("township_user", 200),
    ("other_village_user", 404),
    ("other_township_user", 404),
]


@pytest.fixture
def item(world: World) -> LedgerItem:
    return ledger_item(world.round, world.village_a1, status=LedgerItem.Status.IN_PROGRESS)


@pytest.fixture
def progress_photo(item: LedgerItem, village_user: User) -> Evidence:
    """The photo 甲一村 sent with its progress report."""
    progress = actions.report_progress(item, text=PROGRESS_TEXT, actor=village_user, files=[photo()])
    return progress.evidence.get()


@pytest.fixture
def check_photo(world: World, item: LedgerItem, office: User) -> Evidence:
    """The photo the office took of 甲一村's item on a return visit."""
    check = visit(world.village_a1, [item], office).checks.get()
    handle, name, size = photo("消防栓试水.png")
    return actions.attach_check_photo(check, handle, name, size, actor=office)


def _download(client: Client, user: User, evidence: Evidence) -> int:
    client.force_login(user)
    response = client.get(evidence.get_absolute_url())
    if response.status_code == 200:
        assert b"".join(response.streaming_content) == png_bytes()  # type: ignore[attr-defined]
    return response.status_code


@pytest.mark.parametrize(("reader", "status"), READERS)
def test_a_progress_photo_is_served_only_within_the_items_scope(
    client: Client, progress_photo: Evidence, request: pytest.FixtureRequest, reader: str, status: int
) -> None:
    """The village that reported and its township download the photo; another village or township gets a 404."""
    assert _download(client, persona(request, reader), progress_photo) == status


@pytest.mark.parametrize(("reader", "status"), READERS)
def test_a_visit_check_photo_is_served_only_within_the_visits_scope(
    client: Client, check_photo: Evidence, request: pytest.FixtureRequest, reader: str, status: int
) -> None:
    """The visited village and its township download the photo; another village or township gets a 404."""
    assert _download(client, persona(request, reader), check_photo) == status
