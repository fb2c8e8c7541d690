"""The dashboard's figures (``dashboard_figures``) on the scene of ``scenes``, counted by hand: villages and coverage,
problems, suggestions, clues, rectification, return visits, the residents' survey and disclosures; the round,
township and term filters; and the roll-up of a city and the province over their counties' current terms.

Every figure here is read with ``Sources.everything()`` (the system's view); what each reader may see is in
``test_permissions``.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.conftest import World
from xuncha.dashboard.queries import Sources, build_scope, dashboard_figures
from xuncha.dashboard.tests.scenes import PUBLIC_RESULT, PUBLIC_SUMMARY, Region, Scene, device
from xuncha.findings.models import Category, Problem
from xuncha.inspections.models import Round
from xuncha.organisations.models import AdminUnit
from xuncha.organisations.tests import factories as units
from xuncha.public.models import ResidentConfirmation, Survey, SurveyAnswer
from xuncha.rectification import actions as rectification_actions
from xuncha.rectification.models import LedgerItem, VisitCheck

Status = LedgerItem.Status


def figures_of(unit: AdminUnit, **filters: Any) -> dict[str, Any]:
    return dashboard_figures(build_scope(unit, **filters), Sources.everything())


def areas_by_name(figures: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {area["name"]: area for area in figures["areas"]}


def nonzero(counts: dict[str, int]) -> dict[str, int]:
    return {key: value for key, value in counts.items() if value}


# The scope ---------------------------------------------------------------------------------------------------------


def test_a_county_scope_takes_its_current_term(scene: Scene) -> None:
    """Without a term asked for, the county's latest term (十五届, not 十四届) is the one counted."""
    county = scene.world.county
    scope = build_scope(county)

    assert (scope.county, scope.term) == (county, scene.world.term)
    assert scope.term_ids == [scene.world.term.pk]
    assert not scope.is_region
    assert scope.area_level == "TOWNSHIP"


def test_a_village_scope_belongs_to_its_county(scene: Scene) -> None:
    scope = build_scope(scene.world.village_a1)

    assert (scope.county, scope.term, scope.area_level) == (scene.world.county, scene.world.term, None)


def test_a_province_scope_takes_the_current_term_of_each_county(region: Region, world: World) -> None:
    """The province has no county of its own: each county's latest term is counted (兴安县's 九届, not 八届)."""
    scope = build_scope(region.province)

    assert scope.county is None and scope.term is None and scope.is_region
    assert sorted(scope.term_ids) == sorted([world.term.pk, region.xingan_term.pk, region.xingning_term.pk])
    assert scope.area_level == "COUNTY"


def test_figures_describe_their_scope(scene: Scene) -> None:
    world = scene.world
    described = figures_of(world.county, round_=scene.round4, township=world.township_b)["scope"]

    assert described == {
        "unit": {"code": world.county.code, "name": "龙胜各族自治县", "level": "COUNTY"},
        "county": {"code": world.county.code, "name": "龙胜各族自治县", "level": "COUNTY"},
        "term": {"id": world.term.pk, "name": "十五届县委"},
        "counties_with_terms": None,
        "round": {"id": scene.round4.pk, "number": 4, "name": "十五届县委第四轮巡察"},
        "township": {"code": world.township_b.code, "name": "乙镇", "level": "TOWNSHIP"},
        "area_level": "VILLAGE",
    }


# Villages and coverage ---------------------------------------------------------------------------------------------


def test_villages_are_counted_by_category_and_kind(scene: Scene) -> None:
    """Five villages and communities: 甲一村 key, four general, one of them a community; four inspected this term
    (乙二村 only in the previous one and in a round still planned)."""
    villages = figures_of(scene.world.county)["villages"]

    assert {key: value for key, value in villages.items() if key != "not_covered"} == {
        "villages": 5,
        "key": 1,
        "general": 4,
        "watch": 0,
        "unclassified": 0,
        "communities": 1,
        "village_committees": 4,
        "inspected": 4,
        "key_inspected": 1,
        "general_inspected": 3,
        "remaining": 1,
        "coverage_rate": 80.0,
    }
    assert villages["not_covered"] == [
        {"code": scene.village_b2.code, "name": "乙二村委会", "township": "乙镇", "category": "GENERAL"}
    ]


