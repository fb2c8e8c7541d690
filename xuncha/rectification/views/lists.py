"""Pages of the two lists and the feedback (反馈): the office's overview of a round — which village has its list,
its feedback and both receipts —, the page of one list, and the POSTs that build a list, state a common item,
publish the feedback and sign a receipt. Every object is looked up through ``visible_to``; every change is an
action."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xuncha.accounts.models import User
from xuncha.accounts.permissions import has_a_role
from xuncha.audit.models import Event
from xuncha.core.http import AuthenticatedHttpRequest, refuse_form, run_action
from xuncha.findings.models import Problem
from xuncha.findings.queries import problems_with_clues
from xuncha.inspections.models import Assignment, AssignmentVillage, InspectionGroup, Round
from xuncha.organisations.codes import normalise_code
from xuncha.organisations.models import AdminUnit, Level
from xuncha.rectification import actions, permissions, queries, refusals
from xuncha.rectification.forms import CommonItemForm, PublishForm
from xuncha.rectification.ledger_forms import ResponsibilityForm
from xuncha.rectification.models import (
    CommonItem,
    Feedback,
    LedgerItem,
    ListEntry,
    ProblemList,
    Receipt,
    VillageResponsibility,
)
from xuncha.rectification.views import responsibility

# Lists exist once the groups have reported; earlier rounds have nothing to show here.
ROUND_STATUSES = [Round.Status.REPORTING, Round.Status.FEEDBACK, Round.Status.RECTIFYING, Round.Status.CLOSED]
PICKER_ID = "problem-picker"


def _overview_url(round_: Round, anchor: str = "") -> str:
    url = f"{reverse('rectification:list-overview')}?round={round_.pk}"
    return f"{url}#{anchor}" if anchor else url


def _back(request: AuthenticatedHttpRequest, default: str) -> HttpResponse:
    """Back to the page the form was posted from (``next``), when it is one of ours, else to ``default``."""
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(target if target and safe else default)


def _receipts() -> Prefetch[str, QuerySet[Receipt], str]:
    return Prefetch("receipts", queryset=Receipt.objects.select_related("unit", "signed_by"))


def _signable(user: User, feedbacks: list[Feedback]) -> set[int]:
    """The unsigned receipts among ``feedbacks`` that ``user`` may sign."""
    return {
        receipt.pk
        for feedback in feedbacks
        for receipt in feedback.receipts.all()
        if not receipt.is_signed and permissions.can_sign_receipt(user, receipt)
    }


def _timeline(objects: list[Any]) -> QuerySet[Event]:
    """The audit events of several objects of the page, oldest first."""
    query = Q(pk__in=[])
    for obj in objects:
        query |= Q(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    return Event.objects.filter(query).select_related("actor").order_by("seq")


# The overview -----------------------------------------------------------------------------------------------------


@dataclass
class VillageRow:
    """One village covered by the round, as the office's overview shows it."""

    village: AdminUnit
    group: InspectionGroup
    confirmed: int = 0
    unlisted: int = 0
    problem_list: ProblemList | None = None
    common_items: int = 0
    feedback: Feedback | None = None
    receipts: list[Receipt] = field(default_factory=list)

    @property
    def unsigned(self) -> int:
        return sum(1 for receipt in self.receipts if not receipt.is_signed)


def _readable_rounds(user: User) -> list[Round]:
    return list(
        Round.objects.visible_to(user)
        .filter(status__in=ROUND_STATUSES)
        .select_related("term__county")
        .order_by("-start_date", "-number", "-pk")
    )


def _covered(user: User, round_: Round) -> QuerySet[AssignmentVillage]:
    """The villages of the round the user sees through its assignments (the office all; a group its own)."""
    return AssignmentVillage.objects.filter(round=round_, assignment__in=Assignment.objects.visible_to(user))


