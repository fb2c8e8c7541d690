"""Petitions (信访件): entered by the group or sent through the public form, the reporter's identity kept only as
Fernet tokens and revealed (and logged) for the leader and the office director; settling a petition."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.utils import timezone

from xuncha.accounts.models import Role, User
from xuncha.accounts.tests.factories import UserFactory, grant
from xuncha.audit.actions import record_event
from xuncha.audit.models import AccessLog, Event
from xuncha.conftest import World
from xuncha.core import crypto
from xuncha.core.exceptions import Conflict, PermissionDenied, TransitionNotAllowed
from xuncha.core.uploads import UploadRefused
from xuncha.evidence.models import Evidence
from xuncha.findings import actions
from xuncha.findings.models import RECEIPT_ALPHABET, RECEIPT_LENGTH, Category, Petition
from xuncha.findings.tests.factories import (
    REPORTER_NAME,
    REPORTER_PHONE,
    PetitionFactory,
    ProblemFactory,
    only_event,
    pdf_bytes,
    persona,
    png_bytes,
    record_petition,
    record_problem,
    register_clue,
    set_round_status,
    table_text,
)
from xuncha.inspections.models import Assignment, Round
from xuncha.inspections.tests.factories import GroupFactory, assign

Disposition = Petition.Disposition
TEXT = "反映低保评定不公开，有的家庭条件好也在领低保。"
NON_MEMBERS = [
    "office",
    "office_lead",
    "leader",
    "discipline",
    "township_user",
    "village_user",
    "outsider",
    "auditor",
    "nobody",
]
NOT_RECORDING = [s for s in Round.Status.values if s not in (Round.Status.STATIONED, Round.Status.REPORTING)]
# Who may never learn who sent a petition.
NOT_REVEALERS = [
    "group_member",
    "office",
    "leader",
    "discipline",
    "township_user",
    "village_user",
    "outsider",
    "outside_director",
    "auditor",
    "sysadmin",
    "nobody",
]


@pytest.fixture
def outside_director(world: World) -> User:
    """The inspection office director of another county."""
    user = UserFactory.create(username="outside_director")
    grant(user, Role.OFFICE_LEAD, world.other_county)
    return user


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stationed_today(assignment: Assignment, *, first: int = -3, last: int = 3) -> Assignment:
    """The assignment with stationing moved to run from ``first`` to ``last`` days around today."""
    today = timezone.localdate()
    Assignment.objects.filter(pk=assignment.pk).update(
        stationed_from=today + timedelta(days=first), stationed_until=today + timedelta(days=last)
    )
    return Assignment.objects.select_related("round", "group", "target").get(pk=assignment.pk)


def assert_no_reporter_in_the_audit_log() -> None:
    """Neither the name, nor the phone, nor their tokens appear in any audit event."""
    logged = table_text("audit_event")
    assert REPORTER_NAME not in logged
    assert REPORTER_PHONE not in logged
    for petition in Petition.objects.all():
        for token in (petition.reporter_name_token, petition.reporter_phone_token):
            assert not token or token not in logged


def test_the_raw_read_of_the_audit_log_would_find_a_name(world: World, group_member: User) -> None:
    """The raw read of the audit log finds a name written into an event, even escaped inside a JSON column."""
    record_event("tests.poked", world.county, actor=group_member, after={"who": f"{REPORTER_NAME}反映低保问题"})

    assert REPORTER_NAME in table_text("audit_event")


# record_petition


def test_record_petition_stores_the_reporter_only_encrypted(world: World, group_member: User) -> None:
    """Name and phone are kept as Fernet tokens: no column of the raw row holds either in plain text."""
    petition = record_petition(world.assignment, group_member, name=f" {REPORTER_NAME} ", phone=REPORTER_PHONE)

    raw = table_text("findings_petition")
    assert REPORTER_NAME not in raw
    assert REPORTER_PHONE not in raw
    assert TEXT in raw  # the raw read does see the row's other columns
    petition.refresh_from_db()
    assert petition.reporter_name_token in raw
    assert crypto.decrypt(petition.reporter_name_token) == REPORTER_NAME
    assert crypto.decrypt(petition.reporter_phone_token) == REPORTER_PHONE
    assert not petition.is_anonymous


def test_record_petition_receives_the_petition(world: World, group_member: User) -> None:
    """The petition is RECEIVED, recorded by the member, with a receipt code; the event says what, not who."""
    received_at = timezone.now() - timedelta(hours=2)

    petition = record_petition(world.assignment, group_member, text=f" {TEXT} ", received_at=received_at)

    petition.refresh_from_db()
    assert (petition.assignment, petition.village, petition.channel, petition.category) == (
        world.assignment,
        world.village_a1,
        Petition.Channel.LETTER,
        Category.BENEFIT,
    )
    assert (petition.text, petition.status, petition.disposition) == (TEXT, Petition.Status.RECEIVED, "")
    assert (petition.recorded_by, petition.received_at) == (group_member, received_at)
    assert len(petition.receipt_code) == RECEIPT_LENGTH
    assert set(petition.receipt_code) <= set(RECEIPT_ALPHABET)
    event = only_event("findings.petition_recorded")
    assert event.actor == group_member
    assert (event.object_type, event.object_id) == ("findings.petition", str(petition.pk))
    assert event.unit == world.village_a1
    assert event.before is None
    assert event.after == {
        "channel": "LETTER",
        "category": "BENEFIT",
        "anonymous": False,
    }
    assert_no_reporter_in_the_audit_log()


def test_an_anonymous_petition_has_no_tokens(world: World, group_member: User, group_leader: User) -> None:
    """Without name and phone (blank counts as none) nothing is encrypted and the petition is anonymous."""
    petition = record_petition(world.assignment, group_member, name="  ", phone="")

    petition.refresh_from_db()
    assert (petition.reporter_name_token, petition.reporter_phone_token) == ("", "")
    assert petition.is_anonymous
    assert only_event("findings.petition_recorded").after["anonymous"] is True  # type: ignore[index]
    assert actions.reveal_reporter(petition, actor=group_leader) == ("", "")


def test_a_petition_about_no_village_belongs_to_the_target(world: World, group_member: User) -> None:
    """A petition that names no village is logged under the assignment's target."""
    petition = record_petition(world.assignment, group_member, village=None)

    assert petition.village is None
    assert only_event("findings.petition_recorded").unit == world.assignment.target


