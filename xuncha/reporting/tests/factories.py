"""The report chain for tests: ``approve_round_report`` writes a round's report that passed all four gates, so that
tests of feedback and rectification meet the rule that lists are fed back only after the last gate."""

from __future__ import annotations

from datetime import date

from xuncha.accounts.models import User
from xuncha.accounts.tests.factories import UserFactory
from xuncha.findings.models import Problem
from xuncha.inspections.models import Round
from xuncha.reporting.actions import GATE_ORDER
from xuncha.reporting.models import Gate, Report, ReportVersion

REPORT_TEXT = "\n".join(
    [
        "一、基本情况",
        "巡察情况。",
        "二、发现的主要问题",
        "问题情况。",
        "三、意见建议",
        "1. 建议。",
        "四、问题线索",
        "发现问题线索0件。",
    ]
)


def _writer(round_: Round) -> User:
    """Someone who already exists in the test (a finder of the round's papers, else any account), so that the
    report adds no account to the scene; a new one only in an empty database."""
    problem = Problem.objects.filter(round=round_).select_related("finder").first()
    if problem is not None:
        return problem.finder
    return User.objects.order_by("pk").first() or UserFactory.create(username="report_writer")


def approve_round_report(round_: Round, *, on: date | None = None) -> Report:
    """The round's inspection report, approved at the secretary's meeting (written directly, once per round, with no
    audit event: the scenes of other features are left as they were)."""
    existing = Report.objects.filter(round=round_, assignment=None, kind=Report.Kind.INSPECTION).first()
    if existing is not None:
        if existing.status != Report.Status.APPROVED:
            Report.objects.filter(pk=existing.pk).update(status=Report.Status.APPROVED)
        return existing
    writer = _writer(round_)
    on = on or round_.start_date
    report = Report.objects.create(
        round=round_,
        title=f"关于第{round_.number}轮巡察情况的巡察报告",
        text=REPORT_TEXT,
        status=Report.Status.APPROVED,
        drafted_by=writer,
        approved_on=on,
    )
    ReportVersion.objects.create(report=report, number=1, text=REPORT_TEXT, author=writer)
    Gate.objects.bulk_create(
        [
            Gate(
                report=report,
                kind=kind,
                held_on=on,
                minutes="会议听取了巡察情况汇报。",
                decision=Gate.Decision.PASSED,
                version=1,
                recorded_by=writer,
            )
            for kind in GATE_ORDER
        ]
    )
    return report
