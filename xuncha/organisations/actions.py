"""Use cases of the administrative tree: importing divisions and classifying villages."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Now, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.actors import Actor, require
from xuncha.accounts.permissions import can_classify_some_villages, can_classify_villages, can_manage_master_data
from xuncha.audit.actions import record_event, snapshot
from xuncha.core.exceptions import Conflict
from xuncha.organisations.codes import DEPARTMENT_SERIALS, department_code, short_name
from xuncha.organisations.imports import ClassificationSpec, UnitSpec, parse_classification, parse_divisions
from xuncha.organisations.models import PATH_SEPARATOR, AdminUnit, Category, Level

if TYPE_CHECKING:
    pass

BATCH_SIZE = 1000
UNIT_FIELDS = ["name", "short_name", "kind", "parent", "path", "updated_at"]


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@transaction.atomic
def import_divisions(data: bytes, *, actor: Actor, file_name: str = "", only_county: str | None = None) -> ImportResult:
    """Load a division file into the tree: new units are created, renamed or moved ones updated, the rest kept.

    The whole file is validated first (``ImportRejected`` lists every bad row and nothing is written); re-running
    the same file changes nothing. One audit event records the import with its counts and the file's digest.
    """
    require(actor, can_manage_master_data(actor), _("Only the system administrator may import divisions."))
    specs = parse_divisions(data, only_county=only_county)
    wanted_codes = {spec.code for spec in specs} | {spec.parent_code for spec in specs if spec.parent_code}
    stored = {unit.code: unit for unit in AdminUnit.objects.filter(code__in=wanted_codes)}
    created = updated = unchanged = 0
    moves: list[tuple[str, str]] = []
    # Specs come top level first, so every parent is stored (or created below) before its children.
    for level in Level:
        new_units: list[AdminUnit] = []
        changed_units: list[AdminUnit] = []
        for spec in (spec for spec in specs if spec.level == level):
            parent = stored[spec.parent_code] if spec.parent_code else None
            unit, change = _merge(stored.get(spec.code), spec, parent)
            if unit.pk is None:
                new_units.append(unit)
            elif change is not None:
                changed_units.append(unit)
                if change:
                    moves.append(change)
            else:
                unchanged += 1
            stored[spec.code] = unit
        AdminUnit.objects.bulk_create(new_units, batch_size=BATCH_SIZE)
        AdminUnit.objects.bulk_update(changed_units, UNIT_FIELDS, batch_size=BATCH_SIZE)
        created += len(new_units)
        updated += len(changed_units)
        if new_units and new_units[0].pk is None:  # backends that do not return ids on bulk insert
            for unit in AdminUnit.objects.filter(code__in=[unit.code for unit in new_units]):
                stored[unit.code] = unit
    for old_path, new_path in moves:
        # Units below a moved one that the file did not mention follow it.
        AdminUnit.objects.filter(path__under=old_path).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1)), updated_at=Now()
        )
    result = ImportResult(created, updated, unchanged)
    root = stored[specs[0].code]
    record_event(
        "organisations.divisions_imported",
        root,
        actor=actor,
        after={
            "file": file_name,
            "sha256": hashlib.sha256(data).hexdigest(),
            "county": only_county,
            "created": created,
            "updated": updated,
            "unchanged": unchanged,
        },
    )
    return result


def _merge(
    unit: AdminUnit | None, spec: UnitSpec, parent: AdminUnit | None
) -> tuple[AdminUnit, tuple[str, str] | tuple[()] | None]:
    """Apply ``spec`` to ``unit`` (or a new one). Returns the unit and, if it changed, ``(old_path, new_path)``
    when it moved or ``()`` when only its names or kind changed; ``None`` when nothing changed."""
    path = (parent.path if parent else PATH_SEPARATOR) + spec.code + PATH_SEPARATOR
    values: dict[str, Any] = {
        "name": spec.name,
        "short_name": short_name(spec.name) if spec.level == Level.VILLAGE else spec.name,
        "kind": spec.kind,
        "parent_id": parent.pk if parent else None,
        "path": path,
    }
    if unit is None:
        return AdminUnit(code=spec.code, level=spec.level, **values), None
    old_path = unit.path
    if all(getattr(unit, name) == value for name, value in values.items()):
        return unit, None
    for name, value in values.items():
        setattr(unit, name, value)
    unit.updated_at = timezone.now()  # bulk_update skips auto_now
    return unit, ((old_path, path) if old_path != path else ())


@transaction.atomic
def classify_villages(data: bytes, *, actor: Actor, file_name: str = "") -> ImportResult:
    """Set the category and reason of the villages listed in a classification file, all or nothing.

    Each village whose category or reason changes gets its own audit event with before and after.
    """
    require(actor, can_classify_some_villages(actor), _("You may not classify villages."))
    specs = parse_classification(data)
    villages = {unit.code: unit for unit in AdminUnit.objects.filter(code__in=[spec.code for spec in specs])}
    refused = [code for code, unit in villages.items() if not can_classify_villages(actor, unit)]
    require(
        actor,
        not refused,
        _("You may not classify these villages: %(codes)s") % {"codes": ", ".join(refused[:10])},
    )
    updated = unchanged = 0
    for spec in specs:
        if _classify(villages[spec.code], spec, actor=actor, note=file_name):
            updated += 1
        else:
            unchanged += 1
    return ImportResult(0, updated, unchanged)


def _classify(village: AdminUnit, spec: ClassificationSpec, *, actor: Actor, note: str) -> bool:
    if (village.category, village.category_reason) == (spec.category, spec.reason):
        return False
    before = snapshot(village, ["category", "category_reason"])
    village.category, village.category_reason = spec.category, spec.reason
    village.save(update_fields=["category", "category_reason", "updated_at"])
    record_event(
        "organisations.village_classified",
        village,
        actor=actor,
        unit=village,
        before=before,
        after=snapshot(village, ["category", "category_reason"]),
        note=note,
    )
    return True


@transaction.atomic
def set_village_category(village: AdminUnit, category: Category, reason: str, *, actor: Actor) -> AdminUnit:
    """Classify one village (重点村 / 一般村 / 关注村) with its reason (村情村要)."""
    if not village.is_village:
        raise Conflict(_("Only villages and communities have a category."))
    require(actor, can_classify_villages(actor, village), _("You may not classify this village."))
    reason = reason.strip()
    if category != Category.GENERAL and not reason:
        raise Conflict(_("A key or watch-list village needs a reason."))
    _classify(village, ClassificationSpec(village.code, category, reason, 0), actor=actor, note="")
    return village


@transaction.atomic
def update_profile(unit: AdminUnit, profile: dict[str, Any], *, actor: Actor) -> AdminUnit:
    """Replace a unit's profile (population, collective income, …)."""
    require(
        actor,
        can_manage_master_data(actor) or can_classify_villages(actor, unit),
        _("You may not edit this unit's profile."),
    )
    before = snapshot(unit, ["profile"])
    unit.profile = profile
    unit.save(update_fields=["profile", "updated_at"])
    record_event(
        "organisations.profile_updated", unit, actor=actor, unit=unit, before=before, after={"profile": profile}
    )
    return unit


