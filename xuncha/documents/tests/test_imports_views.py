"""The import pages and API, the background path for large sheets, failures, and a county-wide reclassification."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from xuncha.accounts.models import User
from xuncha.conftest import World
from xuncha.documents import actions
from xuncha.documents.actions import start_import
from xuncha.documents.imports import kinds
from xuncha.documents.imports.classification import ClassificationImporter
from xuncha.documents.imports.reader import read_sheet
from xuncha.documents.models import ImportRun
from xuncha.documents.tests.test_imports import (
    CLASSIFICATION_HEADER,
    _media_root,  # noqa: F401 - the autouse fixture
    footprint,
    upload,
    xlsx,
)
from xuncha.organisations.models import AdminUnit, Category, Level, VillageKind
from xuncha.organisations.tests import factories as units

Kind = ImportRun.Kind
IMMEDIATE_TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def many_villages(world: World, count: int) -> list[AdminUnit]:
    """``count`` general villages of the county, spread over new townships (999 to a township)."""
    villages: list[AdminUnit] = []
    for start in range(0, count, 999):
        township = units.township(world.county, f"新{start}镇", number=120 + start // 999)
        for number in range(1, min(999, count - start) + 1):
            code = township.short_code + f"{number:03d}"
            villages.append(
                AdminUnit(
                    code=code,
                    name=f"{township.name}{number}村委会",
                    short_name=f"{township.name}{number}村",
                    level=Level.VILLAGE,
                    kind=VillageKind.VILLAGE,
                    category=Category.GENERAL,
                    parent=township,
                    path=f"{township.path}{code}/",
                )
            )
    return AdminUnit.objects.bulk_create(villages)


def classification_rows(villages: list[AdminUnit]) -> bytes:
    """Every village of ``villages`` on the watch list."""
    rows = [[village.code, village.short_name, "关注村", f"第{n}号：产业薄弱"] for n, village in enumerate(villages)]
    return xlsx([CLASSIFICATION_HEADER, *rows])


# Pages ----------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "kinds"),
    [
        ("office", ["classification"]),
        ("group_member", ["problems"]),
        ("township_user", ["ledger"]),
        ("village_user", []),
    ],
)
def test_the_list_offers_the_kinds_the_user_may_import(
    request: pytest.FixtureRequest, world: World, persona: str, kinds: list[str]
) -> None:
    user: User = request.getfixturevalue(persona)
    response = signed_in(user).get(reverse("documents:import-list"))
    assert response.status_code == 200
    offered = [kind for kind in ("classification", "problems", "ledger") if f'data-kind="{kind}"' in response.text]
    assert offered == kinds


def test_a_village_may_not_open_an_import_form(world: World, village_user: User) -> None:
    client = signed_in(village_user)
    for kind in ("classification", "problems", "ledger"):
        assert client.get(reverse("documents:import-new", args=[kind])).status_code == 403
    assert client.get(reverse("documents:import-new", args=["nothing"])).status_code == 404


@pytest.mark.parametrize("kind", ["classification", "problems", "ledger"])
def test_each_blank_sheet_downloads_and_reads_back_with_its_header(world: World, office: User, kind: str) -> None:
    response = signed_in(office).get(reverse("documents:import-template", args=[kind]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    content = response.content
    importer = kinds.IMPORTERS[kinds.KIND_BY_SLUG[kind]]
    sheet = read_sheet(io.BytesIO(content), importer.columns)
    assert len(sheet.rows) == 1  # the example
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.worksheets[0].data_validations.dataValidation  # drop-downs of the fixed words


def test_the_page_imports_a_sheet_and_shows_the_outcome(world: World, office: User) -> None:
    client = signed_in(office)
    assert 'name="target"' in client.get(reverse("documents:import-new", args=["classification"])).text
    data = xlsx([CLASSIFICATION_HEADER, [world.village_a2.code, "甲二村", "关注村", "人口外流"]])
    response = client.post(
        reverse("documents:import-new", args=["classification"]),
        {"file": upload(data), "target": world.county.pk},
    )
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:import-detail", args=[run.pk])
    page = client.get(response["Location"])
    assert 'data-testid="import-done"' in page.text
    assert "hx-trigger" not in page.text
    assert run.file_name in client.get(reverse("documents:import-list")).text


def test_the_page_shows_every_bad_row(world: World, office: User) -> None:
    client = signed_in(office)
    data = xlsx(
        [CLASSIFICATION_HEADER, ["450328100299", "无名村", "一般村", ""], [world.village_a2.code, "", "特别", ""]]
    )
    client.post(
        reverse("documents:import-new", args=["classification"]), {"file": upload(data), "target": world.county.pk}
    )
    run = ImportRun.objects.get()
    page = client.get(reverse("documents:import-detail", args=[run.pk])).text
    assert page.count('data-testid="import-error"') == 2
    assert "450328100299" in page and "no village has this code" in page and "特别" in page


def test_a_refused_file_is_said_on_the_form_and_nothing_is_kept(world: World, office: User) -> None:
    response = signed_in(office).post(
        reverse("documents:import-new", args=["classification"]),
        {"file": upload(b"code,category\n", "分类.xlsx"), "target": world.county.pk},
    )
    assert response.status_code == 400
    assert "This is not an Excel workbook (.xlsx)" in response.text
    assert not ImportRun.objects.exists()


def test_a_running_import_polls_its_progress_and_others_do_not_see_it(
    world: World, office: User, office_lead: User
) -> None:
    run = ImportRun.objects.create(
        kind=Kind.CLASSIFICATION,
        uploaded_by=office,
        unit=world.county,
        file_name="大表.xlsx",
        sha256="0" * 64,
        status=ImportRun.Status.RUNNING,
        total_rows=1000,
        done_rows=400,
    )
    url = reverse("documents:import-detail", args=[run.pk])
    partial = signed_in(office).get(url, headers={"HX-Request": "true"})
    assert partial.text.lstrip().startswith('<div id="import-progress"')
    assert 'hx-trigger="every 1s"' in partial.text
    assert '<progress class="flex-grow-1" max="100" value="40"' in partial.text
    assert "style=" not in partial.text
    assert signed_in(office_lead).get(url).status_code == 404


# API ------------------------------------------------------------------------------------------------------------------


def api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_imports_a_sheet_and_reports_its_run(world: World, office: User, office_lead: User) -> None:
    data = xlsx([CLASSIFICATION_HEADER, [world.village_a2.code, "", "重点村", ""]])
    response = api(office).post(
        reverse("v1:import-create", args=["classification"]),
        {"file": upload(data), "unit": world.county.code},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["unit"], body["total_rows"]) == ("REJECTED", world.county.code, 1)
    assert body["errors"] == [
        {"row": 2, "column": "村情村要", "value": "", "reason": "a key or watch-list village needs a reason"}
    ]
    url = reverse("v1:import-detail", args=[body["id"]])
    assert api(office).get(url).json()["errors"] == body["errors"]
    assert api(office_lead).get(url).status_code == 404


def test_the_api_refuses_a_bad_file_up_front_with_the_reason(world: World, office: User) -> None:
    response = api(office).post(
        reverse("v1:import-create", args=["classification"]),
        {"file": upload(b"", "空.xlsx"), "unit": world.county.code},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The file is empty.",
        "errors": [{"row": None, "column": "file", "value": "空.xlsx", "reason": "The file is empty."}],
    }


def test_the_api_refuses_who_may_not_import(world: World, village_user: User, group_member: User) -> None:
    data = xlsx([CLASSIFICATION_HEADER, [world.village_a2.code, "", "一般村", ""]])
    create = reverse("v1:import-create", args=["classification"])
    assert api(village_user).post(create, {"file": upload(data), "unit": world.county.code}).status_code == 403
    ledger = reverse("v1:import-create", args=["ledger"])
    assert api(village_user).post(ledger, {"file": upload(data), "unit": world.township_a.code}).status_code == 403
    problems = reverse("v1:import-create", args=["problems"])
    assert (
        api(village_user).post(problems, {"file": upload(data), "assignment": world.assignment.pk}).status_code == 403
    )
    assert api(group_member).post(problems, {"file": upload(data)}).status_code == 400
    assert api(group_member).post(reverse("v1:import-create", args=["x"]), {}).status_code == 404
    assert not ImportRun.objects.exists()


# Background runs, failures and size -----------------------------------------------------------------------------------


def test_a_large_sheet_is_queued_and_run_by_the_task(
    world: World, office: User, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = IMMEDIATE_TASKS
    villages = many_villages(world, actions.INLINE_MAX_ROWS + 1)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run = start_import(Kind.CLASSIFICATION, upload(classification_rows(villages)), actor=office, unit=world.county)
        assert run.status == ImportRun.Status.QUEUED
    assert len(callbacks) == 1
    run.refresh_from_db()
    assert (run.status, run.total_rows, run.done_rows, run.updated) == (ImportRun.Status.DONE, 501, 501, 501)


# The worker closes its database connection after a task, so the test runs outside a wrapping transaction.
@pytest.mark.django_db(transaction=True)
def test_the_database_worker_runs_a_queued_import(
    world: World, office: User, django_capture_on_commit_callbacks: Any
) -> None:
    villages = many_villages(world, actions.INLINE_MAX_ROWS + 1)
    with django_capture_on_commit_callbacks(execute=True):
        run = start_import(Kind.CLASSIFICATION, upload(classification_rows(villages)), actor=office, unit=world.county)
    assert ImportRun.objects.get(pk=run.pk).status == ImportRun.Status.QUEUED
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE, run.errors
    assert AdminUnit.objects.filter(category=Category.WATCH).count() == 501


def test_a_failure_marks_the_run_failed_with_its_message_and_writes_nothing(
    world: World, office: User, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(self: Any, planned: Any) -> Any:
        raise RuntimeError("disk full")

    monkeypatch.setattr(ClassificationImporter, "apply", broken)
    before = footprint()
    data = xlsx([CLASSIFICATION_HEADER, [world.village_a2.code, "", "重点村", "理由"]])
    run = start_import(Kind.CLASSIFICATION, upload(data), actor=office, unit=world.county)
    assert run.status == ImportRun.Status.FAILED
    assert run.errors == [{"row": None, "column": "", "value": "", "reason": "RuntimeError: disk full"}]
    assert f"Import {run.pk} " in caplog.text
    assert footprint() == before
    page = signed_in(office).get(reverse("documents:import-detail", args=[run.pk])).text
    assert "RuntimeError: disk full" in page


def test_a_failed_task_fails_too(
    world: World, office: User, settings: Any, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = IMMEDIATE_TASKS
    monkeypatch.setattr(actions, "INLINE_MAX_ROWS", 0)
    monkeypatch.setattr(ClassificationImporter, "apply", lambda self, planned: 1 / 0)
    data = xlsx([CLASSIFICATION_HEADER, [world.village_a2.code, "", "重点村", "理由"]])
    run = start_import(Kind.CLASSIFICATION, upload(data), actor=office, unit=world.county)
    result = actions.run_import_task.enqueue(run.pk, "en")
    assert result.status == "FAILED"
    assert "ZeroDivisionError" in result.errors[0].traceback
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED


def test_a_queued_reclassification_checks_every_row_and_writes_the_changes(world: World, office: User) -> None:
    """A county-wide reclassification, large enough to be queued and to span townships: every row is read and
    checked, and the villages whose category changes (one in ten here; each change is an action with its audit
    event) are written in one transaction. Its speed is measured by ``python -m bench.documents``."""
    count = 2 * actions.INLINE_MAX_ROWS
    villages = many_villages(world, count)
    rows = [
        [village.code, village.short_name, "关注村" if n % 10 == 0 else "一般村", "产业薄弱" if n % 10 == 0 else ""]
        for n, village in enumerate(villages)
    ]
    data = xlsx([CLASSIFICATION_HEADER, *rows])
    run = start_import(Kind.CLASSIFICATION, upload(data), actor=office, unit=world.county)
    assert run.status == ImportRun.Status.QUEUED
    actions.run_import(run)
    assert (run.status, run.total_rows, run.done_rows) == (ImportRun.Status.DONE, count, count), run.errors[:3]
    assert (run.updated, run.unchanged) == (count // 10, count - count // 10)
    assert AdminUnit.objects.filter(category=Category.WATCH).count() == count // 10
