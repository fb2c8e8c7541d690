"""Lists as users expect them: a pager with the total, page numbers and a page size; filters that fit the reader's
reach; and the actions a reader's role cannot take now shown disabled, with the reason and the next step."""

from __future__ import annotations

import re
from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from pytest_django import DjangoAssertNumQueries

from xuncha.accounts.models import User
from xuncha.conftest import World
from xuncha.inspections.models import Round
from xuncha.rectification import actions, permissions, refusals
from xuncha.rectification.models import LedgerItem
from xuncha.rectification.tests.factories import Reported, reported_round, set_round
from xuncha.rectification.tests.test_ledger_views import extra_items, publish, published_item, verify_on_a_visit

Status = LedgerItem.Status


def _html(client: Client, url: str, params: dict[str, str] | None = None) -> str:
    response = client.get(url, params or {})
    assert response.status_code == 200
    return response.content.decode()


# The pager --------------------------------------------------------------------------------------------------------


def test_the_pager_shows_the_total_page_numbers_with_a_gap_and_keeps_the_filters(
    client: Client, world: World, office: User
) -> None:
    """130 open items at 20 a page: 7 pages, shown as 1 2 3 … 7, each link keeping the status filter."""
    extra_items(publish(world, office), [timezone.localdate() + timedelta(days=40)] * 129)
    client.force_login(office)
    html = _html(client, reverse("rectification:item-list"), {"status": Status.OPEN, "per_page": "20"})
    assert html.count('data-testid="ledger-row"') == 20
    pager = html[html.index('data-testid="pager"') :]
    assert "130" in pager[: pager.index("</span>")]
    pages = re.findall(r'data-testid="pager-page">(\d+)<', pager)
    assert pages == ["2", "3", "7"] and "…" in pager
    assert "status=OPEN&amp;per_page=20&amp;page=7" in pager
    assert 'data-testid="pager-size-current">20<' in pager
    assert "status=OPEN&amp;per_page=100" in pager  # the size links keep the filters and drop the page


def test_an_unknown_page_size_falls_back_to_the_lists_own(client: Client, world: World, office: User) -> None:
    extra_items(publish(world, office), [timezone.localdate()] * 59)
    client.force_login(office)
    for size, shown in (("100", 60), ("7", 50), ("abc", 50)):
        response = client.get(reverse("rectification:item-list"), {"per_page": size})
        assert len(response.context["page_obj"]) == shown


def test_the_village_list_pages_by_the_chosen_size(client: Client, world: World, office: User) -> None:
    client.force_login(office)
    response = client.get(reverse("organisations:village-list"), {"per_page": "20"})
    assert response.context["page_obj"].paginator.per_page == 20


# Filters that fit the reader --------------------------------------------------------------------------------------


def _selects(html: str) -> set[str]:
    start = html.index('data-testid="ledger-filters"')
    form = html[start : html.index("</form>", start)]
    return set(re.findall(r'<select[^>]*\bname="(\w+)"', form))


def test_a_village_sees_no_township_village_or_term_selector_and_no_review_queue(
    client: Client, world: World, office: User, village_user: User
) -> None:
    published_item(world, office)
    client.force_login(village_user)
    html = _html(client, reverse("rectification:item-list"))
    assert not _selects(html) & {"township", "village", "term"}
    assert {"status", "light", "category"} <= _selects(html)
    assert 'data-testid="review-link"' not in html


def test_a_township_chooses_among_its_own_villages_only(
    client: Client, world: World, office: User, township_user: User
) -> None:
    client.force_login(township_user)
    response = client.get(reverse("rectification:item-list"))
    html = response.content.decode()
    assert "township" not in _selects(html) and "village" in _selects(html)
    offered = set(response.context["filter"].form.fields["village"].queryset.values_list("code", flat=True))
    assert offered == {world.village_a1.code, world.village_a2.code, world.community_a.code}
    assert 'data-testid="review-link"' in html
    villages = client.get(reverse("organisations:village-list")).context["filter"].form.fields
    assert "township" not in villages


def test_the_office_keeps_every_selector(client: Client, world: World, office: User) -> None:
    client.force_login(office)
    assert {"term", "township", "village", "status"} <= _selects(_html(client, reverse("rectification:item-list")))


# Actions not possible yet -----------------------------------------------------------------------------------------


def _reviewed_key_village_item(world: World, office: User) -> LedgerItem:
    item = published_item(world, office)  # 甲一村 is a key village
    LedgerItem.objects.filter(pk=item.pk).update(status=Status.REVIEWED, done_on=timezone.localdate())
    item.refresh_from_db()
    assert item.needs_return_visit
    return item


def test_closing_a_key_village_item_waits_for_the_visit_and_offers_to_plan_it(
    client: Client, world: World, office: User, office_lead: User
) -> None:
    item = _reviewed_key_village_item(world, office)
    assert permissions.can_close(office, item)  # the boolean permission is unchanged
    assert refusals.verdict(refusals.why_not_close_item(office, item)) == (
        False,
        "An item of a key village closes only after a return visit verified it.",
    )
    with translation.override("zh-hans"):
        assert refusals.why_not_close_item(office, item) == "重点村须经回访核实后销号"
    client.force_login(office)
    html = _html(client, item.get_absolute_url())
    assert 'data-testid="close-form"' not in html
    refused = html[html.index('data-testid="refused-close"') :]
    assert "disabled" in refused[: refused.index("</button>")]
    assert "closes only after a return visit verified it" in refused
    plan = f"{reverse('rectification:visit-plan')}?village={world.village_a1.code}&amp;items={item.pk}"
    assert plan in refused
    assert client.get(plan.replace("&amp;", "&")).status_code == 200

    verify_on_a_visit(item, office)
    item.refresh_from_db()
    # The clerk verified it: the page says who closes instead (four eyes), and the director gets the form.
    html = _html(client, item.get_absolute_url())
    assert 'data-testid="close-form"' not in html
    assert "four eyes" in html[html.index('data-testid="refused-close"') :]
    assert refusals.why_not_close_item(office_lead, item) is None
    client.force_login(office_lead)
    html = _html(client, item.get_absolute_url())
    assert 'data-testid="close-form"' in html and 'data-testid="refused-close"' not in html
    checklist = html[html.index('data-testid="close-checklist"') :]
    assert "Return visit" in checklist and "Verified by" in checklist


