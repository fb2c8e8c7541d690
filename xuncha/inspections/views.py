"""Planning pages: terms and rounds, a round's groups and assignments, an assignment, recusals."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xuncha.accounts.models import User
from xuncha.accounts.permissions import can_plan_in
from xuncha.core.exceptions import ActionRefused
from xuncha.core.http import AuthenticatedHttpRequest, form_errors, htmx_redirect, refusal
from xuncha.documents.list_exports import ExportColumn, export_list, label_of, text_of, wants_export
from xuncha.inspections import actions, permissions
from xuncha.inspections.forms import (
    AssignmentForm,
    ChannelForm,
    GroupForm,
    MemberForm,
    RecusalForm,
    RoundForm,
    TermForm,
    eligible_people,
)
from xuncha.inspections.models import Assignment, ContactChannel, InspectionGroup, Membership, Recusal, Round, Term
from xuncha.inspections.pages import assignment_page
from xuncha.inspections.queries import declaration_counties, round_counties, round_figures
from xuncha.inspections.scoping import group_ids_of
from xuncha.organisations.codes import normalise_code
from xuncha.organisations.models import AdminUnit, Level


def _counties_for(user: User) -> list[AdminUnit]:
    """Counties whose rounds the user can see or plan."""
    return list(round_counties(user).order_by("code"))


ROUND_COLUMNS = (
    ExportColumn(gettext_lazy("Term"), text_of("term.name")),
    ExportColumn(gettext_lazy("Round"), text_of("__str__")),
    ExportColumn(gettext_lazy("Kind"), label_of("kind")),
    ExportColumn(gettext_lazy("Start"), lambda round_: round_.start_date),
    ExportColumn(gettext_lazy("End"), lambda round_: round_.end_date),
    ExportColumn(gettext_lazy("Groups"), lambda round_: "、".join(group.name for group in round_.groups.all())),
    ExportColumn(gettext_lazy("Status"), label_of("status")),
)


@login_required
def round_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Terms and rounds of a county; planners open terms and plan rounds here."""
    counties = _counties_for(request.user)
    county = next((c for c in counties if c.code == normalise_code(request.GET.get("county", ""))), None)
    county = county or (counties[0] if counties else None)
    if county is None:
        return render(request, "core/no_role.html")
    terms = Term.objects.visible_to(request.user).filter(county=county)
    rounds = (
        Round.objects.visible_to(request.user)
        .filter(term__county=county)
        .select_related("term")
        .prefetch_related(
            Prefetch("groups", queryset=InspectionGroup.objects.visible_to(request.user).order_by("number"))
        )
        .order_by("-term__number", "-number")
    )
    if wants_export(request):
        return export_list(
            request, rounds, ROUND_COLUMNS, title=gettext_lazy("Inspection rounds"), extra_filters=[], obj=county
        )
    can_plan = can_plan_in(request.user, county)
    context = {
        "county": county,
        # A township, a group or a village sees the county's rounds, not the county's page.
        "county_visible": AdminUnit.objects.visible_to(request.user).filter(pk=county.pk).exists(),
        "counties": counties,
        "terms": terms,
        "rounds": rounds,
        "can_plan": can_plan,
        # Two forms on one page: each names its fields' ids apart (both have a number, a name, dates).
        "term_form": TermForm(auto_id="term-%s") if can_plan else None,
        "round_form": RoundForm(terms=terms, auto_id="round-%s") if can_plan else None,
        "my_groups": set(group_ids_of(request.user)),
    }
    return render(request, "inspections/round_list.html", context)


