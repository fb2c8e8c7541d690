"""Pages of a round's preparation: its planning page (plans, declarations, enquiries), a plan's page with its
approval, an enquiry's page with the reply and its leads. Every object is looked up through ``visible_to``; every
change is one action."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xuncha.audit.actions import log_access
from xuncha.audit.models import AccessLog, Event
from xuncha.core.http import AuthenticatedHttpRequest, client_ip, refuse_form, run_action
from xuncha.evidence.views import evidence_response
from xuncha.inspections.models import Assignment, Recusal, Round
from xuncha.organisations.models import AdminUnit
from xuncha.planning import actions, documents, permissions, queries
from xuncha.planning.forms import (
    DecisionForm,
    DeclarationForm,
    EnquiryForm,
    LeadCloseForm,
    LeadForm,
    NewPlanForm,
    ReplyForm,
    WorkPlanForm,
)
from xuncha.planning.models import Enquiry, Lead, RecusalDeclaration, WorkPlan

PLAN_LIST_SIZE = 200


def _round(request: AuthenticatedHttpRequest, pk: int) -> Round:
    round_ = get_object_or_404(Round.objects.visible_to(request.user).select_related("term__county"), pk=pk)
    if not permissions.sees_round_planning(request.user, round_):
        raise Http404
    return round_


def _plan(request: AuthenticatedHttpRequest, pk: int) -> WorkPlan:
    return get_object_or_404(queries.plans_visible_to(request.user).select_related("round__term__county"), pk=pk)


def _enquiry(request: AuthenticatedHttpRequest, pk: int) -> Enquiry:
    return get_object_or_404(
        Enquiry.objects.visible_to(request.user).select_related("round__term__county", "assignment__group", "village"),
        pk=pk,
    )


@login_required
def plan_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every work plan the user may read, newest rounds first."""
    plans = queries.plans_visible_to(request.user).order_by("-round__start_date", "round_id", "assignment_id", "pk")
    return render(request, "planning/plan_list.html", {"plans": plans[:PLAN_LIST_SIZE]})


