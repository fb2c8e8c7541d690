"""Readable names of the planning app's audit events, added to ``audit.labels.VERB_LABELS`` when the app loads (so
that the audit app's own table stays untouched by this app)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

VERB_LABELS: dict[str, str | Promise] = {
    "planning.plan_drafted": _("Work plan drafted"),
    "planning.plan_updated": _("Work plan edited"),
    "planning.plan_submitted": _("Work plan submitted for approval"),
    "planning.plan_approved": _("Work plan approved"),
    "planning.plan_returned": _("Work plan returned for revision"),
    "planning.declaration_signed": _("Recusal declaration signed"),
    "planning.enquiry_sent": _("Enquiry letter sent"),
    "planning.enquiry_replied": _("Reply to an enquiry recorded"),
    "planning.lead_marked": _("Lead marked for a group"),
    "planning.lead_closed": _("Lead closed"),
}
