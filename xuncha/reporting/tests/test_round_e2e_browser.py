"""A round from its plan to its archive, in a real browser, each step by the person whose work it is.

Shaped like the demo's round 3 (one group inspects one village directly, see ``demo/planning_story.py`` and
``demo/reporting_story.py``), on the ``world`` fixture: the office drafts and submits the work plan, which its
drafter may not approve and the director does; the members sign their recusal declarations; the round is stationed;
a member records a talk and writes a draft working paper from it; the leader's group meeting confirms it; the round
reports; the report passes its four gates in order (a gate forged out of turn is refused and leaves no trace); the
village's list is refused feedback until the last gate, then fed back; the round is closed; it cannot be archived
before closing, and after it the office archives it and takes the zip, whose manifest the test checks hash by hash.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from xuncha.accounts.models import User
from xuncha.archive.building import INDEX_DOCX, INDEX_XLSX, MANIFEST
from xuncha.archive.models import Archive
from xuncha.conftest import BrowserPage, World
from xuncha.fieldwork.models import TalkRecord
from xuncha.findings.models import Problem
from xuncha.inspections.models import Round
from xuncha.planning.models import RecusalDeclaration, WorkPlan
from xuncha.rectification.models import Feedback, LedgerItem, ProblemList
from xuncha.reporting.models import Gate, GroupMeeting, Report

TRANSCRIPT = "村集体2022年光伏项目收益12.6万元，未经村民代表会议讨论即用于村部装修。"
AUTHORISATION = "经县委巡察工作领导小组批准，授权县委第三巡察组在甲一村开展个别谈话、调阅复制有关资料、走访调研。"
MINUTES: dict[str, str] = {
    Gate.Kind.GROUP_MEETING: "巡察组召开组务会，逐段审议巡察报告初稿。",
    Gate.Kind.OFFICE_REVIEW: "县委巡察办对巡察报告进行审核，同意提交领导小组会议。",
    Gate.Kind.LEADING_GROUP: "县委巡察工作领导小组召开会议，听取巡察组巡察情况汇报。",
    Gate.Kind.SECRETARY: "县委书记专题会听取巡察情况汇报，同意巡察报告和反馈意见。",
}
# Posts a form of the page's own CSRF token to ``url``: what a user would do by editing the page by hand.
FORGE_POST = """url => {
  const form = document.createElement('form');
  form.method = 'post';
  form.action = url;
  const token = document.createElement('input');
  token.type = 'hidden';
  token.name = 'csrfmiddlewaretoken';
  token.value = document.querySelector('input[name=csrfmiddlewaretoken]').value;
  form.appendChild(token);
  document.body.appendChild(form);
  form.submit();
}"""


def _sign_in(browser_page: BrowserPage, username: str) -> None:
    page = browser_page.page
    if page.locator("form[action$='/accounts/logout/'] button").count():
        page.click("form[action$='/accounts/logout/'] button")
        page.wait_for_url("**/accounts/login/")
    browser_page.login(username)


def _messages(page: Any) -> str:
    return str(page.locator("#messages").inner_text())


def _submit(page: Any, selector: str) -> None:
    """Click a submit button and wait for the page the POST redirects to."""
    with page.expect_navigation():
        page.click(selector)


def _forge_post(page: Any, url: str) -> None:
    with page.expect_navigation():
        page.evaluate(FORGE_POST, url)


def _move_round(browser_page: BrowserPage, round_: Round, status: str) -> None:
    """The office presses the round page's button that moves the round to ``status``."""
    browser_page.goto(round_.get_absolute_url())
    _submit(browser_page.page, f"form[action$='/move/']:has(input[name=status][value={status}]) button")
    round_.refresh_from_db()
    assert round_.status == status
    assert browser_page.page.locator("[data-testid=round-status]").inner_text() == Round.Status(status).label


