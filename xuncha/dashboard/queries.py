"""The dashboard's figures, for any unit from a village up to the province, as one JSON-ready dict.

A ``Scope`` says which unit, which term (a county's chosen term; for a city or a province the current term of each
of its counties), optionally which round and which township. ``dashboard_figures`` reads through ``Sources``: the
``visible_to(user)`` querysets of a reader, or everything for the system (``xuncha stats``). Each group of figures
is one aggregate query grouped by area (the township, village or county rows of the tables), so the cost follows
the number of areas, never the number of problems or items.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from xuncha.findings.models import Category, Clue, FixType, Problem, Suggestion
from xuncha.inspections.models import AssignmentVillage, Round, Term
from xuncha.inspections.queries import current_term, rounds_figures
from xuncha.organisations.models import AdminUnit, Level, VillageKind
from xuncha.organisations.models import Category as VillageCategory
from xuncha.outcomes.models import Outcome
from xuncha.outcomes.queries import outcome_figures
from xuncha.public.models import SHOWN_Q, Disclosure, ResidentConfirmation, SurveyAnswer
from xuncha.public.queries import disclosure_figures, survey_figures
from xuncha.rectification.closing import CURRENT_ANSWER, Confirmations
from xuncha.rectification.models import LedgerItem, ReturnVisit, VisitCheck
from xuncha.rectification.queries import extension_figures, ledger_figures, ledger_figures_by, rate

if TYPE_CHECKING:
    from xuncha.accounts.scoping import AnyUser

# The rows of the tables below each level: a county's townships, a township's villages, a region's counties.
AREA_LEVEL = {
    Level.PROVINCE: Level.COUNTY,
    Level.CITY: Level.COUNTY,
    Level.COUNTY: Level.TOWNSHIP,
    Level.TOWNSHIP: Level.VILLAGE,
}
# How each kind of row reaches its area's id, per area level.
AREA_FIELDS: dict[str, dict[str, str]] = {
    Level.COUNTY: {
        "village": "parent__parent_id",
        "visit": "village__parent__parent_id",
        "problem": "round__term__county_id",
        "item": "round__term__county_id",
        "suggestion": "assignment__round__term__county_id",
    },
    Level.TOWNSHIP: {
        "village": "parent_id",
        "visit": "village__parent_id",
        "problem": "village__parent_id",
        "item": "township_id",
        "suggestion": "village__parent_id",
    },
    Level.VILLAGE: {
        "village": "pk",
        "visit": "village_id",
        "problem": "village_id",
        "item": "village_id",
        "suggestion": "village_id",
    },
}
NOT_COVERED_SHOWN = 200
TOP_SUGGESTION_VILLAGES = 10
RECENT_VISITS = 5
RECENT_DISCLOSURES = 5


@dataclass(frozen=True)
class Scope:
    """What a dashboard covers: ``unit``'s subtree (narrowed to ``township`` when one is chosen), in ``terms``."""

    unit: AdminUnit
    county: AdminUnit | None
    term: Term | None
    term_ids: list[int]
    round: Round | None = None
    township: AdminUnit | None = None

    @property
    def place(self) -> AdminUnit:
        return self.township or self.unit

    @property
    def is_region(self) -> bool:
        return self.unit.level in (Level.PROVINCE, Level.CITY)

    @property
    def area_level(self) -> str | None:
        return AREA_LEVEL.get(Level(self.place.level))

    def area_field(self, kind: str) -> str | None:
        level = self.area_level
        return AREA_FIELDS[level][kind] if level else None


def county_of(unit: AdminUnit) -> AdminUnit | None:
    """The county a county, township or village belongs to (read off the stored path, one query at most)."""
    if unit.level == Level.COUNTY:
        return unit
    if unit.level not in (Level.TOWNSHIP, Level.VILLAGE):
        return None
    return AdminUnit.objects.ancestors_of(unit).counties().first()


