"""Ledger progress from a township's spreadsheet: the ledger export (整改台账) with edited 整改进展 and 完成情况 cells.

Rows name an item by its number (编号), and by its village (村（社区）) where a common item gives several villages
the same number; every other column of the export is ignored. Only items overseen by the township are found.

- A progress text that differs from the item's latest note becomes a progress entry (``enter_village_progress``:
  the township enters what its village reported; the note and its event name the township's user).
- A changed status is carried out only by the township's own moves: a submitted item approved (乡镇已审核 /
  已审核, ``review_item``, the progress text as the reviewer's note) or returned (已退回, the progress text as the
  reason). Any other change of status is a row error: villages submit and the office closes on their own pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from xuncha.accounts.scoping import path_q
from xuncha.documents import permissions as document_permissions
from xuncha.documents.imports.base import Importer, Outcome, Planned, chinese_labels, choice_words, word_key
from xuncha.documents.imports.reader import Column, SheetRow
from xuncha.documents.models import ImportRun
from xuncha.organisations.models import AdminUnit
from xuncha.rectification import actions, permissions
from xuncha.rectification.models import LedgerItem, Progress

if TYPE_CHECKING:
    from xuncha.accounts.models import User
    from xuncha.accounts.scoping import AnyUser
    from xuncha.core.tabular import RowError
    from xuncha.inspections.models import Assignment
    from xuncha.organisations.models import AdminUnitQuerySet

Status = LedgerItem.Status
STATUS_SYNONYMS = {
    "未启动": Status.OPEN,
    "整改中": Status.IN_PROGRESS,
    "正在整改": Status.IN_PROGRESS,
    "已提交": Status.SUBMITTED,
    "待审核": Status.SUBMITTED,
    "已审核": Status.REVIEWED,
    "审核通过": Status.REVIEWED,
    "退回": Status.RETURNED,
    "已退回": Status.RETURNED,
    "已销号": Status.CLOSED,
    "销号": Status.CLOSED,
}
# Notes that say how the work goes: the 整改进展 an export shows is the latest of these (or the latest note).
REPORTING_KINDS = {Progress.Kind.PLAN, Progress.Kind.PROGRESS, Progress.Kind.SUBMISSION}
# An item's progress is entered only while it is being worked on (as ``report_progress`` requires).
NOT_WORKED_ON = {Status.CLOSED, Status.SUBMITTED, Status.REVIEWED}


class Move(StrEnum):
    NONE = "NONE"
    PROGRESS = "PROGRESS"
    APPROVE = "APPROVE"
    RETURN = "RETURN"


@dataclass(frozen=True)
class LedgerRow(Planned):
    item: LedgerItem
    move: Move
    text: str = ""


class LedgerImporter(Importer[LedgerRow]):
    kind = ImportRun.Kind.LEDGER
    slug = "ledger"
    target_field = "unit"
    columns = (
        Column("number", ("编号", "问题编号", "台账编号", "number", "item number")),
        Column("village", ("村（社区）", "村(社区)", "村", "责任村", "village"), required=False),
        Column("progress", ("整改进展", "整改进展情况", "progress")),
        Column("status", ("完成情况", "整改状态", "状态", "status"), required=False),
    )

    @classmethod
    def targets(cls, user: User) -> AdminUnitQuerySet:
        return AdminUnit.objects.townships().filter(path_q(user, document_permissions.LEDGER_IMPORTERS, "path"))

    @classmethod
    def may_import(cls, user: AnyUser, *, unit: AdminUnit | None, assignment: Assignment | None) -> bool:
        return unit is not None and document_permissions.can_import_ledger(user, unit)

    @classmethod
    def refusal(cls) -> str:
        return _("Only the township party committee imports the ledger progress of its villages.")

    def prepare(self) -> None:
        township = self.run.unit
        assert township is not None  # noqa: S101 - start_import sets it
        self.township = township
        self.items: dict[str, list[LedgerItem]] = {}
        for item in LedgerItem.objects.filter(township=township).select_related("village", "township", "feedback"):
            self.items.setdefault(item.number.strip(), []).append(item)
        self.latest: dict[int, set[str]] = {}
        last_note: dict[int, str] = {}
        last_report: dict[int, str] = {}
        notes = Progress.objects.filter(item__township=township).order_by("item_id", "on", "pk")
        for item_id, kind, text in notes.values_list("item_id", "kind", "text"):
            last_note[item_id] = text
            if kind in REPORTING_KINDS:
                last_report[item_id] = text
        for item_id in last_note.keys() | last_report.keys():
            self.latest[item_id] = {text for text in (last_note.get(item_id), last_report.get(item_id)) if text}
        self.statuses = choice_words(Status, STATUS_SYNONYMS)
        self.seen: dict[int, int] = {}

    def _item(self, row: SheetRow, found: list[RowError]) -> LedgerItem | None:
        number = row.text("number")
        if not number:
            found.append(self.error(row, "number", _("the item number is empty")))
            return None
        candidates = self.items.get(number, [])
        village = word_key(row.text("village"))
        matching = [
            item
            for item in candidates
            if not village
            or village in {word_key(w) for w in (item.village.name, item.village.short_name, item.village.code)}
        ]
        if not candidates:
            reason = _("%(township)s oversees no item with this number") % {"township": self.township}
            found.append(self.error(row, "number", reason))
        elif not matching:
            reason = _("item %(number)s is not an item of this village") % {"number": number}
            found.append(self.error(row, "village", reason))
        elif len(matching) > 1:
            reason = _("several villages have an item with this number; give the village in %(column)s") % {
                "column": self.sheet.column("village") if "village" in self.sheet.header else "村（社区）"
            }
            found.append(self.error(row, "number", reason))
        elif matching[0].pk in self.seen:
            reason = _("this item is already on line %(line)s") % {"line": self.seen[matching[0].pk]}
            found.append(self.error(row, "number", reason))
        else:
            self.seen[matching[0].pk] = row.line
            return matching[0]
        return None

    def check(self, row: SheetRow, errors: list[RowError]) -> LedgerRow | None:
        found: list[RowError] = []
        item = self._item(row, found)
        target: str | None = None
        if row.text("status"):
            target = self.statuses.get(word_key(row.text("status")))
            if target is None:
                reason = _("use one of: %(words)s") % {"words": chinese_labels(Status)}
                found.append(self.error(row, "status", reason))
        errors.extend(found)
        if found or item is None:
            return None
        text = row.text("progress")
        changed = bool(text) and text not in self.latest.get(item.pk, set())
        move = self._move(row, item, target, changed, errors)
        # The text goes with the move only when it is new: an approval then carries no note of its own.
        return None if move is None else LedgerRow(row.line, item, move, text if changed else "")

    def _move(
        self, row: SheetRow, item: LedgerItem, target: str | None, changed: bool, errors: list[RowError]
    ) -> Move | None:
        if target is None or target == item.status:
            if not changed:
                return Move.NONE
            if item.status in NOT_WORKED_ON:
                reason = _("The item is %(status)s; progress is reported while it is being worked on.") % {
                    "status": item.get_status_display()
                }
                errors.append(self.error(row, "progress", reason))
                return None
            if not permissions.can_enter_village_progress(self.user, item):
                reason = _("Only the overseeing township enters its villages' progress.")
                errors.append(self.error(row, "number", reason))
                return None
            return Move.PROGRESS
        if target in (Status.REVIEWED, Status.RETURNED) and item.status == Status.SUBMITTED:
            if not permissions.can_review(self.user, item):
                errors.append(self.error(row, "status", _("Only the overseeing township reviews the item.")))
                return None
            if target == Status.RETURNED and not changed:
                reason = _("say in %(column)s why the submission is returned") % {
                    "column": self.sheet.column("progress")
                }
                errors.append(self.error(row, "progress", reason))
                return None
            return Move.APPROVE if target == Status.REVIEWED else Move.RETURN
        reason = _("the township cannot change an item that is %(current)s to %(target)s") % {
            "current": item.get_status_display(),
            "target": Status(target).label,
        }
        errors.append(self.error(row, "status", reason))
        return None

    def apply(self, planned: LedgerRow) -> Outcome:
        item = planned.item
        if planned.move == Move.PROGRESS:
            actions.enter_village_progress(item, text=planned.text, actor=self.user)
        elif planned.move in (Move.APPROVE, Move.RETURN):
            actions.review_item(
                item,
                approve=planned.move == Move.APPROVE,
                reason=planned.text,
                actor=self.user,
                expected_status=Status.SUBMITTED,
            )
        else:
            return Outcome.UNCHANGED
        return Outcome.UPDATED
