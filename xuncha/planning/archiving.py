"""The planning app's part of an assignment's file (卷宗, ``archive.contributors``).

* ``work_plans`` (05-工作方案): the approved work plan (工作方案) of the round and the assignment's own, as the
  office prints them (``documents.render_plan``); a plan never approved is a draft and stays out. Then the recusal
  declarations (回避声明) of the group's members as one register (.xlsx): who declared no ties or which ties (unit and
  kind), and when they signed; a member who never signed is listed as such. A declaration is read by the office
  (``RecusalDeclaration.objects.visible_to``), which keeps the file; its statement and a tie's detail may name
  relatives and are kept encrypted or personal, so no column holds them.
* ``enquiries`` (06-巡前了解): each enquiry letter (征求意见函) sent about the assignment (or about the whole round or
  one of its villages) as the office printed it (``documents.render_enquiry``), which never carries the reply. The
  replies may name people (kept encrypted, read by the office only): they are listed as handed in sealed, by count.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from xuncha.archive.contributors import HandedIn, Member
from xuncha.core.xlsx import Sheet, Value, write_workbook
from xuncha.documents.builders import UNSAFE_IN_NAMES
from xuncha.documents.chinese import labels
from xuncha.inspections.models import Membership, Recusal
from xuncha.planning.documents import body_name, render_enquiry, render_plan
from xuncha.planning.models import Enquiry, Lead, RecusalDeclaration, WorkPlan

if TYPE_CHECKING:
    from xuncha.inspections.models import Assignment

PLANS = "05-工作方案"
ENQUIRIES = "06-巡前了解"
DECLARATION_COLUMNS = ["序号", "姓名", "组内职务", "声明", "回避单位及事由", "签署日期"]


def _plans(assignment: Assignment) -> list[WorkPlan]:
    """The round's plan first, then the assignment's: approved ones only."""
    plans = WorkPlan.objects.filter(round_id=assignment.round_id, status=WorkPlan.Status.APPROVED).filter(
        Q(assignment__isnull=True) | Q(assignment=assignment)
    )
    return sorted(plans, key=lambda plan: (plan.assignment_id is not None, plan.pk))


def _declaration_rows(assignment: Assignment) -> tuple[list[list[Value]], list[RecusalDeclaration]]:
    roles, ties = labels(Membership.GroupRole), labels(Recusal.Tie)
    memberships = (
        Membership.objects.filter(group_id=assignment.group_id).select_related("user").order_by("role", "user_id")
    )
    declarations = {
        declaration.user_id: declaration
        for declaration in RecusalDeclaration.objects.filter(
            round_id=assignment.round_id, user_id__in=[membership.user_id for membership in memberships]
        ).prefetch_related("ties__unit")
    }
    rows: list[list[Value]] = []
    for number, membership in enumerate(memberships, start=1):
        declaration = declarations.get(membership.user_id)
        if declaration is None:
            rows.append([number, str(membership.user), roles.get(membership.role, membership.role), "未签署", "", None])
            continue
        declared = sorted(declaration.ties.all(), key=lambda tie: (tie.unit.code, tie.tie))
        # The unit and the kind of tie only: the tie's detail and the statement may name relatives.
        listed = "；".join(f"{tie.unit.name}（{ties.get(tie.tie, tie.tie)}）" for tie in declared)
        rows.append(
            [
                number,
                str(membership.user),
                roles.get(membership.role, membership.role),
                "无回避事项" if declaration.no_ties else f"申报回避事项{len(declared)}项",
                listed,
                timezone.localdate(declaration.signed_at),
            ]
        )
    return rows, list(declarations.values())


def work_plans(assignment: Assignment) -> Iterator[Member]:
    for plan in _plans(assignment):
        generated = render_plan(plan)
        on = timezone.localdate(plan.decided_at) if plan.decided_at else None
        yield Member(f"{PLANS}/{generated.name}", plan.title, on, generated.content)
    rows, declarations = _declaration_rows(assignment)
    if not rows:
        return
    heading = f"{assignment.round} {assignment.group} 回避声明登记表"
    workbook = write_workbook([Sheet("回避声明", DECLARATION_COLUMNS, rows, heading=heading)])
    signed = [timezone.localdate(declaration.signed_at) for declaration in declarations]
    name = f"{assignment.group}回避声明登记表".translate(UNSAFE_IN_NAMES)
    yield Member(f"{PLANS}/{name}.xlsx", f"{assignment.group}成员回避声明登记表", max(signed, default=None), workbook)


def _enquiries(assignment: Assignment) -> list[Enquiry]:
    villages = assignment.villages.values("pk")
    round_wide = Q(assignment__isnull=True) & (Q(village__isnull=True) | Q(village__in=villages))
    return list(
        Enquiry.objects.filter(round_id=assignment.round_id)
        .filter(Q(assignment=assignment) | round_wide)
        .select_related("round__term__county", "assignment__group", "assignment__target", "village")
        .order_by("sent_on", "pk")
    )


def enquiries(assignment: Assignment) -> Iterator[Member | HandedIn]:
    letters = _enquiries(assignment)
    for enquiry in letters:
        generated = render_enquiry(enquiry)
        title = f"征求意见函（{body_name(enquiry)}）"
        yield Member(f"{ENQUIRIES}/{generated.name}", title, enquiry.sent_on, generated.content)
    replies = sum(1 for enquiry in letters if enquiry.status == Enquiry.Status.REPLIED)
    if replies:
        yield HandedIn("征求意见回复", replies)


def audit_objects(assignment: Assignment) -> dict[str, list[int]]:
    """The preparation's records of the assignment, for its audit trail: the plans (the round's too), the group's
    declarations, the enquiries and their leads."""
    plans = WorkPlan.objects.filter(round_id=assignment.round_id).filter(
        Q(assignment=assignment) | Q(assignment__isnull=True)
    )
    members = Membership.objects.filter(group_id=assignment.group_id).values("user_id")
    enquiries = [enquiry.pk for enquiry in _enquiries(assignment)]
    return {
        "planning.workplan": list(plans.values_list("pk", flat=True)),
        "planning.recusaldeclaration": list(
            RecusalDeclaration.objects.filter(round_id=assignment.round_id, user__in=members).values_list(
                "pk", flat=True
            )
        ),
        "planning.enquiry": enquiries,
        "planning.lead": list(Lead.objects.filter(enquiry__in=enquiries).values_list("pk", flat=True)),
    }
