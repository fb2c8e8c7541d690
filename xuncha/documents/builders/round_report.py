"""村级专项综合报告: a round's comprehensive report — its figures, then a section per village.

Every figure counts only what the reader may see (``visible_to``), so a township's copy speaks of its own
villages. Problems are counted once confirmed (never drafts or discarded papers). Sealed clues appear as one
count, and only to those who may know of clues; nothing else of them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from django.db.models import Count
from django.utils import timezone

from xuncha.core.docx import OfficialDocument, chinese_date
from xuncha.documents.builders import docx_file, inspection_office, percent
from xuncha.documents.chinese import chinese
from xuncha.documents.files import GeneratedFile
from xuncha.findings.models import Category, Clue, Problem, Suggestion
from xuncha.findings.permissions import can_count_clues
from xuncha.inspections.models import Assignment, AssignmentVillage, chinese_number
from xuncha.organisations.models import AdminUnit
from xuncha.organisations.models import Category as VillageCategory

if TYPE_CHECKING:
    from xuncha.accounts.models import User
    from xuncha.inspections.models import Round

COUNTED = [Problem.Status.CONFIRMED, Problem.Status.FED_BACK]
UNCLASSIFIED = ""
OUTCOME_ROWS = [
    (Suggestion.Outcome.IMMEDIATE, "采纳并立行立改"),
    (Suggestion.Outcome.FOLLOW_UP, "采纳并持续跟进整改"),
    (Suggestion.Outcome.NOT_ADOPTED, "不予采纳"),
    ("", "待研究"),
]


def _share(part: int, whole: int) -> str:
    return percent((2000 * part + whole) // (2 * whole) / 10) if whole else "0%"


def render(round_: Round, user: User) -> GeneratedFile:
    """The round's report as ``user`` may read it: every count over what ``user`` sees."""
    covered = list(
        AssignmentVillage.objects.filter(
            round=round_,
            assignment__in=Assignment.objects.visible_to(user),
            village__in=AdminUnit.objects.visible_to(user),
        )
        .select_related("village__parent", "assignment__group")
        .order_by("village__path")
    )
    problems = list(
        Problem.objects.visible_to(user)
        .filter(round=round_, status__in=COUNTED)
        .only("pk", "village_id", "category", "phenomenon", "serial")
        .order_by("village_id", "serial")
    )
    suggestions = (
        Suggestion.objects.visible_to(user)
        .filter(assignment__round=round_)
        .order_by()
        .values_list("village_id", "outcome")
        .annotate(count=Count("pk"))
    )
    clues: int | None = None
    county = round_.term.county
    if can_count_clues(user, county):
        # How many of the round's clues left the office, as the county reports it: a clue still registered is
        # sealed, and counting reads none.
        clues = Clue.objects.filter(round=round_).exclude(status=Clue.Status.REGISTERED).count()
    with chinese():
        return _write(round_, covered, problems, list(suggestions), clues)


def _write(
    round_: Round,
    covered: list[AssignmentVillage],
    problems: list[Problem],
    suggestions: list[tuple[int, str, int]],
    clues: int | None,
) -> GeneratedFile:
    county = round_.term.county
    title = f"关于{round_}村级专项巡察情况的综合报告"
    doc = OfficialDocument(title=title, author=inspection_office(county))
    doc.title(title)
    doc.addressee("县委巡察工作领导小组")
    groups = {row.assignment.group_id for row in covered}
    townships = {row.village.parent_id for row in covered}
    doc.paragraph(
        f"根据县委统一部署，{round_.term.name}第{chinese_number(round_.number)}轮巡察于"
        f"{chinese_date(round_.start_date)}至{chinese_date(round_.end_date)}开展，共派出{len(groups)}个巡察组，"
        f"对{len(townships)}个乡镇的{len(covered)}个村（社区）开展了{round_.get_kind_display()}。"
        "现将有关情况报告如下。"
    )

    doc.heading("一、巡察村（社区）情况")
    categories = [*VillageCategory.values, UNCLASSIFIED]
    by_mode: dict[str, Counter[str]] = defaultdict(Counter)
    for row in covered:
        by_mode[row.assignment.mode][row.village.category] += 1
    header = ["巡察方式", *(str(VillageCategory(code).label) for code in VillageCategory.values), "未分类", "合计"]
    rows = [
        [str(label), *(str(by_mode[mode][code]) for code in categories), str(sum(by_mode[mode].values()))]
        for mode, label in Assignment.Mode.choices
    ]
    totals = Counter(row.village.category for row in covered)
    rows.append(["合计", *(str(totals[code]) for code in categories), str(len(covered))])
    doc.table(header, rows)

    doc.heading("二、发现问题情况")
    by_category = Counter(problem.category for problem in problems)
    doc.paragraph(f"巡察共发现并经巡察组确认问题{len(problems)}个，按问题类别统计如下。")
    doc.table(
        ["问题类别", "问题数（个）", "占比"],
        [
            [str(label), str(by_category[code]), _share(by_category[code], len(problems))]
            for code, label in Category.choices
        ]
        + [["合计", str(len(problems)), "100%" if problems else "0%"]],
        widths_mm=[96.0, 30.0, 30.0],
    )

    doc.heading("三、意见建议办理情况")
    outcomes: Counter[str] = Counter()
    suggestions_of: Counter[int] = Counter()
    for village_id, outcome, count in suggestions:
        outcomes[outcome] += count
        suggestions_of[village_id] += count
    received = sum(outcomes.values())
    doc.paragraph(f"巡察期间共收集群众和村民代表意见建议{received}条，办理情况如下。")
    doc.table(
        ["办理结果", "件数（条）"],
        [[label, str(outcomes[code])] for code, label in OUTCOME_ROWS] + [["合计", str(received)]],
        widths_mm=[96.0, 60.0],
    )

    number = 4
    if clues is not None:
        doc.heading("四、问题线索情况")
        doc.paragraph(f"巡察发现的问题线索已按规定程序移交{clues}件，具体情况另行专题报告。")
        number = 5
    doc.heading(f"{chinese_number(number)}、各村（社区）巡察情况")
    problems_of: dict[int, list[Problem]] = defaultdict(list)
    for problem in problems:
        problems_of[problem.village_id].append(problem)
    for index, row in enumerate(covered, start=1):
        village = row.village
        township = village.parent.name if village.parent else ""
        category = f"（{village.get_category_display()}）" if village.category else ""
        doc.heading(f"（{chinese_number(index)}）{township}{village.short_name}{category}", 2)
        found = problems_of[village.pk]
        doc.paragraph(
            f"由{row.assignment.group.name}以“{row.assignment.get_mode_display()}”方式巡察，"
            f"发现问题{len(found)}个，收集意见建议{suggestions_of[village.pk]}条。"
            + ("主要问题如下：" if found else "")
        )
        for position, problem in enumerate(found, start=1):
            doc.paragraph(f"{position}．{problem.summary}（{problem.get_category_display()}）")
    doc.signature(inspection_office(county), timezone.localdate())
    return docx_file(f"{round_}村级专项巡察综合报告", doc)
