"""Filing a closed round: each assignment's file opened back, its manifest, what it must never hold, the command,
the worker, the page and who may take a file away."""

from __future__ import annotations

import html
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from xuncha.accounts.actors import SYSTEM
from xuncha.accounts.models import User
from xuncha.archive import actions, contributors
from xuncha.archive.building import INDEX_DOCX, INDEX_XLSX, MANIFEST, sha256
from xuncha.archive.contributors import HandedIn, Member
from xuncha.archive.models import Archive, Retention
from xuncha.audit.models import AccessLog, Event
from xuncha.conftest import World
from xuncha.core.exceptions import PermissionDenied, TransitionNotAllowed
from xuncha.findings.tests.factories import CLUE_SUBJECT, CLUE_SUMMARY, REPORTER_NAME, REPORTER_PHONE
from xuncha.inspections.models import Assignment, Round
from xuncha.rectification.tests.factories import set_round

HTMX = {"HX-Request": "true"}
SECRETS = [REPORTER_NAME, REPORTER_PHONE, CLUE_SUBJECT, CLUE_SUMMARY, "李建国", "好处费"]


def _archive(world: World, actor: Any) -> Archive:
    (archive,) = actions.archive_round(world.round, actor=actor, inline=True)
    assert archive.status == Archive.Status.READY, archive.error
    return archive


def _zip(archive: Archive) -> zipfile.ZipFile:
    path = actions.archive_path(archive)
    assert path is not None
    return zipfile.ZipFile(path)


def _texts(content: bytes) -> Iterator[str]:
    """The text of a member: a .docx or .xlsx (itself a zip) part by part, anything else as UTF-8."""
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as inner:
            for name in inner.namelist():
                yield html.unescape(inner.read(name).decode("utf-8", "replace"))
    else:
        yield content.decode("utf-8", "replace")


def test_the_file_opened_back_lists_every_member_and_each_matches_the_manifest(closed: World, office: User) -> None:
    archive = _archive(closed, office)
    with _zip(archive) as opened:
        names = opened.namelist()
        manifest = json.loads(opened.read(MANIFEST))
        listed = {entry["path"]: entry for entry in manifest["members"]}
        assert set(listed) == set(names) - {MANIFEST}
        for name in listed:
            content = opened.read(name)
            assert (sha256(content), len(content)) == (listed[name]["sha256"], listed[name]["size"])
        members = [name for name in names if name not in (MANIFEST, INDEX_XLSX, INDEX_DOCX)]
        sheet = openpyxl.load_workbook(io.BytesIO(opened.read(INDEX_XLSX)))["卷内目录"]
        rows = [row for row in sheet.iter_rows(values_only=True) if isinstance(row[0], int)]
        assert [row[5] for row in rows[: len(members)]] == members
        assert [row[4] for row in rows[: len(members)]] == [listed[name]["sha256"] for name in members]
        assert rows[-1][1] == "问题线索（1件）" and rows[-1][5] == "移交保密，未入卷"
        index = docx.Document(io.BytesIO(opened.read(INDEX_DOCX)))
        digests = {cell.text for cell in index.tables[0].columns[4].cells}
        assert {listed[name]["sha256"] for name in members} <= digests
    assert any(name.startswith("01-文书/") and name.endswith("巡察反馈意见.docx") for name in members)
    assert any(name.startswith("03-佐证材料/") and name.endswith(".png") for name in members)
    assert any(name.startswith("04-审计记录/") for name in members)
    assert manifest["round"]["id"] == closed.round.pk
    assert manifest["assignment"]["id"] == closed.assignment.pk
    assert manifest["retention"]["code"] == Retention.PERMANENT
    assert manifest["built_by"].startswith(str(office))
    assert manifest["handed_in"] == [{"title": "问题线索", "count": 1, "note": "移交保密，未入卷"}]
    assert archive.sha256 == sha256(actions.archive_path(archive).read_bytes())  # type: ignore[union-attr]


def test_no_reporter_identity_and_no_clue_text_in_any_member(closed: World, office: User) -> None:
    """Every member is searched, the parts of each .docx and .xlsx too; the petition itself is there."""
    with _zip(_archive(closed, office)) as opened:
        texts = [text for name in opened.namelist() for text in _texts(opened.read(name))]
    assert any("低保评定不公开" in text for text in texts)  # the search reads the records
    for secret in SECRETS:
        assert not any(secret in text for text in texts), secret


