"""``xuncha clean-files`` removes evidence files that no row refers to, once they are old enough."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from xuncha.evidence.tests.factories import EvidenceFactory

DAY = 24 * 3600


def _file(root: Path, name: str, *, age: float) -> Path:
    path = root / "evidence" / "2023" / "09" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    then = time.time() - age
    os.utime(path, (then, then))
    return path


@pytest.mark.django_db
def test_only_old_files_without_a_row_are_deleted(settings: Any, tmp_path: Path) -> None:
    """A file with a row stays, and so does a fresh one (its upload may still be committing)."""
    settings.MEDIA_ROOT = tmp_path
    kept = _file(tmp_path, "kept.png", age=2 * DAY)
    EvidenceFactory.create(file="evidence/2023/09/kept.png")
    fresh = _file(tmp_path, "fresh.png", age=60)
    orphan = _file(tmp_path, "orphan.png", age=2 * DAY)
    out = io.StringIO()

    call_command("clean-files", "--dry-run", stdout=out)
    assert orphan.exists()
    assert "1 orphaned file(s) found." in out.getvalue()

    call_command("clean-files", stdout=io.StringIO())
    assert (kept.exists(), fresh.exists(), orphan.exists()) == (True, True, False)