def latest_terms(region: AdminUnit) -> list[int]:
    """The ids of the current term of every county under ``region``."""
    latest = Term.objects.filter(county=OuterRef("county")).order_by("-number").values("pk")[:1]
    # Read once, so that the figures' queries filter on constants rather than repeat the subquery.
    return list(Term.objects.filter(county__path__under=region.path, pk=Subquery(latest)).values_list("pk", flat=True))


def build_scope(
    unit: AdminUnit, *, term: Term | None = None, round_: Round | None = None, township: AdminUnit | None = None
) -> Scope:
    """The scope of ``unit``'s dashboard; ``term`` defaults to the county's current one (regions take each county's)."""
    county = county_of(unit)
    if county is None:
        return Scope(unit, None, None, latest_terms(unit))
    term = term if term is not None else current_term(county)
    return Scope(unit, county, term, [term.pk] if term is not None else [], round_, township)


@dataclass(frozen=True)
class Sources:
    """Where the figures are read from: a reader's ``visible_to`` querysets, or everything for the system."""

    problems: QuerySet[Problem]
    items: QuerySet[LedgerItem]
    suggestions: QuerySet[Suggestion] | None
    visits: QuerySet[ReturnVisit]
    clues: QuerySet[Clue] | None
    rounds: QuerySet[Round]
    outcomes: QuerySet[Outcome]

    @classmethod
    def of(cls, user: AnyUser, *, reads_findings: bool, counts_clues: bool) -> Sources:
        """A reader's sources. Clues are counted from all of them (a count is all a dashboard shows of them), but
        only for those allowed to know of clues; suggestions only for those who read the groups' findings. Outcomes
        are those of the items the reader sees, and, summed, those of the clues for those who may count clues."""
        outcomes = Outcome.objects.visible_to(user).filter(item__isnull=False)
        if counts_clues:
            outcomes = outcomes | Outcome.objects.filter(clue__isnull=False)
        return cls(
            problems=Problem.objects.visible_to(user),
            items=LedgerItem.objects.visible_to(user),
            suggestions=Suggestion.objects.visible_to(user) if reads_findings else None,
            visits=ReturnVisit.objects.visible_to(user),
            clues=Clue.objects.all() if counts_clues else None,
            rounds=Round.objects.visible_to(user),
            outcomes=outcomes,
        )

    @classmethod
    def everything(cls) -> Sources:
        return cls(
            problems=Problem.objects.all(),
            items=LedgerItem.objects.all(),
            suggestions=Suggestion.objects.all(),
            visits=ReturnVisit.objects.all(),
            clues=Clue.objects.all(),
            rounds=Round.objects.all(),
            outcomes=Outcome.objects.all(),
        )


def dashboard_figures(scope: Scope, sources: Sources) -> dict[str, Any]:
    """Every figure of the dashboard of ``scope``; keys whose source the reader may not see are ``None``."""
    areas = _areas(scope)
    villages = _village_figures(scope, areas)
    problems = _problem_figures(scope, sources.problems, areas)
    items = in_scope(sources.items, scope, round_path="round", village_path="village")
    rectification = _rectification_figures(scope, items, areas)
    figures: dict[str, Any] = {
        "scope": _describe(scope),
        "villages": villages,
        "problems": problems,
        "suggestions": _suggestion_figures(scope, sources.suggestions) if sources.suggestions is not None else None,
        "clues": _clue_figures(scope, sources.clues) if sources.clues is not None else None,
        "rectification": rectification,
        "extensions": extension_figures(items),
        "return_visits": _visit_figures(scope, sources.visits),
        "survey": survey_figures(_survey_answers(scope)),
        "disclosure": disclosure_figures(_disclosures(scope)),
        "disclosures": _recent_disclosures(scope),
        "rounds": _round_figures(scope, sources.rounds),
        "outcomes": outcome_figures(
            in_scope(sources.outcomes, scope, round_path="round", village_path="village"),
            scope.area_level,
            areas,
            rounds=not scope.is_region,
        ),
        "resident_confirmations": _confirmation_figures(items),
        "areas": [area for area in areas.values() if area["villages"]],
    }
    return figures


