"""Checks of the demo's live rounds and business dates, run by ``test_demo.py`` on the demo it loads once."""

from __future__ import annotations

from datetime import datetime, time

from django.utils import timezone

from xuncha.audit.models import Event
from xuncha.demo import data
from xuncha.findings import permissions as finding_permissions
from xuncha.findings.models import Clue, Petition, Problem
from xuncha.inspections.models import Assignment, AssignmentVillage, ContactChannel, Round
from xuncha.rectification.models import Feedback, ProblemList

CHENGNAN = "450328100001"  # 城南社区
LONGSHENG_TOWN = "450328100000"


def check_live_rounds() -> None:
    """Round 5 reports: its groups left weeks ago, its papers are confirmed and no list is built yet (城南社区 and
    龙胜镇 among its villages). Round 6's 第三巡察组 is on site today: channels published, the public form open,
    drafts written, petitions waiting. Both revisit villages inspected earlier, so coverage stays 75."""
    today = timezone.localdate()
    reporting = Round.objects.get(number=5)
    assert (reporting.kind, reporting.status) == (Round.Kind.REVISIT, Round.Status.REPORTING)
    assert not Assignment.objects.filter(round=reporting, stationed_until__gte=today).exists()
    papers = Problem.objects.filter(round=reporting)
    assert set(papers.values_list("status", flat=True)) == {Problem.Status.CONFIRMED}
    assert papers.filter(village__code=CHENGNAN, village__parent__code=LONGSHENG_TOWN).exists()
    assert not ProblemList.objects.filter(round=reporting).exists()
    assert not Feedback.objects.filter(round=reporting).exists()
    # The report chain: round 5's reports wait for the office's review; rounds 1–4 passed every gate before
    # feedback; every confirmed paper was confirmed by its group's meeting.
    from xuncha.reporting.models import Report

    assert set(Report.objects.filter(round=reporting).values_list("status", flat=True)) == {"OFFICE_REVIEW"}
    assert set(Report.objects.filter(round__number__lte=4).values_list("status", flat=True)) == {"APPROVED"}
    assert not Problem.objects.exclude(status__in=["DRAFT", "DISCARDED"]).filter(group_meetings__isnull=True).exists()

    on_site = Round.objects.get(number=6)
    assert on_site.status == Round.Status.STATIONED
    assignment = Assignment.objects.select_related("group", "round").get(round=on_site)
    assert assignment.stationed_from <= today <= assignment.stationed_until
    assert assignment.group.name == "第三巡察组"
    assert set(assignment.group.members.values_list("username", flat=True)) >= {"group3_leader", "group3_member"}
    assert ContactChannel.objects.filter(assignment=assignment).count() == 3
    assert finding_permissions.is_recording(assignment)
    drafts = Problem.objects.filter(round=on_site)
    assert set(drafts.values_list("status", flat=True)) == {Problem.Status.DRAFT}
    assert not drafts.filter(found_on__gte=today).exists()
    assert Petition.objects.filter(assignment=assignment, status=Petition.Status.RECEIVED).exists()

    earlier = set(AssignmentVillage.objects.filter(round__number__lte=4).values_list("village", flat=True))
    live = set(AssignmentVillage.objects.filter(round__number__gt=4).values_list("village", flat=True))
    assert live and live <= earlier


def check_business_dates() -> None:
    """Each event and record is dated on the business day it describes: the platform set up before the term, a 2023
    paper recorded, confirmed and fed back in 2023, each paper confirmed on its group's last day on site, a clue
    transfer numbered 〔2023〕 made in 2023; only the loading itself is dated today."""
    first = Event.objects.order_by("seq").first()
    assert first is not None and timezone.localtime(first.created_at).date() <= data.TERM_START
    hydrants = Problem.objects.get(round__number=4, village__code=CHENGNAN, phenomenon__contains="消火栓")
    years = {timezone.localtime(event.created_at).year for event in Event.objects.for_object(hydrants)}
    assert years == {2023}
    for problem in Problem.objects.filter(confirmed_at__isnull=False).select_related("assignment"):
        assert timezone.localtime(problem.confirmed_at).date() == problem.assignment.stationed_until, problem.serial
    clues = Clue.objects.exclude(transfer_number="")
    assert clues.count() == 13
    for clue in clues:
        assert clue.transferred_at is not None
        assert f"〔{timezone.localtime(clue.transferred_at).year}〕" in clue.transfer_number
    start_of_today = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    assert set(Event.objects.filter(created_at__gte=start_of_today).values_list("verb", flat=True)) == {"demo.loaded"}
