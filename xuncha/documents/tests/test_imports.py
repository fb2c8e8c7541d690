"""Spreadsheet imports: files refused as a whole, header and row reports, and the shared helpers of the import tests.

Every refusal leaves no trace in the data: no problem, progress note, audit event or classification changes, and a
file refused before its rows are read leaves no ``ImportRun`` either.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from xuncha.accounts.models import User
from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.core.exceptions import ActionRefused
from xuncha.documents.actions import start_import
from xuncha.documents.imports import reader
from xuncha.documents.models import ImportRun
from xuncha.findings.models import Problem
from xuncha.organisations.models import AdminUnit
from xuncha.rectification.models import LedgerItem, Progress

Kind = ImportRun.Kind
CLASSIFICATION_HEADER = ["村代码", "村（社区）", "类别", "村情村要"]


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def xlsx(rows: Sequence[Sequence[Any]], *, above: Sequence[Sequence[Any]] = ()) -> bytes:
    """A workbook whose first sheet holds ``above`` (title lines), then ``rows`` (the header first)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in [*above, *rows]:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(data: bytes, name: str = "导入.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def footprint() -> dict[str, Any]:
    """What an import could change: counts of the records it writes, and every village's classification."""
    return {
        "problems": list(Problem.objects.values_list("pk", "status", "category", "version")),
        "progress": Progress.objects.count(),
        "events": Event.objects.count(),
        "items": list(LedgerItem.objects.values_list("pk", "status")),
        "units": list(AdminUnit.objects.values_list("code", "category", "category_reason")),
    }


def classify(user: User, world: World, rows: Sequence[Sequence[Any]], **kwargs: Any) -> ImportRun:
    return start_import(Kind.CLASSIFICATION, upload(xlsx(rows, **kwargs)), actor=user, unit=world.county)


def errors_of(run: ImportRun) -> list[tuple[Any, str, str]]:
    return [(error["row"], error["column"], error["value"]) for error in run.errors]


# Files refused as a whole -----------------------------------------------------------------------------------------


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def encrypted_workbook() -> bytes:
    """What Excel writes for a workbook with a password to open: an OLE compound file holding EncryptionInfo."""
    directory = "EncryptionInfo".encode("utf-16-le").ljust(64, b"\x00") + "EncryptedPackage".encode("utf-16-le")
    return reader.OLE_MAGIC + b"\x00" * 504 + directory.ljust(4096, b"\x00")


REFUSED_FILES = {
    "empty": (b"", "The file is empty."),
    "text renamed .xlsx": ("村代码,类别\n450328100201,重点村\n".encode(), "This is not an Excel workbook (.xlsx)"),
    "word document renamed": (
        zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}),
        "This is not an Excel workbook (.xlsx)",
    ),
    "password-protected": (encrypted_workbook(), "password-protected"),
    "old .xls": (reader.OLE_MAGIC + b"\x00" * 2000 + "Workbook".encode("utf-16-le"), "old-style .xls"),
    "zip bomb": (
        zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<w/>", "xl/sheet.xml": bytes(30_000_000)}),
        "zip bomb",
    ),
    "damaged zip": (b"PK\x03\x04" + b"\x00" * 200, "damaged"),
    "damaged workbook": (
        zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"not xml"}),
        "damaged",
    ),
}


@pytest.mark.parametrize("case", REFUSED_FILES)
def test_a_file_that_is_no_sound_xlsx_is_refused_with_a_clear_message_and_nothing_kept(
    world: World, office: User, case: str, tmp_path: Path
) -> None:
    data, message = REFUSED_FILES[case]
    before = footprint()
    with pytest.raises(ActionRefused) as refused:
        start_import(Kind.CLASSIFICATION, upload(data), actor=office, unit=world.county)
    assert message in refused.value.message
    assert refused.value.status_code == 400
    assert footprint() == before
    assert not ImportRun.objects.exists()
    assert not (tmp_path / "imports").exists()


def test_an_oversize_file_is_refused(world: World, office: User, settings: Any) -> None:
    settings.XUNCHA_IMPORT_MAX_BYTES = 2000
    data = xlsx([CLASSIFICATION_HEADER, ["450328100201", "甲一村", "重点村", "理由" * 2000]])
    with pytest.raises(ActionRefused, match="The file is too large"):
        start_import(Kind.CLASSIFICATION, upload(data), actor=office, unit=world.county)
    assert not ImportRun.objects.exists()


def test_a_workbook_unpacking_beyond_the_limit_is_refused_before_it_is_read(
    world: World, office: User, settings: Any
) -> None:
    settings.XUNCHA_IMPORT_MAX_UNPACKED_BYTES = 5000
    data = xlsx([CLASSIFICATION_HEADER, *[["450328100201", "甲一村", "重点村", f"理由{n}"] for n in range(200)]])
    with pytest.raises(ActionRefused, match="unpacks to"):
        start_import(Kind.CLASSIFICATION, upload(data), actor=office, unit=world.county)


def test_the_sheet_is_judged_by_its_content_not_its_name(world: World, office: User) -> None:
    """A real workbook named .csv is read; its name is only kept for the report."""
    data = xlsx([CLASSIFICATION_HEADER, [world.village_a2.code, "", "关注村", "产业空心化"]])
    run = start_import(Kind.CLASSIFICATION, upload(data, "分类.csv"), actor=office, unit=world.county)
    assert run.status == ImportRun.Status.DONE
    assert run.file_name == "分类.csv"


