"""Readable names of the audit events, for timelines and the auditor's log."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

VERB_LABELS: dict[str, str | Promise] = {
    "accounts.user_created": _("Account created"),
    "accounts.role_granted": _("Role granted"),
    "accounts.role_revoked": _("Role revoked"),
    "accounts.password_set": _("Password set by the administrator"),
    "organisations.divisions_imported": _("Divisions imported"),
    "organisations.village_classified": _("Village classified"),
    "organisations.profile_updated": _("Profile updated"),
    "inspections.term_opened": _("Term opened"),
    "inspections.round_created": _("Round planned"),
    "inspections.round_status_changed": _("Round moved on"),
    "inspections.group_formed": _("Group formed"),
    "inspections.member_added": _("Member added"),
    "inspections.member_removed": _("Member removed"),
    "inspections.recusal_declared": _("Tie declared"),
    "inspections.recusal_withdrawn": _("Tie withdrawn"),
    "inspections.targets_assigned": _("Targets assigned"),
    "inspections.assignment_cancelled": _("Assignment cancelled"),
    "inspections.channel_published": _("Contact channel published"),
    "inspections.channel_withdrawn": _("Contact channel withdrawn"),
    "findings.problem_recorded": _("Working paper written"),
    "findings.problem_edited": _("Working paper edited"),
    "findings.problem_confirmed": _("Working paper confirmed"),
    "findings.problem_discarded": _("Working paper discarded"),
    "findings.problem_fed_back": _("Fed back"),
    "findings.notice_issued": _("Immediate-fix notice issued"),
    "findings.notice_completed": _("Immediate fix completed"),
    "findings.suggestion_recorded": _("Suggestion recorded"),
    "findings.suggestion_decided": _("Suggestion decided"),
    "findings.petition_received": _("Petition received online"),
    "findings.petition_recorded": _("Petition entered"),
    "findings.petition_disposed": _("Petition settled"),
    "findings.clue_registered": _("Clue registered"),
    "findings.clue_transferred": _("Clue transferred"),
    "findings.clue_received": _("Clue received"),
    "findings.clue_disposed": _("Clue disposed of"),
    "findings.clue_feedback": _("Clue feedback given"),
    "findings.evidence_attached": _("Evidence attached"),
    "admin.created": _("Created in the administration"),
    "admin.changed": _("Changed in the administration"),
    "admin.deleted": _("Deleted in the administration"),
    "demo.loaded": _("Demo loaded"),
}


def verb_label(verb: str) -> str:
    return str(VERB_LABELS.get(verb, verb))
