"""The phone home of village and township accounts (its figures and who gets it) and the progress form's camera
photos."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries, Settings

from xuncha.accounts.models import User
from xuncha.conftest import World
from xuncha.findings.tests.factories import png_bytes
from xuncha.organisations.models import AdminUnit
from xuncha.rectification.models import LedgerItem, Light, Progress
from xuncha.rectification.tests.factories import ledger_item, set_round
from xuncha.rectification.views.phone import phone_home

Status = LedgerItem.Status


@pytest.fixture
def items(world: World) -> dict[str, LedgerItem]:
    round_ = set_round(world, "RECTIFYING")
    today = timezone.localdate()
    return {
        "overdue": ledger_item(round_, world.village_a1, deadline=today - timedelta(days=1)),
        "due": ledger_item(round_, world.village_a1, status=Status.IN_PROGRESS, deadline=today + timedelta(days=3)),
        "returned": ledger_item(round_, world.village_a1, status=Status.RETURNED, deadline=today + timedelta(days=60)),
        "closed": ledger_item(round_, world.village_a1, status=Status.CLOSED, deadline=today - timedelta(days=9)),
        "other": ledger_item(round_, world.village_a2, deadline=today - timedelta(days=2)),
    }


def _home(user: User, unit: AdminUnit) -> dict[str, Any]:
    request: Any = RequestFactory().get("/")
    request.user = user
    return phone_home(request, unit)


def test_the_village_home_counts_its_own_items_by_light(
    world: World, village_user: User, items: dict[str, LedgerItem]
) -> None:
    """Only the village's items count (not 甲二村's); due soon lists the red and yellow ones, nearest first."""
    home = _home(village_user, world.village_a1)
    assert home["show"] is True
    assert home["reports_progress"] is True
    counts = {code: count for code, _label, count, _url in home["lights"]}
    assert counts == {Light.RED: 1, Light.YELLOW: 1, Light.GREEN: 1}
    assert home["due"] == [items["overdue"], items["due"]]
    assert home["returned"] == [items["returned"]]
    urls = [url for _code, _label, _count, url in home["lights"]]
    assert urls[0] == f"{reverse('rectification:item-list')}?village={world.village_a1.code}&light=RED"


def test_the_phone_home_costs_a_fixed_number_of_queries(
    world: World, village_user: User, items: dict[str, LedgerItem], django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    _home(village_user, world.village_a1)  # the reader's grants are read once per request and kept
    with django_assert_num_queries(3):
        _home(village_user, world.village_a1)


def test_the_township_home_covers_its_villages_without_the_progress_button(
    world: World, township_user: User, items: dict[str, LedgerItem]
) -> None:
    home = _home(township_user, world.township_a)
    assert home["reports_progress"] is False
    counts = {code: count for code, _label, count, _url in home["lights"]}
    assert counts[Light.RED] == 2


def test_no_phone_home_for_the_office_or_on_another_units_page(
    world: World, office: User, village_user: User, township_user: User, items: dict[str, LedgerItem]
) -> None:
    assert _home(office, world.county) == {"show": False}
    assert _home(township_user, world.village_a1) == {"show": False}


def test_the_village_page_shows_the_phone_home_to_its_own_account_only(
    client: Client, world: World, village_user: User, township_user: User, items: dict[str, LedgerItem]
) -> None:
    client.force_login(village_user)
    assert 'data-testid="phone-home"' in client.get(world.village_a1.get_absolute_url()).content.decode()
    client.force_login(township_user)
    assert 'data-testid="phone-home"' not in client.get(world.village_a1.get_absolute_url()).content.decode()


def test_a_progress_report_keeps_the_photos_from_the_camera(
    client: Client,
    world: World,
    village_user: User,
    items: dict[str, LedgerItem],
    settings: Settings,
    tmp_path: Path,
) -> None:
    """The camera input's photos are stored with the report like the other evidence."""
    settings.MEDIA_ROOT = tmp_path
    item = items["due"]
    client.force_login(village_user)
    page = client.get(item.get_absolute_url()).content.decode()
    assert 'accept="image/*"' in page and 'capture="environment"' in page
    photo = SimpleUploadedFile("现场.png", png_bytes(), content_type="image/png")
    client.post(
        reverse("rectification:item-progress", args=[item.pk]),
        {"text": "已整改。", "on": timezone.localdate().isoformat(), "photos": [photo]},
    )
    assert Progress.objects.get(item=item, kind=Progress.Kind.PROGRESS).evidence.count() == 1
