"""Checking uploaded files by their content, not by their name.

Evidence files are photos, scans and office documents. A file is accepted only when its first bytes (and, for
the zip-based Office formats, its table of contents) say it is one of those, and only up to the size limit of
``settings.XUNCHA_UPLOAD_MAX_BYTES``. The detected type, not the browser's claim, is what gets stored and served.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _

from xuncha.core.exceptions import ActionRefused


@dataclass(frozen=True)
class FileKind:
    """What a file turned out to be."""

    content_type: str
    extension: str
    is_image: bool = False


JPEG = FileKind("image/jpeg", "jpg", is_image=True)
PNG = FileKind("image/png", "png", is_image=True)
GIF = FileKind("image/gif", "gif", is_image=True)
WEBP = FileKind("image/webp", "webp", is_image=True)
PDF = FileKind("application/pdf", "pdf")
DOCX = FileKind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")
XLSX = FileKind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
PPTX = FileKind("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx")
OLE = FileKind("application/x-ole-storage", "doc")  # .doc, .xls, .ppt and WPS files of the older formats

OOXML_PARTS = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}
HEAD_BYTES = 64


class UploadRefused(ActionRefused):
    """The file is not of an accepted type or is too large."""

    status_code = 400


def _sniff_zip(upload: IO[bytes]) -> FileKind | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    for prefix, kind in OOXML_PARTS.items():
        if any(name.startswith(prefix) for name in names):
            return kind
    return None


def sniff(upload: IO[bytes]) -> FileKind | None:
    """The kind of file ``upload`` holds, judged from its bytes; ``None`` when it is none of the accepted kinds."""
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(upload)
    return None


def check_upload(upload: IO[bytes], size: int, *, images_only: bool = False) -> FileKind:
    """The kind of an uploaded file, or ``UploadRefused`` saying why it cannot be taken."""
    limit = settings.XUNCHA_UPLOAD_MAX_BYTES
    if size > limit:
        raise UploadRefused(
            _("The file is too large: %(size)s MB; at most %(limit)s MB.")
            % {"size": round(size / 1_048_576, 1), "limit": round(limit / 1_048_576)}
        )
    if size == 0:
        raise UploadRefused(_("The file is empty."))
    kind = sniff(upload)
    if kind is None or (images_only and not kind.is_image):
        accepted = _("photos (JPEG, PNG, GIF, WebP)") if images_only else _("photos, PDF or Office documents")
        raise UploadRefused(_("This file type is not accepted; upload %(accepted)s.") % {"accepted": accepted})
    return kind
