"""The Longsheng demo (``xuncha demo``) and the figures ``xuncha stats`` prints for it.

Loading the demo takes some tens of seconds: ``TestLoadedDemo`` loads it once for its tests, which only read it
(each test's own writes are rolled back). The other tests need an empty database or none.
"""

from __future__ import annotations

import json
import random
import string
from collections.abc import Iterator
from datetime import date, timedelta
from io import BytesIO, StringIO
from types import SimpleNamespace
from typing import Any, cast

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from xuncha.accounts.models import Notification, Role, RoleGrant, User
from xuncha.appraisal.tests.demo_checks import check_appraisal_demo
from xuncha.archive.tests.demo_checks import check_archive_demo
from xuncha.audit.models import Event
from xuncha.conftest import FAST_TEST_SETTINGS
from xuncha.core import uploads
from xuncha.demo import (
    builder,
    clock,
    data,
    findings_data,
    findings_story,
    problem_texts,
    rectification_data,
    rectification_story,
    showcases,
)
from xuncha.demo.builder import ACCOUNT_GRANTS
from xuncha.evidence.models import Evidence
from xuncha.findings import sealing
from xuncha.findings.models import Category as ProblemCategory
from xuncha.findings.models import Clue, FixType, ImmediateFixNotice, Petition, Problem, Suggestion
from xuncha.findings.queries import findings_figures
from xuncha.inspections.models import (
    Assignment,
    AssignmentVillage,
    InspectionGroup,
    Membership,
    Round,
    Term,
)
from xuncha.organisations.models import AdminUnit, Category
from xuncha.organisations.tests import factories as units
from xuncha.public.models import Disclosure
from xuncha.public.tests.demo_checks import check_disclosure_demo
from xuncha.rectification import lights
from xuncha.rectification.models import (
    CommonItem,
    Feedback,
    LedgerItem,
    ListEntry,
    ProblemList,
    Progress,
    Receipt,
    ReturnVisit,
    VillageResponsibility,
    VisitCheck,
)
from xuncha.tests import demo_live_checks
from xuncha.tests.demo_dashboard import check_dashboard

CHENGNAN = "450328100001"  # 城南社区, a key village inspected directly in round 4
SHANDONG = "450328100212"  # 山东村, inspected directly by 第三巡察组 in round 3 (April 2023)
LONGSHENG_TOWN = "450328100000"
JINJIE = "450328100209"  # 金结村, brought along by the township assignment of 龙胜镇 in round 4
COUNTY = "450328000000"

# The demo's sign-in accounts: one per role (two villages), with the unit each role is held over.
DEMO_ACCOUNTS: dict[str, tuple[Role, str | None]] = {
    "sysadmin": (Role.SYSADMIN, None),
    "security_admin": (Role.SECURITY_ADMIN, None),
    "auditor": (Role.AUDITOR, None),
    "office": (Role.OFFICE, COUNTY),
    "office_lead": (Role.OFFICE_LEAD, COUNTY),
    "group3_leader": (Role.GROUP_LEADER, COUNTY),
    "group3_member": (Role.GROUP_MEMBER, COUNTY),
    "discipline": (Role.DISCIPLINE, COUNTY),
    "orgdept": (Role.ORG_DEPT, COUNTY),
    "township_longsheng": (Role.TOWNSHIP, LONGSHENG_TOWN),
    "village_chengnan": (Role.VILLAGE, CHENGNAN),
    "village_shandong": (Role.VILLAGE, SHANDONG),
    "leader": (Role.LEADER, COUNTY),
    "city_leader": (Role.LEADER, "450300000000"),
    "dept_zhujian": (Role.DEPARTMENT, "450328999001"),
    "dept_xiaofang": (Role.DEPARTMENT, "450328999002"),
}


def _run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _stats() -> dict[str, Any]:
    figures: dict[str, Any] = json.loads(_run("stats", "--json"))
    return figures


def _counts() -> dict[str, int]:
    return {
        "units": AdminUnit.objects.count(),
        "users": User.objects.count(),
        "grants": RoleGrant.objects.count(),
        "terms": Term.objects.count(),
        "rounds": Round.objects.count(),
        "groups": InspectionGroup.objects.count(),
        "memberships": Membership.objects.count(),
        "assignments": Assignment.objects.count(),
        "assignment_villages": AssignmentVillage.objects.count(),
        "events": Event.objects.count(),
        "problems": Problem.objects.count(),
        "notices": ImmediateFixNotice.objects.count(),
        "suggestions": Suggestion.objects.count(),
        "petitions": Petition.objects.count(),
        "clues": Clue.objects.count(),
        "evidence": Evidence.objects.count(),
        "lists": ProblemList.objects.count(),
        "list_entries": ListEntry.objects.count(),
        "common_items": CommonItem.objects.count(),
        "feedbacks": Feedback.objects.count(),
        "receipts": Receipt.objects.filter(signed_at__isnull=False).count(),
        "ledger_items": LedgerItem.objects.count(),
        "progress": Progress.objects.count(),
        "visits": ReturnVisit.objects.count(),
        "checks": VisitCheck.objects.count(),
    }


