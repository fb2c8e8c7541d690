"""The round's own work in an assignment's file: the plans and declarations, the enquiry letters, the appraisal's
tallies, the reports with their gates and group meetings; and what is only counted as handed in sealed (talks and
the other field records, the replies to enquiries, the appraisal forms, the separate feedback)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from datetime import date
from typing import Any

import docx
import openpyxl
import pytest
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.appraisal import actions as appraisal_actions
from xuncha.appraisal.exports import workbook
from xuncha.appraisal.models import Appraisal
from xuncha.appraisal.queries import tallies
from xuncha.appraisal.tests.conftest import CADRES, fill
from xuncha.archive import actions, contributors
from xuncha.archive.building import INDEX_DOCX, INDEX_XLSX, MANIFEST, sha256
from xuncha.archive.contributors import Member
from xuncha.archive.models import Archive
from xuncha.archive.tests.test_archive import _texts
from xuncha.conftest import World
from xuncha.fieldwork import actions as fieldwork_actions
from xuncha.fieldwork.models import Hearing
from xuncha.fieldwork.tests.factories import PERSON, TRANSCRIPT, record_talk, record_visit
from xuncha.findings.tests import factories as findings
from xuncha.inspections import actions as inspection_actions
from xuncha.inspections.models import Assignment, Recusal, Round
from xuncha.planning import actions as planning_actions
from xuncha.planning.models import WorkPlan
from xuncha.planning.tests.factories import approved_plan, draft_plan, enquiry
from xuncha.rectification.tests.factories import publish, set_round
from xuncha.reporting import actions as reporting_actions
from xuncha.reporting.models import Gate, Report

STATEMENT = "表兄潘某任乙一村村委委员。"
TIE_DETAIL = "表兄任村委委员"
REPLY = "甲一村原村主任韦某某2022年受党内警告处分。"
VISIT_NOTES = "低保户两户反映补贴迟发。"
HEARING_MINUTES = "村党支部书记汇报村集体经济收支情况。"
REVIEWED = "2022年村集体会计凭证"
SEPARATE_PERSON = "韦某 甲一村党支部书记"
SEPARATE_POINTS = "履行第一责任人职责不到位，对班子成员失管失教。"
MEETING_MINUTES = "组务会逐条审议问题底稿，同意确认。"
SECRETARY_MINUTES = "书记专题会听取第三巡察组巡察情况汇报，同意报告。"
SECRETS = [
    TRANSCRIPT,
    PERSON,
    STATEMENT,
    "潘某",
    TIE_DETAIL,
    REPLY,
    VISIT_NOTES,
    HEARING_MINUTES,
    REVIEWED,
    SEPARATE_PERSON,
    SEPARATE_POINTS,
]
# The phones' keys of the ten forms that ``fill`` enters (a form's only trace that is its own).
DEVICE_KEYS = [f"{index:x}" * 64 for index in range(6)]


def _gate(report: Report, kind: str, actor: User, minutes: str = "会议审议了报告。") -> Gate:
    return reporting_actions.record_gate(
        report, kind, decision=Gate.Decision.PASSED, held_on=timezone.localdate(), minutes=minutes, actor=actor
    )


@pytest.fixture
def worked(world: World, office: User, office_lead: User, group_leader: User, group_member: User) -> World:
    """Round 4 of 第三巡察组 (甲一村) from plan to close, with a record of every kind of the round's own work."""
    today = timezone.localdate()
    approved_plan(world, office, office_lead)
    round_plan = draft_plan(world, office, assignment=None, title="第四轮村级巡察工作方案")
    planning_actions.submit_work_plan(round_plan, actor=office)
    planning_actions.approve_work_plan(round_plan, actor=office_lead)
    tie = inspection_actions.declare_recusal(
        group_member, world.village_b1, Recusal.Tie.RELATIVE, detail=TIE_DETAIL, actor=group_member
    )
    planning_actions.sign_declaration(world.round, no_ties=False, ties=[tie], statement=STATEMENT, actor=group_member)
    planning_actions.sign_declaration(world.round, no_ties=True, actor=group_leader)
    letter = enquiry(world, office)
    planning_actions.record_reply(letter, actor=office, replied_on=date(2023, 9, 5), text=REPLY)
    enquiry(world, office, body="AUDIT")  # not replied: a letter, no reply to hand in

    interviewers = [group_leader, group_member]
    record_talk(world.assignment, group_leader, interviewers)
    record_talk(world.assignment, group_leader, interviewers, talk_role="DIRECTOR", person_post="村委会主任")
    record_visit(world.assignment, group_member)
    fieldwork_actions.record_document_review(
        world.assignment,
        world.village_a1,
        items=[(REVIEWED, "2022年", "村报账员")],
        requested_on=today,
        actor=group_member,
    )
    fieldwork_actions.record_hearing(
        world.assignment,
        world.village_a1,
        kind=Hearing.Kind.REPORT,
        held_on=today,
        attendees="第三巡察组全体成员，村两委班子成员",
        minutes=HEARING_MINUTES,
        actor=group_leader,
    )
    appraisal = appraisal_actions.open_appraisal(
        world.assignment, world.village_a1, title="甲一村民主测评", cadres=CADRES, actor=group_leader
    )
    fill(appraisal)
    appraisal_actions.close_appraisal(appraisal, actor=group_leader)

    problem = findings.record_problem(world.assignment, group_leader)
    findings.register_clue(world.assignment, group_leader)
    reporting_actions.hold_group_meeting(
        world.assignment,
        held_on=today,
        attendees=interviewers,
        minutes=MEETING_MINUTES,
        decisions="确认问题底稿1份。",
        problems=[problem],
        actor=group_leader,
    )
    set_round(world, Round.Status.REPORTING)
    report = reporting_actions.draft_report(world.round, assignment=world.assignment, actor=group_member)
    _gate(report, Gate.Kind.GROUP_MEETING, group_leader)
    _gate(report, Gate.Kind.OFFICE_REVIEW, office)
    _gate(report, Gate.Kind.LEADING_GROUP, office)
    _gate(report, Gate.Kind.SECRETARY, office, minutes=SECRETARY_MINUTES)
    reporting_actions.give_separate_feedback(
        world.assignment,
        world.village_a1,
        given_on=today,
        person=SEPARATE_PERSON,
        points=SEPARATE_POINTS,
        actor=group_leader,
    )
    publish(world.round, world.village_a1, office)
    set_round(world, Round.Status.CLOSED)
    return world


