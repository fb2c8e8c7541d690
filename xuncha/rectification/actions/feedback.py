"""Feed back a village's lists to the township and the village at once, open one ledger item per problem and common
item with its deadline (``feedback_deadline``), and have both recipients sign their receipts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.actors import Actor, require, user_or_none
from xuncha.audit.actions import record_event
from xuncha.core import workdays
from xuncha.core.exceptions import Conflict, TransitionNotAllowed
from xuncha.findings import actions as findings_actions
from xuncha.findings.models import FixType, ImmediateFixNotice, Problem
from xuncha.inspections import actions as inspections_actions
from xuncha.inspections.archived import refuse_if_archived
from xuncha.inspections.models import Assignment, Round
from xuncha.organisations.models import AdminUnit
from xuncha.rectification import notices, permissions, queries
from xuncha.rectification.actions._common import Status, _check_feedback_time, _office
from xuncha.rectification.actions.responsibility import item_people, why_responsibility_missing
from xuncha.rectification.deadlines import plan_due
from xuncha.rectification.models import (
    CommonItem,
    Feedback,
    LedgerItem,
    ProblemList,
    Progress,
    Receipt,
    VillageResponsibility,
)

if TYPE_CHECKING:
    pass

# Conditions on a village's feedback, each giving why it is refused or ``None``: the village's responsible people
# are recorded (``why_responsibility_missing``), and those apps above this one add (the report chain's last gate:
# ``reporting.queries.feedback_refusal``, added by ``ReportingConfig.ready``).
FEEDBACK_CHECKS: list[Callable[[Round, AdminUnit], str | None]] = [why_responsibility_missing]
# What apps above this one do once a village was fed back, in the same transaction (the deliverables of art. 27 are
# opened: ``deliverables.hooks.feedback_published``, added by ``DeliverablesConfig.ready``).
FEEDBACK_PUBLISHED: list[Callable[[Feedback, Actor], None]] = []


def feedback_deadline(fix_type: str, assignment: Assignment | None, fed_back_on: date) -> date:
    """IMMEDIATE: the end of stationing (a problem the group told the village to fix on the spot) or, for what
    only the feedback tells the village, the plan's due date; FOLLOW_UP and LONG_TERM (its first report): months
    after feedback."""
    if fix_type == FixType.IMMEDIATE:
        if assignment is not None:
            return assignment.stationed_until
        return plan_due(fed_back_on)
    return workdays.add_months(fed_back_on, settings.XUNCHA_FOLLOW_UP_MONTHS)


@transaction.atomic
def publish_feedback(round_: Round, village: AdminUnit, *, actor: Actor, fed_back_on: date | None = None) -> Feedback:
    """Feed back a village's individual list together with the round's common list, at the same time to the
    township party committee and the village party organisation (同步双向反馈).

    A text that would go out repeating a sealed clue of the round and village (``queries.sealed_repeats``) refuses
    the feedback, naming the text; the office rewords it and publishes again.

    Both see the lists from this moment and are asked to sign; the problems become FED_BACK; the ledger gets one
    item per problem of the individual list and one per common item naming the village, with deadlines counted on
    the working-day calendar. ``fed_back_on`` is the date of the feedback meeting (today unless said).
    """
    require(actor, permissions.can_publish_feedback(actor, round_), _("Only the inspection office feeds back lists."))
    locked = Round.objects.select_for_update().get(pk=round_.pk)
    _check_feedback_time(locked)
    for check in FEEDBACK_CHECKS:
        if (why := check(locked, village)) is not None:
            raise TransitionNotAllowed(why)
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
    repeats = queries.sealed_repeats(round_.pk, village)
    if repeats:
        raise Conflict(
            _(
                "These texts repeat a sealed clue and cannot be fed back unchanged: %(texts)s. Reword them without "
                "names, amounts or the details of the allegation (edit the working paper), then publish again."
            )
            % {"texts": "; ".join(str(repeat) for repeat in repeats)}
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
        plan_due=plan_due(fed_back_on),
        published_by=user_or_none(actor) or _office(round_),
    )
    Receipt.objects.bulk_create(
        [
            Receipt(feedback=feedback, recipient=Receipt.Recipient.TOWNSHIP, unit=township),
            Receipt(feedback=feedback, recipient=Receipt.Recipient.VILLAGE, unit=village),
        ]
    )
    # Each item names the village's 第一责任人 and the township's 督促责任人 (checked above).
    people = item_people(VillageResponsibility.objects.filter(village=village).first())
    items = [_item_for_problem(feedback, entry.problem, township, actor, people) for entry in entries]
    for common_item in common_items:
        items.append(_item_for_common(feedback, common_item, township, people))
        for problem in common_item.problems.filter(village=village, status=Problem.Status.CONFIRMED):
            findings_actions.mark_fed_back(problem, actor=actor)
    if locked.status == Round.Status.REPORTING:
        inspections_actions.move_round(
            locked, Round.Status.FEEDBACK, actor=actor, note=_("The first feedback was published.")
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
    for hook in FEEDBACK_PUBLISHED:
        hook(feedback, actor)
    notices.feedback_published(feedback, actor=actor)
    return feedback


def _item_for_problem(
    feedback: Feedback, problem: Problem, township: AdminUnit, actor: Actor, people: dict[str, Any]
) -> LedgerItem:
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
        **people,
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


def _item_for_common(
    feedback: Feedback, common_item: CommonItem, township: AdminUnit, people: dict[str, Any]
) -> LedgerItem:
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
        **people,
    )


@transaction.atomic
def sign_receipt(receipt: Receipt, *, actor: Actor, at: datetime | None = None) -> Receipt:
    """The township party committee or the village organisation signs for the lists it received (签收).
    ``at`` records a signature given on paper earlier; never before the feedback nor in the future."""
    require(actor, permissions.can_sign_receipt(actor, receipt), _("Only the recipient signs its receipt."))
    refuse_if_archived(receipt.feedback.round_id)
    locked = Receipt.objects.select_for_update(of=("self",)).select_related("feedback").get(pk=receipt.pk)
    if locked.signed_at is not None:
        raise TransitionNotAllowed(_("This receipt was already signed."))
    at = at or timezone.now()
    if at > timezone.now() or timezone.localdate(at) < locked.feedback.fed_back_on:
        raise Conflict(_("A receipt is signed after the feedback and not in the future."))
    locked.signed_by = user_or_none(actor)
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