# Header and rows ----------------------------------------------------------------------------------------------------


def test_a_wrong_header_is_reported_and_nothing_is_written(world: World, office: User) -> None:
    before = footprint()
    run = classify(office, world, [["编码", "名字", "说明"], [world.village_a2.code, "甲二村", "重点村"]])
    assert run.status == ImportRun.Status.REJECTED
    assert run.errors == [
        {
            "row": 1,
            "column": "header",
            "value": "",
            "reason": "no header row found; the sheet needs the columns: 村代码、类别",
        }
    ]
    assert footprint() == before


def test_a_header_lacking_a_column_names_the_missing_one(world: World, office: User) -> None:
    run = classify(office, world, [["村代码", "村（社区）", "村情村要"], [world.village_a2.code, "甲二村", "x"]])
    assert run.status == ImportRun.Status.REJECTED
    [error] = run.errors
    assert error["row"] == 1
    assert error["reason"] == "the header lacks the columns: 类别"
    assert error["value"] == "村代码 | 村（社区） | 村情村要"


def test_a_sheet_with_only_its_header_is_rejected(world: World, office: User) -> None:
    run = classify(office, world, [CLASSIFICATION_HEADER, [None, None, None, None]])
    assert run.status == ImportRun.Status.REJECTED
    assert run.errors[0]["reason"] == "the file holds no rows"


def test_more_rows_than_allowed_are_rejected(world: World, office: User, settings: Any) -> None:
    settings.XUNCHA_IMPORT_MAX_ROWS = 3
    rows = [[world.village_a2.code, "", "一般村", ""]] * 4
    run = classify(office, world, [CLASSIFICATION_HEADER, *rows])
    assert run.status == ImportRun.Status.REJECTED
    assert run.errors[0]["row"] == 5
    assert "more than 3 rows" in run.errors[0]["reason"]


def test_the_header_is_found_below_title_lines_in_any_order_with_english_names(world: World, office: User) -> None:
    rows: list[list[Any]] = [["Reason", "Category", "Code"], ["产业薄弱", "watch", int(world.village_a2.code)]]
    run = classify(office, world, rows, above=[["龙胜县村（社区）分类表"], []])
    assert run.status == ImportRun.Status.DONE, run.errors
    world.village_a2.refresh_from_db()
    assert (world.village_a2.category, world.village_a2.category_reason) == ("WATCH", "产业薄弱")


def test_every_bad_row_is_reported_with_its_row_column_and_value(world: World, office: User) -> None:
    before = footprint()
    rows = [
        CLASSIFICATION_HEADER,
        [world.village_a2.code, "甲二村", "重点村", "班子软弱"],  # fine
        ["450328100299", "无名村", "一般村", ""],  # no such village
        [world.village_b1.code, "乙一村", "特别村", ""],  # bad category
        [world.village_a2.code, "甲二村", "一般村", ""],  # twice in the file
        ["12345", "", "一般村", ""],  # not a village code
        [world.other_village.code, "", "一般村", ""],  # another county
        [world.community_a.code, "甲社区", "关注村", ""],  # a watch-list village needs a reason
        [world.village_a1.code, "甲二村", "一般村", ""],  # the name does not fit the code
    ]
    run = classify(office, world, rows)
    assert run.status == ImportRun.Status.REJECTED
    assert errors_of(run) == [
        (3, "村代码", "450328100299"),
        (4, "类别", "特别村"),
        (5, "村代码", world.village_a2.code),
        (6, "村代码", "12345"),
        (7, "村代码", world.other_village.code),
        (8, "村情村要", ""),
        (9, "村（社区）", "甲二村"),
    ]
    reasons = [error["reason"] for error in run.errors]
    assert reasons[0] == "no village has this code"
    assert reasons[2] == "duplicate code, already given on line 2"
    assert reasons[4] == "this village is not in 龙胜各族自治县"
    assert footprint() == before
    assert run.created == run.updated == run.unchanged == 0


def test_reasons_are_in_the_uploaders_language(world: World, office: User) -> None:
    from django.utils import translation

    with translation.override("zh-hans"):
        run = classify(office, world, [CLASSIFICATION_HEADER, ["450328100299", "", "一般村", ""]])
    assert run.errors[0]["reason"] != "no village has this code"


# Cells --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("  甲一村 \r\n", "甲一村"),
        (450328100201.0, "450328100201"),
        (12, "12"),
        (1.5, "1.5"),
        (datetime(2023, 11, 20), "2023-11-20"),  # noqa: DTZ001 - a date cell carries no zone
        (date(2023, 11, 20), "2023-11-20"),
    ],
)
def test_cells_are_read_as_text(value: Any, text: str) -> None:
    assert reader.as_text(value) == text


@pytest.mark.parametrize("value", ["2023-11-20", "2023/11/20", "2023年11月20日", "2023.11.20", datetime(2023, 11, 20)])  # noqa: DTZ001
def test_dates_are_read_in_the_ways_offices_write_them(value: Any) -> None:
    assert reader.as_date(value) == date(2023, 11, 20)


def test_a_cell_that_is_no_date_is_refused() -> None:
    with pytest.raises(ValueError, match="上周"):
        reader.as_date("上周")
