"""The planning pages: rounds and terms, a round's groups and assignments, the htmx assignment form, an
assignment's page and the recusal page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from django.contrib.messages import constants, get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xuncha.accounts.models import Role, User
from xuncha.accounts.tests.factories import UserFactory, grant
from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.inspections.models import Assignment, InspectionGroup, Membership, Recusal, Round, Term
from xuncha.inspections.tests.factories import GroupFactory, RoundFactory, assign, member
from xuncha.organisations.tests import factories as units

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

HTMX = {"HX-Request": "true"}
Status = Round.Status


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def page(response: _MonkeyPatchedWSGIResponse) -> str:
    return response.content.decode()


def errors_of(response: _MonkeyPatchedWSGIResponse) -> list[str]:
    """The error messages the request queued for the next page."""
    return [str(message) for message in get_messages(response.wsgi_request) if message.level == constants.ERROR]


def planned_round(world: World, number: int = 5) -> Round:
    return RoundFactory.create(term=world.term, number=number)


def assignment_post(group: InspectionGroup, **fields: Any) -> dict[str, Any]:
    """The fields the assignment form posts, for a direct inspection of the round's whole length by default."""
    return {
        "group": group.pk,
        "mode": Assignment.Mode.DIRECT,
        "village": "",
        "township": "",
        "topic": "",
        "stationed_from": "2023-09-01",
        "stationed_until": "2023-11-30",
        **fields,
    }


def inspector(world: World, **fields: Any) -> User:
    """A person the office may put in a group: the security administrator granted them GROUP_MEMBER here."""
    person = UserFactory.create(**fields)
    grant(person, Role.GROUP_MEMBER, world.county)
    return person


def assign_url(round_: Round) -> str:
    return reverse("inspections:assignment-create", args=[round_.pk])


def queries_for(client: Client, url: str) -> int:
    """How many queries one GET of ``url`` runs (it must succeed)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def add_groups(world: World, numbers: range) -> None:
    """More groups in round 4, each with two members and a village of 乙镇 of its own."""
    for number in numbers:
        group = GroupFactory.create(round=world.round, number=number)
        member(group, UserFactory.create(), Membership.GroupRole.LEADER)
        member(group, UserFactory.create())
        assign(group, [units.village(world.township_b, number=300 + number)])


# round list, terms and rounds


def test_round_list_offers_the_office_the_planning_forms(client: Client, world: World, office: User) -> None:
    """The office sees its county's rounds and the forms to plan a round and open a term."""
    response = signed_in(client, office).get(reverse("inspections:round-list"))

    assert response.status_code == 200
    assert list(response.context["rounds"]) == [world.round]
    html = page(response)
    assert world.round.get_absolute_url() in html
    assert 'data-testid="round-form"' in html
    assert reverse("inspections:term-create", args=[world.county.code]) in html


def test_round_list_shows_a_county_leader_no_forms(client: Client, world: World, leader: User) -> None:
    """A county leader reads the rounds but gets no form to plan or open anything."""
    response = signed_in(client, leader).get(reverse("inspections:round-list"))

    assert response.status_code == 200
    assert list(response.context["rounds"]) == [world.round]
    assert response.context["round_form"] is None
    html = page(response)
    assert 'data-testid="round-form"' not in html
    assert reverse("inspections:term-create", args=[world.county.code]) not in html


def test_round_list_for_someone_without_a_county_shows_the_no_role_page(
    client: Client, world: World, sysadmin: User
) -> None:
    """The system administrator has no county to show rounds of."""
    response = signed_in(client, sysadmin).get(reverse("inspections:round-list"))

    assert response.status_code == 200
    assert "core/no_role.html" in [template.name for template in response.templates]


