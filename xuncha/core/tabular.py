"""Reading uploaded tables (CSV) and reporting their bad rows in one shape across every import."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class RowError:
    """One problem in an imported file: where it is and why it is refused."""

    line: int
    column: str
    reason: str
    value: str = ""

    def __str__(self) -> str:
        if self.value:
            return _("line %(line)s, column %(column)s (%(value)s): %(reason)s") % {
                "line": self.line,
                "column": self.column,
                "value": self.value,
                "reason": self.reason,
            }
        return _("line %(line)s, column %(column)s: %(reason)s") % {
            "line": self.line,
            "column": self.column,
            "reason": self.reason,
        }


class ImportRejected(Exception):
    """The file was refused as a whole; ``errors`` lists every bad row. Nothing was written."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(str(error) for error in self.errors))


@dataclass(frozen=True)
class Row:
    line: int
    values: dict[str, str]


def decode_text(data: bytes) -> str:
    """Decode a CSV file as UTF-8 (with or without BOM) or, as Excel on Chinese Windows saves it, GB18030."""
    if b"\x00" in data[:8192]:
        raise ImportRejected([RowError(1, _("file"), _("this is not a text (CSV) file"))])
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRejected([RowError(1, _("file"), _("the file is neither UTF-8 nor GB18030 text"))])


def read_csv(data: bytes, expected_headers: Sequence[Sequence[str]]) -> tuple[list[str], list[Row], list[RowError]]:
    """Check the header against the accepted layouts; return it, the data rows and the rows that are malformed.

    Blank lines are skipped. A row with the wrong number of cells is reported, not guessed at.
    """
    text = decode_text(data)
    if not text.strip():
        raise ImportRejected([RowError(1, _("file"), _("the file is empty"))])
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [cell.strip() for cell in next(reader)]
    except (csv.Error, StopIteration):
        raise ImportRejected([RowError(1, _("header"), _("the file cannot be read as CSV"))]) from None
    if not any(header == list(layout) for layout in expected_headers):
        accepted = " | ".join(",".join(layout) for layout in expected_headers)
        reason = _("unexpected header; expected one of: %(accepted)s") % {"accepted": accepted}
        raise ImportRejected([RowError(1, _("header"), reason, ",".join(header))])

    rows: list[Row] = []
    errors: list[RowError] = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                reason = _("expected %(expected)s columns, found %(found)s") % {
                    "expected": len(header),
                    "found": len(cells),
                }
                errors.append(RowError(reader.line_num, _("row"), reason))
                continue
            rows.append(Row(reader.line_num, {name: cell.strip() for name, cell in zip(header, cells, strict=True)}))
    except csv.Error as exc:
        errors.append(RowError(reader.line_num + 1, _("row"), str(exc)))
    return header, rows, errors