def _confirmation_figures(items: QuerySet[LedgerItem]) -> dict[str, int]:
    """Residents' answers to the scope's items as the reader sees them (``items``: 已解决 / 未解决, counted only), the
    items answered, and the open items whose "not fixed" answers hold them open (``closing``). One query, grouped by
    item."""
    answers = ResidentConfirmation.objects.filter(item__in=items)
    rows = (
        answers.order_by()
        .values("item_id", "item__status")
        .annotate(
            resolved=Count("pk", filter=Q(answer=ResidentConfirmation.Answer.RESOLVED)),
            unresolved=Count("pk", filter=Q(answer=ResidentConfirmation.Answer.UNRESOLVED)),
            current_resolved=Count("pk", filter=Q(CURRENT_ANSWER, answer=ResidentConfirmation.Answer.RESOLVED)),
            current_unresolved=Count("pk", filter=Q(CURRENT_ANSWER, answer=ResidentConfirmation.Answer.UNRESOLVED)),
        )
    )
    figures = {"answers": 0, "resolved": 0, "unresolved": 0, "items_answered": 0, "items_held": 0}
    for row in rows:
        figures["answers"] += row["resolved"] + row["unresolved"]
        figures["resolved"] += row["resolved"]
        figures["unresolved"] += row["unresolved"]
        figures["items_answered"] += 1
        # Whether the answers hold the item counts those given since it was last reopened, as closing does.
        current = Confirmations(resolved=row["current_resolved"], unresolved=row["current_unresolved"])
        figures["items_held"] += int(row["item__status"] != LedgerItem.Status.CLOSED and current.objection_holds)
    return figures


def _survey_answers(scope: Scope) -> QuerySet[SurveyAnswer]:
    """Answers to the satisfaction surveys of the scope's villages opened during its term (a region's, whenever).
    Surveys follow the rectification, not a round, so a chosen round does not narrow them. The answers are
    anonymous and only counted, so every reader of the dashboard may know them: no ``visible_to`` narrows them."""
    answers = SurveyAnswer.objects.filter(survey__village__path__under=scope.place.path)
    if scope.term is not None:
        answers = answers.filter(survey__opens_on__gte=scope.term.start_date)
        if scope.term.end_date is not None:
            answers = answers.filter(survey__opens_on__lte=scope.term.end_date)
    return answers


def _disclosures(scope: Scope) -> QuerySet[Disclosure]:
    """Results published of the scope's items: public, as the residents' pages show them to anyone."""
    return in_scope(Disclosure.objects.all(), scope, round_path="item__round", village_path="item__village")


def _recent_disclosures(scope: Scope) -> list[dict[str, Any]]:
    """The latest results published for residents (what the public pages show, nothing more)."""
    shown = _disclosures(scope).filter(SHOWN_Q).select_related("item__village")
    return [
        {
            "village": disclosure.item.village.name,
            "code": disclosure.item.village.code,
            "summary": disclosure.summary,
            "result": disclosure.result,
            "published_on": timezone.localdate(disclosure.published_at).isoformat(),
        }
        for disclosure in shown.order_by("-published_at", "-pk")[:RECENT_DISCLOSURES]
    ]


def _describe(scope: Scope) -> dict[str, Any]:
    def unit(unit: AdminUnit | None) -> dict[str, Any] | None:
        return {"code": unit.code, "name": unit.name, "level": unit.level} if unit else None

    return {
        "unit": unit(scope.unit),
        "county": unit(scope.county),
        "term": {"id": scope.term.pk, "name": scope.term.name} if scope.term else None,
        "counties_with_terms": len(scope.term_ids) if scope.is_region else None,
        "round": {"id": scope.round.pk, "number": scope.round.number, "name": str(scope.round)}
        if scope.round
        else None,
        "township": unit(scope.township),
        "area_level": scope.area_level,
    }


