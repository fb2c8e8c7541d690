"""Spreadsheet downloads: the ledger and the statistics of a unit, the problem list of a round. Each is built from
the reader's scope on request, answers 404 for a unit or round outside it, and is recorded in the access log."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from xuncha.core.http import AuthenticatedHttpRequest, client_ip
from xuncha.documents import exports
from xuncha.documents.queries import chosen_round, chosen_village, visible_round, visible_unit

if TYPE_CHECKING:
    from django.db.models import Model

    from xuncha.documents.files import GeneratedFile


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
