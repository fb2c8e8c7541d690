"""Opening an uploaded spreadsheet safely and reading its rows by header name.

A file is judged by its bytes, never by its name: it must be an OOXML zip holding ``xl/workbook.xml``. An encrypted
workbook (Excel's "password to open") is an OLE compound file with an ``EncryptionInfo`` stream and is refused as
password-protected; the older .xls format is refused with a hint to save as .xlsx. The zip's directory is checked
before openpyxl reads a byte of XML: the declared sizes of all members together must stay under
``XUNCHA_IMPORT_MAX_UNPACKED_BYTES`` and no large member may be compressed beyond ``MAX_RATIO``. Python's zip reader
never returns more than a member's declared size, so a lying directory cannot smuggle more past this check.

The header row is found by its names (Chinese, or their English equivalents), in any column order and below any
title rows, so that a sheet exported by the ledger export, or laid out by hand, can be read back.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from xuncha.core.exceptions import ActionRefused
from xuncha.core.tabular import ImportRejected, RowError

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Stream names in an OLE directory are UTF-16LE; an encrypted OOXML package always holds this one.
ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
# Members this large or larger must not be compressed more than MAX_RATIO:1 (XML compresses ~10-20:1).
LARGE_MEMBER_BYTES = 1_048_576
MAX_RATIO = 100
# The header is looked for in the first rows of each sheet (a title and a note may stand above it).
HEADER_SEARCH_ROWS = 10
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


class ImportRefused(ActionRefused):
    """The uploaded file cannot be read as a spreadsheet at all; nothing of it is kept."""

    status_code = 400


@dataclass(frozen=True)
class Column:
    """A column an import reads: its field, the header names that mean it (the first is shown), whether needed."""

    field: str
    names: tuple[str, ...]
    required: bool = True

    @property
    def label(self) -> str:
        return self.names[0]


@dataclass(frozen=True)
class SheetRow:
    """One data row: its line in the sheet (as Excel numbers it) and its cells by field."""

    line: int
    cells: dict[str, Any]

    def text(self, name: str) -> str:
        return as_text(self.cells.get(name))

    def raw(self, name: str) -> Any:
        return self.cells.get(name)


@dataclass
class Sheet:
    """The rows of a sheet under its header, and the header's own words for each field (for the report)."""

    header: dict[str, str]
    rows: list[SheetRow] = field(default_factory=list)

    def column(self, name: str) -> str:
        return self.header.get(name, name)


def _megabytes(size: int) -> float:
    return round(size / 1_048_576, 1)


@dataclass(frozen=True)
class SheetSize:
    """How large a workbook's content is: the rows its first sheet declares (``None`` when it declares none, as
    streaming writers do) and the bytes of its sheets and shared strings once unpacked."""

    rows: int | None
    content_bytes: int


def check_file(upload: IO[bytes], size: int) -> SheetSize:
    """Refuse (``ImportRefused``) a file that is empty, too large, not an .xlsx, encrypted or a zip bomb; return
    the size of its content."""
    limit = settings.XUNCHA_IMPORT_MAX_BYTES
    if size == 0:
        raise ImportRefused(_("The file is empty."))
    if size > limit:
        raise ImportRefused(
            _("The file is too large: %(size)s MB; at most %(limit)s MB.")
            % {"size": _megabytes(size), "limit": _megabytes(limit)}
        )
    upload.seek(0)
    head = upload.read(len(OLE_MAGIC))
    upload.seek(0)
    if head == OLE_MAGIC:
        encrypted = ENCRYPTION_INFO in upload.read()
        upload.seek(0)
        if encrypted:
            raise ImportRefused(
                _("The workbook is password-protected. Remove the password in Excel or WPS, save it and upload again.")
            )
        raise ImportRefused(_("This is an old-style .xls workbook. Save it as an Excel workbook (.xlsx) first."))
    if not head.startswith(ZIP_MAGIC):
        raise ImportRefused(_("This is not an Excel workbook (.xlsx), whatever its name says."))
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            _check_members(members)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError):
        raise ImportRefused(_("The workbook is damaged and cannot be opened.")) from None
    finally:
        upload.seek(0)
    content = sum(
        member.file_size
        for member in members
        if member.filename.startswith("xl/worksheets/") or member.filename == "xl/sharedStrings.xml"
    )
    with _workbook(upload) as workbook:
        sheet = workbook.worksheets[0]
        rows = sheet.max_row if isinstance(sheet, ReadOnlyWorksheet) else None
    return SheetSize(rows, content)


def _check_members(members: Sequence[zipfile.ZipInfo]) -> None:
    names = {member.filename for member in members}
    if "xl/workbook.xml" not in names:
        raise ImportRefused(_("This is not an Excel workbook (.xlsx), whatever its name says."))
    unpacked = sum(member.file_size for member in members)
    if unpacked > settings.XUNCHA_IMPORT_MAX_UNPACKED_BYTES:
        raise ImportRefused(
            _("The workbook unpacks to %(size)s MB, more than the %(limit)s MB allowed; split it into smaller files.")
            % {"size": _megabytes(unpacked), "limit": _megabytes(settings.XUNCHA_IMPORT_MAX_UNPACKED_BYTES)}
        )
    for member in members:
        if member.file_size >= LARGE_MEMBER_BYTES and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise ImportRefused(_("The workbook is compressed suspiciously far (a 'zip bomb') and is not opened."))


