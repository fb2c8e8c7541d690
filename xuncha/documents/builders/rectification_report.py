"""整改情况报告: the rectification of a village or a township (all rounds, or one), in figures and item by item.

The figures are those of ``rectification.queries`` over the ledger items the reader may see.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone

from xuncha.core.docx import OfficialDocument, chinese_date
from xuncha.documents.builders import docx_file, inspection_office, party_organisation, percent
from xuncha.documents.chinese import chinese
from xuncha.documents.files import GeneratedFile
from xuncha.inspections.models import chinese_number
from xuncha.organisations.models import AdminUnit, Level
from xuncha.rectification.models import LedgerItem
from xuncha.rectification.queries import ledger_figures, ledger_figures_by

if TYPE_CHECKING:
    from xuncha.accounts.models import User
    from xuncha.inspections.models import Round


# The report is written by the party organisation of an inspected village or its township, to the county's
# inspection office; a county or a city writes none (its figures are in the statistics workbook).
REPORTED_LEVELS = (Level.VILLAGE, Level.TOWNSHIP)


def reports_on(unit: AdminUnit) -> bool:
    """Whether ``unit`` has a rectification report (pages show the download only where it exists)."""
    return unit.level in REPORTED_LEVELS


def items_of(unit: AdminUnit, user: User, round_: Round | None = None) -> QuerySet[LedgerItem]:
    """The ledger items of a village, or of a township's villages, that ``user`` may see."""
    items = LedgerItem.objects.visible_to(user)
    items = items.filter(village=unit) if unit.is_village else items.filter(township=unit)
    return items.filter(round=round_) if round_ is not None else items


def render(unit: AdminUnit, user: User, round_: Round | None = None) -> GeneratedFile:
    """The report of a village or a township, over the items of all rounds or of ``round_`` that ``user`` sees."""
    if not reports_on(unit):
        raise ValueError("A rectification report is written for a village or a township.")
    items = items_of(unit, user, round_)
    today = timezone.localdate()
    figures = ledger_figures(items, today)
    by_village: list[dict[str, Any]] = []
    names: dict[int, str] = {}
    if not unit.is_village:
        by_village = ledger_figures_by(items, "village", today)
        names = dict(
            AdminUnit.objects.filter(pk__in=[row["village"] for row in by_village]).values_list("pk", "short_name")
        )
    rows = list(items.select_related("village").order_by("village__path", "round_id", "number"))
    county = unit.ancestor(Level.COUNTY)
    with chinese():
        return _write(unit, round_, figures, by_village, names, rows, county)


def _write(
    unit: AdminUnit,
    round_: Round | None,
    figures: dict[str, Any],
    by_village: list[dict[str, Any]],
    names: dict[int, str],
    items: list[LedgerItem],
    county: AdminUnit | None,
) -> GeneratedFile:
    today = timezone.localdate()
    name = unit.name if not unit.is_village else f"{unit.parent.name if unit.parent else ''}{unit.short_name}"
    scope = f"{round_}" if round_ is not None else "历轮"
    title = f"{name}{'' if round_ is None else round_}巡察整改情况报告"
    doc = OfficialDocument(title=title, author=party_organisation(unit))
    doc.title(title)
    doc.addressee(inspection_office(county) if county else "县委巡察办")
    total, closed, ongoing, open_ = figures["ledger_items"], figures["closed"], figures["ongoing"], figures["open"]
    doc.paragraph(
        f"截至{chinese_date(today)}，{scope}巡察反馈{name}的问题共{total}个，已完成整改并销号{closed}个，"
        f"正在整改{open_}个，长期坚持{ongoing}个，整改完成率{percent(figures['completion_rate'])}。"
        + (f"其中逾期未完成{figures['overdue']}个，须加快推进。" if figures["overdue"] else "")
    )

    doc.heading("一、总体情况")
    doc.table(
        ["指标", "数量"],
        [
            ["反馈问题（个）", total],
            ["已销号（个）", closed],
            ["整改中（个）", open_],
            ["其中：已提交待审核（个）", figures["submitted"]],
            ["　　　乡镇已审核（个）", figures["reviewed"]],
            ["　　　已退回（个）", figures["returned"]],
            ["　　　逾期（个）", figures["overdue"]],
            ["长期坚持（个）", ongoing],
            ["整改完成率", percent(figures["completion_rate"])],
            ["按期完成率", percent(figures["on_time_rate"])],
        ],
        widths_mm=[96.0, 60.0],
    )
    number = 2
    if by_village:
        doc.heading("二、各村（社区）整改情况")
        doc.table(
            ["村（社区）", "问题（个）", "已销号（个）", "整改中（个）", "长期坚持（个）", "完成率"],
            [
                [
                    names.get(row["village"], ""),
                    row["ledger_items"],
                    row["closed"],
                    row["open"],
                    row["ongoing"],
                    percent(row["completion_rate"]),
                ]
                for row in by_village
            ],
            widths_mm=[36.0, 22.0, 24.0, 24.0, 26.0, 24.0],
        )
        number = 3
    doc.heading(f"{chinese_number(number)}、逐项整改情况")
    if items:
        header = ["序号", "问题", "整改措施", "完成时限", "整改状态", "销号日期"]
        widths = [12.0, 52.0, 36.0, 24.0, 16.0, 16.0]
        if by_village:
            header.insert(1, "村（社区）")
            widths = [10.0, 16.0, 44.0, 30.0, 24.0, 16.0, 16.0]
        rows = []
        for index, item in enumerate(items, start=1):
            row: list[object] = [
                index,
                item.summary,
                item.measures or "",
                chinese_date(item.deadline),
                item.get_status_display(),
                chinese_date(item.closed_on) if item.closed_on else "",
            ]
            if by_village:
                row.insert(1, item.village.short_name)
            rows.append(row)
        doc.table(header, rows, widths_mm=widths)
    else:
        doc.paragraph("无。")
    doc.signature(party_organisation(unit), today)
    return docx_file(title, doc)
