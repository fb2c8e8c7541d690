"""Parsing and validation of division and classification files, before anything is written.

Both parsers check every row and raise ``ImportRejected`` with the complete list of bad rows; the actions
that apply the result (``actions.import_divisions``, ``actions.classify_villages``) only ever see clean data.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from xuncha.core.tabular import ImportRejected, Row, RowError, read_csv
from xuncha.organisations.codes import (
    PROVINCE_NAMES,
    is_department_code,
    kind_from_name,
    level_of_code,
    normalise_code,
)
from xuncha.organisations.models import CODE_LENGTH, LEVEL_DIGITS, AdminUnit, Category, Level, VillageKind

PROVINCE_CHAIN_COLUMNS = (
    "city_code",
    "city_name",
    "county_code",
    "county_name",
    "township_code",
    "township_name",
    "village_code",
    "village_name",
)
COUNTY_VILLAGES_COLUMNS = ("township_code", "township_name", "village_code", "village_name", "kind")
CLASSIFICATION_COLUMNS = ("code", "category", "reason")

KIND_WORDS = {
    "village": VillageKind.VILLAGE,
    "村": VillageKind.VILLAGE,
    "community": VillageKind.COMMUNITY,
    "社区": VillageKind.COMMUNITY,
}
CATEGORY_WORDS = {
    "KEY": Category.KEY,
    "重点村": Category.KEY,
    "重点": Category.KEY,
    "GENERAL": Category.GENERAL,
    "一般村": Category.GENERAL,
    "一般": Category.GENERAL,
    "WATCH": Category.WATCH,
    "关注村": Category.WATCH,
    "关注": Category.WATCH,
}
NAME_MAX = AdminUnit._meta.get_field("name").max_length or 100


@dataclass
class UnitSpec:
    """A unit as a file describes it."""

    code: str
    name: str
    level: Level
    parent_code: str | None
    kind: str
    line: int


@dataclass(frozen=True)
class ClassificationSpec:
    code: str
    category: Category
    reason: str
    line: int


class _Collector:
    """Gathers units across rows and reports codes that the file describes in two different ways."""

    def __init__(self) -> None:
        self.units: dict[str, UnitSpec] = {}
        self.errors: list[RowError] = []

    def add(self, spec: UnitSpec, column: str, *, unique: bool = False) -> None:
        seen = self.units.get(spec.code)
        if seen is None:
            self.units[spec.code] = spec
            return
        if unique:
            reason = _("duplicate code, already given on line %(line)s") % {"line": seen.line}
            self.errors.append(RowError(spec.line, column, reason, spec.code))
        elif (seen.name, seen.parent_code) != (spec.name, spec.parent_code):
            reason = _("this code is named %(name)s on line %(line)s") % {"name": seen.name, "line": seen.line}
            self.errors.append(RowError(spec.line, column, reason, spec.code))


def _check_code(row: Row, column: str, level: Level, parent: str | None, errors: list[RowError]) -> str | None:
    """The 12-digit code in ``column``, or ``None`` with an error when it is malformed or not under ``parent``."""
    raw = row.values[column]
    digits = LEVEL_DIGITS[level]
    if len(raw) != digits or not raw.isascii() or not raw.isdigit():
        reason = _("%(level)s codes have %(digits)s digits") % {"level": level.label, "digits": digits}
        errors.append(RowError(row.line, column, reason, raw))
        return None
    if parent is not None and not raw.startswith(parent[: LEVEL_DIGITS[_parent_level(level)]]):
        errors.append(RowError(row.line, column, _("the code does not lie under its parent's code"), raw))
        return None
    if is_department_code(raw.ljust(CODE_LENGTH, "0")):
        errors.append(RowError(row.line, column, _("the code lies in the range kept for county departments"), raw))
        return None
    return raw.ljust(CODE_LENGTH, "0")


def _parent_level(level: Level) -> Level:
    order = [Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE]
    return order[order.index(level) - 1]


def _check_name(row: Row, column: str, errors: list[RowError]) -> str | None:
    name = row.values[column]
    if not name:
        errors.append(RowError(row.line, column, _("the name is empty")))
        return None
    if len(name) > NAME_MAX:
        errors.append(RowError(row.line, column, _("the name is too long"), name))
        return None
    return name


def parse_divisions(data: bytes, *, only_county: str | None = None) -> list[UnitSpec]:
    """Read a division file (the province-chain or the county-villages layout) into unit specs, top level first.

    ``only_county`` keeps the rows of one county of a province-chain file. Units of the county-villages layout
    hang under a county that must already be in the database.
    """
    header, rows, errors = read_csv(data, [PROVINCE_CHAIN_COLUMNS, COUNTY_VILLAGES_COLUMNS])
    collector = _Collector()
    collector.errors.extend(errors)
    if tuple(header) == PROVINCE_CHAIN_COLUMNS:
        county_filter = normalise_code(only_county) if only_county else None
        if only_county and (county_filter is None or level_of_code(only_county) != Level.COUNTY):
            raise ImportRejected([RowError(1, "--county", _("not a county code (6 digits)"), only_county)])
        for row in rows:
            _parse_chain_row(row, collector, county_filter)
    else:
        if only_county:
            raise ImportRejected([RowError(1, "--county", _("only a province-chain file can be filtered by county"))])
        for row in rows:
            _parse_county_row(row, collector)
        _check_parents_exist(collector)
    _check_existing_levels(collector)
    if collector.errors:
        raise ImportRejected(sorted(collector.errors, key=lambda error: error.line))
    if not collector.units:
        raise ImportRejected([RowError(2, _("file"), _("the file holds no rows"))])
    return sorted(collector.units.values(), key=lambda spec: (LEVEL_DIGITS[spec.level], spec.code))


def _parse_chain_row(row: Row, collector: _Collector, county_filter: str | None) -> None:
    errors: list[RowError] = []
    city = _check_code(row, "city_code", Level.CITY, None, errors)
    county = _check_code(row, "county_code", Level.COUNTY, city, errors) if city else None
    township = _check_code(row, "township_code", Level.TOWNSHIP, county, errors) if county else None
    village = _check_code(row, "village_code", Level.VILLAGE, township, errors) if township else None
    names = {
        column: _check_name(row, column, errors)
        for column in ("city_name", "county_name", "township_name", "village_name")
    }
    if county_filter and county and county != county_filter:
        return
    if errors:
        collector.errors.extend(errors)
        return
    assert city and county and township and village  # noqa: S101 - guaranteed by the checks above
    province = city[:2].ljust(CODE_LENGTH, "0")
    province_name = PROVINCE_NAMES.get(city[:2])
    if province_name is None:
        collector.errors.append(RowError(row.line, "city_code", _("unknown province code"), row.values["city_code"]))
        return
    village_name = names["village_name"] or ""
    collector.add(UnitSpec(province, province_name, Level.PROVINCE, None, "", row.line), "city_code")
    collector.add(UnitSpec(city, names["city_name"] or "", Level.CITY, province, "", row.line), "city_code")
    collector.add(UnitSpec(county, names["county_name"] or "", Level.COUNTY, city, "", row.line), "county_code")
    collector.add(
        UnitSpec(township, names["township_name"] or "", Level.TOWNSHIP, county, "", row.line), "township_code"
    )
    collector.add(
        UnitSpec(village, village_name, Level.VILLAGE, township, kind_from_name(village_name), row.line),
        "village_code",
        unique=True,
    )


def _parse_county_row(row: Row, collector: _Collector) -> None:
    errors: list[RowError] = []
    township = _check_code(row, "township_code", Level.TOWNSHIP, None, errors)
    village = _check_code(row, "village_code", Level.VILLAGE, township, errors) if township else None
    township_name = _check_name(row, "township_name", errors)
    village_name = _check_name(row, "village_name", errors)
    kind = KIND_WORDS.get(row.values["kind"].lower())
    if kind is None:
        errors.append(RowError(row.line, "kind", _("the kind must be village or community"), row.values["kind"]))
    if errors:
        collector.errors.extend(errors)
        return
    assert township and village and township_name and village_name and kind  # noqa: S101
    county = township[:6].ljust(CODE_LENGTH, "0")
    collector.add(UnitSpec(township, township_name, Level.TOWNSHIP, county, "", row.line), "township_code")
    collector.add(UnitSpec(village, village_name, Level.VILLAGE, township, kind, row.line), "village_code", unique=True)


def _check_parents_exist(collector: _Collector) -> None:
    """In the county-villages layout the counties come from the database; each missing one is reported once."""
    wanted: dict[str | None, UnitSpec] = {}
    for spec in collector.units.values():
        if spec.level == Level.TOWNSHIP:
            wanted.setdefault(spec.parent_code, spec)
    found = set(
        AdminUnit.objects.filter(code__in=[code for code in wanted if code], level=Level.COUNTY).values_list(
            "code", flat=True
        )
    )
    for code, spec in wanted.items():
        if code not in found:
            reason = _("unknown parent: county %(code)s is not in the database; import its province file first") % {
                "code": (code or "")[:6]
            }
            collector.errors.append(RowError(spec.line, "township_code", reason, spec.code[:9]))


def _check_existing_levels(collector: _Collector) -> None:
    """A code already stored at another level would corrupt the tree."""
    stored = dict(AdminUnit.objects.filter(code__in=list(collector.units)).values_list("code", "level"))
    for code, spec in collector.units.items():
        if code in stored and stored[code] != spec.level:
            reason = _("this code is stored as a %(level)s") % {"level": Level(stored[code]).label}
            collector.errors.append(RowError(spec.line, "code", reason, code))


def parse_classification(data: bytes) -> list[ClassificationSpec]:
    """Read a classification file (code,category,reason) and check every row against the stored villages."""
    _header, rows, errors = read_csv(data, [CLASSIFICATION_COLUMNS])
    specs: list[ClassificationSpec] = []
    seen: dict[str, int] = {}
    for row in rows:
        raw_code = row.values["code"]
        code = normalise_code(raw_code) if len(raw_code) == LEVEL_DIGITS[Level.VILLAGE] else None
        category = CATEGORY_WORDS.get(row.values["category"].upper()) or CATEGORY_WORDS.get(row.values["category"])
        reason = row.values["reason"]
        if code is None:
            errors.append(RowError(row.line, "code", _("a village code has 12 digits"), raw_code))
        elif code in seen:
            message = _("duplicate code, already given on line %(line)s") % {"line": seen[code]}
            errors.append(RowError(row.line, "code", message, raw_code))
        if category is None:
            errors.append(
                RowError(row.line, "category", _("the category must be KEY, GENERAL or WATCH"), row.values["category"])
            )
        elif category != Category.GENERAL and not reason:
            errors.append(RowError(row.line, "reason", _("a key or watch-list village needs a reason")))
        if code and category and code not in seen:
            seen[code] = row.line
            specs.append(ClassificationSpec(code, category, reason, row.line))
    villages = set(
        AdminUnit.objects.villages().filter(code__in=[spec.code for spec in specs]).values_list("code", flat=True)
    )
    for spec in specs:
        if spec.code not in villages:
            errors.append(RowError(spec.line, "code", _("no village has this code"), spec.code))
    if errors:
        raise ImportRejected(sorted(errors, key=lambda error: error.line))
    if not specs:
        raise ImportRejected([RowError(2, _("file"), _("the file holds no rows"))])
    return specs
