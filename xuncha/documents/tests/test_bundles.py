"""Round bundles: the office queues one, the worker builds it document by document, the page shows how it went."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from xuncha.accounts.actors import SYSTEM
from xuncha.accounts.models import User
from xuncha.audit.models import AccessLog
from xuncha.conftest import World
from xuncha.documents import actions, bundles
from xuncha.documents.models import Bundle
from xuncha.rectification.tests.factories import publish, reported_round

HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def fed_back(world: World, office: User) -> World:
    """Round 4 with 甲一村, 甲二村 and 乙一村 fed back (甲社区 not yet)."""
    reported = reported_round(world)
    for village in (world.village_a1, world.village_a2, world.village_b1):
        publish(reported.round, village, office)
    return world


def _request(client: Client, world: World, django_capture_on_commit_callbacks: Any) -> Any:
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("documents:bundle-start", args=[world.round.pk]))


# The worker closes its database connection after a task, so the test runs outside a wrapping transaction.
@pytest.mark.django_db(transaction=True)
def test_the_office_queues_a_bundle_and_the_worker_builds_it(
    client: Client, fed_back: World, office: User, django_capture_on_commit_callbacks: Any
) -> None:
    """The request only queues the work; `xuncha db_worker` builds one .docx per village fed back into the .zip."""
    client.force_login(office)
    response = _request(client, fed_back, django_capture_on_commit_callbacks)
    bundle = Bundle.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:bundle-detail", args=[bundle.pk])
    assert (bundle.status, bundle.total, bundle.requested_by) == (Bundle.Status.QUEUED, 3, office)
    assert AccessLog.objects.filter(user=office, action=AccessLog.Action.DOCUMENT).count() == 1

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    bundle.refresh_from_db()
    assert (bundle.status, bundle.done, bundle.error) == (Bundle.Status.DONE, 3, "")
    response = client.get(reverse("documents:bundle-download", args=[bundle.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "filename*=utf-8''" in response["Content-Disposition"].lower()
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    names = archive.namelist()
    assert len(names) == 3
    assert all(name.endswith(".docx") for name in names)
    assert [name.startswith(f"{number:03d}-") for number, name in enumerate(names, start=1)] == [True] * 3
    villages = [fed_back.village_a1, fed_back.village_a2, fed_back.village_b1]
    for name, village in zip(names, sorted(villages, key=lambda v: v.code), strict=True):
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(archive.read(name))).paragraphs)
        assert village.short_name in name
        assert village.short_name in text
    assert fed_back.community_a.short_name not in "".join(names)
    assert AccessLog.objects.filter(user=office, action=AccessLog.Action.EXPORTED).count() == 1


def test_the_page_polls_while_the_bundle_is_built_and_offers_the_download_when_done(
    client: Client, fed_back: World, office: User
) -> None:
    client.force_login(office)
    bundle = actions.request_bundle(fed_back.round, actor=office)
    url = reverse("documents:bundle-detail", args=[bundle.pk])

    waiting = client.get(url, headers=HTMX).content.decode()
    assert "<html" not in waiting
    assert f'hx-get="{url}"' in waiting
    assert 'data-status="QUEUED"' in waiting
    assert "bundle-download" not in waiting

    actions.build_bundle(bundle, actor=SYSTEM)

    done = client.get(url).content.decode()
    assert "<html" in done
    assert "hx-get" not in done.split('data-testid="bundle"')[1].split(">")[0]
    assert reverse("documents:bundle-download", args=[bundle.pk]) in done


def test_a_failure_is_recorded_and_shown_not_swallowed(
    client: Client, fed_back: World, office: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from xuncha.documents.builders import feedback

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("模板损坏")

    monkeypatch.setattr(feedback, "render", broken)
    bundle = actions.build_bundle(actions.request_bundle(fed_back.round, actor=office), actor=SYSTEM)

    assert bundle.status == Bundle.Status.FAILED
    assert "模板损坏" in bundle.error
    assert bundles.bundle_path(bundle) is None
    client.force_login(office)
    page = client.get(reverse("documents:bundle-detail", args=[bundle.pk])).content.decode()
    assert 'data-testid="bundle-error"' in page
    assert "模板损坏" in page
    assert client.get(reverse("documents:bundle-download", args=[bundle.pk])).status_code == 404


def test_a_round_without_feedback_has_nothing_to_bundle(
    client: Client, world: World, office: User, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(office)
    response = _request(client, world, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert not Bundle.objects.exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("nothing to bundle" in m for m in messages)


@pytest.mark.parametrize("persona", ["township_user", "village_user", "group_leader", "leader"])
def test_only_the_office_bundles_and_nobody_else_sees_a_bundle(
    client: Client,
    fed_back: World,
    office: User,
    persona: str,
    request: pytest.FixtureRequest,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Others are refused the request, and the office's bundle is 404 to them, page and file alike."""
    bundle = actions.build_bundle(actions.request_bundle(fed_back.round, actor=office), actor=SYSTEM)
    user = request.getfixturevalue(persona)
    client.force_login(user)

    response = _request(client, fed_back, django_capture_on_commit_callbacks)

    assert response.status_code in (302, 404)
    assert Bundle.objects.count() == 1
    assert client.get(reverse("documents:bundle-detail", args=[bundle.pk])).status_code == 404
    assert client.get(reverse("documents:bundle-download", args=[bundle.pk])).status_code == 404
    page = client.get(reverse("documents:index")).content.decode()
    assert "bundle-start" not in page


