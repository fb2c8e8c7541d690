"""The ledger, problem-list and statistics workbooks and their download pages: the columns and values offices
read, the traffic light, text that never becomes a formula, the reader's scope, 404 outside it, the access log and
a query count that does not grow with the rows."""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from pytest_django import DjangoAssertNumQueries

from xuncha.accounts.models import User
from xuncha.audit.models import AccessLog
from xuncha.conftest import World
from xuncha.core.xlsx import GREEN, RED, YELLOW
from xuncha.documents import exports
from xuncha.documents.exports import LEDGER_COLUMNS, PROBLEM_COLUMNS
from xuncha.documents.files import XLSX
from xuncha.evidence.models import Evidence
from xuncha.findings.models import Clue, Problem
from xuncha.findings.tests.factories import CLUE_SUBJECT, CLUE_SUMMARY, ClueFactory
from xuncha.inspections.models import Round
from xuncha.rectification.models import LedgerItem, Progress
from xuncha.rectification.tests.factories import FOLLOW_UP_DEADLINE, confirmed_problem, ledger_item

Status = LedgerItem.Status
INJECTION = '=HYPERLINK("http://x","y")'


def workbook(content: bytes) -> dict[str, Worksheet]:
    book = load_workbook(io.BytesIO(content))
    return {ws.title: ws for ws in book.worksheets if isinstance(ws, Worksheet)}


def table(ws: Worksheet, header_row: int = 1) -> list[dict[str, Any]]:
    """The sheet's rows below the header as dicts keyed by header."""
    rows = list(ws.iter_rows(min_row=header_row, values_only=True))
    header = [str(value) for value in rows[0]]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def ledger_sheet(user: User, world: World, unit: Any = None, round_: Round | None = None) -> Worksheet:
    return workbook(exports.ledger(user, unit or world.county, round_).content)["整改台账"]


def fill(cell: Any) -> str | None:
    return cell.fill.fgColor.rgb[-6:] if cell.fill.fill_type else None


def no_formula(content: bytes) -> bool:
    archive = zipfile.ZipFile(io.BytesIO(content))
    sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/sheet")]
    return all(b"<f>" not in archive.read(name) and b"<f " not in archive.read(name) for name in sheets)


def fresh(user: User) -> User:
    """The user read afresh, as each request does (no grants cached on it)."""
    return User.objects.get(pk=user.pk)


@pytest.fixture
def items(world: World) -> dict[str, LedgerItem]:
    """One item in each of three villages of two townships."""
    return {
        "a1": ledger_item(
            world.round, world.village_a1, measures="召开村民代表会议补办手续", responsible_leader="王书记"
        ),
        "a2": ledger_item(world.round, world.village_a2),
        "b1": ledger_item(world.round, world.village_b1),
    }


# The ledger -------------------------------------------------------------------------------------------------------


def test_the_ledger_has_the_offices_columns_in_row_one_frozen_below(
    world: World, office: User, items: dict[str, LedgerItem]
) -> None:
    exported = exports.ledger(office, world.county)
    ws = workbook(exported.content)["整改台账"]
    assert [cell.value for cell in ws[1]] == list(LEDGER_COLUMNS)
    assert ws.freeze_panes == "A2"
    assert exported.name == "龙胜各族自治县整改台账.xlsx"
    assert exported.content_type == XLSX
    assert [row["序号"] for row in table(ws)] == [1, 2, 3]


def test_a_ledger_row_holds_the_items_values_with_their_types(
    world: World, office: User, items: dict[str, LedgerItem]
) -> None:
    item = items["a1"]
    Progress.objects.create(item=item, kind=Progress.Kind.PLAN, text="制定整改方案", on=date(2023, 12, 10))
    latest = Progress.objects.create(
        item=item, kind=Progress.Kind.PROGRESS, text="租金3.2万元已全部入账", on=date(2024, 1, 8)
    )
    for name, caption in (("receipt.jpg", "收款凭证"), ("minutes.pdf", "")):
        latest.evidence.add(
            Evidence.objects.create(
                file=f"evidence/{name}",
                original_name=name,
                content_type="image/jpeg",
                extension=name.rsplit(".", 1)[1],
                size=10,
                sha256="0" * 64,
                caption=caption,
            )
        )
    row = next(row for row in table(ledger_sheet(office, world)) if row["编号"] == item.number)
    assert row["村（社区）"] == "甲一村"
    assert row["问题"] == item.summary
    assert row["整改措施"] == "召开村民代表会议补办手续"
    assert row["责任领导"] == "王书记"
    assert row["责任单位"] == "甲一村（甲镇督导）"
    assert row["完成时限"].date() == FOLLOW_UP_DEADLINE
    assert row["整改进展"] == "租金3.2万元已全部入账"
    assert row["完成情况"] == "未启动"
    assert set(row["佐证材料"].split("、")) == {"收款凭证", "minutes.pdf"}
    assert row["是否销号"] == "否"
    assert row["销号日期"] is None
    assert isinstance(row["序号"], int)


