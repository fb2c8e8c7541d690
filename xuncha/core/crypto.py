"""Key handling and encryption of sensitive fields (residents' names and phone numbers, sealed clues)."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


def load_or_create_key(path: Path) -> str:
    """Return the Fernet key kept in ``path``, creating the file (mode 0600) on first use.

    Only the embedded single-machine set-up (and DEBUG) uses this; a deployment with ``DATABASE_URL`` must supply
    its key, so that a lost ``var/`` folder cannot silently make the residents' data unreadable.
    """
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key().decode("ascii")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first: use theirs
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode("ascii")) for key in keys])


def encrypt(text: str) -> str:
    """A Fernet token for ``text`` under the newest key; "" stays "" (nothing to hide)."""
    if not text:
        return ""
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS)).encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """The text of a token made by ``encrypt`` under any configured key.

    Raises ``InvalidToken`` when no configured key opens it (a lost or rotated-away key).
    """
    if not token:
        return ""
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS)).decrypt(token.encode("ascii")).decode("utf-8")


def rotate(token: str) -> str:
    """The same text under the newest key (the first of ``FIELD_ENCRYPTION_KEYS``); "" stays "".

    Raises ``InvalidToken`` when no configured key opens ``token``.
    """
    if not token:
        return ""
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS)).rotate(token.encode("ascii")).decode("ascii")


__all__ = ["InvalidToken", "decrypt", "encrypt", "load_or_create_key", "rotate"]