@pytest.mark.parametrize("name", NON_MEMBERS)
def test_record_petition_is_refused_to_non_members(world: World, request: pytest.FixtureRequest, name: str) -> None:
    """Only members of the group enter its petitions."""
    with pytest.raises(PermissionDenied):
        record_petition(world.assignment, persona(request, name))

    assert not Petition.objects.exists()
    assert not Event.objects.exists()


@pytest.mark.parametrize("status", NOT_RECORDING)
def test_record_petition_is_refused_outside_stationing_and_reporting(
    world: World, group_member: User, status: str
) -> None:
    """A planned or closed round takes no petitions from the group."""
    assignment = set_round_status(world.assignment, status)

    with pytest.raises(TransitionNotAllowed):
        record_petition(assignment, group_member)

    assert not Petition.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("channel", Petition.Channel.PUBLIC_FORM), ("channel", "PIGEON"), ("category", "GOSSIP"), ("text", "  ")],
)
def test_record_petition_refuses_bad_input(world: World, group_member: User, field: str, value: str) -> None:
    """The online form is not entered by hand; channel and category are from the lists; the text is not empty."""
    with pytest.raises(Conflict):
        record_petition(world.assignment, group_member, **{field: value})

    assert not Petition.objects.exists()


@pytest.mark.parametrize("village", ["village_a2", "other_village"])
def test_record_petition_refuses_a_village_the_assignment_does_not_cover(
    world: World, group_member: User, village: str
) -> None:
    """A petition names a village the group inspects, or none."""
    with pytest.raises(Conflict):
        record_petition(world.assignment, group_member, village=getattr(world, village))

    assert not Petition.objects.exists()


# reveal_reporter


@pytest.mark.parametrize("name", ["group_leader", "office_lead"])
def test_reveal_reporter_opens_the_identity_and_logs_each_time(
    world: World, request: pytest.FixtureRequest, group_member: User, name: str
) -> None:
    """The group leader and the office director see name and phone; every reveal is one access-log row."""
    petition = record_petition(world.assignment, group_member)
    actor = persona(request, name)

    first = actions.reveal_reporter(petition, actor=actor, ip_address="10.1.2.3")
    second = actions.reveal_reporter(petition, actor=actor)

    assert first == second == (REPORTER_NAME, REPORTER_PHONE)
    rows = list(
        AccessLog.objects.order_by("pk").values_list("user", "action", "object_type", "object_id", "ip_address")
    )
    assert rows == [
        (actor.pk, AccessLog.Action.REPORTER_REVEALED, "findings.petition", str(petition.pk), "10.1.2.3"),
        (actor.pk, AccessLog.Action.REPORTER_REVEALED, "findings.petition", str(petition.pk), None),
    ]