def test_round_list_asks_for_a_login(client: Client, world: World) -> None:
    """An anonymous visitor is sent to the login page."""
    response = client.get(reverse("inspections:round-list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_office_opens_a_term_through_the_page(client: Client, world: World, office: User) -> None:
    """Posting the term form opens the term and returns to the county's round list."""
    response = signed_in(client, office).post(
        reverse("inspections:term-create", args=[world.county.short_code]),
        {"number": 16, "name": "十六届县委", "start_date": "2026-10-01", "end_date": ""},
    )

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('inspections:round-list')}?county={world.county.code}"
    term = Term.objects.get(county=world.county, number=16)
    assert term.name == "十六届县委"
    assert Event.objects.get(verb="inspections.term_opened").actor == office


def test_opening_a_term_is_refused_to_a_county_leader(client: Client, world: World, leader: User) -> None:
    """A leader's post is refused with a message and opens nothing."""
    response = signed_in(client, leader).post(
        reverse("inspections:term-create", args=[world.county.code]),
        {"number": 16, "name": "十六届县委", "start_date": "2026-10-01"},
    )

    assert response.status_code == 302
    assert len(errors_of(response)) == 1
    assert not Term.objects.filter(number=16).exists()


def test_opening_a_term_in_an_unseen_county_answers_404(client: Client, world: World, outsider: User) -> None:
    """The office of another county cannot even address this county."""
    response = signed_in(client, outsider).post(
        reverse("inspections:term-create", args=[world.county.code]),
        {"number": 16, "name": "十六届县委", "start_date": "2026-10-01"},
    )

    assert response.status_code == 404
    assert not Term.objects.filter(number=16).exists()


def test_an_incomplete_term_form_is_refused(client: Client, world: World, office: User) -> None:
    """A term form without a name or start reports the missing fields and opens nothing."""
    response = signed_in(client, office).post(
        reverse("inspections:term-create", args=[world.county.code]), {"number": 16}
    )

    assert response.status_code == 302
    assert len(errors_of(response)) == 1
    assert not Term.objects.filter(number=16).exists()


def test_the_office_plans_a_round_through_the_page(client: Client, world: World, office: User) -> None:
    """Posting the round form plans the round and opens its page."""
    response = signed_in(client, office).post(
        reverse("inspections:round-create"),
        {
            "term": world.term.pk,
            "number": 5,
            "kind": Round.Kind.ROUTINE,
            "title": "",
            "start_date": "2024-03-01",
            "end_date": "2024-05-31",
        },
    )

    round_ = Round.objects.get(term=world.term, number=5)
    assert response.status_code == 302
    assert response["Location"] == round_.get_absolute_url()
    assert round_.status == Status.PLANNED


def test_planning_a_round_is_refused_to_a_county_leader(client: Client, world: World, leader: User) -> None:
    """A leader sees the term but the plan is refused with a message."""
    response = signed_in(client, leader).post(
        reverse("inspections:round-create"),
        {"term": world.term.pk, "number": 5, "kind": "ROUTINE", "start_date": "2024-03-01", "end_date": "2024-05-31"},
    )

    assert response.status_code == 302
    assert len(errors_of(response)) == 1
    assert not Round.objects.filter(number=5).exists()


def test_planning_a_round_refused_by_the_action_keeps_the_county(client: Client, world: World, office: User) -> None:
    """A duplicate round number is refused and the office returns to the same county's list."""
    response = signed_in(client, office).post(
        reverse("inspections:round-create"),
        {"term": world.term.pk, "number": 4, "kind": "ROUTINE", "start_date": "2024-03-01", "end_date": "2024-05-31"},
    )

    assert response["Location"] == f"{reverse('inspections:round-list')}?county={world.county.code}"
    assert len(errors_of(response)) == 1
    assert Round.objects.filter(term=world.term).count() == 1


# round detail, groups and members


def test_round_detail_gives_the_office_every_planning_form(client: Client, world: World, office: User) -> None:
    """The office sees the round's groups, assignments, figures and the forms to form groups and assign."""
    response = signed_in(client, office).get(world.round.get_absolute_url())

    assert response.status_code == 200
    html = page(response)
    assert "第三巡察组" in html
    assert "甲一村" in html
    assert 'data-testid="round-figures"' in html
    assert 'data-testid="group-form"' in html
    assert 'data-testid="assignment-form"' in html
    assert reverse("inspections:round-move", args=[world.round.pk]) in html


def test_round_detail_shows_a_county_leader_no_forms(client: Client, world: World, leader: User) -> None:
    """A county leader reads the round and its figures without any form or move button."""
    response = signed_in(client, leader).get(world.round.get_absolute_url())

    assert response.status_code == 200
    html = page(response)
    assert "第三巡察组" in html
    assert 'data-testid="round-figures"' in html
    assert 'data-testid="group-form"' not in html
    assert 'data-testid="assignment-form"' not in html
    assert reverse("inspections:round-move", args=[world.round.pk]) not in html


def test_round_detail_offers_no_assignment_form_once_reporting(client: Client, world: World, office: User) -> None:
    """Past stationing, the office gets no assignment form."""
    Round.objects.filter(pk=world.round.pk).update(status=Status.REPORTING)

    response = signed_in(client, office).get(world.round.get_absolute_url())

    assert 'data-testid="assignment-form"' not in page(response)


def test_the_office_forms_a_group_with_its_leader_through_the_page(client: Client, world: World, office: User) -> None:
    """Posting the group form forms 第N巡察组 with its leader and returns to the round."""
    round_ = planned_round(world)
    chief = inspector(world)

    response = signed_in(client, office).post(
        reverse("inspections:group-create", args=[round_.pk]), {"number": 1, "name": "", "leader": chief.pk}
    )

    assert response.status_code == 302
    assert response["Location"] == round_.get_absolute_url()
    group = InspectionGroup.objects.get(round=round_, number=1)
    assert group.name == "第一巡察组"
    assert group.memberships.get().user == chief


def test_forming_a_group_is_refused_to_a_county_leader(client: Client, world: World, leader: User) -> None:
    """A leader's post forms no group and gets a message."""
    round_ = planned_round(world)

    response = signed_in(client, leader).post(reverse("inspections:group-create", args=[round_.pk]), {"number": 1})

    assert len(errors_of(response)) == 1
    assert not round_.groups.exists()


def test_the_office_adds_a_member_through_the_page(client: Client, world: World, office: User) -> None:
    """Posting a person and a role puts them in the group and returns to the round."""
    person = inspector(world)

    response = signed_in(client, office).post(
        reverse("inspections:member-add", args=[world.group.pk]), {"user": person.pk, "role": "DEPUTY"}
    )

    assert response.status_code == 302
    assert response["Location"] == world.round.get_absolute_url()
    assert world.group.memberships.get(user=person).role == Membership.GroupRole.DEPUTY


def test_a_refused_member_shows_the_reason(client: Client, world: World, office: User) -> None:
    """A person tied to the township the group inspects is refused, and the next page names them and 甲镇."""
    person = inspector(world, display_name="钱七")
    Recusal.objects.create(user=person, unit=world.village_a2, tie=Recusal.Tie.HOME)

    response = signed_in(client, office).post(
        reverse("inspections:member-add", args=[world.group.pk]), {"user": person.pk, "role": "MEMBER"}, follow=True
    )

    html = page(response)
    assert "钱七" in html
    assert "甲镇" in html
    assert not world.group.memberships.filter(user=person).exists()


def test_a_group_leader_cannot_add_members_through_the_page(client: Client, world: World, group_leader: User) -> None:
    """The group's own leader sees the group but may not change it."""
    person = UserFactory.create()

    response = signed_in(client, group_leader).post(
        reverse("inspections:member-add", args=[world.group.pk]), {"user": person.pk, "role": "MEMBER"}
    )

    assert len(errors_of(response)) == 1
    assert not world.group.memberships.filter(user=person).exists()


def test_the_office_removes_a_member_through_the_page(
    client: Client, world: World, office: User, group_member: User
) -> None:
    """Posting to a membership's remove address takes the person out of the group."""
    membership = Membership.objects.get(user=group_member)

    response = signed_in(client, office).post(reverse("inspections:member-remove", args=[membership.pk]))

    assert response["Location"] == world.round.get_absolute_url()
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_the_office_moves_a_round_through_the_page(client: Client, world: World, office: User) -> None:
    """Posting the next status moves the round."""
    response = signed_in(client, office).post(
        reverse("inspections:round-move", args=[world.round.pk]), {"status": "REPORTING", "note": ""}
    )

    assert response["Location"] == world.round.get_absolute_url()
    world.round.refresh_from_db()
    assert world.round.status == Status.REPORTING


@pytest.mark.parametrize("status", ["PLANNED", "CLOSED", "ARCHIVED", ""])
def test_a_refused_move_leaves_the_round(client: Client, world: World, office: User, status: str) -> None:
    """A move backwards, a skip, or an unknown status is refused with a message, not an error page."""
    response = signed_in(client, office).post(
        reverse("inspections:round-move", args=[world.round.pk]), {"status": status}
    )

    assert response.status_code == 302
    assert len(errors_of(response)) == 1
    world.round.refresh_from_db()
    assert world.round.status == Status.STATIONED


# the assignment form (htmx)


def test_the_direct_mode_form_offers_a_village_select(client: Client, world: World, office: User) -> None:
    """For DIRECT the form has one village select with the county's villages and no check boxes."""
    round_ = planned_round(world)

    response = signed_in(client, office).get(assign_url(round_), {"mode": "DIRECT"}, headers=HTMX)

    assert response.status_code == 200
    html = page(response)
    assert "<html" not in html
    assert 'id="id_village"' in html
    assert 'type="checkbox"' not in html
    for village in (world.village_a1, world.village_a2, world.community_a, world.village_b1):
        assert f'<option value="{village.code}"' in html
    assert world.other_village.code not in html


def test_the_township_mode_form_lists_only_that_townships_villages(client: Client, world: World, office: User) -> None:
    """For 巡乡带村 with 甲镇 chosen, the villages of 甲镇 (and only those) are offered as check boxes."""
    round_ = planned_round(world)
    group = GroupFactory.create(round=round_, number=1)

    response = signed_in(client, office).get(
        assign_url(round_),
        {"group": str(group.pk), "mode": "TOWNSHIP_WITH_VILLAGES", "township": world.township_a.code},
        headers=HTMX,
    )

    html = page(response)
    assert 'id="id_village"' not in html
    assert f'<option value="{world.township_a.code}" selected>' in html
    for village in (world.village_a1, world.village_a2, world.community_a):
        assert f'type="checkbox" name="villages" value="{village.code}"' in html
    assert world.village_b1.code not in html
    assert html.count('type="checkbox"') == 3


def test_the_township_mode_form_keeps_the_ticked_villages(client: Client, world: World, office: User) -> None:
    """Re-drawing the form keeps the villages already ticked."""
    round_ = planned_round(world)

    response = signed_in(client, office).get(
        assign_url(round_) + f"?mode=TOWNSHIP_WITH_VILLAGES&township={world.township_a.code}"
        f"&villages={world.village_a2.code}&villages={world.community_a.code}",
        headers=HTMX,
    )

    html = page(response)
    assert html.count(" checked>") == 2
    assert f'value="{world.village_a2.code}" id="v-{world.village_a2.code}" checked>' in html
    assert f'value="{world.village_a1.code}" id="v-{world.village_a1.code}">' in html


def test_the_township_mode_form_without_a_township_lists_no_villages(
    client: Client, world: World, office: User
) -> None:
    """Until a township is chosen, no village is offered."""
    round_ = planned_round(world)

    response = signed_in(client, office).get(assign_url(round_), {"mode": "TOWNSHIP_WITH_VILLAGES"}, headers=HTMX)

    html = page(response)
    assert 'id="id_township"' in html
    assert 'type="checkbox"' not in html


def test_the_special_mode_form_asks_for_a_topic_and_offers_every_village(
    client: Client, world: World, office: User
) -> None:
    """For a special inspection the form asks for the topic and offers the county's villages as check boxes."""
    round_ = planned_round(world)

    response = signed_in(client, office).get(assign_url(round_), {"mode": "SPECIAL"}, headers=HTMX)

    html = page(response)
    assert 'id="id_topic"' in html
    assert html.count('type="checkbox"') == 4
    assert world.other_village.code not in html


# assigning by POST


def test_assigning_by_plain_post_redirects_to_the_round(client: Client, world: World, office: User) -> None:
    """A plain POST assigns and redirects to the round."""
    round_ = planned_round(world)
    group = GroupFactory.create(round=round_, number=1)

    response = signed_in(client, office).post(assign_url(round_), assignment_post(group, village=world.village_a2.code))

    assert response.status_code == 302
    assert response["Location"] == round_.get_absolute_url()
    assignment = Assignment.objects.get(round=round_)
    assert (assignment.group, assignment.target) == (group, world.village_a2)


def test_assigning_by_htmx_answers_with_an_hx_redirect(client: Client, world: World, office: User) -> None:
    """An htmx POST assigns and tells htmx to load the round's page."""
    round_ = planned_round(world)
    group = GroupFactory.create(round=round_, number=1)

    response = signed_in(client, office).post(
        assign_url(round_),
        assignment_post(
            group,
            mode="TOWNSHIP_WITH_VILLAGES",
            township=world.township_a.code,
            villages=[world.village_a2.code, world.community_a.code],
        ),
        headers=HTMX,
    )

    assert response.status_code == 204
    assert response["HX-Redirect"] == round_.get_absolute_url()
    assignment = Assignment.objects.get(round=round_)
    assert assignment.target == world.township_a
    assert set(assignment.villages.all()) == {world.village_a2, world.community_a}


def test_assigning_a_special_inspection_by_post(client: Client, world: World, office: User) -> None:
    """A special inspection posted with a topic targets the county."""
    round_ = planned_round(world)
    group = GroupFactory.create(round=round_, number=1)

    signed_in(client, office).post(
        assign_url(round_),
        assignment_post(
            group, mode="SPECIAL", topic="产业发展", villages=[world.village_a2.code, world.village_b1.code]
        ),
    )

    assignment = Assignment.objects.get(round=round_)
    assert (assignment.target, assignment.topic) == (world.county, "产业发展")


def test_a_refused_assignment_shows_the_reason_with_status_409(client: Client, world: World, office: User) -> None:
    """A plain POST for a village another group holds re-renders the round with the reason and writes nothing."""
    group = GroupFactory.create(round=world.round, number=4)

    response = signed_in(client, office).post(
        assign_url(world.round), assignment_post(group, village=world.village_a1.code)
    )

    assert response.status_code == 409
    html = page(response)
    assert "<html" in html
    assert 'data-testid="assignment-error"' in html
    error = html.split('data-testid="assignment-error"')[1].split("</div>")[0]
    assert "甲一村" in error
    assert "第三巡察组" in error
    assert not group.assignments.exists()
    assert not Event.objects.exclude(verb="accounts.signed_in").exists()


def test_a_refused_assignment_by_htmx_shows_the_reason_in_the_partial(
    client: Client, world: World, office: User
) -> None:
    """An htmx POST that is refused gets the form partial back, with the reason and the entered values."""
    inspector = UserFactory.create(display_name="孙八")
    round_ = planned_round(world)
    group = GroupFactory.create(round=round_, number=1)
    member(group, inspector)
    Recusal.objects.create(user=inspector, unit=world.village_a1, tie=Recusal.Tie.RELATIVE)

    response = signed_in(client, office).post(
        assign_url(round_), assignment_post(group, village=world.village_a2.code), headers=HTMX
    )

    assert response.status_code == 200
    html = page(response)
    assert html.lstrip().startswith('<div id="assignment-form">')
    error = html.split('data-testid="assignment-error"')[1].split("</div>")[0]
    assert "孙八" in error
    assert "甲镇" in error
    assert f'<option value="{world.village_a2.code}" selected>' in html
    assert not Assignment.objects.filter(round=round_).exists()
    assert not Event.objects.exclude(verb="accounts.signed_in").exists()


def test_an_incomplete_assignment_form_is_refused(client: Client, world: World, office: User) -> None:
    """A direct inspection posted without its village is refused with status 400 and writes nothing."""
    round_ = planned_round(world)
    group = GroupFactory.create(round=round_, number=1)

    response = signed_in(client, office).post(assign_url(round_), assignment_post(group))

    assert response.status_code == 400
    assert 'data-testid="assignment-error"' in page(response)
    assert not Assignment.objects.filter(round=round_).exists()


def test_an_assignment_refused_for_the_rounds_state_shows_the_reason(
    client: Client, world: World, office: User
) -> None:
    """A plain POST to a round that is reporting is refused and the page says why."""
    Round.objects.filter(pk=world.round.pk).update(status=Status.REPORTING)

    response = signed_in(client, office).post(
        assign_url(world.round), assignment_post(world.group, village=world.village_a2.code)
    )

    assert response.status_code == 409
    assert 'data-testid="assignment-error"' in page(response)


def test_an_assignment_posted_by_a_non_planner_is_forbidden(client: Client, world: World, leader: User) -> None:
    """A county leader who posts the assignment form is answered 403 and nothing is assigned."""
    response = signed_in(client, leader).post(
        assign_url(world.round), assignment_post(world.group, village=world.village_a2.code)
    )

    assert list(Assignment.objects.filter(round=world.round)) == [world.assignment]
    assert response.status_code == 403


def test_the_assignment_form_is_not_served_to_a_group_member(client: Client, world: World, group_member: User) -> None:
    """Only planners get the assignment form; a group member is answered 403."""
    GroupFactory.create(round=world.round, number=4, name="第四巡察组")

    response = signed_in(client, group_member).get(assign_url(world.round), {"mode": "DIRECT"}, headers=HTMX)

    assert "第四巡察组" not in page(response)
    assert response.status_code == 403


# assignment detail and cancellation


def test_assignment_detail_shows_the_villages_and_the_members(
    client: Client, world: World, office: User, group_leader: User
) -> None:
    """The assignment's page lists its villages and its group's members; a stationed one cannot be cancelled."""
    response = signed_in(client, office).get(world.assignment.get_absolute_url())

    assert response.status_code == 200
    html = page(response)
    assert "甲一村" in html
    assert str(group_leader) in html
    assert response.context["can_cancel"] is False
    assert reverse("inspections:assignment-cancel", args=[world.assignment.pk]) not in html


def test_assignment_detail_offers_the_office_to_cancel_a_planned_assignment(
    client: Client, world: World, office: User, leader: User
) -> None:
    """While the round is planned the office sees the cancel button; a county leader does not."""
    assignment = assign(GroupFactory.create(round=planned_round(world), number=1), [world.village_a2])
    cancel = reverse("inspections:assignment-cancel", args=[assignment.pk])

    assert cancel in page(signed_in(client, office).get(assignment.get_absolute_url()))
    assert cancel not in page(signed_in(Client(), leader).get(assignment.get_absolute_url()))


def test_the_office_cancels_a_planned_assignment_through_the_page(client: Client, world: World, office: User) -> None:
    """Cancelling a planned assignment deletes it and returns to the round."""
    round_ = planned_round(world)
    assignment = assign(GroupFactory.create(round=round_, number=1), [world.village_a2])

    response = signed_in(client, office).post(
        reverse("inspections:assignment-cancel", args=[assignment.pk]), {"note": "调整"}
    )

    assert response["Location"] == round_.get_absolute_url()
    assert not Assignment.objects.filter(pk=assignment.pk).exists()
    assert Event.objects.get(verb="inspections.assignment_cancelled").note == "调整"


def test_cancelling_a_stationed_assignment_is_refused(client: Client, world: World, office: User) -> None:
    """A stationed assignment stays, and the office returns to it with the reason."""
    response = signed_in(client, office).post(reverse("inspections:assignment-cancel", args=[world.assignment.pk]))

    assert response["Location"] == world.assignment.get_absolute_url()
    assert len(errors_of(response)) == 1
    assert Assignment.objects.filter(pk=world.assignment.pk).exists()


# recusals


def test_a_member_declares_their_own_tie_on_the_recusal_page(client: Client, world: World, group_member: User) -> None:
    """A group member posts a tie of their own to a village of the county they inspect in."""
    response = signed_in(client, group_member).post(
        reverse("inspections:recusal-list"),
        {"person": group_member.pk, "unit": world.village_b1.code, "tie": "HOME", "detail": "户籍所在地"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("inspections:recusal-list")
    recusal = Recusal.objects.get(user=group_member)
    assert (recusal.unit, recusal.tie, recusal.detail) == (world.village_b1, Recusal.Tie.HOME, "户籍所在地")


def test_a_member_cannot_declare_someone_elses_tie_on_the_page(
    client: Client, world: World, group_member: User, group_leader: User
) -> None:
    """The person field offers a member only themselves; another person is refused and nothing is written."""
    response = signed_in(client, group_member).post(
        reverse("inspections:recusal-list"),
        {"person": group_leader.pk, "unit": world.village_b1.code, "tie": "HOME"},
    )

    assert response.status_code == 200
    assert list(response.context["form"].fields["person"].queryset) == [group_member]
    assert not Recusal.objects.exists()


def test_the_office_declares_a_tie_for_someone_on_the_page(client: Client, world: World, office: User) -> None:
    """The office picks any eligible person and records a tie for them."""
    person = inspector(world)

    signed_in(client, office).post(
        reverse("inspections:recusal-list"), {"person": person.pk, "unit": world.township_b.code, "tie": "FORMER_POST"}
    )

    assert Recusal.objects.get(user=person).unit == world.township_b


def test_the_office_sees_every_tie_of_its_county(
    client: Client, world: World, office: User, group_member: User, outsider: User
) -> None:
    """The office lists every tie to a unit of its county, each with a withdraw button, and not other counties'."""
    own = Recusal.objects.create(user=group_member, unit=world.village_a2, tie=Recusal.Tie.HOME)
    other = Recusal.objects.create(user=UserFactory.create(), unit=world.township_b, tie=Recusal.Tie.RELATIVE)
    Recusal.objects.create(user=outsider, unit=world.other_village, tie=Recusal.Tie.HOME)

    response = signed_in(client, office).get(reverse("inspections:recusal-list"))

    assert response.status_code == 200
    assert set(response.context["recusals"]) == {own, other}
    assert response.context["withdrawable"] == {own.pk, other.pk}
    assert reverse("inspections:recusal-withdraw", args=[own.pk]) in page(response)


def test_a_member_sees_only_their_own_ties(
    client: Client, world: World, group_member: User, group_leader: User
) -> None:
    """A member lists their own ties, without a withdraw button, and not their colleagues'."""
    own = Recusal.objects.create(user=group_member, unit=world.village_a2, tie=Recusal.Tie.HOME)
    Recusal.objects.create(user=group_leader, unit=world.village_b1, tie=Recusal.Tie.RELATIVE)

    response = signed_in(client, group_member).get(reverse("inspections:recusal-list"))

    assert list(response.context["recusals"]) == [own]
    assert response.context["withdrawable"] == set()
    assert reverse("inspections:recusal-withdraw", args=[own.pk]) not in page(response)


def test_the_office_withdraws_a_tie_on_the_page(client: Client, world: World, office: User, group_member: User) -> None:
    """The office's withdraw button removes the tie."""
    recusal = Recusal.objects.create(user=group_member, unit=world.village_a2, tie=Recusal.Tie.HOME)

    response = signed_in(client, office).post(reverse("inspections:recusal-withdraw", args=[recusal.pk]))

    assert response["Location"] == reverse("inspections:recusal-list")
    assert not Recusal.objects.filter(pk=recusal.pk).exists()


def test_a_member_cannot_withdraw_their_own_tie_on_the_page(client: Client, world: World, group_member: User) -> None:
    """A member's post to withdraw their tie is refused with a message and the tie stays."""
    recusal = Recusal.objects.create(user=group_member, unit=world.village_a2, tie=Recusal.Tie.HOME)

    response = signed_in(client, group_member).post(reverse("inspections:recusal-withdraw", args=[recusal.pk]))

    assert len(errors_of(response)) == 1
    assert Recusal.objects.filter(pk=recusal.pk).exists()


def test_a_tie_out_of_sight_cannot_be_withdrawn(client: Client, world: World, office: User, outsider: User) -> None:
    """Another county's office gets 404 for a tie in this county."""
    recusal = Recusal.objects.create(user=office, unit=world.village_a2, tie=Recusal.Tie.HOME)

    response = signed_in(client, outsider).post(reverse("inspections:recusal-withdraw", args=[recusal.pk]))

    assert response.status_code == 404
    assert Recusal.objects.filter(pk=recusal.pk).exists()


# query budgets


def test_the_round_list_costs_the_same_however_many_rounds(client: Client, world: World, office: User) -> None:
    """The round list runs a fixed number of queries as rounds and their groups are added."""
    signed_in(client, office)
    url = reverse("inspections:round-list")
    before = queries_for(client, url)

    for number in range(5, 9):
        round_ = RoundFactory.create(term=world.term, number=number)
        GroupFactory.create(round=round_, number=1)
        GroupFactory.create(round=round_, number=2)

    assert queries_for(client, url) == before


def test_the_round_page_of_a_reader_costs_the_same_however_many_groups(
    client: Client, world: World, leader: User
) -> None:
    """For a reader the round's page runs a fixed number of queries as groups, members and villages are added."""
    signed_in(client, leader)
    before = queries_for(client, world.round.get_absolute_url())

    add_groups(world, range(10, 14))

    assert queries_for(client, world.round.get_absolute_url()) == before


def test_the_round_page_of_the_office_costs_the_same_however_many_groups(
    client: Client, world: World, office: User
) -> None:
    """For the office, too, the round's page runs a fixed number of queries as groups are added."""
    signed_in(client, office)
    before = queries_for(client, world.round.get_absolute_url())

    add_groups(world, range(10, 14))

    assert queries_for(client, world.round.get_absolute_url()) == before


def test_the_recusal_page_costs_the_same_however_many_ties(client: Client, world: World, office: User) -> None:
    """The recusal page runs a fixed number of queries as ties are declared."""
    signed_in(client, office)
    url = reverse("inspections:recusal-list")
    Recusal.objects.create(user=UserFactory.create(), unit=world.village_a1, tie=Recusal.Tie.HOME)
    before = queries_for(client, url)

    for unit in (world.village_a2, world.township_b, world.community_a):
        Recusal.objects.create(user=UserFactory.create(), unit=unit, tie=Recusal.Tie.RELATIVE)

    assert queries_for(client, url) == before