def test_a_bundle_is_fetched_only_within_its_county_by_the_office(
    client: Client, fed_back: World, office: User, office_lead: User, outsider: User
) -> None:
    """The office of another county gets 404 for the bundle, page, file and API alike; the office's director, who
    did not ask for it, fetches it as the office's."""
    bundle = actions.build_bundle(actions.request_bundle(fed_back.round, actor=office), actor=SYSTEM)
    assert list(Bundle.objects.visible_to(office_lead)) == [bundle]
    assert not Bundle.objects.visible_to(outsider).exists()

    client.force_login(outsider)
    for name in ("documents:bundle-detail", "documents:bundle-download", "v1:document-bundle"):
        assert client.get(reverse(name, args=[bundle.pk])).status_code == 404, name
    assert client.get(reverse("v1:document-bundle-download", args=[bundle.pk])).status_code == 404

    client.force_login(office_lead)
    assert client.get(reverse("documents:bundle-download", args=[bundle.pk])).status_code == 200


def test_the_documents_page_lists_rounds_and_units_in_a_fixed_number_of_queries(
    client: Client, fed_back: World, office: User, django_assert_num_queries: Any
) -> None:
    actions.build_bundle(actions.request_bundle(fed_back.round, actor=office), actor=SYSTEM)
    client.force_login(office)
    client.get(reverse("documents:index"))  # warm the session
    with django_assert_num_queries(8):
        page = client.get(reverse("documents:index")).content.decode()
    assert f'data-testid="bundle-start-{fed_back.round.pk}"' in page
    assert reverse("documents:ledger-xlsx", args=[fed_back.county.code]) in page
    assert reverse("documents:round-report-docx", args=[fed_back.round.pk]) in page


def test_a_township_sees_its_own_units_documents(client: Client, fed_back: World, township_user: User) -> None:
    client.force_login(township_user)
    page = client.get(reverse("documents:index")).content.decode()
    assert reverse("documents:ledger-xlsx", args=[fed_back.township_a.code]) in page
    assert reverse("documents:ledger-xlsx", args=[fed_back.county.code]) not in page


# The worker closes its database connection after a task, so the test runs outside a wrapping transaction.
@pytest.mark.django_db(transaction=True)
def test_the_api_queues_reports_and_serves_a_bundle(
    client: Client, fed_back: World, office: User, township_user: User, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(township_user)
    refused = client.post(reverse("v1:document-bundle-start", args=[fed_back.round.pk]))
    assert refused.status_code == 403
    assert not Bundle.objects.exists()

    client.force_login(office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("v1:document-bundle-start", args=[fed_back.round.pk]))
    assert response.status_code == 202
    body = response.json()
    assert (body["status"], body["total"], body["download"]) == ("QUEUED", 3, None)
    download = reverse("v1:document-bundle-download", args=[body["id"]])
    assert client.get(download).status_code == 404

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    body = client.get(reverse("v1:document-bundle", args=[body["id"]])).json()
    assert (body["status"], body["done"], body["percent"], body["download"]) == ("DONE", 3, 100, download)
    response = client.get(download)
    assert response.status_code == 200
    assert len(zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()) == 3  # type: ignore[attr-defined]
    client.force_login(township_user)
    assert client.get(download).status_code == 404