@pytest.mark.parametrize("name", NOT_REVEALERS)
def test_reveal_reporter_is_refused_to_everyone_else(
    world: World, request: pytest.FixtureRequest, group_member: User, name: str
) -> None:
    """Members, office, county leaders, townships, villages and other counties are refused, and nothing is logged."""
    petition = record_petition(world.assignment, group_member)

    with pytest.raises(PermissionDenied):
        actions.reveal_reporter(petition, actor=persona(request, name))

    assert not AccessLog.objects.exists()


def test_reveal_reporter_after_a_key_rotation(
    world: World, group_member: User, group_leader: User, settings: Any
) -> None:
    """A petition encrypted under the old key is still revealed once a new key is put in front of it."""
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old_key]
    petition = record_petition(world.assignment, group_member)

    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]

    assert actions.reveal_reporter(petition, actor=group_leader) == (REPORTER_NAME, REPORTER_PHONE)


# submit_public_petition


@pytest.mark.parametrize(("first", "last"), [(-3, 3), (0, 3), (-3, 0)])
def test_submit_public_petition_is_taken_during_stationing(world: World, first: int, last: int) -> None:
    """A resident's message is taken on any day of stationing, the first and last included, without a recorder."""
    assignment = stationed_today(world.assignment, first=first, last=last)

    petition = actions.submit_public_petition(
        assignment, category=Category.FINANCE, text=f" {TEXT} ", name=REPORTER_NAME, phone=REPORTER_PHONE
    )

    petition.refresh_from_db()
    assert (petition.channel, petition.status, petition.recorded_by) == (
        Petition.Channel.PUBLIC_FORM,
        Petition.Status.RECEIVED,
        None,
    )
    assert (petition.text, petition.village) == (TEXT, None)
    assert crypto.decrypt(petition.reporter_phone_token) == REPORTER_PHONE
    event = only_event("findings.petition_received")
    assert (event.actor, event.actor_label) == (None, "resident")
    assert event.after == {
        "channel": "PUBLIC_FORM",
        "category": "FINANCE",
        "anonymous": False,
    }
    assert_no_reporter_in_the_audit_log()
    assert REPORTER_NAME not in table_text("findings_petition")


@pytest.mark.parametrize(("first", "last"), [(1, 5), (-5, -1)])
def test_submit_public_petition_is_refused_outside_stationing(world: World, first: int, last: int) -> None:
    """Before the group arrives and after it leaves, the form takes nothing."""
    assignment = stationed_today(world.assignment, first=first, last=last)

    with pytest.raises(TransitionNotAllowed):
        actions.submit_public_petition(assignment, category=Category.FINANCE, text=TEXT)

    assert not Petition.objects.exists()


def test_submit_public_petition_may_be_anonymous_and_name_a_village(world: World) -> None:
    """A resident may leave no name and say which village the message is about."""
    assignment = stationed_today(world.assignment)

    petition = actions.submit_public_petition(
        assignment, category=Category.BENEFIT, text=TEXT, village=world.village_a1
    )

    assert petition.is_anonymous
    assert petition.village == world.village_a1
    assert only_event("findings.petition_received").unit == world.village_a1


@pytest.mark.parametrize(
    ("village", "category", "text"),
    [("village_b1", Category.BENEFIT, TEXT), (None, "GOSSIP", TEXT), (None, Category.BENEFIT, " ")],
)
def test_submit_public_petition_refuses_bad_input(world: World, village: str | None, category: str, text: str) -> None:
    """An uncovered village, an unknown category or an empty message is refused."""
    assignment = stationed_today(world.assignment)

    with pytest.raises(Conflict):
        actions.submit_public_petition(
            assignment, category=category, text=text, village=getattr(world, village) if village else None
        )

    assert not Petition.objects.exists()


