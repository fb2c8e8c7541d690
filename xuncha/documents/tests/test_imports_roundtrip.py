"""The township's round trip: export the ledger, edit 整改进展 and 完成情况 in the sheet, import it back."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from xuncha.accounts.models import User
from xuncha.conftest import World
from xuncha.documents import exports
from xuncha.documents.actions import start_import
from xuncha.documents.models import ImportRun
from xuncha.documents.tests.test_imports import _media_root, upload  # noqa: F401 - the autouse fixture
from xuncha.rectification.models import LedgerItem, Progress
from xuncha.rectification.tests.factories import FOLLOW_UP_DEADLINE, ledger_item

Status = LedgerItem.Status


def _edited(content: bytes, edits: dict[str, dict[str, str]]) -> bytes:
    """The exported workbook with cells replaced: ``{item number: {header: new text}}``."""
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    header_row = next(row for row in sheet.iter_rows() if any(cell.value == "编号" for cell in row))
    positions = {cell.value: index for index, cell in enumerate(header_row)}
    header_line = next(index for index, row in enumerate(sheet.iter_rows(), start=1) if row == header_row)
    for row in sheet.iter_rows(min_row=header_line + 1):
        changes = edits.get(str(row[positions["编号"]].value), {})
        for header, text in changes.items():
            row[positions[header]].value = text
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_exported_ledger_with_edited_cells_imports_back(world: World, township_user: User) -> None:
    working = ledger_item(world.round, world.village_a2, status=Status.IN_PROGRESS)
    submitted = ledger_item(world.round, world.community_a, status=Status.SUBMITTED)
    closed = ledger_item(world.round, world.village_a1, status=Status.CLOSED, closed_on=FOLLOW_UP_DEADLINE)
    Progress.objects.create(item=closed, kind=Progress.Kind.CLOSURE, text="已销号。", on=FOLLOW_UP_DEADLINE)
    exported = exports.ledger(township_user, world.township_a).content

    untouched = start_import(ImportRun.Kind.LEDGER, upload(exported), actor=township_user, unit=world.township_a)
    assert untouched.status == ImportRun.Status.DONE, untouched.errors
    assert (untouched.total_rows, untouched.updated, untouched.unchanged) == (3, 0, 3)

    edited = _edited(
        exported,
        {
            working.number: {"整改进展": "已召开村民代表会议，租金3.2万元已入账。"},
            submitted.number: {"完成情况": "乡镇已审核"},
        },
    )
    run = start_import(ImportRun.Kind.LEDGER, upload(edited), actor=township_user, unit=world.township_a)
    assert run.status == ImportRun.Status.DONE, run.errors
    assert (run.updated, run.unchanged) == (2, 1)
    assert Progress.objects.get(item=working).text == "已召开村民代表会议，租金3.2万元已入账。"
    submitted.refresh_from_db()
    assert submitted.status == Status.REVIEWED

    again = start_import(ImportRun.Kind.LEDGER, upload(edited), actor=township_user, unit=world.township_a)
    assert (again.status, again.updated, again.unchanged) == (ImportRun.Status.DONE, 0, 3)
