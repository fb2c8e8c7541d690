"""立行立改通知书: the notice a group gives a village to fix a problem before the group leaves."""

from __future__ import annotations

from django.db.models import prefetch_related_objects

from xuncha.core.docx import OfficialDocument, chinese_date
from xuncha.documents.builders import committee, docx_file, party_organisation, you
from xuncha.documents.chinese import chinese
from xuncha.documents.files import GeneratedFile
from xuncha.findings.models import ImmediateFixNotice

RELATED = ("problem__village__parent", "problem__group", "problem__round__term__county")


def render(notice: ImmediateFixNotice) -> GeneratedFile:
    """The notice as given to the village, with how it was fixed once completed."""
    prefetch_related_objects([notice], *RELATED)
    with chinese():
        return _write(notice)


def _write(notice: ImmediateFixNotice) -> GeneratedFile:
    problem = notice.problem
    village, group, county = problem.village, problem.group, problem.round.term.county
    issuer = f"{committee(county)}{group.name}"

    doc = OfficialDocument(title="立行立改通知书", author=issuer)
    doc.number(notice.number)
    doc.title("立行立改通知书")
    doc.addressee(party_organisation(village))
    doc.paragraph(
        f"县委{group.name}在对{you(village)}开展巡察期间，发现以下问题，群众反映强烈、能够立即整改，"
        "现通知你们立行立改。"
    )
    doc.heading("一、发现的问题")
    doc.paragraph(f"{problem.phenomenon.strip()}（问题编号：{problem.serial}；类别：{problem.get_category_display()}）")
    doc.heading("二、整改要求")
    doc.paragraph(notice.requirement.strip())
    doc.heading("三、完成时限")
    doc.paragraph(
        f"请于{chinese_date(notice.deadline)}前完成整改，并将整改情况及佐证材料书面报送巡察组。"
        "逾期未完成的，纳入巡察反馈问题清单持续督促整改。"
    )
    if notice.status == ImmediateFixNotice.Status.COMPLETED and notice.completed_on:
        doc.heading("四、整改完成情况")
        note = notice.completion_note.strip()
        doc.paragraph(f"已于{chinese_date(notice.completed_on)}完成整改。{note}")
    doc.signature(issuer, notice.issued_on)
    doc.line("签收人（签名）：　　　　签收日期：　　年　月　日")
    village_name = f"{village.parent.name if village.parent else ''}{village.short_name}"
    return docx_file(f"{village_name}立行立改通知书（{notice.number}）", doc)
