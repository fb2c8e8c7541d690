"""The spreadsheets the office hands out: the rectification ledger (整改台账), a round's problem list (问题清单) and
the statistics workbook, each built from the reader's ``visible_to`` scope on every request.

Cell content is Chinese, as on the paper ledgers the offices keep; the ledger's columns are those an imported
ledger is read back by (``LEDGER_COLUMNS``). The ledger is read in one query and streamed row by row, so that a
province's ledger costs memory for a row, not for the sheet.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Count, OuterRef, Q, QuerySet, StringAgg, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from xuncha.audit.actions import log_access
from xuncha.audit.models import AccessLog
from xuncha.core.xlsx import GREEN, RED, YELLOW, Cell, Column, Sheet, write_workbook
from xuncha.core.xlsx import Value as CellValue
from xuncha.documents.chinese import labels
from xuncha.documents.files import XLSX, GeneratedFile
from xuncha.findings.models import Category, Clue, FixType, Problem
from xuncha.findings.permissions import handles_clues
from xuncha.inspections.models import Round
from xuncha.inspections.queries import CoverageRow, coverage, current_term
from xuncha.organisations.models import AdminUnit, Level
from xuncha.rectification.lights import with_light
from xuncha.rectification.models import LedgerItem, Light, Progress
from xuncha.rectification.models_responsibility import person
from xuncha.rectification.queries import ledger_figures, ledger_figures_by

if TYPE_CHECKING:
    from django.db.models import Model

    from xuncha.accounts.models import User

Row = Sequence[CellValue | Cell]

LEDGER_COLUMNS = (
    "序号",
    "编号",
    "村（社区）",
    "问题",
    "整改措施",
    "责任领导",
    "第一责任人",
    "督促责任人",
    "责任单位",
    "完成时限",
    "整改进展",
    "完成情况",
    "佐证材料",
    "是否销号",
    "销号日期",
)
LEDGER_WIDTHS = (6, 22, 12, 45, 40, 10, 18, 18, 18, 12, 40, 12, 24, 8, 12)
PROBLEM_COLUMNS = ("序号", "编号", "乡镇", "村（社区）", "问题类别", "问题表现", "定性依据", "整改类型", "状态")
PROBLEM_WIDTHS = (6, 22, 12, 12, 20, 60, 40, 14, 10)

LIGHT_FILLS: dict[str, str] = {Light.GREEN: GREEN, Light.YELLOW: YELLOW, Light.RED: RED}
# Units whose statistics add up whole counties: their rounds are told apart by the county's name.
ABOVE_COUNTY = (Level.PROVINCE, Level.CITY)
STREAM_CHUNK = 2000


def log_export(user: User, obj: Model, exported: GeneratedFile, *, ip_address: str | None) -> None:
    """Record in the access log that ``user`` took ``exported`` (of ``obj``) out of the platform."""
    log_access(user, AccessLog.Action.EXPORTED, obj, detail=exported.name, ip_address=ip_address)


def _xlsx(name: str, sheets: list[Sheet]) -> GeneratedFile:
    return GeneratedFile(name=name, content=write_workbook(sheets), content_type=XLSX)


# The ledger -------------------------------------------------------------------------------------------------------


def ledger(user: User, unit: AdminUnit, round_: Round | None = None) -> GeneratedFile:
    """整改台账: every ledger item of ``unit``'s subtree (of ``round_`` if given) that ``user`` may see, one row
    each in ``LEDGER_COLUMNS``, the deadline in its traffic light's colour. One query, whatever the rows."""
    items = LedgerItem.objects.visible_to(user).filter(village__path__under=unit.path)
    if round_ is not None:
        items = items.filter(round=round_)
    name = f"{unit.name}{round_ if round_ is not None else ''}整改台账.xlsx"
    return _xlsx(name, [Sheet("整改台账", ledger_columns(), ledger_rows(items))])


def ledger_columns() -> list[Column]:
    """The ledger's columns as offices keep them, each with its width."""
    return [Column(header, width) for header, width in zip(LEDGER_COLUMNS, LEDGER_WIDTHS, strict=True)]


