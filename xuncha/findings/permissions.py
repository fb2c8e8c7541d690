"""Who may record, confirm, decide, reveal and move findings. Pure functions over grants and memberships."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from xuncha.accounts.models import Role
from xuncha.accounts.permissions import can_plan_in, has_role_over
from xuncha.accounts.scoping import roles_of
from xuncha.inspections.models import Membership, Round
from xuncha.inspections.scoping import leads_a_group

if TYPE_CHECKING:
    from xuncha.accounts.scoping import AnyUser
    from xuncha.findings.models import Clue, ImmediateFixNotice, Petition, Problem, Suggestion
    from xuncha.inspections.models import Assignment
    from xuncha.organisations.models import AdminUnit

# Groups record what they find while stationed and while writing their report.
RECORDING_STATUSES = {Round.Status.STATIONED, Round.Status.REPORTING}


def group_role(user: AnyUser | None, assignment: Assignment) -> str | None:
    """The user's role in the group of ``assignment`` (LEADER, DEPUTY, MEMBER), or ``None``."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    cache: dict[int, str | None] = user.__dict__.setdefault("_xuncha_group_roles", {})
    if assignment.group_id not in cache:
        cache[assignment.group_id] = (
            Membership.objects.filter(group_id=assignment.group_id, user_id=user.pk)
            .values_list("role", flat=True)
            .first()
        )
    return cache[assignment.group_id]


def leads(user: AnyUser | None, assignment: Assignment) -> bool:
    return group_role(user, assignment) == Membership.GroupRole.LEADER


def is_member(user: AnyUser | None, assignment: Assignment) -> bool:
    return group_role(user, assignment) is not None


def is_recording(assignment: Assignment) -> bool:
    return assignment.round.status in RECORDING_STATUSES


def can_record_findings(user: AnyUser | None, assignment: Assignment) -> bool:
    """Members of the group record problems, suggestions and petitions while stationed or reporting."""
    return is_member(user, assignment) and is_recording(assignment)


def recording_refusal(user: AnyUser | None, assignment: Assignment, today: date | None = None) -> str | None:
    """Why the user cannot record findings on ``assignment`` now, or ``None`` when they can. The workbench shows it
    where the forms would be; the actions refuse for the same reasons (``_recording``, and the found-on date, which
    cannot lie before stationing begins)."""
    if not is_member(user, assignment):
        return _("Only members of %(group)s record findings on this assignment; you are not in this group.") % {
            "group": assignment.group
        }
    round_ = assignment.round
    if round_.status == Round.Status.PLANNED:
        return _("The round is still being planned: findings are recorded once the groups are stationed.")
    if not is_recording(assignment):
        return _(
            "Findings are recorded while the groups are stationed or reporting; the round has moved on to "
            "%(status)s, so nothing new is recorded here."
        ) % {"status": round_.get_status_display()}
    today = today or timezone.localdate()
    if today < assignment.stationed_from:
        return _("Stationing on this assignment begins on %(start)s; findings are recorded from that day.") % {
            "start": date_format(assignment.stationed_from)
        }
    return None


def petition_refusal(assignment: Assignment, today: date | None = None) -> str | None:
    """Why the public form of ``assignment`` takes no message today, or ``None`` while it does: the round is
    stationed or reporting and today lies within the assignment's stationing. The form's page and
    ``submit_public_petition`` both ask this one question."""
    today = today or timezone.localdate()
    start, end = date_format(assignment.stationed_from), date_format(assignment.stationed_until)
    if assignment.round.status == Round.Status.PLANNED or today < assignment.stationed_from:
        return _("The inspection group takes messages here from %(start)s to %(end)s; it has not begun yet.") % {
            "start": start,
            "end": end,
        }
    if today > assignment.stationed_until:
        return _("The inspection group took messages here from %(start)s to %(end)s; its stationing has ended.") % {
            "start": start,
            "end": end,
        }
    if not is_recording(assignment):
        return _(
            "The inspection group has finished its work in the villages before the end of its stationing "
            "(%(end)s) and takes no more messages here."
        ) % {"end": end}
    return None


def accepts_petitions(assignment: Assignment, today: date | None = None) -> bool:
    """Whether the public petition form of ``assignment`` takes messages today."""
    return petition_refusal(assignment, today) is None


def can_edit_problem(user: AnyUser | None, problem: Problem) -> bool:
    """Drafts are edited by any member; a confirmed paper by the leader, and by the office that feeds it back (to
    word it for feedback, e.g. when it repeats a sealed clue); every edit is audited."""
    if problem.status == problem.Status.DRAFT:
        return is_member(user, problem.assignment)
    if problem.status == problem.Status.CONFIRMED:
        return leads(user, problem.assignment) or can_feed_back_problem(user, problem)
    return False