@login_required
def round_planning(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    user = request.user
    assignments = Assignment.objects.filter(round=round_).select_related("group", "target")
    can_plan = permissions.can_draft_plan(user, round_)
    own = RecusalDeclaration.objects.filter(round=round_, user=user).first()
    signs = permissions.can_sign_declaration(user, round_) and own is None
    context: dict[str, Any] = {
        "round": round_,
        "plans": queries.plans_visible_to(user).filter(round=round_),
        "enquiries": queries.enquiries_of(round_, user),
        "can_plan": can_plan,
        "signers": queries.round_signers(round_) if can_plan else [],
        "unsigned": queries.unsigned_assignment_ids(round_) if can_plan else set(),
        "assignments": assignments if can_plan else [],
        "own_declaration": own,
        "declaration_form": DeclarationForm(ties=Recusal.objects.filter(user=user)) if signs else None,
        "new_plan_form": NewPlanForm(assignments=assignments, auto_id="plan_%s") if can_plan else None,
        "enquiry_form": EnquiryForm(assignments=assignments, auto_id="enquiry_%s") if can_plan else None,
    }
    return render(request, "planning/round_planning.html", context)


@login_required
@require_POST
def plan_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    form = NewPlanForm(request.POST, assignments=Assignment.objects.filter(round=round_))
    if not form.is_valid():
        refuse_form(request, form)
        return redirect("planning:round", pk=round_.pk)
    created: list[WorkPlan] = []
    run_action(
        request,
        lambda: created.append(
            actions.draft_work_plan(
                round_, assignment=form.cleaned_data["assignment"], stages=form.stages(), actor=request.user
            )
        ),
        _("The work plan was drafted."),
    )
    if created:
        return redirect(created[0])
    return redirect("planning:round", pk=round_.pk)


@login_required
def plan_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    user = request.user
    editable = plan.status in actions.EDITABLE_PLAN_STATES and permissions.can_edit_plan(user, plan)
    village_ids = list(plan.assignment.covered.values_list("village_id", flat=True)) if plan.assignment else []
    context = {
        "plan": plan,
        "stages": plan.stages.all(),
        "villages": AdminUnit.objects.filter(pk__in=village_ids).order_by("code"),
        "form": WorkPlanForm.for_plan(plan) if editable else None,
        "can_submit": plan.status == WorkPlan.Status.DRAFT and permissions.can_edit_plan(user, plan),
        "can_decide": plan.status == WorkPlan.Status.SUBMITTED and permissions.can_approve_plan(user, plan),
        "decision_form": DecisionForm(),
        "timeline": Event.objects.for_object(plan).select_related("actor").order_by("seq"),
    }
    return render(request, "planning/plan_detail.html", context)


@login_required
@require_POST
def plan_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    form = WorkPlanForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        run_action(
            request,
            lambda: actions.update_work_plan(
                plan,
                title=data["title"],
                focus=data["focus"],
                focus_note=data["focus_note"],
                authorisation=data["authorisation"],
                stages=form.stages(),
                actor=request.user,
            ),
            _("The work plan was saved."),
        )
    else:
        refuse_form(request, form)
    return redirect(plan)


@login_required
@require_POST
def plan_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    run_action(request, lambda: actions.submit_work_plan(plan, actor=request.user), _("Submitted for approval."))
    return redirect(plan)


@login_required
@require_POST
def plan_decide(request: AuthenticatedHttpRequest, pk: int, decision: str) -> HttpResponse:
    plan = _plan(request, pk)
    note = request.POST.get("note", "")
    if decision == "approve":
        run_action(request, lambda: actions.approve_work_plan(plan, note=note, actor=request.user), _("Approved."))
    else:
        run_action(
            request, lambda: actions.return_work_plan(plan, note=note, actor=request.user), _("Returned for revision.")
        )
    return redirect(plan)


@login_required
def plan_docx(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    document = documents.render_plan(plan)
    log_access(request.user, AccessLog.Action.DOCUMENT, plan, detail=document.name, ip_address=client_ip(request))
    return document.response()


@login_required
@require_POST
def declaration_sign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    form = DeclarationForm(request.POST, ties=Recusal.objects.filter(user=request.user))
    if form.is_valid():
        data = form.cleaned_data
        run_action(
            request,
            lambda: actions.sign_declaration(
                round_,
                no_ties=data["no_ties"],
                ties=data["ties"],
                statement=data["statement"],
                actor=request.user,
            ),
            _("Your declaration is signed."),
        )
    else:
        refuse_form(request, form)
    return redirect("planning:round", pk=round_.pk)


@login_required
@require_POST
def enquiry_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    form = EnquiryForm(request.POST, assignments=Assignment.objects.filter(round=round_))
    if form.is_valid():
        data = form.cleaned_data
        run_action(
            request,
            lambda: actions.send_enquiry(
                round_,
                data["body"],
                body_name=data["body_name"],
                assignment=data["assignment"],
                matters=data["matters"],
                sent_on=data["sent_on"],
                reply_by=data["reply_by"],
                number=data["number"],
                actor=request.user,
            ),
            _("The enquiry letter was recorded as sent."),
        )
    else:
        refuse_form(request, form)
    return redirect("planning:round", pk=round_.pk)


@login_required
def enquiry_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enquiry = _enquiry(request, pk)
    assignments = Assignment.objects.filter(round_id=enquiry.round_id).select_related("group", "target")
    handles = permissions.can_handle_enquiry(request.user, enquiry)
    context = {
        "enquiry": enquiry,
        "files": enquiry.reply_files.all(),
        "leads": Lead.objects.filter(enquiry=enquiry).select_related("assignment__group", "village"),
        "reply_form": ReplyForm() if handles and enquiry.status == Enquiry.Status.SENT else None,
        "lead_form": LeadForm(assignments=assignments)
        if handles and enquiry.status == Enquiry.Status.REPLIED
        else None,
    }
    return render(request, "planning/enquiry_detail.html", context)


@login_required
@require_POST
def enquiry_reply(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enquiry = _enquiry(request, pk)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        files = [(upload, upload.name or "", upload.size or 0) for upload in data["attachments"]]
        run_action(
            request,
            lambda: actions.record_reply(
                enquiry, replied_on=data["replied_on"], text=data["text"], files=files, actor=request.user
            ),
            _("The reply was recorded."),
        )
    else:
        refuse_form(request, form)
    return redirect(enquiry)


@login_required
def enquiry_docx(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enquiry = _enquiry(request, pk)
    document = documents.render_enquiry(enquiry)
    log_access(request.user, AccessLog.Action.DOCUMENT, enquiry, detail=document.name, ip_address=client_ip(request))
    return document.response()


@login_required
def enquiry_file(request: AuthenticatedHttpRequest, pk: int, evidence_pk: int) -> FileResponse:
    enquiry = _enquiry(request, pk)
    return evidence_response(get_object_or_404(enquiry.reply_files.all(), pk=evidence_pk))


@login_required
@require_POST
def lead_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enquiry = _enquiry(request, pk)
    form = LeadForm(request.POST, assignments=Assignment.objects.filter(round_id=enquiry.round_id))
    if form.is_valid():
        data = form.cleaned_data
        run_action(
            request,
            lambda: actions.mark_lead(
                enquiry, text=data["text"], assignment=data["assignment"], village=None, actor=request.user
            ),
            _("The lead was given to the group."),
        )
    else:
        refuse_form(request, form)
    return redirect(enquiry)


@login_required
@require_POST
def lead_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    lead = get_object_or_404(Lead.objects.visible_to(request.user).select_related("assignment", "round"), pk=pk)
    form = LeadCloseForm(request.POST)
    if form.is_valid():
        run_action(
            request,
            lambda: actions.close_lead(
                lead, form.cleaned_data["status"], note=form.cleaned_data["note"], actor=request.user
            ),
            _("The lead was closed."),
        )
    else:
        refuse_form(request, form)
    return redirect(lead.assignment)
