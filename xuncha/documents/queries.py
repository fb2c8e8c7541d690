"""The official documents as the pages and the API hand them out: the object looked up through ``visible_to``
(404 for what the reader may not see, as if it did not exist), the document built, the reading logged.

Each ``*_document`` function is the whole of a download, shared by ``views.docs`` and ``api.docs``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Model
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from xuncha.accounts.scoping import grants_for
from xuncha.audit.actions import log_access
from xuncha.audit.models import AccessLog
from xuncha.documents.builders import clue as clue_builder
from xuncha.documents.builders import feedback as feedback_builder
from xuncha.documents.builders import notice as notice_builder
from xuncha.documents.builders import rectification_report, round_report
from xuncha.documents.builders import visit as visit_builder
from xuncha.documents.permissions import UNIT_DOCUMENT_ROLES
from xuncha.findings import actions as findings_actions
from xuncha.findings.models import Clue, ImmediateFixNotice
from xuncha.inspections.models import Round
from xuncha.organisations.codes import normalise_code
from xuncha.organisations.models import AdminUnit, AdminUnitQuerySet
from xuncha.rectification.models import Feedback, ReturnVisit

if TYPE_CHECKING:
    from xuncha.accounts.models import User
    from xuncha.documents.files import GeneratedFile


def _logged(user: User, obj: Model, document: GeneratedFile, ip_address: str | None) -> GeneratedFile:
    log_access(user, AccessLog.Action.DOCUMENT, obj, detail=document.name, ip_address=ip_address)
    return document


def feedback_document(user: User, pk: int, *, ip_address: str | None = None) -> GeneratedFile:
    """A village's feedback: the office, leaders and the group that inspected it; the township and the village it
    was fed back to (a feedback exists only once published)."""
    feedback = get_object_or_404(feedback_builder.for_documents(Feedback.objects.visible_to(user)), pk=pk)
    return _logged(user, feedback, feedback_builder.render(feedback), ip_address)


def notice_document(user: User, pk: int, *, ip_address: str | None = None) -> GeneratedFile:
    """An immediate-fix notice, to whoever may see its problem (a township or village once it is fed back)."""
    notice = get_object_or_404(
        ImmediateFixNotice.objects.visible_to(user).select_related(*notice_builder.RELATED), pk=pk
    )
    return _logged(user, notice, notice_builder.render(notice), ip_address)


def round_report_document(user: User, pk: int, *, ip_address: str | None = None) -> GeneratedFile:
    """A round's comprehensive report, its figures counted over what the reader may see."""
    round_ = visible_round(user, pk)
    return _logged(user, round_, round_report.render(round_, user), ip_address)


def visible_unit(user: User, code: str) -> AdminUnit:
    """The unit of ``code`` if the user may see it; 404 otherwise, as if it did not exist."""
    normalised = normalise_code(code)
    if normalised is None:
        raise Http404
    return get_object_or_404(AdminUnit.objects.visible_to(user).select_related("parent"), code=normalised)


def visible_round(user: User, pk: int) -> Round:
    return get_object_or_404(Round.objects.visible_to(user).select_related("term__county"), pk=pk)


def chosen_round(user: User, raw: str | None) -> Round | None:
    """The round of ``?round=<id>``, ``None`` when not asked for; 404 for one the user may not see."""
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit():
        raise Http404(_("No such round."))
    return visible_round(user, int(raw))


def chosen_village(user: User, raw: str | None) -> AdminUnit | None:
    """The village of ``?village=<code>``, ``None`` when not asked for; 404 for one the user may not see."""
    if not raw:
        return None
    village = visible_unit(user, raw)
    if not village.is_village:
        raise Http404
    return village


def rectification_document(
    user: User, code: str, round_id: str | None = None, *, ip_address: str | None = None
) -> GeneratedFile:
    """The rectification report of a village or a township the user sees, for all rounds or ``round_id``."""
    unit = visible_unit(user, code)
    if not rectification_report.reports_on(unit):
        raise Http404
    round_ = chosen_round(user, round_id)
    document = rectification_report.render(unit, user, round_)
    return _logged(user, unit, document, ip_address)


def visit_document(user: User, pk: int, *, ip_address: str | None = None) -> GeneratedFile:
    visit = get_object_or_404(ReturnVisit.objects.visible_to(user).select_related("village__parent"), pk=pk)
    return _logged(user, visit, visit_builder.render(visit), ip_address)


def clue_document(user: User, pk: int, *, ip_address: str | None = None) -> GeneratedFile:
    """A sealed clue's transfer form, only for those who may read the clue (404 for anyone else, who may not
    learn that it exists). Each copy is logged as a clue read and as a document."""
    clue = get_object_or_404(Clue.objects.visible_to(user).select_related(*clue_builder.RELATED), pk=pk)
    findings_actions.read_clue(clue, actor=user, ip_address=ip_address)
    return _logged(user, clue, clue_builder.render(clue), ip_address)


def own_units(user: User) -> AdminUnitQuerySet:
    """The units whose ledger, statistics and rectification report the user takes away from the documents page:
    the units of their own grants."""
    return AdminUnit.objects.filter(pk__in=sorted({grant.unit_id for grant in grants_for(user, UNIT_DOCUMENT_ROLES)}))