def _opened(world: World, office: User) -> dict[str, bytes]:
    (archive,) = actions.archive_round(world.round, actor=office, inline=True)
    assert archive.status == Archive.Status.READY, archive.error
    path = actions.archive_path(archive)
    assert path is not None
    with zipfile.ZipFile(path) as opened:
        return {name: opened.read(name) for name in opened.namelist()}


def _docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([paragraph.text for paragraph in document.paragraphs] + cells)


def _sheet_values(content: bytes) -> list[list[Any]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [list(row) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]


def _one(files: dict[str, bytes], folder: str, contains: str) -> str:
    (name,) = [name for name in files if name.startswith(f"{folder}/") and contains in name]
    return name


def test_the_file_holds_the_rounds_own_work_each_listed_in_the_index_with_its_digest(
    worked: World, office: User
) -> None:
    files = _opened(worked, office)
    manifest = json.loads(files[MANIFEST])
    listed = {entry["path"]: entry for entry in manifest["members"]}
    assert set(listed) == set(files) - {MANIFEST}
    new = sorted(name for name in files if name[:3] in {"05-", "06-", "07-", "08-", "09-"})
    for name in new:
        assert (sha256(files[name]), len(files[name])) == (listed[name]["sha256"], listed[name]["size"])
    rows = [
        row for row in openpyxl.load_workbook(io.BytesIO(files[INDEX_XLSX]))["卷内目录"].iter_rows(values_only=True)
    ]
    indexed = {str(row[5]): row for row in rows if isinstance(row[0], int) and row[5] in files}
    assert set(new) <= set(indexed)
    for name in new:
        assert indexed[name][4] == sha256(files[name])
    index_docx = _docx_text(files[INDEX_DOCX])
    assert all(sha256(files[name]) in index_docx for name in new)
    # Folder by folder: the built-in parts first, whichever app started first.
    paths = [str(row[5]) for row in rows if isinstance(row[0], int) and row[5] in files]
    assert [path.split("/")[0] for path in paths] == sorted(path.split("/")[0] for path in paths)

    plans = [name for name in paths if name.startswith("05-工作方案/") and name.endswith(".docx")]
    assert len(plans) == 2
    assert listed[plans[0]]["title"] == "第四轮村级巡察工作方案"  # the round's plan, then the assignment's
    assert "巡察授权" in _docx_text(files[plans[1]])
    declarations = _sheet_values(files[_one(files, "05-工作方案", "回避声明登记表")])
    flat = [str(value) for row in declarations for value in row if value is not None]
    assert "无回避事项" in flat and "申报回避事项1项" in flat and "乙一村委会（近亲属在当地任职）" in flat

    letters = [name for name in new if name.startswith("06-巡前了解/")]
    assert len(letters) == 2
    assert all("甲一村干部违纪违法问题线索" in _docx_text(files[name]) for name in letters)

    (tally_name,) = [name for name in new if name.startswith("08-民主测评/")]
    assert tally_name.endswith("测评结果统计表.xlsx")
    appraisal = Appraisal.objects.get()
    assert _sheet_values(files[tally_name]) == _sheet_values(workbook(appraisal, tallies(appraisal)))

    report = Report.objects.get(assignment=worked.assignment)
    report_docx = _docx_text(files[_one(files, "09-巡察报告", f"{report.title}.docx")])
    assert report.text.splitlines()[0] in report_docx and "征求意见稿" not in report_docx
    assert listed[_one(files, "09-巡察报告", f"{report.title}.docx")]["date"] == timezone.localdate().isoformat()
    gates = _docx_text(files[_one(files, "09-巡察报告", f"{report.title}审议记录")])
    assert SECRETARY_MINUTES in gates
    assert all(label in gates for label in ("组务会", "巡察办审核", "巡察工作领导小组会议", "书记专题会"))
    assert MEETING_MINUTES in _docx_text(files[_one(files, "09-巡察报告", "组务会记录")])
    # The round's report, approved with its four gates by the feedback rule, is there too.
    assert any(name.startswith("09-巡察报告/关于第4轮巡察情况的巡察报告") for name in new)


def test_confidential_work_is_listed_as_handed_in_by_count_and_never_put_in_the_file(
    worked: World, office: User
) -> None:
    files = _opened(worked, office)
    manifest = json.loads(files[MANIFEST])
    handed = {part["title"]: part["count"] for part in manifest["handed_in"]}
    assert handed == {
        "问题线索": 1,
        "听取汇报记录": 1,
        "谈话笔录": 2,
        "调阅清单": 1,
        "实地走访记录": 1,
        "征求意见回复": 1,
        "民主测评表": 10,
        "单独反馈记录": 1,
    }
    rows = list(openpyxl.load_workbook(io.BytesIO(files[INDEX_XLSX]))["卷内目录"].iter_rows(values_only=True))
    titles = [row[1] for row in rows if isinstance(row[0], int)]
    assert "谈话笔录（2件）" in titles and "民主测评表（10件）" in titles and "单独反馈记录（1件）" in titles
    assert "征求意见回复（1件）" in _docx_text(files[INDEX_DOCX])
    assert not any(name.startswith("07-") for name in files)  # every field record is sealed

    texts = [text for name, content in files.items() for text in _texts(content)]
    assert any(MEETING_MINUTES in text for text in texts)  # the search reads the members
    for secret in [*SECRETS, *DEVICE_KEYS]:
        assert not any(secret in text for text in texts), secret


@pytest.fixture
def drafts(world: World, office: User) -> WorkPlan:
    """The assignment's plan drafted but never approved."""
    return draft_plan(world, office)


def test_plans_never_approved_stay_out_and_unsigned_members_are_listed(
    drafts: WorkPlan, closed: World, office: User, group_leader: User, group_member: User
) -> None:
    files = _opened(closed, office)
    assert not any(name.startswith("05-工作方案/") and name.endswith(".docx") for name in files)
    documents = {name: content for name, content in files.items() if not name.startswith("04-")}
    assert not any(drafts.title in text for content in documents.values() for text in _texts(content))
    # The audit trail keeps the history: the draft was written, and never approved.
    assert any(drafts.title in text for name in set(files) - set(documents) for text in _texts(files[name]))
    assert not any(name.startswith(("06-", "08-")) for name in files)
    declarations = _sheet_values(files[_one(files, "05-工作方案", "回避声明登记表")])
    unsigned = {row[1] for row in declarations if isinstance(row[0], int) and row[3] == "未签署"}
    assert unsigned == {str(group_leader), str(group_member)}


def test_a_late_contributor_s_member_is_listed_with_its_folder(closed: World, office: User) -> None:
    def late(assignment: Assignment) -> Iterator[Member]:
        yield Member("01-文书/补充材料.docx", "补充材料", None, b"late")

    contributors.register_contributor(late)
    try:
        files = _opened(closed, office)
    finally:
        contributors._registry.remove(late)
    manifest = json.loads(files[MANIFEST])
    paths = [entry["path"] for entry in manifest["members"] if entry["path"] not in (INDEX_XLSX, INDEX_DOCX)]
    folders = [path.split("/")[0] for path in paths]
    assert folders == sorted(folders)
    assert paths.index("01-文书/补充材料.docx") == folders.count("01-文书") - 1


def test_the_audit_trail_holds_the_events_of_the_rounds_own_work(worked: World, office: User) -> None:
    """04-审计记录 lists the events of the plans, declarations, enquiries, talks, appraisals, meetings, reports and
    gates of the assignment, besides the case records (the confidential test above reads this file too)."""
    files = _opened(worked, office)
    (name,) = [name for name in files if name.startswith("04-") and name.endswith(".csv")]
    rows = files[name].decode("utf-8-sig").splitlines()
    types = {row.split(",")[4] for row in rows[1:]}
    assert {
        "planning.workplan",
        "planning.recusaldeclaration",
        "planning.enquiry",
        "fieldwork.talkrecord",
        "appraisal.appraisal",
        "reporting.groupmeeting",
        "reporting.report",
    } <= types, types


def test_the_events_of_confidential_records_are_listed_sealed(worked: World, office: User) -> None:
    """A talk's events say when and by whom, never the talk (its post, date, file names): the office keeping the file
    may know how many talks there were, not whom they were with."""
    files = _opened(worked, office)
    (name,) = [name for name in files if name.startswith("04-") and name.endswith(".csv")]
    rows = list(csv.reader(io.StringIO(files[name].decode("utf-8-sig"))))
    talks = [row for row in rows[1:] if row[4] == "fieldwork.talkrecord"]
    assert talks
    for row in talks:
        assert (row[6], row[7], row[8], row[9]) == ("（保密，略）", "", "", ""), row
