"""The deliverables' part of an assignment's file (卷宗, ``archive.contributors``).

Each village's 整改方案, 整改情况报告 and 主要负责人组织落实整改情况报告 that the office accepted goes in as the
.docx it prints, with the signed scan beside it (10-整改材料); every deliverable's events go in the audit trail.
Drafts and returned versions stay out: the file keeps what was accepted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePath
from typing import TYPE_CHECKING

from xuncha.archive.contributors import Member
from xuncha.deliverables.document import render
from xuncha.deliverables.drafting import title_of
from xuncha.deliverables.models import Deliverable
from xuncha.documents.builders import UNSAFE_IN_NAMES

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from xuncha.inspections.models import Assignment

FOLDER = "10-整改材料"


def _deliverables(assignment: Assignment) -> QuerySet[Deliverable]:
    return Deliverable.objects.filter(round_id=assignment.round_id, unit__in=assignment.villages.all())


def accepted(assignment: Assignment) -> Iterator[Member]:
    chosen = (
        _deliverables(assignment)
        .filter(status=Deliverable.Status.ACCEPTED)
        .select_related("unit__parent", "round__term__county", "signed_scan")
        .order_by("unit__code", "kind")
    )
    for deliverable in chosen:
        title = title_of(deliverable)
        name = title.translate(UNSAFE_IN_NAMES)
        yield Member(f"{FOLDER}/{name}.docx", title, deliverable.submitted_on, render(deliverable).content)
        scan = deliverable.signed_scan
        if scan is not None:
            with scan.file.open("rb") as handle:
                content = handle.read()
            stem = PurePath(scan.original_name).stem.translate(UNSAFE_IN_NAMES)[:40]
            yield Member(
                f"{FOLDER}/{name}（签字扫描件）-{stem}.{scan.extension}",
                f"{title}（签字扫描件）",
                deliverable.submitted_on,
                content,
            )


def audit_objects(assignment: Assignment) -> dict[str, list[int]]:
    return {"deliverables.deliverable": list(_deliverables(assignment).values_list("pk", flat=True))}
