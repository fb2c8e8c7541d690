"""Figures of the residents' side for the dashboard: survey answers and published results, one query each, scoped by
the subtree lookups the dashboard filters with."""

from __future__ import annotations

import pytest
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from xuncha.accounts.models import User
from xuncha.conftest import World
from xuncha.organisations.models import AdminUnit
from xuncha.public.models import Disclosure, Survey, SurveyAnswer
from xuncha.public.queries import disclosure_figures, survey_figures
from xuncha.public.tests.conftest import done_item, survey_of
from xuncha.rectification.models import LedgerItem
from xuncha.rectification.queries import rate as percent
from xuncha.rectification.tests.factories import ledger_item

Rating = SurveyAnswer.Rating


def answers(survey: Survey, satisfied: int, fairly: int, dissatisfied: int) -> None:
    counts = [(Rating.SATISFIED, satisfied), (Rating.FAIRLY_SATISFIED, fairly), (Rating.DISSATISFIED, dissatisfied)]
    start = SurveyAnswer.objects.count()
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(survey=survey, rating=rating, device_key=f"{start + number:064x}")
        for number, rating in enumerate(rating for rating, count in counts for _n in range(count))
    )


def test_survey_figures_count_answers_by_rating_in_one_query(
    world: World, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """34 satisfied, 4 fairly satisfied and 2 dissatisfied of 40 answers: 95.0 % satisfied."""
    survey = survey_of(world.village_a1)
    answers(survey, 34, 4, 2)
    with django_assert_num_queries(1):
        figures = survey_figures(SurveyAnswer.objects.all())
    assert figures == {
        "surveys": 1,
        "answers": 40,
        "satisfied": 34,
        "fairly_satisfied": 4,
        "dissatisfied": 2,
        "satisfaction_rate": 95.0,
    }


def test_survey_figures_of_no_answers_are_zero(db: None) -> None:
    assert survey_figures(SurveyAnswer.objects.all()) == {
        "surveys": 0,
        "answers": 0,
        "satisfied": 0,
        "fairly_satisfied": 0,
        "dissatisfied": 0,
        "satisfaction_rate": 0.0,
    }


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [(1, 3, 33.3), (2, 3, 66.7), (1, 8, 12.5), (1, 16, 6.3), (5, 16, 31.3), (3, 16, 18.8), (7, 7, 100.0), (0, 9, 0.0)],
)
def test_rates_round_half_up_to_one_decimal(part: int, whole: int, expected: float) -> None:
    """0.0625 → 6.3 and 0.3125 → 31.3, where rounding to even or binary floats would give 6.2 and 31.2."""
    assert percent(part, whole) == expected


def test_survey_figures_follow_the_dashboards_subtree_filter(world: World) -> None:
    """Filtered by ``survey__village__path__under``: a township counts its villages' surveys, the county all of
    them, another county none."""
    answers(survey_of(world.village_a1), 3, 1, 0)
    answers(survey_of(world.village_b1), 1, 0, 1)
    answers(survey_of(world.other_village), 5, 0, 0)

    def under(unit: AdminUnit) -> dict[str, object]:
        return survey_figures(SurveyAnswer.objects.filter(survey__village__path__under=unit.path))

    township = under(world.township_a)
    assert (township["surveys"], township["answers"], township["satisfaction_rate"]) == (1, 4, 100.0)
    county = under(world.county)
    assert (county["surveys"], county["answers"], county["dissatisfied"], county["satisfaction_rate"]) == (
        2,
        6,
        1,
        83.3,
    )
    assert under(world.other_county)["answers"] == 5


def test_disclosure_figures_count_what_residents_can_read(
    world: World, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """Published results and their villages; withdrawn ones and those of reopened items are not counted."""
    for village in (world.village_a1, world.village_a1, world.community_a):
        Disclosure.objects.create(item=done_item(village), summary="问题。", result="结果。")
    Disclosure.objects.create(
        item=done_item(world.village_a2), summary="问题。", result="结果。", withdrawn_at=timezone.now()
    )
    reopened = Disclosure.objects.create(item=done_item(world.village_b1), summary="问题。", result="结果。")
    LedgerItem.objects.filter(pk=reopened.item_id).update(status=LedgerItem.Status.IN_PROGRESS)
    with django_assert_num_queries(1):
        figures = disclosure_figures(Disclosure.objects.all())
    assert figures == {"published": 3, "villages": 2}
    scoped = Disclosure.objects.filter(item__village__path__under=world.township_b.path)
    assert disclosure_figures(scoped) == {"published": 0, "villages": 0}
    assert disclosure_figures(Disclosure.objects.none()) == {"published": 0, "villages": 0}


def test_disclosures_and_surveys_are_visible_to_the_office_of_their_county(
    world: World, office: User, leader: User, township_user: User, outsider: User
) -> None:
    disclosure = Disclosure.objects.create(item=done_item(world.village_a1), summary="问题。", result="结果。")
    survey = survey_of(world.village_a1)
    answers(survey, 1, 0, 0)
    assert list(Disclosure.objects.visible_to(office)) == [disclosure]
    assert list(Survey.objects.visible_to(office)) == [survey]
    assert SurveyAnswer.objects.visible_to(office).count() == 1
    for user in (leader, township_user, outsider):
        assert not Disclosure.objects.visible_to(user).exists()
        assert not Survey.objects.visible_to(user).exists()
        assert not SurveyAnswer.objects.visible_to(user).exists()


def test_an_item_published_is_found_from_the_ledger(world: World) -> None:
    item = ledger_item(world.round, world.village_a1, status=LedgerItem.Status.CLOSED)
    disclosure = Disclosure.objects.create(item=item, summary="问题。", result="结果。")
    assert LedgerItem.objects.get(pk=item.pk).disclosure == disclosure
