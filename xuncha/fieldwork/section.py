"""The group's records on an assignment's page (``{% fieldwork_section %}``): the 六必谈 checklist, the records
with their 新增 forms for the group; for the office, only how many there are."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from xuncha.accounts.models import Role, User
from xuncha.accounts.permissions import has_role_over
from xuncha.fieldwork import permissions, queries
from xuncha.fieldwork.forms import DocumentReviewForm, FieldVisitForm, HearingForm, TalkForm
from xuncha.fieldwork.models import DocumentReview, FieldVisit, Hearing, TalkRecord
from xuncha.findings import permissions as findings_permissions
from xuncha.findings.workbench import default_day, villages_of
from xuncha.organisations.models import AdminUnit

if TYPE_CHECKING:
    from xuncha.core.http import AuthenticatedHttpRequest
    from xuncha.inspections.models import Assignment

ROWS = 100


def members_of(assignment: Assignment) -> QuerySet[User]:
    return User.objects.filter(memberships__group_id=assignment.group_id).order_by("pk")


def hearing_units(assignment: Assignment) -> QuerySet[AdminUnit]:
    """A hearing is of a village the assignment covers or of its target (a township, for 巡乡带村)."""
    return AdminUnit.objects.filter(Q(assignments=assignment) | Q(pk=assignment.target_id)).distinct().order_by("code")


def section_context(request: AuthenticatedHttpRequest, assignment: Assignment) -> dict[str, Any]:
    """What the section shows this user: nothing for those who may not even count the records; counts for the
    office; the checklist, the records and the forms for the group and the office director."""
    user = request.user
    county = assignment.round.term.county
    reads = findings_permissions.is_member(user, assignment) or has_role_over(user, [Role.OFFICE_LEAD], county)
    if not reads and not has_role_over(user, [Role.OFFICE], county):
        return {"fieldwork_shown": False}
    context: dict[str, Any] = {
        "assignment": assignment,
        "fieldwork_shown": True,
        "fieldwork_reads": reads,
        "fieldwork_counts": queries.record_counts(user, assignment),
    }
    if not reads:
        return context
    villages = list(villages_of(assignment))
    context.update(
        checklist=queries.talk_checklist(user, assignment, villages),
        talks=TalkRecord.objects.visible_to(user).filter(assignment=assignment).select_related("village")[:ROWS],
        reviews=DocumentReview.objects.visible_to(user).filter(assignment=assignment).select_related("village")[:ROWS],
        visits=FieldVisit.objects.visible_to(user).filter(assignment=assignment).select_related("village")[:ROWS],
        hearings=Hearing.objects.visible_to(user).filter(assignment=assignment).select_related("unit")[:ROWS],
    )
    if permissions.can_record_fieldwork(user, assignment):
        day = default_day(assignment)
        talk_form = TalkForm(initial={"talked_on": day}, auto_id="talk-%s")
        talk_form.limit_villages(villages_of(assignment))
        talk_form.limit_members(members_of(assignment))
        review_form = DocumentReviewForm(initial={"requested_on": day}, auto_id="review-%s")
        review_form.limit_villages(villages_of(assignment))
        visit_form = FieldVisitForm(initial={"visited_on": day}, auto_id="visit-%s")
        visit_form.limit_villages(villages_of(assignment))
        hearing_form = HearingForm(initial={"held_on": day}, auto_id="hearing-%s")
        hearing_form.fields["unit"].queryset = hearing_units(assignment)  # type: ignore[attr-defined]
        context.update(talk_form=talk_form, review_form=review_form, visit_form=visit_form, hearing_form=hearing_form)
    return context
