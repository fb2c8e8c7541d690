"""Use cases of feedback and rectification: build the two lists, publish them to township and village at once,
sign receipts, carry items through the ledger to closure, and verify them on return visits.

Each action checks the actor's permission and the object's state, writes, and records an audit event, in one
transaction; ``actor=None`` is the system (the demo, commands).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.audit.actions import record_event, snapshot
from xuncha.core import workdays
from xuncha.core.exceptions import Conflict, PermissionDenied, TransitionNotAllowed
from xuncha.findings import actions as findings_actions
from xuncha.findings.models import Category, Evidence, FixType, ImmediateFixNotice, Problem
from xuncha.inspections.models import Assignment, Round
from xuncha.organisations.models import AdminUnit
from xuncha.rectification import permissions
from xuncha.rectification.models import (
    CommonItem,
    Feedback,
    LedgerItem,
    ListEntry,
    ProblemList,
    Progress,
    Receipt,
    ReturnVisit,
    VisitCheck,
)

if TYPE_CHECKING:
    from xuncha.accounts.models import User

Status = LedgerItem.Status

ITEM_TRANSITIONS: dict[str, set[str]] = {
    Status.OPEN: {Status.IN_PROGRESS, Status.SUBMITTED},
    Status.IN_PROGRESS: {Status.SUBMITTED},
    Status.SUBMITTED: {Status.REVIEWED, Status.RETURNED, Status.IN_PROGRESS},
    Status.RETURNED: {Status.IN_PROGRESS, Status.SUBMITTED},
    Status.REVIEWED: {Status.CLOSED, Status.ONGOING, Status.RETURNED, Status.IN_PROGRESS},
    Status.ONGOING: {Status.CLOSED, Status.IN_PROGRESS},
    Status.CLOSED: {Status.IN_PROGRESS},
}
# SUBMITTED and REVIEWED go back to IN_PROGRESS only on a return visit's REOPEN verdict.
# Lists are built and fed back once the groups have reported, and until the round is closed.
FEEDBACK_STATUSES = {Round.Status.REPORTING, Round.Status.FEEDBACK, Round.Status.RECTIFYING}


def _allow(actor: User | None, allowed: bool, message: str) -> None:
    if actor is not None and not allowed:
        raise PermissionDenied(message)


def _check_feedback_time(round_: Round) -> None:
    if round_.status not in FEEDBACK_STATUSES:
        raise TransitionNotAllowed(
            _("Lists are built and fed back after the groups report; the round is %(status)s.")
            % {"status": round_.get_status_display()}
        )


def _fed_back_villages(round_: Round) -> set[int]:
    return set(Feedback.objects.filter(round=round_).values_list("village_id", flat=True))


# Lists -----------------------------------------------------------------------------------------------------------


@transaction.atomic
def build_individual_list(round_: Round, village: AdminUnit, *, actor: User | None) -> ProblemList:
    """Build (or bring up to date, until it is fed back) a village's individual list (个性清单) from its confirmed
    problems of the round, leaving out those stated on the common list."""
    _allow(actor, permissions.can_build_lists(actor, round_), _("Only the inspection office builds lists."))
    _check_feedback_time(round_)
    if not round_.assignments.filter(covered__village=village).exists():
        raise Conflict(_("%(village)s was not inspected in this round.") % {"village": village})
    if village.pk in _fed_back_villages(round_):
        raise TransitionNotAllowed(_("The list of %(village)s was already fed back.") % {"village": village})
    problem_list, _created = ProblemList.objects.get_or_create(
        round=round_,
        kind=ProblemList.Kind.INDIVIDUAL,
        village=village,
        defaults={"created_by": actor or _office(round_)},
    )
    new = Problem.objects.filter(
        round=round_,
        village=village,
        status=Problem.Status.CONFIRMED,
        list_entry__isnull=True,
        common_items__isnull=True,
    )
    added = ListEntry.objects.bulk_create([ListEntry(problem_list=problem_list, problem=problem) for problem in new])
    record_event(
        "rectification.list_built",
        problem_list,
        actor=actor,
        unit=village,
        after={"added": [entry.problem.serial for entry in added], "entries": problem_list.entries.count()},
    )
    return problem_list


def _office(round_: Round) -> User:
    """The system acts for the office; a list still needs someone to have built it."""
    from xuncha.accounts.models import Role, RoleGrant

    grant = RoleGrant.objects.filter(role__in=[Role.OFFICE, Role.OFFICE_LEAD], unit=round_.term.county).first()
    if grant is None:
        raise Conflict(_("No inspection office account exists for %(county)s.") % {"county": round_.term.county})
    return grant.user


@transaction.atomic
def add_common_item(
    round_: Round,
    *,
    text: str,
    category: str,
    fix_type: str,
    problems: Sequence[Problem],
    villages: Sequence[AdminUnit],
    actor: User | None,
) -> CommonItem:
    """State one problem shared by several villages on the round's common list (共性清单), built from problems
    picked in different villages, and name every village it applies to."""
    _allow(actor, permissions.can_build_lists(actor, round_), _("Only the inspection office builds lists."))
    _check_feedback_time(round_)
    if category not in Category.values or fix_type not in FixType.values:
        raise Conflict(_("Choose a category and a rectification type."))
    if not text.strip():
        raise Conflict(_("State the shared problem."))
    problems = list({problem.pk: problem for problem in problems}.values())
    if len({problem.village_id for problem in problems}) < 2:
        raise Conflict(_("A common item is built from problems of at least two villages."))
    wrong = [p for p in problems if p.round_id != round_.pk or p.status != Problem.Status.CONFIRMED]
    if wrong:
        raise Conflict(_("%(serial)s is not a confirmed problem of this round.") % {"serial": wrong[0].serial})
    taken = CommonItem.problems.through.objects.filter(problem__in=problems).select_related("problem").first()
    if taken is not None:
        raise Conflict(_("%(serial)s is already stated on the common list.") % {"serial": taken.problem.serial})
    villages = list({village.pk: village for village in villages}.values())
    named = {village.pk for village in villages}
    missing = [p.village for p in problems if p.village_id not in named]
    if missing:
        raise Conflict(_("Name %(village)s, where a picked problem was found.") % {"village": missing[0]})
    covered = set(round_.assignments.values_list("covered__village_id", flat=True))
    outside = [village for village in villages if village.pk not in covered]
    if outside:
        raise Conflict(_("%(village)s was not inspected in this round.") % {"village": outside[0]})
    fed_back = [village for village in villages if village.pk in _fed_back_villages(round_)]
    if fed_back:
        raise TransitionNotAllowed(_("%(village)s has already had its feedback.") % {"village": fed_back[0]})
    common_list, _created = ProblemList.objects.get_or_create(
        round=round_, kind=ProblemList.Kind.COMMON, defaults={"created_by": actor or _office(round_)}
    )
    number = (common_list.common_items.aggregate(last=Max("number"))["last"] or 0) + 1
    item = CommonItem.objects.create(
        problem_list=common_list, number=number, text=text.strip(), category=category, fix_type=fix_type
    )
    item.villages.set(villages)
    item.problems.set(problems)
    # A picked problem is now stated on the common list; it leaves its village's individual list.
    ListEntry.objects.filter(problem__in=problems).delete()
    record_event(
        "rectification.common_item_added",
        item,
        actor=actor,
        after={
            "text": item.text,
            "villages": [village.code for village in villages],
            "problems": [problem.serial for problem in problems],
        },
    )
    return item


# Feedback --------------------------------------------------------------------------------------------------------


def feedback_deadline(fix_type: str, assignment: Assignment | None, fed_back_on: date) -> date:
    """IMMEDIATE: the end of stationing (a problem the group told the village to fix on the spot) or, for what
    only the feedback tells the village, the plan's due date; FOLLOW_UP and LONG_TERM (its first report): months
    after feedback."""
    if fix_type == FixType.IMMEDIATE:
        if assignment is not None:
            return assignment.stationed_until
        return workdays.add_working_days(fed_back_on, settings.XUNCHA_PLAN_WORKING_DAYS)
    return workdays.add_months(fed_back_on, settings.XUNCHA_FOLLOW_UP_MONTHS)


@transaction.atomic
def publish_feedback(
    round_: Round, village: AdminUnit, *, actor: User | None, fed_back_on: date | None = None
) -> Feedback:
    """Feed back a village's individual list together with the round's common list, at the same time to the
    township party committee and the village party organisation (同步双向反馈).

    Both see the lists from this moment and are asked to sign; the problems become FED_BACK; the ledger gets one
    item per problem of the individual list and one per common item naming the village, with deadlines counted on
    the working-day calendar. ``fed_back_on`` is the date of the feedback meeting (today unless said).
    """
    _allow(actor, permissions.can_publish_feedback(actor, round_), _("Only the inspection office feeds back lists."))
    locked = Round.objects.select_for_update().get(pk=round_.pk)
    _check_feedback_time(locked)
    individual = ProblemList.objects.filter(round=round_, kind=ProblemList.Kind.INDIVIDUAL, village=village).first()
    if individual is None:
        raise Conflict(_("Build the individual list of %(village)s first.") % {"village": village})
    if Feedback.objects.filter(round=round_, village=village).exists():
        raise TransitionNotAllowed(_("%(village)s has already had its feedback.") % {"village": village})
    stranded = Problem.objects.filter(
        round=round_,
        village=village,
        status=Problem.Status.CONFIRMED,
        list_entry__isnull=True,
        common_items__isnull=True,
    ).first()
    if stranded is not None:
        raise Conflict(
            _("%(serial)s was confirmed after the list was built; refresh the list of %(village)s first.")
            % {"serial": stranded.serial, "village": village}
        )
    common = ProblemList.objects.filter(round=round_, kind=ProblemList.Kind.COMMON).first()
    common_items = list(CommonItem.objects.filter(problem_list=common, villages=village)) if common else []
    entries = list(individual.entries.select_related("problem__assignment", "problem__notice"))
    if not entries and not common_items:
        raise Conflict(_("There is nothing to feed back to %(village)s.") % {"village": village})
    fed_back_on = fed_back_on or timezone.localdate()
    assignment = Assignment.objects.filter(round=round_, covered__village=village).first()
    if fed_back_on > timezone.localdate() or (assignment and fed_back_on < assignment.stationed_until):
        raise Conflict(_("Feedback is given after stationing ends, and not in the future."))
    township = village.parent
    assert township is not None  # noqa: S101 - a village hangs under its township
    feedback = Feedback.objects.create(
        round=round_,
        village=village,
        individual_list=individual,
        common_list=common,
        fed_back_on=fed_back_on,
        plan_due=workdays.add_working_days(fed_back_on, settings.XUNCHA_PLAN_WORKING_DAYS),
        published_by=actor or _office(round_),
    )
    Receipt.objects.bulk_create(
        [
            Receipt(feedback=feedback, recipient=Receipt.Recipient.TOWNSHIP, unit=township),
            Receipt(feedback=feedback, recipient=Receipt.Recipient.VILLAGE, unit=village),
        ]
    )
    items = [_item_for_problem(feedback, entry.problem, township, actor) for entry in entries]
    for common_item in common_items:
        items.append(_item_for_common(feedback, common_item, township))
        for problem in common_item.problems.filter(village=village, status=Problem.Status.CONFIRMED):
            findings_actions.mark_fed_back(problem, actor=actor)
    if locked.status == Round.Status.REPORTING:
        locked.status = Round.Status.FEEDBACK
        locked.save(update_fields=["status"])
        record_event(
            "inspections.round_status_changed",
            locked,
            actor=actor,
            unit=locked.term.county,
            before={"status": Round.Status.REPORTING},
            after={"status": Round.Status.FEEDBACK},
            note=_("The first feedback was published."),
        )
    record_event(
        "rectification.feedback_published",
        feedback,
        actor=actor,
        unit=village,
        after={
            "fed_back_on": fed_back_on,
            "plan_due": feedback.plan_due,
            "items": [item.number for item in items],
            "recipients": [township.code, village.code],
        },
    )
    return feedback


def _item_for_problem(feedback: Feedback, problem: Problem, township: AdminUnit, actor: User | None) -> LedgerItem:
    findings_actions.mark_fed_back(problem, actor=actor)
    item = LedgerItem.objects.create(
        round=feedback.round,
        feedback=feedback,
        village=feedback.village,
        township=township,
        problem=problem,
        number=problem.serial,
        summary=problem.phenomenon,
        category=problem.category,
        fix_type=problem.fix_type,
        deadline=feedback_deadline(problem.fix_type, problem.assignment, feedback.fed_back_on),
        needs_return_visit=feedback.village.is_key,
    )
    notice = ImmediateFixNotice.objects.filter(problem=problem, status=ImmediateFixNotice.Status.COMPLETED).first()
    if notice is not None:
        # Fixed on the spot while the group was there: the township only has to confirm it.
        item.status = Status.SUBMITTED
        item.measures = notice.requirement
        item.done_on = notice.completed_on
        item.save(update_fields=["status", "measures", "done_on"])
        Progress.objects.create(
            item=item,
            kind=Progress.Kind.SUBMISSION,
            text=_("Fixed immediately: %(note)s") % {"note": notice.completion_note},
            on=notice.completed_on or feedback.fed_back_on,
            author=None,
        )
    return item


def _item_for_common(feedback: Feedback, common_item: CommonItem, township: AdminUnit) -> LedgerItem:
    round_ = feedback.round
    return LedgerItem.objects.create(
        round=round_,
        feedback=feedback,
        village=feedback.village,
        township=township,
        common_item=common_item,
        number=f"[{round_.start_date.year}]{round_.number}巡-共性-{common_item.number:02d}",
        summary=common_item.text,
        category=common_item.category,
        fix_type=common_item.fix_type,
        deadline=feedback_deadline(common_item.fix_type, None, feedback.fed_back_on),
        needs_return_visit=feedback.village.is_key,
    )


@transaction.atomic
def sign_receipt(receipt: Receipt, *, actor: User | None, at: datetime | None = None) -> Receipt:
    """The township party committee or the village organisation signs for the lists it received (签收).
    ``at`` records a signature given on paper earlier; never before the feedback nor in the future."""
    _allow(actor, permissions.can_sign_receipt(actor, receipt), _("Only the recipient signs its receipt."))
    locked = Receipt.objects.select_for_update(of=("self",)).select_related("feedback").get(pk=receipt.pk)
    if locked.signed_at is not None:
        raise TransitionNotAllowed(_("This receipt was already signed."))
    at = at or timezone.now()
    if at > timezone.now() or timezone.localdate(at) < locked.feedback.fed_back_on:
        raise Conflict(_("A receipt is signed after the feedback and not in the future."))
    locked.signed_by = actor
    locked.signed_at = at
    locked.save(update_fields=["signed_by", "signed_at"])
    record_event(
        "rectification.receipt_signed",
        locked,
        actor=actor,
        unit=locked.unit,
        after={"recipient": locked.recipient, "signed_at": locked.signed_at},
    )
    receipt.signed_by, receipt.signed_at = locked.signed_by, locked.signed_at
    return locked


# Ledger items ----------------------------------------------------------------------------------------------------


# Progress notes that move an item's status (a progress report or an extension does not).
STATUS_CHANGING = [
    Progress.Kind.SUBMISSION,
    Progress.Kind.APPROVAL,
    Progress.Kind.RETURN,
    Progress.Kind.CLOSURE,
    Progress.Kind.ONGOING,
    Progress.Kind.REOPEN,
]


def _check_on(on: date | None, item: LedgerItem) -> date:
    """A step's date: today unless said; never in the future nor before the item was fed back."""
    on = on or timezone.localdate()
    if on > timezone.localdate() or on < item.feedback.fed_back_on:
        raise Conflict(
            _("The date must lie between the feedback, %(date)s, and today.") % {"date": item.feedback.fed_back_on}
        )
    return on


