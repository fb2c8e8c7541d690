"""Sealed problem clues (问题线索): registered by the group leader, transferred by the office director, received,
disposed and answered by the receiving body; who may know that a clue exists; every read logged; and an audit
trail that never says whom a clue concerns."""

from __future__ import annotations

import itertools

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from xuncha.accounts.actors import SYSTEM
from xuncha.accounts.models import Role, User
from xuncha.accounts.tests.factories import UserFactory, grant
from xuncha.audit.actions import record_event
from xuncha.audit.models import AccessLog, Event
from xuncha.conftest import World
from xuncha.core.exceptions import Conflict, PermissionDenied, TransitionNotAllowed
from xuncha.findings import actions
from xuncha.findings.actions import clues as clue_actions
from xuncha.findings.models import Clue, Petition
from xuncha.findings.tests.factories import (
    CLUE_SUBJECT,
    CLUE_SUMMARY,
    ClueFactory,
    PetitionFactory,
    ProblemFactory,
    only_event,
    persona,
    record_petition,
    record_problem,
    register_clue,
    table_text,
)
from xuncha.inspections.models import Membership
from xuncha.inspections.tests.factories import GroupFactory, assign, member
from xuncha.organisations.models import AdminUnit

Status = Clue.Status
Receiver = Clue.Receiver
TRANSFER_NUMBER = "龙巡移〔2023〕3号"
LATER_VERBS = ["findings.clue_received", "findings.clue_disposed", "findings.clue_feedback"]
FEEDBACK = "经初步核实，李建国违规收受好处费问题属实，已给予党内警告处分。"

ALLOWED_MOVES = [(source, target) for source, targets in actions.CLUE_TRANSITIONS.items() for target in sorted(targets)]
REFUSED_MOVES = [
    (source, target)
    for source, target in itertools.product(Status.values, Status.values)
    if target not in actions.CLUE_TRANSITIONS[source]
]
NOT_REGISTRARS = [
    "group_member",
    "deputy",
    "office",
    "office_lead",
    "leader",
    "discipline",
    "township_user",
    "village_user",
    "outside_leader",
    "outsider",
    "auditor",
    "nobody",
]
NOT_TRANSFERRERS = [
    "office",
    "group_leader",
    "group_member",
    "leader",
    "discipline",
    "org_dept",
    "township_user",
    "village_user",
    "outsider",
    "outside_director",
    "auditor",
    "nobody",
]
# Who may not receive, dispose of or answer a clue addressed to the discipline commission of 龙胜.
NOT_DISCIPLINE_RECEIVERS = [
    "org_dept",
    "office_lead",
    "office",
    "group_leader",
    "group_member",
    "leader",
    "township_user",
    "village_user",
    "outsider",
    "outside_discipline",
    "auditor",
    "nobody",
]
# Whoever may be asked "which clues exist?": all personas, and an anonymous visitor.
EVERYONE = [
    "office_lead",
    "group_leader",
    "discipline",
    "org_dept",
    "office",
    "group_member",
    "deputy",
    "outside_leader",
    "leader",
    "township_user",
    "village_user",
    "outsider",
    "outside_director",
    "outside_discipline",
    "auditor",
    "sysadmin",
    "nobody",
    "anonymous",
]


def person(username: str, role: Role, unit: AdminUnit) -> User:
    user = UserFactory.create(username=username)
    grant(user, role, unit)
    return user


@pytest.fixture
def org_dept(world: World) -> User:
    """The county's organisation department."""
    return person("org_dept", Role.ORG_DEPT, world.county)


@pytest.fixture
def outside_discipline(world: World) -> User:
    """The discipline commission of another county."""
    return person("outside_discipline", Role.DISCIPLINE, world.other_county)


@pytest.fixture
def outside_director(world: World) -> User:
    """The inspection office director of another county."""
    return person("outside_director", Role.OFFICE_LEAD, world.other_county)


@pytest.fixture
def deputy(world: World) -> User:
    """The deputy leader of group 3."""
    user = person("group3_deputy", Role.GROUP_MEMBER, world.county)
    member(world.group, user, Membership.GroupRole.DEPUTY)
    return user


@pytest.fixture
def outside_leader(world: World) -> User:
    """The leader of 第四巡察组 of the same round."""
    group4 = GroupFactory.create(round=world.round, number=4)
    assign(group4, [world.village_b1])
    user = person("group4_leader", Role.GROUP_LEADER, world.county)
    member(group4, user, Membership.GroupRole.LEADER)
    return user


@pytest.fixture
def anonymous() -> AnonymousUser:
    return AnonymousUser()


