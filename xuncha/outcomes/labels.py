"""Readable names of the outcomes' audit events (added to ``audit.labels.VERB_LABELS`` on start)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

VERBS: dict[str, str | Promise] = {
    "outcomes.item_outcome_recorded": _("Outcome of an item recorded"),
    "outcomes.item_outcome_reported": _("Outcome of an item reported by the village"),
    "outcomes.item_outcome_confirmed": _("Outcome of an item confirmed"),
    "outcomes.clue_outcome_recorded": _("Outcome of a clue reported"),
    "outcomes.rule_added": _("Rule made (建章立制) recorded"),
}