@contextmanager
def _workbook(upload: IO[bytes]) -> Iterator[Workbook]:
    """A read-only, values-only workbook; openpyxl's failures on damaged files become ``ImportRefused``."""
    upload.seek(0)
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # openpyxl raises KeyError, ValueError, XML errors… on damaged parts
        raise ImportRefused(_("The workbook is damaged and cannot be opened.")) from None
    try:
        if not workbook.worksheets:
            raise ImportRefused(_("The workbook holds no sheet."))
        yield workbook
    finally:
        workbook.close()


def header_key(name: str) -> str:
    """A header name as compared: no spaces or asterisks, half-width brackets, lower case, no (必填) note."""
    key = re.sub(r"[\s*＊]", "", name).replace("（", "(").replace("）", ")").lower()
    return re.sub(r"\((必填|选填|可选|required|optional)\)$", "", key)


def _match_header(cells: Sequence[Any], columns: Sequence[Column]) -> dict[str, int]:
    """Which position holds each field in a candidate header row (the first of repeated names wins)."""
    wanted = {header_key(name): column.field for column in columns for name in column.names}
    found: dict[str, int] = {}
    for position, cell in enumerate(cells):
        name = wanted.get(header_key(as_text(cell)))
        if name is not None and name not in found:
            found[name] = position
    return found


def read_sheet(upload: IO[bytes], columns: Sequence[Column]) -> Sheet:
    """Find the header row in the workbook's first sheet that has one and read the rows below it.

    Empty rows are skipped. ``ImportRejected`` reports a missing header or missing columns, a sheet without data
    rows, and more rows than ``XUNCHA_IMPORT_MAX_ROWS``.
    """
    required = [column for column in columns if column.required]
    best: tuple[int, dict[str, int], tuple[Any, ...]] | None = None
    with _workbook(upload) as workbook:
        for worksheet in workbook.worksheets:
            if not isinstance(worksheet, ReadOnlyWorksheet):
                continue
            worksheet.reset_dimensions()  # a wrong <dimension> would cut rows off
            rows = _rows(worksheet)
            for line, cells in rows:
                if line > HEADER_SEARCH_ROWS:
                    break
                found = _match_header(cells, columns)
                if all(column.field in found for column in required):
                    header = {name: as_text(cells[position]) for name, position in found.items()}
                    return Sheet(header, _data_rows(rows, found))
                if found and (best is None or len(found) > len(best[1])):
                    best = (line, found, cells)
    if best is None:
        reason = _("no header row found; the sheet needs the columns: %(columns)s") % {
            "columns": "、".join(column.label for column in required)
        }
        raise ImportRejected([RowError(1, _("header"), reason)])
    line, found, cells = best
    missing = [column.label for column in required if column.field not in found]
    reason = _("the header lacks the columns: %(columns)s") % {"columns": "、".join(missing)}
    raise ImportRejected([RowError(line, _("header"), reason, " | ".join(as_text(cell) for cell in cells if cell))])


def _rows(worksheet: ReadOnlyWorksheet) -> Iterator[tuple[int, tuple[Any, ...]]]:
    # Missing rows are filled in by openpyxl, so the position is the row's number in Excel.
    return enumerate(worksheet.iter_rows(values_only=True), start=1)  # type: ignore[misc]  # stubs type it on Worksheet


def _data_rows(rows: Iterator[tuple[int, tuple[Any, ...]]], found: dict[str, int]) -> list[SheetRow]:
    limit = settings.XUNCHA_IMPORT_MAX_ROWS
    result: list[SheetRow] = []
    for line, cells in rows:
        values = {name: cells[position] if position < len(cells) else None for name, position in found.items()}
        if all(as_text(value) == "" for value in values.values()):
            continue
        if len(result) == limit:
            reason = _("the sheet has more than %(limit)s rows; split it into smaller files") % {"limit": limit}
            raise ImportRejected([RowError(line, _("row"), reason)])
        result.append(SheetRow(line, values))
    if not result:
        raise ImportRejected([RowError(2, _("file"), _("the file holds no rows"))])
    return result


def as_text(value: Any) -> str:
    """A cell as text: stripped, whole numbers without ``.0`` (codes typed as numbers), dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


def as_date(value: Any) -> date | None:
    """A cell as a date (a real date cell, or text such as 2023-11-20, 2023/11/20, 2023年11月20日); ``None`` when
    empty. Raises ``ValueError`` for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = as_text(value)
    if not text:
        return None
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a calendar day, not a moment
        except ValueError:
            continue
    raise ValueError(text)