@pytest.fixture
def clue(world: World, group_leader: User) -> Clue:
    """A clue for the discipline commission, registered by group 3's leader from a talk."""
    return register_clue(world.assignment, group_leader)


def clue_at(world: World, status: str, receiver: str = Receiver.DISCIPLINE) -> Clue:
    """A clue of group 3 put at ``status`` directly."""
    return ClueFactory.create(assignment=world.assignment, status=status, receiver=receiver)


def move_clue(clue: Clue, target: str, *, director: User, receiver: User) -> Clue:
    """Move a clue by the action that makes the move; nothing moves a clue back to REGISTERED, so the shared
    mover is called for that target."""
    if target == Status.TRANSFERRED:
        return actions.transfer_clue(clue, transfer_number=TRANSFER_NUMBER, actor=director)
    if target == Status.RECEIVED:
        return actions.receive_clue(clue, actor=receiver)
    if target == Status.DISPOSED:
        return actions.dispose_clue(clue, Clue.Disposal.PRELIMINARY, actor=receiver)
    if target == Status.FEEDBACK:
        return actions.give_clue_feedback(clue, FEEDBACK, actor=receiver)
    with transaction.atomic():
        return clue_actions._move_clue(clue, target, actor=SYSTEM)


def assert_clue_trail_is_sealed() -> None:
    """No audit event names the person concerned, the summary or the feedback."""
    logged = table_text("audit_event")
    for secret in (CLUE_SUBJECT, CLUE_SUMMARY, "李建国", FEEDBACK):
        assert secret not in logged


def test_the_raw_read_of_the_audit_log_would_find_a_subject(world: World, group_member: User) -> None:
    """The check used below is able to fail: a subject written into an event is found (papers' texts no longer
    reach events, so it is written there directly)."""
    record_event("tests.poked", world.county, actor=group_member, after={"text": CLUE_SUMMARY})

    with pytest.raises(AssertionError):
        assert_clue_trail_is_sealed()


# register_clue


def test_register_clue_from_a_talk(world: World, group_leader: User) -> None:
    """The leader registers a sealed clue; the event records its status, receiver and source, and nothing else."""
    clue = register_clue(world.assignment, group_leader, subject=f" {CLUE_SUBJECT} ", receiver=Receiver.ORG_DEPT)

    clue.refresh_from_db()
    assert (clue.assignment, clue.round, clue.group, clue.village) == (
        world.assignment,
        world.round,
        world.group,
        None,
    )
    assert (clue.source, clue.subject, clue.summary, clue.receiver) == (
        Clue.Source.TALK,
        CLUE_SUBJECT,
        CLUE_SUMMARY,
        Receiver.ORG_DEPT,
    )
    assert (clue.status, clue.registered_by, clue.problem, clue.petition) == (
        Status.REGISTERED,
        group_leader,
        None,
        None,
    )
    event = only_event("findings.clue_registered")
    assert event.actor == group_leader
    assert (event.object_type, event.object_id) == ("findings.clue", str(clue.pk))
    assert event.unit is None
    assert event.before is None
    assert event.after == {"status": "REGISTERED", "receiver": "ORG_DEPT", "source": "TALK"}
    assert event.note == ""
    assert_clue_trail_is_sealed()


def test_register_clue_from_a_problem(world: World, group_leader: User, group_member: User) -> None:
    """A clue from a paper links it and takes its village."""
    problem = record_problem(world.assignment, group_member)

    clue = register_clue(world.assignment, group_leader, source=Clue.Source.PROBLEM, problem=problem)

    assert (clue.problem, clue.petition, clue.village) == (problem, None, world.village_a1)
    assert only_event("findings.clue_registered").after == {
        "status": "REGISTERED",
        "receiver": "DISCIPLINE",
        "source": "PROBLEM",
    }


def test_register_clue_from_a_petition(world: World, group_leader: User, group_member: User) -> None:
    """A clue from a petition links it, takes its village and settles it as CLUE."""
    petition = record_petition(world.assignment, group_member)

    clue = register_clue(world.assignment, group_leader, source=Clue.Source.PETITION, petition=petition)

    assert (clue.petition, clue.problem, clue.village) == (petition, None, world.village_a1)
    petition.refresh_from_db()
    assert (petition.status, petition.disposition) == (Petition.Status.DISPOSED, Petition.Disposition.CLUE)
    assert_clue_trail_is_sealed()


