"""The three kinds of import: classification, a group's problems and a township's ledger progress — what each
writes through the actions, what it refuses row by row, who may use it, and that a second run changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from xuncha.accounts.models import User
from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.core.exceptions import PermissionDenied, TransitionNotAllowed
from xuncha.documents.actions import start_import
from xuncha.documents.imports.ledger import LedgerImporter
from xuncha.documents.models import ImportRun
from xuncha.documents.tests.test_imports import (
    CLASSIFICATION_HEADER,
    _media_root,  # noqa: F401 - the autouse fixture
    classify,
    errors_of,
    footprint,
    upload,
    xlsx,
)
from xuncha.findings.models import Problem
from xuncha.inspections.models import Round
from xuncha.organisations.models import Category
from xuncha.rectification.models import LedgerItem, Progress
from xuncha.rectification.tests.factories import ledger_item, set_round

Kind = ImportRun.Kind
Status = LedgerItem.Status
PROBLEM_HEADER = [
    "村（社区）",
    "问题类别",
    "问题表现",
    "定性依据",
    "责任",
    "问题来源",
    "整改类型",
    "发现人",
    "发现日期",
]
LEDGER_HEADER = [
    "序号",
    "编号",
    "村（社区）",
    "问题",
    "整改措施",
    "责任领导",
    "责任单位",
    "完成时限",
    "整改进展",
    "完成情况",
    "佐证材料",
    "是否销号",
    "销号日期",
]


# Classification -----------------------------------------------------------------------------------------------------


def test_the_office_classifies_its_villages_and_a_second_run_changes_nothing(world: World, office: User) -> None:
    rows = [
        CLASSIFICATION_HEADER,
        [world.village_a2.code, "甲二村", "重点村", "软弱涣散村党组织"],
        [world.community_a.code, "甲社区", "WATCH", "信访较多"],
        [world.village_a1.code, "甲一村", "重点村", "班子老化"],  # key already, but its reason changes
        [world.village_b1.code, "乙一村", "一般", ""],  # general already
    ]
    run = classify(office, world, rows)
    assert run.status == ImportRun.Status.DONE, run.errors
    assert (run.total_rows, run.created, run.updated, run.unchanged) == (4, 0, 3, 1)
    world.village_a2.refresh_from_db()
    assert (world.village_a2.category, world.village_a2.category_reason) == (Category.KEY, "软弱涣散村党组织")
    classified = Event.objects.filter(verb="organisations.village_classified")
    assert classified.count() == 3
    assert {event.actor_id for event in classified} == {office.pk}
    imported = Event.objects.get(verb="documents.spreadsheet_imported")
    assert imported.object_id == str(run.pk)
    assert imported.after == {
        "kind": "CLASSIFICATION",
        "file": "导入.xlsx",
        "sha256": run.sha256,
        "rows": 4,
        "created": 0,
        "updated": 3,
        "unchanged": 1,
    }

    again = classify(office, world, rows)
    assert (again.status, again.updated, again.unchanged) == (ImportRun.Status.DONE, 0, 4)
    assert classified.count() == 3


def test_only_the_office_of_the_county_classifies(
    world: World, township_user: User, outsider: User, group_leader: User, village_user: User
) -> None:
    rows = [CLASSIFICATION_HEADER, [world.village_a2.code, "", "重点村", "理由"]]
    for user in (township_user, outsider, group_leader, village_user):
        with pytest.raises(PermissionDenied):
            classify(user, world, rows)
    assert not ImportRun.objects.exists()


# Problems -----------------------------------------------------------------------------------------------------------


def problems(user: User, world: World, rows: list[list[Any]]) -> ImportRun:
    data = xlsx([PROBLEM_HEADER, *rows])
    return start_import(Kind.PROBLEMS, upload(data, "问题底稿.xlsx"), actor=user, assignment=world.assignment)


def problem_row(phenomenon: str, **cells: Any) -> list[Any]:
    values = {
        "village": "甲一村",
        "category": "村级财务管理",
        "basis": "《村级财务管理办法》",
        "responsibility": "村党支部书记",
        "source": "查阅资料",
        "fix_type": "持续跟进整改",
        "finder": "",
        "found_on": "2023-10-12",
        **cells,
    }
    return [
        values["village"],
        values["category"],
        phenomenon,
        values["basis"],
        values["responsibility"],
        values["source"],
        values["fix_type"],
        values["finder"],
        values["found_on"],
    ]


def test_a_group_member_imports_problems_as_drafts_with_serial_numbers(
    world: World, group_member: User, group_leader: User
) -> None:
    rows = [
        problem_row("2023年3月集体土地出租合同未经村民代表会议讨论。"),
        problem_row(
            "低保评定未公示。", village=world.village_a1.code, category="BENEFIT", source="TALK", fix_type="立行立改"
        ),
        problem_row("村务公开栏半年未更新。", category="村务公开", finder=group_leader.username, found_on=None),
    ]
    run = problems(group_member, world, rows)
    assert run.status == ImportRun.Status.DONE, run.errors
    assert (run.created, run.updated, run.unchanged) == (3, 0, 0)
    papers = list(Problem.objects.filter(assignment=world.assignment).order_by("serial_no"))
    assert [paper.serial for paper in papers] == ["[2023]4巡-3组-001", "[2023]4巡-3组-002", "[2023]4巡-3组-003"]
    assert {paper.status for paper in papers} == {Problem.Status.DRAFT}
    assert [paper.category for paper in papers] == ["FINANCE", "BENEFIT", "DISCLOSURE"]
    assert [paper.fix_type for paper in papers] == ["FOLLOW_UP", "IMMEDIATE", "FOLLOW_UP"]
    assert [paper.finder for paper in papers] == [group_member, group_member, group_leader]
    assert papers[0].found_on.isoformat() == "2023-10-12"
    recorded = Event.objects.filter(verb="findings.problem_recorded")
    assert [event.actor_id for event in recorded] == [group_member.pk] * 3

    again = problems(group_member, world, rows)
    assert (again.status, again.created, again.unchanged) == (ImportRun.Status.DONE, 0, 3)
    assert Problem.objects.count() == 3


def test_a_changed_row_edits_its_draft_and_is_refused_once_the_paper_is_confirmed(
    world: World, group_member: User
) -> None:
    problems(group_member, world, [problem_row("村务公开栏半年未更新。")])
    run = problems(group_member, world, [problem_row("村务公开栏半年未更新。", fix_type="立行立改")])
    assert (run.status, run.updated) == (ImportRun.Status.DONE, 1)
    paper = Problem.objects.get()
    assert (paper.fix_type, paper.version) == ("IMMEDIATE", 2)
    assert Event.objects.filter(verb="findings.problem_edited", actor=group_member).count() == 1

    Problem.objects.update(status=Problem.Status.CONFIRMED)
    run = problems(group_member, world, [problem_row("村务公开栏半年未更新。", fix_type="长期坚持")])
    assert run.status == ImportRun.Status.REJECTED
    assert "already recorded as [2023]4巡-3组-001, which is Confirmed" in run.errors[0]["reason"]


def test_bad_problem_rows_are_all_reported_and_nothing_is_written(
    world: World, group_member: User, outsider: User
) -> None:
    before = footprint()
    rows = [
        problem_row("正常的一行。"),
        problem_row("乙一村的问题。", village="乙一村"),  # not a village of the assignment
        problem_row("类别不对。", category="其他问题"),
        problem_row("正常的一行。"),  # twice in the file
        problem_row(""),  # no phenomenon
        problem_row("来源不对。", source="听说"),
        problem_row("整改类型不对。", fix_type="马上改"),
        problem_row("发现人不在组里。", finder=outsider.username),
        problem_row("日期不对。", found_on="上周"),
        problem_row("日期太早。", found_on="2020-01-01"),
    ]
    run = problems(group_member, world, rows)
    assert run.status == ImportRun.Status.REJECTED
    assert errors_of(run) == [
        (3, "村（社区）", "乙一村"),
        (4, "问题类别", "其他问题"),
        (5, "问题表现", "正常的一行。"),
        (6, "问题表现", ""),
        (7, "问题来源", "听说"),
        (8, "整改类型", "马上改"),
        (9, "发现人", "outsider"),
        (10, "发现日期", "上周"),
        (11, "发现日期", "2020-01-01"),
    ]
    assert run.errors[0]["reason"] == "not one of this assignment's villages (甲一村)"
    assert run.errors[2]["reason"] == "the same village and problem are already on line 2"
    assert footprint() == before


def test_only_members_import_problems_and_only_while_recording(
    world: World, office: User, township_user: User, village_user: User, group_member: User
) -> None:
    for user in (office, township_user, village_user):
        with pytest.raises(PermissionDenied):
            problems(user, world, [problem_row("x")])
    set_round(world, Round.Status.FEEDBACK)
    with pytest.raises(TransitionNotAllowed):
        problems(group_member, world, [problem_row("x")])
    assert not Problem.objects.exists()


# Ledger progress ------------------------------------------------------------------------------------------------------


def ledger_sheet(rows: list[list[Any]]) -> bytes:
    """The ledger as the export lays it out: a title line above the thirteen columns."""
    return xlsx([LEDGER_HEADER, *rows], above=[["甲镇村级巡察整改台账"]])


def ledger_row(item: LedgerItem, progress: str, status: str = "") -> list[Any]:
    return [
        1,
        item.number,
        item.village.name,
        item.summary,
        "措施",
        "张三",
        item.village.name,
        "2024-02-04",
        progress,
        status,
        "",
        "否",
        "",
    ]


def ledger(user: User, world: World, rows: list[list[Any]], township: Any = None) -> ImportRun:
    unit = township or world.township_a
    return start_import(Kind.LEDGER, upload(ledger_sheet(rows), "台账.xlsx"), actor=user, unit=unit)


def test_the_township_enters_progress_approves_and_returns_from_its_ledger_sheet(
    world: World, township_user: User
) -> None:
    working = ledger_item(world.round, world.village_a2, status=Status.IN_PROGRESS)
    approved = ledger_item(world.round, world.community_a, status=Status.SUBMITTED)
    returned = ledger_item(world.round, world.village_a2, status=Status.SUBMITTED)
    untouched = ledger_item(world.round, world.village_a1, status=Status.OPEN)
    rows = [
        ledger_row(working, "已召开村民代表会议，租金已入账。", "整改中"),
        ledger_row(approved, "", "乡镇已审核"),
        ledger_row(returned, "佐证材料不全，请补充会议记录。", "已退回"),
        ledger_row(untouched, "", "未启动"),
    ]
    run = ledger(township_user, world, rows)
    assert run.status == ImportRun.Status.DONE, run.errors
    assert (run.created, run.updated, run.unchanged) == (0, 3, 1)
    note = Progress.objects.get(item=working)
    assert (note.kind, note.text, note.author) == (
        Progress.Kind.PROGRESS,
        "已召开村民代表会议，租金已入账。",
        township_user,
    )
    event = Event.objects.get(verb="rectification.item_progress")
    assert (event.actor_id, event.object_id) == (township_user.pk, str(working.pk))
    approved.refresh_from_db()
    returned.refresh_from_db()
    assert (approved.status, returned.status) == (Status.REVIEWED, Status.RETURNED)
    assert Progress.objects.get(item=returned).text == "佐证材料不全，请补充会议记录。"

    again = ledger(township_user, world, [ledger_row(working, "已召开村民代表会议，租金已入账。", "整改中")])
    assert (again.status, again.updated, again.unchanged) == (ImportRun.Status.DONE, 0, 1)
    assert Progress.objects.filter(item=working).count() == 1


def test_a_row_refused_at_write_time_rejects_the_whole_import_and_writes_nothing(
    world: World, township_user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every row passes the check, but a submission is approved by someone else before the write: the review action
    refuses that row, so the run is REJECTED with its reason and the rows written before it are rolled back."""
    working = ledger_item(world.round, world.village_a2, status=Status.IN_PROGRESS)
    submitted = ledger_item(world.round, world.community_a, status=Status.SUBMITTED)
    rows = [ledger_row(working, "已召开村民代表会议，租金已入账。", "整改中"), ledger_row(submitted, "", "乡镇已审核")]
    check = LedgerImporter.check

    def check_then_another_reviewer_approves(self: LedgerImporter, row: Any, errors: list[Any]) -> Any:
        planned = check(self, row, errors)
        LedgerItem.objects.filter(pk=submitted.pk).update(status=Status.REVIEWED)
        return planned

    monkeypatch.setattr(LedgerImporter, "check", check_then_another_reviewer_approves)
    events = Event.objects.count()

    run = ledger(township_user, world, rows)

    assert run.status == ImportRun.Status.REJECTED
    assert errors_of(run) == [(4, "row", "")]
    assert "already acted on this item" in run.errors[0]["reason"]
    assert (run.created, run.updated, run.unchanged) == (0, 0, 0)
    assert not Progress.objects.exists()
    assert Event.objects.count() == events
    working.refresh_from_db()
    assert working.status == Status.IN_PROGRESS