@transaction.atomic
def add_department(county: AdminUnit, name: str, *, actor: Actor, short: str = "") -> AdminUnit:
    """Add a county department (县直部门) under ``county``, with the next free code of the range kept for
    departments (``codes.department_code``). The system administrator keeps the master data."""
    require(actor, can_manage_master_data(actor), _("Only the system administrator adds county departments."))
    if county.level != Level.COUNTY:
        raise Conflict(_("A department hangs under a county."))
    name = name.strip()
    if not name:
        raise Conflict(_("Give the department's name."))
    siblings = AdminUnit.objects.departments().filter(parent=county)
    if siblings.filter(name=name).exists():
        raise Conflict(_("%(county)s already has a department named %(name)s.") % {"county": county, "name": name})
    taken = {int(code[-3:]) for code in siblings.values_list("code", flat=True)}
    serial = next((number for number in DEPARTMENT_SERIALS if number not in taken), None)
    if serial is None:
        raise Conflict(_("%(county)s has no department code left.") % {"county": county})
    code = department_code(county.code, serial)
    unit = AdminUnit.objects.create(
        code=code,
        name=name,
        short_name=short.strip() or name,
        level=Level.DEPARTMENT,
        parent=county,
        path=f"{county.path}{code}{PATH_SEPARATOR}",
    )
    record_event(
        "organisations.department_added",
        unit,
        actor=actor,
        unit=county,
        after={"code": code, "name": unit.name, "short_name": unit.short_name},
    )
    return unit
