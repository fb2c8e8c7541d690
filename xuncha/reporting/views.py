"""Pages of the report chain: a report with its versions, comments and gates; the diff of two versions; the .docx;
the group meeting; the separate feedback. Every object is found through ``visible_to``; every change is an action."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xuncha.audit.actions import log_access
from xuncha.audit.models import AccessLog
from xuncha.core.http import AuthenticatedHttpRequest, client_ip, refuse_form, run_action
from xuncha.findings.models import Problem
from xuncha.inspections.models import Assignment, Membership, Round
from xuncha.inspections.scoping import group_ids_of
from xuncha.organisations.models import AdminUnit
from xuncha.reporting import actions, document, permissions, queries
from xuncha.reporting.actions import AWAITED_GATE
from xuncha.reporting.forms import (
    CommentForm,
    DraftForm,
    FeedbackRuleForm,
    GateForm,
    MeetingForm,
    SeparateFeedbackForm,
    SpecialReportForm,
    VersionForm,
)
from xuncha.reporting.models import Gate, GroupMeeting, Report, ReportVersion, SeparateFeedback


def _report(request: AuthenticatedHttpRequest, pk: int) -> Report:
    return get_object_or_404(
        Report.objects.visible_to(request.user).select_related("round__term__county", "assignment__group"), pk=pk
    )


def _draft_report(request: AuthenticatedHttpRequest, pk: int) -> Report:
    """A report whose drafts, versions and gates the user reads (the group and the office)."""
    return get_object_or_404(
        Report.objects.drafts_visible_to(request.user).select_related("round__term__county", "assignment__group"),
        pk=pk,
    )


@login_required
def report_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    user = request.user
    drafts = Report.objects.drafts_visible_to(user).filter(pk=pk).exists()
    context: dict[str, object] = {"report": report, "drafts": drafts, "steps": queries.gate_steps(report)}
    if drafts:
        versions = list(report.versions.select_related("author").prefetch_related("comments__author"))
        awaited = AWAITED_GATE.get(report.status)
        context |= {
            "versions": versions,
            "gates": list(report.gates.select_related("recorded_by", "meeting")),
            "version_form": (
                VersionForm(initial={"version": report.version, "text": report.text})
                if report.status == Report.Status.DRAFT and permissions.can_edit_report(user, report)
                else None
            ),
            "comment_form": (
                CommentForm()
                if report.status != Report.Status.APPROVED and permissions.can_comment_report(user, report)
                else None
            ),
            "awaited_label": Gate.Kind(awaited).label if awaited else "",
            "gate_form": (
                GateForm(initial={"kind": awaited, "held_on": timezone.localdate()})
                if awaited and permissions.can_record_gate(user, report, awaited)
                else None
            ),
        }
    return render(request, "reporting/report_detail.html", context)


@login_required
def report_diff(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _draft_report(request, pk)
    try:
        newer = int(request.GET.get("to", report.version))
        older = int(request.GET.get("from", newer - 1))
    except ValueError as exc:
        raise Http404 from exc
    texts = dict(report.versions.filter(number__in=[older, newer]).values_list("number", "text"))
    if older not in texts or newer not in texts:
        raise Http404
    context = {
        "report": report,
        "older": older,
        "newer": newer,
        "lines": queries.diff_versions(texts[older], texts[newer]),
    }
    return render(request, "reporting/report_diff.html", context)


@login_required
def report_docx(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    generated = document.render(report)
    log_access(request.user, AccessLog.Action.DOCUMENT, report, detail=generated.name, ip_address=client_ip(request))
    return generated.response()


@login_required
@require_POST
def report_draft(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Draft the round's report (or, with ``assignment``, an assignment's) and open it."""
    round_ = get_object_or_404(Round.objects.visible_to(request.user).select_related("term__county"), pk=pk)
    assignment = None
    if request.POST.get("assignment"):
        assignment = get_object_or_404(
            Assignment.objects.visible_to(request.user).filter(round=round_), pk=request.POST["assignment"]
        )
    form = DraftForm(request.POST)
    if not form.is_valid():
        refuse_form(request, form)
        return redirect(assignment or round_)
    drafted: list[Report] = []
    ok = run_action(
        request,
        lambda: drafted.append(
            actions.draft_report(round_, assignment=assignment, kind=form.cleaned_data["kind"], actor=request.user)
        ),
        _("The report was drafted from the round's data."),
    )
    return redirect(drafted[0] if ok else (assignment or round_))


