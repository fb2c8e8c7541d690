"""The return-visit pages (回访): planning a visit and choosing its items, recording verdicts, satisfaction and
photos, and who may see or record a visit."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.audit.models import Event
from xuncha.conftest import BrowserPage, World
from xuncha.evidence.models import Evidence
from xuncha.findings import actions as findings_actions
from xuncha.findings.models import FixType
from xuncha.findings.tests.factories import png_bytes
from xuncha.inspections.models import Round
from xuncha.rectification import actions
from xuncha.rectification.models import LedgerItem, ReturnVisit, VisitCheck
from xuncha.reporting.tests.factories import approve_round_report

HTMX = {"HX-Request": "true"}
FED_BACK_ON = date(2023, 12, 4)  # the Monday after stationing ends (2023-11-30)
DONE_ON = date(2024, 1, 19)
PHENOMENA = [
    "2023年供水管网改造时拆除的3处消防栓至今未恢复安装。",
    "村集体土地出租合同未经村民代表会议讨论，租金3.2万元未入账。",
    "村务公开栏近半年未更新，低保名单未按规定公示。",
]


@pytest.fixture
def media(settings: pytest.FixtureRequest, tmp_path: pytest.TempPathFactory) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]


def publish_items(
    world: World, member: User, leader: User, office: User, phenomena: Sequence[str] = PHENOMENA
) -> list[LedgerItem]:
    """Confirmed problems of 甲一村 (a key village), three unless said, fed back to it and reported done and
    reviewed (written directly, as a return visit checks work reported done): its ledger items, in number order."""
    for phenomenon in phenomena:
        problem = findings_actions.record_problem(
            world.assignment,
            world.village_a1,
            category="SAFETY_LIVELIHOOD",
            phenomenon=phenomenon,
            source="VISIT",
            fix_type=FixType.FOLLOW_UP,
            found_on=date(2023, 9, 20),
            actor=member,
        )
        findings_actions.confirm_problem(problem, actor=leader)
    Round.objects.filter(pk=world.round.pk).update(status=Round.Status.REPORTING)
    approve_round_report(world.round)
    world.round.refresh_from_db()
    actions.build_individual_list(world.round, world.village_a1, actor=office)
    actions.publish_feedback(world.round, world.village_a1, actor=office, fed_back_on=FED_BACK_ON)
    items = LedgerItem.objects.filter(village=world.village_a1)
    items.update(status=LedgerItem.Status.REVIEWED, done_on=DONE_ON)
    return list(items.order_by("number"))


@pytest.fixture
def items(world: World, group_member: User, group_leader: User, office: User) -> list[LedgerItem]:
    return publish_items(world, group_member, group_leader, office)


@pytest.fixture
def visit(world: World, office: User, items: list[LedgerItem]) -> ReturnVisit:
    """A visit to 甲一村 planned by the office to check its first two items."""
    return actions.plan_visit(
        world.village_a1, planned_on=date(2024, 3, 1), items=items[:2], visitors="县委巡察办 李明", actor=office
    )


def _record_data(visit: ReturnVisit, **changes: object) -> dict[str, object]:
    """The record form filled in: the first item VERIFIED, the second REOPEN with a new deadline."""
    first, second = [check.item_id for check in visit.checks.order_by("item__number")]
    visited_on = timezone.localdate() - timedelta(days=1)
    data: dict[str, object] = {
        "visited_on": visited_on.isoformat(),
        "visitors": "县委巡察办 李明、王芳",
        "people_asked": "20",
        "people_satisfied": "18",
        "note": "走访群众20人，18人表示满意。",
        f"verdict_{first}": "VERIFIED",
        f"note_{first}": "已重新安装并试水成功。",
        f"deadline_{first}": "",
        f"verdict_{second}": "REOPEN",
        f"note_{second}": "租金仍未入账。",
        f"deadline_{second}": (visited_on + timedelta(days=30)).isoformat(),
    }
    data.update(changes)
    return data


# Planning -----------------------------------------------------------------------------------------------------------


def test_the_office_sees_the_plan_form_with_the_villages_that_have_items(
    client: Client, world: World, office: User, items: list[LedgerItem]
) -> None:
    """The plan form offers 甲一村, whose feedback was published, and no village without items."""
    client.force_login(office)
    response = client.get(reverse("rectification:visit-list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="visit-plan-form"' in html
    assert f'value="{world.village_a1.code}"' in html
    assert f'value="{world.village_a2.code}"' not in html


def test_choosing_a_village_reloads_its_items_with_htmx(
    client: Client, world: World, office: User, items: list[LedgerItem]
) -> None:
    """The htmx request answers the form alone, with a checkbox per item: number, status and the visit it needs."""
    client.force_login(office)
    response = client.get(reverse("rectification:visit-plan"), {"village": world.village_a1.code}, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.count('name="items"') == 3
    assert items[0].number in html
    assert "Needs a verified visit" in html
    assert "Reviewed by the township" in html
    query: dict[str, str | list[int]] = {"village": world.village_a1.code, "items": [items[1].pk]}
    response = client.get(reverse("rectification:visit-plan"), query, headers=HTMX)
    html = response.content.decode()
    assert html.count(" checked") == 1
    assert f'value="{items[1].pk}" id="plan-item-{items[1].pk}" checked' in html


def test_the_plan_form_offers_only_work_reported_done(
    client: Client, world: World, office: User, items: list[LedgerItem]
) -> None:
    """A visit checks work the village reported done: an item the village is still working on is not offered."""
    LedgerItem.objects.filter(pk=items[1].pk).update(status=LedgerItem.Status.IN_PROGRESS)
    client.force_login(office)
    response = client.get(reverse("rectification:visit-plan"), {"village": world.village_a1.code}, headers=HTMX)
    html = response.content.decode()
    assert html.count('name="items"') == 2
    assert f'value="{items[1].pk}"' not in html


def test_an_item_still_being_worked_on_is_not_planned_for_a_visit(
    client: Client, world: World, office: User, items: list[LedgerItem]
) -> None:
    """Posted anyway, an item the village is still working on is not a valid choice, and nothing is planned."""
    LedgerItem.objects.filter(pk=items[1].pk).update(status=LedgerItem.Status.IN_PROGRESS)
    client.force_login(office)
    response = client.post(
        reverse("rectification:visit-plan"),
        {"village": world.village_a1.code, "planned_on": "2024-03-01", "items": [items[0].pk, items[1].pk]},
    )
    assert response.status_code == 400
    assert f"{items[1].pk} is not one of the available choices" in response.content.decode()
    assert not ReturnVisit.objects.exists()


def test_the_office_plans_a_visit_to_a_village_choosing_its_items(
    client: Client, world: World, office: User, items: list[LedgerItem]
) -> None:
    """Posting the plan form creates a planned visit checking the chosen items and opens its page."""
    client.force_login(office)
    response = client.post(
        reverse("rectification:visit-plan"),
        {
            "village": world.village_a1.code,
            "planned_on": "2024-03-01",
            "visitors": "县委巡察办 李明",
            "items": [items[0].pk, items[2].pk],
        },
    )
    visit = ReturnVisit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == visit.get_absolute_url()
    assert visit.status == ReturnVisit.Status.PLANNED
    assert visit.planned_on == date(2024, 3, 1)
    assert set(visit.checks.values_list("item_id", flat=True)) == {items[0].pk, items[2].pk}
    assert Event.objects.filter(verb="rectification.visit_planned", actor=office).exists()


def test_a_plan_without_items_is_refused_and_keeps_what_was_typed(
    client: Client, world: World, office: User, items: list[LedgerItem]
) -> None:
    """No item chosen: nothing is planned, the list page answers 400 with the form still filled in."""
    client.force_login(office)
    response = client.post(
        reverse("rectification:visit-plan"),
        {"village": world.village_a1.code, "planned_on": "2024-03-01", "visitors": "李明"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert ReturnVisit.objects.count() == 0
    assert "Items to check" in html
    assert 'value="李明"' in html


def test_the_group_that_inspected_the_village_plans_and_records_a_visit(
    client: Client, world: World, group_member: User, items: list[LedgerItem]
) -> None:
    """A member of 第三巡察组 plans a visit to 甲一村 for the group, and may then record it."""
    client.force_login(group_member)
    client.post(
        reverse("rectification:visit-plan"),
        {"village": world.village_a1.code, "planned_on": "2024-03-01", "items": [items[0].pk]},
    )
    visit = ReturnVisit.objects.get()
    assert visit.planned_by_group == world.group
    response = client.get(visit.get_absolute_url())
    assert 'data-testid="visit-record-form"' in response.content.decode()


def test_the_township_neither_sees_the_plan_form_nor_plans(
    client: Client, world: World, township_user: User, items: list[LedgerItem]
) -> None:
    """The township oversees; it does not plan return visits."""
    client.force_login(township_user)
    response = client.get(reverse("rectification:visit-list"))
    assert response.status_code == 200
    assert 'data-testid="visit-plan-form"' not in response.content.decode()
    response = client.post(
        reverse("rectification:visit-plan"),
        {"village": world.village_a1.code, "planned_on": "2024-03-01", "items": [items[0].pk]},
    )
    assert response.status_code == 403
    assert ReturnVisit.objects.count() == 0


# Recording ----------------------------------------------------------------------------------------------------------


def test_the_office_records_verdicts_and_a_photo_and_the_satisfaction_shows(
    client: Client, world: World, office: User, visit: ReturnVisit, media: None
) -> None:
    """One item VERIFIED, one REOPEN with a photo: the visit is done, the page shows verdicts, photo and 18/20."""
    client.force_login(office)
    reopen_check = visit.checks.order_by("item__number")[1]
    photo = io.BytesIO(png_bytes())
    photo.name = "租金台账.png"
    response = client.post(
        reverse("rectification:visit-photo", args=[reopen_check.pk]), {"photo": photo, "caption": "台账照片"}
    )
    assert response.status_code == 302
    response = client.post(reverse("rectification:visit-record", args=[visit.pk]), _record_data(visit))
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == ReturnVisit.Status.DONE
    assert (visit.people_asked, visit.people_satisfied) == (20, 18)
    evidence = Evidence.objects.get()
    assert list(reopen_check.evidence.all()) == [evidence]
    file_url = reverse("rectification:visit-file", args=[visit.pk, reopen_check.pk, evidence.pk])
    assert Event.objects.filter(verb="rectification.visit_recorded", actor=office).exists()

    html = client.get(visit.get_absolute_url()).content.decode()
    assert "18 of 20 satisfied (90%)" in html
    assert "已重新安装并试水成功。" in html
    assert file_url in html
    assert "1 verified, 1 reopened of 2 items checked" in html
    assert 'data-testid="visit-record-form"' not in html
    assert client.get(file_url).status_code == 200


def test_the_verified_item_may_close_and_the_reopened_one_goes_back_in_progress(
    client: Client, world: World, office: User, visit: ReturnVisit
) -> None:
    """VERIFIED marks the item verified; REOPEN sends it back to IN_PROGRESS with the new deadline."""
    client.force_login(office)
    data = _record_data(visit)
    client.post(reverse("rectification:visit-record", args=[visit.pk]), data)
    verified, reopened = [check.item for check in visit.checks.select_related("item").order_by("item__number")]
    verified.refresh_from_db()
    reopened.refresh_from_db()
    assert verified.verified_at is not None
    assert reopened.status == LedgerItem.Status.IN_PROGRESS
    assert reopened.deadline.isoformat() == data[f"deadline_{reopened.pk}"]
    assert reopened.reopened == 1
    check = VisitCheck.objects.get(visit=visit, item=reopened)
    assert check.verdict == VisitCheck.Verdict.REOPEN
    assert check.new_deadline == reopened.deadline


def test_a_reopen_verdict_without_a_new_deadline_is_refused(
    client: Client, world: World, office: User, visit: ReturnVisit
) -> None:
    """To reopen an item the visit gives it a new deadline; without one nothing is recorded."""
    client.force_login(office)
    second = visit.checks.order_by("item__number")[1].item_id
    response = client.post(
        reverse("rectification:visit-record", args=[visit.pk]), _record_data(visit, **{f"deadline_{second}": ""})
    )
    visit.refresh_from_db()
    assert response.status_code == 400
    assert visit.status == ReturnVisit.Status.PLANNED
    assert "a new deadline to reopen it" in response.content.decode()


def test_more_residents_satisfied_than_asked_is_refused_with_a_message(
    client: Client, world: World, office: User, visit: ReturnVisit
) -> None:
    """Satisfied above asked: the action refuses, the page says why and keeps what was typed."""
    client.force_login(office)
    response = client.post(
        reverse("rectification:visit-record", args=[visit.pk]),
        _record_data(visit, people_asked="10", people_satisfied="12"),
    )
    html = response.content.decode()
    visit.refresh_from_db()
    assert response.status_code == 409
    assert visit.status == ReturnVisit.Status.PLANNED
    assert "The residents satisfied cannot outnumber those asked." in html
    assert 'value="12"' in html
    assert not LedgerItem.objects.filter(verified_at__isnull=False).exists()


def test_a_photo_must_be_an_image(client: Client, world: World, office: User, visit: ReturnVisit, media: None) -> None:
    """A PDF is evidence elsewhere, but a visit's photo must be an image."""
    client.force_login(office)
    check = visit.checks.first()
    assert check is not None
    document = io.BytesIO(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
    document.name = "report.pdf"
    response = client.post(reverse("rectification:visit-photo", args=[check.pk]), {"photo": document}, follow=True)
    assert Evidence.objects.count() == 0
    assert 'role="alert"' in response.content.decode() or "alert-danger" in response.content.decode()


# Scope --------------------------------------------------------------------------------------------------------------


def test_the_township_sees_the_visit_but_cannot_record_it(
    client: Client, world: World, township_user: User, visit: ReturnVisit, media: None
) -> None:
    """The township of 甲一村 reads the visit, without the record or photo forms, and a posted record is refused."""
    client.force_login(township_user)
    assert visit.get_absolute_url() in client.get(reverse("rectification:visit-list")).content.decode()
    response = client.get(visit.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="visit-record-form"' not in html
    assert 'data-testid="photo-form"' not in html
    response = client.post(reverse("rectification:visit-record", args=[visit.pk]), _record_data(visit))
    visit.refresh_from_db()
    assert response.status_code == 403
    assert visit.status == ReturnVisit.Status.PLANNED
    check = visit.checks.first()
    assert check is not None
    photo = io.BytesIO(png_bytes())
    photo.name = "photo.png"
    client.post(reverse("rectification:visit-photo", args=[check.pk]), {"photo": photo})
    assert Evidence.objects.count() == 0


def test_another_countys_office_gets_404(client: Client, world: World, outsider: User, visit: ReturnVisit) -> None:
    """Outside its county the office finds no trace of the visit."""
    client.force_login(outsider)
    check = visit.checks.first()
    assert check is not None
    assert client.get(visit.get_absolute_url()).status_code == 404
    assert client.post(reverse("rectification:visit-record", args=[visit.pk]), _record_data(visit)).status_code == 404
    assert client.post(reverse("rectification:visit-photo", args=[check.pk]), {}).status_code == 404
    html = client.get(reverse("rectification:visit-list")).content.decode()
    assert 'data-testid="visit-row"' not in html
    assert 'data-testid="visit-plan-form"' not in html


# The list -----------------------------------------------------------------------------------------------------------


def test_the_list_shows_dates_counts_and_satisfaction(
    client: Client, world: World, office: User, visit: ReturnVisit
) -> None:
    """A recorded visit's row: planned and visited dates, items checked, verdict counts and 18 of 20 (90%)."""
    client.force_login(office)
    client.post(reverse("rectification:visit-record", args=[visit.pk]), _record_data(visit))
    visit.refresh_from_db()
    response = client.get(reverse("rectification:visit-list"))
    html = response.content.decode()
    assert response.status_code == 200
    row = html[html.index('data-testid="visit-row"') :].split("</tr>")[0]
    assert "2024-03-01" in row
    assert visit.visited_on is not None and visit.visited_on.isoformat() in row
    assert "<td>2</td>" in row
    assert "18 of 20 satisfied (90%)" in row


def test_the_list_costs_the_same_whatever_the_number_of_visits(
    client: Client, world: World, office: User, items: list[LedgerItem]
) -> None:
    """Counts come from one annotated query: three visits cost what one costs."""
    client.force_login(office)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("rectification:visit-list")).status_code == 200
        return len(captured)

    actions.plan_visit(world.village_a1, planned_on=date(2024, 3, 1), items=items[:1], actor=office)
    one = queries()
    for day in (2, 3):
        actions.plan_visit(world.village_a1, planned_on=date(2024, 3, day), items=items, actor=office)
    assert queries() == one


def test_a_visits_page_costs_the_same_whatever_the_number_of_items_and_photos(
    client: Client, world: World, office: User, items: list[LedgerItem], media: None
) -> None:
    """Items and their photos are read in a fixed number of queries."""
    client.force_login(office)
    small = actions.plan_visit(world.village_a1, planned_on=date(2024, 3, 1), items=items[:1], actor=office)
    large = actions.plan_visit(world.village_a1, planned_on=date(2024, 3, 2), items=items, actor=office)
    for check in large.checks.all():
        actions.attach_check_photo(check, io.BytesIO(png_bytes()), "photo.png", 0, actor=office)

    def queries(visit: ReturnVisit) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(visit.get_absolute_url()).status_code == 200
        return len(captured)

    assert queries(large) == queries(small)


# In a browser -------------------------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_office_records_a_return_visit_with_a_photo_in_the_browser(
    browser_page: BrowserPage,
    world: World,
    office: User,
    group_member: User,
    group_leader: User,
    settings: pytest.FixtureRequest,
    tmp_path: pytest.TempPathFactory,
) -> None:
    """On the visit's page the office adds a photo to the checked item, records it VERIFIED and the residents'
    satisfaction; the page then shows the photo, the verdict and the figures."""
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    items = publish_items(world, group_member, group_leader, office)
    visit = actions.plan_visit(
        world.village_a1, planned_on=timezone.localdate(), items=items[:1], visitors="县委巡察办 李明", actor=office
    )
    page = browser_page.page
    browser_page.login("office")
    browser_page.goto(visit.get_absolute_url())
    page.locator("[data-testid=photo-form] input[type=file]").set_input_files(
        {"name": "消防栓.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    page.locator("[data-testid=photo-form] button[type=submit]").click()
    page.wait_for_selector("[data-testid=check-photos] img")

    form = page.locator("[data-testid=visit-record-form]")
    form.locator("#id_people_asked").fill("12")
    form.locator("#id_people_satisfied").fill("11")
    form.locator(f"input[name=verdict_{items[0].pk}][value=VERIFIED]").check()
    form.locator(f"#id_note_{items[0].pk}").fill("已重新安装并试水成功。")
    form.locator("#id_note").fill("走访群众12人，11人满意。")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=visit-record-form]", state="detached")

    visit.refresh_from_db()
    items[0].refresh_from_db()
    assert visit.status == ReturnVisit.Status.DONE
    assert (visit.people_asked, visit.people_satisfied) == (12, 11)
    assert items[0].verified_at is not None
    assert page.locator("[data-testid=verdict]").first.inner_text().strip() != ""
    assert page.locator("[data-testid=check-photos] img").count() == 1
    assert "12" in page.locator("[data-testid=satisfaction]").inner_text()
    browser_page.screenshot("return-visit")
    assert [error for error in browser_page.errors if "404" not in error] == []
