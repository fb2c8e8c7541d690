"""Readable names of the report chain's audit events (added to ``audit.labels.VERB_LABELS`` on start)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

VERBS: dict[str, str | Promise] = {
    "reporting.meeting_held": _("Group meeting recorded"),
    "reporting.report_drafted": _("Report drafted"),
    "reporting.version_saved": _("Report version saved"),
    "reporting.version_commented": _("Comment on a report version"),
    "reporting.gate_passed": _("Report passed a gate"),
    "reporting.gate_returned": _("Report returned at a gate"),
    "reporting.report_moved": _("Report moved to its next stage"),
    "reporting.separate_feedback_given": _("Separate feedback recorded"),
    "reporting.feedback_rule_set": _("Feedback rule of the county set"),
}