def _lock(item: LedgerItem, expected_status: str | None) -> LedgerItem:
    """Lock the item's row; when the caller acted on what it saw (``expected_status``) and someone moved the item
    meanwhile, refuse with who did what, instead of acting on a state the caller never saw."""
    locked = (
        LedgerItem.objects.select_for_update(of=("self",))
        .select_related("round__term__county", "village", "feedback")
        .get(pk=item.pk)
    )
    if expected_status is not None and locked.status != expected_status:
        last = locked.progress.filter(kind__in=STATUS_CHANGING).select_related("author").order_by("-pk").first()
        who = last.author if last and last.author else _("someone")
        raise Conflict(
            _("%(who)s already acted on this item; it is now %(status)s. Reload the page.")
            % {"who": who, "status": locked.get_status_display()}
        )
    return locked


def _move(
    item: LedgerItem,
    target: str,
    *,
    actor: User | None,
    kind: str,
    text: str,
    on: date | None = None,
    expected_status: str | None = None,
    **fields: Any,
) -> tuple[LedgerItem, Progress]:
    locked = _lock(item, expected_status)
    if target not in ITEM_TRANSITIONS.get(locked.status, set()):
        raise TransitionNotAllowed(
            _("An item that is %(current)s cannot become %(target)s.")
            % {"current": locked.get_status_display(), "target": Status(target).label}
        )
    before = snapshot(locked, ["status", "deadline"])
    locked.status = target
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=["status", *fields, "updated_at"])
    progress = Progress.objects.create(item=locked, kind=kind, text=text, on=_check_on(on, locked), author=actor)
    record_event(
        f"rectification.item_{kind.lower()}",
        locked,
        actor=actor,
        unit=locked.village,
        before=before,
        after={**snapshot(locked, ["status", "deadline"]), "text": text},
    )
    item.status = target
    for name, value in fields.items():
        setattr(item, name, value)
    return locked, progress


