"""The demo's report chain: each group's meeting confirms its papers on its last day on site; each group drafts
its report after stationing and the report passes its four gates before its villages are fed back (rounds 1–4);
the live round in REPORTING has its reports waiting for the office's review, so that the office has work."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from xuncha.core.workdays import add_working_days
from xuncha.demo import clock
from xuncha.demo.fieldwork_story import SHANDONG
from xuncha.inspections.models import Assignment, Membership, Round
from xuncha.reporting import actions
from xuncha.reporting.models import Gate, Report

if TYPE_CHECKING:
    from xuncha.accounts.models import User
    from xuncha.findings.models import Problem

# Working days after stationing ends: the draft, the group meeting, the office's review, the leading group's
# hearing and the secretary's special meeting (all well before the feedback, six weeks or more after stationing).
SCHEDULE = (2, 5, 10, 15, 20)
# Minutes name the report's target, so that one group's minutes are told from another's (the leak test's markers).
MINUTES: dict[str, str] = {
    Gate.Kind.GROUP_MEETING: "{target}巡察组召开组务会，逐段审议巡察报告初稿，对问题定性和典型案例表述进行了修改完善。",
    Gate.Kind.OFFICE_REVIEW: "{target}巡察报告经县委巡察办审核，认为问题事实清楚、定性准确，同意提交领导小组会议。",
    Gate.Kind.LEADING_GROUP: "{target}巡察情况由县委巡察工作领导小组会议听取，研究提出反馈意见和整改要求。",
    Gate.Kind.SECRETARY: "{target}巡察情况经县委书记专题会听取，同意巡察报告和反馈意见，要求抓好问题整改。",
}
DECISIONS: dict[str, str] = {
    Gate.Kind.GROUP_MEETING: "同意报送县委巡察办审核。",
    Gate.Kind.OFFICE_REVIEW: "提交县委巡察工作领导小组会议听取汇报。",
    Gate.Kind.LEADING_GROUP: "报县委书记专题会审定。",
    Gate.Kind.SECRETARY: "同意按程序向被巡察村（社区）党组织反馈。",
}
MEETING_MINUTES = "{target}组务会逐条审议问题底稿，对事实依据不足的底稿予以撤回，其余底稿经集体研究予以确认。"
# The separate feedback (单独反馈) to 山东村's secretary when round 3 fed the village back: whom, and what.
SEPARATE_ROUND = 3
SEPARATE_PERSON = "潘文，山东村党支部书记"
SEPARATE_POINTS = (
    "向潘文同志单独指出：本人对罗汉果合作社分红方案未经村民代表会议讨论负有直接责任，"
    "对村务公开栏长期不更新督促不力，要求作为第一责任人带头认领整改并向乡镇党委作出书面说明。"
)


def _past(day: date) -> date:
    """Never today or later: what the demo loads today is only the loading itself."""
    return min(day, clock.real_today() - timedelta(days=1))


def _leader(assignment: Assignment) -> User:
    return (
        Membership.objects.select_related("user")
        .get(group_id=assignment.group_id, role=Membership.GroupRole.LEADER)
        .user
    )


def hold_meeting(assignment: Assignment, problems: list[Problem], leader: User, members: list[User]) -> None:
    """The group meeting on the last day on site confirms the papers that hold (the caller acts at its hour)."""
    if not problems:
        return
    actions.hold_group_meeting(
        assignment,
        held_on=min(assignment.stationed_until, clock.real_today()),
        attendees=[leader, *members],
        minutes=MEETING_MINUTES.format(target=assignment.target.name),
        decisions=f"确认问题底稿{len(problems)}份。",
        problems=problems,
        actor=leader,
    )


def _gate(report: Report, kind: str, day: date, actor: User, hour: int) -> None:
    with clock.at(day, hour):
        actions.record_gate(
            report,
            kind,
            decision=Gate.Decision.PASSED,
            held_on=day,
            minutes=MINUTES[kind].format(target=report.assignment.target.name if report.assignment else ""),
            decisions=DECISIONS[kind],
            actor=actor,
        )


def _draft(round_: Round, assignment: Assignment, leader: User, until: int) -> tuple[Report, list[date]]:
    days = [_past(add_working_days(assignment.stationed_until, offset)) for offset in SCHEDULE]
    with clock.at(days[0], 10):
        report = actions.draft_report(round_, assignment=assignment, actor=leader)
    return report, days[1 : until + 1]


def pass_gates(round_: Round, office: User, fed_back_on: dict[int, date]) -> None:
    """Every group's report passes its four gates before the first feedback of its villages."""
    for assignment in round_.assignments.select_related("group", "target").order_by("stationed_until", "pk"):
        leader = _leader(assignment)
        report, days = _draft(round_, assignment, leader, len(SCHEDULE) - 1)
        last = fed_back_on[assignment.pk] - timedelta(days=1)
        days = [min(day, last) for day in days]
        for hour, (kind, day) in enumerate(zip(actions.GATE_ORDER, days, strict=True), start=9):
            _gate(report, kind, day, leader if kind == Gate.Kind.GROUP_MEETING else office, hour)
        if round_.number == SEPARATE_ROUND:
            _separate(assignment, leader, fed_back_on[assignment.pk])


def _separate(assignment: Assignment, leader: User, day: date) -> None:
    """The group leader gives 山东村's secretary the separate feedback on the day its lists are fed back."""
    village = assignment.covered.filter(village__code=SHANDONG).select_related("village").first()
    if village is None:
        return
    with clock.at(day, 16):
        actions.give_separate_feedback(
            assignment,
            village.village,
            given_on=day,
            person=SEPARATE_PERSON,
            points=SEPARATE_POINTS,
            actor=leader,
        )


def await_office_review(round_: Round) -> None:
    """The live round's groups have drafted their reports and passed their group meetings."""
    for assignment in round_.assignments.select_related("group", "target").order_by("stationed_until", "pk"):
        leader = _leader(assignment)
        report, days = _draft(round_, assignment, leader, 1)
        _gate(report, Gate.Kind.GROUP_MEETING, days[0], leader, 15)
