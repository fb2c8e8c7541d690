"""The tallies of an appraisal as an .xlsx (测评结果统计表), in Chinese whatever the reader's language: a sheet of
forms by respondent and channel, and a sheet of each item's grades with counts, shares and the satisfaction rate.
Every export is recorded in the access log."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from xuncha.accounts.models import User
from xuncha.appraisal.models import Appraisal, AppraisalForm, Rating
from xuncha.appraisal.queries import Tallies
from xuncha.audit.actions import log_access
from xuncha.audit.models import AccessLog
from xuncha.core.http import client_ip
from xuncha.core.xlsx import Sheet, Value, write_workbook
from xuncha.documents.files import XLSX, attachment

CHINESE = "zh-hans"


def _share(value: Decimal) -> str:
    return f"{value}%"


def _form_rows(tallies: Tallies) -> Iterator[list[Value]]:
    for row in tallies.kinds:
        # The label again, in the language of the sheet (the tallies hold it in the reader's).
        yield [str(AppraisalForm.RespondentKind(row.kind).label), row.phone, row.paper, row.total]
    yield [_("Total"), tallies.phone, tallies.paper, tallies.forms]


def _item_rows(tallies: Tallies) -> Iterator[list[Value]]:
    for number, row in enumerate(tallies.items, start=1):
        cells: list[Value] = [number, str(row.item)]
        for count, share in row.cells:
            cells += [count, _share(share)]
        yield [*cells, row.answered, _share(row.satisfaction)]


def workbook(appraisal: Appraisal, tallies: Tallies) -> bytes:
    """The two sheets of the tallies (headers and labels in Chinese)."""
    with translation.override(CHINESE):
        heading = f"{appraisal.title}（{appraisal.village}）"
        grade_columns: list[str] = []
        for _value, label in Rating.choices:
            grade_columns += [str(label), _("%(grade)s share") % {"grade": label}]
        return write_workbook(
            [
                Sheet(
                    _("Forms"),
                    [_("Respondents"), *(str(label) for _value, label in AppraisalForm.Channel.choices), _("Total")],
                    list(_form_rows(tallies)),
                    heading=heading,
                ),
                Sheet(
                    _("Items"),
                    [_("No."), _("Item"), *grade_columns, _("Grades given"), _("Satisfaction rate")],
                    list(_item_rows(tallies)),
                    heading=f"{heading} {_('Overall satisfaction rate')} {_share(tallies.satisfaction)}",
                ),
            ]
        )


def export_tallies(request: HttpRequest, appraisal: Appraisal, tallies: Tallies) -> HttpResponse:
    """The .xlsx as a download, recorded in the access log under the reader."""
    content = workbook(appraisal, tallies)
    with translation.override(CHINESE):
        village = appraisal.village.short_name or appraisal.village.name
        name = f"{village}{_('Democratic appraisal')}{timezone.localdate():%Y%m%d}.xlsx"
    user: User = request.user  # type: ignore[assignment]
    log_access(user, AccessLog.Action.EXPORTED, appraisal, detail=appraisal.title, ip_address=client_ip(request))
    return attachment(content, name, XLSX)
