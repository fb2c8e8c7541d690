"""Recusal declarations signed by each member for the round, and enquiry letters with their replies and leads."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from django.db import connection

from xuncha.accounts.actors import SYSTEM
from xuncha.accounts.models import User
from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.core.exceptions import Conflict, PermissionDenied, TransitionNotAllowed
from xuncha.inspections import actions as inspection_actions
from xuncha.inspections.models import Recusal
from xuncha.planning import actions, queries
from xuncha.planning.models import Enquiry, Lead, RecusalDeclaration
from xuncha.planning.tests.factories import enquiry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: pytest.FixtureRequest, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]


# Declarations -----------------------------------------------------------------------------------------------------


def test_a_member_signs_no_ties_and_the_round_shows_who_has_not(
    world: World, group_leader: User, group_member: User
) -> None:
    assert queries.unsigned_assignment_ids(world.round) == {world.assignment.pk}
    declaration = actions.sign_declaration(world.round, no_ties=True, actor=group_member)
    assert (declaration.user, declaration.no_ties) == (group_member, True)
    event = Event.objects.for_object(declaration).get()
    assert (event.verb, event.after) == ("planning.declaration_signed", {"no_ties": True, "ties": 0})
    signers = {signer.user: signer.declaration for signer in queries.round_signers(world.round)}
    assert signers == {group_leader: None, group_member: declaration}
    assert queries.unsigned_assignment_ids(world.round) == {world.assignment.pk}
    actions.sign_declaration(world.round, no_ties=True, actor=group_leader)
    assert queries.unsigned_assignment_ids(world.round) == set()


def test_a_member_lists_their_own_declared_ties_with_an_encrypted_statement(
    world: World, group_member: User, group_leader: User
) -> None:
    tie = inspection_actions.declare_recusal(
        group_member, world.village_b1, Recusal.Tie.RELATIVE, detail="表兄任村委委员", actor=group_member
    )
    declaration = actions.sign_declaration(
        world.round, no_ties=False, ties=[tie], statement="表兄潘某任乙一村村委委员。", actor=group_member
    )
    assert list(declaration.ties.all()) == [tie]
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM planning_recusaldeclaration WHERE id = %s", [declaration.pk])
        assert "潘某" not in cursor.fetchone()[0]
    with pytest.raises(Conflict):
        actions.sign_declaration(world.round, no_ties=False, ties=[tie], actor=group_leader)


def test_a_declaration_is_signed_once_by_the_member_themself(
    world: World, group_member: User, office: User, leader: User
) -> None:
    with pytest.raises(Conflict):
        actions.sign_declaration(world.round, no_ties=False, actor=group_member)
    actions.sign_declaration(world.round, no_ties=True, actor=group_member)
    with pytest.raises(Conflict):
        actions.sign_declaration(world.round, no_ties=True, actor=group_member)
    for outsider in (office, leader):
        with pytest.raises(PermissionDenied):
            actions.sign_declaration(world.round, no_ties=True, actor=outsider)
    with pytest.raises(PermissionDenied):
        actions.sign_declaration(world.round, no_ties=True, actor=SYSTEM)
    assert RecusalDeclaration.objects.count() == 1


# Enquiries and leads ----------------------------------------------------------------------------------------------


def test_the_office_sends_an_enquiry_and_records_the_reply_encrypted_with_its_file(world: World, office: User) -> None:
    letter = enquiry(world, office)
    assert (letter.status, letter.body_label) == (Enquiry.Status.SENT, "Discipline inspection commission")
    scan = io.BytesIO(b"%PDF-1.4\n%reply\n")
    actions.record_reply(
        letter,
        replied_on=date(2023, 9, 5),
        text="反映村主任张某违规发放补贴。",
        files=[(scan, "复函.pdf", 16)],
        actor=office,
    )
    letter.refresh_from_db()
    assert (letter.status, letter.reply_text) == (Enquiry.Status.REPLIED, "反映村主任张某违规发放补贴。")
    assert [file.original_name for file in letter.reply_files.all()] == ["复函.pdf"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT reply_text FROM planning_enquiry WHERE id = %s", [letter.pk])
        assert "张某" not in cursor.fetchone()[0]
    verbs = list(Event.objects.for_object(letter).order_by("seq").values_list("verb", flat=True))
    assert verbs == ["planning.enquiry_sent", "planning.enquiry_replied"]
    assert "张某" not in str(Event.objects.for_object(letter).values_list("after", "note"))
    with pytest.raises(TransitionNotAllowed):
        actions.record_reply(letter, replied_on=date(2023, 9, 6), text="再次", actor=office)


def test_an_enquiry_to_another_body_names_it_and_villages_must_be_inspected(world: World, office: User) -> None:
    with pytest.raises(Conflict):
        actions.send_enquiry(world.round, "OTHER", matters="x", reply_by=date(2023, 9, 9), actor=office)
    letter = actions.send_enquiry(
        world.round,
        "OTHER",
        body_name="县林业局",
        matters="林地",
        reply_by=date(2023, 9, 9),
        sent_on=date(2023, 9, 1),
        actor=office,
    )
    assert letter.body_label == "县林业局"
    with pytest.raises(Conflict):
        actions.send_enquiry(
            world.round, "AUDIT", matters="x", reply_by=date(2023, 9, 9), village=world.village_b1, actor=office
        )


def test_a_reply_gives_leads_that_the_group_closes(
    world: World, office: User, group_member: User, township_user: User
) -> None:
    letter = enquiry(world, office)
    with pytest.raises(TransitionNotAllowed):
        actions.mark_lead(letter, text="x", assignment=world.assignment, actor=office)
    actions.record_reply(letter, replied_on=date(2023, 9, 5), text="复函", actor=office)
    lead = actions.mark_lead(
        letter, text="关注2022年危房改造补助发放。", assignment=world.assignment, village=world.village_a1, actor=office
    )
    assert lead.status == Lead.Status.OPEN
    assert list(Lead.objects.visible_to(group_member)) == [lead]
    assert not Lead.objects.visible_to(township_user).exists()
    with pytest.raises(PermissionDenied):
        actions.mark_lead(letter, text="x", assignment=world.assignment, actor=group_member)
    with pytest.raises(PermissionDenied):
        actions.close_lead(lead, Lead.Status.USED, actor=township_user)
    actions.close_lead(lead, Lead.Status.USED, note="已核实，形成问题底稿", actor=group_member)
    assert (lead.status, lead.closed_by) == (Lead.Status.USED, group_member)
    with pytest.raises(TransitionNotAllowed):
        actions.close_lead(lead, Lead.Status.DROPPED, actor=group_member)
    verbs = list(Event.objects.for_object(lead).order_by("seq").values_list("verb", flat=True))
    assert verbs == ["planning.lead_marked", "planning.lead_closed"]


@pytest.mark.parametrize("who", ["group_leader", "leader", "township_user", "outsider", "discipline"])
def test_only_the_office_sends_enquiries(world: World, who: str, request: pytest.FixtureRequest) -> None:
    with pytest.raises(PermissionDenied):
        enquiry(world, request.getfixturevalue(who))
    assert not Enquiry.objects.exists()
