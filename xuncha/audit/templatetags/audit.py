from django import template

from xuncha.audit.diff import Change, changes, object_type_label
from xuncha.audit.labels import actor_of, verb_label
from xuncha.audit.models import Event

register = template.Library()
register.filter("verb_label", verb_label)
register.filter("object_type_label", object_type_label)
register.filter("actor_of", actor_of)


@register.filter
def state_changes(event: Event) -> list[Change]:
    """The states, kinds and dates an event changed, by their labels: what a case's history shows."""
    return changes(event, choices_only=True)


@register.filter
def field_changes(event: Event) -> list[Change]:
    """Every field an event recorded, by its label, free texts withheld: what the auditor's log shows."""
    return changes(event)
