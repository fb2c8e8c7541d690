"""The fieldwork app's part of an assignment's file (卷宗, ``archive.contributors``).

Every record of what a group learns on site is confidential to the group and the office director
(``FieldRecordQuerySet.visible_to``); the office, which keeps the file, may know only how many there are
(``countable_to``). So none of them is put in the file: talk records (个别谈话笔录) with their signed scans,
document reviews (调阅清单), field visits (实地走访) with their notes and photos, and hearings (听取汇报) are listed in
the index as handed in sealed (移交保密), by count, never by content. Kinds the assignment has none of are not
listed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from xuncha.archive.contributors import HandedIn
from xuncha.fieldwork.models import DocumentReview, FieldVisit, Hearing, TalkRecord

if TYPE_CHECKING:
    from xuncha.inspections.models import Assignment

# What the index calls each kind of record, in the order a group meets them on site.
SEALED = (
    ("听取汇报记录", Hearing),
    ("谈话笔录", TalkRecord),
    ("调阅清单", DocumentReview),
    ("实地走访记录", FieldVisit),
)


def sealed_records(assignment: Assignment) -> Iterator[HandedIn]:
    for title, model in SEALED:
        count = model.objects.filter(assignment=assignment).count()
        if count:
            yield HandedIn(title, count)


# Their events are listed sealed in the audit trail: when, what and by whom, never which person, post or file.
SEALED_TYPES = tuple(model._meta.label_lower for _title, model in SEALED)


def audit_objects(assignment: Assignment) -> dict[str, list[int]]:
    """The records learnt on site, for the assignment's audit trail (sealed: ``SEALED_TYPES``)."""
    return {
        model._meta.label_lower: list(model.objects.filter(assignment=assignment).values_list("pk", flat=True))
        for _title, model in SEALED
    }
