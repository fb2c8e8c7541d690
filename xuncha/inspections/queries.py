"""Reads of the inspections app: coverage of a term, recusal conflicts, round figures."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Value

from xuncha.inspections.models import Assignment, AssignmentVillage, Membership, Recusal, Round, Term
from xuncha.inspections.scoping import group_ids_of
from xuncha.organisations.models import AdminUnit, AdminUnitQuerySet, Category, Level, VillageKind

if TYPE_CHECKING:
    from xuncha.accounts.models import User


def round_counties(user: User) -> AdminUnitQuerySet:
    """The counties whose rounds the user can see or plan: those the user sees, and those of the rounds the user
    sees (a township or a group member sees rounds of a county it does not see as a whole)."""
    visible_counties = AdminUnit.objects.visible_to(user).counties()
    return AdminUnit.objects.filter(
        Q(pk__in=visible_counties.values("pk")) | Q(pk__in=Term.objects.visible_to(user).values("county_id"))
    )


def declaration_counties(user: User) -> AdminUnitQuerySet:
    """The counties in which the user declares ties: those the user sees, and those where the user's groups
    inspect."""
    return AdminUnit.objects.filter(
        Q(pk__in=AdminUnit.objects.visible_to(user).counties().values("pk"))
        | Q(pk__in=Round.objects.filter(groups__id__in=group_ids_of(user)).values("term__county_id"))
    )


def current_term(county: AdminUnit) -> Term | None:
    """The county's latest term, the one whose coverage the office is working on."""
    return Term.objects.filter(county=county).order_by("-number").first()


def inspected_village_ids(term: Term) -> QuerySet[AssignmentVillage, Any]:
    """Villages covered by the term's rounds that have gone on site (planned rounds do not count yet)."""
    return (
        AssignmentVillage.objects.filter(round__term=term)
        .exclude(round__status=Round.Status.PLANNED)
        .values("village_id")
    )


def villages_with_coverage(county: AdminUnit, term: Term | None) -> AdminUnitQuerySet:
    """The county's villages, each annotated with ``inspected`` and ``planned`` for the term."""
    villages = AdminUnit.objects.villages().filter(path__under=county.path)
    if term is None:
        return villages.annotate(inspected=Value(False), planned=Value(False))
    done = AssignmentVillage.objects.filter(village=OuterRef("pk"), round__term=term).exclude(
        round__status=Round.Status.PLANNED
    )
    planned = AssignmentVillage.objects.filter(
        village=OuterRef("pk"), round__term=term, round__status=Round.Status.PLANNED
    )
    return villages.annotate(inspected=Exists(done), planned=Exists(planned))


@dataclass
class CoverageRow:
    """Villages of one township (or of the whole county) and how many the term has inspected."""

    unit: AdminUnit | None
    total: int = 0
    inspected: int = 0
    key: int = 0
    key_inspected: int = 0
    general: int = 0
    general_inspected: int = 0
    watch: int = 0
    unclassified: int = 0
    communities: int = 0

    @property
    def remaining(self) -> int:
        return self.total - self.inspected

    @property
    def percent(self) -> int:
        """Whole percent, rounded half up (四舍五入) as published figures are."""
        return (200 * self.inspected + self.total) // (2 * self.total) if self.total else 0


@dataclass
class Coverage:
    county: AdminUnit
    term: Term | None
    total: CoverageRow
    townships: list[CoverageRow] = field(default_factory=list)


def coverage(county: AdminUnit, term: Term | None) -> Coverage:
    """Villages of ``county`` inspected in ``term``, by category and township, in two queries."""
    rows = (
        villages_with_coverage(county, term)
        .values("parent_id", "category", "kind", "inspected")  # type: ignore[misc]
        .annotate(count=Count("pk"))
        .order_by()
    )
    townships = {unit.pk: CoverageRow(unit) for unit in AdminUnit.objects.townships().filter(parent=county)}
    total = CoverageRow(None)
    for row in rows:
        township = townships.setdefault(row["parent_id"], CoverageRow(None))
        for target in (township, total):
            _add(target, row["category"], row["kind"], bool(row["inspected"]), row["count"])
    return Coverage(county, term, total, sorted(townships.values(), key=lambda row: row.unit.code if row.unit else ""))


def _add(row: CoverageRow, category: str, kind: str, inspected: bool, count: int) -> None:
    row.total += count
    row.inspected += count if inspected else 0
    if category == Category.KEY:
        row.key += count
        row.key_inspected += count if inspected else 0
    elif category == Category.GENERAL:
        row.general += count
        row.general_inspected += count if inspected else 0
    elif category == Category.WATCH:
        row.watch += count
    else:
        row.unclassified += count
    if kind == VillageKind.COMMUNITY:
        row.communities += count


