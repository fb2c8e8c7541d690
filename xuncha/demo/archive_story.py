"""The demo files its first round (立卷归档): once round 1 is closed and its last return visit of a non-long-term
item is made, the office files it as the system (as ``xuncha archive`` would): the round becomes read-only and the
file of each assignment is requested. Round 1's long-term items keep reporting afterwards, as the archive allows.

Only the file of group 3 (the group of the demo's ``group3_leader``) is built at once, by the demo: a file holds
every document of its villages (some sixty .docx, about 0.1 s each), and building all three would add half a minute
to the demo. The other two are queued when the demo commits, for the worker (``xuncha db_worker``) to build.
"""

from __future__ import annotations

from xuncha.accounts.actors import SYSTEM
from xuncha.archive.actions import archive_round, build_archive
from xuncha.archive.models import Archive
from xuncha.inspections.models import Round

# The rounds the demo files, by number.
ARCHIVED_ROUNDS = frozenset({1})
# Working days between the round's last settled step and its filing.
ARCHIVE_AFTER_WORKDAYS = 15
# The group whose file the demo builds itself.
BUILT_GROUP = 3


def file_round(round_: Round) -> None:
    """File the round and build group 3's file now; a file that fails stops the demo (it must show a sound one)."""
    for archive in archive_round(round_, actor=SYSTEM):
        if archive.assignment.group.number != BUILT_GROUP:
            continue
        built = build_archive(archive, actor=SYSTEM)
        if built.status != Archive.Status.READY:
            raise RuntimeError(f"The demo's archive of {archive.assignment} failed: {built.error}")
