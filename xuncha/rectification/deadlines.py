"""When the deliverables of art. 27 fall due after a feedback: the village's rectification plan (整改方案) in working
days, its rectification report (整改报告) and its principal leader's report (主要负责人组织落实情况报告) in months. The
feedback prints the plan's date (``Feedback.plan_due``) and the deliverables app tracks all three, by these
functions, so that the printed date and the tracked one never differ."""

from __future__ import annotations

from datetime import date

from django.conf import settings

from xuncha.core import workdays


def plan_due(fed_back_on: date) -> date:
    """整改方案: ``XUNCHA_PLAN_WORKING_DAYS`` working days after the feedback."""
    return workdays.add_working_days(fed_back_on, settings.XUNCHA_PLAN_WORKING_DAYS)


def report_due(fed_back_on: date) -> date:
    """整改报告: ``XUNCHA_REPORT_MONTHS`` months after the feedback (moved to a working day)."""
    return workdays.add_months(fed_back_on, settings.XUNCHA_REPORT_MONTHS)


def leader_report_due(fed_back_on: date) -> date:
    """主要负责人组织落实情况报告: ``XUNCHA_LEADER_REPORT_MONTHS`` months after the feedback (with the report)."""
    return workdays.add_months(fed_back_on, settings.XUNCHA_LEADER_REPORT_MONTHS)