@login_required
@require_POST
def term_create(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    county = get_object_or_404(
        AdminUnit.objects.visible_to(request.user), code=normalise_code(code) or "", level=Level.COUNTY
    )
    form = TermForm(request.POST)
    if form.is_valid():
        try:
            term = actions.open_term(county, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Term %(term)s opened.") % {"term": term})
        except ActionRefused as exc:
            refusal(request, exc)
    else:
        refusal(request, ActionRefused(form_errors(form)))
    return redirect(f"{_round_list_url()}?county={county.code}")


def _round_list_url() -> str:
    return reverse("inspections:round-list")


@login_required
@require_POST
def round_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    terms = Term.objects.visible_to(request.user)
    form = RoundForm(request.POST, terms=terms)
    if not form.is_valid():
        refusal(request, ActionRefused(form_errors(form)))
        return redirect("inspections:round-list")
    data = form.cleaned_data
    try:
        round_ = actions.create_round(
            data["term"],
            data["number"],
            kind=data["kind"],
            title=data["title"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            actor=request.user,
        )
    except ActionRefused as exc:
        refusal(request, exc)
        return redirect(f"{_round_list_url()}?county={data['term'].county.code}")
    messages.success(request, _("Round %(round)s planned.") % {"round": round_})
    return redirect(round_)


def _round_context(request: AuthenticatedHttpRequest, round_: Round, **extra: Any) -> dict[str, Any]:
    can_plan = permissions.can_assign(request.user, round_)
    assignments = (
        Assignment.objects.visible_to(request.user)
        .filter(round=round_)
        .select_related("group", "target")
        .prefetch_related("villages")
        .order_by("group__number", "pk")
    )
    groups = list(
        InspectionGroup.objects.visible_to(request.user)
        .filter(round=round_)
        .prefetch_related(Prefetch("memberships", queryset=Membership.objects.select_related("user")))
        .order_by("number")
    )
    context: dict[str, Any] = {
        "round": round_,
        "groups": groups,
        "assignments": assignments,
        "figures": round_figures(round_) if permissions.can_read_round_figures(request.user, round_) else None,
        "can_plan": can_plan,
        "next_statuses": [Round.Status(s) for s in sorted(actions.ROUND_TRANSITIONS[round_.status])],
        "can_move": permissions.can_move_round(request.user, round_),
        "group_form": GroupForm(county=round_.term.county, initial={"number": len(groups) + 1}) if can_plan else None,
        "member_form": MemberForm(county=round_.term.county) if can_plan else None,
        "people": list(eligible_people(round_.term.county)) if can_plan else [],
        "assignment_form": AssignmentForm(round_=round_) if can_plan else None,
        "assignable": round_.status in actions.ASSIGNABLE_STATUSES,
    }
    context.update(extra)
    return context


def _visible_round(request: AuthenticatedHttpRequest, pk: int) -> Round:
    return get_object_or_404(Round.objects.visible_to(request.user).select_related("term__county"), pk=pk)


@login_required
def round_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = _visible_round(request, pk)
    return render(request, "inspections/round_detail.html", _round_context(request, round_))


@login_required
@require_POST
def round_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = _visible_round(request, pk)
    try:
        actions.move_round(
            round_, request.POST.get("status", ""), actor=request.user, note=request.POST.get("note", "")
        )
        messages.success(request, _("The round is now %(status)s.") % {"status": round_.get_status_display()})
    except (ActionRefused, KeyError, ValueError) as exc:
        refusal(request, exc if isinstance(exc, ActionRefused) else ActionRefused(_("Unknown status.")))
    return redirect(round_)


@login_required
@require_POST
def group_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = _visible_round(request, pk)
    form = GroupForm(request.POST, county=round_.term.county)
    if form.is_valid():
        try:
            group = actions.form_group(
                round_,
                form.cleaned_data["number"],
                name=form.cleaned_data["name"],
                leader=form.cleaned_data["leader"],
                actor=request.user,
            )
            messages.success(request, _("%(group)s formed.") % {"group": group})
        except ActionRefused as exc:
            refusal(request, exc)
    else:
        refusal(request, ActionRefused(form_errors(form)))
    return redirect(round_)


@login_required
@require_POST
def member_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    group = get_object_or_404(
        InspectionGroup.objects.visible_to(request.user).select_related("round__term__county"), pk=pk
    )
    form = MemberForm(request.POST, county=group.round.term.county)
    if form.is_valid():
        try:
            actions.add_member(group, form.cleaned_data["user"], form.cleaned_data["role"], actor=request.user)
            messages.success(
                request, _("%(user)s joined %(group)s.") % {"user": form.cleaned_data["user"], "group": group}
            )
        except ActionRefused as exc:
            refusal(request, exc)
    else:
        refusal(request, ActionRefused(form_errors(form)))
    return redirect(group.round)


@login_required
@require_POST
def member_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(
        Membership.objects.filter(group__in=InspectionGroup.objects.visible_to(request.user)).select_related(
            "group__round__term__county", "user"
        ),
        pk=pk,
    )
    round_ = membership.group.round
    try:
        actions.remove_member(membership, actor=request.user)
        messages.success(request, _("%(user)s left %(group)s.") % {"user": membership.user, "group": membership.group})
    except ActionRefused as exc:
        refusal(request, exc)
    return redirect(round_)


@login_required
def assignment_form(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET: the assignment form re-rendered for the chosen mode and township (htmx). POST: assign targets."""
    round_ = _visible_round(request, pk)
    if not permissions.can_assign(request.user, round_):
        raise PermissionDenied
    if request.method != "POST":
        initial: dict[str, Any] = request.GET.dict()
        initial["villages"] = request.GET.getlist("villages")
        form = AssignmentForm(initial=initial, round_=round_)
        return render(request, "inspections/partials/_assignment_form.html", {"round": round_, "assignment_form": form})
    form = AssignmentForm(request.POST, round_=round_)
    error = None
    status = 400
    if form.is_valid():
        target, villages = form.target_and_villages()
        try:
            assert target is not None  # noqa: S101 - the form requires a target for each mode
            assignment = actions.assign_targets(
                round_,
                form.cleaned_data["group"],
                form.cleaned_data["mode"],
                target,
                villages,
                topic=form.cleaned_data["topic"],
                stationed_from=form.cleaned_data["stationed_from"],
                stationed_until=form.cleaned_data["stationed_until"],
                actor=request.user,
            )
        except ActionRefused as exc:
            error, status = exc.message, exc.status_code
        else:
            messages.success(request, _("%(assignment)s assigned.") % {"assignment": assignment})
            return htmx_redirect(round_.get_absolute_url()) if request.htmx else redirect(round_)
    else:
        error = form_errors(form)
    if request.htmx:
        # htmx swaps only successful answers by default; the refusal is drawn into the form all the same.
        context = {"round": round_, "assignment_form": form, "assignment_error": error}
        return render(request, "inspections/partials/_assignment_form.html", context)
    context = _round_context(request, round_, assignment_form=form, assignment_error=error)
    return render(request, "inspections/round_detail.html", context, status=status)


@login_required
def assignment_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(
        Assignment.objects.visible_to(request.user).select_related("round__term__county", "group", "target"), pk=pk
    )
    return assignment_page(request, assignment)


@login_required
@require_POST
def channel_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(Assignment.objects.visible_to(request.user).select_related("round__term"), pk=pk)
    form = ChannelForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.publish_channel(assignment, data["kind"], data["value"], note=data["note"], actor=request.user)
            messages.success(request, _("The channel was published on the notice."))
        except ActionRefused as exc:
            refusal(request, exc)
    else:
        refusal(request, ActionRefused(form_errors(form)))
    return redirect(assignment)


@login_required
@require_POST
def channel_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    channel = get_object_or_404(
        ContactChannel.objects.visible_to(request.user).select_related("assignment__round__term"), pk=pk
    )
    try:
        actions.withdraw_channel(channel, actor=request.user)
        messages.success(request, _("The channel was withdrawn."))
    except ActionRefused as exc:
        refusal(request, exc)
    return redirect(channel.assignment)


@login_required
@require_POST
def assignment_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(
        Assignment.objects.visible_to(request.user).select_related("round__term__county", "group", "target"), pk=pk
    )
    round_ = assignment.round
    try:
        actions.cancel_assignment(assignment, actor=request.user, note=request.POST.get("note", ""))
        messages.success(request, _("The assignment was cancelled."))
    except ActionRefused as exc:
        refusal(request, exc)
        return redirect(assignment)
    return redirect(round_)


def _declaration_choices(user: User) -> tuple[QuerySet[User], QuerySet[AdminUnit]]:
    """Who the user may declare ties for (planners: anyone; others: themselves) and to which units: the
    townships and villages of the counties they plan in or inspect in."""
    counties = list(declaration_counties(user))
    query = Q(pk__in=[])
    for county in counties:
        query |= Q(path__under=county.path)
    units = (
        AdminUnit.objects.filter(query, level__in=[Level.TOWNSHIP, Level.VILLAGE])
        .select_related("parent")
        .order_by("path")
    )
    planned = [county for county in counties if can_plan_in(user, county)]
    people = eligible_people(*planned) if planned else User.objects.filter(pk=user.pk)
    return people, units


@login_required
def recusal_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Declared ties: one's own, and for the office every tie in its counties; a form to declare one."""
    people, units = _declaration_choices(request.user)
    recusals = Recusal.objects.visible_to(request.user).select_related("user", "unit__parent").order_by("user", "unit")
    form = RecusalForm(request.POST or None, people=people, units=units, initial={"person": request.user.pk})
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.declare_recusal(
                    data["person"], data["unit"], data["tie"], detail=data["detail"], actor=request.user
                )
                messages.success(request, _("The tie was declared."))
                return redirect("inspections:recusal-list")
            except ActionRefused as exc:
                refusal(request, exc)
        else:
            refusal(request, ActionRefused(form_errors(form)))
    withdrawable = {r.pk for r in recusals if permissions.can_withdraw_recusal(request.user, r)}
    context = {"recusals": recusals, "form": form, "withdrawable": withdrawable}
    return render(request, "inspections/recusal_list.html", context)


@login_required
@require_POST
def recusal_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    recusal = get_object_or_404(Recusal.objects.visible_to(request.user).select_related("unit", "user"), pk=pk)
    try:
        actions.withdraw_recusal(recusal, actor=request.user, note=request.POST.get("note", ""))
        messages.success(request, _("The tie was withdrawn."))
    except ActionRefused as exc:
        refusal(request, exc)
    return redirect("inspections:recusal-list")
