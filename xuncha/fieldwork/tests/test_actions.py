"""The group's records: entered, signed, returned, and made into problems and clues keeping the link."""

from __future__ import annotations

import pytest
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.core.exceptions import Conflict, PermissionDenied, TransitionNotAllowed
from xuncha.fieldwork import actions, queries
from xuncha.fieldwork.models import MUST_TALK, DocumentReview, TalkRecord, TalkRole
from xuncha.fieldwork.tests.factories import PERSON, TRANSCRIPT, record_talk, record_visit, scan
from xuncha.findings.models import Category, Clue, FixType, Problem
from xuncha.findings.tests.factories import table_text

pytestmark = pytest.mark.django_db


def test_a_talk_is_recorded_with_two_interviewers_and_encrypted(
    world: World, group_leader: User, group_member: User
) -> None:
    talk = record_talk(world.assignment, group_member, [group_leader, group_member])
    assert talk.status == TalkRecord.Status.DRAFT
    assert set(talk.interviewers.all()) == {group_leader, group_member}
    event = Event.objects.get(verb="fieldwork.talk_recorded")
    assert PERSON not in str(event.after) and PERSON not in event.object_repr
    stored = table_text(TalkRecord._meta.db_table)
    assert PERSON not in stored and TRANSCRIPT not in stored


def test_a_talk_refuses_fewer_than_two_interviewers_or_outsiders(
    world: World, group_leader: User, group_member: User, office: User
) -> None:
    with pytest.raises(Conflict, match="two interviewers"):
        record_talk(world.assignment, group_member, [group_member])
    with pytest.raises(Conflict, match="members of"):
        record_talk(world.assignment, group_member, [group_member, office])
    assert not TalkRecord.objects.exists()


def test_only_the_group_records_talks(world: World, group_member: User, office_lead: User, office: User) -> None:
    for actor in (office_lead, office):
        with pytest.raises(PermissionDenied):
            record_talk(world.assignment, actor, [group_member, office_lead])


def test_a_talk_is_signed_only_with_its_scan(world: World, group_leader: User, group_member: User) -> None:
    talk = record_talk(world.assignment, group_member, [group_leader, group_member])
    with pytest.raises(Conflict, match="scan"):
        actions.sign_talk(talk, actor=group_member)
    actions.attach_talk_scan(talk, scan(), actor=group_member)
    actions.sign_talk(talk, actor=group_leader)
    talk.refresh_from_db()
    assert talk.status == TalkRecord.Status.SIGNED and talk.signed_at is not None
    with pytest.raises(TransitionNotAllowed):
        actions.sign_talk(talk, actor=group_leader)
    assert Event.objects.get(verb="fieldwork.talk_signed").after == {"status": "SIGNED"}


def test_the_checklist_shows_who_is_still_to_be_talked_to(world: World, group_leader: User, group_member: User) -> None:
    record_talk(world.assignment, group_member, [group_leader, group_member])
    record_talk(world.assignment, group_member, [group_leader, group_member], talk_role=TalkRole.ACCOUNTANT)
    record_talk(world.assignment, group_member, [group_leader, group_member], talk_role=TalkRole.OTHER)
    (row,) = queries.talk_checklist(group_member, world.assignment, [world.village_a1])
    assert row.done == [TalkRole.SECRETARY, TalkRole.ACCOUNTANT]
    assert len(row.missing) == len(MUST_TALK) - 2 and TalkRole.OTHER not in row.missing


def test_documents_return_line_by_line(world: World, group_member: User) -> None:
    review = actions.record_document_review(
        world.assignment,
        world.village_a1,
        items=[("2023年村级财务账簿", "2023年", "村报账员"), ("土地承包合同", "", "村委会")],
        requested_on=timezone.localdate(),
        actor=group_member,
    )
    first = review.items.first()
    assert first is not None
    actions.return_documents(review, items=[first], actor=group_member)
    assert review.status == DocumentReview.Status.REQUESTED
    actions.return_documents(review, actor=group_member)
    review.refresh_from_db()
    assert review.status == DocumentReview.Status.RETURNED and review.returned_on == timezone.localdate()
    with pytest.raises(TransitionNotAllowed):
        actions.return_documents(review, actor=group_member)


def test_a_problem_made_from_a_talk_keeps_the_link_and_source(
    world: World, group_leader: User, group_member: User
) -> None:
    talk = record_talk(world.assignment, group_member, [group_leader, group_member])
    problem = actions.draft_problem_from_record(
        talk, category=Category.DISCLOSURE, phenomenon=talk.transcript, fix_type=FixType.IMMEDIATE, actor=group_member
    )
    assert problem.source == Problem.Source.TALK
    assert (problem.village, problem.assignment, problem.status) == (world.village_a1, world.assignment, "DRAFT")
    assert list(talk.problems.all()) == [problem]
    assert Event.objects.filter(verb="fieldwork.problem_made").count() == 1


def test_a_problem_made_from_a_visit_has_source_visit(world: World, group_member: User) -> None:
    visit = record_visit(world.assignment, group_member)
    problem = actions.draft_problem_from_record(
        visit, category=Category.BENEFIT, phenomenon=visit.notes, fix_type=FixType.FOLLOW_UP, actor=group_member
    )
    assert problem.source == Problem.Source.VISIT and list(visit.problems.all()) == [problem]


def test_only_the_leader_registers_a_clue_from_a_talk(world: World, group_leader: User, group_member: User) -> None:
    talk = record_talk(world.assignment, group_member, [group_leader, group_member])
    with pytest.raises(PermissionDenied):
        actions.register_clue_from_talk(
            talk, subject="某某", summary="收受好处费", receiver=Clue.Receiver.DISCIPLINE, actor=group_member
        )
    clue = actions.register_clue_from_talk(
        talk, subject="某某", summary="收受好处费", receiver=Clue.Receiver.DISCIPLINE, actor=group_leader
    )
    assert clue.source == Clue.Source.TALK and list(talk.clues.all()) == [clue]


def test_nothing_is_recorded_once_the_round_moved_on(world: World, group_leader: User, group_member: User) -> None:
    world.round.status = "FEEDBACK"
    world.round.save()
    with pytest.raises(PermissionDenied):
        record_talk(world.assignment, group_member, [group_leader, group_member])