def _record_gate(page: Any, report: Report, kind: str) -> None:
    form = page.locator(f"form[action='{reverse('reporting:report-gate', args=[report.pk])}']")
    assert form.locator("input[name=kind]").input_value() == kind
    form.locator("textarea[name=minutes]").fill(MINUTES[kind])
    _submit(page, f"form[action='{reverse('reporting:report-gate', args=[report.pk])}'] button[type=submit]")
    assert "The gate was recorded." in _messages(page)


def _plan_and_prepare(browser_page: BrowserPage, world: World) -> WorkPlan:
    """Step 1: the office drafts and submits the work plan; its drafter may not approve it; the director does.
    Step 2: the group's members sign their recusal declarations."""
    page = browser_page.page
    _sign_in(browser_page, "office")
    browser_page.goto(world.round.get_absolute_url())
    page.click("[data-testid=round-preparation] a")
    page.wait_for_url(f"**{reverse('planning:round', args=[world.round.pk])}")
    page.select_option("#plan_assignment", str(world.assignment.pk))
    _submit(page, f"form[action='{reverse('planning:plan-create', args=[world.round.pk])}'] button")
    plan = WorkPlan.objects.get(round=world.round, assignment=world.assignment)
    assert "The work plan was drafted." in _messages(page)
    assert page.locator("[data-testid=plan-status]").inner_text() == "Draft"

    form = page.locator("[data-testid=plan-form]")
    for focus in ("ASSETS", "FINANCE", "PARTY_ORG"):
        form.locator(f"input[name=focus][value={focus}]").check()
    form.locator("textarea[name=focus_note]").fill("重点关注光伏项目收益和集体“三资”管理。")
    form.locator("textarea[name=authorisation]").fill(AUTHORISATION)
    _submit(page, "[data-testid=plan-form] button[type=submit]")
    assert "The work plan was saved." in _messages(page)
    _submit(page, f"form[action='{reverse('planning:plan-submit', args=[plan.pk])}'] button")
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.SUBMITTED
    assert sorted(plan.focus) == ["ASSETS", "FINANCE", "PARTY_ORG"] and plan.stages.count() == 5
    # The drafter is offered no decision, and approving by hand is refused (four eyes).
    assert page.locator("[data-testid=decision-form]").count() == 0
    _forge_post(page, reverse("planning:plan-approve", args=[plan.pk]))
    assert "never one they drafted" in _messages(page)
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.SUBMITTED and plan.decided_by is None

    _sign_in(browser_page, "office_lead")
    browser_page.goto(reverse("planning:round", args=[world.round.pk]))
    page.click(f"[data-testid=round-plans] a[href='{plan.get_absolute_url()}']")
    page.fill("[data-testid=decision-form] textarea[name=note]", "同意。")
    _submit(
        page, f"[data-testid=decision-form] button[formaction='{reverse('planning:plan-approve', args=[plan.pk])}']"
    )
    assert "Approved." in _messages(page)
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.APPROVED and plan.decided_by is not None
    assert plan.decided_by.username == "office_lead"

    for username in ("group3_leader", "group3_member"):
        _sign_in(browser_page, username)
        browser_page.goto(world.round.get_absolute_url())
        assert "Your recusal declaration for this round is not signed yet." in page.inner_text(
            "[data-testid=round-preparation]"
        )
        page.click("[data-testid=round-preparation] a")
        page.check("[data-testid=declaration-form] input[name=no_ties]")
        _submit(page, "[data-testid=declaration-form] button[type=submit]")
        assert "Your declaration is signed." in _messages(page)
        assert page.locator("[data-testid=own-declaration]").count() == 1
    assert set(RecusalDeclaration.objects.filter(round=world.round).values_list("user__username", flat=True)) == {
        "group3_leader",
        "group3_member",
    }
    return plan


