"""The .xlsx writer: header, frozen pane, widths, borders, real dates and numbers, fills, and strings that stay
text however they begin (no formula injection)."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from xuncha.core.xlsx import (
    GREEN,
    MAX_WIDTH,
    RED,
    SAMPLE_ROWS,
    YELLOW,
    Cell,
    Column,
    Sheet,
    display_width,
    write_workbook,
)

INJECTIONS = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1", "=1"]


def read(data: bytes) -> Worksheet:
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert isinstance(sheet, Worksheet)
    return sheet


def sheet_xml(data: bytes, number: int = 1) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read(f"xl/worksheets/sheet{number}.xml").decode()


def test_the_header_is_bold_and_frozen_and_values_keep_their_types() -> None:
    data = write_workbook(
        [Sheet("台账", ["序号", "问题", "完成时限"], [(1, "村务未公开", date(2024, 2, 4)), (2, "", None)])]
    )
    ws = read(data)
    assert [cell.value for cell in ws[1]] == ["序号", "问题", "完成时限"]
    assert all(cell.font.b for cell in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:C3"
    number, text, deadline = ws[2]
    assert number.value == 1 and number.data_type == "n"
    assert text.value == "村务未公开" and text.data_type == "s"
    assert isinstance(deadline.value, datetime)
    assert deadline.value.date() == date(2024, 2, 4)
    assert deadline.number_format == "yyyy-mm-dd"
    assert all(cell.border.left.style == "thin" and cell.alignment.wrap_text for cell in ws[2])
    assert ws.title == "台账"


def test_an_aware_datetime_is_written_in_local_time() -> None:
    moment = datetime(2024, 1, 2, 1, 30, tzinfo=UTC)
    cell = read(write_workbook([Sheet("x", ["签收时间"], [(moment,)])]))["A2"]
    assert cell.value == timezone.localtime(moment).replace(tzinfo=None)
    assert cell.number_format == "yyyy-mm-dd hh:mm"


def test_a_heading_goes_above_the_header_merged_across_the_columns() -> None:
    ws = read(write_workbook([Sheet("统计", ["乡镇", "件数"], [("甲镇", 3)], heading="龙胜各族自治县统计")]))
    assert ws["A1"].value == "龙胜各族自治县统计"
    assert "A1:B1" in {str(merged) for merged in ws.merged_cells.ranges}
    assert [cell.value for cell in ws[2]] == ["乡镇", "件数"]
    assert ws.freeze_panes == "A3"
    assert ws.print_title_rows == "$2:$2"


@pytest.mark.parametrize("text", INJECTIONS)
def test_a_string_that_looks_like_a_formula_stays_text(text: str) -> None:
    data = write_workbook([Sheet("x", ["问题"], [(text,)])])
    cell = read(data)["A2"]
    assert cell.data_type == "s"
    assert cell.value == text
    assert cell.quotePrefix
    xml = sheet_xml(data)
    assert "<f>" not in xml and "<f " not in xml


def test_an_error_code_is_written_as_text() -> None:
    cell = read(write_workbook([Sheet("x", ["问题"], [("#N/A",)])]))["A2"]
    assert (cell.value, cell.data_type) == ("#N/A", "s")


def test_control_characters_are_dropped_from_strings() -> None:
    assert read(write_workbook([Sheet("x", ["问题"], [("租金\x07未入账\x00",)])]))["A2"].value == "租金未入账"


def test_fills_colour_single_cells() -> None:
    rows = [(Cell(date(2024, 1, 1), RED), Cell("黄", YELLOW), Cell(3, GREEN), "none")]
    ws = read(write_workbook([Sheet("x", ["a", "b", "c", "d"], rows)]))
    colours = [cell.fill.fgColor.rgb[-6:] if cell.fill.fill_type else None for cell in ws[2]]
    assert colours == [RED, YELLOW, GREEN, None]
    assert ws["A2"].number_format == "yyyy-mm-dd"


def test_widths_count_a_cjk_character_as_two() -> None:
    assert display_width("甲一村") == 6
    assert display_width("abc") == 3
    rows = [("一二三四五六七八九十", "abcdefghij", "x" * 500)]
    ws = read(write_workbook([Sheet("x", ["问题", "编号", Column("备注", 30)], rows)]))
    assert ws.column_dimensions["A"].width == 22
    assert ws.column_dimensions["B"].width == 12
    assert ws.column_dimensions["C"].width == 30
    wide = read(write_workbook([Sheet("x", ["问题"], [("x" * 500,)])]))
    assert wide.column_dimensions["A"].width == MAX_WIDTH


def test_rows_from_a_generator_are_all_written_beyond_the_sample() -> None:
    count = SAMPLE_ROWS + 50
    ws = read(write_workbook([Sheet("x", ["序号"], ((index,) for index in range(count)))]))
    assert ws.max_row == count + 1
    assert ws.cell(row=count + 1, column=1).value == count - 1


def test_sheet_titles_are_made_valid_and_sheets_keep_their_order() -> None:
    data = write_workbook([Sheet("按村/社区[1]", ["a"], []), Sheet("第二", ["b"], [])])
    names = load_workbook(io.BytesIO(data)).sheetnames
    assert names == ["按村_社区_1_", "第二"]
