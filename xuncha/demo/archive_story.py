"""The demo files its first round (立卷归档): once round 1 is closed and its last return visit of a non-long-term
item is made, the office's platform builds each assignment's file, at once, as the system (``xuncha archive``
would). Round 1's long-term items keep reporting afterwards, as the archive allows."""

from __future__ import annotations

from xuncha.accounts.actors import SYSTEM
from xuncha.archive.actions import archive_round
from xuncha.archive.models import Archive
from xuncha.inspections.models import Round

# The rounds the demo files, by number.
ARCHIVED_ROUNDS = frozenset({1})
# Working days between the round's last settled step and its filing.
ARCHIVE_AFTER_WORKDAYS = 15


def file_round(round_: Round) -> None:
    """Build the round's files now; a file that fails stops the demo (it must show a sound archive)."""
    for archive in archive_round(round_, actor=SYSTEM, inline=True):
        if archive.status != Archive.Status.READY:
            raise RuntimeError(f"The demo's archive of {archive.assignment} failed: {archive.error}")
