"""Spreadsheet downloads: the ledger and the statistics of a unit, the problem list of a round. Each is built from
the reader's scope on request, answers 404 for a unit or round outside it, and is recorded in the access log."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404

from xuncha.core.http import AuthenticatedHttpRequest, client_ip
from xuncha.documents import exports
from xuncha.inspections.models import Round
from xuncha.organisations.codes import normalise_code
from xuncha.organisations.models import AdminUnit

if TYPE_CHECKING:
    from django.db.models import Model

    from xuncha.accounts.models import User
    from xuncha.documents.files import GeneratedFile


def visible_unit(user: User, code: str) -> AdminUnit:
    """The unit of ``code`` if the user may see it; 404 otherwise, as if it did not exist."""
    normalised = normalise_code(code)
    if normalised is None:
        raise Http404
    return get_object_or_404(AdminUnit.objects.visible_to(user), code=normalised)


def visible_round(user: User, pk: int) -> Round:
    return get_object_or_404(Round.objects.visible_to(user).select_related("term"), pk=pk)


def chosen_round(user: User, raw: str | None) -> Round | None:
    """The round of ``?round=<id>``, ``None`` when not asked for; 404 for one the user may not see."""
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    return visible_round(user, int(raw))


def chosen_village(user: User, raw: str | None) -> AdminUnit | None:
    """The village of ``?village=<code>``, ``None`` when not asked for; 404 for one the user may not see."""
    if not raw:
        return None
    village = visible_unit(user, raw)
    if not village.is_village:
        raise Http404
    return village


def _sent(request: AuthenticatedHttpRequest, obj: Model, exported: GeneratedFile) -> HttpResponse:
    exports.log_export(request.user, obj, exported, ip_address=client_ip(request))
    return exported.response()


@login_required
def ledger_xlsx(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """The rectification ledger of a county, township or village, of one round with ``?round=<id>``."""
    unit = visible_unit(request.user, code)
    round_ = chosen_round(request.user, request.GET.get("round"))
    return _sent(request, unit, exports.ledger(request.user, unit, round_))


@login_required
def problems_xlsx(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A round's list of confirmed problems, of one village with ``?village=<code>``."""
    round_ = visible_round(request.user, pk)
    village = chosen_village(request.user, request.GET.get("village"))
    return _sent(request, round_, exports.problems(request.user, round_, village))


@login_required
def statistics_xlsx(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """The statistics workbook of a unit's subtree."""
    unit = visible_unit(request.user, code)
    return _sent(request, unit, exports.statistics(request.user, unit))
