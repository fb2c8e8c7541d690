"""Scenes for the dashboard tests, small enough to count by hand, and helpers that read figures off its pages.

``build_scene`` grows the world into a county in the middle of its term:

* 乙二村 (乙镇, general) is added and never inspected this term: round 5 only plans it; the previous term (十四届,
  round 1, closed) inspected it and left one closed item.
* Round 3 (closed) inspected 乙一村 and left one item, closed on its deadline.
* Round 4 is fed back: ``reported_round`` gives 甲一村, 甲二村, 甲社区 and 乙一村 one confirmed problem each
  (assets, documents, follow-up); 甲一村 has a second one (finance, talk, immediate), and both are published
  through the actions (two OPEN items, past their deadlines); 甲二村 has a draft (finance, visit, long-term) and
  乙一村 a discarded paper (work style, petition). Items written directly (each with its fed-back problem: assets,
  documents): 甲二村 closed on time and ongoing (long-term), 甲社区 submitted, 乙一村 in progress (overdue) and
  closed late.
* Six suggestions (甲一村: three on industry — two fixed immediately, one followed up — and one on livelihood not
  adopted; 乙一村: two on industry, one followed up, one undecided); three clues (two transferred from 甲一村, one
  still registered in 乙一村).
* Two return visits recorded through the actions (甲二村: 9 of 10 residents satisfied; 甲社区: 3 of 5), one visit
  to 乙一村 only planned; two surveys answered through the actions (甲一村: satisfied, fairly satisfied,
  dissatisfied; 乙一村: satisfied); three results published (two of 甲二村 shown, one of 乙一村 withdrawn).

``build_region`` adds two counties with terms of their own: 兴安县 (the world's other county, same city 桂林市)
and 兴宁区 of 南宁市, so that the city and the province roll up.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.conftest import World
from xuncha.findings.models import Category, Clue, FixType, Problem, Suggestion
from xuncha.findings.tests.factories import ClueFactory, SuggestionFactory
from xuncha.inspections.models import Round, Term
from xuncha.inspections.tests.factories import GroupFactory, RoundFactory, TermFactory, assign
from xuncha.organisations.models import AdminUnit
from xuncha.organisations.models import Category as VillageCategory
from xuncha.organisations.tests import factories as units
from xuncha.public import actions as public_actions
from xuncha.public.models import Disclosure, Survey, SurveyAnswer
from xuncha.rectification import actions as rectification_actions
from xuncha.rectification.models import LedgerItem, ReturnVisit, VisitCheck
from xuncha.rectification.tests.factories import Reported, confirmed_problem, ledger_item, publish, reported_round

Status = LedgerItem.Status
Outcome = Suggestion.Outcome
LATE = date(2024, 2, 20)
PUBLIC_SUMMARY = "村集体土地出租合同未经村民代表会议讨论，租金未入账。"
PUBLIC_RESULT = "已召开村民代表会议补办出租手续，租金已全部入账。"


@dataclass
class Scene:
    """The world grown into a county in the middle of its term (see the module's docstring)."""

    world: World
    village_b2: AdminUnit
    previous_term: Term
    previous_round: Round
    round3: Round
    round4: Round
    round5: Round
    reported: Reported
    items: dict[str, LedgerItem] = field(default_factory=dict)
    problems: dict[str, Problem] = field(default_factory=dict)
    suggestions: list[Suggestion] = field(default_factory=list)
    clues: list[Clue] = field(default_factory=list)
    visits: list[ReturnVisit] = field(default_factory=list)
    surveys: list[Survey] = field(default_factory=list)
    disclosures: list[Disclosure] = field(default_factory=list)


def device(number: int) -> str:
    """A device key as ``public.devices`` makes them: 64 hex digits."""
    return f"{number:064x}"


def build_scene(world: World, office: User) -> Scene:
    county, a1, a2, ca, b1 = world.county, world.village_a1, world.village_a2, world.community_a, world.village_b1
    b2 = units.village(world.township_b, "乙二村委会", number=202)

    previous_term = TermFactory.create(county=county, number=14, name="十四届县委")
    previous_round = RoundFactory.create(term=previous_term, number=1, status=Round.Status.CLOSED)
    assign(GroupFactory.create(round=previous_round, number=1), [b2])
    previous_item = ledger_item(previous_round, b2, status=Status.CLOSED)

    round3 = RoundFactory.create(term=world.term, number=3, status=Round.Status.CLOSED)
    assign(GroupFactory.create(round=round3, number=1), [b1])
    round3_item = ledger_item(round3, b1, status=Status.CLOSED)

    reported = reported_round(world, per_village=1)
    round4 = reported.round
    problems = {
        "a1_finance": confirmed_problem(
            round4, a1, category=Category.FINANCE, source=Problem.Source.TALK, fix_type=FixType.IMMEDIATE
        ),
        "a2_draft": confirmed_problem(
            round4,
            a2,
            category=Category.FINANCE,
            source=Problem.Source.VISIT,
            fix_type=FixType.LONG_TERM,
            status=Problem.Status.DRAFT,
        ),
        "b1_discarded": confirmed_problem(
            round4,
            b1,
            category=Category.STYLE,
            source=Problem.Source.PETITION,
            status=Problem.Status.DISCARDED,
        ),
    }
    publish(round4, a1, office)
    a1_items = list(LedgerItem.objects.filter(round=round4, village=a1).order_by("pk"))
    items = {
        "previous_closed": previous_item,
        "round3_closed": round3_item,
        "a1_first": a1_items[0],
        "a1_second": a1_items[1],
        "a2_closed": ledger_item(round4, a2, status=Status.CLOSED),
        "a2_ongoing": ledger_item(round4, a2, status=Status.ONGOING, fix_type=FixType.LONG_TERM),
        "ca_submitted": ledger_item(round4, ca, status=Status.SUBMITTED),
        "b1_in_progress": ledger_item(round4, b1, status=Status.IN_PROGRESS),
        "b1_closed_late": ledger_item(round4, b1, status=Status.CLOSED, closed_on=LATE),
    }
    round4.refresh_from_db()

    round5 = RoundFactory.create(term=world.term, number=5, status=Round.Status.PLANNED)
    assign(GroupFactory.create(round=round5, number=1), [b2])

    scene = Scene(world, b2, previous_term, previous_round, round3, round4, round5, reported, items, problems)
    _findings(scene)
    _visits(scene, office)
    _residents(scene, office)
    return scene


def _findings(scene: Scene) -> None:
    world = scene.world
    a1_assignment = scene.reported.assignments[world.village_a1.pk]
    b1_assignment = scene.reported.assignments[world.village_b1.pk]
    industry, livelihood = Suggestion.Topic.INDUSTRY, Suggestion.Topic.LIVELIHOOD
    for assignment, topic, outcome in [
        (a1_assignment, industry, Outcome.IMMEDIATE),
        (a1_assignment, industry, Outcome.IMMEDIATE),
        (a1_assignment, industry, Outcome.FOLLOW_UP),
        (a1_assignment, livelihood, Outcome.NOT_ADOPTED),
        (b1_assignment, industry, Outcome.FOLLOW_UP),
        (b1_assignment, industry, ""),
    ]:
        scene.suggestions.append(
            SuggestionFactory.create(assignment=assignment, village=assignment.target, topic=topic, outcome=outcome)
        )
    for assignment, status in [
        (a1_assignment, Clue.Status.TRANSFERRED),
        (a1_assignment, Clue.Status.RECEIVED),
        (b1_assignment, Clue.Status.REGISTERED),
    ]:
        scene.clues.append(ClueFactory.create(assignment=assignment, status=status))


def _visits(scene: Scene, office: User) -> None:
    world, items = scene.world, scene.items
    verified = VisitCheck.Verdict.VERIFIED
    for village, item, visited_on, asked, satisfied in [
        (world.village_a2, items["a2_closed"], date(2024, 3, 5), 10, 9),
        (world.community_a, items["ca_submitted"], date(2024, 3, 6), 5, 3),
    ]:
        planned = rectification_actions.plan_visit(village, planned_on=visited_on, items=[item], actor=office)
        scene.visits.append(
            rectification_actions.record_visit(
                planned,
                visited_on=visited_on,
                verdicts={item.pk: (verified, "现场核查整改到位。", None)},
                people_asked=asked,
                people_satisfied=satisfied,
                actor=office,
                note="群众对整改结果表示认可。",
            )
        )
    rectification_actions.plan_visit(
        world.village_b1, planned_on=date(2024, 3, 7), items=[items["b1_closed_late"]], actor=office
    )


def _residents(scene: Scene, office: User) -> None:
    world, items = scene.world, scene.items
    today = timezone.localdate()
    Rating = SurveyAnswer.Rating
    answers = {
        world.village_a1: [Rating.SATISFIED, Rating.FAIRLY_SATISFIED, Rating.DISSATISFIED],
        world.village_b1: [Rating.SATISFIED],
    }
    number = 0
    for village, ratings in answers.items():
        survey = public_actions.open_survey(
            village, title="整改满意度测评", opens_on=today, closes_on=today + timedelta(days=10), actor=office
        )
        scene.surveys.append(survey)
        for rating in ratings:
            number += 1
            public_actions.answer_survey(survey, rating=rating, comment="", device_key=device(number))
    for key in ("a2_closed", "a2_ongoing", "b1_closed_late"):
        scene.disclosures.append(
            public_actions.publish_disclosure(items[key], summary=PUBLIC_SUMMARY, result=PUBLIC_RESULT, actor=office)
        )
    public_actions.withdraw_disclosure(scene.disclosures[-1], actor=office)


# A city and a province ----------------------------------------------------------------------------------------------


@dataclass
class Region:
    """Two more counties with terms: 兴安县 (桂林市, like the world's county) and 兴宁区 (南宁市)."""

    province: AdminUnit
    city: AdminUnit
    xingan: AdminUnit
    xingan_key: AdminUnit
    xingan_term: Term
    xingan_round: Round
    xingning: AdminUnit
    xingning_village: AdminUnit
    xingning_term: Term


def build_region(world: World) -> Region:
    """兴安县: 丙一村 and a key 丙二村, both inspected in round 1 of its current term (九届): two confirmed
    problems and a closed item in 丙一村, an item in progress and a discarded paper in 丙二村, one transferred clue,
    one suggestion fixed immediately; its earlier term (八届) left an item that the roll-up must not count.
    兴宁区 of 南宁市: one village, inspected, with one closed item."""
    xingan, bing1 = world.other_county, world.other_village
    township = bing1.parent
    assert township is not None
    bing2 = units.village(township, "丙二村委会", number=202, category=VillageCategory.KEY)
    old_term = TermFactory.create(county=xingan, number=8, name="八届县委")
    old_round = RoundFactory.create(term=old_term, number=1, status=Round.Status.CLOSED)
    assign(GroupFactory.create(round=old_round, number=1), [bing1])
    ledger_item(old_round, bing1, status=Status.CLOSED)

    term = TermFactory.create(county=xingan, number=9, name="九届县委")
    round_ = RoundFactory.create(term=term, number=1, status=Round.Status.RECTIFYING)
    direct = assign(GroupFactory.create(round=round_, number=1), [bing1])
    assign(GroupFactory.create(round=round_, number=2), [bing2])
    confirmed_problem(round_, bing1)
    confirmed_problem(round_, bing1)
    confirmed_problem(round_, bing2, status=Problem.Status.DISCARDED)
    ledger_item(round_, bing1, status=Status.CLOSED)
    ledger_item(round_, bing2, status=Status.IN_PROGRESS)
    ClueFactory.create(assignment=direct, status=Clue.Status.TRANSFERRED)
    SuggestionFactory.create(assignment=direct, outcome=Outcome.IMMEDIATE)

    xingning = units.county("450102", "兴宁区")
    xingning_township = units.township(xingning, "朝阳街道", number=100)
    xingning_village = units.village(xingning_township, "朝阳村委会", number=201)
    xingning_term = TermFactory.create(county=xingning, number=12, name="十二届区委")
    xingning_round = RoundFactory.create(term=xingning_term, number=1, status=Round.Status.RECTIFYING)
    assign(GroupFactory.create(round=xingning_round, number=1), [xingning_village])
    ledger_item(xingning_round, xingning_village, status=Status.CLOSED)

    province = units.province()
    city = units.city()
    return Region(province, city, xingan, bing2, term, round_, xingning, xingning_village, xingning_term)


# Reading pages ------------------------------------------------------------------------------------------------------

JSON_SCRIPT = re.compile(r'<script id="(chart-[a-z-]+)-data" type="application/json">(.*?)</script>', re.S)


def figure(html: str, name: str) -> str:
    """The text of the first element marked ``data-figure=name``."""
    match = re.search(rf'data-figure="{name}"[^>]*>([^<]*)<', html)
    assert match is not None, f"no figure {name}"
    return match.group(1).strip()


def has_figure(html: str, name: str) -> bool:
    return f'data-figure="{name}"' in html


def chart_specs(html: str) -> dict[str, dict[str, Any]]:
    """Every chart spec handed to the browser, by chart id, parsed from its ``json_script`` tag."""
    return {chart_id: json.loads(text) for chart_id, text in JSON_SCRIPT.findall(html)}


def chart_section(html: str, chart_id: str) -> str:
    """The card of one chart: its canvas holder, its spec and its table."""
    start = html.index(f'data-testid="{chart_id}"')
    end = html.index("</section>", start)
    return html[start:end]


def area_rows(html: str) -> dict[str, list[str]]:
    """The area table's rows by the area's code: the name, then each cell's text."""
    rows = {}
    for code, row in re.findall(r'<tr data-area="(\d+)">(.*?)</tr>', html, re.S):
        rows[code] = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
    return rows


def summary(html: str) -> str:
    match = re.search(r'data-testid="dashboard-summary">(.*?)</p>', html, re.S)
    assert match is not None
    return re.sub(r"\s+", " ", match.group(1)).strip()