def _visible_round(request: AuthenticatedHttpRequest, pk: int) -> Round:
    return get_object_or_404(Round.objects.visible_to(request.user).select_related("term__county"), pk=pk)


@login_required
def report_special(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Draft a special report (专题报告) of the round (the office) or of one of its assignments (the group); a reader
    of the round who drafts neither is refused."""
    round_ = _visible_round(request, pk)
    user = request.user
    assignments = [
        assignment
        for assignment in Assignment.objects.visible_to(user)
        .filter(round=round_, group_id__in=group_ids_of(user))
        .select_related("group", "target")
        .order_by("group__number", "pk")
        if permissions.can_draft_report(user, round_, assignment)
    ]
    round_wide = permissions.can_draft_report(user, round_, None)
    if not assignments and not round_wide:
        raise PermissionDenied
    initial = {"scope": request.GET.get("assignment") or SpecialReportForm.ROUND}
    data = request.POST if request.method == "POST" else None
    form = SpecialReportForm(data, initial=initial, assignments=assignments, round_wide=round_wide)
    if request.method == "POST":
        if form.is_valid():
            cleaned = form.cleaned_data
            drafted: list[Report] = []
            if run_action(
                request,
                lambda: drafted.append(
                    actions.draft_report(
                        round_,
                        assignment=cleaned["scope"],
                        kind=Report.Kind.SPECIAL,
                        title=cleaned["title"],
                        actor=user,
                    )
                ),
                _("The special report was drafted from the round's data."),
            ):
                return redirect(drafted[0])
        else:
            refuse_form(request, form)
    context = {"round": round_, "form": form, "drafting": round_.status in actions.DRAFTING_STATUSES}
    return render(request, "reporting/special_form.html", context)


@login_required
def feedback_rule(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The office director sees and sets whether the county's lists are fed back only after a report's last gate;
    the rule holds for every round of the county."""
    round_ = _visible_round(request, pk)
    if not permissions.can_set_feedback_rule(request.user, round_):
        raise PermissionDenied
    county = round_.term.county
    form = FeedbackRuleForm(
        request.POST if request.method == "POST" else None,
        initial={"needs_approved_report": queries.needs_approved_report(county)},
    )
    if request.method == "POST":
        if form.is_valid():
            needs = form.cleaned_data["needs_approved_report"]
            if run_action(
                request,
                lambda: actions.set_feedback_rule(round_, needs_approved_report=needs, actor=request.user),
                _("The feedback rule of %(county)s was saved.") % {"county": county},
            ):
                return redirect(round_)
        else:
            refuse_form(request, form)
    context = {
        "round": round_,
        "county": county,
        "form": form,
        "own_rule": queries.has_own_feedback_rule(county),
        "default": settings.XUNCHA_FEEDBACK_NEEDS_APPROVED_REPORT,
    }
    return render(request, "reporting/feedback_rule_form.html", context)


@login_required
@require_POST
def report_save(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _draft_report(request, pk)
    form = VersionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        run_action(
            request,
            lambda: actions.save_report_version(
                report, text=data["text"], expected_version=data["version"], note=data["note"], actor=request.user
            ),
            _("A new version of the report was saved."),
        )
    else:
        refuse_form(request, form)
    return redirect(report)


@login_required
@require_POST
def report_comment(request: AuthenticatedHttpRequest, pk: int, number: int) -> HttpResponse:
    report = _draft_report(request, pk)
    version = get_object_or_404(
        ReportVersion.objects.select_related("report__round__term__county"), report=report, number=number
    )
    form = CommentForm(request.POST)
    if form.is_valid():
        run_action(
            request,
            lambda: actions.comment_on_version(version, text=form.cleaned_data["text"], actor=request.user),
            _("The comment was added."),
        )
    else:
        refuse_form(request, form)
    return redirect(report)


@login_required
@require_POST
def report_gate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _draft_report(request, pk)
    form = GateForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        run_action(
            request,
            lambda: actions.record_gate(
                report,
                data["kind"],
                decision=data["decision"],
                held_on=data["held_on"],
                minutes=data["minutes"],
                decisions=data["decisions"],
                actor=request.user,
            ),
            _("The gate was recorded."),
        )
    else:
        refuse_form(request, form)
    return redirect(report)


# Group meetings ---------------------------------------------------------------------------------------------------


def _meeting_form(assignment: Assignment, data: object = None) -> MeetingForm:
    form = MeetingForm(data)  # type: ignore[arg-type]
    members = Membership.objects.filter(group_id=assignment.group_id).select_related("user").order_by("pk")
    form.fields["attendees"].choices = [(m.user_id, str(m.user)) for m in members]  # type: ignore[attr-defined]
    drafts = Problem.objects.filter(assignment=assignment, status=Problem.Status.DRAFT).order_by("serial_no")
    form.fields["problems"].choices = [(p.pk, f"{p.serial} {p.summary}") for p in drafts]  # type: ignore[attr-defined]
    if data is None:
        form.initial = {"held_on": timezone.localdate(), "attendees": [m.user_id for m in members]}
    return form


@login_required
def meeting_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The group leader records a group meeting and the drafts it confirms."""
    assignment = get_object_or_404(Assignment.objects.visible_to(request.user).select_related("round", "group"), pk=pk)
    if not permissions.can_hold_group_meeting(request.user, assignment):
        raise Http404
    if request.method == "POST":
        form = _meeting_form(assignment, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            held: list[GroupMeeting] = []
            if run_action(
                request,
                lambda: held.append(
                    actions.hold_group_meeting(
                        assignment,
                        held_on=data["held_on"],
                        attendees=list(assignment.group.members.filter(pk__in=data["attendees"])),
                        problems=list(Problem.objects.filter(assignment=assignment, pk__in=data["problems"])),
                        minutes=data["minutes"],
                        decisions=data["decisions"],
                        actor=request.user,
                    )
                ),
                _("The group meeting was recorded."),
            ):
                return redirect(held[0])
        else:
            refuse_form(request, form)
    else:
        form = _meeting_form(assignment)
    return render(request, "reporting/meeting_form.html", {"assignment": assignment, "form": form})


@login_required
def meeting_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(
        GroupMeeting.objects.visible_to(request.user).select_related("group", "assignment", "recorded_by"), pk=pk
    )
    context = {
        "meeting": meeting,
        "attendees": list(meeting.attendees.order_by("pk")),
        "problems": list(meeting.problems.order_by("serial_no")),
    }
    return render(request, "reporting/meeting_detail.html", context)


# Separate feedback ------------------------------------------------------------------------------------------------


@login_required
def separate_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(
        Assignment.objects.visible_to(request.user).select_related("round__term__county", "group"), pk=pk
    )
    if not permissions.can_give_separate_feedback(request.user, assignment):
        raise Http404
    villages = AdminUnit.objects.filter(pk__in=assignment.covered.values("village_id")).order_by("code")
    form = SeparateFeedbackForm(request.POST or None, initial={"given_on": timezone.localdate()})
    form.fields["village"].choices = [(village.pk, str(village)) for village in villages]  # type: ignore[attr-defined]
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            given: list[SeparateFeedback] = []
            if run_action(
                request,
                lambda: given.append(
                    actions.give_separate_feedback(
                        assignment,
                        villages.get(pk=data["village"]),
                        given_on=data["given_on"],
                        person=data["person"],
                        points=data["points"],
                        actor=request.user,
                    )
                ),
                _("The separate feedback was recorded."),
            ):
                return redirect(given[0])
        else:
            refuse_form(request, form)
    return render(request, "reporting/separate_form.html", {"assignment": assignment, "form": form})


@login_required
def separate_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    separate = get_object_or_404(
        SeparateFeedback.objects.visible_to(request.user).select_related("assignment", "village", "given_by"), pk=pk
    )
    actions.read_separate_feedback(separate, actor=request.user, ip_address=client_ip(request))
    response = render(request, "reporting/separate_detail.html", {"separate": separate})
    response["Cache-Control"] = "no-store"
    return response