def _attach(progress: Progress, files: Iterable[tuple[IO[bytes], str, int]], actor: User | None) -> list[Evidence]:
    return [
        findings_actions.store_evidence(handle, name, size, actor=actor, progress=progress)
        for handle, name, size in files
    ]


@transaction.atomic
def plan_item(
    item: LedgerItem,
    *,
    measures: str,
    goal: str,
    responsible_leader: str,
    actor: User | None,
    on: date | None = None,
) -> LedgerItem:
    """The village writes its rectification measures, goal and responsible leader (starting the work)."""
    _allow(actor, permissions.can_report_progress(actor, item), _("Only the responsible village plans the item."))
    if not measures.strip() or not responsible_leader.strip():
        raise Conflict(_("Give the measures and the responsible leader."))
    locked = _lock(item, None)
    if locked.status in (Status.CLOSED, Status.REVIEWED, Status.SUBMITTED):
        raise TransitionNotAllowed(_("The plan of a submitted or closed item is no longer changed."))
    before = snapshot(locked, ["measures", "goal", "responsible_leader", "status"])
    locked.measures, locked.goal, locked.responsible_leader = measures.strip(), goal.strip(), responsible_leader.strip()
    if locked.status in (Status.OPEN, Status.RETURNED):
        locked.status = Status.IN_PROGRESS
    locked.save(update_fields=["measures", "goal", "responsible_leader", "status", "updated_at"])
    Progress.objects.create(
        item=locked, kind=Progress.Kind.PLAN, text=measures.strip(), on=_check_on(on, locked), author=actor
    )
    record_event(
        "rectification.item_planned",
        locked,
        actor=actor,
        unit=locked.village,
        before=before,
        after=snapshot(locked, ["measures", "goal", "responsible_leader", "status"]),
    )
    item.__dict__.update({name: getattr(locked, name) for name in ("measures", "goal", "responsible_leader", "status")})
    return locked