def _areas(scope: Scope) -> dict[int, dict[str, Any]]:
    """The rows of the area table, in code order, each starting at zero (areas with no data still show)."""
    level = scope.area_level
    if level is None:
        return {}
    units = AdminUnit.objects.filter(level=level, path__under=scope.place.path).order_by("code")
    return {
        unit.pk: {"id": unit.pk, "code": unit.code, "name": unit.name, "villages": 0}
        for unit in units.only("pk", "code", "name")
    }


# Villages and coverage ----------------------------------------------------------------------------------------------


def _visited(scope: Scope) -> QuerySet[AssignmentVillage]:
    """Villages' visits by the scope's rounds that went on site (planned rounds do not count yet)."""
    visited = AssignmentVillage.objects.filter(round__term_id__in=scope.term_ids).exclude(
        round__status=Round.Status.PLANNED
    )
    return visited.filter(round=scope.round) if scope.round is not None else visited


KEY, GENERAL = Q(category=VillageCategory.KEY), Q(category=VillageCategory.GENERAL)
VILLAGE_COUNTS = {
    "villages": Count("pk"),
    "key": Count("pk", filter=KEY),
    "general": Count("pk", filter=GENERAL),
    "watch": Count("pk", filter=Q(category=VillageCategory.WATCH)),
    "unclassified": Count("pk", filter=Q(category="")),
    "communities": Count("pk", filter=Q(kind=VillageKind.COMMUNITY)),
}
# A village visited in several rounds is inspected once: counted distinct.
INSPECTED_COUNTS = {
    "inspected": Count("village", distinct=True),
    "key_inspected": Count("village", distinct=True, filter=Q(village__category=VillageCategory.KEY)),
    "general_inspected": Count("village", distinct=True, filter=Q(village__category=VillageCategory.GENERAL)),
}
VILLAGE_KEYS = [*VILLAGE_COUNTS, *INSPECTED_COUNTS]


def _by_area(queryset: QuerySet[Any], field: str | None, counts: dict[str, Count]) -> list[tuple[Any, dict[str, Any]]]:
    """``counts`` over ``queryset``, one row per area id (one row, of no area, when the scope has no areas)."""
    if field is None:
        return [(None, queryset.order_by().aggregate(**counts))]
    return [(row.pop(field), row) for row in queryset.values(field).annotate(**counts).order_by()]


