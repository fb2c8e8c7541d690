"""Blank sheets to fill in, one per kind of import: the header row, one example row, drop-down lists for the cells
with fixed words, and columns wide enough to read. Headers and words are Chinese, as offices keep their sheets; the
ledger's sheet has the columns of the ledger export, so that an exported ledger and this template read alike."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from xuncha.documents.chinese import labels
from xuncha.documents.files import XLSX, GeneratedFile
from xuncha.documents.models import ImportRun
from xuncha.findings.models import Category, FixType, Problem
from xuncha.rectification.models import LedgerItem

Kind = ImportRun.Kind
OPTIONS_SHEET = "选项"
HEADER_FILL = PatternFill("solid", fgColor="FCE4D6")


def _labels(choices: Any) -> list[str]:
    return list(labels(choices).values())


# Per kind: file name, then (header, width, example, drop-down words or None) for each column.
Spec = tuple[str, Sequence[tuple[str, int, Any, list[str] | None]]]


def _spec(kind: str) -> Spec:
    if kind == Kind.CLASSIFICATION:
        return "村分类导入模板.xlsx", [
            ("村代码", 16, "450328100201", None),
            ("村（社区）", 16, "平等村", None),
            ("类别", 10, "重点村", ["重点村", "一般村", "关注村"]),
            ("村情村要", 60, "集体经济薄弱，近三年信访件较多，村“两委”换届后班子较新。", None),
        ]
    if kind == Kind.PROBLEMS:
        return "问题底稿导入模板.xlsx", [
            ("村（社区）", 14, "平等村", None),
            ("问题类别", 30, _labels(Category)[3], _labels(Category)),
            ("问题表现", 60, "2023年3月，村集体土地出租合同未经村民代表会议讨论，租金3.2万元未入村集体账户。", None),
            ("定性依据", 40, "《农村集体经济组织财务制度》第十二条", None),
            ("责任", 24, "村党支部书记、村委会主任", None),
            ("问题来源", 14, _labels(Problem.Source)[1], _labels(Problem.Source)),
            ("整改类型", 14, _labels(FixType)[1], _labels(FixType)),
            ("发现人", 10, "", None),
            ("发现日期", 12, "2023-11-20", None),
        ]
    statuses = _labels(LedgerItem.Status)
    return "整改进展导入模板.xlsx", [
        ("序号", 6, 1, None),
        ("编号", 22, "[2023]4巡-3组-001", None),
        ("村（社区）", 14, "平等村", None),
        ("问题", 50, "村集体土地出租合同未经村民代表会议讨论，租金未入账。", None),
        ("整改措施", 40, "", None),
        ("责任领导", 12, "", None),
        ("责任单位", 14, "", None),
        ("完成时限", 12, "", None),
        ("整改进展", 50, "已召开村民代表会议补办手续，租金3.2万元已全部入账。", None),
        ("完成情况", 14, statuses[1], statuses),
        ("佐证材料", 20, "", None),
        ("是否销号", 10, "", None),
        ("销号日期", 12, "", None),
    ]


def template(kind: str) -> GeneratedFile:
    """The blank sheet of ``kind`` (an ``ImportRun.Kind``) as a download."""
    name, columns = _spec(kind)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 - a new workbook has one sheet
    sheet.title = "导入"
    options = workbook.create_sheet(OPTIONS_SHEET)
    options.sheet_state = "hidden"
    for position, (header, width, example, words) in enumerate(columns, start=1):
        letter = get_column_letter(position)
        cell = sheet.cell(row=1, column=position, value=header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        example_cell = sheet.cell(row=2, column=position, value=example)
        example_cell.alignment = Alignment(wrap_text=True, vertical="top")
        if header in ("村代码", "编号"):
            example_cell.number_format = "@"  # codes stay text: no 4.50328E+11
        sheet.column_dimensions[letter].width = width
        if words:
            for row, word in enumerate(words, start=1):
                options.cell(row=row, column=position, value=word)
            source = f"{quote_sheetname(OPTIONS_SHEET)}!${letter}$1:${letter}${len(words)}"
            validation = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=False)
            validation.add(f"{letter}2:{letter}10000")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return GeneratedFile(name, buffer.getvalue(), XLSX)