@transaction.atomic
def report_progress(
    item: LedgerItem,
    *,
    text: str,
    actor: User | None,
    on: date | None = None,
    files: Sequence[tuple[IO[bytes], str, int]] = (),
) -> Progress:
    """The village reports how the work goes (also the periodic report of a long-term item), with evidence."""
    _allow(actor, permissions.can_report_progress(actor, item), _("Only the responsible village reports progress."))
    return _record_progress(item, text=text, actor=actor, on=on, files=files)


@transaction.atomic
def enter_village_progress(item: LedgerItem, *, text: str, actor: User | None, on: date | None = None) -> Progress:
    """The overseeing township enters the progress its village reported to it (the township's ledger sheet); the
    note and its event name the township's user."""
    _allow(
        actor,
        permissions.can_enter_village_progress(actor, item),
        _("Only the overseeing township enters its villages' progress."),
    )
    return _record_progress(item, text=text, actor=actor, on=on, files=())


def _record_progress(
    item: LedgerItem,
    *,
    text: str,
    actor: User | None,
    on: date | None,
    files: Sequence[tuple[IO[bytes], str, int]],
) -> Progress:
    if not text.strip():
        raise Conflict(_("Write what was done."))
    locked = _lock(item, None)
    if locked.status in (Status.CLOSED, Status.SUBMITTED, Status.REVIEWED):
        raise TransitionNotAllowed(
            _("The item is %(status)s; progress is reported while it is being worked on.")
            % {"status": locked.get_status_display()}
        )
    on = _check_on(on, locked)
    before = locked.status
    if locked.status in (Status.OPEN, Status.RETURNED):
        locked.status = Status.IN_PROGRESS
        locked.save(update_fields=["status", "updated_at"])
    progress = Progress.objects.create(item=locked, kind=Progress.Kind.PROGRESS, text=text.strip(), on=on, author=actor)
    evidence = _attach(progress, files, actor)
    record_event(
        "rectification.item_progress",
        locked,
        actor=actor,
        unit=locked.village,
        before={"status": before},
        after={"status": locked.status, "text": progress.text, "files": [e.sha256 for e in evidence]},
    )
    item.status = locked.status
    return progress