def _village_rows(user: User, round_: Round, common_items: list[CommonItem]) -> list[VillageRow]:
    covered = _covered(user, round_).select_related("village__parent", "assignment__group").order_by("village__path")
    rows = {av.village_id: VillageRow(av.village, av.assignment.group) for av in covered}
    counts = (
        Problem.objects.visible_to(user)
        .filter(round=round_, village_id__in=rows)
        .order_by()
        .values("village_id")
        .annotate(
            confirmed=Count(
                "pk", filter=Q(status__in=[Problem.Status.CONFIRMED, Problem.Status.FED_BACK]), distinct=True
            ),
            unlisted=Count(
                "pk",
                filter=Q(status=Problem.Status.CONFIRMED, list_entry__isnull=True, common_items__isnull=True),
                distinct=True,
            ),
        )
    )
    for count in counts:
        rows[count["village_id"]].confirmed = count["confirmed"]
        rows[count["village_id"]].unlisted = count["unlisted"]
    individual = (
        ProblemList.objects.visible_to(user)
        .filter(round=round_, kind=ProblemList.Kind.INDIVIDUAL, village_id__in=rows)
        .annotate(entries_count=Count("entries"))
    )
    for problem_list in individual:
        rows[problem_list.village_id].problem_list = problem_list  # type: ignore[index]
    for item in common_items:
        for village in item.villages.all():
            if village.pk in rows:
                rows[village.pk].common_items += 1
    feedbacks = (
        Feedback.objects.visible_to(user)
        .filter(round=round_, village_id__in=rows)
        .select_related("published_by")
        .prefetch_related(_receipts())
    )
    for feedback in feedbacks:
        rows[feedback.village_id].feedback = feedback
        rows[feedback.village_id].receipts = list(feedback.receipts.all())
    return list(rows.values())


def _common_items(user: User, common_list: ProblemList | None) -> list[CommonItem]:
    if common_list is None:
        return []
    return list(
        CommonItem.objects.filter(problem_list=common_list)
        .prefetch_related(
            Prefetch("villages", queryset=AdminUnit.objects.order_by("path")),
            Prefetch("problems", queryset=Problem.objects.visible_to(user).order_by("serial")),
        )
        .order_by("number")
    )


def _pickable(user: User, round_: Round, query: str, checked: list[str]) -> list[tuple[AdminUnit, list[Problem]]]:
    """Confirmed problems of the round not yet on the common list, grouped by village; ``query`` narrows them by
    number or words, keeping those already ticked."""
    problems = (
        Problem.objects.visible_to(user)
        .filter(round=round_, status=Problem.Status.CONFIRMED, common_items__isnull=True)
        .annotate(on_list=Exists(ListEntry.objects.filter(problem=OuterRef("pk"))))
        .select_related("village__parent")
        .order_by("village__path", "serial")
    )
    if query:
        ticked = [pk for pk in checked if pk.isdigit()]
        problems = problems.filter(Q(serial__icontains=query) | Q(phenomenon__icontains=query) | Q(pk__in=ticked))
    return [(village, list(group)) for village, group in groupby(problems, key=lambda problem: problem.village)]


