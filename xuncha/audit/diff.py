"""Events read as people read them: a recorded value shown by its label, a change shown field by field.

An event stores the model label of its object (``findings.problem``) and, in ``before``/``after``, field names with
JSON values. The object's model gives each field its verbose name and, for a field with choices, the label of each
code, so that ``{"status": "OPEN"}`` reads 状态：待整改 in every timeline and in the auditor's log. Keys that are
no field of the object (counts, lists of numbers, a reason) have labels of their own below.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import Promise
from django.utils.timezone import is_aware, localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xuncha.audit.actions import WITHHELD
from xuncha.audit.models import Event

# Keys of before/after that are not fields of the event's object.
KEY_LABELS: dict[str, str | Promise] = {
    "added": gettext_lazy("problems added"),
    "anonymous": gettext_lazy("anonymous"),
    "by_kind": gettext_lazy("by kind"),
    "changed": gettext_lazy("fields changed"),
    "cleared_attempts": gettext_lazy("failed attempts cleared"),
    "county": gettext_lazy("county"),
    "created": gettext_lazy("created"),
    "day": gettext_lazy("day"),
    "department": gettext_lazy("department"),
    "detail": gettext_lazy("detail"),
    "entries": gettext_lazy("entries"),
    "expires_at": gettext_lazy("expires at"),
    "failures_in_a_row": gettext_lazy("failures in a row"),
    "figures": gettext_lazy("figures"),
    "file": gettext_lazy("file"),
    "files": gettext_lazy("files"),
    "group": gettext_lazy("group"),
    "ip_address": gettext_lazy("IP address"),
    "item": gettext_lazy("item"),
    "items": gettext_lazy("items"),
    "items_filled": gettext_lazy("items given the missing people"),
    "media_files": gettext_lazy("media files"),
    "method": gettext_lazy("method"),
    "note": gettext_lazy("note"),
    "notifications": gettext_lazy("notifications"),
    "part": gettext_lazy("part"),
    "party_status": gettext_lazy("the department's state"),
    "problem": gettext_lazy("problem"),
    "problems": gettext_lazy("problems"),
    "reason": gettext_lazy("reason"),
    "recipients": gettext_lazy("recipients"),
    "recovery_codes": gettext_lazy("recovery codes"),
    "resolved": gettext_lazy("residents' answers: resolved"),
    "role": gettext_lazy("role"),
    "rows": gettext_lazy("rows"),
    "sha256": gettext_lazy("SHA-256"),
    "size": gettext_lazy("size"),
    "stage": gettext_lazy("stage"),
    "target": gettext_lazy("target"),
    "text": gettext_lazy("text"),
    "tie": gettext_lazy("tie"),
    "tokens": gettext_lazy("tokens"),
    "unchanged": gettext_lazy("unchanged"),
    "unresolved": gettext_lazy("residents' answers: not resolved"),
    "unit": gettext_lazy("unit"),
    "updated": gettext_lazy("updated"),
    "user": gettext_lazy("user"),
    "verdicts": gettext_lazy("verdicts"),
    "version": gettext_lazy("version"),
    "villages": gettext_lazy("villages"),
    "visit": gettext_lazy("return visit"),
}

# The key under which an event lists the names of the object's fields it changed (a password, a profile).
CHANGED_FIELDS = "changed"

# Keys that are no field of the event's object but hold the codes of a field elsewhere: where to find their labels.
KEY_CHOICES: dict[str, tuple[str, str]] = {
    "role": ("accounts.rolegrant", "role"),
    "verdicts": ("rectification.visitcheck", "verdict"),
    "recipient": ("rectification.receipt", "recipient"),
    "part": ("rectification.responsibleparty", "part"),
    "party_status": ("rectification.responsibleparty", "status"),
}


@dataclass(frozen=True)
class Change:
    """One field of an event: its label and its value before and after, each as text ready to show."""

    name: str
    label: str
    before: str | None
    after: str | None
    has_choices: bool = False


def withheld_label() -> str:
    """What a reader sees in place of a free text that the event does not hold."""
    return _("(withheld)")


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _field(object_type: str, name: str) -> models.Field[Any, Any] | None:
    model = _model(object_type)
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def _choice_field(object_type: str, name: str) -> models.Field[Any, Any] | None:
    field = _field(object_type, name)
    if field is not None and field.choices:
        return field
    if name in KEY_CHOICES:
        return _field(*KEY_CHOICES[name])
    return None


def object_type_label(object_type: str) -> str:
    """The verbose name of the model an event's object is of (问题, 整改台账条目), or the type itself."""
    model = _model(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type


def field_label(object_type: str, name: str) -> str:
    field = _field(object_type, name)
    if field is not None:
        return str(field.verbose_name)
    return str(KEY_LABELS.get(name, name))


def _scalar(field: models.Field[Any, Any] | None, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if value == WITHHELD:
        return withheld_label()
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field is not None and field.choices:
        labels = {str(code): str(label) for code, label in field.flatchoices}
        if str(value) in labels:
            return labels[str(value)]
    if isinstance(value, str):
        moment = parse_datetime(value) if "T" in value else None
        if moment is not None:
            return formats.date_format(localtime(moment) if is_aware(moment) else moment, "Y-m-d H:i")
        day = parse_date(value) if len(value) == 10 else None
        if day is not None:
            return formats.date_format(day, "Y-m-d")
    return str(value)


def value_label(object_type: str, name: str, value: Any) -> str:
    """A recorded value of field ``name`` of an object of ``object_type`` as a reader reads it: the label of a
    choice, 已隐去 for a withheld text, dates without their time zone, lists and mappings spelled out."""
    field = _choice_field(object_type, name) or _field(object_type, name)
    if name == CHANGED_FIELDS and isinstance(value, list):
        return "、".join(field_label(object_type, str(element)) for element in value) if value else "—"
    if isinstance(value, list):
        return "、".join(_scalar(field, element) for element in value) if value else "—"
    if isinstance(value, dict):
        parts = [f"{key}：{_scalar(field, element)}" for key, element in value.items()]
        return "；".join(parts) if parts else "—"
    return _scalar(field, value)


def _reading_order(object_type: str, names: set[str]) -> list[str]:
    """The state first, then the fields of the object in the order its model declares them, then the other keys by
    name.

    PostgreSQL's ``jsonb`` keeps no key order (it sorts keys by length), so the order a change is read in comes from
    the model, the same on every database."""
    model = _model(object_type)
    declared = [field.name for field in model._meta.get_fields()] if model is not None else []
    position: dict[str, int] = {}
    for index, name in enumerate(["status", *declared]):
        position.setdefault(name, index)
    return sorted(names, key=lambda name: (0, position[name], "") if name in position else (1, 0, name))


def changes(event: Event, *, choices_only: bool = False) -> list[Change]:
    """The fields of an event, each with its label and its value before and after (``None`` where the event holds
    no value on that side): the state, the fields of the object in the order of its model, then the other keys.
    ``choices_only`` keeps the fields with choices (statuses, kinds, verdicts) and dates, the part of a change that
    a case's reader follows."""
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    found: list[Change] = []
    for name in _reading_order(event.object_type, {*before, *after}):
        choice_field = _choice_field(event.object_type, name)
        if choices_only and choice_field is None and not _is_date(event.object_type, name):
            continue
        old = value_label(event.object_type, name, before[name]) if name in before else None
        new = value_label(event.object_type, name, after[name]) if name in after else None
        if choices_only and old == new:
            continue
        found.append(Change(name, field_label(event.object_type, name), old, new, choice_field is not None))
    return found


def _is_date(object_type: str, name: str) -> bool:
    return isinstance(_field(object_type, name), models.DateField)