def _fieldwork(browser_page: BrowserPage, world: World) -> Problem:
    """Step 4: the member records a talk with the village's secretary and writes a draft working paper from it."""
    page = browser_page.page
    _sign_in(browser_page, "group3_member")
    browser_page.goto(world.round.get_absolute_url())
    page.click(f"[data-testid=assignment-table] a[href='{world.assignment.get_absolute_url()}']")
    page.wait_for_url(f"**{world.assignment.get_absolute_url()}")
    page.click("details:has([data-testid=talk-form]) > summary")
    form = page.locator("[data-testid=talk-form]")
    form.locator("select[name=talk_role]").select_option("SECRETARY")
    form.locator("input[name=person_name]").fill("张某")
    form.locator("input[name=person_post]").fill("甲一村党支部书记")
    form.locator("input[name=talked_on]").fill(world.assignment.stationed_from.isoformat())
    form.locator("input[name=place]").fill("甲一村村部")
    for box in form.locator("input[name=interviewers]").all():
        box.check()
    form.locator("textarea[name=transcript]").fill(TRANSCRIPT)
    _submit(page, "[data-testid=talk-form] button[type=submit]")
    assert "The talk was recorded." in _messages(page)
    talk = TalkRecord.objects.get(assignment=world.assignment)
    assert page.locator("[data-testid=talk-transcript]").inner_text() == TRANSCRIPT
    assert talk.interviewers.count() == 2

    form = page.locator("[data-testid=record-problem-form]")
    assert form.locator("textarea[name=phenomenon]").input_value() == TRANSCRIPT
    form.locator("select[name=category]").select_option("ASSETS")
    _submit(page, "[data-testid=record-problem-form] button[type=submit]")
    assert "A draft working paper was written from this record." in _messages(page)
    problem = Problem.objects.get(assignment=world.assignment)
    assert problem.status == Problem.Status.DRAFT and problem.village == world.village_a1
    assert problem.serial in page.content()
    return problem


def _group_meeting(browser_page: BrowserPage, world: World, problem: Problem) -> None:
    """Step 5: the leader's group meeting confirms the draft (the member is offered no such page)."""
    page = browser_page.page
    browser_page.goto(world.assignment.get_absolute_url())
    meeting_url = reverse("reporting:meeting-new", args=[world.assignment.pk])
    assert page.locator(f"a[href='{meeting_url}']").count() == 0

    _sign_in(browser_page, "group3_leader")
    browser_page.goto(world.assignment.get_absolute_url())
    page.click(f"a[href='{meeting_url}']")
    page.wait_for_url(f"**{meeting_url}")
    assert page.locator("input[name=attendees]:checked").count() == 2
    page.check(f"input[name=problems][value='{problem.pk}']")
    page.fill("textarea[name=minutes]", "组务会逐条审议问题底稿，经集体研究予以确认。")
    _submit(page, "main form button[type=submit]")
    assert "The group meeting was recorded." in _messages(page)
    meeting = GroupMeeting.objects.get(assignment=world.assignment)
    assert list(meeting.problems.all()) == [problem]
    problem.refresh_from_db()
    assert problem.status == Problem.Status.CONFIRMED


def _list_overview(round_: Round) -> str:
    return f"{reverse('rectification:list-overview')}?round={round_.pk}"


def _try_feedback(browser_page: BrowserPage, world: World) -> None:
    """The office builds 甲一村's list (if not yet) and presses Publish."""
    page = browser_page.page
    code = world.village_a1.code
    browser_page.goto(_list_overview(world.round))
    if page.locator(f"[data-testid=publish-{code}]").count() == 0:
        _submit(page, f"[data-testid=build-{code}]")
        assert ProblemList.objects.filter(round=world.round, village=world.village_a1).exists()
    _submit(page, f"[data-testid=publish-{code}]")