@transaction.atomic
def submit_item(
    item: LedgerItem,
    *,
    text: str,
    actor: User | None,
    files: Sequence[tuple[IO[bytes], str, int]] = (),
    on: date | None = None,
    expected_status: str | None = None,
) -> LedgerItem:
    """The village reports the item done, with what was done and the evidence, for the township's review."""
    _allow(actor, permissions.can_report_progress(actor, item), _("Only the responsible village submits the item."))
    if not text.strip():
        raise Conflict(_("Write what was done."))
    has_evidence = Evidence.objects.filter(progress__item=item).exists()
    if not files and not has_evidence:
        raise Conflict(_("Attach the evidence of the rectification (photos, documents)."))
    locked, progress = _move(
        item,
        Status.SUBMITTED,
        actor=actor,
        kind=Progress.Kind.SUBMISSION,
        text=text.strip(),
        on=on,
        expected_status=expected_status,
    )
    locked.done_on = item.done_on = progress.on
    locked.save(update_fields=["done_on"])
    _attach(progress, files, actor)
    return locked


@transaction.atomic
def review_item(
    item: LedgerItem,
    *,
    approve: bool,
    actor: User | None,
    reason: str = "",
    on: date | None = None,
    expected_status: str | None = Status.SUBMITTED,
) -> LedgerItem:
    """The township approves a submission (→ REVIEWED) or returns it with a reason (→ RETURNED). Two reviewers
    acting at once: the second is refused with a clear message and nothing is overwritten."""
    _allow(actor, permissions.can_review(actor, item), _("Only the overseeing township reviews the item."))
    if not approve and not reason.strip():
        raise Conflict(_("Say why the submission is returned."))
    if approve:
        locked, _progress = _move(
            item,
            Status.REVIEWED,
            actor=actor,
            kind=Progress.Kind.APPROVAL,
            text=reason.strip() or _("Checked and approved by the township."),
            on=on,
            expected_status=expected_status,
        )
    else:
        locked, _progress = _move(
            item,
            Status.RETURNED,
            actor=actor,
            kind=Progress.Kind.RETURN,
            text=reason.strip(),
            on=on,
            expected_status=expected_status,
            verified_at=None,
        )
    return locked