def test_the_command_files_the_round_as_the_system_and_verifies_a_file(closed: World, tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("archive", str(closed.round.pk), stdout=out)
    archive = Archive.objects.get()
    assert archive.status == Archive.Status.READY and archive.built_by is None
    closed.round.refresh_from_db()
    assert closed.round.archived_at is not None
    assert Event.objects.get(verb="archive.built").actor_label == str(SYSTEM)
    path = actions.archive_path(archive)
    assert path is not None and archive.sha256 in out.getvalue()
    checked = io.StringIO()
    call_command("archive", "--verify", str(path), stdout=checked)
    assert "every member matches" in checked.getvalue()

    altered = tmp_path / "altered.zip"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(altered, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            target.writestr(name, content + b"x" if name.endswith(".csv") else content)
    with pytest.raises(CommandError, match="does not match"):
        call_command("archive", "--verify", str(altered), stderr=io.StringIO())


def test_a_round_is_filed_only_once_closed(world: World, office: User) -> None:
    with pytest.raises(TransitionNotAllowed):
        actions.archive_round(world.round, actor=office, inline=True)
    world.round.refresh_from_db()
    assert world.round.archived_at is None and not Archive.objects.exists()


@pytest.mark.parametrize(
    "persona", ["group_leader", "leader", "township_user", "village_user", "auditor", "sysadmin", "outsider"]
)
def test_only_the_office_files_a_round(closed: World, persona: str, request: pytest.FixtureRequest) -> None:
    with pytest.raises(PermissionDenied):
        actions.archive_round(closed.round, actor=request.getfixturevalue(persona), inline=True)
    assert not Archive.objects.exists()


def test_filing_records_its_events(closed: World, office_lead: User) -> None:
    archive = _archive(closed, office_lead)
    archived = Event.objects.get(verb="archive.round_archived")
    assert (archived.object_type, archived.object_id, archived.actor_id) == (
        "inspections.round",
        str(closed.round.pk),
        office_lead.pk,
    )
    assert Event.objects.filter(verb="archive.requested", object_id=str(archive.pk)).count() == 1
    built = Event.objects.get(verb="archive.built")
    assert built.after is not None
    assert (built.after["sha256"], built.after["handed_in"]) == (archive.sha256, {"问题线索": 1})
    # A second request builds nothing again: every file is ready.
    assert actions.archive_round(closed.round, actor=office_lead, inline=True) == []
    assert Event.objects.filter(verb="archive.round_archived").count() == 1


def test_a_failure_is_recorded_and_the_file_can_be_built_again(closed: World, office: User) -> None:
    def broken(assignment: Assignment) -> Iterator[Member]:
        raise RuntimeError("the contributor broke")
        yield  # pragma: no cover

    contributors.register_contributor(broken)
    try:
        (archive,) = actions.archive_round(closed.round, actor=office, inline=True)
    finally:
        contributors._registry.remove(broken)
    assert archive.status == Archive.Status.FAILED
    assert "the contributor broke" in archive.error
    assert Event.objects.filter(verb="archive.failed", object_id=str(archive.pk)).exists()
    (again,) = actions.archive_round(closed.round, actor=office, inline=True)
    assert again.status == Archive.Status.READY


def test_other_apps_contribute_files_and_handed_in_materials(closed: World, office: User) -> None:
    def plans(assignment: Assignment) -> Iterator[Member | HandedIn]:
        yield Member("05-工作方案/工作方案.docx", "巡察工作方案", None, b"plan of " + str(assignment.pk).encode())
        yield HandedIn("个别谈话记录", 3)

    contributors.register_contributor(plans)
    contributors.register_contributor(plans)  # twice is once
    try:
        archive = _archive(closed, office)
    finally:
        contributors._registry.remove(plans)
    with _zip(archive) as opened:
        manifest = json.loads(opened.read(MANIFEST))
        assert opened.read("05-工作方案/工作方案.docx") == f"plan of {closed.assignment.pk}".encode()
    assert [entry["path"] for entry in manifest["members"]].count("05-工作方案/工作方案.docx") == 1
    assert {"title": "个别谈话记录", "count": 3, "note": "移交保密，未入卷"} in manifest["handed_in"]


# The worker and the pages -------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_office_files_from_the_round_page_and_the_worker_builds(
    client: Client, closed: World, office: User, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(office)
    page = client.get(closed.round.get_absolute_url()).content.decode()
    assert 'data-testid="archive-start"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("archive:round-archive", args=[closed.round.pk]))
    assert response.status_code == 302
    archive = Archive.objects.get()
    assert archive.status == Archive.Status.BUILDING
    polling = client.get(reverse("archive:archive-detail", args=[archive.pk]), headers=HTMX).content.decode()
    assert 'hx-get="' in polling and 'data-status="BUILDING"' in polling

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    archive.refresh_from_db()
    assert archive.status == Archive.Status.READY, archive.error
    done = client.get(reverse("archive:archive-detail", args=[archive.pk]), headers=HTMX).content.decode()
    assert "hx-get" not in done and 'data-testid="archive-download"' in done
    page = client.get(closed.round.get_absolute_url()).content.decode()
    assert 'data-testid="round-archived"' in page and 'data-testid="archive-start"' not in page
    download = client.get(reverse("archive:archive-download", args=[archive.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert b"".join(download.streaming_content) == actions.archive_path(archive).read_bytes()  # type: ignore[attr-defined, union-attr]
    assert (
        AccessLog.objects.filter(user=office, action=AccessLog.Action.EXPORTED, object_id=str(archive.pk)).count() == 1
    )


def test_the_director_downloads_too(client: Client, closed: World, office: User, office_lead: User) -> None:
    archive = _archive(closed, office)
    client.force_login(office_lead)
    assert client.get(reverse("archive:archive-download", args=[archive.pk])).status_code == 200
    assert AccessLog.objects.filter(user=office_lead, action=AccessLog.Action.EXPORTED).count() == 1


@pytest.mark.parametrize(
    "persona",
    ["group_leader", "leader", "township_user", "village_user", "discipline", "auditor", "sysadmin", "outsider"],
)
def test_nobody_else_sees_or_downloads_a_file(
    client: Client, closed: World, office: User, persona: str, request: pytest.FixtureRequest
) -> None:
    archive = _archive(closed, office)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("archive:archive-download", args=[archive.pk])).status_code == 404
    assert client.get(reverse("archive:archive-detail", args=[archive.pk]), headers=HTMX).status_code == 404
    page = client.get(closed.round.get_absolute_url())
    if page.status_code == 200:
        assert 'data-testid="archive-panel"' not in page.content.decode()
        assert reverse("archive:archive-download", args=[archive.pk]) not in page.content.decode()
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORTED).exists()


def test_a_round_not_closed_offers_no_archiving(client: Client, world: World, office: User) -> None:
    set_round(world, Round.Status.RECTIFYING)
    client.force_login(office)
    page = client.get(world.round.get_absolute_url()).content.decode()
    assert 'data-testid="archive-panel"' not in page


def test_the_api_files_a_round_and_serves_the_file_to_the_office_only(
    client: Client, closed: World, office: User, leader: User
) -> None:
    client.force_login(leader)
    assert client.post(f"/api/v1/rounds/{closed.round.pk}/archive/").status_code == 403
    client.force_login(office)
    response = client.post(f"/api/v1/rounds/{closed.round.pk}/archive/")
    assert response.status_code == 202
    (queued,) = response.json()
    assert (queued["status"], queued["download"]) == (Archive.Status.BUILDING, None)
    archive = actions.build_archive(Archive.objects.get(pk=queued["id"]), actor=SYSTEM)
    detail = client.get(f"/api/v1/archives/{archive.pk}/").json()
    assert (detail["sha256"], detail["download"]) == (archive.sha256, f"/api/v1/archives/{archive.pk}/download/")
    download = client.get(detail["download"])
    assert download.status_code == 200
    assert AccessLog.objects.filter(user=office, action=AccessLog.Action.EXPORTED).count() == 1
    client.force_login(leader)
    assert client.get(f"/api/v1/archives/{archive.pk}/").status_code == 404
    assert client.get(detail["download"]).status_code == 404


def test_the_retention_period_comes_from_the_setting(closed: World, office: User, settings: Any) -> None:
    settings.ARCHIVE_RETENTION = Retention.Y30
    archive = _archive(closed, office)
    assert archive.retention == Retention.Y30
    with _zip(archive) as opened:
        assert json.loads(opened.read(MANIFEST))["retention"] == {"code": "Y30", "label": "30年"}
