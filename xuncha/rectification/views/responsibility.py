"""Pages of the villages' responsible people (整改责任): the 第一责任人 and the 督促责任人 (包村领导) of each village
the user sees, which of them are missing, and the form the office or the township fills them in with. Items fed back
copy them; a village's lists are not fed back while either is missing."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from xuncha.accounts.models import Role, User
from xuncha.core.http import AuthenticatedHttpRequest, refuse_form, run_action
from xuncha.organisations.codes import normalise_code
from xuncha.organisations.models import AdminUnit, Level
from xuncha.rectification import actions, permissions
from xuncha.rectification.ledger_forms import ResponsibilityForm
from xuncha.rectification.models import VillageResponsibility


@login_required
def village_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Each village the user sees with its responsible people; ``?missing=1`` keeps those lacking either."""
    user = request.user
    if not permissions.works_on_lists(user):
        raise PermissionDenied
    villages = list(
        AdminUnit.objects.visible_to(user).filter(level=Level.VILLAGE).select_related("parent").order_by("path")
    )
    people = {
        row.village_id: row
        for row in VillageResponsibility.objects.visible_to(user).filter(village__in=[v.pk for v in villages])
    }
    rows = [(village, people.get(village.pk)) for village in villages]
    missing = [row for row in rows if row[1] is None or not row[1].complete]
    only_missing = request.GET.get("missing") == "1"
    context = {
        "rows": missing if only_missing else rows,
        "missing_count": len(missing),
        "only_missing": only_missing,
        "editable": {village.pk for village, _row in rows if permissions.can_set_village_responsibility(user, village)},
    }
    return render(request, "rectification/responsibility/list.html", context)


def suggested_people(village: AdminUnit) -> dict[str, str]:
    """What the form starts from when the village has no responsible people yet: the village organisation's
    account (its secretary) and the township's account."""
    secretary = User.objects.filter(grants__role=Role.VILLAGE, grants__unit=village).order_by("pk").first()
    township = (
        User.objects.filter(grants__role=Role.TOWNSHIP, grants__unit=village.parent_id).order_by("pk").first()
        if village.parent_id
        else None
    )
    return {
        "first_name": secretary.display_name if secretary else "",
        "first_post": secretary.title if secretary else "",
        "overseer_name": township.display_name if township else "",
        "overseer_post": township.title if township else "",
    }


def initial_people(village: AdminUnit, current: VillageResponsibility | None) -> dict[str, str]:
    if current is None:
        return suggested_people(village)
    return {
        "first_name": current.first_name,
        "first_post": current.first_post,
        "overseer_name": current.overseer_name,
        "overseer_post": current.overseer_post,
    }


@login_required
def village_edit(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """The office or the township names a village's 第一责任人 and 督促责任人 (GET shows the form, POST saves it and
    goes back to ``next``, a page of ours, or to the list of villages)."""
    village = get_object_or_404(
        AdminUnit.objects.visible_to(request.user).select_related("parent"),
        code=normalise_code(code) or "",
        level=Level.VILLAGE,
    )
    if not permissions.can_set_village_responsibility(request.user, village):
        raise PermissionDenied
    current = VillageResponsibility.objects.visible_to(request.user).filter(village=village).first()
    if request.method == "POST":
        form = ResponsibilityForm(request.POST)
        if not form.is_valid():
            refuse_form(request, form)
        elif run_action(
            request,
            lambda: actions.set_village_responsibility(village, actor=request.user, **form.cleaned_data),
            _("The responsible people of %(village)s were saved.") % {"village": village},
        ):
            return _back(request, reverse("rectification:responsibility-list"))
    else:
        form = ResponsibilityForm(initial=initial_people(village, current))
    context: dict[str, Any] = {
        "village": village,
        "current": current,
        "form": form,
        "next": request.GET.get("next", ""),
    }
    return render(request, "rectification/responsibility/edit.html", context)


def _back(request: AuthenticatedHttpRequest, default: str) -> HttpResponse:
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(target if target and safe else default)