@transaction.atomic
def return_reviewed_item(item: LedgerItem, *, reason: str, actor: User | None) -> LedgerItem:
    """The office sends a reviewed item back to the village when the rectification does not convince it."""
    _allow(actor, permissions.can_close(actor, item), _("Only the inspection office does this."))
    if not reason.strip():
        raise Conflict(_("Say why the item is returned."))
    locked, _progress = _move(
        item,
        Status.RETURNED,
        actor=actor,
        kind=Progress.Kind.RETURN,
        text=reason.strip(),
        expected_status=Status.REVIEWED,
        verified_at=None,
    )
    return locked


@transaction.atomic
def close_item(item: LedgerItem, *, actor: User | None, closed_on: date | None = None, note: str = "") -> LedgerItem:
    """The office closes a reviewed item (销号). Items of key villages, and items it asked a visit for, close only
    after a return visit verified them; long-term items become ONGOING instead, until their goal is reached."""
    _allow(actor, permissions.can_close(actor, item), _("Only the inspection office closes items."))
    locked = _lock(item, None)
    if locked.status == Status.REVIEWED and locked.fix_type == FixType.LONG_TERM:
        raise TransitionNotAllowed(_("A long-term item is kept ongoing with periodic reports, not closed."))
    if locked.needs_return_visit and locked.verified_at is None:
        raise Conflict(_("This item closes only after a return visit verified it on site."))
    closed_on = _check_on(closed_on, locked)
    locked, _progress = _move(
        locked,
        Status.CLOSED,
        actor=actor,
        kind=Progress.Kind.CLOSURE,
        text=note.strip() or _("Closed (销号)."),
        on=closed_on,
        closed_on=closed_on,
    )
    item.status, item.closed_on = locked.status, closed_on
    return locked


@transaction.atomic
def make_ongoing(item: LedgerItem, *, actor: User | None, note: str = "", on: date | None = None) -> LedgerItem:
    """A reviewed long-term item is kept ONGOING: the village goes on reporting periodically."""
    _allow(actor, permissions.can_close(actor, item), _("Only the inspection office does this."))
    if item.fix_type != FixType.LONG_TERM:
        raise Conflict(_("Only long-term items are kept ongoing."))
    locked, _progress = _move(
        item,
        Status.ONGOING,
        actor=actor,
        kind=Progress.Kind.ONGOING,
        text=note.strip() or _("Kept as a long-term item."),
        on=on,
    )
    return locked


@transaction.atomic
def reopen_item(item: LedgerItem, *, reason: str, new_deadline: date, actor: User | None) -> LedgerItem:
    """Take a closed (or ongoing) item back into work with a new deadline."""
    _allow(actor, permissions.can_close(actor, item), _("Only the inspection office reopens items."))
    if not reason.strip():
        raise Conflict(_("Say why the item is reopened."))
    _check_new_deadline(new_deadline, timezone.localdate())
    current = _lock(item, None)
    if not current.is_done:
        raise TransitionNotAllowed(_("Only a closed or ongoing item is reopened; extend the deadline instead."))
    locked, _progress = _move(
        item,
        Status.IN_PROGRESS,
        actor=actor,
        kind=Progress.Kind.REOPEN,
        text=reason.strip(),
        deadline=new_deadline,
        closed_on=None,
        verified_at=None,
        reopened=current.reopened + 1,
    )
    return locked


