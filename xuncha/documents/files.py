"""A generated file on its way to the reader: its name, its bytes and how to send it."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from django.http import HttpResponse

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = "application/zip"


@dataclass(frozen=True)
class GeneratedFile:
    """A document or spreadsheet built from the data (never stored: built again on each request)."""

    name: str  # what the reader's machine saves it as, in Chinese: 城南社区巡察反馈意见.docx
    content: bytes
    content_type: str

    def response(self) -> HttpResponse:
        return attachment(self.content, self.name, self.content_type)


def attachment(content: bytes, name: str, content_type: str) -> HttpResponse:
    """A download response whose Chinese file name survives every browser (RFC 6266 / RFC 5987)."""
    response = HttpResponse(content, content_type=content_type)
    ascii_name = name.encode("ascii", "ignore").decode() or "download"
    response["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    response["Content-Length"] = str(len(content))
    response["Cache-Control"] = "private, no-store"
    return response