def _village_figures(scope: Scope, areas: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """Villages by category and kind, and those inspected, per area: two grouped queries (a join on the
    assignments' villages rather than a subquery per village, which a province's 16,681 villages would feel)."""
    villages = AdminUnit.objects.villages().filter(path__under=scope.place.path)
    visited = _visited(scope)
    if scope.place.level in (Level.TOWNSHIP, Level.VILLAGE):
        visited = visited.filter(village__path__under=scope.place.path)
    rows = [
        *_by_area(villages, scope.area_field("village"), VILLAGE_COUNTS),
        *_by_area(visited, scope.area_field("visit"), INSPECTED_COUNTS),
    ]
    totals: dict[str, Any] = dict.fromkeys(VILLAGE_KEYS, 0)
    for area_id, row in rows:
        for key, value in row.items():
            totals[key] += value
        if area_id in areas:
            areas[area_id].update(row)
    for area in areas.values():
        for key in VILLAGE_KEYS:
            area.setdefault(key, 0)
        area["coverage_rate"] = rate(area["inspected"], area["villages"])
    totals["village_committees"] = totals["villages"] - totals["communities"]
    totals["remaining"] = totals["villages"] - totals["inspected"]
    totals["coverage_rate"] = rate(totals["inspected"], totals["villages"])
    not_covered = villages.exclude(pk__in=visited.values("village_id")).select_related("parent").order_by("code")
    totals["not_covered"] = [
        {"code": v.code, "name": v.name, "township": v.parent.name if v.parent else "", "category": v.category}
        for v in (not_covered[:NOT_COVERED_SHOWN] if not scope.is_region else [])
    ]
    return totals


def _round_figures(scope: Scope, rounds: QuerySet[Round]) -> list[dict[str, Any]] | None:
    """The rounds of the county's term the reader sees and the villages each covered (a county's dashboards only)."""
    if scope.is_region or scope.term is None:
        return None
    rounds = rounds.filter(term=scope.term).order_by("number")
    return rounds_figures(rounds, under=scope.place.path)


# Problems, suggestions, clues --------------------------------------------------------------------------------------


def _by(field: str, codes: list[str], condition: Q) -> dict[str, Count]:
    return {f"{field}__{code}": Count("pk", filter=condition & Q(**{field: code})) for code in codes}


def _split(row: dict[str, int], field: str, codes: list[str]) -> dict[str, int]:
    return {code: row[f"{field}__{code}"] for code in codes}


def in_scope(queryset: QuerySet[Any], scope: Scope, *, round_path: str, village_path: str) -> QuerySet[Any]:
    """Rows of ``queryset`` in the scope's terms (and round), under its township or village when narrower."""
    queryset = queryset.filter(**{f"{round_path}__term_id__in": scope.term_ids}).order_by()
    # A county's or a region's terms already hold only its own rows; townships and villages narrow by path.
    if scope.place.level in (Level.TOWNSHIP, Level.VILLAGE):
        queryset = queryset.filter(**{f"{village_path}__path__under": scope.place.path})
    if scope.round is not None:
        queryset = queryset.filter(**{round_path: scope.round})
    return queryset


def _problem_figures(scope: Scope, problems: QuerySet[Problem], areas: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """Standing problems (every status but DISCARDED): by category, source, rectification type, area and round."""
    problems = in_scope(problems, scope, round_path="round", village_path="village").exclude(
        status=Problem.Status.DISCARDED
    )
    categories, sources, fix_types = list(Category.values), list(Problem.Source.values), list(FixType.values)
    statuses = [status for status in Problem.Status.values if status != Problem.Status.DISCARDED]
    every = Q()
    counts = problems.aggregate(
        total=Count("pk"),
        **_by("category", categories, every),
        **_by("source", sources, every),
        **_by("fix_type", fix_types, every),
        **_by("status", statuses, every),
    )
    field = scope.area_field("problem")
    if field is not None:
        for row in problems.values(field).annotate(n=Count("pk")).order_by():
            if row[field] in areas:
                areas[row[field]]["problems"] = row["n"]
    for area in areas.values():
        area.setdefault("problems", 0)
    by_round = None
    if not scope.is_region:
        by_round = [
            {"round": row["round__number"], "id": row["round_id"], "problems": row["n"]}
            for row in problems.values("round_id", "round__number").annotate(n=Count("pk")).order_by("round__number")
        ]
    return {
        "total": counts["total"],
        "by_category": _split(counts, "category", categories),
        "by_source": _split(counts, "source", sources),
        "by_fix_type": _split(counts, "fix_type", fix_types),
        "by_status": _split(counts, "status", statuses),
        "by_round": by_round,
    }


def _suggestion_figures(scope: Scope, suggestions: QuerySet[Suggestion]) -> dict[str, Any]:
    """Suggestions heard and what became of them, and the villages that raised the most on one topic."""
    suggestions = in_scope(suggestions, scope, round_path="assignment__round", village_path="village")
    outcomes, topics = list(Suggestion.Outcome.values), list(Suggestion.Topic.values)
    counts = suggestions.aggregate(
        total=Count("pk"),
        undecided=Count("pk", filter=Q(outcome="")),
        **_by("outcome", outcomes, Q()),
        **_by("topic", topics, Q()),
    )
    top = (
        suggestions.values("village__code", "village__name", "topic")
        .annotate(total=Count("pk"), **{outcome: Count("pk", filter=Q(outcome=outcome)) for outcome in outcomes})
        .order_by("-total", "village__code", "topic")[:TOP_SUGGESTION_VILLAGES]
    )
    return {
        "total": counts["total"],
        "by_outcome": {**_split(counts, "outcome", outcomes), "undecided": counts["undecided"]},
        "by_topic": _split(counts, "topic", topics),
        "top_villages": [
            {
                "code": row["village__code"],
                "name": row["village__name"],
                "topic": row["topic"],
                "total": row["total"],
                **{outcome: row[outcome] for outcome in outcomes},  # type: ignore[literal-required]
            }
            for row in top
        ],
    }


def _clue_figures(scope: Scope, clues: QuerySet[Clue]) -> dict[str, int]:
    """Only how many sealed clues left the office (every status but REGISTERED); nothing else of them."""
    clues = in_scope(clues, scope, round_path="round", village_path="village")
    return clues.exclude(status=Clue.Status.REGISTERED).aggregate(transferred=Count("pk"))


# Rectification and return visits -----------------------------------------------------------------------------------


def _rectification_figures(
    scope: Scope, items: QuerySet[LedgerItem], areas: dict[int, dict[str, Any]]
) -> dict[str, Any]:
    figures = ledger_figures(items)
    field = scope.area_field("item")
    if field is not None:
        for row in ledger_figures_by(items, field):
            area = areas.get(row.pop(field))
            if area is not None:
                area["rectification"] = row
    empty = ledger_figures(LedgerItem.objects.none())
    for area in areas.values():
        area.setdefault("rectification", empty)
    figures["by_round"] = (
        None
        if scope.is_region
        else [{"round": row.pop("round__number"), **row} for row in ledger_figures_by(items, "round__number")]
    )
    return figures


def _visit_figures(scope: Scope, visits: QuerySet[ReturnVisit]) -> dict[str, Any]:
    """Return visits done that checked items of the scope: verdicts, residents asked and satisfied, the latest."""
    checked = VisitCheck.objects.filter(visit=OuterRef("pk"), item__round__term_id__in=scope.term_ids)
    if scope.round is not None:
        checked = checked.filter(item__round=scope.round)
    done = visits.filter(Exists(checked), status=ReturnVisit.Status.DONE).order_by()
    if scope.place.level in (Level.TOWNSHIP, Level.VILLAGE):
        done = done.filter(village__path__under=scope.place.path)
    totals = done.aggregate(
        visits=Count("pk"), people_asked=Sum("people_asked"), people_satisfied=Sum("people_satisfied")
    )
    verdicts = VisitCheck.objects.filter(visit__in=done.values("pk")).aggregate(
        verified=Count("pk", filter=Q(verdict=VisitCheck.Verdict.VERIFIED)),
        reopened=Count("pk", filter=Q(verdict=VisitCheck.Verdict.REOPEN)),
    )
    asked, satisfied = totals["people_asked"] or 0, totals["people_satisfied"] or 0
    recent = (
        done.select_related("village")
        .annotate(verified=Count("checks", filter=Q(checks__verdict=VisitCheck.Verdict.VERIFIED)))
        .order_by("-visited_on", "-pk")[:RECENT_VISITS]
    )
    return {
        "visits": totals["visits"],
        **verdicts,
        "people_asked": asked,
        "people_satisfied": satisfied,
        "satisfaction_rate": rate(satisfied, asked),
        "recent": [
            {
                "id": visit.pk,
                "village": visit.village.name,
                "code": visit.village.code,
                "visited_on": visit.visited_on.isoformat() if visit.visited_on else None,
                "verified": visit.verified,
                "people_asked": visit.people_asked,
                "people_satisfied": visit.people_satisfied,
                "note": visit.note,
            }
            for visit in recent
        ],
    }