def test_a_closed_item_says_so_with_its_closing_date(world: World, office: User) -> None:
    ledger_item(world.round, world.village_a2, status=Status.CLOSED, closed_on=date(2024, 1, 20))
    ws = ledger_sheet(office, world)
    (row,) = table(ws)
    assert (row["完成情况"], row["是否销号"]) == ("已销号", "是")
    assert row["销号日期"].date() == date(2024, 1, 20)
    assert ws.cell(row=2, column=LEDGER_COLUMNS.index("销号日期") + 1).number_format == "yyyy-mm-dd"
    assert fill(ws.cell(row=2, column=LEDGER_COLUMNS.index("完成时限") + 1)) is None


def test_the_deadline_is_filled_with_the_traffic_light(world: World, office: User) -> None:
    today = timezone.localdate()
    lit = {
        RED: ledger_item(world.round, world.village_a1, deadline=today - timedelta(days=3)),
        YELLOW: ledger_item(world.round, world.village_a1, deadline=today),
        GREEN: ledger_item(world.round, world.village_a1, deadline=today + timedelta(days=90)),
    }
    ws = ledger_sheet(office, world)
    colour_of = {
        ws.cell(row=row, column=2).value: fill(ws.cell(row=row, column=LEDGER_COLUMNS.index("完成时限") + 1))
        for row in range(2, 5)
    }
    assert colour_of == {item.number: colour for colour, item in lit.items()}
    assert {item.light().value for item in lit.values()} == {"RED", "YELLOW", "GREEN"}


def test_a_problem_text_that_looks_like_a_formula_is_exported_as_text(world: World, office: User) -> None:
    item = ledger_item(world.round, world.village_a1)
    LedgerItem.objects.filter(pk=item.pk).update(summary=INJECTION, measures="+1+1")
    content = exports.ledger(office, world.county).content
    ws = workbook(content)["整改台账"]
    assert (ws["D2"].value, ws["D2"].data_type) == (INJECTION, "s")
    assert (ws["E2"].value, ws["E2"].data_type) == ("+1+1", "s")
    assert no_formula(content)


def test_a_village_exports_only_its_own_items(world: World, village_user: User, items: dict[str, LedgerItem]) -> None:
    numbers = [row["编号"] for row in table(ledger_sheet(village_user, world, world.village_a1))]
    assert numbers == [items["a1"].number]
    # Even asked for the county, a village's export holds nothing beyond its scope.
    assert [row["编号"] for row in table(ledger_sheet(village_user, world))] == [items["a1"].number]


def test_a_township_exports_only_its_villages(world: World, township_user: User, items: dict[str, LedgerItem]) -> None:
    numbers = {row["编号"] for row in table(ledger_sheet(township_user, world, world.township_a))}
    assert numbers == {items["a1"].number, items["a2"].number}


def test_the_office_exports_a_townships_part_or_one_rounds(
    world: World, office: User, items: dict[str, LedgerItem]
) -> None:
    numbers = {row["编号"] for row in table(ledger_sheet(office, world, world.township_b))}
    assert numbers == {items["b1"].number}
    other_round = Round.objects.create(
        term=world.term, number=5, start_date=date(2024, 3, 1), end_date=date(2024, 4, 1)
    )
    assert table(ledger_sheet(office, world, round_=other_round)) == []
    assert len(table(ledger_sheet(office, world, round_=world.round))) == 3


