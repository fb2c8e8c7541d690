"""Taking an evidence file in, the one write of this app: its type is judged from its content, its size checked and
its SHA-256 kept. Only the owners' actions call it, after checking their actor; each then links the row to its owner
in the same transaction and records the audit event."""

from __future__ import annotations

import hashlib
from typing import IO, TYPE_CHECKING

from django.core.files.base import File

from xuncha.core.uploads import check_upload
from xuncha.evidence.models import Evidence

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


def store_evidence(
    handle: IO[bytes],
    file_name: str,
    *,
    uploaded_by: AbstractBaseUser | None,
    caption: str = "",
    images_only: bool = False,
) -> Evidence:
    """Check and store one evidence file; the caller links the saved row to its owner."""
    handle.seek(0, 2)
    size = handle.tell()  # the file's own length, not what the caller claims
    handle.seek(0)
    kind = check_upload(handle, size, images_only=images_only)
    digest = hashlib.sha256()
    handle.seek(0)
    for chunk in iter(lambda: handle.read(1 << 20), b""):
        digest.update(chunk)
    handle.seek(0)
    evidence = Evidence(
        original_name=file_name[-200:],
        content_type=kind.content_type,
        extension=kind.extension,
        size=size,
        sha256=digest.hexdigest(),
        caption=caption.strip(),
        uploaded_by_id=uploaded_by.pk if uploaded_by is not None else None,
    )
    # The file is written before the transaction commits; if it then rolls back, the file is left without a row
    # and `xuncha clean-files` removes it.
    evidence.file.save(f"upload.{kind.extension}", File(handle), save=False)
    evidence.save()
    return evidence