def test_submit_public_petition_keeps_a_photo(world: World, media: Path) -> None:
    """A photo sent with the form is checked and kept as evidence of the petition, uploaded by nobody."""
    assignment = stationed_today(world.assignment)
    data = png_bytes()

    petition = actions.submit_public_petition(
        assignment, category=Category.BENEFIT, text=TEXT, photo=(io.BytesIO(data), "IMG_0001.png", len(data))
    )

    evidence = Evidence.objects.get()
    assert list(petition.evidence.all()) == [evidence]
    assert evidence.uploaded_by is None
    assert (evidence.content_type, evidence.original_name) == ("image/png", "IMG_0001.png")
    assert Path(evidence.file.path).read_bytes() == data


def test_submit_public_petition_refuses_a_photo_that_is_not_an_image(world: World, media: Path) -> None:
    """The public form takes photos only: a PDF is refused, and so is the whole message."""
    assignment = stationed_today(world.assignment)
    data = pdf_bytes()

    with pytest.raises(UploadRefused):
        actions.submit_public_petition(
            assignment, category=Category.BENEFIT, text=TEXT, photo=(io.BytesIO(data), "scan.jpg", len(data))
        )

    assert not Petition.objects.exists()
    assert not Evidence.objects.exists()
    assert not list(media.rglob("*.*"))


def test_submit_public_petition_is_refused_before_the_round_is_stationed(world: World) -> None:
    """A planned round's groups are not stationed yet, even when its dates have come."""
    assignment = stationed_today(set_round_status(world.assignment, Round.Status.PLANNED))

    with pytest.raises(TransitionNotAllowed):
        actions.submit_public_petition(assignment, category=Category.FINANCE, text=TEXT)


# dispose_petition


@pytest.fixture
def petition(world: World, group_member: User) -> Petition:
    """A letter to group 3 with the reporter's name and phone."""
    return record_petition(world.assignment, group_member)


@pytest.mark.parametrize(
    "disposition",
    [Disposition.PROBLEM, Disposition.FORWARDED, Disposition.EXPLAINED, Disposition.DUPLICATE, Disposition.CLUE],
)
def test_dispose_petition_settles_it(
    world: World, group_leader: User, group_member: User, petition: Petition, disposition: str
) -> None:
    """Each disposition settles the petition; the event holds status and disposition, never the reporter."""
    problem = record_problem(world.assignment, group_member)
    earlier = record_petition(world.assignment, group_member, name="王五", phone="13600000000")

    actions.dispose_petition(
        petition,
        disposition,
        actor=group_leader,
        note=" 已转乡民政办 ",
        problem=problem if disposition == Disposition.PROBLEM else None,
        duplicate_of=earlier if disposition == Disposition.DUPLICATE else None,
    )

    assert (petition.status, petition.disposition) == (Petition.Status.DISPOSED, disposition)
    petition.refresh_from_db()
    assert (petition.status, petition.disposition, petition.disposition_note) == (
        Petition.Status.DISPOSED,
        disposition,
        "已转乡民政办",
    )
    assert petition.problem == (problem if disposition == Disposition.PROBLEM else None)
    assert petition.duplicate_of == (earlier if disposition == Disposition.DUPLICATE else None)
    assert (petition.disposed_by, petition.disposed_at is not None) == (group_leader, True)
    event = only_event("findings.petition_disposed")
    assert event.actor == group_leader
    assert event.object_id == str(petition.pk)
    assert event.unit == world.village_a1
    assert event.before == {"status": "RECEIVED"}
    assert event.after == {
        "status": "DISPOSED",
        "disposition": disposition,
        "problem": problem.serial if disposition == Disposition.PROBLEM else None,
    }
    assert_no_reporter_in_the_audit_log()


def test_dispose_petition_as_a_problem_needs_a_problem(group_leader: User, petition: Petition) -> None:
    """Recorded as a problem means naming the paper."""
    with pytest.raises(Conflict):
        actions.dispose_petition(petition, Disposition.PROBLEM, actor=group_leader)

    petition.refresh_from_db()
    assert petition.status == Petition.Status.RECEIVED


def test_dispose_petition_refuses_a_problem_of_another_assignment(
    world: World, group_leader: User, petition: Petition
) -> None:
    """The paper a petition led to is of the petition's own assignment."""
    group4 = GroupFactory.create(round=world.round, number=4)
    elsewhere = ProblemFactory.create(assignment=assign(group4, [world.village_b1]))

    with pytest.raises(Conflict):
        actions.dispose_petition(petition, Disposition.PROBLEM, actor=group_leader, problem=elsewhere)

    petition.refresh_from_db()
    assert (petition.status, petition.problem) == (Petition.Status.RECEIVED, None)