def test_coverage_is_counted_by_township(scene: Scene) -> None:
    """One row per township in code order: 甲镇 has all three inspected, 乙镇 one of two."""
    areas = figures_of(scene.world.county)["areas"]

    assert [area["code"] for area in areas] == [scene.world.township_a.code, scene.world.township_b.code]
    coverage = [
        (area["name"], area["villages"], area["key"], area["communities"], area["inspected"], area["coverage_rate"])
        for area in areas
    ]
    assert coverage == [("甲镇", 3, 1, 1, 3, 100.0), ("乙镇", 2, 0, 0, 1, 50.0)]


def test_a_planned_round_does_not_count_as_inspected(scene: Scene) -> None:
    """Round 5 plans 乙二村: the village is still to cover until the round is stationed."""
    assert figures_of(scene.world.county)["villages"]["inspected"] == 4

    Round.objects.filter(pk=scene.round5.pk).update(status=Round.Status.STATIONED)

    villages = figures_of(scene.world.county)["villages"]
    assert (villages["inspected"], villages["remaining"], villages["coverage_rate"]) == (5, 0, 100.0)
    assert villages["not_covered"] == []


def test_a_township_without_villages_has_no_row(scene: Scene) -> None:
    """A township with no village yet adds nothing to the area table."""
    units.township(scene.world.county, "丁乡", number=102)

    assert [area["name"] for area in figures_of(scene.world.county)["areas"]] == ["甲镇", "乙镇"]


def test_rounds_list_the_villages_each_covers(scene: Scene) -> None:
    """Rounds 3, 4 and 5 of the term, with the villages each covers and how; round 4 inspects 甲一村, its one key
    village, directly."""
    rounds = figures_of(scene.world.county)["rounds"]

    summary = [
        (row["round"], row["status"], row["villages"], row["key_villages"], row["key_villages_direct"])
        for row in rounds
    ]
    assert summary == [(3, "CLOSED", 1, 0, 0), (4, "FEEDBACK", 4, 1, 1), (5, "PLANNED", 1, 0, 0)]
    assert rounds[1]["villages_by_mode"] == {"DIRECT": 2, "TOWNSHIP_WITH_VILLAGES": 2, "SPECIAL": 0}


# Problems, suggestions, clues --------------------------------------------------------------------------------------


def test_problems_are_counted_by_category_source_type_status_and_round(scene: Scene) -> None:
    """Twelve standing problems (the discarded paper of 乙一村 is left out): one of round 3, eleven of round 4."""
    problems = figures_of(scene.world.county)["problems"]

    assert problems["total"] == 12
    assert nonzero(problems["by_category"]) == {"ASSETS": 10, "FINANCE": 2}
    assert nonzero(problems["by_source"]) == {"DOCUMENTS": 10, "TALK": 1, "VISIT": 1}
    assert problems["by_fix_type"] == {"IMMEDIATE": 1, "FOLLOW_UP": 9, "LONG_TERM": 2}
    assert problems["by_status"] == {"DRAFT": 1, "CONFIRMED": 3, "FED_BACK": 8}
    assert problems["by_round"] == [
        {"round": 3, "id": scene.round3.pk, "problems": 1},
        {"round": 4, "id": scene.round4.pk, "problems": 11},
    ]
    for counts in (problems["by_category"], problems["by_source"], problems["by_fix_type"], problems["by_status"]):
        assert sum(counts.values()) == 12


def test_problems_are_counted_by_township(scene: Scene) -> None:
    areas = areas_by_name(figures_of(scene.world.county))

    assert (areas["甲镇"]["problems"], areas["乙镇"]["problems"]) == (8, 4)


def test_a_discarded_problem_drops_out_of_every_count(scene: Scene) -> None:
    """Discarding the draft of 甲二村 takes it out of the total, its category, source, type and township."""
    Problem.objects.filter(pk=scene.problems["a2_draft"].pk).update(status=Problem.Status.DISCARDED)

    figures = figures_of(scene.world.county)
    problems = figures["problems"]
    assert problems["total"] == 11
    assert problems["by_category"]["FINANCE"] == 1
    assert problems["by_source"]["VISIT"] == 0
    assert problems["by_fix_type"]["LONG_TERM"] == 1
    assert "DISCARDED" not in problems["by_status"]
    assert areas_by_name(figures)["甲镇"]["problems"] == 7


def test_problems_of_other_counties_do_not_count(scene: Scene, region: Region) -> None:
    """兴安县 and 兴宁区 have problems of their own; the county's figures stay as they were."""
    figures = figures_of(scene.world.county)

    assert figures["problems"]["total"] == 12
    assert figures["rectification"]["ledger_items"] == 8
    assert figures["villages"]["villages"] == 5
    assert figures["clues"]["transferred"] == 2
    assert figures["suggestions"]["total"] == 6