def _round_context(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    """The round selector and, for the chosen round, its villages, its common list and the planner's forms."""
    user = request.user
    rounds = _readable_rounds(user)
    wanted = request.GET.get("round", "")
    round_ = next((r for r in rounds if str(r.pk) == wanted), None) if wanted else (rounds[0] if rounds else None)
    if wanted and round_ is None:
        raise Http404
    context: dict[str, Any] = {
        "rounds": rounds,
        "several_counties": len({r.term.county_id for r in rounds}) > 1,
        "round": round_,
    }
    if round_ is None:
        return context
    common_list = ProblemList.objects.visible_to(user).filter(round=round_, kind=ProblemList.Kind.COMMON).first()
    common_items = _common_items(user, common_list)
    rows = _village_rows(user, round_, common_items)
    open_for_feedback = round_.status in actions.FEEDBACK_STATUSES
    can_build = open_for_feedback and permissions.can_build_lists(user, round_)
    context.update(
        {
            "rows": rows,
            "unsigned": sum(row.unsigned for row in rows),
            "fed_back": sum(1 for row in rows if row.feedback),
            "common_list": common_list,
            "common_items": common_items,
            "can_build": can_build,
            "can_publish": open_for_feedback and permissions.can_publish_feedback(user, round_),
            # The office is told why it cannot feed back yet (the round's stage) instead of missing buttons.
            "publish_refusal": (
                refusals.why_not_publish_feedback(user, round_, built=True)
                if permissions.can_publish_feedback(user, round_)
                else None
            ),
            "signable": _signable(user, [row.feedback for row in rows if row.feedback]),
            "today": timezone.localdate(),
        }
    )
    if can_build:
        query = request.GET.get("q", "").strip()
        context["picker_query"] = query
        context["picked"] = set(request.GET.getlist("problems"))
        context["pickable"] = _pickable(user, round_, query, request.GET.getlist("problems"))
        context["open_villages"] = [row.village for row in rows if row.feedback is None]
        context["common_form"] = CommonItemForm()
    return context


def _received(user: User) -> tuple[list[Feedback], set[int]]:
    """The feedbacks addressed to the user's township or village, newest first, and the receipts it may sign."""
    feedbacks = list(
        Feedback.objects.visible_to(user)
        .received_by(user)
        .select_related("round__term", "village__parent", "individual_list", "common_list")
        .prefetch_related(_receipts())
        .order_by("-fed_back_on", "village__path")
    )
    return feedbacks, _signable(user, feedbacks)


@login_required
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """For the office, leaders and groups: a round's villages with their lists, feedback and receipts (and, for
    the office, the buttons to build and publish). For a township or village: the lists fed back to it."""
    user = request.user
    reads = permissions.reads_round_lists(user)
    local = permissions.receives_lists(user)
    if not has_a_role(user):
        return render(request, "core/no_role.html")
    context: dict[str, Any] = {"reads": reads, "local": local}
    if reads:
        context.update(_round_context(request))
        if request.htmx and request.htmx.target == PICKER_ID and "pickable" in context:
            return render(request, "rectification/lists/_picker.html", context)
    if local:
        context["received"], context["received_signable"] = _received(user)
    return render(request, "rectification/lists/overview.html", context)


# A list's page ----------------------------------------------------------------------------------------------------


@dataclass
class CommonRow:
    """A common item with the problems it was built from and its fanned-out ledger items, rolled up."""

    item: CommonItem
    villages: list[AdminUnit]
    problems: list[Problem]
    ledger_items: list[LedgerItem]

    @property
    def closed(self) -> int:
        return sum(1 for item in self.ledger_items if item.status == LedgerItem.Status.CLOSED)

    @property
    def waiting(self) -> list[AdminUnit]:
        """Villages it names whose feedback has not yet made them an item (as far as the reader sees)."""
        fed = {item.village_id for item in self.ledger_items}
        return [village for village in self.villages if village.pk not in fed]


def _individual_context(user: User, problem_list: ProblemList) -> dict[str, Any]:
    entries = list(
        problem_list.entries.filter(problem__in=Problem.objects.visible_to(user))
        .select_related("problem__village")
        .order_by("problem__serial")
    )
    items = {
        item.problem_id: item
        for item in LedgerItem.objects.visible_to(user).filter(problem__list_entry__problem_list=problem_list)
    }
    feedbacks = list(
        Feedback.objects.visible_to(user)
        .filter(individual_list=problem_list)
        .select_related("published_by", "common_list")
        .prefetch_related(_receipts())
    )
    feedback = feedbacks[0] if feedbacks else None
    common = (
        CommonItem.objects.filter(
            problem_list__in=ProblemList.objects.visible_to(user),
            problem_list__round=problem_list.round,
            villages=problem_list.village,
        )
        .select_related("problem_list")
        .order_by("number")
    )
    round_ = problem_list.round
    open_for_feedback = feedback is None and round_.status in actions.FEEDBACK_STATUSES
    can_publish = open_for_feedback and permissions.can_publish_feedback(user, round_)
    receipts = list(feedback.receipts.all()) if feedback else []
    village = problem_list.village
    assert village is not None  # noqa: S101 - an individual list names its village
    people = VillageResponsibility.objects.visible_to(user).filter(village=village).first()
    sets_people = feedback is None and permissions.can_set_village_responsibility(user, village)
    return {
        "people": people,
        "people_form": (
            ResponsibilityForm(initial=responsibility.initial_people(village, people), auto_id="people_%s")
            if sets_people
            else None
        ),
        "entries": [(entry, items.get(entry.problem_id)) for entry in entries],
        "feedback": feedback,
        "receipts": receipts,
        "signable": _signable(user, feedbacks),
        "common": common,
        "can_build": open_for_feedback and permissions.can_build_lists(user, round_),
        "can_publish": can_publish,
        "sealed_repeats": queries.sealed_repeats(round_.pk, village) if can_publish else [],
        "with_clues": problems_with_clues(user, [entry.problem for entry in entries]),
        "today": timezone.localdate(),
        "timeline": _timeline([problem_list, *feedbacks, *receipts]),
    }


def _common_context(user: User, problem_list: ProblemList) -> dict[str, Any]:
    items = problem_list.common_items.prefetch_related(
        Prefetch("villages", queryset=AdminUnit.objects.order_by("path")),
        Prefetch("problems", queryset=Problem.objects.visible_to(user).select_related("village").order_by("serial")),
        Prefetch(
            "ledger_items",
            queryset=LedgerItem.objects.visible_to(user).select_related("village").order_by("village__path"),
        ),
    ).order_by("number")
    rows = [
        CommonRow(item, list(item.villages.all()), list(item.problems.all()), list(item.ledger_items.all()))
        for item in items
    ]
    feedbacks = list(
        Feedback.objects.visible_to(user)
        .filter(common_list=problem_list)
        .select_related("village__parent", "individual_list")
        .prefetch_related(_receipts())
        .order_by("village__path")
    )
    return {
        "rows": rows,
        "feedbacks": feedbacks,
        "signable": _signable(user, feedbacks),
        "timeline": _timeline([problem_list, *(row.item for row in rows)]),
    }


@login_required
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An individual list with its problems and their ledger items, or the common list with each item's villages
    and the roll-up of its fanned-out items; the feedback facts and receipts, with the sign button."""
    problem_list = get_object_or_404(
        ProblemList.objects.visible_to(request.user).select_related(
            "round__term__county", "village__parent", "created_by"
        ),
        pk=pk,
    )
    if problem_list.kind == ProblemList.Kind.INDIVIDUAL:
        context = _individual_context(request.user, problem_list)
    else:
        context = _common_context(request.user, problem_list)
    context["problem_list"] = problem_list
    context["reads"] = permissions.reads_round_lists(request.user)
    return render(request, "rectification/lists/detail.html", context)


# Changes ----------------------------------------------------------------------------------------------------------


def _visible_round(request: AuthenticatedHttpRequest, pk: int) -> Round:
    return get_object_or_404(Round.objects.visible_to(request.user).select_related("term__county"), pk=pk)


def _visible_village(request: AuthenticatedHttpRequest, code: str) -> AdminUnit:
    return get_object_or_404(
        AdminUnit.objects.visible_to(request.user).select_related("parent"),
        code=normalise_code(code) or "",
        level=Level.VILLAGE,
    )


@login_required
@require_POST
def build(request: AuthenticatedHttpRequest, round_pk: int, code: str) -> HttpResponse:
    """Build or bring up to date a village's individual list from its confirmed problems."""
    round_ = _visible_round(request, round_pk)
    village = _visible_village(request, code)
    run_action(
        request,
        lambda: actions.build_individual_list(round_, village, actor=request.user),
        _("The individual list of %(village)s is up to date.") % {"village": village},
    )
    return _back(request, _overview_url(round_, f"village-{village.code}"))


@login_required
@require_POST
def add_common_item(request: AuthenticatedHttpRequest, round_pk: int) -> HttpResponse:
    """State one problem shared by several villages on the round's common list."""
    round_ = _visible_round(request, round_pk)
    form = CommonItemForm(request.POST)
    form.limit(
        AdminUnit.objects.filter(pk__in=_covered(request.user, round_).values("village_id")),
        Problem.objects.visible_to(request.user).filter(round=round_),
    )
    if form.is_valid():
        data = form.cleaned_data
        run_action(
            request,
            lambda: actions.add_common_item(
                round_,
                text=data["text"],
                category=data["category"],
                fix_type=data["fix_type"],
                problems=list(data["problems"]),
                villages=list(data["villages"]),
                actor=request.user,
            ),
            _("The item was added to the common list."),
        )
    else:
        refuse_form(request, form)
    return redirect(_overview_url(round_, "common-list"))


@login_required
@require_POST
def publish(request: AuthenticatedHttpRequest, round_pk: int, code: str) -> HttpResponse:
    """Feed back a village's individual list and the common list to its township and itself at once."""
    round_ = _visible_round(request, round_pk)
    village = _visible_village(request, code)
    form = PublishForm(request.POST)
    if form.is_valid():
        run_action(
            request,
            lambda: actions.publish_feedback(
                round_, village, actor=request.user, fed_back_on=form.cleaned_data["fed_back_on"]
            ),
            _("The lists were fed back to %(township)s and %(village)s at the same time.")
            % {"township": village.parent, "village": village},
        )
    else:
        refuse_form(request, form)
    return _back(request, _overview_url(round_, f"village-{village.code}"))


@login_required
@require_POST
def sign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The township or the village signs for the lists it received (签收)."""
    receipt = get_object_or_404(
        Receipt.objects.filter(feedback__in=Feedback.objects.visible_to(request.user)).select_related(
            "unit", "feedback__village", "feedback__individual_list"
        ),
        pk=pk,
    )
    run_action(
        request,
        lambda: actions.sign_receipt(receipt, actor=request.user),
        _("Signed for the lists of %(village)s.") % {"village": receipt.feedback.village},
    )
    return _back(request, receipt.feedback.individual_list.get_absolute_url())
