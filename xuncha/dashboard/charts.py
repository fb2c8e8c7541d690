"""The dashboard's charts, built from its figures: each chart is also a table (for screen readers and copy-paste)
and each of its bars or slices links to the list behind it.

A chart is handed to the browser as a small JSON spec (``json_script``); ``static/xuncha/dashboard.js`` turns it into
ECharts options. No script or style is written inline: the pages keep a strict Content-Security-Policy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from xuncha.findings.filters import SuggestionFilter
from xuncha.findings.models import Category, Problem, Suggestion
from xuncha.organisations.models import Level
from xuncha.rectification.models import LedgerItem

if TYPE_CHECKING:
    from xuncha.dashboard.queries import Scope


@dataclass
class Chart:
    """One chart: labels along one axis, one or more series of numbers, and a link per label."""

    key: str
    title: str
    kind: str  # "bar", "hbar" (horizontal bars) or "pie"
    labels: list[str]
    series: list[tuple[str, list[float]]]
    links: Sequence[str | None] = field(default_factory=list)
    stacked: bool = False
    percent: bool = False

    @property
    def dom_id(self) -> str:
        return f"chart-{self.key}"

    @property
    def data_id(self) -> str:
        return f"chart-{self.key}-data"

    @property
    def spec(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "labels": self.labels,
            "series": [{"name": name, "data": data} for name, data in self.series],
            "links": self.links,
            "stacked": self.stacked,
            "percent": self.percent,
            "title": self.title,
        }

    @property
    def rows(self) -> list[tuple[str, str | None, list[float]]]:
        """The table view: a row per label with its link and one value per series."""
        links = self.links or [None] * len(self.labels)
        return [
            (label, links[index], [data[index] for _name, data in self.series])
            for index, label in enumerate(self.labels)
        ]

    @property
    def is_empty(self) -> bool:
        return not any(value for _name, data in self.series for value in data)


class Links:
    """Addresses of the lists behind the figures, carrying the dashboard's filters."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    def _query(self, base: str, params: dict[str, Any]) -> str:
        clean = {key: value for key, value in params.items() if value not in (None, "")}
        return f"{base}?{urlencode(clean)}" if clean else base

    def query(self, **params: Any) -> str:
        """The dashboard's filters (and ``params``) as a query string, without the leading ``?``."""
        return self._query("", {**self.filters(), **params}).lstrip("?")

    def filters(self) -> dict[str, Any]:
        scope = self.scope
        return {
            "term": scope.term.pk if scope.term else None,
            "round": scope.round.pk if scope.round else None,
            "township": scope.township.code if scope.township else None,
        }

    def problems(self, **params: Any) -> str:
        url = reverse("dashboard:problem-list", args=[self.scope.unit.code])
        return self._query(url, {**self.filters(), **params})

    def suggestions(self, **params: Any) -> str:
        url = reverse("dashboard:suggestion-list", args=[self.scope.unit.code])
        return self._query(url, {**self.filters(), **params})

    def ledger(self, **params: Any) -> str:
        scope = self.scope
        place = scope.place
        where: dict[str, Any] = {
            "term": scope.term.pk if scope.term else None,
            "round": scope.round.pk if scope.round else None,
        }
        if place.level == Level.TOWNSHIP:
            where["township"] = place.code
        elif place.level == Level.VILLAGE:
            where["village"] = place.code
        return self._query(reverse("rectification:item-list"), {**where, **params})

    def villages(self, **params: Any) -> str | None:
        scope = self.scope
        if scope.county is None:
            return None
        where = {"county": scope.county.code}
        if scope.place.level == Level.TOWNSHIP:
            where["township"] = scope.place.code
        return self._query(reverse("organisations:village-list"), {**where, **params})

    def area(self, area: dict[str, Any], **params: Any) -> str | None:
        """Where an area's row leads: a county's own dashboard, a township's villages, a village's ledger."""
        level = self.scope.area_level
        if level == Level.COUNTY:
            return reverse("dashboard:unit", args=[area["code"]])
        if level == Level.TOWNSHIP:
            return self.villages(township=area["code"], **params)
        return self._query(reverse("rectification:item-list"), {"village": area["code"], **params})

    def dashboard(self, code: str) -> str:
        return reverse("dashboard:unit", args=[code])