def test_suggestions_are_counted_by_outcome_with_the_villages_that_raised_most(scene: Scene) -> None:
    """Six suggestions: two fixed immediately, two followed up, one not adopted, one undecided; 甲一村 raised
    the most, three on industry."""
    suggestions = figures_of(scene.world.county)["suggestions"]
    world = scene.world

    assert suggestions["total"] == 6
    assert suggestions["by_outcome"] == {"IMMEDIATE": 2, "FOLLOW_UP": 2, "NOT_ADOPTED": 1, "undecided": 1}
    assert nonzero(suggestions["by_topic"]) == {"INDUSTRY": 5, "LIVELIHOOD": 1}
    top = [
        (row["code"], row["topic"], row["total"], row["IMMEDIATE"], row["FOLLOW_UP"], row["NOT_ADOPTED"])
        for row in suggestions["top_villages"]
    ]
    assert top == [
        (world.village_a1.code, "INDUSTRY", 3, 2, 1, 0),
        (world.village_b1.code, "INDUSTRY", 2, 0, 1, 0),
        (world.village_a1.code, "LIVELIHOOD", 1, 0, 0, 1),
    ]


def test_clues_transferred_leave_out_those_still_registered(scene: Scene) -> None:
    """Three clues registered; the two of 甲一村 left the office (transferred, received), 乙一村's did not."""
    assert figures_of(scene.world.county)["clues"] == {"transferred": 2}


# Rectification and return visits -----------------------------------------------------------------------------------


def test_rectification_counts_completion_overdue_and_ongoing(scene: Scene) -> None:
    """Eight items of the term: three closed (one late), one ongoing, four open of which three past their
    deadline (the two OPEN items of 甲一村 and 乙一村's item in progress; 甲社区's submitted one is waiting)."""
    rectification = figures_of(scene.world.county)["rectification"]

    assert {key: value for key, value in rectification.items() if key != "by_round"} == {
        "ledger_items": 8,
        "closed": 3,
        "ongoing": 1,
        "open": 4,
        "submitted": 1,
        "reviewed": 0,
        "returned": 0,
        "overdue": 3,
        "closed_on_time": 2,
        "closed_late": 1,
        "completion_rate": 37.5,
        "on_time_rate": 66.7,
    }
    by_round = [(row["round"], row["ledger_items"], row["closed"], row["overdue"]) for row in rectification["by_round"]]
    assert by_round == [(3, 1, 1, 0), (4, 7, 2, 3)]


def test_rectification_is_counted_by_township(scene: Scene) -> None:
    areas = areas_by_name(figures_of(scene.world.county))
    rows = {
        name: (area["rectification"]["ledger_items"], area["rectification"]["closed"], area["rectification"]["ongoing"])
        + (area["rectification"]["overdue"], area["rectification"]["completion_rate"])
        for name, area in areas.items()
    }

    assert rows == {"甲镇": (5, 1, 1, 2, 20.0), "乙镇": (3, 2, 0, 1, 66.7)}


def test_return_visits_count_what_was_verified_and_the_residents_satisfied(scene: Scene) -> None:
    """Two visits recorded (the one planned to 乙一村 does not count): two items verified, 12 of 15 residents
    satisfied; the latest visit comes first."""
    visits = figures_of(scene.world.county)["return_visits"]
    world = scene.world

    assert {key: value for key, value in visits.items() if key != "recent"} == {
        "visits": 2,
        "verified": 2,
        "reopened": 0,
        "people_asked": 15,
        "people_satisfied": 12,
        "satisfaction_rate": 80.0,
    }
    assert [(visit["code"], visit["visited_on"], visit["verified"]) for visit in visits["recent"]] == [
        (world.community_a.code, "2024-03-06", 1),
        (world.village_a2.code, "2024-03-05", 1),
    ]