def test_dispose_petition_as_a_duplicate_needs_another_petition(
    world: World, group_leader: User, petition: Petition
) -> None:
    """A duplicate names another petition of the same assignment: not none, not itself, not another group's."""
    group4 = GroupFactory.create(round=world.round, number=4)
    elsewhere = PetitionFactory.create(assignment=assign(group4, [world.village_b1]))

    for duplicate_of in (None, petition, elsewhere):
        with pytest.raises(Conflict):
            actions.dispose_petition(petition, Disposition.DUPLICATE, actor=group_leader, duplicate_of=duplicate_of)

    petition.refresh_from_db()
    assert (petition.status, petition.duplicate_of) == (Petition.Status.RECEIVED, None)


@pytest.mark.parametrize("disposition", [Disposition.FORWARDED, Disposition.EXPLAINED])
@pytest.mark.parametrize("note", ["", "  "])
def test_forwarding_or_explaining_needs_a_note(
    group_leader: User, petition: Petition, disposition: str, note: str
) -> None:
    """Say to whom it was forwarded or what was explained."""
    with pytest.raises(Conflict):
        actions.dispose_petition(petition, disposition, actor=group_leader, note=note)

    petition.refresh_from_db()
    assert petition.status == Petition.Status.RECEIVED


def test_dispose_petition_refuses_an_unknown_disposition(group_leader: User, petition: Petition) -> None:
    """The disposition is one of the list."""
    with pytest.raises(Conflict):
        actions.dispose_petition(petition, "IGNORED", actor=group_leader, note="x")


def test_a_settled_petition_is_not_settled_again(group_leader: User, petition: Petition) -> None:
    """A petition is settled once."""
    actions.dispose_petition(petition, Disposition.EXPLAINED, actor=group_leader, note="已当面解释政策")

    with pytest.raises(TransitionNotAllowed):
        actions.dispose_petition(petition, Disposition.FORWARDED, actor=group_leader, note="转县信访局")

    petition.refresh_from_db()
    assert petition.disposition == Disposition.EXPLAINED
    assert Event.objects.filter(verb="findings.petition_disposed").count() == 1


@pytest.mark.parametrize("name", ["group_member", *NON_MEMBERS])
def test_dispose_petition_is_refused_to_everyone_but_the_leader(
    request: pytest.FixtureRequest, petition: Petition, name: str
) -> None:
    """Only the group leader settles petitions."""
    with pytest.raises(PermissionDenied):
        actions.dispose_petition(petition, Disposition.EXPLAINED, actor=persona(request, name), note="已解释")

    petition.refresh_from_db()
    assert petition.status == Petition.Status.RECEIVED


def test_registering_a_clue_from_a_petition_settles_it_as_clue(
    world: World, group_leader: User, petition: Petition
) -> None:
    """The petition a clue comes from is settled as CLUE by the same leader, with no word of the reporter logged."""
    clue = register_clue(world.assignment, group_leader, source="PETITION", petition=petition)

    petition.refresh_from_db()
    assert (petition.status, petition.disposition, petition.disposed_by) == (
        Petition.Status.DISPOSED,
        Disposition.CLUE,
        group_leader,
    )
    assert petition.disposition_note == "Registered as a sealed clue."
    assert clue.petition == petition
    assert only_event("findings.petition_disposed").after == {
        "status": "DISPOSED",
        "disposition": "CLUE",
        "problem": None,
    }
    assert_no_reporter_in_the_audit_log()


def test_a_clue_from_a_settled_petition_leaves_its_disposition(
    world: World, group_leader: User, group_member: User, petition: Petition
) -> None:
    """A petition already recorded as a problem keeps that disposition when a clue is also registered from it."""
    problem = record_problem(world.assignment, group_member)
    actions.dispose_petition(petition, Disposition.PROBLEM, actor=group_leader, problem=problem)

    register_clue(world.assignment, group_leader, source="PETITION", petition=petition)

    petition.refresh_from_db()
    assert (petition.disposition, petition.problem) == (Disposition.PROBLEM, problem)
    assert Event.objects.filter(verb="findings.petition_disposed").count() == 1
