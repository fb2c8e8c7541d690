"""Hand-offs (移交, 交办): the office hands a ledger item to county departments, which sign, report and mark their
part done; the item closes only once every department and the village have done their part."""

from __future__ import annotations

from pathlib import Path

import pytest

from xuncha.accounts.models import Notification, Role, User
from xuncha.accounts.tests.factories import UserFactory, grant
from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.core.exceptions import Conflict, PermissionDenied, TransitionNotAllowed
from xuncha.organisations.models import AdminUnit
from xuncha.organisations.tests import factories as units
from xuncha.rectification import actions
from xuncha.rectification.models import LedgerItem, Progress, ResponsibleParty
from xuncha.rectification.tests.factories import ledger_item, photo

Status = LedgerItem.Status
PartyStatus = ResponsibleParty.Status
REQUEST = "负责督促物业更换乘龙小区损坏的消火栓。"
REPORT = "已现场勘查，确定更换消火栓6个。"


@pytest.fixture(autouse=True)
def _media(media: Path) -> None:
    """Evidence files go to a temporary MEDIA_ROOT."""


@pytest.fixture
def zhujian(world: World) -> AdminUnit:
    return units.department(world.county, "县住建局")


@pytest.fixture
def xiaofang(world: World) -> AdminUnit:
    return units.department(world.county, "县消防救援大队")


def department_person(unit: AdminUnit, username: str) -> User:
    user = UserFactory.create(username=username)
    grant(user, Role.DEPARTMENT, unit)
    return user


@pytest.fixture
def zhujian_user(zhujian: AdminUnit) -> User:
    return department_person(zhujian, "dept_zhujian")


@pytest.fixture
def xiaofang_user(xiaofang: AdminUnit) -> User:
    return department_person(xiaofang, "dept_xiaofang")


def item_of(world: World, status: str = Status.IN_PROGRESS) -> LedgerItem:
    """An item of 甲二村 (a general village: no return visit needed)."""
    return ledger_item(world.round, world.village_a2, status=status)


def test_department_codes_cannot_be_nbs_codes(world: World, zhujian: AdminUnit) -> None:
    """A department's code is the county's six digits, 999 and a serial: no township (001-599) nor village can
    carry it, and it never ends in 000 as townships do."""
    assert zhujian.code == "450328999001"
    assert zhujian.parent == world.county
    assert zhujian.path == f"{world.county.path}450328999001/"
    assert not zhujian.code.endswith("000")


def test_office_hands_off_and_the_department_is_told(
    world: World, office: User, zhujian: AdminUnit, zhujian_user: User
) -> None:
    item = item_of(world)
    party = actions.hand_off_item(item, unit=zhujian, part="LEAD", request=REQUEST, actor=office)
    assert (party.status, party.part, party.unit) == (PartyStatus.HANDED, "LEAD", zhujian)
    assert Progress.objects.get(item=item, kind=Progress.Kind.HANDOFF).party == party
    event = Event.objects.get(verb="rectification.item_handed_off")
    assert event.after is not None and event.after["department"] == zhujian.code
    notice = Notification.objects.get(user=zhujian_user, kind="HANDED_OFF")
    assert str(zhujian) in notice.text and item.number in notice.text
    assert LedgerItem.objects.visible_to(zhujian_user).get() == item


@pytest.mark.parametrize("who", ["village_user", "township_user", "zhujian_user", "leader", "nobody"])
def test_only_the_office_hands_off(
    world: World, zhujian: AdminUnit, zhujian_user: User, who: str, request: pytest.FixtureRequest
) -> None:
    item = item_of(world)
    with pytest.raises(PermissionDenied):
        actions.hand_off_item(item, unit=zhujian, request=REQUEST, actor=request.getfixturevalue(who))
    assert not ResponsibleParty.objects.exists()


def test_hand_off_refuses_what_is_no_department_of_the_county(world: World, office: User, zhujian: AdminUnit) -> None:
    item = item_of(world)
    other = units.department(world.other_county, "兴安县住建局")
    for unit in (world.township_a, world.village_a2, other):
        with pytest.raises(Conflict):
            actions.hand_off_item(item, unit=unit, request=REQUEST, actor=office)
    actions.hand_off_item(item, unit=zhujian, part="LEAD", request=REQUEST, actor=office)
    with pytest.raises(Conflict, match="already handed"):
        actions.hand_off_item(item, unit=zhujian, request=REQUEST, actor=office)
    second = units.department(world.county, "县水利局")
    with pytest.raises(Conflict, match="lead department"):
        actions.hand_off_item(item, unit=second, part="LEAD", request=REQUEST, actor=office)
    assert ResponsibleParty.objects.count() == 1


def test_a_closed_item_is_not_handed_off(world: World, office: User, zhujian: AdminUnit) -> None:
    with pytest.raises(TransitionNotAllowed):
        actions.hand_off_item(item_of(world, Status.CLOSED), unit=zhujian, request=REQUEST, actor=office)


