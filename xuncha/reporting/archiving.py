"""The reporting app's part of an assignment's file (卷宗, ``archive.contributors``).

* ``reports`` (09-巡察报告): the group's reports (巡察报告, 专题报告) and the round's report, each as it was approved
  at the secretary's meeting (``document.render``: a report is edited only while drafting, so its text is the version
  heard at the last gate); a report never approved is a draft and stays out. Then, for each report, the register of
  the gates it went through (组务会, 办公室审核, 领导小组会议, 书记专题会: date, version heard, decision, minutes,
  decisions), and the group meetings (组务会) of the assignment as one register with the papers each confirmed. The
  office reads all of them (``ReportQuerySet.drafts_visible_to``, ``GroupMeetingQuerySet.visible_to``).
* ``sealed_feedback``: the separate feedback to a village's principal leader (art. 26 单独反馈) is read by the office
  director and the group leader only: handed in sealed, by count.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.db.models import Q

from xuncha.archive.contributors import HandedIn, Member
from xuncha.core.docx import OfficialDocument, chinese_date
from xuncha.documents.builders import UNSAFE_IN_NAMES, inspection_office
from xuncha.documents.chinese import chinese, labels
from xuncha.inspections.models import chinese_number
from xuncha.reporting.document import render
from xuncha.reporting.models import Gate, GroupMeeting, Report, ReportComment, ReportVersion, SeparateFeedback

if TYPE_CHECKING:
    from xuncha.inspections.models import Assignment

REPORTS = "09-巡察报告"


def _reports(assignment: Assignment) -> list[Report]:
    """The assignment's reports, then the round's, with their gates."""
    reports = (
        Report.objects.filter(round_id=assignment.round_id)
        .filter(Q(assignment=assignment) | Q(assignment__isnull=True))
        .select_related("round__term__county", "assignment__group")
        .prefetch_related("gates")
    )
    return sorted(reports, key=lambda report: (report.assignment_id is None, report.kind, report.pk))


def _path(title: str) -> str:
    return f"{REPORTS}/{title.translate(UNSAFE_IN_NAMES)}.docx"


def _gate_register(report: Report, gates: list[Gate]) -> tuple[str, bytes]:
    kinds, decisions = labels(Gate.Kind), labels(Gate.Decision)
    title = f"{report.title}审议记录"
    with chinese():
        county = report.round.term.county
        document = OfficialDocument(title=title, author=inspection_office(county))
        document.title(title)
        document.table(
            ["序号", "会议", "日期", "审议稿次", "结论"],
            [
                (number, kinds[gate.kind], chinese_date(gate.held_on), f"第{gate.version}稿", decisions[gate.decision])
                for number, gate in enumerate(gates, start=1)
            ],
            widths_mm=[14, 46, 40, 26, 30],
        )
        for number, gate in enumerate(gates, start=1):
            document.heading(f"{chinese_number(number)}、{kinds[gate.kind]}（{chinese_date(gate.held_on)}）")
            document.heading("（一）会议记录", level=2)
            for line in _lines(gate.minutes):
                document.paragraph(line)
            if gate.decisions.strip():
                document.heading("（二）议定事项", level=2)
                for line in _lines(gate.decisions):
                    document.paragraph(line)
        document.signature(inspection_office(county), gates[-1].held_on)
    return title, document.to_bytes()


def _meeting_register(assignment: Assignment, meetings: list[GroupMeeting]) -> tuple[str, bytes]:
    title = f"{assignment.group}组务会记录"
    with chinese():
        document = OfficialDocument(title=title, author=assignment.group.name)
        document.title(title)
        for number, meeting in enumerate(meetings, start=1):
            document.heading(f"{chinese_number(number)}、{chinese_date(meeting.held_on)}组务会")
            attendees = "、".join(str(person) for person in meeting.attendees.all())
            document.paragraph(f"参会人员：{attendees}。")
            serials = "、".join(problem.serial for problem in meeting.problems.all())
            if serials:
                document.paragraph(f"确认问题底稿：{serials}。")
            document.heading("（一）会议记录", level=2)
            for line in _lines(meeting.minutes):
                document.paragraph(line)
            if meeting.decisions.strip():
                document.heading("（二）议定事项", level=2)
                for line in _lines(meeting.decisions):
                    document.paragraph(line)
        document.signature(assignment.group.name, meetings[-1].held_on)
    return title, document.to_bytes()


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def reports(assignment: Assignment) -> Iterator[Member]:
    for report in _reports(assignment):
        if report.is_approved:
            generated = render(report)
            yield Member(f"{REPORTS}/{generated.name}", report.title, report.approved_on, generated.content)
        gates = sorted(report.gates.all(), key=lambda gate: (gate.held_on, gate.pk))
        if gates:
            title, content = _gate_register(report, gates)
            yield Member(_path(title), title, gates[-1].held_on, content)
    meetings = list(
        GroupMeeting.objects.filter(round_id=assignment.round_id, group_id=assignment.group_id)
        .filter(Q(assignment=assignment) | Q(assignment__isnull=True))
        .prefetch_related("attendees", "problems")
        .order_by("held_on", "pk")
    )
    if meetings:
        title, content = _meeting_register(assignment, meetings)
        yield Member(_path(title), title, meetings[-1].held_on, content)


def sealed_feedback(assignment: Assignment) -> Iterator[HandedIn]:
    count = SeparateFeedback.objects.filter(assignment=assignment).count()
    if count:
        yield HandedIn("单独反馈记录", count)


def audit_objects(assignment: Assignment) -> dict[str, list[int]]:
    """The report chain's records of the assignment, for its audit trail: meetings, reports (with the round's),
    their versions, comments and gates, and the separate feedback."""
    reports = [report.pk for report in _reports(assignment)]
    return {
        "reporting.groupmeeting": list(GroupMeeting.objects.filter(assignment=assignment).values_list("pk", flat=True)),
        "reporting.report": reports,
        "reporting.reportversion": list(ReportVersion.objects.filter(report__in=reports).values_list("pk", flat=True)),
        "reporting.reportcomment": list(
            ReportComment.objects.filter(version__report__in=reports).values_list("pk", flat=True)
        ),
        "reporting.gate": list(Gate.objects.filter(report__in=reports).values_list("pk", flat=True)),
        "reporting.separatefeedback": list(
            SeparateFeedback.objects.filter(assignment=assignment).values_list("pk", flat=True)
        ),
    }
