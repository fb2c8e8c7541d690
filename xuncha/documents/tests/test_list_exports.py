"""导出 of the list pages: the file holds exactly the rows the filters show (every page), in the reader's scope, with
a Chinese header, a title naming the filters, choices as their labels, and an access-log entry."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import openpyxl
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.audit.models import AccessLog
from xuncha.conftest import World
from xuncha.documents.chinese import labels
from xuncha.documents.exports import LEDGER_COLUMNS
from xuncha.findings.models import Problem
from xuncha.findings.tests.factories import ProblemFactory
from xuncha.organisations.models import AdminUnit, Category
from xuncha.rectification.models import LedgerItem
from xuncha.rectification.tests.test_ledger_views import extra_items, publish, published_item

Status = LedgerItem.Status
XLSX = {"export": "xlsx"}


def _sheet(client: Client, url: str, params: dict[str, Any]) -> list[list[Any]]:
    response = client.get(url, {**params, **XLSX})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_ledger_export_holds_every_filtered_item_of_every_page(client: Client, world: World, office: User) -> None:
    """60 submitted items over two pages and one open one: the status filter exports the 60, labels not codes."""
    feedback = publish(world, office)
    extra_items(feedback, [timezone.localdate() + timedelta(days=30)] * 60, status=Status.SUBMITTED)
    client.force_login(office)
    rows = _sheet(client, reverse("rectification:item-list"), {"status": Status.SUBMITTED})
    title, header, body = rows[0], rows[1], rows[2:]
    assert "整改台账" in title[0] and "状态：已提交待审核" in title[0]
    assert header[:4] == ["序号", "编号", "村（社区）", "问题"]
    assert len(body) == 60
    submitted = set(LedgerItem.objects.filter(status=Status.SUBMITTED).values_list("number", flat=True))
    assert {row[1] for row in body} == submitted
    assert {row[LEDGER_COLUMNS.index("完成情况")] for row in body} == {
        "已提交待审核"
    }  # 完成情况 as the label, never SUBMITTED
    log = AccessLog.objects.get(action=AccessLog.Action.EXPORTED)
    assert log.user == office and "状态：已提交待审核" in log.detail


def test_a_village_exports_only_its_own_items(client: Client, world: World, office: User, village_user: User) -> None:
    """甲一村's export holds its item and not 甲二村's, whatever filter it passes."""
    own = published_item(world, office)
    other = published_item(world, office, world.village_a2)
    client.force_login(village_user)
    numbers = {row[1] for row in _sheet(client, reverse("rectification:item-list"), {})[2:]}
    assert numbers == {own.number}
    assert other.number not in numbers


def test_the_unfiltered_ledger_export_is_titled_all(client: Client, world: World, office: User) -> None:
    published_item(world, office)
    client.force_login(office)
    assert _sheet(client, reverse("rectification:item-list"), {})[0][0].endswith("（全部）")


def test_the_village_list_exports_the_villages_not_yet_inspected(client: Client, world: World, office: User) -> None:
    """Coverage "not yet" exports the county's villages outside the round's assignment, category as its label."""
    client.force_login(office)
    rows = _sheet(client, reverse("organisations:village-list"), {"inspected": "no"})
    assert rows[1] == ["代码", "村（社区）", "乡镇", "类型", "分类", "本届"]
    assert "覆盖情况：尚未巡察" in rows[0][0] and "龙胜各族自治县" in rows[0][0]
    county_villages = AdminUnit.objects.villages().filter(path__under=world.county.path)
    assert {row[1] for row in rows[2:]} == {str(village) for village in county_villages} - {str(world.village_a1)}
    assert {row[4] for row in rows[2:]} <= set(labels(Category).values())
    assert {row[5] for row in rows[2:]} == {"未巡察"}
    assert AccessLog.objects.filter(action=AccessLog.Action.EXPORTED, user=office).count() == 1


def test_the_dashboards_problem_list_exports_its_filtered_problems(client: Client, world: World, office: User) -> None:
    """The drill list of problems exports those of the chosen category, with category and status labels."""
    kept = ProblemFactory.create(assignment=world.assignment, status=Problem.Status.CONFIRMED, category="FINANCE")
    ProblemFactory.create(assignment=world.assignment, status=Problem.Status.CONFIRMED, category="ASSETS")
    client.force_login(office)
    url = reverse("dashboard:problem-list", args=[world.county.code])
    rows = _sheet(client, url, {"category": "FINANCE"})
    assert [row[0] for row in rows[2:]] == [kept.serial]
    assert rows[2][3] == "村级财务管理" and rows[2][6] == "已确认"
    assert rows[0][0].startswith("问题（") and "分类：村级财务管理" in rows[0][0]


def test_the_visits_and_rounds_lists_export(client: Client, world: World, office: User) -> None:
    client.force_login(office)
    rounds = _sheet(client, reverse("inspections:round-list"), {})
    assert rounds[1] == ["届次", "轮次", "类型", "开始日期", "结束日期", "巡察组", "状态"]
    assert [row[1] for row in rounds[2:]] == [str(world.round)]
    assert rounds[2][5:] == ["第三巡察组", "已进驻"]
    visits = _sheet(client, reverse("rectification:visit-list"), {})
    assert visits[2:] == []
    assert AccessLog.objects.filter(action=AccessLog.Action.EXPORTED).count() == 2


def test_every_list_page_offers_the_export_with_its_filters(client: Client, world: World, office: User) -> None:
    """The 导出 link carries the filters the page shows, without the page number."""
    published_item(world, office)
    client.force_login(office)
    html = client.get(reverse("rectification:item-list"), {"status": Status.OPEN, "page": "1"}).content.decode()
    assert 'data-testid="export-xlsx"' in html
    assert "status=OPEN&amp;export=xlsx" in html and "page=1&amp;export" not in html
    for url in (
        reverse("organisations:village-list"),
        reverse("rectification:visit-list"),
        reverse("inspections:round-list"),
        reverse("dashboard:problem-list", args=[world.county.code]),
    ):
        assert 'data-testid="export-xlsx"' in client.get(url).content.decode(), url