def test_department_signs_reports_and_finishes_its_part(
    world: World, office: User, zhujian: AdminUnit, zhujian_user: User
) -> None:
    item = item_of(world)
    party = actions.hand_off_item(item, unit=zhujian, request=REQUEST, actor=office)
    with pytest.raises(TransitionNotAllowed, match="Sign"):
        actions.report_party_progress(party, text=REPORT, actor=zhujian_user)
    actions.sign_party_receipt(party, actor=zhujian_user)
    party.refresh_from_db()
    assert party.status == PartyStatus.SIGNED and party.signed_by == zhujian_user
    note = actions.report_party_progress(party, text=REPORT, actor=zhujian_user, files=[photo()])
    assert note.party == party and note.evidence.count() == 1
    item.refresh_from_db()
    assert item.status == Status.IN_PROGRESS  # the department's report does not move the village's item
    actions.complete_party(party, text="消火栓已全部更换并通水试验。", actor=zhujian_user)
    party.refresh_from_db()
    assert party.status == PartyStatus.DONE and party.done_by == zhujian_user
    verbs = list(
        Event.objects.filter(verb__startswith="rectification.party").order_by("seq").values_list("verb", flat=True)
    )
    assert verbs == ["rectification.party_signed", "rectification.party_progress", "rectification.party_done"]
    assert Notification.objects.filter(user=office, kind="PARTY_DONE").exists()
    with pytest.raises(TransitionNotAllowed):
        actions.sign_party_receipt(party, actor=zhujian_user)


def test_another_department_does_not_act_for_it(
    world: World, office: User, zhujian: AdminUnit, xiaofang_user: User, village_user: User
) -> None:
    party = actions.hand_off_item(item_of(world), unit=zhujian, request=REQUEST, actor=office)
    for actor in (xiaofang_user, village_user, office):
        with pytest.raises(PermissionDenied):
            actions.sign_party_receipt(party, actor=actor)
    party.refresh_from_db()
    assert party.status == PartyStatus.HANDED


def test_item_closes_only_after_every_party_and_the_village(
    world: World,
    office: User,
    township_user: User,
    zhujian: AdminUnit,
    xiaofang: AdminUnit,
    zhujian_user: User,
    xiaofang_user: User,
) -> None:
    """The village submits, the township approves; the office's close is refused while a department has not done
    its part, naming those that have not; once both have, it closes."""
    item = item_of(world, Status.REVIEWED)
    parties = [
        actions.hand_off_item(item, unit=zhujian, part="LEAD", request=REQUEST, actor=office),
        actions.hand_off_item(item, unit=xiaofang, request=REQUEST, actor=office),
    ]
    with pytest.raises(Conflict, match="县住建局、县消防救援大队"):
        actions.close_item(item, actor=office)
    for party, user in zip(parties, (zhujian_user, xiaofang_user), strict=True):
        actions.sign_party_receipt(party, actor=user)
    actions.complete_party(parties[0], text=REPORT, actor=zhujian_user)
    with pytest.raises(Conflict, match="not yet: 县消防救援大队") as refused:
        actions.close_item(item, actor=office)
    assert "县住建局" not in str(refused.value)
    item.refresh_from_db()
    assert item.status == Status.REVIEWED
    actions.complete_party(parties[1], text=REPORT, actor=xiaofang_user)
    actions.close_item(item, actor=office)
    item.refresh_from_db()
    assert item.status == Status.CLOSED
    with pytest.raises(TransitionNotAllowed):
        actions.report_party_progress(parties[1], text=REPORT, actor=xiaofang_user)


def test_village_path_and_departments_together(
    world: World, office: User, township_user: User, zhujian: AdminUnit, zhujian_user: User
) -> None:
    """The village submits and the township reviews as before; the department's part is what the close waits for."""
    from xuncha.rectification.tests.factories import village_person

    village = village_person(world.village_a2, "village_a2")
    item = item_of(world, Status.IN_PROGRESS)
    party = actions.hand_off_item(item, unit=zhujian, request=REQUEST, actor=office)
    actions.submit_item(item, text=REPORT, actor=village, files=[photo()])
    actions.review_item(item, approve=True, actor=township_user)
    with pytest.raises(Conflict, match="县住建局"):
        actions.close_item(item, actor=office)
    actions.sign_party_receipt(party, actor=zhujian_user)
    actions.complete_party(party, text=REPORT, actor=zhujian_user)
    actions.close_item(item, actor=office)
    assert LedgerItem.objects.get(pk=item.pk).status == Status.CLOSED


def test_department_sees_only_items_handed_to_it(
    world: World, office: User, zhujian: AdminUnit, xiaofang: AdminUnit, zhujian_user: User, xiaofang_user: User
) -> None:
    mine = item_of(world)
    theirs = ledger_item(world.round, world.village_b1, status=Status.OPEN)
    ledger_item(world.round, world.village_a1, status=Status.OPEN)
    actions.hand_off_item(mine, unit=zhujian, request=REQUEST, actor=office)
    actions.hand_off_item(theirs, unit=xiaofang, request=REQUEST, actor=office)
    assert list(LedgerItem.objects.visible_to(zhujian_user)) == [mine]
    assert list(LedgerItem.objects.visible_to(xiaofang_user)) == [theirs]
    assert list(ResponsibleParty.objects.visible_to(zhujian_user).values_list("unit", flat=True)) == [zhujian.pk]
    assert not AdminUnit.objects.visible_to(zhujian_user).exists()


def test_department_role_is_held_over_a_department_only(world: World, zhujian: AdminUnit, security_admin: User) -> None:
    from xuncha.accounts import actions as account_actions

    user = UserFactory.create(username="someone")
    with pytest.raises(Conflict):
        account_actions.grant_role(user, Role.DEPARTMENT, world.township_a, actor=security_admin)
    with pytest.raises(Conflict):
        account_actions.grant_role(user, Role.TOWNSHIP, zhujian, actor=security_admin)
    account_actions.grant_role(user, Role.DEPARTMENT, zhujian, actor=security_admin)


@pytest.fixture
def security_admin(world: World) -> User:
    user = UserFactory.create(username="secadmin")
    grant(user, Role.SECURITY_ADMIN, None)
    return user
