"""Who publishes rectification results to residents and runs satisfaction surveys: the inspection office (and its
director) of the village's county. Residents answer surveys without an account, so no permission governs that."""

from __future__ import annotations

from typing import TYPE_CHECKING

from xuncha.accounts.permissions import has_role_over
from xuncha.accounts.scoping import planners

if TYPE_CHECKING:
    from xuncha.accounts.scoping import AnyUser
    from xuncha.organisations.models import AdminUnit
    from xuncha.public.models import Disclosure, Survey
    from xuncha.rectification.models import LedgerItem


def can_manage_disclosure(user: AnyUser | None, village: AdminUnit) -> bool:
    """The office page of a village's disclosure and surveys: the office over the village's county."""
    return has_role_over(user, planners(), village)


def can_publish_disclosure(user: AnyUser | None, item: LedgerItem) -> bool:
    return can_manage_disclosure(user, item.village)


def can_withdraw_disclosure(user: AnyUser | None, disclosure: Disclosure) -> bool:
    return can_manage_disclosure(user, disclosure.item.village)


def can_open_survey(user: AnyUser | None, village: AdminUnit) -> bool:
    return can_manage_disclosure(user, village)


def can_close_survey(user: AnyUser | None, survey: Survey) -> bool:
    return can_manage_disclosure(user, survey.village)