def build_charts(figures: dict[str, Any], scope: Scope) -> list[Chart]:
    links = Links(scope)
    areas = figures["areas"]
    charts: list[Chart] = []
    names = [area["name"] for area in areas]
    if len(areas) > 1:
        charts.append(
            Chart(
                "coverage",
                _("Coverage this term"),
                "bar",
                names,
                [
                    (_("Inspected"), [area["inspected"] for area in areas]),
                    (_("Not yet inspected"), [area["villages"] - area["inspected"] for area in areas]),
                ],
                [links.area(area) for area in areas],
                stacked=True,
            )
        )
    problems = figures["problems"]
    charts.append(
        Chart(
            "problems-category",
            _("Problems by category"),
            "hbar",
            [str(label) for _code, label in Category.choices],
            [(_("Problems"), [problems["by_category"][code] for code in Category.values])],
            [links.problems(category=code) for code in Category.values],
        )
    )
    if len(areas) > 1:
        area_param = "township" if scope.area_level == Level.TOWNSHIP else "village"
        charts.append(
            Chart(
                "problems-area",
                _("Problems by area"),
                "bar",
                names,
                [(_("Problems"), [area.get("problems", 0) for area in areas])],
                [
                    links.dashboard(area["code"])
                    if scope.area_level == Level.COUNTY
                    else links.problems(**{area_param: area["code"]})
                    for area in areas
                ],
            )
        )
    charts.append(
        Chart(
            "problems-source",
            _("Problems by source"),
            "pie",
            [str(label) for _code, label in Problem.Source.choices],
            [(_("Problems"), [problems["by_source"][code] for code in Problem.Source.values])],
            [links.problems(source=code) for code in Problem.Source.values],
        )
    )
    if problems["by_round"] and scope.round is None:
        charts.append(
            Chart(
                "problems-round",
                _("Problems by round"),
                "bar",
                [_("Round %(number)s") % {"number": row["round"]} for row in problems["by_round"]],
                [(_("Problems"), [row["problems"] for row in problems["by_round"]])],
                [links.problems(round=row["id"]) for row in problems["by_round"]],
            )
        )
    charts.append(_rectification_chart(figures["rectification"], links))
    if len(areas) > 1:
        charts.append(
            Chart(
                "rectification-area",
                _("Completion rate by area"),
                "bar",
                names,
                [(_("Completion rate"), [area["rectification"]["completion_rate"] for area in areas])],
                [links.area(area) for area in areas],
                percent=True,
            )
        )
    suggestions = figures["suggestions"]
    if suggestions is not None:
        outcomes = [*Suggestion.Outcome.values, "undecided"]
        charts.append(
            Chart(
                "suggestions-outcome",
                _("Suggestions and what became of them"),
                "pie",
                [str(label) for _code, label in SuggestionFilter.OUTCOME_CHOICES],
                [(_("Suggestions"), [suggestions["by_outcome"][code] for code in outcomes])],
                [links.suggestions(outcome=code) for code in Suggestion.Outcome.values]
                + [links.suggestions(outcome=SuggestionFilter.UNDECIDED)],
            )
        )
    return charts


def _rectification_chart(rectification: dict[str, Any], links: Links) -> Chart:
    Status = LedgerItem.Status
    waiting = rectification["open"] - rectification["overdue"]
    return Chart(
        "rectification-status",
        _("Rectification"),
        "pie",
        [str(Status.CLOSED.label), str(Status.ONGOING.label), _("Open, on time"), _("Overdue")],
        [
            (
                _("Items"),
                [rectification["closed"], rectification["ongoing"], waiting, rectification["overdue"]],
            )
        ],
        [
            links.ledger(status=Status.CLOSED),
            links.ledger(status=Status.ONGOING),
            None,  # open and not overdue: green and yellow lights, which no one ledger filter lists
            links.ledger(light="RED"),
        ],
    )
