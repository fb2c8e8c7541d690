"""Problems from an inspection group's spreadsheet, for one assignment: each row becomes a DRAFT working paper.

New rows go through ``findings.actions.record_problems`` in chunks, so that serial numbers are drawn as on the
workbench (in the order of the rows) and every paper has its audit event. A row whose village and phenomenon
(问题表现) are already on a paper of the assignment is that paper: unchanged when the other cells agree, edited
through ``update_problem`` while it is a draft, and a row error once it is confirmed (a confirmed paper is edited on
its page, by the leader).

Only members of the assignment's group import, while the round is stationed or reporting, as they record by hand;
the office is not in the group and records nothing (the same rule as ``record_problem``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.core.exceptions import ActionRefused, TransitionNotAllowed
from xuncha.core.tabular import ImportRejected, RowError
from xuncha.documents.imports.base import Importer, Outcome, Planned, chinese_labels, choice_words, word_key
from xuncha.documents.imports.reader import Column, SheetRow, as_date
from xuncha.documents.models import ImportRun
from xuncha.findings import actions as findings_actions
from xuncha.findings import permissions
from xuncha.findings.actions import ProblemSpec
from xuncha.findings.models import Category, FixType, Problem
from xuncha.inspections.models import Assignment, Membership
from xuncha.inspections.scoping import group_ids_of

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from xuncha.accounts.models import User
    from xuncha.accounts.scoping import AnyUser
    from xuncha.organisations.models import AdminUnit

Source = Problem.Source
SOURCE_SYNONYMS = {
    "谈话": Source.TALK,
    "个别谈话": Source.TALK,
    "查阅": Source.DOCUMENTS,
    "查阅资料": Source.DOCUMENTS,
    "走访": Source.VISIT,
    "实地走访": Source.VISIT,
    "信访": Source.PETITION,
    "来信来访": Source.PETITION,
    "意见建议": Source.SUGGESTION,
    "群众意见": Source.SUGGESTION,
}
# New papers are written in bulk, this many at a time (and the rest after the last row).
WRITE_CHUNK = 1000
# The cells of a row compared with an existing paper (the phenomenon and village are what identify it).
COMPARED = ("category", "basis", "responsibility", "source", "fix_type", "found_on")


@dataclass(frozen=True)
class ProblemRow(Planned):
    village: AdminUnit
    values: dict[str, Any]
    finder: User | None
    existing: Problem | None = None
    changes: dict[str, Any] = field(default_factory=dict)


class ProblemsImporter(Importer[ProblemRow]):
    kind = ImportRun.Kind.PROBLEMS
    slug = "problems"
    target_field = "assignment"
    columns = (
        Column("village", ("村（社区）", "村(社区)", "村名", "村", "村代码", "village")),
        Column("category", ("问题类别", "类别", "category")),
        Column("phenomenon", ("问题表现", "具体表现", "问题", "phenomenon")),
        Column("basis", ("定性依据", "依据", "basis"), required=False),
        Column("responsibility", ("责任", "责任主体", "责任认定", "responsibility"), required=False),
        Column("source", ("问题来源", "来源", "source")),
        Column("fix_type", ("整改类型", "整改方式", "fix type", "fix_type")),
        Column("finder", ("发现人", "finder"), required=False),
        Column("found_on", ("发现日期", "日期", "date", "found on"), required=False),
    )

    @classmethod
    def targets(cls, user: User) -> QuerySet[Assignment]:
        return Assignment.objects.filter(
            group_id__in=group_ids_of(user), round__status__in=permissions.RECORDING_STATUSES
        ).select_related("group", "round", "target")

    @classmethod
    def may_import(cls, user: AnyUser, *, unit: AdminUnit | None, assignment: Assignment | None) -> bool:
        return assignment is not None and permissions.is_member(user, assignment)

    @classmethod
    def refusal(cls) -> str:
        return _("Only the members of the inspection group import problems for its assignment.")

    @classmethod
    def check_target(cls, *, unit: AdminUnit | None, assignment: Assignment | None) -> None:
        if assignment is not None and not permissions.is_recording(assignment):
            raise TransitionNotAllowed(
                _("Findings are recorded while the groups are stationed or reporting; the round is %(status)s.")
                % {"status": assignment.round.get_status_display()}
            )

    def prepare(self) -> None:
        assignment = self.run.assignment
        assert assignment is not None  # noqa: S101 - start_import sets it
        self.assignment = assignment
        self.village_list = list(assignment.villages.order_by("code"))
        self.villages: dict[str, AdminUnit] = {}
        for village in self.village_list:
            for word in (village.code, village.name, village.short_name):
                self.villages[word_key(word)] = village
        self.members: dict[str, User] = {}
        for membership in Membership.objects.filter(group_id=assignment.group_id).select_related("user"):
            person = membership.user
            for word in (person.username, person.display_name, person.get_full_name()):
                if word:
                    self.members[word_key(word)] = person
        self.existing = {
            (problem.village_id, problem.phenomenon): problem
            for problem in Problem.objects.filter(assignment=assignment).select_related("assignment__round")
        }
        self.categories = choice_words(Category)
        self.sources = choice_words(Source, SOURCE_SYNONYMS)
        self.fix_types = choice_words(FixType)
        self.seen: dict[tuple[int, str], int] = {}
        self.today = timezone.localdate()
        self.pending: list[ProblemSpec] = []

    def check(self, row: SheetRow, errors: list[RowError]) -> ProblemRow | None:
        found: list[RowError] = []
        village = self.villages.get(word_key(row.text("village")))
        if village is None:
            reason = _("not one of this assignment's villages (%(villages)s)") % {
                "villages": "、".join(village.short_name for village in self.village_list)
            }
            found.append(self.error(row, "village", reason))
        values: dict[str, Any] = {
            "phenomenon": row.text("phenomenon"),
            "basis": row.text("basis"),
            "responsibility": row.text("responsibility"),
        }
        if not values["phenomenon"]:
            found.append(self.error(row, "phenomenon", _("Describe what was found.")))
        for name, words, choices in (
            ("category", self.categories, Category),
            ("source", self.sources, Source),
            ("fix_type", self.fix_types, FixType),
        ):
            values[name] = words.get(word_key(row.text(name)))
            if values[name] is None:
                reason = _("use one of: %(words)s") % {"words": chinese_labels(choices)}
                found.append(self.error(row, name, reason))
        finder = None
        if row.text("finder"):
            finder = self.members.get(word_key(row.text("finder")))
            if finder is None:
                found.append(
                    self.error(row, "finder", _("not a member of %(group)s") % {"group": self.assignment.group})
                )
        found_on = self._day(row, found)
        if found_on is not None:
            values["found_on"] = found_on
        if village is not None and values["phenomenon"]:
            key = (village.pk, values["phenomenon"])
            if key in self.seen:
                reason = _("the same village and problem are already on line %(line)s") % {"line": self.seen[key]}
                found.append(self.error(row, "phenomenon", reason))
            else:
                self.seen[key] = row.line
        errors.extend(found)
        if found or village is None:
            return None
        return self._plan(row, village, values, finder, errors)

    def _day(self, row: SheetRow, found: list[RowError]) -> date | None:
        try:
            day = as_date(row.raw("found_on"))
        except ValueError:
            found.append(self.error(row, "found_on", _("not a date; write it as 2023-11-20")))
            return None
        if day is not None and not self.assignment.stationed_from <= day <= self.today:
            reason = _("The date must lie between the start of stationing, %(start)s, and today.") % {
                "start": self.assignment.stationed_from
            }
            found.append(self.error(row, "found_on", reason))
            return None
        return day

    def _plan(
        self, row: SheetRow, village: AdminUnit, values: dict[str, Any], finder: User | None, errors: list[RowError]
    ) -> ProblemRow | None:
        existing = self.existing.get((village.pk, values["phenomenon"]))
        if existing is None:
            return ProblemRow(row.line, village, values, finder)
        changes = {
            name: values[name] for name in COMPARED if name in values and getattr(existing, name) != values[name]
        }
        if changes and not (
            existing.status == Problem.Status.DRAFT and permissions.can_edit_problem(self.user, existing)
        ):
            reason = _("already recorded as %(serial)s, which is %(status)s; edit it on its page") % {
                "serial": existing.serial,
                "status": existing.get_status_display(),
            }
            errors.append(self.error(row, "phenomenon", reason))
            return None
        return ProblemRow(row.line, village, values, finder, existing, changes)

    def apply(self, planned: ProblemRow) -> Outcome:
        if planned.existing is None:
            self.pending.append(ProblemSpec(planned.village, finder=planned.finder, **planned.values))
            if len(self.pending) >= WRITE_CHUNK:
                self._write_pending()
            return Outcome.CREATED
        if not planned.changes:
            return Outcome.UNCHANGED
        findings_actions.update_problem(
            planned.existing,
            planned.changes,
            expected_version=planned.existing.version,
            actor=self.user,
            note=self.run.file_name,
        )
        return Outcome.UPDATED

    def finish(self) -> None:
        self._write_pending()

    def _write_pending(self) -> None:
        """Write the gathered new papers in one go; serial numbers follow the order of their rows."""
        try:
            findings_actions.record_problems(self.assignment, self.pending, actor=self.user)
        except ActionRefused as exc:
            # Which row of the chunk was refused is not known, so the whole file is named.
            raise ImportRejected([RowError(0, _("row"), exc.message)]) from exc
        self.pending = []