# The latest deadline anyone is given: beyond it a date is a typing error, not a plan.
LONGEST_EXTENSION_DAYS = 3 * 366


def _check_new_deadline(new_deadline: date, after: date) -> None:
    if new_deadline <= after:
        raise Conflict(_("The new deadline must lie after %(date)s.") % {"date": after})
    if (new_deadline - timezone.localdate()).days > LONGEST_EXTENSION_DAYS:
        raise Conflict(_("A deadline more than three years ahead is not a plan; check the date."))


@transaction.atomic
def extend_deadline(
    item: LedgerItem, *, new_deadline: date, reason: str, actor: User | None, on: date | None = None
) -> LedgerItem:
    """Grant more time (整改延期) for an item that is still being worked on."""
    _allow(actor, permissions.can_close(actor, item), _("Only the inspection office extends deadlines."))
    if not reason.strip():
        raise Conflict(_("Say why more time is granted."))
    locked = _lock(item, None)
    if locked.is_done:
        raise TransitionNotAllowed(_("The item is already done."))
    _check_new_deadline(new_deadline, locked.deadline)
    before = snapshot(locked, ["deadline"])
    locked.deadline = new_deadline
    locked.save(update_fields=["deadline", "updated_at"])
    Progress.objects.create(
        item=locked,
        kind=Progress.Kind.EXTENSION,
        text=_("%(reason)s (new deadline %(date)s)") % {"reason": reason.strip(), "date": new_deadline},
        on=_check_on(on, locked),
        author=actor,
    )
    record_event(
        "rectification.item_extended",
        locked,
        actor=actor,
        unit=locked.village,
        before=before,
        after={"deadline": new_deadline, "reason": reason.strip()},
    )
    item.deadline = new_deadline
    return locked


@transaction.atomic
def require_return_visit(item: LedgerItem, *, actor: User | None) -> LedgerItem:
    """The office asks that this item be verified on a return visit before it closes."""
    _allow(actor, permissions.can_close(actor, item), _("Only the inspection office does this."))
    locked = _lock(item, None)
    if locked.needs_return_visit:
        return locked
    locked.needs_return_visit = True
    locked.save(update_fields=["needs_return_visit", "updated_at"])
    record_event(
        "rectification.item_flagged", locked, actor=actor, unit=locked.village, after={"needs_return_visit": True}
    )
    item.needs_return_visit = True
    return locked


# Return visits ---------------------------------------------------------------------------------------------------


@transaction.atomic
def plan_visit(
    village: AdminUnit,
    *,
    planned_on: date,
    items: Sequence[LedgerItem],
    actor: User | None,
    visitors: str = "",
    round_: Round | None = None,
) -> ReturnVisit:
    """The office (or a group that inspected the village) plans a return visit and chooses the items to check."""
    _allow(actor, permissions.can_plan_visit(actor, village, round_), _("Only the office or the group plans this."))
    if not items:
        raise Conflict(_("Choose the items to check."))
    foreign = [item for item in items if item.village_id != village.pk]
    if foreign:
        raise Conflict(_("%(item)s is not an item of %(village)s.") % {"item": foreign[0], "village": village})
    unfinished = [item for item in items if item.status in (Status.OPEN, Status.IN_PROGRESS, Status.RETURNED)]
    if unfinished:
        raise Conflict(
            _("%(item)s is still being worked on; a visit checks work reported done.") % {"item": unfinished[0]}
        )
    group = None
    if round_ is not None and actor is not None and not permissions.can_plan_visit(actor, village):
        # A group plans visits only for the items of the round it inspected.
        if any(item.round_id != round_.pk for item in items):
            raise Conflict(_("A group checks only the items of the round it inspected."))
        group = round_.groups.filter(memberships__user=actor).first()
    visit = ReturnVisit.objects.create(
        village=village,
        planned_on=planned_on,
        visitors=visitors.strip(),
        planned_by=actor or _office(items[0].round),
        planned_by_group=group,
    )
    VisitCheck.objects.bulk_create([VisitCheck(visit=visit, item=item) for item in items])
    record_event(
        "rectification.visit_planned",
        visit,
        actor=actor,
        unit=village,
        after={"planned_on": planned_on, "items": [item.number for item in items]},
    )
    return visit


