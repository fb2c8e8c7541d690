"""Scope, pages, API, the .docx and the dashboard's figures of the deliverables."""

from __future__ import annotations

import io
from datetime import date

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from docx import Document
from pytest_django import DjangoAssertNumQueries
from rest_framework.test import APIClient

from xuncha.accounts.models import User
from xuncha.conftest import World
from xuncha.deliverables import actions
from xuncha.deliverables.models import Deliverable
from xuncha.deliverables.queries import deliverable_figures
from xuncha.deliverables.tests.conftest import of
from xuncha.organisations.tests import factories as units
from xuncha.rectification.models import Feedback, LedgerItem
from xuncha.rectification.tests.factories import publish, reported_round, village_person
from xuncha.rectification.tests.test_handoffs import department_person

Kind = Deliverable.Kind
Status = Deliverable.Status


@pytest.fixture
def two(world: World, office: User) -> tuple[Feedback, Feedback]:
    """甲一村 (township 甲镇) and 乙一村 (township 乙镇) fed back."""
    reported = reported_round(world)
    return publish(reported.round, world.village_a1, office), publish(reported.round, world.village_b1, office)


def test_each_reader_sees_its_own_deliverables(
    world: World,
    two: tuple[Feedback, Feedback],
    office: User,
    leader: User,
    township_user: User,
    village_user: User,
    group_member: User,
    discipline: User,
    outsider: User,
) -> None:
    """The office and leaders the county's, a township its villages', a village its own, nobody else any."""
    a1, b1 = two
    seen = lambda user: set(Deliverable.objects.visible_to(user).values_list("feedback_id", flat=True))  # noqa: E731
    assert seen(office) == seen(leader) == {a1.pk, b1.pk}
    assert seen(township_user) == {a1.pk} == seen(village_user)
    assert seen(village_person(world.village_b1)) == {b1.pk}
    for nobody in (group_member, discipline, outsider, AnonymousUser()):
        assert seen(nobody) == set()


def test_a_department_sees_only_its_own(world: World, two: tuple[Feedback, Feedback], office: User) -> None:
    from xuncha.rectification import actions as rectification_actions

    zhujian, shuili = units.department(world.county, "县住建局"), units.department(world.county, "县水利局")
    item = LedgerItem.objects.filter(feedback=two[0]).first()
    assert item is not None
    rectification_actions.hand_off_item(item, unit=zhujian, request="恢复消火栓。", actor=office)
    mine = Deliverable.objects.visible_to(department_person(zhujian, "dept_zhujian"))
    assert set(mine.values_list("unit", flat=True)) == {zhujian.pk} and mine.count() == 3
    assert not Deliverable.objects.visible_to(department_person(shuili, "dept_shuili")).exists()


def test_the_pages_walk_a_plan_from_draft_to_acceptance(
    client: Client, feedback: Feedback, village_user: User, township_user: User, office: User
) -> None:
    plan = of(feedback, Kind.PLAN)
    url = plan.get_absolute_url()
    client.force_login(village_user)
    assert 'data-testid="prefill-form"' in client.get(url).content.decode()
    client.post(reverse("deliverables:draft", args=[plan.pk]))
    client.post(reverse("deliverables:draft", args=[plan.pk]), {"text": "一、总体要求\n按期整改。"})
    client.post(reverse("deliverables:submit", args=[plan.pk]), {"confirm": "on"})
    plan.refresh_from_db()
    assert (plan.status, plan.text) == (Status.SUBMITTED, "一、总体要求\n按期整改。")
    client.force_login(township_user)
    assert 'data-testid="review-form"' in client.get(url).content.decode()
    client.post(reverse("deliverables:review", args=[plan.pk]), {"decision": "approve"})
    client.force_login(office)
    client.post(reverse("deliverables:accept", args=[plan.pk]), {"decision": "approve"})
    plan.refresh_from_db()
    assert plan.status == Status.ACCEPTED


def test_the_village_list_page_and_the_ledger_link_the_deliverables(
    client: Client, feedback: Feedback, village_user: User
) -> None:
    client.force_login(village_user)
    page = client.get(feedback.individual_list.get_absolute_url()).content.decode()
    assert page.count('data-testid="deliverable-row"') == 3
    assert of(feedback, Kind.REPORT).get_absolute_url() in page
    assert reverse("deliverables:list") in client.get(reverse("rectification:item-list")).content.decode()