def test_a_reopening_visit_counts_as_reopened(scene: Scene, office: Any) -> None:
    """The planned visit to 乙一村 finds the late item not fixed: it is reopened, so one fewer item is closed."""
    item = scene.items["b1_closed_late"]
    planned = scene.world.village_b1.return_visits.get(status="PLANNED")
    rectification_actions.record_visit(
        planned,
        visited_on=date(2024, 3, 7),
        verdicts={item.pk: (VisitCheck.Verdict.REOPEN, "仍未整改到位。", timezone.localdate() + timedelta(days=30))},
        people_asked=4,
        people_satisfied=1,
        actor=office,
    )

    figures = figures_of(scene.world.county)
    visits = figures["return_visits"]
    assert (visits["visits"], visits["verified"], visits["reopened"]) == (3, 2, 1)
    assert (visits["people_asked"], visits["people_satisfied"], visits["satisfaction_rate"]) == (19, 13, 68.4)
    assert (figures["rectification"]["closed"], figures["rectification"]["open"]) == (2, 5)


def test_survey_answers_and_published_results_are_counted(scene: Scene) -> None:
    """Two surveys with four answers, three satisfied or fairly satisfied; two results shown to residents, both of
    甲二村 (乙一村's was withdrawn)."""
    figures = figures_of(scene.world.county)
    a2 = scene.world.village_a2

    assert figures["survey"] == {
        "surveys": 2,
        "answers": 4,
        "satisfied": 2,
        "fairly_satisfied": 1,
        "dissatisfied": 1,
        "satisfaction_rate": 75.0,
    }
    assert figures["disclosure"] == {"published": 2, "villages": 1}
    assert [(shown["code"], shown["summary"], shown["result"]) for shown in figures["disclosures"]] == [
        (a2.code, PUBLIC_SUMMARY, PUBLIC_RESULT),
        (a2.code, PUBLIC_SUMMARY, PUBLIC_RESULT),
    ]
    assert figures["disclosures"][0]["published_on"] == timezone.localdate().isoformat()


def test_a_reopened_item_is_no_longer_counted_as_published(scene: Scene, office: Any) -> None:
    """A published result whose item is reopened drops out, as it drops off the village's public page."""
    rectification_actions.reopen_item(
        scene.items["a2_ongoing"],
        reason="群众反映问题反弹。",
        new_deadline=timezone.localdate() + timedelta(days=30),
        actor=office,
    )

    figures = figures_of(scene.world.county)
    assert figures["disclosure"] == {"published": 1, "villages": 1}
    assert len(figures["disclosures"]) == 1


# Filters -----------------------------------------------------------------------------------------------------------


def test_the_round_filter_counts_one_round(scene: Scene) -> None:
    """Round 3 inspected 乙一村 only and left one problem and one closed item; round 4 the rest."""
    round3 = figures_of(scene.world.county, round_=scene.round3)
    round4 = figures_of(scene.world.county, round_=scene.round4)

    assert round3["villages"]["inspected"] == 1
    assert round3["problems"]["total"] == 1
    assert round3["problems"]["by_round"] == [{"round": 3, "id": scene.round3.pk, "problems": 1}]
    assert (round3["rectification"]["ledger_items"], round3["rectification"]["closed"]) == (1, 1)
    assert round3["suggestions"]["total"] == 0
    assert round3["clues"]["transferred"] == 0
    assert round3["return_visits"]["visits"] == 0

    assert round4["villages"]["inspected"] == 4
    assert round4["problems"]["total"] == 11
    assert (round4["rectification"]["ledger_items"], round4["rectification"]["closed"]) == (7, 2)
    assert round4["suggestions"]["total"] == 6
    assert round4["clues"] == {"transferred": 2}
    assert round4["return_visits"]["visits"] == 2
    # Villages are villages whichever round is chosen.
    assert round3["villages"]["villages"] == round4["villages"]["villages"] == 5


def test_the_round_filter_on_a_planned_round_counts_nothing_inspected(scene: Scene) -> None:
    figures = figures_of(scene.world.county, round_=scene.round5)

    assert (figures["villages"]["inspected"], figures["problems"]["total"]) == (0, 0)
    assert figures["rectification"]["ledger_items"] == 0


def test_the_township_filter_counts_its_villages_only(scene: Scene) -> None:
    """乙镇: two villages (one inspected), four problems, three items (two closed, one overdue), two suggestions,
    one clue still registered, one survey answer, no shown result; the rows are its villages."""
    world = scene.world
    figures = figures_of(world.county, township=world.township_b)

    assert (figures["villages"]["villages"], figures["villages"]["inspected"]) == (2, 1)
    assert figures["problems"]["total"] == 4
    rectification = figures["rectification"]
    assert (rectification["ledger_items"], rectification["closed"], rectification["overdue"]) == (3, 2, 1)
    assert figures["suggestions"]["total"] == 2
    assert figures["clues"] == {"transferred": 0}
    assert figures["return_visits"]["visits"] == 0
    assert (figures["survey"]["answers"], figures["survey"]["satisfaction_rate"]) == (1, 100.0)
    assert figures["disclosure"]["published"] == 0
    rows = [(area["code"], area["villages"], area["inspected"], area["problems"]) for area in figures["areas"]]
    assert rows == [(world.village_b1.code, 1, 1, 4), (scene.village_b2.code, 1, 0, 0)]