def test_status_changes_the_township_may_not_make_are_row_errors(world: World, township_user: User) -> None:
    before_items = [
        ledger_item(world.round, world.village_a2, status=Status.IN_PROGRESS),
        ledger_item(world.round, world.village_a2, status=Status.SUBMITTED),
        ledger_item(world.round, world.village_a2, status=Status.REVIEWED),
        ledger_item(world.round, world.village_a2, status=Status.SUBMITTED),
        ledger_item(world.round, world.village_a2, status=Status.IN_PROGRESS),
    ]
    other_township = ledger_item(world.round, world.village_b1, status=Status.IN_PROGRESS)
    before = footprint()
    rows = [
        ledger_row(before_items[0], "", "已销号"),  # the office closes
        ledger_row(before_items[1], "", "已退回"),  # a return needs its reason
        ledger_row(before_items[2], "又做了一些工作", ""),  # reviewed: no more progress
        ledger_row(before_items[3], "", "差不多了"),  # not a status
        ledger_row(other_township, "进展", ""),  # an item of another township
        ["", "", "", "", "", "", "", "", "进展", "", "", "", ""],  # no number
        ledger_row(before_items[4], "进展", ""),
        ledger_row(before_items[4], "进展", ""),  # twice
    ]
    run = ledger(township_user, world, rows)
    assert run.status == ImportRun.Status.REJECTED
    assert errors_of(run) == [
        (3, "完成情况", "已销号"),
        (4, "整改进展", ""),
        (5, "整改进展", "又做了一些工作"),
        (6, "完成情况", "差不多了"),
        (7, "编号", other_township.number),
        (8, "编号", ""),
        (10, "编号", before_items[4].number),
    ]
    assert run.errors[0]["reason"] == "the township cannot change an item that is In progress to Closed"
    assert run.errors[4]["reason"] == "甲镇 oversees no item with this number"
    assert footprint() == before


