"""Progress files and return-visit photos are served under their owner's page, to the owner's readers only: the
item's village, its township and the office read them; a neighbouring village or another township gets 404."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from xuncha.accounts.models import User
from xuncha.conftest import World
from xuncha.evidence.actions import store_evidence
from xuncha.rectification import actions
from xuncha.rectification.models import Progress
from xuncha.rectification.tests.factories import ledger_item, photo, visit

pytestmark = pytest.mark.usefixtures("media")


def _reads(client: Client, user: User, url: str) -> int:
    client.force_login(user)
    return client.get(url).status_code


def test_a_progress_file_is_served_to_the_items_readers_only(
    client: Client,
    world: World,
    office: User,
    village_user: User,
    township_user: User,
    other_village_user: User,
    other_township_user: User,
) -> None:
    """甲一村's file is read by 甲一村, 甲镇 and the office; 甲二村 and 乙镇 get 404, and so does the file asked
    for under another item or note."""
    item = ledger_item(world.round, world.village_a1)
    neighbour = ledger_item(world.round, world.village_a2)
    handle, name, _size = photo()
    progress = Progress.objects.create(item=item, kind=Progress.Kind.PROGRESS, text="进展")
    evidence = store_evidence(handle, name, uploaded_by=village_user)
    progress.evidence.add(evidence)
    other_note = Progress.objects.create(item=neighbour, kind=Progress.Kind.PROGRESS, text="进展")
    url = reverse("rectification:progress-file", args=[item.pk, progress.pk, evidence.pk])

    for reader in (village_user, township_user, office):
        assert _reads(client, reader, url) == 200
    for stranger in (other_village_user, other_township_user):
        assert _reads(client, stranger, url) == 404
    elsewhere = reverse("rectification:progress-file", args=[neighbour.pk, other_note.pk, evidence.pk])
    assert _reads(client, office, elsewhere) == 404


def test_a_visit_photo_is_served_to_the_visits_readers_only(
    client: Client,
    world: World,
    office: User,
    village_user: User,
    township_user: User,
    other_village_user: User,
    other_township_user: User,
) -> None:
    """A photo of a visit to 甲一村 is read by 甲一村, 甲镇 and the office; 甲二村 and 乙镇 get 404."""
    item = ledger_item(world.round, world.village_a1)
    planned = visit(world.village_a1, [item], office)
    check = planned.checks.get()
    handle, name, size = photo("消防栓.png")
    evidence = actions.attach_check_photo(check, handle, name, size, actor=office)
    url = reverse("rectification:visit-file", args=[planned.pk, check.pk, evidence.pk])

    for reader in (village_user, township_user, office):
        assert _reads(client, reader, url) == 200
    for stranger in (other_village_user, other_township_user):
        assert _reads(client, stranger, url) == 404


def test_a_visit_photo_shows_on_the_item_and_the_visit(client: Client, world: World, office: User) -> None:
    """Both pages link the photo at the visit's address."""
    item = ledger_item(world.round, world.village_a1)
    planned = visit(world.village_a1, [item], office)
    check = planned.checks.get()
    handle, name, size = photo("消防栓.png")
    evidence = actions.attach_check_photo(check, handle, name, size, actor=office)
    url = reverse("rectification:visit-file", args=[planned.pk, check.pk, evidence.pk])
    client.force_login(office)

    assert url in client.get(item.get_absolute_url()).content.decode()
    assert url in client.get(planned.get_absolute_url()).content.decode()


def test_token_clients_download_progress_files_and_visit_photos_within_scope(
    world: World, office: User, village_user: User, other_village_user: User
) -> None:
    """The API serves the files under the item and the visit with the same scope as the pages."""
    item = ledger_item(world.round, world.village_a1)
    handle, name, size = photo()
    progress = actions.report_progress(item, text="进展", actor=village_user, files=[(handle, name, size)])
    evidence = progress.evidence.get()
    planned = visit(world.village_a1, [item], office)
    check = planned.checks.get()
    handle, name, size = photo("消防栓.png")
    shot = actions.attach_check_photo(check, handle, name, size, actor=office)
    urls = [
        f"/api/v1/items/{item.pk}/progress/{progress.pk}/evidence/{evidence.pk}/file/",
        f"/api/v1/visits/{planned.pk}/checks/{check.pk}/evidence/{shot.pk}/file/",
    ]
    api = APIClient()
    for url in urls:
        api.force_authenticate(village_user)
        assert api.get(url).status_code == 200
        api.force_authenticate(other_village_user)
        assert api.get(url).status_code == 404
    api.force_authenticate(village_user)
    history = api.get(f"/api/v1/items/{item.pk}/progress/").json()
    assert [file["url"] for step in history for file in step["evidence"]] == [
        reverse("rectification:progress-file", args=[item.pk, progress.pk, evidence.pk])
    ]
    photos = api.get(f"/api/v1/visits/{planned.pk}/").json()["checks"][0]["photos"]
    assert [file["url"] for file in photos] == [
        reverse("rectification:visit-file", args=[planned.pk, check.pk, shot.pk])
    ]
