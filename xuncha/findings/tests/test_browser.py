"""End to end in a real browser: a member writes a paper with a photo, the leader confirms it, and the village
does not see it before feedback."""

from __future__ import annotations

import pytest

from xuncha.accounts.models import User
from xuncha.conftest import BrowserPage, World
from xuncha.findings.models import Problem

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" + (
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _sign_out(browser_page: BrowserPage) -> None:
    browser_page.page.click("form[action$='/accounts/logout/'] button")
    browser_page.page.wait_for_url("**/accounts/login/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_member_records_with_photo_leader_confirms_village_cannot_see(
    browser_page: BrowserPage,
    world: World,
    group_member: User,
    group_leader: User,
    village_user: User,
    settings: pytest.FixtureRequest,
    tmp_path: pytest.TempPathFactory,
) -> None:
    """The whole on-site path of one working paper, through the pages."""
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    page = browser_page.page
    browser_page.login("group3_member")
    browser_page.goto(world.assignment.get_absolute_url())
    form = page.locator("[data-testid=problem-form]")
    form.locator("#id_category").select_option("SAFETY_LIVELIHOOD")
    form.locator("#id_phenomenon").fill("2023年供水管网改造时拆除的3处消防栓至今未恢复安装，居民多次反映。")
    form.locator("#id_source").select_option("PETITION")
    form.locator("#id_fix_type").select_option("IMMEDIATE")
    form.locator("#id_found_on").fill("2023-09-20")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=problem-table] >> text=4巡-3组-001")
    problem = Problem.objects.get()

    page.click("[data-testid=problem-table] a")
    page.wait_for_url(f"**{problem.get_absolute_url()}")
    page.locator("[data-testid=evidence-form] input[type=file]").set_input_files(
        {"name": "消防栓.png", "mimeType": "image/png", "buffer": PNG}
    )
    page.locator("[data-testid=evidence-form] button[type=submit]").click()
    page.wait_for_selector("[data-testid=evidence-list] img")
    assert problem.evidence.count() == 1
    assert page.locator("[data-testid=confirm-problem]").count() == 0
    _sign_out(browser_page)

    browser_page.login("group3_leader")
    browser_page.goto(problem.get_absolute_url())
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-testid=confirm-problem]")
    page.wait_for_load_state()
    problem.refresh_from_db()
    assert problem.status == Problem.Status.CONFIRMED
    browser_page.screenshot("leader-confirmed-a-paper")
    _sign_out(browser_page)

    browser_page.login("village_a1")
    response = page.goto(browser_page.base_url + problem.get_absolute_url())
    assert response is not None and response.status == 404
    browser_page.goto(world.village_a1.get_absolute_url())
    assert problem.serial not in page.content()
    assert [error for error in browser_page.errors if "404" not in error] == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_member_records_a_paper_with_its_photos_in_one_submit(
    browser_page: BrowserPage,
    world: World,
    group_member: User,
    settings: pytest.FixtureRequest,
    tmp_path: pytest.TempPathFactory,
) -> None:
    """Through htmx the form sends its files: a wrong file comes back at the photos field with the text kept and
    nothing saved; chosen again with photos only, the paper is saved with both."""
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    page = browser_page.page
    browser_page.login("group3_member")
    browser_page.goto(world.assignment.get_absolute_url())
    form = page.locator("[data-testid=problem-form]")
    text = "村卫生室门前排水沟堵塞，雨天积水漫入室内。"
    form.locator("#id_phenomenon").fill(text)
    form.locator("#id_found_on").fill("2023-09-20")
    form.locator("#id_photos").set_input_files(
        [
            {"name": "一.png", "mimeType": "image/png", "buffer": PNG},
            {"name": "说明.png", "mimeType": "image/png", "buffer": b"not a photo"},
        ]
    )
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=photos-dropped]")
    assert "说明.png" in page.locator("[data-testid=problem-form]").inner_text()
    assert page.locator("#id_phenomenon").input_value() == text
    assert not Problem.objects.exists()

    form = page.locator("[data-testid=problem-form]")
    form.locator("#id_photos").set_input_files(
        [
            {"name": "一.png", "mimeType": "image/png", "buffer": PNG},
            {"name": "二.png", "mimeType": "image/png", "buffer": PNG},
        ]
    )
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=problem-table] >> text=4巡-3组-001")
    problem = Problem.objects.get()
    assert problem.evidence.count() == 2
    browser_page.screenshot("member-recorded-a-paper-with-photos")
    assert browser_page.errors == []