def ledger_rows(items: QuerySet[LedgerItem]) -> Iterator[Row]:
    statuses = labels(LedgerItem.Status)  # 完成情况, read back by the ledger import
    # SQLite before 3.44 cannot order inside an aggregate; there the files come in the order the database reads them.
    upload_order: dict[str, Any] = (
        {"order_by": ("evidence__uploaded_at", "evidence")}
        if connection.features.supports_aggregate_order_by_clause
        else {}
    )
    latest_progress = Progress.objects.filter(item=OuterRef("pk")).order_by("-on", "-pk").values("text")[:1]
    evidence = (
        Progress.evidence.through._default_manager.filter(progress__item=OuterRef("pk"))
        .order_by()
        .values("progress__item")
        .annotate(
            names=StringAgg(
                Coalesce(NullIf("evidence__caption", Value("")), "evidence__original_name"), Value("、"), **upload_order
            )
        )
        .values("names")  # type: ignore[misc]  # the stubs miss annotations on an automatic link table
    )
    rows = (
        with_light(items)
        .annotate(progress_text=Subquery(latest_progress), evidence_names=Subquery(evidence))
        .order_by("round__start_date", "round__number", "village__path", "number", "pk")
        .values(
            "number",
            "village__name",
            "village__short_name",
            "township__name",
            "summary",
            "measures",
            "responsible_leader",
            "first_responsible_name",
            "first_responsible_post",
            "overseer_name",
            "overseer_post",
            "deadline",
            "light_code",
            "progress_text",
            "status",
            "evidence_names",
            "closed_on",
        )
    )
    for index, item in enumerate(rows.iterator(chunk_size=STREAM_CHUNK), start=1):
        village = item["village__short_name"] or item["village__name"]
        closed = item["status"] == LedgerItem.Status.CLOSED
        yield (
            index,
            item["number"],
            village,
            item["summary"],
            item["measures"],
            item["responsible_leader"],
            person(item["first_responsible_name"], item["first_responsible_post"]),
            person(item["overseer_name"], item["overseer_post"]),
            f"{village}（{item['township__name']}督导）",
            Cell(item["deadline"], LIGHT_FILLS.get(item["light_code"])),
            item["progress_text"] or "",
            statuses[item["status"]],
            item["evidence_names"] or "",
            "是" if closed else "否",
            item["closed_on"] if closed else None,
        )


# A round's problems -----------------------------------------------------------------------------------------------


def problems(user: User, round_: Round, village: AdminUnit | None = None) -> GeneratedFile:
    """问题清单 of ``round_``: its confirmed and fed-back problems that ``user`` may see (a township or village
    only what was fed back to it), of one village if given. No finder, no reporter, no clue."""
    found = Problem.objects.visible_to(user).filter(
        round=round_, status__in=[Problem.Status.CONFIRMED, Problem.Status.FED_BACK]
    )
    if village is not None:
        found = found.filter(village=village)
    rows = (
        found.order_by("village__path", "group__number", "serial_no")
        .values(
            "serial",
            "village__parent__name",
            "village__name",
            "village__short_name",
            "category",
            "phenomenon",
            "basis",
            "fix_type",
            "status",
        )
        .iterator(chunk_size=STREAM_CHUNK)
    )
    categories, fix_types, statuses = labels(Category), labels(FixType), labels(Problem.Status)
    table = (
        (
            index,
            problem["serial"],
            problem["village__parent__name"] or "",
            problem["village__short_name"] or problem["village__name"],
            categories[problem["category"]],
            problem["phenomenon"],
            problem["basis"],
            fix_types[problem["fix_type"]],
            statuses[problem["status"]],
        )
        for index, problem in enumerate(rows, start=1)
    )
    columns = [Column(header, width) for header, width in zip(PROBLEM_COLUMNS, PROBLEM_WIDTHS, strict=True)]
    name = f"{village.name if village is not None else ''}{round_}问题清单.xlsx"
    return _xlsx(name, [Sheet("问题清单", columns, table)])


