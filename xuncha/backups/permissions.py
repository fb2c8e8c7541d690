"""Who may make or restore a backup: nobody from the app. Both run on the server as commands, acting as ``SYSTEM``
(which ``require`` lets through): an archive holds every county's data, and a restore replaces all of it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from xuncha.accounts.actors import Actor


def can_make_backup(user: Actor | None) -> bool:
    return False


def can_restore_backup(user: Actor | None) -> bool:
    return False
