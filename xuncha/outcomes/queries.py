"""Outcome figures for the dashboard, the statistics report and ``xuncha stats``: money involved, recovered and
returned to the collective, people dealt with by kind, and rules made, in total, by area, by round and by category.

Two grouped queries whatever the number of outcomes (one over outcomes, one over rules), each grouped by area,
round and category and folded here. Amounts are strings of yuan with two decimals, exact, in JSON."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from xuncha.findings.models import Category
from xuncha.outcomes.models import AMOUNT_FIELDS, PEOPLE_FIELDS, ZERO, Outcome, Rule

# How an outcome reaches the id of its area, per area level (like ``dashboard.queries.AREA_FIELDS``).
AREA_FIELDS = {"COUNTY": "round__term__county_id", "TOWNSHIP": "village__parent_id", "VILLAGE": "village_id"}

SUMS: dict[str, Any] = {
    "outcomes": Count("pk"),
    "of_items": Count("pk", filter=Q(item__isnull=False)),
    "of_clues": Count("pk", filter=Q(clue__isnull=False)),
    **{name: Sum(name) for name in AMOUNT_FIELDS},
    **{field: Sum(field) for field in PEOPLE_FIELDS.values()},
}


def empty() -> dict[str, Any]:
    """The figures of no outcome."""
    return {
        "outcomes": 0,
        "of_items": 0,
        "of_clues": 0,
        **{name: ZERO for name in AMOUNT_FIELDS},
        "people": dict.fromkeys(PEOPLE_FIELDS, 0),
        "people_total": 0,
        "rules": 0,
    }


def _add(into: dict[str, Any], row: dict[str, Any]) -> None:
    for name in ("outcomes", "of_items", "of_clues"):
        into[name] += row[name] or 0
    for name in AMOUNT_FIELDS:
        into[name] += row[name] or ZERO
    for kind, field in PEOPLE_FIELDS.items():
        into["people"][kind] += row[field] or 0
        into["people_total"] += row[field] or 0


def shown(figures: dict[str, Any]) -> dict[str, Any]:
    """The figures ready for JSON: amounts as strings of yuan."""
    return {key: f"{value:.2f}" if isinstance(value, Decimal) else value for key, value in figures.items()}


def outcome_figures(
    outcomes: QuerySet[Outcome], area_level: str | None, areas: dict[int, dict[str, Any]], *, rounds: bool = True
) -> dict[str, Any]:
    """The confirmed outcomes of ``outcomes`` (already narrowed to the scope) and their rules; each row of
    ``areas`` gets its own under ``"outcomes"``. ``rounds`` is False for a region, whose counties number their
    rounds each on their own."""
    confirmed = outcomes.filter(status=Outcome.Status.CONFIRMED).order_by()
    area_field = AREA_FIELDS.get(area_level or "")
    keys = [key for key in (area_field, "round__number", "category") if key]
    totals, by_category = empty(), {code: empty() for code in Category.values}
    by_round: dict[int, dict[str, Any]] = {}
    by_area: dict[int, dict[str, Any]] = {}
    for row in confirmed.values(*keys).annotate(**SUMS):
        _add(totals, row)
        _add(by_round.setdefault(row["round__number"], empty()), row)
        if row["category"] in by_category:
            _add(by_category[row["category"]], row)
        if area_field and row[area_field] in areas:
            _add(by_area.setdefault(row[area_field], empty()), row)
    rules = Rule.objects.filter(outcome__in=confirmed.values("pk")).order_by()
    rule_keys = [f"outcome__{key}" for key in keys]
    for row in rules.values(*rule_keys).annotate(n=Count("pk")):
        totals["rules"] += row["n"]
        by_round.setdefault(row["outcome__round__number"], empty())["rules"] += row["n"]
        if row["outcome__category"] in by_category:
            by_category[row["outcome__category"]]["rules"] += row["n"]
        if area_field and row[f"outcome__{area_field}"] in areas:
            by_area.setdefault(row[f"outcome__{area_field}"], empty())["rules"] += row["n"]
    for area_id, area in areas.items():
        area["outcomes"] = shown(by_area.get(area_id, empty()))
    return {
        **shown(totals),
        "by_round": [{"round": number, **shown(by_round[number])} for number in sorted(by_round)] if rounds else None,
        "by_category": {code: shown(figures) for code, figures in by_category.items()},
    }