def test_register_clue_by_the_system_is_registered_by_the_leader(world: World, group_leader: User) -> None:
    """A command registering a clue puts it down to the group's leader; the event is the system's."""
    clue = register_clue(world.assignment, SYSTEM)

    assert clue.registered_by == group_leader
    assert only_event("findings.clue_registered").actor is None


@pytest.mark.parametrize("name", NOT_REGISTRARS)
def test_register_clue_is_refused_to_everyone_but_the_leader(
    world: World, request: pytest.FixtureRequest, name: str
) -> None:
    """Only the group leader registers clues: not members, the deputy, the office or its director."""
    with pytest.raises(PermissionDenied):
        register_clue(world.assignment, persona(request, name))

    assert not Clue.objects.exists()
    assert not Event.objects.exists()


def test_register_clue_from_a_problem_needs_the_problem(world: World, group_leader: User) -> None:
    """Source PROBLEM means naming the paper."""
    with pytest.raises(Conflict):
        register_clue(world.assignment, group_leader, source=Clue.Source.PROBLEM)

    assert not Clue.objects.exists()


def test_register_clue_refuses_a_problem_of_another_assignment(world: World, group_leader: User) -> None:
    """A clue comes from a paper of its own assignment, not from another group's."""
    group4 = GroupFactory.create(round=world.round, number=4)
    elsewhere = ProblemFactory.create(assignment=assign(group4, [world.village_b1]))

    with pytest.raises(Conflict):
        register_clue(world.assignment, group_leader, source=Clue.Source.PROBLEM, problem=elsewhere)

    assert not Clue.objects.exists()


@pytest.mark.parametrize("other", [False, True])
def test_register_clue_from_a_petition_needs_a_petition_of_the_assignment(
    world: World, group_leader: User, other: bool
) -> None:
    """Source PETITION means naming a petition of the same assignment."""
    petition = None
    if other:
        group4 = GroupFactory.create(round=world.round, number=4)
        petition = PetitionFactory.create(assignment=assign(group4, [world.village_b1]))

    with pytest.raises(Conflict):
        register_clue(world.assignment, group_leader, source=Clue.Source.PETITION, petition=petition)

    assert not Clue.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("subject", ""), ("subject", "  "), ("summary", " \n"), ("source", "RUMOUR"), ("receiver", "POLICE")],
)
def test_register_clue_refuses_bad_input(world: World, group_leader: User, field: str, value: str) -> None:
    """A clue names the person concerned and a summary; source and receiver are from the lists."""
    with pytest.raises(Conflict):
        register_clue(world.assignment, group_leader, **{field: value})

    assert not Clue.objects.exists()


def test_register_clue_refuses_a_village_the_assignment_does_not_cover(world: World, group_leader: User) -> None:
    """A clue about a village names one the group inspects."""
    with pytest.raises(Conflict):
        register_clue(world.assignment, group_leader, village=world.village_b1)

    assert not Clue.objects.exists()


# transfer, receive, dispose, feedback


def test_transfer_clue_sends_it_to_the_receiver(world: World, office_lead: User, clue: Clue) -> None:
    """The office director transfers a clue with the number of the transfer document."""
    actions.transfer_clue(clue, transfer_number=f" {TRANSFER_NUMBER} ", actor=office_lead)

    assert clue.status == Status.TRANSFERRED
    clue.refresh_from_db()
    assert (clue.status, clue.transfer_number) == (Status.TRANSFERRED, TRANSFER_NUMBER)
    assert clue.transferred_at is not None
    event = only_event("findings.clue_transferred")
    assert event.actor == office_lead
    assert event.object_id == str(clue.pk)
    assert event.unit is None
    assert event.before == {"status": "REGISTERED"}
    assert event.after == {"status": "TRANSFERRED", "receiver": "DISCIPLINE", "transfer_number": TRANSFER_NUMBER}


@pytest.mark.parametrize("name", NOT_TRANSFERRERS)
def test_transfer_clue_is_refused_to_everyone_but_the_director(
    request: pytest.FixtureRequest, clue: Clue, name: str
) -> None:
    """Only the director of the clue's county transfers it: not the office, the group leader or the commission."""
    with pytest.raises(PermissionDenied):
        actions.transfer_clue(clue, transfer_number=TRANSFER_NUMBER, actor=persona(request, name))

    clue.refresh_from_db()
    assert (clue.status, clue.transfer_number) == (Status.REGISTERED, "")


@pytest.mark.parametrize("number", ["", "  "])
def test_transfer_clue_needs_a_document_number(office_lead: User, clue: Clue, number: str) -> None:
    """A transfer names its document."""
    with pytest.raises(Conflict):
        actions.transfer_clue(clue, transfer_number=number, actor=office_lead)

    clue.refresh_from_db()
    assert clue.status == Status.REGISTERED


