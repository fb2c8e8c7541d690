"""Reads of the planning pages: a round's plans, who has signed the round's declaration, the leads of an
assignment, and the default schedule of an assignment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from xuncha.inspections.models import Assignment, Membership, Round
from xuncha.planning.actions import StageSpec
from xuncha.planning.models import Enquiry, Lead, PlanStage, RecusalDeclaration, WorkPlan

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from xuncha.accounts.models import User
    from xuncha.accounts.scoping import AnyUser


def plans_visible_to(user: AnyUser) -> QuerySet[WorkPlan]:
    return WorkPlan.objects.visible_to(user).select_related(
        "round__term", "assignment__group", "assignment__target", "drafted_by"
    )


@dataclass(frozen=True)
class Signer:
    """A member of a round's group and their declaration for the round (None while unsigned)."""

    user: User
    group_name: str
    declaration: RecusalDeclaration | None


def round_signers(round_: Round) -> list[Signer]:
    """Every member of the round's groups, once each, with their declaration: two queries."""
    memberships = (
        Membership.objects.filter(group__round=round_).select_related("user", "group").order_by("group__number", "pk")
    )
    declarations = {
        declaration.user_id: declaration
        for declaration in RecusalDeclaration.objects.filter(round=round_).prefetch_related("ties__unit")
    }
    seen: set[int] = set()
    signers: list[Signer] = []
    for membership in memberships:
        if membership.user_id in seen:
            continue
        seen.add(membership.user_id)
        signers.append(Signer(membership.user, membership.group.name, declarations.get(membership.user_id)))
    return signers


def unsigned_assignment_ids(round_: Round) -> set[int]:
    """Assignments of the round whose group has a member without a signed declaration (flagged, not blocked)."""
    signed = RecusalDeclaration.objects.filter(round=round_).values("user_id")
    unsigned_groups = Membership.objects.filter(group__round=round_).exclude(user_id__in=signed).values("group_id")
    return set(Assignment.objects.filter(round=round_, group_id__in=unsigned_groups).values_list("pk", flat=True))


def enquiries_of(round_: Round, user: AnyUser) -> QuerySet[Enquiry]:
    return (
        Enquiry.objects.visible_to(user)
        .filter(round=round_)
        .select_related("assignment__group", "village")
        .order_by("sent_on", "pk")
    )


def leads_of(assignment: Assignment, user: AnyUser) -> QuerySet[Lead]:
    return (
        Lead.objects.visible_to(user)
        .filter(assignment=assignment)
        .select_related("village", "enquiry")
        .order_by("status", "pk")
    )


def default_stages(assignment: Assignment) -> list[StageSpec]:
    """A usual schedule over the stationing: arrive and hear the village, talk, read, visit, then write."""
    start, end = assignment.stationed_from, assignment.stationed_until
    quarter = timedelta(days=max((end - start).days // 4, 1))

    def day(offset: timedelta) -> date:
        return min(start + offset, end)

    return [
        StageSpec(PlanStage.Kind.STATIONING, start, start),
        StageSpec(PlanStage.Kind.TALKS, day(timedelta(days=1)), day(2 * quarter)),
        StageSpec(PlanStage.Kind.DOCUMENTS, day(timedelta(days=1)), day(2 * quarter)),
        StageSpec(PlanStage.Kind.VISITS, day(quarter), day(3 * quarter)),
        StageSpec(PlanStage.Kind.REPORT, day(3 * quarter), end),
    ]
