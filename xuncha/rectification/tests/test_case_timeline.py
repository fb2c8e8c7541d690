"""One history per case: the petition, the working paper, the notice, the feedback and its receipts, the ledger
steps with their files, the return visit and the publication, in time order, on the problem's and the item's pages,
each reader seeing only what the reader's scope allows."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from django.test import Client
from django.utils import timezone, translation

from xuncha.accounts.models import User
from xuncha.conftest import BrowserPage, World
from xuncha.findings import actions as findings_actions
from xuncha.findings.models import Category, ImmediateFixNotice, Petition, Problem
from xuncha.findings.tests.factories import png_bytes
from xuncha.public import actions as public_actions
from xuncha.public.actions import confirm_item
from xuncha.public.devices import item_device_key
from xuncha.rectification import actions
from xuncha.rectification.models import LedgerItem, VisitCheck
from xuncha.rectification.tests.factories import common_item, publish, reported_round
from xuncha.rectification.timeline import Entry, case_timeline

if TYPE_CHECKING:
    from pytest_django import DjangoAssertNumQueries

pytestmark = pytest.mark.usefixtures("media")

PETITION_TEXT = "反映村里集体土地出租租金去向不明。"
NOTICE_NUMBER = "龙巡立改〔2023〕3号"
STEP_TEXT = "租金3.2万元已全部入账，附入账凭证。"


def _at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=timezone.get_current_timezone())


def _photo(name: str = "入账凭证.png") -> tuple[io.BytesIO, str, int]:
    data = png_bytes()
    return io.BytesIO(data), name, len(data)


@dataclass
class Case:
    problem: Problem
    item: LedgerItem
    petition: Petition


@pytest.fixture
def case(
    world: World,
    office: User,
    office_lead: User,
    group_leader: User,
    group_member: User,
    township_user: User,
    village_user: User,
) -> Case:
    """A problem of 甲一村 taken from a petition, fixed at once on an immediate-fix notice, fed back and signed
    for, sent back by the township, planned, reported with a photo, submitted, approved, verified on a return visit,
    closed and published to residents."""
    reported = reported_round(world)
    problem = reported.of(world.village_a1)[0]
    Problem.objects.filter(pk=problem.pk).update(
        found_on=date(2023, 11, 14), confirmed_by=group_leader, confirmed_at=_at(2023, 11, 28, 16)
    )
    problem.refresh_from_db()
    petition = Petition.objects.create(
        assignment=world.assignment,
        village=world.village_a1,
        channel=Petition.Channel.LETTER,
        category=Category.ASSETS,
        text=PETITION_TEXT,
        received_at=_at(2023, 11, 10, 9),
        recorded_by=group_member,
        status=Petition.Status.DISPOSED,
        disposition=Petition.Disposition.PROBLEM,
        problem=problem,
        disposed_by=group_leader,
        disposed_at=_at(2023, 11, 14, 9),
    )
    notice = ImmediateFixNotice.objects.create(
        problem=problem,
        number=NOTICE_NUMBER,
        requirement="立即将租金收入入账。",
        issued_on=date(2023, 11, 16),
        deadline=date(2023, 11, 30),
        issued_by=group_leader,
    )
    findings_actions.complete_notice(notice, completed_on=date(2023, 11, 24), note="已入账。", actor=group_member)
    feedback = publish(reported.round, world.village_a1, office)
    for receipt, signer in zip(feedback.receipts.order_by("recipient"), [township_user, village_user], strict=True):
        actions.sign_receipt(receipt, actor=signer, at=_at(2023, 12, 5))
    # Fixed on the spot, the item starts as submitted; the township finds the proof thin and sends it back.
    item = LedgerItem.objects.get(problem=problem)
    actions.review_item(item, approve=False, reason="缺少入账凭证。", actor=township_user, on=date(2023, 12, 8))
    actions.plan_item(
        item,
        measures="补办出租手续，租金入账。",
        goal="租金入账",
        responsible_leader="王建华",
        actor=village_user,
        on=date(2023, 12, 20),
    )
    actions.report_progress(item, text=STEP_TEXT, actor=village_user, on=date(2024, 1, 10), files=[_photo()])
    actions.submit_item(item, text="已整改到位。", actor=village_user, on=date(2024, 1, 20))
    actions.review_item(item, approve=True, actor=township_user, on=date(2024, 1, 22))
    visit = actions.plan_visit(item.village, planned_on=date(2024, 3, 6), items=[item], actor=office)
    actions.record_visit(
        visit,
        visited_on=date(2024, 3, 6),
        verdicts={item.pk: (VisitCheck.Verdict.VERIFIED, "现场核实，账目已公开。", None)},
        people_asked=10,
        people_satisfied=9,
        actor=office,
        visitors="县巡察办 李明",
    )
    # A key village's item, verified by the clerk: the director closes it (four eyes).
    actions.close_item(item, actor=office_lead, closed_on=date(2024, 3, 8), note="予以销号。")
    public_actions.publish_disclosure(
        item, summary="集体土地租金未入账。", result="租金已全部入账并公开。", actor=office
    )
    item.refresh_from_db()
    return Case(problem, item, petition)


def _kinds(entries: list[Entry]) -> list[str]:
    return [entry.code or entry.kind for entry in entries]


WHOLE_CASE = [
    "petition",
    "petition_settled",
    "problem_recorded",
    "notice_issued",
    "notice_completed",
    "SUBMISSION",
    "problem_confirmed",
    "FEEDBACK",
    "receipt",
    "receipt",
    "RETURN",
    "PLAN",
    "PROGRESS",
    "SUBMISSION",
    "APPROVAL",
    "VERIFIED",
    "CLOSURE",
    "disclosure",
]


def test_an_items_timeline_holds_the_whole_case_in_time_order(case: Case, office: User) -> None:
    """From the petition to the publication, every stage, oldest first, the same from the item and the problem."""
    entries = case_timeline(office, item=case.item)
    assert _kinds(entries) == WHOLE_CASE
    days = [entry.on for entry in entries]
    assert days == sorted(days)
    assert _kinds(case_timeline(office, problem=case.problem)) == WHOLE_CASE


def test_entries_name_people_by_name_and_post_and_link_their_files(
    case: Case, office: User, group_member: User, village_user: User
) -> None:
    """The actor is the person's name and post, never the login name; a step's photo is served by the item."""
    User.objects.filter(pk=group_member.pk).update(display_name="赵敏", title="第三巡察组组员")
    entries = {entry.code or entry.kind: entry for entry in case_timeline(office, item=case.item)}
    assert entries["petition"].actor == "赵敏 · 第三巡察组组员"
    assert entries["notice_completed"].actor == "赵敏 · 第三巡察组组员"
    assert entries["VERIFIED"].actor == "县巡察办 李明"
    (photo,) = entries["PROGRESS"].attachments
    assert photo.name == "入账凭证.png" and photo.is_image
    assert photo.url.startswith(f"/ledger/{case.item.pk}/")
    assert entries["notice_issued"].attachments[0].url == f"/documents/notices/{case.problem.notice.pk}.docx"
    assert entries["PLAN"].actor != village_user.username


def test_a_village_reader_sees_no_petition_and_no_working_paper_stage(case: Case, village_user: User) -> None:
    """The village reads the case from the notice and the feedback on: no petition, no draft, no confirmation."""
    kinds = _kinds(case_timeline(village_user, item=case.item))
    assert kinds == [
        kind
        for kind in WHOLE_CASE
        if kind not in {"petition", "petition_settled", "problem_recorded", "problem_confirmed"}
    ]
    assert _kinds(case_timeline(village_user, problem=case.problem)) == kinds


def test_a_township_reader_sees_what_the_village_sees(case: Case, township_user: User, village_user: User) -> None:
    assert _kinds(case_timeline(township_user, item=case.item)) == _kinds(case_timeline(village_user, item=case.item))


def test_a_group_member_reads_the_petition_and_the_working_paper(case: Case, group_member: User) -> None:
    """The finding group sees its own petition and working paper, and the ledger of the village it inspected."""
    assert _kinds(case_timeline(group_member, problem=case.problem)) == WHOLE_CASE


def test_the_village_page_shows_no_petition_detail(client: Client, case: Case, village_user: User) -> None:
    """On the pages themselves: neither the petition's text, its receipt code, nor a link to it."""
    client.force_login(village_user)
    for url in (case.item.get_absolute_url(), case.problem.get_absolute_url()):
        page = client.get(url).content.decode()
        assert 'data-testid="case-timeline"' in page
        for secret in (PETITION_TEXT, case.petition.receipt_code, case.petition.get_absolute_url()):
            assert secret not in page
        assert 'data-entry="problem_recorded"' not in page and 'data-entry="notice_issued"' in page