@pytest.mark.parametrize(("receiver", "body"), [(Receiver.DISCIPLINE, "discipline"), (Receiver.ORG_DEPT, "org_dept")])
def test_the_receiving_body_receives_disposes_and_answers(
    world: World, request: pytest.FixtureRequest, group_leader: User, office_lead: User, receiver: str, body: str
) -> None:
    """The addressed body receives, disposes and answers; each step logs the statuses, never the clue's content."""
    clue = register_clue(world.assignment, group_leader, receiver=receiver)
    actions.transfer_clue(clue, transfer_number=TRANSFER_NUMBER, actor=office_lead)
    actor = persona(request, body)

    actions.receive_clue(clue, actor=actor)
    actions.dispose_clue(clue, Clue.Disposal.CASE, actor=actor)
    actions.give_clue_feedback(clue, f" {FEEDBACK} ", actor=actor)

    clue.refresh_from_db()
    assert (clue.status, clue.disposal, clue.feedback) == (Status.FEEDBACK, Clue.Disposal.CASE, FEEDBACK)
    assert None not in (clue.received_at, clue.disposed_at, clue.feedback_at)
    trail = [
        (event.verb, event.actor, event.before, event.after)
        for event in Event.objects.filter(verb__in=LATER_VERBS).order_by("seq")
    ]
    assert trail == [
        ("findings.clue_received", actor, {"status": "TRANSFERRED"}, {"status": "RECEIVED", "receiver": receiver}),
        (
            "findings.clue_disposed",
            actor,
            {"status": "RECEIVED"},
            {"status": "DISPOSED", "receiver": receiver, "disposal": "CASE"},
        ),
        ("findings.clue_feedback", actor, {"status": "DISPOSED"}, {"status": "FEEDBACK", "receiver": receiver}),
    ]
    assert_clue_trail_is_sealed()


@pytest.mark.parametrize("name", NOT_DISCIPLINE_RECEIVERS)
@pytest.mark.parametrize("step", ["receive", "dispose", "feedback"])
def test_only_the_receiving_body_moves_a_transferred_clue(
    world: World, request: pytest.FixtureRequest, name: str, step: str
) -> None:
    """Nobody but the county's discipline commission receives, disposes of or answers a clue addressed to it."""
    source = {"receive": Status.TRANSFERRED, "dispose": Status.RECEIVED, "feedback": Status.DISPOSED}[step]
    clue = clue_at(world, source)
    actor = persona(request, name)

    with pytest.raises(PermissionDenied):
        if step == "receive":
            actions.receive_clue(clue, actor=actor)
        elif step == "dispose":
            actions.dispose_clue(clue, Clue.Disposal.SHELVED, actor=actor)
        else:
            actions.give_clue_feedback(clue, FEEDBACK, actor=actor)

    clue.refresh_from_db()
    assert clue.status == source
    assert not Event.objects.exists()


def test_the_discipline_commission_does_not_receive_a_clue_for_the_organisation_department(
    world: World, discipline: User
) -> None:
    """A clue addressed to the organisation department is not the commission's to receive."""
    clue = clue_at(world, Status.TRANSFERRED, Receiver.ORG_DEPT)

    with pytest.raises(PermissionDenied):
        actions.receive_clue(clue, actor=discipline)


@pytest.mark.parametrize("disposal", Clue.Disposal.values)
def test_dispose_clue_records_each_disposal(world: World, discipline: User, disposal: str) -> None:
    """Each of the five disposals (talk or inquiry, verification, kept pending, closed, case) is recorded."""
    clue = clue_at(world, Status.RECEIVED)

    actions.dispose_clue(clue, disposal, actor=discipline)

    clue.refresh_from_db()
    assert (clue.status, clue.disposal) == (Status.DISPOSED, disposal)


def test_dispose_clue_refuses_an_unknown_disposal(world: World, discipline: User) -> None:
    """The disposal is one of the five."""
    clue = clue_at(world, Status.RECEIVED)

    with pytest.raises(Conflict):
        actions.dispose_clue(clue, "FORGOTTEN", actor=discipline)

    clue.refresh_from_db()
    assert (clue.status, clue.disposal) == (Status.RECEIVED, "")


@pytest.mark.parametrize("feedback", ["", "   "])
def test_feedback_needs_a_text(world: World, discipline: User, feedback: str) -> None:
    """Feedback says what came of the clue."""
    clue = clue_at(world, Status.DISPOSED)

    with pytest.raises(Conflict):
        actions.give_clue_feedback(clue, feedback, actor=discipline)

    clue.refresh_from_db()
    assert clue.status == Status.DISPOSED


