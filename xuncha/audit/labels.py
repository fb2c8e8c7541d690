"""Readable names of the audit events, for timelines and the auditor's log."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from xuncha.audit.models import Event

VERB_LABELS: dict[str, str | Promise] = {
    "accounts.user_created": _("Account created"),
    "backups.made": _("Backup made"),
    "backups.restored": _("Backup restored"),
    "accounts.role_granted": _("Role granted"),
    "accounts.role_revoked": _("Role revoked"),
    "accounts.password_set": _("Password set by the administrator"),
    "accounts.two_factor_enrolled": _("Two-factor device enrolled"),
    "accounts.two_factor_verified": _("Two-factor code accepted"),
    "accounts.two_factor_failed": _("Two-factor code refused"),
    "accounts.two_factor_reset": _("Two-factor device reset"),
    "accounts.user_disabled": _("Account disabled"),
    "accounts.user_enabled": _("Account enabled"),
    "accounts.credentials_reset": _("Credentials reset"),
    "accounts.account_unlocked": _("Account unlocked"),
    "accounts.password_changed": _("Password changed"),
    "accounts.password_expired": _("Password expired"),
    "accounts.signed_in": _("Signed in"),
    "accounts.signed_out": _("Signed out"),
    "accounts.sign_in_failed": _("Sign-in failed"),
    "accounts.locked_out": _("Locked out after failed sign-ins"),
    "accounts.token_issued": _("API token issued"),
    "accounts.token_revoked": _("API token revoked"),
    "organisations.divisions_imported": _("Divisions imported"),
    "organisations.village_classified": _("Village classified"),
    "organisations.profile_updated": _("Profile updated"),
    "organisations.department_added": _("County department added"),
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
    "public.disclosure_published": _("Result published to residents"),
    "public.disclosure_withdrawn": _("Published result withdrawn"),
    "public.survey_opened": _("Satisfaction survey opened"),
    "public.survey_closed": _("Satisfaction survey closed"),
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
    "findings.field_keys_rotated": _("Encrypted fields re-encrypted under the newest key"),
    "findings.evidence_attached": _("Evidence attached"),
    "rectification.list_built": _("List built"),
    "rectification.common_item_added": _("Common item added"),
    "rectification.feedback_published": _("Feedback published"),
    "rectification.receipt_signed": _("Receipt signed"),
    "rectification.item_planned": _("Rectification planned"),
    "rectification.village_responsibility_set": _("Village's responsible people named"),
    "rectification.item_responsibility_set": _("Item's responsible people named"),
    "rectification.item_progress": _("Progress reported"),
    "rectification.item_submission": _("Submitted as done"),
    "rectification.item_approval": _("Approved by the township"),
    "rectification.item_return": _("Returned"),
    "rectification.item_closure": _("Closed (销号)"),
    "rectification.item_ongoing": _("Kept as a long-term item"),
    "rectification.item_reopen": _("Reopened"),
    "rectification.item_extended": _("Deadline extended"),
    "rectification.item_flagged": _("Return visit required"),
    "rectification.residents_objected": _("Residents said not fixed: return visit required"),
    "rectification.objection_overridden": _("Closed against the residents' objection"),
    "rectification.extension_requested": _("More time asked"),
    "rectification.extension_supported": _("Request for more time supported by the township"),
    "rectification.extension_returned": _("Request for more time returned by the township"),
    "rectification.extension_approved": _("More time granted"),
    "rectification.extension_refused": _("More time refused"),
    "rectification.item_verified": _("Verified on a return visit"),
    "rectification.item_handed_off": _("Handed off to a department"),
    "rectification.party_signed": _("Signed for by a department"),
    "rectification.party_progress": _("Progress reported by a department"),
    "rectification.party_done": _("A department's part done"),
    "rectification.reminders_sent": _("Reminders sent"),
    "documents.spreadsheet_imported": _("Spreadsheet imported"),
    "rectification.visit_planned": _("Return visit planned"),
    "rectification.visit_recorded": _("Return visit recorded"),
    "rectification.visit_photo_attached": _("Photo of the return visit attached"),
    "admin.created": _("Created in the administration"),
    "admin.changed": _("Changed in the administration"),
    "admin.deleted": _("Deleted in the administration"),
    "demo.loaded": _("Demo loaded"),
}


# The actors that are no account (``accounts.actors``), by the label an event keeps for them.
ACTOR_LABELS: dict[str, str | Promise] = {
    "system": _("The system"),
    "resident": _("A resident"),
}


def verb_label(verb: str) -> str:
    return str(VERB_LABELS.get(verb, verb))


def person_label(name: str, post: str = "") -> str:
    """A person as pages name them: name and post (张三 · 龙胜镇党委书记), never the login name alone."""
    return f"{name} · {post}" if post else name


def actor_of(event: Event) -> str:
    """Who did it, by name and post; the system or a resident for the actors that are no account."""
    if event.actor is not None:
        return person_label(str(event.actor), event.actor.title)
    return str(ACTOR_LABELS.get(event.actor_label, event.actor_label))