# Statistics -------------------------------------------------------------------------------------------------------

FIGURE_COLUMNS = (
    ("ledger_items", "整改事项"),
    ("closed", "已销号"),
    ("ongoing", "长期坚持"),
    ("open", "未完成"),
    ("overdue", "逾期未完成"),
    ("closed_on_time", "按期完成"),
    ("closed_late", "逾期完成"),
    ("completion_rate", "整改完成率（%）"),
    ("on_time_rate", "按期完成率（%）"),
)


def statistics(user: User, unit: AdminUnit) -> GeneratedFile:
    """The statistics of ``unit``'s subtree as ``user`` may see it: rectification by round, township and village,
    problems by category, the current term's coverage (county and township), and the sealed clues' counts for
    those who may know of them. Each sheet is one or two aggregate queries."""
    today = timezone.localdate()
    as_of = f"截至{today.year}年{today.month}月{today.day}日"
    items = LedgerItem.objects.visible_to(user).filter(village__path__under=unit.path)
    total = ledger_figures(items, today)
    sheets = [_by_round(unit, items, total, as_of)]
    if unit.level not in (Level.TOWNSHIP, Level.VILLAGE):
        sheets.append(_by_township(unit, items, total, as_of))
    if unit.level != Level.VILLAGE:
        sheets.append(_by_village(unit, items, total, as_of))
    sheets.append(_by_category(user, unit, as_of))
    if unit.level in (Level.COUNTY, Level.TOWNSHIP):
        sheets.append(_coverage(unit))
    # Who may know that sealed clues exist reads their counts (as on the county page).
    if handles_clues(user, unit):
        sheets.append(_clues(user, unit, as_of))
    return _xlsx(f"{unit.name}巡察整改统计.xlsx", sheets)


def _figures(row: dict[str, Any]) -> list[CellValue]:
    return [row[key] for key, _label in FIGURE_COLUMNS]


def _figure_headers() -> list[str]:
    return [label for _key, label in FIGURE_COLUMNS]


def _by_round(unit: AdminUnit, items: QuerySet[LedgerItem], total: dict[str, Any], as_of: str) -> Sheet:
    figures = {row["round"]: row for row in ledger_figures_by(items, "round")}
    rounds = Round.objects.filter(pk__in=list(figures)).select_related("term__county").order_by("start_date", "pk")
    prefix = unit.level in ABOVE_COUNTY

    def label(round_: Round) -> str:
        return f"{round_.term.county.name}{round_}" if prefix else str(round_)

    rows: list[Row] = [[label(round_), *_figures(figures[round_.pk])] for round_ in rounds]
    rows.append(["合计", *_figures(total)])
    heading = f"{unit.name}巡察整改情况（按轮次，{as_of}）"
    return Sheet("按轮次", [Column("轮次"), *_figure_headers()], rows, heading=heading)


def _by_township(unit: AdminUnit, items: QuerySet[LedgerItem], total: dict[str, Any], as_of: str) -> Sheet:
    figures = {row["township"]: row for row in ledger_figures_by(items, "township")}
    townships = AdminUnit.objects.filter(pk__in=list(figures)).order_by("path")
    rows: list[Row] = [[township.name, *_figures(figures[township.pk])] for township in townships]
    rows.append(["合计", *_figures(total)])
    heading = f"{unit.name}巡察整改情况（按乡镇，{as_of}）"
    return Sheet("按乡镇", [Column("乡镇"), *_figure_headers()], rows, heading=heading)


def _by_village(unit: AdminUnit, items: QuerySet[LedgerItem], total: dict[str, Any], as_of: str) -> Sheet:
    figures = {row["village"]: row for row in ledger_figures_by(items, "village")}
    villages = AdminUnit.objects.filter(pk__in=list(figures)).select_related("parent").order_by("path")
    rows: list[Row] = [
        [village.parent.name if village.parent else "", str(village), *_figures(figures[village.pk])]
        for village in villages
    ]
    rows.append(["合计", "", *_figures(total)])
    heading = f"{unit.name}巡察整改情况（按村、社区，{as_of}）"
    return Sheet("按村（社区）", [Column("乡镇"), Column("村（社区）"), *_figure_headers()], rows, heading=heading)