def can_confirm_problem(user: AnyUser | None, problem: Problem) -> bool:
    """The group leader confirms papers after the group meeting; members cannot."""
    return leads(user, problem.assignment)


def can_discard_problem(user: AnyUser | None, problem: Problem) -> bool:
    return leads(user, problem.assignment) or (problem.finder_id == getattr(user, "pk", None))


def can_issue_notice(user: AnyUser | None, problem: Problem) -> bool:
    return leads(user, problem.assignment)


def can_complete_notice(user: AnyUser | None, notice: ImmediateFixNotice) -> bool:
    return is_member(user, notice.problem.assignment)


def can_decide_suggestion(user: AnyUser | None, suggestion: Suggestion) -> bool:
    return leads(user, suggestion.assignment)


def can_dispose_petition(user: AnyUser | None, petition: Petition) -> bool:
    return leads(user, petition.assignment)


def can_draft_problem_from_petition(user: AnyUser | None, petition: Petition) -> bool:
    """Any member of the group turns a petition into a draft working paper while the group records findings; the
    leader still confirms the paper (and alone settles a petition any other way)."""
    return can_record_findings(user, petition.assignment)


def can_reveal_reporter(user: AnyUser | None, petition: Petition) -> bool:
    """A reporter's identity is opened by the group leader or the office director, never by members, townships
    or villages; each opening is logged."""
    return leads(user, petition.assignment) or has_role_over(user, [Role.OFFICE_LEAD], petition.assignment.target)


def can_upload_evidence(user: AnyUser | None, problem: Problem) -> bool:
    return problem.status != problem.Status.DISCARDED and is_member(user, problem.assignment)


def can_register_clue(user: AnyUser | None, assignment: Assignment) -> bool:
    """Only the group leader registers a clue."""
    return leads(user, assignment)


def can_transfer_clue(user: AnyUser | None, clue: Clue) -> bool:
    """The office director transfers sealed clues to the receiving body."""
    return has_role_over(user, [Role.OFFICE_LEAD], clue.round.term.county)


def can_rotate_field_keys(user: AnyUser | None) -> bool:
    """No person re-encrypts the stored secrets: the platform does, through ``xuncha rotate-keys`` (as ``SYSTEM``)."""
    return False


def can_feed_back_problem(user: AnyUser | None, problem: Problem) -> bool:
    """The office of the problem's county puts a confirmed paper into a village's feedback."""
    return can_plan_in(user, problem.round.term.county)


def can_read_clue(user: AnyUser | None, clue: Clue) -> bool:
    """Whoever the sealed clue is visible to: the office director, the receiving body, the registering group."""
    from xuncha.findings.models import Clue

    if user is None or not user.is_authenticated:
        return False
    return Clue.objects.visible_to(user).filter(pk=clue.pk).exists()


def receives(user: AnyUser | None, clue: Clue) -> bool:
    """The receiving body (纪委监委 or 组织部) of the clue's county."""
    return has_role_over(user, [Role(clue.receiver)], clue.round.term.county)


def can_count_clues(user: AnyUser | None, unit: AdminUnit) -> bool:
    """Who may know how many sealed clues were transferred — a figure of the county's reports, never a clue's
    content: the office, county leaders and the two receiving bodies. Townships and villages may not."""
    return has_role_over(user, CLUE_COUNTERS, unit)


CLUE_COUNTERS = [Role.OFFICE, Role.OFFICE_LEAD, Role.LEADER, Role.DISCIPLINE, Role.ORG_DEPT]

# The roles that handle sealed clues: the office's director transfers them, the two receiving bodies receive them.
CLUE_HANDLERS = frozenset({Role.OFFICE_LEAD, Role.DISCIPLINE, Role.ORG_DEPT})


def handles_clues(user: AnyUser | None, unit: AdminUnit) -> bool:
    """Whether the user handles the sealed clues of ``unit``'s county (and so reads their sheet in its statistics)."""
    return has_role_over(user, CLUE_HANDLERS, unit)


def can_see_clue_list(user: AnyUser | None) -> bool:
    """Whether the user is shown the list of sealed clues at all: those who handle clues, and group leaders (their
    own groups' clues). Nobody else gets even the link."""
    return user is not None and (bool(roles_of(user) & CLUE_HANDLERS) or leads_a_group(user))
