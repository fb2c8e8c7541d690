"""Key handling for encrypted fields."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet


def load_or_create_key(path: Path) -> str:
    """Return the Fernet key kept in ``path``, creating the file (mode 0600) on first use.

    Only the embedded single-machine set-up uses this; a deployment with ``DATABASE_URL`` must supply its key,
    so that a lost ``var/`` folder cannot silently make the residents' data unreadable.
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