def test_the_office_page_links_the_petition(client: Client, case: Case, office: User) -> None:
    client.force_login(office)
    page = client.get(case.item.get_absolute_url()).content.decode()
    assert case.petition.get_absolute_url() in page
    assert case.petition.receipt_code not in page and PETITION_TEXT not in page


def test_labels_are_chinese(case: Case, office: User) -> None:
    """Every entry's label, and every detail that names a state, reads in Chinese."""
    with translation.override("zh-hans"):
        entries = case_timeline(office, item=case.item)
        labels = {entry.code or entry.kind: entry.label for entry in entries}
        details = {entry.code or entry.kind: entry.detail for entry in entries}
    assert labels["petition"] == "收到信访件"
    assert labels["SUBMISSION"] == "报结"
    assert labels["VERIFIED"] == "回访验证通过"
    assert details["petition_settled"] == "转为问题"
    for label in labels.values():
        assert any("\u4e00" <= char <= "\u9fff" for char in label), label


def test_the_timeline_costs_the_same_queries_however_long_the_case(
    case: Case,
    office: User,
    office_lead: User,
    township_user: User,
    village_user: User,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    """Each source is read once, with its people and files joined: more steps, files, residents' answers and
    requests for more time cost no more queries."""
    case_timeline(office, item=case.item)  # the reader's grants and groups, read once per user object
    with django_assert_num_queries(18) as few:
        case_timeline(office, item=case.item)
    actions.reopen_item(case.item, reason="群众反映问题反弹。", new_deadline=date(2026, 12, 31), actor=office)
    for days in (10, 20):
        asked = actions.request_extension(
            case.item, new_deadline=case.item.deadline + timedelta(days=days), reason="雨季", actor=village_user
        )
        actions.review_extension(asked, support=True, actor=township_user)
        actions.decide_extension(asked, approve=True, actor=office_lead)
        case.item.refresh_from_db()
    entries = {entry.kind for entry in case_timeline(office, item=case.item)}
    assert {"extension_asked", "extension_supported", "extension_approved"} <= entries
    for number in range(3):
        actions.report_progress(
            case.item,
            text=f"第{number}次报告。",
            actor=village_user,
            files=[_photo(f"{number}-{n}.png") for n in range(2)],
        )
        # Residents' answers (``public``) with their photos are read in the one query too.
        confirm_item(
            case.item,
            answer="UNRESOLVED",
            comment="还没修好。",
            device_key=item_device_key(case.item, f"phone-{number}"),
            channel="DISCLOSURE",
            photo=(io.BytesIO(png_bytes()), f"resident-{number}.png"),
        )
    case_timeline(office, item=case.item)
    with django_assert_num_queries(len(few.captured_queries)):
        case_timeline(office, item=case.item)


def test_the_items_page_tells_the_whole_case_in_chinese(
    browser_page: BrowserPage, case: Case, office: User, settings: pytest.FixtureRequest
) -> None:
    """In a real browser, in the Chinese interface: every stage of the case on the item's page, with its photo."""
    settings.LANGUAGE_CODE = "zh-hans"  # type: ignore[attr-defined]
    User.objects.filter(pk=office.pk).update(display_name="李明", title="县委巡察办干部")
    browser_page.login(office.username)
    browser_page.goto(case.item.get_absolute_url())
    timeline = browser_page.page.locator("[data-testid=case-timeline]")
    assert timeline.locator(":scope > li").count() == len(WHOLE_CASE)
    text = timeline.inner_text()
    for label in ("收到信访件", "立行立改通知书已下发", "反馈已签收", "乡镇审核通过", "回访验证通过", "整改结果已公开"):
        assert label in text, label
    assert "李明 · 县委巡察办干部" in text
    assert "SUBMISSION" not in text and "VERIFIED" not in text
    browser_page.page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=progress-evidence] img')]"
        ".every(image => image.complete && image.naturalWidth > 0)"
    )
    browser_page.screenshot("case-timeline")
    assert [error for error in browser_page.errors if "404" not in error] == []


def test_an_item_of_the_common_list_starts_at_the_feedback(world: World, office: User, village_user: User) -> None:
    """A common item has no working paper of its own: its history opens with the feedback that carried it."""
    reported = reported_round(world)
    common_item(reported, [world.village_a1, world.village_a2], office)
    publish(reported.round, world.village_a1, office)
    item = LedgerItem.objects.get(common_item__isnull=False, village=world.village_a1)
    assert _kinds(case_timeline(office, item=item)) == ["FEEDBACK"]
    assert _kinds(case_timeline(village_user, item=item)) == ["FEEDBACK"]
