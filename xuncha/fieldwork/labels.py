"""Readable names of the fieldwork app's audit events, added to ``audit.labels.VERB_LABELS`` when the app loads."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

VERB_LABELS: dict[str, str | Promise] = {
    "fieldwork.talk_recorded": _("Talk recorded"),
    "fieldwork.talk_scan_attached": _("Signed transcript attached"),
    "fieldwork.talk_signed": _("Talk record signed"),
    "fieldwork.documents_requested": _("Documents requested for review"),
    "fieldwork.documents_returned": _("Reviewed documents returned"),
    "fieldwork.visit_recorded": _("Field visit recorded"),
    "fieldwork.hearing_recorded": _("Hearing recorded"),
    "fieldwork.problem_made": _("Problem drafted from a record"),
    "fieldwork.clue_made": _("Clue registered from a talk"),
}
