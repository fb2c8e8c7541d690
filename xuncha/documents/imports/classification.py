"""Village classification from a spreadsheet: village code, category (重点村 / 一般村 / 关注村) and reason (村情村要).

The office classifies the villages of its county. The rules are those of the CSV classification import
(``organisations.imports.parse_classification``, whose words and messages are reused); each changed village goes
through ``organisations.actions.set_village_category``, which writes its audit event. A village whose category and
reason are already those of the sheet is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from xuncha.accounts.scoping import path_q, planners
from xuncha.documents import permissions
from xuncha.documents.imports.base import Importer, Outcome, Planned
from xuncha.documents.imports.reader import Column, SheetRow
from xuncha.documents.models import ImportRun
from xuncha.organisations.actions import set_village_category
from xuncha.organisations.codes import normalise_code
from xuncha.organisations.imports import CATEGORY_WORDS
from xuncha.organisations.models import LEVEL_DIGITS, AdminUnit, Category, Level

if TYPE_CHECKING:
    from xuncha.accounts.models import User
    from xuncha.accounts.scoping import AnyUser
    from xuncha.core.tabular import RowError
    from xuncha.inspections.models import Assignment
    from xuncha.organisations.models import AdminUnitQuerySet

LOOKUP_CHUNK = 2000


@dataclass(frozen=True)
class Classified(Planned):
    village: AdminUnit
    category: Category
    reason: str


def category_word(text: str) -> Category | None:
    """重点村 / 一般村 / 关注村 (or 重点, KEY, key, …) as a category."""
    return CATEGORY_WORDS.get(text.upper()) or CATEGORY_WORDS.get(text)


class ClassificationImporter(Importer[Classified]):
    kind = ImportRun.Kind.CLASSIFICATION
    slug = "classification"
    target_field = "unit"
    columns = (
        Column("code", ("村代码", "代码", "村（社区）代码", "统计用区划代码", "区划代码", "code", "village code")),
        Column("name", ("村（社区）", "村名", "村（社区）名称", "名称", "name", "village"), required=False),
        Column("category", ("类别", "村类别", "分类", "category")),
        Column("reason", ("村情村要", "分类理由", "理由", "reason"), required=False),
    )

    @classmethod
    def targets(cls, user: User) -> AdminUnitQuerySet:
        return AdminUnit.objects.counties().filter(path_q(user, planners(), "path"))

    @classmethod
    def may_import(cls, user: AnyUser, *, unit: AdminUnit | None, assignment: Assignment | None) -> bool:
        return unit is not None and permissions.can_import_classification(user, unit)

    @classmethod
    def refusal(cls) -> str:
        return _("Only the inspection office classifies the villages of its county.")

    def prepare(self) -> None:
        county = self.run.unit
        assert county is not None  # noqa: S101 - start_import sets it
        self.county = county
        self.villages = {unit.code: unit for unit in AdminUnit.objects.villages().filter(path__under=county.path)}
        codes = sorted({code for row in self.sheet.rows if (code := self._code(row)) and code not in self.villages})
        # Codes of villages elsewhere are told apart from codes of no village at all.
        self.elsewhere: set[str] = set()
        for start in range(0, len(codes), LOOKUP_CHUNK):
            chunk = codes[start : start + LOOKUP_CHUNK]
            self.elsewhere.update(AdminUnit.objects.villages().filter(code__in=chunk).values_list("code", flat=True))
        self.seen: dict[str, int] = {}

    @staticmethod
    def _code(row: SheetRow) -> str | None:
        raw = row.text("code")
        return normalise_code(raw) if len(raw) == LEVEL_DIGITS[Level.VILLAGE] else None

    def check(self, row: SheetRow, errors: list[RowError]) -> Classified | None:
        found: list[RowError] = []
        code = self._code(row)
        village = self.villages.get(code or "")
        if code is None:
            found.append(self.error(row, "code", _("a village code has 12 digits")))
        elif code in self.seen:
            reason = _("duplicate code, already given on line %(line)s") % {"line": self.seen[code]}
            found.append(self.error(row, "code", reason))
        elif code in self.elsewhere:
            reason = _("this village is not in %(county)s") % {"county": self.county}
            found.append(self.error(row, "code", reason))
        elif village is None:
            found.append(self.error(row, "code", _("no village has this code")))
        else:
            self.seen[code] = row.line
        name = row.text("name")
        if village is not None and name and name not in (village.name, village.short_name):
            reason = _("the code %(code)s is %(name)s") % {"code": code, "name": village.name}
            found.append(self.error(row, "name", reason))
        category = category_word(row.text("category"))
        reason_text = row.text("reason")
        if category is None:
            found.append(
                self.error(row, "category", _("the category must be 重点村, 一般村 or 关注村 (KEY, GENERAL, WATCH)"))
            )
        elif category != Category.GENERAL and not reason_text:
            found.append(self.error(row, "reason", _("a key or watch-list village needs a reason")))
        errors.extend(found)
        if found or village is None or category is None:
            return None
        return Classified(row.line, village, category, reason_text)

    def apply(self, planned: Classified) -> Outcome:
        village = planned.village
        if (village.category, village.category_reason) == (planned.category, planned.reason):
            return Outcome.UNCHANGED
        set_village_category(village, planned.category, planned.reason, actor=self.user)
        return Outcome.UPDATED
