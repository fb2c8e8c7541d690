"""The outcome panels of the item page and the clue page, and their POSTs: each binds a form, calls one action
and goes back to the page."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xuncha.core.http import AuthenticatedHttpRequest, refuse_form, run_action
from xuncha.evidence.views import evidence_response
from xuncha.findings.models import Clue
from xuncha.outcomes import actions, permissions
from xuncha.outcomes.forms import OutcomeForm, RuleForm, VillageOutcomeForm
from xuncha.outcomes.models import Outcome
from xuncha.rectification.models import LedgerItem

if TYPE_CHECKING:
    from xuncha.accounts.scoping import AnyUser


def item_panel(user: AnyUser, item: LedgerItem) -> dict[str, Any]:
    """The item page's outcome: its own figures for whoever may see them (the village and the township included),
    the outcomes of the clues that came from its problem for the clues' readers only, and the forms the user may
    use now."""
    outcome = Outcome.objects.visible_to(user).filter(item=item).prefetch_related("rules__file").first()
    clue_outcomes: list[Outcome] = []
    if item.problem_id is not None:
        clues = Clue.objects.visible_to(user).filter(problem_id=item.problem_id)
        clue_outcomes = list(Outcome.objects.filter(clue__in=clues).select_related("clue").prefetch_related("rules"))
    records = permissions.can_record_item_outcome(user, item)
    reports = permissions.can_report_item_outcome(user, item) and (
        outcome is None or outcome.status == Outcome.Status.REPORTED
    )
    return {
        "outcome": outcome,
        "clue_outcomes": clue_outcomes,
        "reads_names": outcome is not None and permissions.can_read_people_note(user, outcome),
        "record_form": OutcomeForm.for_outcome(outcome, auto_id="outcome_%s") if records else None,
        "report_form": VillageOutcomeForm(auto_id="outcome_report_%s") if reports else None,
        "can_confirm": records and outcome is not None and outcome.status == Outcome.Status.REPORTED,
        "rule_form": RuleForm(auto_id="rule_%s") if records and outcome is not None else None,
        "record_url": "outcomes:item-record",
        "target": item,
    }


def clue_panel(user: AnyUser, clue: Clue) -> dict[str, Any]:
    """The clue page's outcome (its readers alone reach the page) and the receiving body's form once disposed."""
    outcome = Outcome.objects.filter(clue=clue).prefetch_related("rules__file").first()
    records = permissions.can_record_clue_outcome(user, clue) and clue.status in permissions.CLUE_OUTCOME_STATUSES
    return {
        "outcome": outcome,
        "clue_outcomes": [],
        "reads_names": outcome is not None,
        "record_form": OutcomeForm.for_outcome(outcome, auto_id="outcome_%s", on_clue=True) if records else None,
        "report_form": None,
        "can_confirm": False,
        "rule_form": RuleForm(auto_id="rule_%s") if records and outcome is not None else None,
        "record_url": "outcomes:clue-record",
        "target": clue,
    }


def _visible_item(request: AuthenticatedHttpRequest, pk: int) -> LedgerItem:
    return get_object_or_404(LedgerItem.objects.visible_to(request.user).select_related("round__term__county"), pk=pk)


def _visible_outcome(request: AuthenticatedHttpRequest, pk: int) -> Outcome:
    return get_object_or_404(
        Outcome.objects.visible_to(request.user).select_related("item__round__term__county", "clue__round__term"),
        pk=pk,
    )


def _post(request: AuthenticatedHttpRequest, form: Any, run: Callable[[dict[str, Any]], object]) -> None:
    if not form.is_valid():
        refuse_form(request, form)
    else:
        run_action(request, lambda: run(form.values()), _("The outcome was saved."))


@login_required
@require_POST
def item_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = _visible_item(request, pk)
    _post(
        request, OutcomeForm(request.POST), lambda data: actions.record_item_outcome(item, actor=request.user, **data)
    )
    return redirect(item)


@login_required
@require_POST
def item_report(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = _visible_item(request, pk)
    _post(
        request,
        VillageOutcomeForm(request.POST),
        lambda data: actions.report_item_outcome(item, actor=request.user, **data),
    )
    return redirect(item)


@login_required
@require_POST
def item_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = _visible_item(request, pk)
    outcome = get_object_or_404(Outcome.objects.visible_to(request.user), item=item)
    run_action(request, lambda: actions.confirm_item_outcome(outcome, actor=request.user), _("Outcome confirmed."))
    return redirect(item)


@login_required
@require_POST
def clue_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    clue = get_object_or_404(Clue.objects.visible_to(request.user).select_related("round__term__county"), pk=pk)
    _post(
        request,
        OutcomeForm(request.POST, on_clue=True),
        lambda data: actions.record_clue_outcome(clue, actor=request.user, **data),
    )
    return redirect(clue)


@login_required
@require_POST
def rule_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    outcome = _visible_outcome(request, pk)
    form = RuleForm(request.POST, request.FILES)
    if not form.is_valid():
        refuse_form(request, form)
    else:
        upload = form.cleaned_data["file"]
        run_action(
            request,
            lambda: actions.add_rule(
                outcome,
                title=form.cleaned_data["title"],
                adopted_on=form.cleaned_data["adopted_on"],
                actor=request.user,
                upload=upload,
                file_name=upload.name if upload else "",
            ),
            _("The rule was recorded."),
        )
    return redirect(outcome.item if outcome.item is not None else outcome.clue)  # type: ignore[arg-type]


@login_required
def rule_file(request: AuthenticatedHttpRequest, pk: int, rule_pk: int) -> FileResponse:
    """A rule's file, for whoever sees its outcome."""
    rule = get_object_or_404(_visible_outcome(request, pk).rules.select_related("file"), pk=rule_pk)
    if rule.file is None:
        raise Http404
    return evidence_response(rule.file)