def _report_and_feed_back(browser_page: BrowserPage, world: World, problem: Problem) -> Report:
    """Step 6: the report is drafted and passes its gates in order; step 7: feedback waits for the last gate."""
    page = browser_page.page
    _sign_in(browser_page, "office")
    _move_round(browser_page, world.round, Round.Status.REPORTING)

    _sign_in(browser_page, "group3_leader")
    browser_page.goto(world.assignment.get_absolute_url())
    _submit(page, "[data-testid=report-panel] form[action$='/reports/draft/'] button")
    assert "The report was drafted from the round's data." in _messages(page)
    report = Report.objects.get(round=world.round, assignment=world.assignment)
    # The draft quotes the confirmed paper as a typical case of its category.
    assert report.status == Report.Status.DRAFT and "光伏项目收益12.6万元" in report.text
    assert "光伏项目收益12.6万元" in page.locator("textarea[name=text]").input_value()
    gate_form = f"form[action='{reverse('reporting:report-gate', args=[report.pk])}']"

    # The office is offered no form while the report awaits its group meeting: that gate is the leader's.
    _sign_in(browser_page, "office")
    browser_page.goto(report.get_absolute_url())
    assert page.locator("[data-gate=awaited]").inner_text().strip() == "Group meeting"
    assert page.locator(gate_form).count() == 0

    # The leader forges the form to hold the secretary's meeting first: refused, nothing recorded.
    _sign_in(browser_page, "group3_leader")
    browser_page.goto(report.get_absolute_url())
    page.evaluate(f"document.querySelector(\"{gate_form} input[name=kind]\").value = 'SECRETARY'")
    page.fill(f"{gate_form} textarea[name=minutes]", MINUTES[Gate.Kind.SECRETARY])
    _submit(page, f"{gate_form} button[type=submit]")
    assert "You may not record this gate." in _messages(page)
    assert not Gate.objects.exists()
    _record_gate(page, report, Gate.Kind.GROUP_MEETING)
    report.refresh_from_db()
    assert report.status == Report.Status.OFFICE_REVIEW

    _sign_in(browser_page, "office")
    browser_page.goto(world.assignment.get_absolute_url())
    page.click(f"[data-testid=report-{report.pk}] a")
    page.wait_for_url(f"**{report.get_absolute_url()}")
    # The office, whose gate is next, forges the form to skip to the secretary's meeting: refused in order.
    page.evaluate(f"document.querySelector(\"{gate_form} input[name=kind]\").value = 'SECRETARY'")
    page.fill(f"{gate_form} textarea[name=minutes]", MINUTES[Gate.Kind.SECRETARY])
    _submit(page, f"{gate_form} button[type=submit]")
    assert "cannot be held before it, nor again" in _messages(page)
    assert list(Gate.objects.values_list("kind", flat=True)) == [Gate.Kind.GROUP_MEETING]
    report.refresh_from_db()
    assert report.status == Report.Status.OFFICE_REVIEW
    _record_gate(page, report, Gate.Kind.OFFICE_REVIEW)

    # The director records the leading group's hearing.
    _sign_in(browser_page, "office_lead")
    browser_page.goto(report.get_absolute_url())
    _record_gate(page, report, Gate.Kind.LEADING_GROUP)
    report.refresh_from_db()
    assert report.status == Report.Status.SECRETARY

    # Before the last gate the office cannot feed the village back.
    _sign_in(browser_page, "office")
    _try_feedback(browser_page, world)
    assert "fed back only after the inspection report covering it has passed its last gate" in _messages(page)
    assert not Feedback.objects.exists()
    problem.refresh_from_db()
    assert problem.status == Problem.Status.CONFIRMED

    browser_page.goto(report.get_absolute_url())
    _record_gate(page, report, Gate.Kind.SECRETARY)
    report.refresh_from_db()
    assert report.status == Report.Status.APPROVED and report.approved_on is not None
    assert list(report.gates.order_by("pk").values_list("kind", flat=True)) == [
        Gate.Kind.GROUP_MEETING,
        Gate.Kind.OFFICE_REVIEW,
        Gate.Kind.LEADING_GROUP,
        Gate.Kind.SECRETARY,
    ]
    assert page.locator("[data-testid=report-status]").inner_text() == "Approved"
    assert page.locator("[data-gate=passed]").count() == 4

    _try_feedback(browser_page, world)
    assert "at the same time" in _messages(page)
    feedback = Feedback.objects.get(round=world.round, village=world.village_a1)
    assert LedgerItem.objects.filter(feedback=feedback, problem=problem).count() == 1
    problem.refresh_from_db()
    world.round.refresh_from_db()
    assert problem.status == Problem.Status.FED_BACK and world.round.status == Round.Status.FEEDBACK
    return report