def test_the_village_is_told_its_submission_waits_for_the_township(
    client: Client, world: World, office: User, village_user: User, township_user: User
) -> None:
    item = published_item(world, office)
    LedgerItem.objects.filter(pk=item.pk).update(status=Status.SUBMITTED)
    client.force_login(village_user)
    html = _html(client, item.get_absolute_url())
    assert 'data-testid="refused-submit"' in html and "the township is reviewing it" in html
    assert 'data-testid="refused-close"' not in html  # not the village's part: no noise
    client.force_login(township_user)
    assert 'data-testid="review-form"' in _html(client, item.get_absolute_url())


def test_the_township_is_told_it_reviews_only_submitted_items(
    client: Client, world: World, office: User, township_user: User
) -> None:
    item = published_item(world, office)
    client.force_login(township_user)
    html = _html(client, item.get_absolute_url())
    assert 'data-testid="refused-review"' in html and 'data-testid="review-form"' not in html
    assert refusals.why_not_review_item(township_user, item) is not None
    assert refusals.why_not_review_item(office, item) == "Only the overseeing township reviews the item."


def test_the_office_is_told_a_submission_is_returned_after_the_townships_approval(world: World, office: User) -> None:
    item = published_item(world, office)
    LedgerItem.objects.filter(pk=item.pk).update(status=Status.SUBMITTED)
    item.refresh_from_db()
    assert (
        refusals.why_not_return_item(office, item) == "The office returns an item after the township has approved it."
    )
    LedgerItem.objects.filter(pk=item.pk).update(status=Status.REVIEWED)
    item.refresh_from_db()
    assert refusals.why_not_return_item(office, item) is None


def test_publishing_an_unbuilt_list_is_shown_disabled_with_the_reason(
    client: Client, world: World, office: User
) -> None:
    reported: Reported = reported_round(world)
    client.force_login(office)
    html = _html(client, reverse("rectification:list-overview"), {"round": str(reported.round.pk)})
    code = world.village_a1.code
    assert f'data-testid="publish-disabled-{code}"' in html and f'data-testid="publish-{code}"' not in html
    assert f"Build the individual list of {world.village_a1} first." in html
    assert refusals.why_not_publish_feedback(office, reported.round, world.village_a1, built=False)
    assert refusals.why_not_publish_feedback(office, reported.round, world.village_a1, built=True) is None


def test_the_office_is_told_why_a_round_takes_no_feedback_yet(client: Client, world: World, office: User) -> None:
    """A closed round is still read on the overview; the office is told why it has no publish button there."""
    reported_round(world)
    round_ = set_round(world, Round.Status.CLOSED)
    assert refusals.why_not_publish_feedback(office, round_) == (
        "Lists are built and fed back after the groups report; the round is Closed."
    )
    client.force_login(office)
    html = _html(client, reverse("rectification:list-overview"), {"round": str(round_.pk)})
    assert 'data-testid="publish-refusal"' in html and "the round is Closed" in html


# Query budgets ----------------------------------------------------------------------------------------------------
# The pager reads its total with the paginator's one COUNT, which the lists already ran for their "N items" line: the
# ledger (12), village list and dashboard drill pins are unchanged. These pin the lists that had no budget yet.

VISIT_LIST_QUERIES = 9
# The round list asks once more whether the reader may open the county named in its breadcrumb.
ROUND_LIST_QUERIES = 12
VILLAGE_LEDGER_QUERIES = 9


def _visits(item: LedgerItem, office: User, count: int) -> None:
    for _n in range(count):
        actions.plan_visit(item.village, planned_on=timezone.localdate(), items=[item], actor=office, visitors="巡察办")


def test_the_visit_list_costs_the_same_however_many_visits(
    client: Client, world: World, office: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    item = published_item(world, office)
    LedgerItem.objects.filter(pk=item.pk).update(status=Status.REVIEWED)
    item.refresh_from_db()
    _visits(item, office, 1)
    client.force_login(office)
    url = reverse("rectification:visit-list")
    client.get(url)
    with django_assert_num_queries(VISIT_LIST_QUERIES):
        client.get(url, {"per_page": "20"})
    _visits(item, office, 25)
    with django_assert_num_queries(VISIT_LIST_QUERIES):
        client.get(url, {"per_page": "20"})


def test_the_round_list_and_a_villages_ledger_have_fixed_budgets(
    client: Client,
    world: World,
    office: User,
    village_user: User,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    extra_items(publish(world, office), [timezone.localdate()] * 30)
    client.force_login(office)
    client.get(reverse("inspections:round-list"))
    with django_assert_num_queries(ROUND_LIST_QUERIES):
        client.get(reverse("inspections:round-list"))
    client.force_login(village_user)
    client.get(reverse("rectification:item-list"))
    with django_assert_num_queries(VILLAGE_LEDGER_QUERIES):
        client.get(reverse("rectification:item-list"), {"per_page": "20", "page": "2"})