@transaction.atomic
def record_visit(
    visit: ReturnVisit,
    *,
    visited_on: date,
    verdicts: dict[int, tuple[str, str, date | None]],
    people_asked: int,
    people_satisfied: int,
    actor: User | None,
    visitors: str = "",
    note: str = "",
) -> ReturnVisit:
    """Record what the visit found: for each checked item VERIFIED or REOPEN (with a note and, to reopen, a new
    deadline), and how many residents were asked and how many were satisfied.

    A VERIFIED item may then be closed; a REOPEN verdict sends the item back to IN_PROGRESS with its new deadline.
    """
    _allow(actor, permissions.can_record_visit(actor, visit), _("Only the office or the group records the visit."))
    locked = ReturnVisit.objects.select_for_update().get(pk=visit.pk)
    if locked.status == ReturnVisit.Status.DONE:
        raise TransitionNotAllowed(_("This visit was already recorded."))
    if visited_on > timezone.localdate():
        raise Conflict(_("A visit cannot be recorded before it happens."))
    if people_asked < 0 or not 0 <= people_satisfied <= people_asked:
        raise Conflict(_("The residents satisfied cannot outnumber those asked."))
    checks = {check.item_id: check for check in locked.checks.select_related("item")}
    if set(verdicts) != set(checks):
        raise Conflict(_("Give a verdict for every item checked on the visit."))
    for item_id, (verdict, check_note, new_deadline) in verdicts.items():
        if verdict not in VisitCheck.Verdict.values:
            raise Conflict(_("Unknown verdict."))
        check = checks[item_id]
        check.verdict, check.note, check.new_deadline = verdict, check_note.strip(), new_deadline
        check.save(update_fields=["verdict", "note", "new_deadline"])
        if verdict == VisitCheck.Verdict.VERIFIED:
            _verify(check.item, check_note, visited_on, locked, actor)
        else:
            _reopen_from_visit(check.item, check_note, new_deadline, visited_on, actor)
    locked.status = ReturnVisit.Status.DONE
    locked.visited_on = visited_on
    locked.visitors = visitors.strip() or locked.visitors
    locked.people_asked, locked.people_satisfied = people_asked, people_satisfied
    locked.note = note.strip()
    locked.save(update_fields=["status", "visited_on", "visitors", "people_asked", "people_satisfied", "note"])
    record_event(
        "rectification.visit_recorded",
        locked,
        actor=actor,
        unit=locked.village,
        after={
            "visited_on": visited_on,
            "verdicts": {checks[item_id].item.number: verdict for item_id, (verdict, _n, _d) in verdicts.items()},
            "people_asked": people_asked,
            "people_satisfied": people_satisfied,
        },
    )
    visit.status = locked.status
    return locked


def _verify(item: LedgerItem, note: str, visited_on: date, visit: ReturnVisit, actor: User | None) -> None:
    """A VERIFIED verdict: the item may now close; its history says so."""
    verified_at = timezone.make_aware(datetime.combine(visited_on, time(12)))
    LedgerItem.objects.filter(pk=item.pk).update(verified_at=verified_at)
    item.verified_at = verified_at
    record_event(
        "rectification.item_verified",
        item,
        actor=actor,
        unit=item.village,
        after={"visit": visit.pk, "visited_on": visited_on, "note": note.strip()},
    )


def _reopen_from_visit(
    item: LedgerItem, note: str, new_deadline: date | None, visited_on: date, actor: User | None
) -> None:
    """A REOPEN verdict: back to IN_PROGRESS with a new deadline, through the transitions of the ledger."""
    if new_deadline is None or new_deadline <= visited_on:
        raise Conflict(_("Give %(item)s a new deadline after the visit.") % {"item": item})
    current = _lock(item, None)
    _move(
        item,
        Status.IN_PROGRESS,
        actor=actor,
        kind=Progress.Kind.REOPEN,
        text=_("Reopened after a return visit: %(note)s") % {"note": note.strip()},
        on=visited_on,
        deadline=new_deadline,
        closed_on=None,
        verified_at=None,
        reopened=current.reopened + 1,
    )


@transaction.atomic
def attach_check_photo(
    check: VisitCheck, handle: IO[bytes], file_name: str, size: int, *, actor: User | None, caption: str = ""
) -> Evidence:
    """A photo taken on a return visit, attached to the item checked."""
    _allow(actor, permissions.can_record_visit(actor, check.visit), _("Only the office or the group does this."))
    evidence = findings_actions.store_evidence(
        handle, file_name, size, actor=actor, visit_check=check, caption=caption, images_only=True
    )
    record_event(
        "rectification.visit_photo_attached",
        evidence,
        actor=actor,
        unit=check.visit.village,
        after={"item": check.item.number, "sha256": evidence.sha256},
    )
    return evidence
