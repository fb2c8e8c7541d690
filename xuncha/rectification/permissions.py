"""Who builds and publishes lists, signs receipts, reports, reviews and closes items, and plans return visits.

County, township and village each have their part (县乡村三级联动): the office builds, publishes and closes; the
township reviews (统筹把关); the village carries out and reports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from xuncha.accounts.models import Role
from xuncha.accounts.permissions import can_plan_in, has_role_over
from xuncha.accounts.scoping import county_readers, roles_of
from xuncha.inspections.scoping import group_ids_of

if TYPE_CHECKING:
    from xuncha.accounts.scoping import AnyUser
    from xuncha.inspections.models import Round
    from xuncha.organisations.models import AdminUnit
    from xuncha.rectification.models import ExtensionRequest, LedgerItem, Receipt, ResponsibleParty, ReturnVisit


def can_build_lists(user: AnyUser | None, round_: Round) -> bool:
    return can_plan_in(user, round_.term.county)


def can_publish_feedback(user: AnyUser | None, round_: Round) -> bool:
    return can_plan_in(user, round_.term.county)


def can_sign_receipt(user: AnyUser | None, receipt: Receipt) -> bool:
    """The township party committee signs the township's receipt, the village organisation the village's."""
    role = Role.TOWNSHIP if receipt.recipient == "TOWNSHIP" else Role.VILLAGE
    return has_role_over(user, [role], receipt.unit)


def can_report_progress(user: AnyUser | None, item: LedgerItem) -> bool:
    """The village carries out the rectification and reports on it."""
    return has_role_over(user, [Role.VILLAGE], item.village)


def can_enter_village_progress(user: AnyUser | None, item: LedgerItem) -> bool:
    """The overseeing township enters the progress its village reported to it (the township's ledger sheet)."""
    return has_role_over(user, [Role.TOWNSHIP], item.township)


def can_review(user: AnyUser | None, item: LedgerItem) -> bool:
    """The township reviews what its villages submit (统筹把关)."""
    return has_role_over(user, [Role.TOWNSHIP], item.township)


def can_close(user: AnyUser | None, item: LedgerItem) -> bool:
    """The county inspection office closes items (销号), reopens them and asks for visits (deadlines are extended
    by the director: ``can_decide_extension``)."""
    return can_plan_in(user, item.round.term.county)


def can_request_extension(user: AnyUser | None, item: LedgerItem) -> bool:
    """The village asks for more time on its item, or the overseeing township asks for its village."""
    return has_role_over(user, [Role.VILLAGE], item.village) or has_role_over(user, [Role.TOWNSHIP], item.township)


def can_review_extension(user: AnyUser | None, request: ExtensionRequest) -> bool:
    """The overseeing township supports or returns its village's request for more time."""
    return has_role_over(user, [Role.TOWNSHIP], request.item.township)


def can_decide_extension(user: AnyUser | None, item: LedgerItem) -> bool:
    """The inspection office director of the item's county grants or refuses more time (and records the leading
    group's decision beyond the limits); a clerk of the office does not."""
    return has_role_over(user, [Role.OFFICE_LEAD], item.round.term.county)


def can_hand_off(user: AnyUser | None, item: LedgerItem) -> bool:
    """The county inspection office hands an item to the organisation department or a county department."""
    return can_plan_in(user, item.round.term.county)


def can_act_for_party(user: AnyUser | None, party: ResponsibleParty) -> bool:
    """The department an item was handed to signs its receipt, reports and marks its part done."""
    return has_role_over(user, [Role.DEPARTMENT], party.unit)


def acts_for_departments(user: AnyUser | None) -> bool:
    """Whether the user works for a county department (items are handed to it)."""
    return user is not None and Role.DEPARTMENT in roles_of(user)


def hands_off(user: AnyUser | None) -> bool:
    """Whether the page of items handed off is any of the user's business: the office's and the departments'."""
    return user is not None and bool(roles_of(user) & {Role.OFFICE, Role.OFFICE_LEAD, Role.DEPARTMENT})


def can_plan_visit(user: AnyUser | None, village: AdminUnit, round_: Round | None = None) -> bool:
    """The office, or a member of a group that inspected the village in the round."""
    if can_plan_in(user, village):
        return True
    if round_ is None or user is None:
        return False
    return round_.assignments.filter(group_id__in=group_ids_of(user), covered__village=village).exists()


def can_record_visit(user: AnyUser | None, visit: ReturnVisit) -> bool:
    if can_plan_in(user, visit.village):
        return True
    return visit.planned_by_group_id is not None and visit.planned_by_group_id in group_ids_of(user) if user else False


# The roles that work on the lists, the ledger and the return visits: the office, county leaders, townships and
# villages (inspectors work on them through their groups). The bodies that receive clues do not.
LIST_ROLES = frozenset({Role.OFFICE, Role.OFFICE_LEAD, Role.LEADER, Role.TOWNSHIP, Role.VILLAGE})


def works_on_lists(user: AnyUser | None) -> bool:
    """Whether the lists, the ledger, the return visits and the documents page are any of the user's business."""
    return user is not None and (bool(roles_of(user) & LIST_ROLES) or bool(group_ids_of(user)))


def reads_round_lists(user: AnyUser | None) -> bool:
    """Whether the user reads a round's lists from the county's side: the office, county leaders and groups."""
    return user is not None and (bool(roles_of(user) & set(county_readers())) or bool(group_ids_of(user)))


def receives_lists(user: AnyUser | None) -> bool:
    """Whether lists are fed back to the user: a township party committee or a village organisation."""
    return user is not None and any(role.is_local for role in roles_of(user))


def can_send_reminders(user: AnyUser | None) -> bool:
    """The daily reminders are the platform's (``xuncha remind``, run as the system): no person sends them."""
    return False


# Whom reminders address about a ledger item: the village organisation carries it out, the township committee
# oversees it; each signs the receipt of its own unit.
REPORTER = Role.VILLAGE
OVERSEER = Role.TOWNSHIP
RECEIPT_SIGNERS = {"TOWNSHIP": Role.TOWNSHIP, "VILLAGE": Role.VILLAGE}


def can_set_village_responsibility(user: AnyUser | None, village: AdminUnit) -> bool:
    """The office, or the township over the village, names the village's 第一责任人 and 督促责任人 (包村领导)."""
    return can_plan_in(user, village) or has_role_over(user, [Role.TOWNSHIP], village)


def can_set_item_responsibility(user: AnyUser | None, item: LedgerItem) -> bool:
    """The office, or the overseeing township, changes the responsible people of one item."""
    return can_close(user, item) or has_role_over(user, [Role.TOWNSHIP], item.township)