def test_township_and_round_filters_combine(scene: Scene) -> None:
    world = scene.world
    figures = figures_of(world.county, township=world.township_a, round_=scene.round3)

    assert figures["villages"]["inspected"] == 0
    assert figures["problems"]["total"] == 0
    assert figures["rectification"]["ledger_items"] == 0


def test_the_township_dashboard_equals_the_county_filtered_to_it(scene: Scene) -> None:
    """Opening 甲镇's own dashboard or the county's filtered to 甲镇 gives the same figures."""
    world = scene.world
    own = figures_of(world.township_a)
    filtered = figures_of(world.county, township=world.township_a)

    for key in ("villages", "problems", "suggestions", "clues", "rectification", "return_visits", "survey", "areas"):
        assert own[key] == filtered[key], key
    assert own["problems"]["total"] == 8


def test_the_term_filter_counts_the_previous_term(scene: Scene) -> None:
    """十四届 inspected 乙二村 only, which left one closed item; nothing of 十五届 counts."""
    figures = figures_of(scene.world.county, term=scene.previous_term)

    assert figures["scope"]["term"] == {"id": scene.previous_term.pk, "name": "十四届县委"}
    assert (figures["villages"]["villages"], figures["villages"]["inspected"]) == (5, 1)
    assert [village["name"] for village in figures["villages"]["not_covered"]] == [
        "甲社区居委会",
        "甲一村委会",
        "甲二村委会",
        "乙一村委会",
    ]
    assert figures["problems"]["total"] == 1
    rectification = figures["rectification"]
    assert (rectification["ledger_items"], rectification["closed"], rectification["completion_rate"]) == (1, 1, 100.0)
    assert figures["suggestions"]["total"] == 0
    assert figures["clues"]["transferred"] == 0
    assert figures["return_visits"]["visits"] == 0
    assert figures["disclosure"]["published"] == 0
    assert [row["round"] for row in figures["rounds"]] == [1]


def test_a_village_dashboard_counts_the_village(scene: Scene) -> None:
    """甲二村: a confirmed problem, a draft and two fed-back ones; a closed and an ongoing item, both published."""
    figures = figures_of(scene.world.village_a2)

    assert (figures["villages"]["villages"], figures["villages"]["inspected"]) == (1, 1)
    assert figures["problems"]["total"] == 4
    assert (figures["rectification"]["ledger_items"], figures["rectification"]["closed"]) == (2, 1)
    assert figures["return_visits"]["visits"] == 1
    assert figures["disclosure"] == {"published": 2, "villages": 1}
    assert figures["areas"] == []


# A city and the province -------------------------------------------------------------------------------------------


def test_the_province_sums_its_counties(region: Region, scene: Scene) -> None:
    """Eight villages (龙胜 5, 兴安 2, 兴宁 1), seventeen problems (12 + 4 + 1), eleven items (8 + 2 + 1), three
    clues transferred (2 + 1): each county counted in its current term."""
    figures = figures_of(region.province)

    assert figures["scope"]["counties_with_terms"] == 3
    villages = figures["villages"]
    assert (villages["villages"], villages["key"], villages["inspected"], villages["communities"]) == (8, 2, 7, 1)
    assert figures["problems"]["total"] == 17
    assert figures["problems"]["by_round"] is None
    rectification = figures["rectification"]
    assert (rectification["ledger_items"], rectification["closed"], rectification["overdue"]) == (11, 5, 4)
    assert figures["clues"] == {"transferred": 3}
    assert figures["suggestions"]["total"] == 7
    assert figures["rounds"] is None


