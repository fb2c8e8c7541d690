"""Readable names of the deliverables' audit events and of their keys that are not fields (added to
``audit.labels.VERB_LABELS`` and ``audit.diff.KEY_LABELS`` on start)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

VERBS: dict[str, str | Promise] = {
    "deliverables.opened": _("Rectification deliverable opened"),
    "deliverables.drafted": _("Rectification deliverable drafted"),
    "deliverables.submitted": _("Rectification deliverable signed and submitted"),
    "deliverables.reviewed": _("Rectification deliverable approved by the township"),
    "deliverables.returned": _("Rectification deliverable returned"),
    "deliverables.accepted": _("Rectification deliverable accepted by the office"),
}

KEYS: dict[str, str | Promise] = {
    "prefilled": _("prefilled from the ledger"),
    "scan": _("signed scan"),
    "by": _("returned by"),
}