def test_a_common_item_is_told_apart_by_its_village(world: World, township_user: User) -> None:
    first = ledger_item(world.round, world.village_a2, status=Status.IN_PROGRESS)
    second = ledger_item(world.round, world.community_a, status=Status.IN_PROGRESS)
    LedgerItem.objects.filter(pk__in=[first.pk, second.pk]).update(number="[2023]4巡-共性-01")
    first.refresh_from_db()
    second.refresh_from_db()
    ambiguous = ledger_row(first, "进展")
    ambiguous[2] = ""
    run = ledger(township_user, world, [ambiguous])
    assert run.status == ImportRun.Status.REJECTED
    assert "several villages have an item with this number" in run.errors[0]["reason"]
    run = ledger(township_user, world, [ledger_row(first, "甲二村的进展"), ledger_row(second, "甲社区的进展")])
    assert run.status == ImportRun.Status.DONE, run.errors
    assert Progress.objects.get(item=second).text == "甲社区的进展"


def test_only_the_township_imports_its_own_ledger(
    world: World, township_user: User, village_user: User, office: User
) -> None:
    item = ledger_item(world.round, world.village_b1, status=Status.IN_PROGRESS)
    with pytest.raises(PermissionDenied):
        ledger(township_user, world, [ledger_row(item, "进展")], township=world.township_b)
    for user in (village_user, office):
        with pytest.raises(PermissionDenied):
            ledger(user, world, [ledger_row(item, "进展")])
    assert not Progress.objects.exists()
