"""The appraisal app's part of an assignment's file (卷宗, ``archive.contributors``).

* ``tallies`` (08-民主测评): each democratic appraisal (民主测评) of the assignment's villages as its tallies
  (测评结果统计表, the same .xlsx the group exports: ``exports.workbook``), read by the office like the appraisal
  itself.
* The filled forms are never put in the file, not even as rows: a form is anonymous, and its answers together with
  its day and channel could tell who filled it in. The index lists how many there were, with the tallies as their
  only record.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.utils import timezone

from xuncha.appraisal.exports import workbook
from xuncha.appraisal.models import Appraisal, AppraisalForm
from xuncha.appraisal.queries import tallies as tally
from xuncha.archive.contributors import HandedIn, Member
from xuncha.documents.builders import UNSAFE_IN_NAMES

if TYPE_CHECKING:
    from xuncha.inspections.models import Assignment

APPRAISALS = "08-民主测评"
FORMS_NOTE = "匿名测评表，未入卷，结果见测评结果统计表"


def tallies(assignment: Assignment) -> Iterator[Member | HandedIn]:
    appraisals = Appraisal.objects.filter(assignment=assignment).select_related("village").order_by("opened_at", "pk")
    for appraisal in appraisals:
        title = f"{appraisal.title}测评结果统计表"
        on = timezone.localdate(appraisal.closed_at or appraisal.opened_at)
        name = title.translate(UNSAFE_IN_NAMES)
        yield Member(f"{APPRAISALS}/{name}.xlsx", title, on, workbook(appraisal, tally(appraisal)))
    forms = AppraisalForm.objects.filter(appraisal__assignment=assignment).count()
    if forms:
        yield HandedIn("民主测评表", forms, FORMS_NOTE)


def audit_objects(assignment: Assignment) -> dict[str, list[int]]:
    """The assignment's appraisals, for its audit trail (a form's events, if any, stay out: forms are anonymous)."""
    return {"appraisal.appraisal": list(Appraisal.objects.filter(assignment=assignment).values_list("pk", flat=True))}
