"""A village's public page of rectification results (双公开): what the office published and nothing else."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from pytest_django import DjangoAssertNumQueries

from xuncha.accounts.actors import SYSTEM
from xuncha.conftest import World
from xuncha.findings.models import Category
from xuncha.findings.tests.factories import CLUE_SUBJECT, CLUE_SUMMARY, REPORTER_NAME, ClueFactory, record_petition
from xuncha.public.models import Disclosure, Survey
from xuncha.public.qr import qr_svg
from xuncha.public.tests.conftest import (
    LEADER,
    PUBLIC_RESULT,
    PUBLIC_SUMMARY,
    RAW_SUMMARY,
    REPORT,
    done_item,
    survey_of,
)
from xuncha.rectification.models import LedgerItem


def url(code: str) -> str:
    return reverse("public:disclosure", args=[code])


def page(client: Client, code: str) -> str:
    response = client.get(url(code))
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_the_published_result_without_login(
    client: Client, world: World, disclosure: Disclosure
) -> None:
    """甲镇 甲一村: the office's summary and result, the category and the day the item closed."""
    html = page(client, world.village_a1.code)
    assert "甲镇 甲一村" in html
    assert PUBLIC_SUMMARY in html
    assert PUBLIC_RESULT in html
    assert str(Category(disclosure.item.category).label) in html
    assert disclosure.item.closed_on is not None
    assert date_format(disclosure.item.closed_on) in html
    assert html.count('data-testid="result"') == 1


def test_the_page_shows_no_personal_data(client: Client, world: World, disclosure: Disclosure) -> None:
    """Neither the item's own summary, its responsible leader, the village's report, a clue about the village nor
    the name of a resident who wrote to the group appear: only the words the office published."""
    ClueFactory.create(assignment=world.assignment)
    record_petition(world.assignment, SYSTEM, text="反映村集体土地出租问题")
    html = page(client, world.village_a1.code)
    for private in (
        RAW_SUMMARY,
        "李建国",
        "张秀英",
        LEADER,
        "韦秀英",
        REPORT,
        CLUE_SUBJECT,
        CLUE_SUMMARY,
        REPORTER_NAME,
    ):
        assert private not in html, private
    assert disclosure.item.number not in html


def test_unpublished_and_withdrawn_items_are_not_shown(client: Client, world: World, disclosure: Disclosure) -> None:
    """A done item nobody published, and a published one that was withdrawn, stay off the page."""
    done_item(world.village_a1, summary="村务监督委员会未按规定开展监督。")
    withdrawn = done_item(world.village_a1)
    Disclosure.objects.create(
        item=withdrawn, summary="村级财务公开不及时。", result="已补公开。", withdrawn_at=timezone.now()
    )
    html = page(client, world.village_a1.code)
    assert "村务监督委员会未按规定开展监督" not in html
    assert "村级财务公开不及时" not in html
    assert html.count('data-testid="result"') == 1


def test_a_reopened_item_drops_off_the_page(client: Client, world: World, disclosure: Disclosure) -> None:
    """Reopened after a return visit, the item is no longer shown as fixed, until it is done again."""
    LedgerItem.objects.filter(pk=disclosure.item_id).update(status=LedgerItem.Status.IN_PROGRESS)
    html = page(client, world.village_a1.code)
    assert PUBLIC_SUMMARY not in html
    assert 'data-testid="no-results"' in html


def test_a_long_term_item_says_it_continues(client: Client, world: World) -> None:
    item = done_item(world.village_a1, status=LedgerItem.Status.ONGOING)
    Disclosure.objects.create(item=item, summary="集体资产管理制度不健全。", result="已建立制度，长期坚持。")
    html = page(client, world.village_a1.code)
    assert "集体资产管理制度不健全" in html
    assert "Long-term rectification, continuing" in html


def test_other_villages_results_are_not_shown(client: Client, world: World, disclosure: Disclosure) -> None:
    html = page(client, world.village_a2.code)
    assert PUBLIC_SUMMARY not in html
    assert "甲镇 甲二村" in html
    assert 'data-testid="no-results"' in html


def test_the_page_has_a_qr_code_of_itself(client: Client, world: World) -> None:
    html = page(client, world.village_a1.code)
    absolute = "http://testserver" + url(world.village_a1.code)
    assert str(qr_svg(absolute)) in html
    assert absolute in html


def test_the_open_survey_is_linked_and_no_other(client: Client, world: World) -> None:
    """A survey taking answers is linked; one not yet open, or closed, is not."""
    html = page(client, world.village_a1.code)
    assert 'data-testid="survey-link"' not in html
    later = survey_of(world.village_a1, opens=3, closes=20)
    assert 'data-testid="survey-link"' not in page(client, world.village_a1.code)
    Survey.objects.filter(pk=later.pk).update(closed_at=timezone.now())
    running = survey_of(world.village_a1)
    html = page(client, world.village_a1.code)
    assert reverse("public:survey", args=[running.public_key]) in html
    assert str(later.public_key) not in html


def test_the_page_obeys_the_content_security_policy(client: Client, world: World, disclosure: Disclosure) -> None:
    html = page(client, world.village_a1.code)
    assert "style=" not in html
    assert "<style" not in html
    assert "<script" not in html
    assert '<meta name="viewport"' in html


@pytest.mark.parametrize(
    "code", ["450328100000", "450328000000", "450328100999", "45032810020", "abc", "4503281002011"]
)
def test_unknown_codes_and_units_that_are_no_villages_are_not_found(client: Client, world: World, code: str) -> None:
    """The township and the county have no such page; an unknown or malformed code neither."""
    assert client.get(f"/p/villages/{code}/").status_code == 404


def test_a_community_has_its_page(client: Client, world: World) -> None:
    assert "甲社区" in page(client, world.community_a.code)


def test_the_page_runs_four_queries_whatever_it_shows(
    client: Client, world: World, disclosure: Disclosure, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """The village with its township; its open survey; its published results; its items being rectified."""
    with django_assert_num_queries(4):
        page(client, world.village_a1.code)
    for _number in range(5):
        item = done_item(world.village_a1)
        Disclosure.objects.create(item=item, summary="公开的问题。", result="公开的结果。")
        done_item(world.village_a1, status=LedgerItem.Status.IN_PROGRESS)
    survey_of(world.village_a1)
    with django_assert_num_queries(4):
        html = page(client, world.village_a1.code)
    assert html.count('data-testid="open-item"') == 5
    assert html.count('data-testid="result"') == 6
