"""Spreadsheets out: plain, printable tables in .xlsx, written row by row so that a large sheet never sits in memory.

Each sheet has an optional title line, a bold header row frozen at the top and repeated on every printed page,
thin borders, wrapped text and columns as wide as their content (a CJK character counts twice). Dates are real
dates shown as yyyy-mm-dd, numbers are numbers, and every string is written as text: a cell that reads
``=HYPERLINK(…)`` stays those characters and never becomes a formula (CSV/formula injection).
"""

from __future__ import annotations

import io
import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import cast

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.cell.cell import Cell as OpenpyxlCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

# Traffic-light fills, the colours of Excel's own "good / neutral / bad" cell styles.
GREEN = "C6EFCE"
YELLOW = "FFEB9C"
RED = "FFC7CE"
HEADER_FILL = "D9D9D9"

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
FONT_NAME = "宋体"
MAX_CELL_LENGTH = 32767  # Excel's limit
MAX_TITLE_LENGTH = 31  # Excel's limit for a sheet name
# Characters a spreadsheet may read as the start of a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Widths are fitted to the header and the first rows; later rows are streamed out without being looked at.
SAMPLE_ROWS = 200
MIN_WIDTH = 6
MAX_WIDTH = 60
DATE_WIDTH = 12
INVALID_TITLE = re.compile(r"[\[\]:*?/\\]")

Value = str | int | float | Decimal | date | None


@dataclass(frozen=True)
class Cell:
    """A value with a background colour, e.g. a deadline in its traffic light's colour."""

    value: Value
    fill: str | None = None


@dataclass(frozen=True)
class Column:
    """A column's header and, if it should not be fitted to its content, its width in characters."""

    header: str
    width: float | None = None


@dataclass(frozen=True)
class Sheet:
    """One table: ``rows`` may be a generator, read once, as the sheet is written."""

    title: str
    columns: Sequence[Column | str]
    rows: Iterable[Sequence[Value | Cell]]
    heading: str = ""  # a title line above the header, merged across the columns


def write_workbook(sheets: Iterable[Sheet]) -> bytes:
    """The workbook of ``sheets``, in order, as the bytes of an .xlsx file."""
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        _SheetWriter(workbook, sheet).write()
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def display_width(text: str) -> int:
    """How many character cells ``text`` takes in a spreadsheet: CJK and other wide characters count two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def clean_text(text: str) -> str:
    """``text`` without the control characters a worksheet cannot hold, cut to Excel's cell limit."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)[:MAX_CELL_LENGTH]


def sheet_title(title: str) -> str:
    """A valid sheet name: no ``[]:*?/\\`` and at most 31 characters."""
    return INVALID_TITLE.sub("_", title)[:MAX_TITLE_LENGTH] or "Sheet"


class _SheetWriter:
    """Writes one ``Sheet`` into a write-only workbook, styling every cell from a few prepared styles."""

    def __init__(self, workbook: Workbook, sheet: Sheet) -> None:
        self.sheet = sheet
        self.columns = [Column(column) if isinstance(column, str) else column for column in sheet.columns]
        # A write-only sheet carries the regular sheet's settings (widths, panes, page set-up), which the stubs
        # leave out; rows can only be appended, and are written as they come.
        self.ws = cast("Worksheet", workbook.create_sheet(sheet_title(sheet.title)))
        self.styles: dict[tuple[str, str | None], StyleArray] = {}

    def write(self) -> None:
        ws, last_column = self.ws, get_column_letter(len(self.columns))
        header_row = 2 if self.sheet.heading else 1
        rows = iter(self.sheet.rows)
        sample = list(itertools.islice(rows, SAMPLE_ROWS))
        # What goes in the sheet's head (widths, frozen pane, page set-up) is written out with the first row.
        self._set_widths(sample)
        ws.freeze_panes = f"A{header_row + 1}"
        ws.print_title_rows = f"{header_row}:{header_row}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        if self.sheet.heading:
            ws.append(
                [self._cell(self.sheet.heading, "heading")] + [self._cell(None, "heading") for _ in self.columns[1:]]
            )
            ws.merged_cells.add(f"A1:{last_column}1")
        ws.append([self._cell(column.header, "header") for column in self.columns])
        count = 0
        for row in itertools.chain(sample, rows):
            ws.append([self._body_cell(value) for value in row])
            count += 1
        ws.auto_filter.ref = f"A{header_row}:{last_column}{header_row + count}"

    def _set_widths(self, sample: list[Sequence[Value | Cell]]) -> None:
        for index, column in enumerate(self.columns):
            width = column.width
            if width is None:
                values = [row[index] for row in sample if index < len(row)]
                widest = max([display_width(column.header), *(_value_width(value) for value in values)])
                width = min(max(widest + 2, MIN_WIDTH), MAX_WIDTH)
            self.ws.column_dimensions[get_column_letter(index + 1)].width = width

    def _body_cell(self, given: Value | Cell) -> OpenpyxlCell:
        value, fill = (given.value, given.fill) if isinstance(given, Cell) else (given, None)
        if isinstance(value, datetime):
            local = timezone.localtime(value) if timezone.is_aware(value) else value
            return self._cell(local.replace(tzinfo=None), "datetime", fill)
        if isinstance(value, date):
            return self._cell(value, "date", fill)
        if isinstance(value, str):
            text = clean_text(value)
            return self._cell(text, "quoted" if text.startswith(FORMULA_STARTS) else "text", fill)
        return self._cell(value, "number", fill)

    def _cell(self, value: Value, kind: str, fill: str | None = None) -> OpenpyxlCell:
        cell = OpenpyxlCell(self.ws, row=1, column=1, value=value, style_array=copy(self._style(kind, fill)))
        if isinstance(value, str):
            # openpyxl reads "=…" as a formula and "#N/A" as an error; every string here is text.
            cell.data_type = "s"
        return cell

    def _style(self, kind: str, fill: str | None) -> StyleArray:
        """The style of a kind of cell with a fill, built once per sheet through openpyxl's public setters."""
        key = (kind, fill)
        if key not in self.styles:
            cell = OpenpyxlCell(self.ws, row=1, column=1)
            if kind == "heading":
                cell.font = Font(name=FONT_NAME, size=16, bold=True)
                cell.alignment = Alignment(horizontal="center", vertical="center")
            else:
                cell.font = Font(name=FONT_NAME, size=11, bold=kind == "header")
                side = Side(style="thin")
                cell.border = Border(left=side, right=side, top=side, bottom=side)
                horizontal = "center" if kind == "header" else None
                cell.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=True)
            colour = HEADER_FILL if kind == "header" else fill
            if colour:
                cell.fill = PatternFill(fill_type="solid", start_color=colour, end_color=colour)
            if kind == "date":
                cell.number_format = DATE_FORMAT
            elif kind == "datetime":
                cell.number_format = DATETIME_FORMAT
            # Excel keeps a quote-prefixed cell text even when it is edited and entered again.
            cell.quotePrefix = kind == "quoted"
            self.styles[key] = cell._style  # type: ignore[attr-defined]  # copied to each cell: no lookups per cell
        return self.styles[key]


def _value_width(value: Value | Cell) -> int:
    if isinstance(value, Cell):
        value = value.value
    if value is None:
        return 0
    if isinstance(value, date):
        return DATE_WIDTH
    return max((display_width(line) for line in str(value).splitlines()), default=0)