# the transition table


def test_the_clue_transition_table_is_a_single_line() -> None:
    """Every status has an entry and a clue goes REGISTERED → TRANSFERRED → RECEIVED → DISPOSED → FEEDBACK."""
    assert set(actions.CLUE_TRANSITIONS) == set(Status.values)
    assert ALLOWED_MOVES == [
        (Status.REGISTERED, Status.TRANSFERRED),
        (Status.TRANSFERRED, Status.RECEIVED),
        (Status.RECEIVED, Status.DISPOSED),
        (Status.DISPOSED, Status.FEEDBACK),
    ]


@pytest.mark.parametrize(("source", "target"), ALLOWED_MOVES)
def test_each_allowed_clue_move_is_made_and_logged(
    world: World, office_lead: User, discipline: User, source: str, target: str
) -> None:
    """Each move of CLUE_TRANSITIONS succeeds and is logged with the old and new status."""
    clue = clue_at(world, source)

    move_clue(clue, target, director=office_lead, receiver=discipline)

    clue.refresh_from_db()
    assert clue.status == target
    event = only_event(f"findings.clue_{target.lower()}")
    assert event.before == {"status": source}
    assert event.after["status"] == target  # type: ignore[index]


@pytest.mark.parametrize(("source", "target"), REFUSED_MOVES)
def test_every_other_clue_move_is_refused(
    world: World, office_lead: User, discipline: User, source: str, target: str
) -> None:
    """Every pair not in CLUE_TRANSITIONS (skipping, going back, repeating, leaving FEEDBACK) is refused."""
    clue = clue_at(world, source)

    with pytest.raises(TransitionNotAllowed):
        move_clue(clue, target, director=office_lead, receiver=discipline)

    clue.refresh_from_db()
    assert clue.status == source
    assert not Event.objects.exists()


# who knows that a clue exists


def may_know(name: str, status: str) -> set[str]:
    """The clues (one per receiver) that persona ``name`` may know of at ``status``."""
    if name in ("office_lead", "group_leader"):
        return {"to_discipline", "to_org_dept"}
    if status == Status.REGISTERED:
        return set()
    return {"discipline": {"to_discipline"}, "org_dept": {"to_org_dept"}}.get(name, set())


@pytest.mark.parametrize("status", Status.values)
@pytest.mark.parametrize("name", EVERYONE)
def test_clues_are_visible_only_to_those_who_handle_them(
    world: World, request: pytest.FixtureRequest, name: str, status: str
) -> None:
    """Director and registering leader always, the addressed body once transferred, nobody else, not even a count."""
    clues = {
        "to_discipline": clue_at(world, status, Receiver.DISCIPLINE),
        "to_org_dept": clue_at(world, status, Receiver.ORG_DEPT),
    }
    names = {clue.pk: key for key, clue in clues.items()}
    user = persona(request, name)

    visible = Clue.objects.visible_to(user)

    expected = may_know(name, status)
    assert {names[clue.pk] for clue in visible} == expected
    assert Clue.objects.visible_to(user).count() == len(expected)


# read_clue


def test_read_clue_logs_every_reading(world: World, office_lead: User, clue: Clue) -> None:
    """Each opening of a sealed clue is an access-log row with the reader and the address."""
    assert actions.read_clue(clue, actor=office_lead, ip_address="10.0.0.8") == clue
    actions.read_clue(clue, actor=office_lead)

    rows = list(
        AccessLog.objects.order_by("pk").values_list("user", "action", "object_type", "object_id", "ip_address")
    )
    assert rows == [
        (office_lead.pk, AccessLog.Action.CLUE_READ, "findings.clue", str(clue.pk), "10.0.0.8"),
        (office_lead.pk, AccessLog.Action.CLUE_READ, "findings.clue", str(clue.pk), None),
    ]
    assert not Event.objects.filter(verb__startswith="findings.clue_read").exists()


def test_a_clue_says_nothing_of_its_subject_in_its_name(clue: Clue) -> None:
    """The clue's display name (shown in logs and lists) is its reference, not whom it concerns."""
    assert CLUE_SUBJECT not in str(clue)
    assert str(clue.reference)[:8].upper() in str(clue)


def test_a_deactivated_group_leader_sees_no_clues(world: World, group_leader: User, clue: Clue) -> None:
    """An account that was switched off reads no sealed clue, like it reads nothing else."""
    group_leader.is_active = False

    assert not Clue.objects.visible_to(group_leader).exists()