@dataclass(frozen=True)
class RecusalConflict:
    """A member's declared tie that forbids an assignment, with the village or township it clashes with."""

    recusal: Recusal
    membership: Membership | None
    clash: AdminUnit
    township: AdminUnit


def township_of(unit: AdminUnit) -> str | None:
    """Path of the township a township or village lies in; ``None`` above township level."""
    if unit.level == Level.TOWNSHIP:
        return unit.path
    if unit.level == Level.VILLAGE:
        return unit.path[: unit.path.rstrip("/").rfind("/") + 1]
    return None


def recusal_conflicts(
    user_ids: Iterable[int], units: Iterable[AdminUnit], memberships: Iterable[Membership] = ()
) -> list[RecusalConflict]:
    """Ties of the given people that fall in the same township as any of ``units`` (targets and villages)."""
    by_township: dict[str, AdminUnit] = {}
    for unit in units:
        path = township_of(unit)
        if path is not None:
            by_township.setdefault(path, unit)
    if not by_township:
        return []
    membership_of = {membership.user_id: membership for membership in memberships}
    recusals = Recusal.objects.filter(user_id__in=list(user_ids)).select_related("user", "unit")
    township_units = {unit.path: unit for unit in AdminUnit.objects.filter(path__in=list(by_township))}
    conflicts = []
    for recusal in recusals:
        path = township_of(recusal.unit)
        if path in by_township:
            conflicts.append(
                RecusalConflict(recusal, membership_of.get(recusal.user_id), by_township[path], township_units[path])
            )
    return conflicts


def rounds_figures(rounds: QuerySet[Round], under: str = "") -> list[dict[str, Any]]:
    """Villages each of ``rounds`` covers (only those whose path starts with ``under``) and how: counts of villages
    and assignments by mode, and key villages inspected directly; three queries whatever the number of rounds."""
    covered = AssignmentVillage.objects.filter(round__in=rounds)
    assignments = Assignment.objects.filter(round__in=rounds)
    if under:
        covered = covered.filter(village__path__under=under)
        assignments = assignments.filter(target__path__under=under)
    rows = covered.values("round_id", "assignment__mode", "village__category").annotate(n=Count("pk")).order_by()
    modes = assignments.values("round_id", "mode").annotate(n=Count("pk")).order_by()
    villages: dict[int, Counter[tuple[str, str]]] = {}
    for row in rows:
        villages.setdefault(row["round_id"], Counter())[(row["assignment__mode"], row["village__category"])] += row["n"]
    assigned: dict[int, Counter[str]] = {}
    for mode_row in modes:
        assigned.setdefault(mode_row["round_id"], Counter())[mode_row["mode"]] += mode_row["n"]
    figures = []
    for round_ in rounds.select_related("term"):
        counts = villages.get(round_.pk, Counter())
        figures.append(
            {
                "round": round_.number,
                "id": round_.pk,
                "name": str(round_),
                "status": round_.status,
                "villages": sum(counts.values()),
                "key_villages": sum(n for (_mode, category), n in counts.items() if category == Category.KEY),
                "key_villages_direct": counts[(Assignment.Mode.DIRECT.value, Category.KEY.value)],
                "villages_by_mode": {
                    mode.value: sum(n for (m, _category), n in counts.items() if m == mode) for mode in Assignment.Mode
                },
                "assignments_by_mode": {
                    mode.value: assigned.get(round_.pk, Counter())[mode] for mode in Assignment.Mode
                },
            }
        )
    return figures


def round_figures(round_: Round) -> dict[str, Any]:
    """Villages a round covers and how (see ``rounds_figures``), without the round's id, as reports print them."""
    return _without_id(rounds_figures(Round.objects.filter(pk=round_.pk))[0])


def _without_id(figures: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in figures.items() if key != "id"}


def county_figures(county: AdminUnit) -> dict[str, Any]:
    """The county's planning figures for ``xuncha stats``: villages, categories, coverage and rounds."""
    term = current_term(county)
    cover = coverage(county, term)
    total = cover.total
    rounds = Round.objects.filter(term=term).order_by("number") if term else Round.objects.none()
    return {
        "county": {"code": county.short_code, "name": county.name},
        "townships": len(cover.townships),
        "villages": total.total,
        "village_committees": total.total - total.communities,
        "communities": total.communities,
        "key_villages": total.key,
        "general_villages": total.general,
        "watch_villages": total.watch,
        "unclassified_villages": total.unclassified,
        "term": term.name if term else None,
        "inspected_villages": total.inspected,
        "inspected_key_villages": total.key_inspected,
        "inspected_general_villages": total.general_inspected,
        "villages_to_cover": total.remaining,
        "coverage_by_township": [
            {"code": row.unit.short_code, "name": row.unit.name, "villages": row.total, "inspected": row.inspected}
            for row in cover.townships
            if row.unit is not None
        ],
        "rounds": [_without_id(figures) for figures in rounds_figures(rounds)],
    }