def _close_and_archive(browser_page: BrowserPage, world: World) -> Archive:
    """Step 8: the round is closed (archiving is refused before), then the office archives it."""
    page = browser_page.page
    _move_round(browser_page, world.round, Round.Status.RECTIFYING)
    assert page.locator("[data-testid=archive-panel]").count() == 0
    _forge_post(page, reverse("archive:round-archive", args=[world.round.pk]))
    assert "A round is filed once it is closed" in _messages(page)
    world.round.refresh_from_db()
    assert world.round.archived_at is None and not Archive.objects.exists()

    _move_round(browser_page, world.round, Round.Status.CLOSED)
    _submit(page, "[data-testid=archive-start]")
    assert "The round is archived; its files are being built." in _messages(page)
    archive = Archive.objects.get(round=world.round, assignment=world.assignment)
    assert page.locator(f"#archive-{archive.pk}[data-status=BUILDING]").count() == 1
    # The background worker builds the file (tests run it themselves); the panel polls until it is ready.
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    archive.refresh_from_db()
    assert archive.status == Archive.Status.READY, archive.error
    page.wait_for_selector(f"#archive-{archive.pk}[data-status=READY] [data-testid=archive-download]")
    assert page.locator("[data-testid=round-archived]").count() == 1
    assert page.locator("[data-testid=archive-start]").count() == 0
    return archive


def _check_download(browser_page: BrowserPage, archive: Archive) -> None:
    page = browser_page.page
    with page.expect_download() as download_info:
        page.click(f"#archive-{archive.pk} [data-testid=archive-download]")
    content = Path(download_info.value.path()).read_bytes()
    assert hashlib.sha256(content).hexdigest() == archive.sha256
    with zipfile.ZipFile(io.BytesIO(content)) as opened:
        manifest = json.loads(opened.read(MANIFEST))
        names = set(opened.namelist())
        listed = [entry["path"] for entry in manifest["members"]]
        assert names == {*listed, MANIFEST}
        assert {INDEX_XLSX, INDEX_DOCX} <= set(listed)
        for entry in manifest["members"]:
            data = opened.read(entry["path"])
            assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["path"]
            assert len(data) == entry["size"]
    assert manifest["assignment"]["id"] == archive.assignment_id
    titles = " ".join(entry["title"] for entry in manifest["members"])
    assert len(listed) > 3, titles


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_round_goes_from_its_plan_to_its_archive_through_the_pages(
    browser_page: BrowserPage,
    world: World,
    office: User,
    office_lead: User,
    group_leader: User,
    group_member: User,
    township_user: User,
    village_user: User,
    settings: Any,
    tmp_path: Any,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    Round.objects.filter(pk=world.round.pk).update(status=Round.Status.PLANNED)
    world.round.refresh_from_db()
    browser_page.page.on("dialog", lambda dialog: dialog.accept())

    _plan_and_prepare(browser_page, world)
    # Step 3: the office stations the groups.
    _sign_in(browser_page, "office")
    _move_round(browser_page, world.round, Round.Status.STATIONED)
    problem = _fieldwork(browser_page, world)
    _group_meeting(browser_page, world, problem)
    _report_and_feed_back(browser_page, world, problem)
    archive = _close_and_archive(browser_page, world)
    _check_download(browser_page, archive)

    browser_page.screenshot("round-plan-to-archive")
    assert [error for error in browser_page.errors if "404" not in error] == []