def _by_category(user: User, unit: AdminUnit, as_of: str) -> Sheet:
    """Problems that stand (all but discarded ones, as the county's figures count them) by category."""
    standing = (
        Problem.objects.visible_to(user)
        .filter(village__path__under=unit.path)
        .exclude(status=Problem.Status.DISCARDED)
        .order_by()
    )
    fixes = list(FixType.values)
    grouped = (
        standing.values("category")
        .annotate(total=Count("pk"), **{fix: Count("pk", filter=Q(fix_type=fix)) for fix in fixes})
        .values_list("category", "total", *fixes)
    )
    counts: dict[str, list[int]] = {category: list(numbers) for category, *numbers in grouped}
    zero = [0] * (1 + len(fixes))
    categories, fix_types = labels(Category), labels(FixType)
    rows: list[Row] = [[categories[category], *counts.get(category, zero)] for category in Category.values]
    rows.append(["合计", *(sum(column) for column in zip(zero, *counts.values(), strict=True))])
    columns: list[Column | str] = ["问题类别", "问题数", *(fix_types[fix] for fix in fixes)]
    return Sheet("问题类别", columns, rows, heading=f"{unit.name}巡察发现问题（按类别，{as_of}）")


COVERAGE_COLUMNS = ("村（社区）", "已巡察", "未巡察", "覆盖率（%）", "重点村", "重点村已巡察", "一般村", "一般村已巡察")


def _coverage_figures(row: CoverageRow) -> list[CellValue]:
    return [
        row.total,
        row.inspected,
        row.remaining,
        row.percent,
        row.key,
        row.key_inspected,
        row.general,
        row.general_inspected,
    ]


def _coverage(unit: AdminUnit) -> Sheet:
    """The current term's coverage: by township for a county, the township's own line for a township."""
    county = unit if unit.level == Level.COUNTY else unit.parent
    assert county is not None  # noqa: S101 - a township always hangs under a county
    term = current_term(county)
    cover = coverage(county, term)
    if unit.level == Level.COUNTY:
        rows: list[Row] = [[row.unit.name, *_coverage_figures(row)] for row in cover.townships if row.unit]
        rows.append(["合计", *_coverage_figures(cover.total)])
    else:
        rows = [
            [row.unit.name, *_coverage_figures(row)] for row in cover.townships if row.unit and row.unit.pk == unit.pk
        ]
    heading = f"{unit.name}村级巡察覆盖情况（{term.name if term else '尚无届次'}）"
    return Sheet("巡察覆盖", [Column("乡镇"), *COVERAGE_COLUMNS], rows, heading=heading)


def _clues(user: User, unit: AdminUnit, as_of: str) -> Sheet:
    """Counts of the sealed clues the user may see in ``unit`` by status and disposal; never what they say."""
    clues = Clue.objects.visible_to(user).order_by()
    if unit.level in (Level.TOWNSHIP, Level.VILLAGE):
        clues = clues.filter(village__path__under=unit.path)
    else:
        clues = clues.filter(round__term__county__path__under=unit.path)
    statuses, disposals = labels(Clue.Status), labels(Clue.Disposal)
    counts = clues.aggregate(
        **{f"status_{code}": Count("pk", filter=Q(status=code)) for code in statuses},
        **{f"disposal_{code}": Count("pk", filter=Q(disposal=code)) for code in disposals},
    )
    registered = sum(counts[f"status_{code}"] for code in statuses)
    rows: list[Row] = [["问题线索", "合计", registered]]
    rows += [["状态", label, counts[f"status_{code}"]] for code, label in statuses.items()]
    rows += [["处置方式", label, counts[f"disposal_{code}"]] for code, label in disposals.items()]
    return Sheet("问题线索", ["项目", "分类", "件数"], rows, heading=f"{unit.name}问题线索（{as_of}）")