@pytest.mark.parametrize("count", [3, 30])
def test_the_ledger_costs_the_same_queries_whatever_its_rows(
    world: World, office: User, count: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for index in range(count):
        item = ledger_item(world.round, world.village_a1)
        Progress.objects.create(item=item, kind=Progress.Kind.PROGRESS, text=f"进展{index}")
    user = fresh(office)
    # The user's grants, their group memberships, the items.
    with django_assert_num_queries(3):
        exported = exports.ledger(user, world.county)
    assert len(table(workbook(exported.content)["整改台账"])) == count


# The problem list -------------------------------------------------------------------------------------------------


@pytest.fixture
def problems(world: World) -> dict[str, Problem]:
    return {
        "draft": confirmed_problem(world.round, world.village_a1, status=Problem.Status.DRAFT),
        "confirmed": confirmed_problem(world.round, world.village_a1),
        "fed_back": confirmed_problem(world.round, world.village_a1, status=Problem.Status.FED_BACK),
        "other_village": confirmed_problem(world.round, world.village_b1, status=Problem.Status.FED_BACK),
        "discarded": confirmed_problem(world.round, world.village_a1, status=Problem.Status.DISCARDED),
    }


def test_the_problem_list_holds_confirmed_and_fed_back_problems(
    world: World, office: User, problems: dict[str, Problem]
) -> None:
    exported = exports.problems(office, world.round)
    ws = workbook(exported.content)["问题清单"]
    assert [cell.value for cell in ws[1]] == list(PROBLEM_COLUMNS)
    rows = table(ws)
    assert {row["编号"] for row in rows} == {problems[key].serial for key in ("confirmed", "fed_back", "other_village")}
    first = next(row for row in rows if row["编号"] == problems["fed_back"].serial)
    assert first["乡镇"] == "甲镇"
    assert first["村（社区）"] == "甲一村"
    assert first["问题表现"] == problems["fed_back"].phenomenon
    assert first["状态"] == "已反馈"
    assert first["问题类别"] and first["整改类型"]
    assert exported.name.endswith("问题清单.xlsx")


def test_the_problem_list_never_names_who_found_a_problem(
    world: World, office: User, problems: dict[str, Problem]
) -> None:
    content = exports.problems(office, world.round).content
    text = " ".join(str(value) for row in workbook(content)["问题清单"].iter_rows(values_only=True) for value in row)
    for problem in problems.values():
        assert problem.finder.username not in text
        assert problem.finder.get_full_name() == "" or problem.finder.get_full_name() not in text


def test_a_village_gets_only_what_was_fed_back_to_it(
    world: World, village_user: User, problems: dict[str, Problem]
) -> None:
    rows = table(workbook(exports.problems(village_user, world.round).content)["问题清单"])
    assert [row["编号"] for row in rows] == [problems["fed_back"].serial]


def test_the_problem_list_of_one_village(world: World, office: User, problems: dict[str, Problem]) -> None:
    rows = table(workbook(exports.problems(office, world.round, world.village_b1).content)["问题清单"])
    assert [row["编号"] for row in rows] == [problems["other_village"].serial]


# Statistics -------------------------------------------------------------------------------------------------------


def test_the_statistics_of_a_county(world: World, office: User, items: dict[str, LedgerItem]) -> None:
    ledger_item(world.round, world.village_a1, status=Status.CLOSED)
    exported = exports.statistics(office, world.county)
    sheets = workbook(exported.content)
    assert list(sheets) == ["按轮次", "按乡镇", "按村（社区）", "问题类别", "巡察覆盖"]
    by_round = table(sheets["按轮次"], header_row=2)
    assert by_round[0]["轮次"] == str(world.round)
    assert (by_round[0]["整改事项"], by_round[0]["已销号"], by_round[0]["整改完成率（%）"]) == (4, 1, 25)
    assert by_round[-1]["轮次"] == "合计"
    by_township = {row["乡镇"]: row["整改事项"] for row in table(sheets["按乡镇"], header_row=2)}
    assert by_township == {"甲镇": 3, "乙镇": 1, "合计": 4}
    by_village = {row["村（社区）"]: row["整改事项"] for row in table(sheets["按村（社区）"], header_row=2)}
    assert by_village == {"甲一村": 2, "甲二村": 1, "乙一村": 1, None: 4}
    categories = table(sheets["问题类别"], header_row=2)
    assert len(categories) == 13
    assert categories[-1]["问题数"] == 4
    assert all(isinstance(row["问题数"], int) for row in categories)
    coverage = {row["乡镇"]: row for row in table(sheets["巡察覆盖"], header_row=2)}
    assert coverage["合计"]["村（社区）"] == 4
    # 甲社区 has not been inspected: the items' villages have.
    assert (coverage["合计"]["已巡察"], coverage["合计"]["未巡察"], coverage["甲镇"]["已巡察"]) == (3, 1, 2)
    assert exported.name == "龙胜各族自治县巡察整改统计.xlsx"


def test_sealed_clues_are_counted_only_for_those_who_may_know_of_them(
    world: World, office_lead: User, office: User, township_user: User
) -> None:
    ClueFactory.create(assignment=world.assignment, status=Clue.Status.TRANSFERRED)
    ClueFactory.create(assignment=world.assignment)
    content = exports.statistics(office_lead, world.county).content
    counts = {(row["项目"], row["分类"]): row["件数"] for row in table(workbook(content)["问题线索"], header_row=2)}
    assert counts[("问题线索", "合计")] == 2
    assert (counts[("状态", "已登记")], counts[("状态", "已移交")]) == (1, 1)
    text = " ".join(
        str(value) for ws in workbook(content).values() for row in ws.iter_rows(values_only=True) for value in row
    )
    assert CLUE_SUBJECT not in text and CLUE_SUMMARY not in text
    for user, unit in ((office, world.county), (township_user, world.township_a)):
        assert "问题线索" not in workbook(exports.statistics(user, unit).content)


def test_a_village_gets_its_own_figures_and_no_clues(
    world: World, village_user: User, items: dict[str, LedgerItem]
) -> None:
    sheets = workbook(exports.statistics(village_user, world.village_a1).content)
    assert list(sheets) == ["按轮次", "问题类别"]
    assert table(sheets["按轮次"], header_row=2)[-1]["整改事项"] == 1


def test_a_township_gets_its_villages_and_its_coverage(
    world: World, township_user: User, items: dict[str, LedgerItem]
) -> None:
    sheets = workbook(exports.statistics(township_user, world.township_a).content)
    assert list(sheets) == ["按轮次", "按村（社区）", "问题类别", "巡察覆盖"]
    assert [row["乡镇"] for row in table(sheets["巡察覆盖"], header_row=2)] == ["甲镇"]


# The download pages -----------------------------------------------------------------------------------------------


def download(client: Client, user: User, url: str) -> Any:
    client.force_login(user)
    return client.get(url)


def test_the_ledger_page_sends_the_file_and_logs_the_export(
    client: Client, world: World, office: User, items: dict[str, LedgerItem]
) -> None:
    url = reverse("documents:ledger-xlsx", args=[world.county.short_code])
    response = download(client, office, f"{url}?round={world.round.pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert len(table(workbook(response.content)["整改台账"])) == 3
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.object_type, log.object_id) == (
        office,
        AccessLog.Action.EXPORTED,
        "organisations.adminunit",
        str(world.county.pk),
    )
    assert "整改台账" in log.detail
    assert log.ip_address == "127.0.0.1"


def test_the_problem_and_statistics_pages_log_their_exports(
    client: Client, world: World, office: User, problems: dict[str, Problem]
) -> None:
    response = download(client, office, reverse("documents:problems-xlsx", args=[world.round.pk]))
    assert response.status_code == 200
    response = client.get(reverse("documents:problems-xlsx", args=[world.round.pk]), {"village": world.village_b1.code})
    assert len(table(workbook(response.content)["问题清单"])) == 1
    response = client.get(reverse("documents:statistics-xlsx", args=[world.county.code]))
    assert response.status_code == 200
    logged = list(AccessLog.objects.order_by("pk").values_list("action", "object_type"))
    assert logged == [
        (AccessLog.Action.EXPORTED, "inspections.round"),
        (AccessLog.Action.EXPORTED, "inspections.round"),
        (AccessLog.Action.EXPORTED, "organisations.adminunit"),
    ]


@pytest.mark.parametrize(
    ("persona", "name", "args", "query"),
    [
        ("outsider", "documents:ledger-xlsx", lambda w: [w.county.code], {}),
        ("village_user", "documents:ledger-xlsx", lambda w: [w.township_a.code], {}),
        ("township_user", "documents:statistics-xlsx", lambda w: [w.township_b.code], {}),
        ("office", "documents:ledger-xlsx", lambda w: ["not-a-code"], {}),
        ("office", "documents:ledger-xlsx", lambda w: [w.county.code], {"round": "abc"}),
        ("outsider", "documents:problems-xlsx", lambda w: [w.round.pk], {}),
        ("office", "documents:problems-xlsx", lambda w: [w.round.pk], {"village": "450325100201"}),
        ("office", "documents:problems-xlsx", lambda w: [w.round.pk], {"village": "450328100000"}),
    ],
)
def test_a_unit_round_or_village_outside_the_scope_answers_404(
    request: pytest.FixtureRequest,
    client: Client,
    world: World,
    persona: str,
    name: str,
    args: Any,
    query: dict[str, str],
) -> None:
    user: User = request.getfixturevalue(persona)
    client.force_login(user)
    assert client.get(reverse(name, args=args(world)), query).status_code == 404
    assert not AccessLog.objects.exists()


def test_a_round_of_another_county_answers_404(client: Client, world: World, office: User, outsider: User) -> None:
    url = reverse("documents:ledger-xlsx", args=[world.other_county.code])
    response = download(client, outsider, f"{url}?round={world.round.pk}")
    assert response.status_code == 404


def test_downloads_need_a_signed_in_user(client: Client, world: World) -> None:
    response = client.get(reverse("documents:ledger-xlsx", args=[world.county.code]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
