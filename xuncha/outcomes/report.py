"""The outcome figures in the statistics report: a paragraph of the .docx and a sheet of the .xlsx, written from
the dashboard's figures alone (no query of their own)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from xuncha.core.xlsx import Sheet
from xuncha.core.xlsx import Value as CellValue
from xuncha.documents.chinese import labels
from xuncha.findings.models import Category
from xuncha.outcomes.models import PeopleKind


def _columns() -> list[str]:
    return [
        "分组",
        "项目",
        "成果（件）",
        "涉及金额（元）",
        "追缴/挽回金额（元）",
        "退还集体资金资产（元）",
        "问责处理（人）",
        *labels(PeopleKind).values(),
        "建章立制（项）",
    ]


def _cells(figures: dict[str, Any]) -> list[CellValue]:
    return [
        figures["outcomes"],
        Decimal(figures["amount_involved"]),
        Decimal(figures["amount_recovered"]),
        Decimal(figures["amount_returned"]),
        figures["people_total"],
        *(figures["people"][kind] for kind in PeopleKind.values),
        figures["rules"],
    ]


def outcome_sheet(figures: dict[str, Any], unit: str, about: str, round_names: dict[int, str]) -> Sheet:
    """成果运用: by area, round and category, then the total."""
    outcomes = figures["outcomes"]
    rows: list[list[CellValue]] = []
    for area in figures["areas"]:
        rows.append(["地区", area["name"], *_cells(area["outcomes"])])
    for row in outcomes["by_round"] or []:
        rows.append(["轮次", round_names.get(row["round"], f"第{row['round']}轮"), *_cells(row)])
    categories = labels(Category)
    for code, row in outcomes["by_category"].items():
        if row["outcomes"]:
            rows.append(["问题类别", categories[code], *_cells(row)])
    rows.append(["合计", "", *_cells(outcomes)])
    return Sheet("成果运用", _columns(), rows, heading=f"{unit}巡察成果运用情况（{about}）")


def outcome_paragraph(figures: dict[str, Any]) -> str:
    """追缴/挽回金额, people dealt with by kind and rules made, in one sentence of the report."""
    outcomes = figures["outcomes"]
    kinds = labels(PeopleKind)
    people = "、".join(f"{kinds[kind]}{n}人" for kind, n in outcomes["people"].items() if n)
    return (
        f"巡察成果运用方面，涉及金额{outcomes['amount_involved']}元，"
        f"追缴、挽回金额{outcomes['amount_recovered']}元，退还村集体资金资产{outcomes['amount_returned']}元；"
        f"问责处理{outcomes['people_total']}人" + (f"（其中{people}）" if people else "") + "；"
        f"推动建章立制{outcomes['rules']}项。"
    )