@pytest.fixture(scope="class")
def demo(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo loaded once for a class of tests that only read it, and what ``xuncha demo`` printed. It stays in a
    transaction rolled back after the class (each test's own writes are rolled back after the test); its evidence
    files go to a temporary folder."""
    with override_settings(**FAST_TEST_SETTINGS, MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        loading = transaction.atomic()
        with django_db_blocker.unblock():
            loading.__enter__()
        try:
            with django_db_blocker.unblock():
                output = _run("demo")
            yield output
        finally:
            with django_db_blocker.unblock():
                transaction.set_rollback(True)
                loading.__exit__(None, None, None)


@pytest.fixture
def figures(demo: str) -> dict[str, Any]:
    """What ``xuncha stats`` reports for the loaded demo."""
    return _stats()


@pytest.mark.django_db
class TestLoadedDemo:
    """The demo as ``xuncha demo`` loads it into an empty database."""

    def test_it_loads_the_longsheng_county(self, demo: str, figures: dict[str, Any]) -> None:
        """The demo gives Longsheng's real figures, its round 4 assignments and one account per role."""
        assert "The Longsheng demo is loaded." in demo
        _check_county(figures)

    def test_its_findings(self, figures: dict[str, Any]) -> None:
        _check_findings(figures)

    def test_no_fed_back_text_repeats_a_clue(self, demo: str) -> None:
        _check_no_text_repeats_a_clue()

    def test_its_rectification(self, figures: dict[str, Any]) -> None:
        _check_rectification(figures)

    def test_its_documents(self, figures: dict[str, Any]) -> None:
        _check_documents(figures)

    def test_every_item_names_its_responsible_people(self, demo: str) -> None:
        """Each fed-back item names the village secretary (第一责任人) and the township's 包村领导 (督促责任人);
        the live round's villages, whose lists the office still has to publish, have both named already."""
        assert LedgerItem.objects.count() > 700
        assert not LedgerItem.objects.filter(Q(first_responsible_name="") | Q(overseer_name="")).exists()
        waiting = AssignmentVillage.objects.filter(round__number=5).values("village")
        named = (
            VillageResponsibility.objects.filter(village__in=waiting).exclude(first_name="").exclude(overseer_name="")
        )
        assert named.count() == waiting.count() == 3

    def test_its_dashboard(self, figures: dict[str, Any]) -> None:
        check_dashboard(figures)

    def test_its_disclosure(self, demo: str) -> None:
        check_disclosure_demo(Client())

    def test_its_appraisals(self, demo: str) -> None:
        check_appraisal_demo(Client())

    def test_its_archive(self, demo: str) -> None:
        check_archive_demo()

    def test_its_audit_chain_verifies(self, demo: str) -> None:
        assert "Audit chain intact" in _run("verify-audit")

    def test_its_live_rounds(self, demo: str) -> None:
        demo_live_checks.check_live_rounds()

    def test_its_events_are_dated_on_their_business_dates(self, demo: str) -> None:
        demo_live_checks.check_business_dates()

    def test_its_bells_hold_the_live_hand_offs_and_not_the_history(self, demo: str) -> None:
        """Every account has read the notices of its history; those of the last weeks wait, e.g. the live round's
        petitions for 第三巡察组 and the submissions a township has to review; the city leader is titled 市领导."""
        recent = timezone.now() - timedelta(days=builder.UNREAD_NOTICE_DAYS)
        unread = Notification.objects.unread()
        assert not unread.filter(created_at__lt=recent).exists()
        assert Notification.objects.filter(read_at__isnull=False).count() > 1000
        kinds = {(user, kind) for user, kind in unread.values_list("user__username", "kind")}
        assert ("group3_member", "PETITION") in kinds
        assert ("township_longsheng", "AWAITING_REVIEW") in kinds
        assert "韦志明    City leader" in demo  # the tests build the demo in English

    def test_it_runs_again_without_changing_anything(self, figures: dict[str, Any]) -> None:
        """A second run reports the demo as loaded and writes nothing: same rows, same events, same figures."""
        counts = _counts()
        output = _run("demo")
        assert "already loaded" in output
        assert "sysadmin" in output
        assert _counts() == counts
        assert _stats() == figures
        assert "Audit chain intact" in _run("verify-audit")


def _check_county(figures: dict[str, Any]) -> None:
    """Longsheng's real divisions and classification, round 4's assignments, the accounts and their grants."""
    assert figures["county"]["code"] == "450328"
    assert {
        key: figures[key]
        for key in (
            "townships",
            "villages",
            "village_committees",
            "communities",
            "key_villages",
            "general_villages",
            "inspected_villages",
        )
    } == {
        "townships": 10,
        "villages": 128,
        "village_committees": 119,
        "communities": 9,
        "key_villages": 23,
        "general_villages": 105,
        "inspected_villages": 75,
    }
    assert figures["term"] == data.TERM_NAME
    assert figures["unclassified_villages"] == 0
    assert figures["villages_to_cover"] == 128 - 75
    assert sum(row["villages"] for row in figures["coverage_by_township"]) == 128
    round_4 = next(row for row in figures["rounds"] if row["round"] == 4)
    assert round_4["key_villages_direct"] == 7
    assert round_4["assignments_by_mode"]["DIRECT"] == 7

    chengnan = AdminUnit.objects.get(code=CHENGNAN)
    shandong = AdminUnit.objects.get(code=SHANDONG)
    assert (chengnan.short_name, chengnan.category) == ("城南社区", Category.KEY)
    assert chengnan.category_reason == data.KEY_VILLAGES[CHENGNAN]
    assert (shandong.short_name, shandong.category) == ("山东村", Category.GENERAL)

    direct = Assignment.objects.select_related("group").get(round__number=4, target=chengnan)
    assert direct.mode == Assignment.Mode.DIRECT
    assert direct.group.name == "第三巡察组"
    brought = AssignmentVillage.objects.select_related("assignment__target").get(round__number=4, village__code=JINJIE)
    assert brought.assignment.mode == Assignment.Mode.TOWNSHIP_WITH_VILLAGES
    assert brought.assignment.target.code == LONGSHENG_TOWN
    assert brought.assignment.target.name == "龙胜镇"
    # 山东村 once in the term: round 3, 第三巡察组, in April 2023.
    covering = AssignmentVillage.objects.select_related("assignment__group").get(village=shandong, round__number__lte=4)
    assert (covering.round.number, covering.assignment.group.name) == (3, "第三巡察组")
    assert covering.assignment.mode == Assignment.Mode.DIRECT
    assert covering.assignment.stationed_from.month == covering.assignment.stationed_until.month == 4

    for username, (role, code) in DEMO_ACCOUNTS.items():
        user = User.objects.get(username=username)
        assert user.check_password(settings.XUNCHA_DEMO_PASSWORD), username
        grants = [(g.role, g.unit.code if g.unit else None) for g in RoleGrant.objects.filter(user=user)]
        assert grants == [(role, code)], username
    for username, _name, _post in data.INSPECTORS:
        inspector = User.objects.get(username=username)
        assert not inspector.has_usable_password()
        assert [g.role for g in RoleGrant.objects.filter(user=inspector)] == [Role.GROUP_MEMBER]
    assert User.objects.get(username="sysadmin").is_staff
    assert User.objects.get(username="security_admin").is_staff
    assert not User.objects.get(username="auditor").is_staff
    assert not User.objects.get(username="office").is_staff
    group_3 = InspectionGroup.objects.get(round__number=4, number=3)
    assert set(group_3.members.values_list("username", flat=True)) >= {"group3_leader", "group3_member"}


def _check_documents(figures: dict[str, Any]) -> None:
    """The office downloads 城南社区's feedback, the round-4 comprehensive report and the county ledger, and each
    opens as what it says it is."""
    import docx
    import openpyxl

    from xuncha.documents.exports import LEDGER_COLUMNS

    client = Client()
    client.force_login(User.objects.get(username="office"))
    feedback = Feedback.objects.get(round__number=4, village__code=CHENGNAN)
    response = client.get(reverse("documents:feedback-docx", args=[feedback.pk]))
    assert response.status_code == 200
    text = "\n".join(paragraph.text for paragraph in docx.Document(BytesIO(response.content)).paragraphs)
    assert "城南社区" in text
    assert "反馈意见" in text
    round_4 = Round.objects.get(number=4)
    response = client.get(reverse("documents:round-report-docx", args=[round_4.pk]))
    assert response.status_code == 200
    report = docx.Document(BytesIO(response.content))
    assert "综合报告" in "\n".join(paragraph.text for paragraph in report.paragraphs)
    response = client.get(reverse("documents:ledger-xlsx", args=["450328"]))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(BytesIO(response.content), read_only=True).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(LEDGER_COLUMNS)
    assert len(rows) - 1 == figures["ledger_items"]


def _fed_back_texts(village_id: int) -> Iterator[tuple[str, str]]:
    """Every text of a village that left the inspection office: its fed-back papers, the common items naming it,
    its ledger items with their progress notes, and what residents were shown."""
    for problem in Problem.objects.filter(village_id=village_id, status=Problem.Status.FED_BACK):
        for name in ("phenomenon", "basis", "responsibility"):
            yield f"{problem.serial} {name}", getattr(problem, name)
    for item in CommonItem.objects.filter(villages=village_id):
        yield f"common item {item.pk}", item.text
    for ledger_item in LedgerItem.objects.filter(village_id=village_id):
        for name in ("summary", "measures", "goal"):
            yield f"ledger item {ledger_item.number} {name}", getattr(ledger_item, name)
    for progress in Progress.objects.filter(item__village_id=village_id):
        yield f"progress {progress.pk}", progress.text
    for disclosure in Disclosure.objects.filter(item__village_id=village_id):
        yield f"disclosure {disclosure.pk}", f"{disclosure.summary}\n{disclosure.result}"


def _check_no_text_repeats_a_clue() -> None:
    """No text the demo fed back to a township, a village or residents repeats a sealed clue of its village, in
    any round (``findings.sealing.overlap``: the person's name, a passage of 12 characters, or much shared
    wording); the papers the clues came from say only that a problem was handed over."""
    clues = list(Clue.objects.exclude(village=None).values_list("village_id", "source", "subject", "summary"))
    assert len(clues) == 13
    repeats = [
        (label, subject)
        for village_id, _source, subject, summary in clues
        for label, text in _fed_back_texts(village_id)
        if sealing.overlap(text, subject, summary) is not None
    ]
    assert repeats == []
    from_papers = Problem.objects.filter(pk__in=Clue.objects.exclude(problem=None).values("problem_id"))
    assert from_papers.count() == 7
    assert all("相关问题线索已按程序移交" in problem.phenomenon for problem in from_papers)


def _check_findings(figures: dict[str, Any]) -> None:
    """The term's findings: Longsheng's published 732 problems and 13 clues, 山东村's suggestions, 城南社区's
    hydrants, each paper written and confirmed by the right people on the right days."""
    assert figures["problems"] == 732
    assert set(figures["problems_by_category"]) == set(ProblemCategory.values)
    assert sum(figures["problems_by_category"].values()) == 732
    assert all(figures["problems_by_category"].values())
    by_category = figures["problems_by_category"]
    assert by_category["CORRUPTION"] < min(by_category[code] for code in ("FINANCE", "ASSETS", "BENEFIT", "PARTY_ORG"))
    fix_types = figures["problems_by_fix_type"]
    assert sum(fix_types.values()) == 732
    assert fix_types["FOLLOW_UP"] > fix_types["IMMEDIATE"] > fix_types["LONG_TERM"] > 0
    # Fed back but the live rounds' papers: confirmed in round 5 (reporting), drafts in round 6 (on site).
    live = {spec.number: sum(spec.problems.values()) for spec in data.live_rounds(timezone.localdate())}
    statuses = figures["problems_by_status"]
    assert (statuses["FED_BACK"], statuses["CONFIRMED"], statuses["DRAFT"]) == (
        732 - live[5] - live[6],
        live[5],
        live[6],
    )
    assert 0 < statuses["DISCARDED"] < 10
    sources = dict(
        Problem.objects.exclude(status=Problem.Status.DISCARDED).values_list("source").annotate(n=Count("pk"))
    )
    assert set(sources) == set(Problem.Source.values)

    # Every inspected village has 5 to 15 papers that stand in the earlier rounds; villages that were not inspected
    # have none.
    standing = Problem.objects.exclude(status=Problem.Status.DISCARDED)
    per_village = dict(standing.filter(round__number__lte=4).values_list("village__code").annotate(n=Count("pk")))
    inspected = set(AssignmentVillage.objects.values_list("village__code", flat=True))
    assert set(per_village) == inspected
    assert len(inspected) == 75
    assert all(5 <= count <= 15 for count in per_village.values()), per_village
    assert standing.values("phenomenon").distinct().count() > 700  # written per village, not copied

    # Found, received and noticed within the stationing of their assignment.
    stationing = Q(assignment__stationed_from__lte=F("found_on"), assignment__stationed_until__gte=F("found_on"))
    assert not Problem.objects.exclude(stationing).exists()
    assert not Suggestion.objects.exclude(
        assignment__stationed_from__lte=F("received_on"), assignment__stationed_until__gte=F("received_on")
    ).exists()
    assert not ImmediateFixNotice.objects.exclude(
        issued_on__gte=F("problem__assignment__stationed_from"),
        deadline__lte=F("problem__assignment__stationed_until"),
    ).exists()
    # Written by members of the finding group, confirmed by its leader.
    member = Membership.objects.filter(group=OuterRef("group"), user=OuterRef("finder"))
    leader = Membership.objects.filter(
        group=OuterRef("group"), user=OuterRef("confirmed_by"), role=Membership.GroupRole.LEADER
    )
    assert not standing.exclude(Exists(member)).exists()
    assert not standing.exclude(status=Problem.Status.DRAFT).exclude(Exists(leader)).exists()
    # Every immediate fix has its notice, most of them completed; no other paper has one. The drafts of the group on
    # site today have none yet.
    notices = figures["immediate_fix_notices"]
    immediate = standing.exclude(status=Problem.Status.DRAFT).filter(fix_type=FixType.IMMEDIATE).count()
    assert notices["issued"] == immediate == standing.filter(notice__isnull=False).count()
    assert notices["issued"] * 0.9 < notices["completed"] < notices["issued"]

    clues = figures["clues_by_status"]
    assert figures["clues_transferred"] == 13 == Clue.objects.count()
    assert clues["REGISTERED"] == 0
    assert all(clues[status] >= 2 for status in ("TRANSFERRED", "RECEIVED", "DISPOSED", "FEEDBACK"))
    assert len([count for count in figures["clues_by_disposal"].values() if count]) >= 4
    assert set(Clue.objects.values_list("receiver", flat=True)) == {Clue.Receiver.DISCIPLINE}
    assert set(Clue.objects.values_list("source", flat=True)) == set(Clue.Source.values)
    subjects = Clue.objects.values_list("subject", flat=True)  # encrypted: compared once decrypted
    assert all(subject.startswith("该") for subject in subjects)  # a post in the village, never a name

    suggestions = figures["suggestions"]
    assert all(suggestions[outcome] for outcome in Suggestion.Outcome.values)
    assert (
        suggestions["total"]
        == sum(suggestions[outcome] for outcome in Suggestion.Outcome.values) + suggestions["undecided"]
    )
    assert suggestions["undecided"] == 0  # decided before the lists were built
    shandong = Suggestion.objects.filter(village__code=SHANDONG).select_related("problem", "assignment__group")
    assert shandong.count() == 17
    # Gathered in April 2023 by 第三巡察组 in round 3.
    assert {(s.assignment.round.number, s.assignment.group.name) for s in shandong} == {(3, "第三巡察组")}
    assert {(s.received_on.year, s.received_on.month) for s in shandong} == {(2023, 4)}
    assert set(shandong.values_list("topic", flat=True)) == {Suggestion.Topic.INDUSTRY}
    assert dict(shandong.values_list("outcome").annotate(n=Count("pk"))) == {"IMMEDIATE": 9, "FOLLOW_UP": 8}
    for suggestion in shandong:
        problem = suggestion.problem
        assert problem is not None
        assert (problem.village.code, problem.category, problem.source) == (SHANDONG, "INDUSTRY", "SUGGESTION")
        assert (problem.fix_type, problem.status) == (suggestion.outcome, Problem.Status.FED_BACK)

    petitions = figures["petitions"]
    assert petitions["total"] > 100
    assert 0 < petitions["anonymous"] < petitions["total"]
    assert all(petitions["by_disposition"].values())
    waiting = Petition.objects.filter(status=Petition.Status.RECEIVED)
    assert waiting.exists() and not waiting.exclude(assignment__round__number=6).exists()
    assert sum(petitions["by_disposition"].values()) == petitions["total"] - waiting.count()
    assert not Petition.objects.filter(disposition=Petition.Disposition.PROBLEM, problem__isnull=True).exists()
    assert not Petition.objects.filter(disposition=Petition.Disposition.DUPLICATE, duplicate_of__isnull=True).exists()

    # 城南社区: the fire hydrants removed by the 2023 water works, reported by residents, confirmed by 第三巡察组.
    hydrants = Problem.objects.select_related("confirmed_by", "group", "assignment").get(
        village__code=CHENGNAN, phenomenon__contains="消火栓"
    )
    assert (hydrants.category, hydrants.fix_type, hydrants.source, hydrants.status) == (
        ProblemCategory.SAFETY_LIVELIHOOD,
        FixType.IMMEDIATE,
        Problem.Source.PETITION,
        Problem.Status.FED_BACK,
    )
    assert (hydrants.round.number, hydrants.group.name) == (4, "第三巡察组")
    group_leader = Membership.objects.get(group=hydrants.group, role=Membership.GroupRole.LEADER).user
    assert hydrants.confirmed_by == group_leader
    assert group_leader.username == "group3_leader"
    notice = ImmediateFixNotice.objects.get(problem=hydrants)
    assert notice.deadline <= hydrants.assignment.stationed_until
    reports = Petition.objects.filter(problem=hydrants)
    assert reports.count() == len(findings_data.HYDRANT_PETITIONS)
    assert set(reports.values_list("disposition", flat=True)) == {Petition.Disposition.PROBLEM}
    assert {petition.is_anonymous for petition in reports} == {True, False}
    assert set(reports.values_list("category", flat=True)) == {ProblemCategory.SAFETY_LIVELIHOOD}

    # The same figures on the county page; the clue count only for those who may know of clues.
    client = Client()
    county_url = reverse("organisations:unit-detail", args=["450328"])
    client.force_login(User.objects.get(username="office"))
    page = client.get(county_url).content.decode()
    assert 'data-figure="problems">732<' in page
    assert 'data-figure="clues">13<' in page
    assert 'data-figure="inspected"' in page and ">75</a>" in page
    client.force_login(User.objects.get(username="township_longsheng"))
    assert client.get(county_url).status_code == 404


def _check_rectification(figures: dict[str, Any]) -> None:
    """Every round fed back and rectified: the earlier rounds closed, round 4 still rectifying with a realistic spread
    of item states as of today, the figures of ``xuncha stats`` those of the database, and the showcase villages."""
    today = timezone.localdate()
    assert list(Round.objects.order_by("number").values_list("status", flat=True)) == [
        Round.Status.CLOSED,
        Round.Status.CLOSED,
        Round.Status.CLOSED,
        Round.Status.RECTIFYING,
        Round.Status.REPORTING,
        Round.Status.STATIONED,
    ]
    items = LedgerItem.objects.all()
    Status = LedgerItem.Status
    done = [Status.CLOSED, Status.ONGOING]
    total, closed = items.count(), items.filter(status=Status.CLOSED).count()
    ongoing = items.filter(status=Status.ONGOING).count()
    overdue = items.filter(status__in=lights.WORKING, deadline__lt=today).count()
    assert (figures["ledger_items"], figures["closed"], figures["ongoing"], figures["overdue"]) == (
        total,
        closed,
        ongoing,
        overdue,
    )
    assert figures["completion_rate"] == (2000 * closed + total) // (2 * total) / 10
    assert sum(row["ledger_items"] for row in figures["by_round"]) == total
    # Most closed, a few long-term ones ongoing, some at work, a few overdue.
    assert closed > 0.7 * total
    assert 0 < ongoing < 0.1 * total
    assert 0 < overdue <= 0.02 * total
    assert 0 < items.exclude(status__in=done).filter(deadline__gte=today).count() < 0.05 * total
    timed = items.filter(status=Status.CLOSED).exclude(fix_type=FixType.LONG_TERM).count()
    assert 0 < figures["closed_late"] < figures["closed_on_time"] + figures["closed_late"] == timed < closed
    assert figures["return_visits"]["verified"] > 100
    assert figures["return_visits"]["reopened"] >= 1
    assert figures["return_visits"]["people_satisfied"] <= figures["return_visits"]["people_asked"]
    assert not ReturnVisit.objects.filter(people_satisfied__gt=F("people_asked")).exists()
    assert ReturnVisit.objects.filter(status=ReturnVisit.Status.PLANNED, planned_on__gt=today).exists()

    # Every paper of the rounds fed back is on one list: its village's individual list, or a common item naming its
    # village; the live rounds' papers are on none yet.
    problems = Problem.objects.exclude(status=Problem.Status.DISCARDED)
    on_lists = problems.filter(Q(ledger_item__isnull=False) | Q(common_items__villages=F("village"))).distinct()
    assert (
        on_lists.count()
        == problems.filter(round__number__lte=4).count()
        == 732 - problems.filter(round__number__gt=4).count()
    )
    # A common item is fanned out: one ledger item per village it names; its problems come from several villages.
    for item in CommonItem.objects.annotate(named=Count("villages", distinct=True)):
        assert item.ledger_items.count() == item.named >= 3
        assert item.problems.values("village").distinct().count() >= 2
    assert CommonItem.objects.filter(problem_list__round__number=4).count() >= 3

    # Earlier rounds: everything closed but long-term items still ongoing; fed back 6 to 8 weeks after stationing.
    # (山东村's follow-up items, on its industries, are still at work: see below.)
    earlier = items.filter(round__number__lt=4).exclude(village__code=SHANDONG, fix_type=FixType.FOLLOW_UP)
    assert set(earlier.values_list("status", flat=True)) == {Status.CLOSED, Status.ONGOING}
    assert set(earlier.filter(status=Status.ONGOING).values_list("fix_type", flat=True)) == {FixType.LONG_TERM}
    for feedback in Feedback.objects.select_related("round"):
        stationing = Assignment.objects.get(round=feedback.round, covered__village=feedback.village)
        assert 40 <= (feedback.fed_back_on - stationing.stationed_until).days <= 60, feedback
    assert not items.filter(closed_on__lt=F("feedback__fed_back_on")).exists()
    assert not items.filter(closed_on__gt=today).exists()
    assert not Progress.objects.filter(on__gt=today).exists()
    # Steps whose actions take no date are dated on the story's day, not on the day the demo was loaded.
    assert not Progress.objects.filter(on__lt=F("item__feedback__fed_back_on")).exclude(kind="SUBMISSION").exists()
    assert not Progress.objects.filter(kind=Progress.Kind.PLAN, on__gte=date(2025, 1, 1)).exists()

    # Round 4: every village has its feedback, sent to the township and the village; one or two have not signed.
    round_4 = Round.objects.get(number=4)
    villages = set(AssignmentVillage.objects.filter(round=round_4).values_list("village_id", flat=True))
    feedbacks = Feedback.objects.filter(round=round_4)
    assert set(feedbacks.values_list("village_id", flat=True)) == villages
    assert len(villages) == 18
    for feedback in feedbacks.select_related("village__parent"):
        receipts = {receipt.recipient: receipt for receipt in feedback.receipts.all()}
        assert set(receipts) == {Receipt.Recipient.TOWNSHIP, Receipt.Recipient.VILLAGE}
        assert receipts["TOWNSHIP"].unit == feedback.village.parent
        assert receipts["VILLAGE"].unit == feedback.village
    assert 1 <= Receipt.objects.filter(feedback__round=round_4, signed_at__isnull=True).count() <= 2
    assert not Receipt.objects.filter(feedback__round__number__lt=4, signed_at__isnull=True).exists()
    for receipt in Receipt.objects.filter(signed_by__isnull=False).select_related("signed_by", "unit"):
        role = Role.TOWNSHIP if receipt.recipient == Receipt.Recipient.TOWNSHIP else Role.VILLAGE
        assert RoleGrant.objects.filter(user=receipt.signed_by, role=role, unit=receipt.unit).exists()
    statuses = set(items.filter(round=round_4).values_list("status", flat=True))
    assert {Status.CLOSED, Status.ONGOING, Status.IN_PROGRESS, Status.SUBMITTED} <= statuses

    # Key villages close items only after a return visit verified them on site.
    verified = VisitCheck.objects.filter(
        item=OuterRef("pk"),
        verdict=VisitCheck.Verdict.VERIFIED,
        visit__status=ReturnVisit.Status.DONE,
        visit__visited_on__lte=OuterRef("closed_on"),
    )
    key_closed = items.filter(status=Status.CLOSED, needs_return_visit=True)
    assert key_closed.count() > 100
    assert not key_closed.exclude(Exists(verified)).exists()
    assert set(items.values_list("needs_return_visit", "village__category").distinct()) == {
        (True, Category.KEY),
        (False, Category.GENERAL),
    }

    # 城南社区's hydrants: re-installed at the year's end, verified on the return visit, closed.
    hydrants = LedgerItem.objects.get(problem__village__code=CHENGNAN, problem__phenomenon__contains="消火栓")
    assert (hydrants.status, hydrants.fix_type, hydrants.category) == (
        Status.CLOSED,
        FixType.IMMEDIATE,
        "SAFETY_LIVELIHOOD",
    )
    check = VisitCheck.objects.select_related("visit").get(item=hydrants)
    assert check.verdict == VisitCheck.Verdict.VERIFIED
    assert "已重新安装并试水成功" in check.note
    visit = check.visit
    assert visit.status == ReturnVisit.Status.DONE
    assert visit.visited_on is not None and hydrants.closed_on is not None
    assert hydrants.feedback.fed_back_on < visit.visited_on <= hydrants.closed_on
    assert visit.people_asked and visit.people_satisfied is not None
    assert 0.8 * visit.people_asked <= visit.people_satisfied <= visit.people_asked
    assert "已重新安装并试水成功" in visit.note
    # At 乘龙小区, re-installed at the year's end (the notice while the group was there asked for a plan and
    # temporary fire points).
    assert "乘龙小区" in hydrants.summary
    assert Progress.objects.filter(
        item=hydrants, on__range=(date(2023, 12, 20), date(2023, 12, 31)), text__contains="11个消火栓全部按原位恢复安装"
    ).exists()

    # Each item's measures answer its problem (城南社区's report: the sharing of collective income, the attendance
    # allowances), and the parts of one way of rectifying it are told together.
    chengnan_items = LedgerItem.objects.filter(round__number=4, village__code=CHENGNAN)
    sharing = chengnan_items.get(summary__contains="收益分配不规范")
    assert "收益分配" in sharing.measures and "租金" not in sharing.measures
    allowances = chengnan_items.get(category="FINANCE", summary__contains="发放误工补贴随意")
    assert "误工补贴" in allowances.measures and "坐收坐支" not in allowances.measures
    for ledger_item in LedgerItem.objects.exclude(measures="").filter(problem__isnull=False):
        words = rectification_data.WAY_WORDS[ledger_item.category]
        way = rectification_data.way_for(ledger_item.category, ledger_item.summary, 0)
        if way < len(words) and words[way]:
            assert any(word in ledger_item.summary for word in words[way]), ledger_item.number

    # 山东村: its 9 immediate items closed; its 8 follow-up items at work, their deadlines extended into next year.
    shandong = LedgerItem.objects.filter(village__code=SHANDONG)
    assert dict(shandong.values_list("fix_type").annotate(n=Count("pk"))) == {"IMMEDIATE": 9, "FOLLOW_UP": 8}
    assert set(shandong.filter(fix_type=FixType.IMMEDIATE).values_list("status", flat=True)) == {Status.CLOSED}
    follow_up = shandong.filter(fix_type=FixType.FOLLOW_UP)
    assert set(follow_up.values_list("status", flat=True)) == {Status.IN_PROGRESS}
    assert not follow_up.filter(deadline__lte=today).exists()
    extensions = Progress.objects.filter(item__in=follow_up, kind=Progress.Kind.EXTENSION)
    assert set(extensions.values_list("item", flat=True)) == set(follow_up.values_list("pk", flat=True))
    assert extensions.filter(text__contains="茶叶基地建设受季节影响").exists()

    # Evidence: one of the demo's small real PNGs per submission that came with files.
    links = Progress.evidence.through._default_manager.all()
    assert links.count() > 400
    assert links.count() == links.values("progress").distinct().count()
    evidence = Evidence.objects.filter(pk__in=links.values("evidence"))
    assert set(evidence.values_list("content_type", flat=True)) == {"image/png"}
    assert not evidence.filter(size__gt=5000).exists()

    # The township and village accounts exist, without passwords but for the demo's three, and are not listed.
    locals_ = RoleGrant.objects.filter(role__in=[Role.TOWNSHIP, Role.VILLAGE]).select_related("user")
    units_of = {role: set(locals_.filter(role=role).values_list("unit__code", flat=True)) for role in Role}
    assert units_of[Role.TOWNSHIP] == set(rectification_story.TOWNSHIP_ACCOUNTS)
    assert units_of[Role.VILLAGE] == set(AssignmentVillage.objects.values_list("village__code", flat=True))
    assert locals_.count() == len(rectification_story.TOWNSHIP_ACCOUNTS) + 75
    listed = {username for username, _name, _post in data.ACCOUNTS}
    assert not [
        grant.user for grant in locals_ if grant.user.username not in listed and grant.user.has_usable_password()
    ]


@pytest.mark.django_db
def test_demo_if_empty_leaves_a_database_with_other_data_alone() -> None:
    """``--if-empty`` on a database that holds another county loads nothing."""
    units.village(units.township(units.county("450325", "兴安县"), "兴安镇", number=100), "城东村委会", number=201)
    counts = _counts()
    output = _run("demo", "--if-empty")
    assert "the demo was not loaded" in output
    assert _counts() == counts
    assert not AdminUnit.objects.filter(code="450328000000").exists()


@pytest.mark.django_db
def test_demo_if_empty_leaves_a_database_with_only_accounts_alone() -> None:
    """A database where an administrator was already created (``createsuperuser``) is not empty."""
    User.objects.create_superuser("root", password="not-the-demo-password")
    _run("demo", "--if-empty")
    assert not AdminUnit.objects.exists()
    assert list(User.objects.values_list("username", flat=True)) == ["root"]


def test_demo_accounts_cover_every_role() -> None:
    """The 16 demo accounts, listed and granted alike, hold one role each, and every role has an account."""
    assert [username for username, _name, _post in data.ACCOUNTS] == list(DEMO_ACCOUNTS)
    assert {username: grant[0] for username, grant in ACCOUNT_GRANTS.items()} == {
        username: grant[0] for username, grant in DEMO_ACCOUNTS.items()
    }
    assert {role for role, _code in DEMO_ACCOUNTS.values()} == set(Role)


@pytest.mark.django_db
def test_findings_figures_of_a_county_without_a_term_are_zero() -> None:
    """Without a term nothing is counted, and every code is still there (zero)."""
    county = units.county()
    figures = findings_figures(county, None)
    assert figures["problems"] == 0
    assert figures["problems_by_category"] == dict.fromkeys(ProblemCategory.values, 0)
    assert figures["clues_transferred"] == 0
    assert figures["suggestions"] == {"total": 0, "IMMEDIATE": 0, "FOLLOW_UP": 0, "NOT_ADOPTED": 0, "undecided": 0}
    assert figures["petitions"]["total"] == 0
    assert figures["immediate_fix_notices"] == {"issued": 0, "completed": 0, "open": 0}


def test_demo_texts_fill_their_placeholders() -> None:
    """Every fixed text of the findings formats with the placeholders the builder provides, in a village and in a
    community, and every phenomenon has its basis."""
    work = SimpleNamespace(
        round_year=2023,
        live=False,
        assignment=SimpleNamespace(stationed_from=date(2023, 9, 12), group=SimpleNamespace(name="第三巡察组")),
    )
    parent = SimpleNamespace(short_name="龙胜镇")
    places = [
        SimpleNamespace(
            code=SHANDONG, kind="VILLAGE", short_name="山东村", parent=parent, profile={"industries": "茶叶"}
        ),
        SimpleNamespace(code=CHENGNAN, kind="COMMUNITY", short_name="城南社区", parent=parent, profile={}),
    ]
    texts: list[str] = [
        *(text for templates in problem_texts.PHENOMENA.values() for text in templates),
        *(text for texts in problem_texts.BASES.values() for text in texts),
        *(text for texts in problem_texts.RESPONSIBILITIES.values() for text in texts),
        *problem_texts.NOTICE_REQUIREMENTS.values(),
        *problem_texts.NOTICE_COMPLETIONS.values(),
        *(text for _category, *pair, _basis in findings_data.PETITION_PROBLEMS for text in pair),
        *(
            text
            for _category, *pair in findings_data.PETITIONS_FORWARDED + findings_data.PETITIONS_EXPLAINED
            for text in pair
        ),
        *(text for triple in findings_data.PETITION_CLUES for text in triple),
        *(text for pair in findings_data.TALK_CLUES for text in pair),
        *findings_data.CLUE_FEEDBACK.values(),
        *problem_texts.CORRUPTION_SUBJECTS,
        *problem_texts.CLUE_FEEDBACK_WORDINGS,
        *findings_data.DISCARD_REASONS,
        *problem_texts.SUGGESTION_BASES.values(),
        *(text for _topic, _proposer, text, _outcome, note in findings_data.OTHER_SUGGESTIONS for text in (text, note)),
        *(note for _proposer, _text, _outcome, note, _group in findings_data.SHANDONG_SUGGESTIONS),
        *problem_texts.LEAD_INS["TALK"] + problem_texts.LEAD_INS["DOCUMENTS"] + problem_texts.LEAD_INS["VISIT"],
        findings_data.HYDRANT_PROBLEM,
        findings_data.HYDRANT_RESPONSIBILITY,
        problem_texts.NOTICE_SUFFIX,
    ]
    for place in places:
        planner = findings_story._VillagePlanner(cast(Any, work), cast(Any, place))
        values = {**planner.values(), "deadline": "2023年10月10日"}
        for text in texts:
            names = {name for _literal, name, _spec, _conversion in string.Formatter().parse(text) if name}
            assert names <= set(values), (text, names - set(values))
            assert "{" not in text.format_map(values)
    for category, templates in problem_texts.PHENOMENA.items():
        assert len(templates) >= 8, category
        assert len(problem_texts.BASIS_OF[category]) == len(templates), category
        assert max(problem_texts.BASIS_OF[category]) < len(problem_texts.BASES[category]), category
    assert len(problem_texts.CORRUPTION_SUBJECTS) == len(problem_texts.PHENOMENA["CORRUPTION"])
    assert len(problem_texts.CLUE_FEEDBACK_WORDINGS) == len(problem_texts.PHENOMENA["CORRUPTION"])
    outcomes = [outcome for _proposer, _text, outcome, _note, _group in findings_data.SHANDONG_SUGGESTIONS]
    assert (outcomes.count("IMMEDIATE"), outcomes.count("FOLLOW_UP")) == (9, 8)


def _strings(value: object) -> Iterator[str]:
    """Every string in a nest of lists, tuples and dicts (their values)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def test_rectification_texts_fill_their_placeholders() -> None:
    """Every text of the rectification formats with the placeholders the builder provides, in a village and in a
    community; every category has its ways of rectifying, goals, extensions and reasons for delay."""
    rectification = rectification_story.RectificationStory.__new__(rectification_story.RectificationStory)
    rectification.round = cast(Any, SimpleNamespace(start_date=date(2023, 9, 1)))
    rectification.assignment_of = cast(Any, {1: SimpleNamespace(group=SimpleNamespace(name="第三巡察组"))})
    parent = SimpleNamespace(short_name="龙胜镇")
    places = [
        SimpleNamespace(
            pk=1, kind="VILLAGE", short_name="山东村", parent=parent, profile={"industries": "茶叶、凤鸡养殖"}
        ),
        SimpleNamespace(pk=1, kind="COMMUNITY", short_name="城南社区", parent=parent, profile={}),
    ]
    names = {
        "WAYS",
        "GENERAL_WAYS",
        "GOALS",
        "LATER",
        "PERIODIC",
        "EXTENSIONS",
        "EXTENSIONS_AGAIN",
        "STUCK",
        "APPROVALS",
        "RETURNS",
        "RESUBMISSION",
        "REDONE",
        "CLOSURES",
        "CLOSURES_AFTER_VISIT",
        "LONG_TERM_CLOSURES",
        "ONGOING_NOTES",
        "VISIT_SUMMARIES",
        "REOPEN_NOTE",
        "REWORK",
        "COMMON_ITEMS",
        "HYDRANT_CHECK",
        "HYDRANT_SUMMARY",
    }
    texts = [text for name in names for text in _strings(getattr(rectification_data, name))]
    assert len(texts) > 200
    for place in places:
        values = {
            **rectification._values(cast(Any, SimpleNamespace(village=place)), random.Random(1)),
            "checked": 5,
            "asked": 30,
            "satisfied": 28,
            "others": 4,
        }
        for text in texts:
            fields = {name for _literal, name, _spec, _conversion in string.Formatter().parse(text) if name}
            assert fields <= set(values), (text, fields - set(values))
            assert "{" not in text.format_map(values)
    for category in ProblemCategory.values:
        ways = rectification_data.ways_of(category)
        assert ways and all(len(way) == 4 for way in ways), category
        assert len(rectification_data.WAY_WORDS[category]) == len(rectification_data.WAYS[category]), category
        for table in (rectification_data.GOALS, rectification_data.EXTENSIONS, rectification_data.STUCK):
            assert table[category], category
    for specs in rectification_data.COMMON_ITEMS.values():
        for category, fix_type, _text, picks, _extra, _shandong in specs:
            assert category in ProblemCategory.values and fix_type in FixType.values and picks >= 2
    assert "已重新安装并试水成功" in rectification_data.HYDRANT_CHECK


def test_showcase_steps_are_in_order_and_done_by_someone() -> None:
    """Each showcase item's steps are known verbs, dated one after the other, with what their verb needs."""
    for items in showcases.SHOWCASES.values():
        assert len({item.words for item in items}) == len(items)
        for item in items:
            days = [step.on for step in item.steps]
            assert days == sorted(days) and len(set(days)) == len(days), item.words
            for step in item.steps:
                assert step.verb in {"plan", "progress", "submit", "approve", "return", "extend", "close"}, step
                assert step.text and (step.verb != "plan" or step.goal), step
                assert (step.verb == "extend") == (step.deadline is not None), step
    assert len(showcases.SHOWCASES[SHANDONG]) == 17


def test_demo_evidence_photos_are_small_real_pngs() -> None:
    """The photos shipped for the villages' reports are PNGs the upload check accepts, a few KB at most, all
    different."""
    photos = rectification_story.evidence_photos()
    assert len(photos) >= 5
    assert len({content for _name, content in photos}) == len(photos)
    for name, content in photos:
        assert name.endswith(".png")
        assert 100 < len(content) < 5000, name
        assert uploads.check_upload(BytesIO(content), len(content), images_only=True) == uploads.PNG, name


def test_demo_dates_after_the_story_day_move_with_the_day_the_demo_is_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Deadlines ahead of the story's day stay ahead when the demo is loaded later (and on a working day)."""
    assert rectification_story._future(date(2027, 3, 31)) >= date(2027, 3, 31)
    later = rectification_story.STORY_DAY + timedelta(days=400)
    monkeypatch.setattr(clock, "real_today", lambda: later)
    moved = rectification_story._future(date(2027, 3, 31))
    assert moved >= date(2027, 3, 31) + timedelta(days=400)
    assert moved.weekday() < 5