def test_another_village_and_anonymous_get_nothing(client: Client, world: World, feedback: Feedback) -> None:
    plan = of(feedback, Kind.PLAN)
    assert client.get(plan.get_absolute_url()).status_code == 302
    client.force_login(village_person(world.village_a2))
    assert client.get(plan.get_absolute_url()).status_code == 404
    assert client.get(reverse("deliverables:docx", args=[plan.pk])).status_code == 404
    assert client.post(reverse("deliverables:draft", args=[plan.pk])).status_code == 404


LIST_QUERIES = 7


def test_the_list_costs_the_same_with_more_rows(
    client: Client, world: World, office: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    reported = reported_round(world)
    publish(reported.round, world.village_a1, office)
    client.force_login(office)
    with django_assert_num_queries(LIST_QUERIES):
        assert client.get(reverse("deliverables:list")).status_code == 200
    publish(reported.round, world.village_b1, office)
    publish(reported.round, world.village_a2, office)
    with django_assert_num_queries(LIST_QUERIES):
        page = client.get(reverse("deliverables:list"), {"light": "RED"}).content.decode()
    assert page.count('data-testid="deliverable-row"') == 9


def test_the_docx_opens_with_its_title_and_text(client: Client, feedback: Feedback, village_user: User) -> None:
    plan = of(feedback, Kind.PLAN)
    actions.draft_deliverable(plan, actor=village_user)
    client.force_login(village_user)
    response = client.get(reverse("deliverables:docx", args=[plan.pk]))
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "巡察反馈意见整改方案" in text and "草稿" in text
    item = LedgerItem.objects.filter(feedback=feedback).order_by("number").first()
    assert item is not None and item.number in text


def test_the_api_lists_in_scope_and_moves_through_the_actions(
    world: World, two: tuple[Feedback, Feedback], village_user: User, township_user: User, office: User
) -> None:
    api = APIClient()
    api.force_authenticate(village_user)
    rows = api.get("/api/v1/deliverables/").json()
    results = rows["results"] if isinstance(rows, dict) else rows
    assert {row["feedback"] for row in results} == {two[0].pk}
    plan = of(two[0], Kind.PLAN)
    other = of(two[1], Kind.PLAN)
    assert api.post(f"/api/v1/deliverables/{other.pk}/draft/", {}, format="json").status_code == 404
    assert api.post(f"/api/v1/deliverables/{plan.pk}/draft/", {}, format="json").json()["status"] == "DRAFT"
    assert api.post(f"/api/v1/deliverables/{plan.pk}/submit/", {}, format="json").status_code == 409
    body = api.post(f"/api/v1/deliverables/{plan.pk}/submit/", {"confirm": True}, format="json").json()
    assert body["status"] == "SUBMITTED" and body["light"] == "RED" and body["timeliness"] == "LATE"
    assert api.post(f"/api/v1/deliverables/{plan.pk}/review/", {"approve": True}, format="json").status_code == 403
    api.force_authenticate(township_user)
    assert api.post(f"/api/v1/deliverables/{plan.pk}/review/", {"approve": True}, format="json").status_code == 200
    api.force_authenticate(office)
    body = api.post(f"/api/v1/deliverables/{plan.pk}/accept/", {"approve": True}, format="json").json()
    assert body["status"] == "ACCEPTED"


def test_the_figures_count_on_time_late_and_missing(
    client: Client, world: World, two: tuple[Feedback, Feedback], village_user: User, office: User
) -> None:
    """甲一村's plan came in time and its report late; 乙一村 handed in nothing: both of its due ones are missing."""
    a1, _b1 = two
    with time_machine.travel(date(2023, 12, 15), tick=False):
        actions.draft_deliverable(of(a1, Kind.PLAN), actor=village_user)
        actions.submit_deliverable(of(a1, Kind.PLAN), actor=village_user, confirm=True)
    actions.draft_deliverable(of(a1, Kind.REPORT), actor=village_user)
    actions.submit_deliverable(of(a1, Kind.REPORT), actor=village_user, confirm=True)
    figures = deliverable_figures(Deliverable.objects.all())
    assert {k: figures["PLAN"][k] for k in ("total", "on_time", "late", "missing")} == {
        "total": 2,
        "on_time": 1,
        "late": 0,
        "missing": 1,
    }
    assert {k: figures["REPORT"][k] for k in ("on_time", "late", "missing")} == {"on_time": 0, "late": 1, "missing": 1}
    assert figures["LEADER_REPORT"]["missing"] == 2
    client.force_login(office)
    page = client.get(reverse("dashboard:unit", args=[world.county.code]), {"term": world.term.pk}).content.decode()
    assert 'data-testid="deliverable-figures"' in page
    assert '<tr data-kind="PLAN">' in page
