"""Reads over the tree: counts of villages grouped by the ancestor at a given level."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import Substr

from xuncha.organisations.models import CODE_LENGTH, LEVEL_DEPTH, AdminUnit, Category, Level, VillageKind


def _ancestor_code_at(level: Level) -> Substr:
    """The code of a row's ancestor at ``level``, cut out of its stored path ("/" + 12 digits per level)."""
    start = 2 + (LEVEL_DEPTH[level] - 1) * (CODE_LENGTH + 1)
    return Substr("path", start, CODE_LENGTH)


@dataclass
class VillageCounts:
    total: int = 0
    key: int = 0
    general: int = 0
    communities: int = 0


def village_counts_under(units: Iterable[AdminUnit]) -> dict[int, VillageCounts]:
    """Villages (total, key, general, communities) below each of ``units``, all of one level, in one query."""
    units = list(units)
    if not units:
        return {}
    level = Level(units[0].level)
    by_code = {unit.code: unit.pk for unit in units}
    rows = (
        AdminUnit.objects.villages()
        .filter(Q(*[Q(path__under=unit.path) for unit in units], _connector=Q.OR))
        .annotate(ancestor_code=_ancestor_code_at(level))
        .values("ancestor_code")
        .annotate(
            total=Count("pk"),
            key=Count("pk", filter=Q(category=Category.KEY)),
            general=Count("pk", filter=Q(category=Category.GENERAL)),
            communities=Count("pk", filter=Q(kind=VillageKind.COMMUNITY)),
        )
        .order_by()
    )
    return {
        by_code[row["ancestor_code"]]: VillageCounts(row["total"], row["key"], row["general"], row["communities"])
        for row in rows
        if row["ancestor_code"] in by_code
    }