def test_the_province_has_a_row_per_county(region: Region, scene: Scene) -> None:
    """The rows, in code order, each equal to the county's own dashboard."""
    figures = figures_of(region.province)
    rows = [
        (area["code"], area["villages"], area["inspected"], area["problems"], area["rectification"]["ledger_items"])
        for area in figures["areas"]
    ]

    assert rows == [
        (region.xingning.code, 1, 1, 1, 1),
        (region.xingan.code, 2, 2, 4, 2),
        (scene.world.county.code, 5, 4, 12, 8),
    ]
    for county in (region.xingning, region.xingan, scene.world.county):
        own = figures_of(county)
        row = next(area for area in figures["areas"] if area["code"] == county.code)
        assert row["villages"] == own["villages"]["villages"]
        assert row["inspected"] == own["villages"]["inspected"]
        assert row["problems"] == own["problems"]["total"]
        assert row["rectification"] == {key: value for key, value in own["rectification"].items() if key != "by_round"}


def test_the_province_totals_are_the_sums_of_the_county_dashboards(region: Region, scene: Scene) -> None:
    province = figures_of(region.province)
    counties = [figures_of(county) for county in (region.xingning, region.xingan, scene.world.county)]

    for group, key in [
        ("villages", "villages"),
        ("villages", "inspected"),
        ("problems", "total"),
        ("rectification", "ledger_items"),
        ("rectification", "closed"),
        ("rectification", "overdue"),
        ("clues", "transferred"),
        ("suggestions", "total"),
    ]:
        assert province[group][key] == sum(county[group][key] for county in counties), (group, key)
    for category in Category.values:
        total = sum(county["problems"]["by_category"][category] for county in counties)
        assert province["problems"]["by_category"][category] == total


def test_a_city_rolls_up_only_its_own_counties(region: Region, scene: Scene) -> None:
    """桂林市 holds 龙胜 and 兴安, not 兴宁区 of 南宁市."""
    figures = figures_of(region.city)

    assert [area["code"] for area in figures["areas"]] == [region.xingan.code, scene.world.county.code]
    assert figures["scope"]["counties_with_terms"] == 2
    assert (figures["villages"]["villages"], figures["problems"]["total"]) == (7, 16)
    assert (figures["rectification"]["ledger_items"], figures["rectification"]["closed"]) == (10, 4)


def test_a_region_counts_each_county_in_its_current_term_only(region: Region) -> None:
    """兴安县's previous term (八届) left a closed item; the roll-up counts only 九届's two items."""
    assert LedgerItem.objects.filter(round__term__county=region.xingan).count() == 3

    row = next(area for area in figures_of(region.province)["areas"] if area["code"] == region.xingan.code)

    assert (row["rectification"]["ledger_items"], row["rectification"]["closed"]) == (2, 1)
    assert row["problems"] == 4


def test_surveys_count_in_the_term_they_were_opened(scene: Scene, office: User) -> None:
    """A survey opened before the term began belongs to the term before: the current term's figures leave it out."""
    world = scene.world
    before = world.term.start_date - timedelta(days=30)
    earlier = Survey.objects.create(
        village=world.village_a2,
        title="上届整改满意度测评",
        opens_on=before,
        closes_on=before + timedelta(days=10),
        created_by=office,
        closed_at=timezone.now(),
        closed_by=office,
    )
    SurveyAnswer.objects.create(survey=earlier, rating=SurveyAnswer.Rating.DISSATISFIED, device_key=device(99))

    assert figures_of(world.county)["survey"]["answers"] == 4
    assert figures_of(world.county, term=world.term)["survey"]["surveys"] == 2


def test_residents_answers_are_counted_and_the_items_they_hold_open(scene: Scene, settings: Any) -> None:
    """已解决 / 未解决 answers of the scope's items; an open item with enough "not fixed" answers is held open, a
    closed one no longer counts as held."""
    settings.XUNCHA_UNRESOLVED_MIN, settings.XUNCHA_UNRESOLVED_SHARE = 2, 0.3
    held, answered = LedgerItem.objects.exclude(status=LedgerItem.Status.CLOSED).order_by("pk")[:2]
    answers = [
        (held, "UNRESOLVED"),
        (held, "UNRESOLVED"),
        (held, "RESOLVED"),
        (answered, "RESOLVED"),
        (answered, "UNRESOLVED"),
    ]
    for number, (item, answer) in enumerate(answers):
        ResidentConfirmation.objects.create(
            item=item, answer=answer, channel=ResidentConfirmation.Channel.DISCLOSURE, device_key=f"phone-{number}"
        )
    figures = figures_of(scene.world.county)["resident_confirmations"]
    assert figures == {"answers": 5, "resolved": 2, "unresolved": 3, "items_answered": 2, "items_held": 1}
