"""回访报告: a return visit to a village — the items checked with their verdicts, and the residents' satisfaction."""

from __future__ import annotations

from django.db.models import Prefetch, prefetch_related_objects

from xuncha.core.docx import OfficialDocument, chinese_date
from xuncha.documents.builders import docx_file, inspection_office, percent
from xuncha.documents.chinese import chinese
from xuncha.documents.files import GeneratedFile
from xuncha.organisations.models import Level
from xuncha.rectification.models import ReturnVisit, VisitCheck

RELATED = ("village__parent", Prefetch("checks", queryset=VisitCheck.objects.select_related("item")))


def render(visit: ReturnVisit) -> GeneratedFile:
    """The report of a return visit (or, while only planned, of what it will check)."""
    prefetch_related_objects([visit], *RELATED)
    county = visit.village.ancestor(Level.COUNTY)
    with chinese():
        return _write(visit, inspection_office(county) if county else "县委巡察办")


def _write(visit: ReturnVisit, office: str) -> GeneratedFile:
    village = visit.village
    place = f"{village.parent.name if village.parent else ''}{village.short_name}"
    checks = sorted(visit.checks.all(), key=lambda check: check.item.number)
    verified = sum(1 for check in checks if check.verdict == VisitCheck.Verdict.VERIFIED)
    reopened = sum(1 for check in checks if check.verdict == VisitCheck.Verdict.REOPEN)
    done = visit.status == ReturnVisit.Status.DONE
    day = visit.visited_on if done and visit.visited_on else visit.planned_on
    title = f"关于{place}巡察整改情况的回访报告"

    doc = OfficialDocument(title=title, author=office)
    doc.title(title)
    doc.addressee("县委巡察工作领导小组办公室")
    visitors = f"{visit.visitors}等同志" if visit.visitors else "回访组"
    if done:
        doc.paragraph(
            f"{chinese_date(day)}，{visitors}到{place}开展巡察整改回访，实地核查整改事项{len(checks)}项，"
            f"其中验证通过{verified}项、未整改到位需重新整改{reopened}项。现将回访情况报告如下。"
        )
    else:
        doc.paragraph(f"计划于{chinese_date(day)}到{place}开展巡察整改回访，拟核查整改事项{len(checks)}项。")

    doc.heading("一、整改事项核查情况")
    if checks:
        doc.table(
            ["序号", "问题", "核查结论", "核查情况", "重新整改时限"],
            [
                [
                    index,
                    check.item.summary,
                    check.get_verdict_display() if check.verdict else "待核查",
                    check.note,
                    chinese_date(check.new_deadline) if check.new_deadline else "",
                ]
                for index, check in enumerate(checks, start=1)
            ],
            widths_mm=[12.0, 60.0, 24.0, 40.0, 20.0],
        )
    else:
        doc.paragraph("无。")

    doc.heading("二、群众满意度")
    if visit.people_asked:
        satisfied = visit.people_satisfied or 0
        rate = visit.satisfaction
        doc.paragraph(
            f"回访期间随机走访群众{visit.people_asked}人，对整改情况表示满意的{satisfied}人，"
            f"满意率{percent(rate if rate is not None else 0)}。"
        )
    else:
        doc.paragraph("本次回访未开展群众满意度调查。")

    doc.heading("三、回访意见")
    doc.paragraph(visit.note.strip() or "无。")
    doc.signature(office, day)
    return docx_file(f"{place}回访报告（{day.isoformat()}）", doc)
