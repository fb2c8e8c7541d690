"""Who files a closed round and who takes a file away: the county's inspection office (OFFICE, OFFICE_LEAD)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from xuncha.accounts.permissions import can_plan_in

if TYPE_CHECKING:
    from xuncha.accounts.scoping import AnyUser
    from xuncha.archive.models import Archive
    from xuncha.inspections.models import Round


def can_archive(user: AnyUser | None, round_: Round) -> bool:
    """The office files its county's rounds (立卷归档)."""
    return can_plan_in(user, round_.term.county)


def can_download_archive(user: AnyUser | None, archive: Archive) -> bool:
    """A file holds every record of its assignment: only the office and its director take it away."""
    return can_plan_in(user, archive.round.term.county)
