"""What the findings actions share: the allowed moves of papers and clues, and the checks of villages, choices,
dates and recording time."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.actors import SYSTEM, Actor, require
from xuncha.core.exceptions import Conflict, TransitionNotAllowed
from xuncha.findings import permissions
from xuncha.findings.models import (
    Category,
    Clue,
    Problem,
    Suggestion,
)
from xuncha.inspections.archived import refuse_if_archived
from xuncha.inspections.models import Assignment

if TYPE_CHECKING:
    from xuncha.organisations.models import AdminUnit


PROBLEM_TRANSITIONS: dict[str, set[str]] = {
    Problem.Status.DRAFT: {Problem.Status.CONFIRMED, Problem.Status.DISCARDED},
    Problem.Status.CONFIRMED: {Problem.Status.FED_BACK},
    Problem.Status.FED_BACK: set(),
    Problem.Status.DISCARDED: set(),
}
CLUE_TRANSITIONS: dict[str, set[str]] = {
    Clue.Status.REGISTERED: {Clue.Status.TRANSFERRED},
    Clue.Status.TRANSFERRED: {Clue.Status.RECEIVED},
    Clue.Status.RECEIVED: {Clue.Status.DISPOSED},
    Clue.Status.DISPOSED: {Clue.Status.FEEDBACK},
    Clue.Status.FEEDBACK: set(),
}
# Fields of a working paper that can be edited; changes after confirmation are audited with before and after.
EDITABLE_PROBLEM_FIELDS = ["category", "phenomenon", "basis", "responsibility", "source", "fix_type", "found_on"]
# A suggestion adopted as a problem takes the category that fits its topic.
TOPIC_CATEGORY = {
    Suggestion.Topic.INDUSTRY: Category.INDUSTRY,
    Suggestion.Topic.LIVELIHOOD: Category.SAFETY_LIVELIHOOD,
    Suggestion.Topic.GOVERNANCE: Category.DISCLOSURE,
    Suggestion.Topic.INFRASTRUCTURE: Category.PROJECT,
    Suggestion.Topic.ECOLOGY: Category.POLICY,
    Suggestion.Topic.PARTY_BUILDING: Category.PARTY_ORG,
    Suggestion.Topic.OTHER: Category.POLICY,
}
# Papers inserted per statement by ``record_problems``.
PROBLEM_BATCH = 500


def _move(current: str, target: str, transitions: dict[str, set[str]], labels: Any) -> None:
    if target not in transitions.get(current, set()):
        raise TransitionNotAllowed(
            _("A record that is %(current)s cannot become %(target)s.")
            % {"current": labels(current).label, "target": labels(target).label}
        )


def _check_village(assignment: Assignment, village: AdminUnit) -> None:
    if not assignment.covered.filter(village=village).exists():
        raise Conflict(_("%(village)s is not covered by this assignment.") % {"village": village})


def _check_choice(value: str, choices: Any, what: str) -> None:
    if value not in choices.values:
        raise Conflict(_("Unknown %(what)s: %(value)s.") % {"what": what, "value": value})


def _check_day(day: date, assignment: Assignment) -> None:
    """Things are found during stationing or after it, while reporting, but never before or in the future."""
    if day < assignment.stationed_from or day > timezone.localdate():
        raise Conflict(
            _("The date must lie between the start of stationing, %(start)s, and today.")
            % {"start": assignment.stationed_from}
        )


def _recording(actor: Actor, assignment: Assignment) -> None:
    require(
        actor,
        permissions.is_member(actor, assignment),
        _("Only members of %(group)s record findings here.") % {"group": assignment.group},
    )
    refuse_if_archived(assignment.round_id)
    # The system records history (the demo, imports of past rounds) whatever state the round is in now.
    if actor is not SYSTEM and not permissions.is_recording(assignment):
        raise TransitionNotAllowed(
            _("Findings are recorded while the groups are stationed or reporting; the round is %(status)s.")
            % {"status": assignment.round.get_status_display()}
        )
