"""The dashboard as the office's statistics report (.docx) and workbook (.xlsx): the figures the dashboard shows,
read back from the files and counted by hand; for the office and county leaders only (403 for a township, 404
for a unit out of sight); sealed clues as one count; the township and round filters; a city's roll-up; the
access log and the cost in queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx.document import Document as DocumentObject
from openpyxl.worksheet.worksheet import Worksheet
from pytest_django import DjangoAssertNumQueries

from xuncha.accounts.models import Role, User
from xuncha.accounts.tests.factories import UserFactory, grant
from xuncha.audit.models import AccessLog
from xuncha.conftest import World
from xuncha.dashboard.queries import Sources, build_scope, dashboard_figures
from xuncha.documents.builders import statistics_report
from xuncha.documents.files import XLSX
from xuncha.documents.tests.test_docs import docx_of, download, open_docx, style_of, text_of
from xuncha.documents.tests.test_exports import no_formula, table, workbook
from xuncha.findings.models import Clue, FixType, Suggestion
from xuncha.findings.tests.factories import CLUE_SUBJECT, CLUE_SUMMARY, ClueFactory, SuggestionFactory
from xuncha.organisations.models import AdminUnit
from xuncha.organisations.tests import factories as units
from xuncha.public.models import Disclosure, Survey, SurveyAnswer
from xuncha.rectification.models import LedgerItem, ReturnVisit, VisitCheck
from xuncha.rectification.tests.factories import ledger_item, reported_round, visit

Status = LedgerItem.Status
VISIT_NOTE = "回访组实地查看整改事项，入户走访村民20人，19人表示满意。"
CLUE_SENTENCE = "巡察发现的问题线索已按规定程序移交1件。"


@dataclass
class Scene:
    """Round 4 reporting: two confirmed problems in each of 甲一村 (key, inspected directly), 甲二村 and 甲社区
    (巡乡带村) and 乙一村 (directly); 乙二村 never inspected. Three ledger items, each with its fed-back problem:
    甲一村's closed on time (立行立改), 甲二村's open past its deadline, 乙一村's long-term. Two suggestions in 甲一村
    (one adopted for follow-up, one undecided), two sealed clues (one transferred), a return visit to 甲一村 that
    verified its item (19 of 20 residents satisfied), that item published to residents, and a survey of 甲一村
    answered three times (satisfied, fairly satisfied, dissatisfied)."""

    village_b2: AdminUnit
    closed: LedgerItem


@pytest.fixture
def scene(world: World, office: User) -> Scene:
    village_b2 = units.village(world.township_b, "乙二村委会", number=202)
    reported_round(world)
    closed = ledger_item(world.round, world.village_a1, status=Status.CLOSED, fix_type=FixType.IMMEDIATE)
    ledger_item(world.round, world.village_a2)
    ledger_item(world.round, world.village_b1, status=Status.ONGOING, fix_type=FixType.LONG_TERM)
    SuggestionFactory.create(assignment=world.assignment, outcome=Suggestion.Outcome.FOLLOW_UP)
    SuggestionFactory.create(assignment=world.assignment, topic=Suggestion.Topic.LIVELIHOOD)
    ClueFactory.create(assignment=world.assignment, status=Clue.Status.TRANSFERRED)
    ClueFactory.create(assignment=world.assignment)
    done = visit(
        world.village_a1,
        [closed],
        office,
        status=ReturnVisit.Status.DONE,
        visited_on=date(2024, 3, 6),
        people_asked=20,
        people_satisfied=19,
        note=VISIT_NOTE,
    )
    VisitCheck.objects.filter(visit=done).update(verdict=VisitCheck.Verdict.VERIFIED)
    Disclosure.objects.create(item=closed, summary="村集体土地租金未入账。", result="租金已全部入账。")
    today = timezone.localdate()
    survey = Survey.objects.create(
        village=world.village_a1,
        title="甲一村整改满意度测评",
        opens_on=today - timedelta(days=5),
        closes_on=today + timedelta(days=20),
    )
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(survey=survey, rating=rating, device_key=f"device-{index}")
        for index, rating in enumerate(SurveyAnswer.Rating.values)
    )
    return Scene(village_b2, closed)


def docx_url(unit: AdminUnit) -> str:
    return reverse("documents:dashboard-docx", args=[unit.code])


def xlsx_url(unit: AdminUnit) -> str:
    return reverse("documents:dashboard-xlsx", args=[unit.code])


def headings(document: DocumentObject) -> list[str]:
    return [paragraph.text for paragraph in document.paragraphs if style_of(paragraph) == "Official Heading 1"]


def paragraphs(document: DocumentObject) -> str:
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


def docx_rows(document: DocumentObject, *header: str) -> list[list[str]]:
    """The rows below the header of the table whose header row begins with ``header``."""
    for candidate in document.tables:
        rows = [[cell.text for cell in row.cells] for row in candidate.rows]
        if tuple(rows[0][: len(header)]) == header:
            return rows[1:]
    raise AssertionError(f"no table starting with {header}")


def docx_table(document: DocumentObject, *header: str) -> dict[str, list[str]]:
    """The same rows keyed by their first cell."""
    return {row[0]: row[1:] for row in docx_rows(document, *header)}


def sheets_of(response: Any) -> dict[str, Worksheet]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == XLSX
    assert no_formula(response.content)
    return workbook(response.content)


def by_first(ws: Worksheet) -> dict[Any, dict[str, Any]]:
    """The sheet's rows below its title line and header, keyed by their first cell."""
    return {next(iter(row.values())): row for row in table(ws, header_row=2)}


def by_first_pair(ws: Worksheet) -> dict[tuple[Any, Any], Any]:
    """The 概况 sheet's values by their subject and figure."""
    return {(row["项目"], row["指标"]): row["数值"] for row in table(ws, header_row=2)}


def office_figures(user: User, unit: AdminUnit, **scope: Any) -> dict[str, Any]:
    """The figures the dashboard shows the office (which reads findings and counts clues)."""
    sources = Sources.of(user, reads_findings=True, counts_clues=True)
    return dashboard_figures(build_scope(unit, **scope), sources)


# The report (.docx) -----------------------------------------------------------------------------------------------


def test_the_office_downloads_the_countys_report(client: Client, scene: Scene, world: World, office: User) -> None:
    """The sections in order, each with the county's figures as the dashboard counts them and as counted by hand."""
    figures = office_figures(office, world.county)
    response = download(client, office, docx_url(world.county))
    document = docx_of(response)
    body = paragraphs(document)
    assert document.paragraphs[0].text == "龙胜各族自治县村级巡察工作统计报告"
    assert "统计范围：十五届县委各轮巡察；" in body
    assert headings(document) == [
        "一、巡察覆盖情况",
        "二、发现问题情况",
        "三、意见建议办理情况",
        "四、问题线索情况",
        "五、整改情况",
        "六、成果运用情况",
        "七、回访及群众满意度情况",
        "八、各乡镇巡察工作情况",
    ]
    assert "龙胜各族自治县共有村（社区）5个，其中村民委员会4个、社区1个；重点村1个、一般村4个。" in body
    assert "已巡察4个，其中重点村1个、一般村3个，覆盖率80%；尚未巡察1个。" in body
    rounds = docx_table(document, "轮次", "状态")
    assert rounds == {"十五届县委第四轮巡察": ["汇报阶段", "4", "1", "1", "2", "2", "0"]}

    # 8 confirmed problems and the 3 fed back behind the ledger items.
    assert figures["problems"]["total"] == 11
    assert "巡察共发现问题11个，其中已向村（社区）反馈3个。" in body
    categories = docx_table(document, "问题类别")
    assert categories["村集体“三资”管理"] == ["11", "100%"]
    assert categories["村级财务管理"] == ["0", "0%"]
    assert categories["合计"] == ["11", "100%"]
    assert len(categories) == 13
    assert docx_table(document, "问题来源")["查阅资料"] == ["11", "100%"]
    fix_types = docx_table(document, "整改类型")
    assert fix_types == {
        "立行立改": ["1", "9.1%"],
        "持续跟进整改": ["9", "81.8%"],
        "长期坚持": ["1", "9.1%"],
        "合计": ["11", "100%"],
    }
    assert docx_table(document, "轮次", "问题数（个）")["十五届县委第四轮巡察"] == ["11", "100%"]

    assert (
        "共收集群众和村民代表意见建议2条，其中采纳并立行立改0条、采纳并持续跟进整改1条、不予采纳0条、待研究1条。"
        in body
    )
    topics = docx_table(document, "建议领域")
    assert (topics["产业发展"], topics["民生保障"], topics["合计"]) == (["1", "50%"], ["1", "50%"], ["2", "100%"])
    # The villages that raised most on one topic: 甲一村 twice, once per topic.
    assert docx_rows(document, "村（社区）", "建议领域") == [
        ["甲一村委会", "产业发展", "1", "0", "1", "0"],
        ["甲一村委会", "民生保障", "1", "0", "0", "0"],
    ]
    assert CLUE_SENTENCE in body

    ledger = figures["rectification"]
    assert (ledger["ledger_items"], ledger["closed"], ledger["overdue"], ledger["completion_rate"]) == (3, 1, 1, 33.3)
    assert "形成整改事项3个，已完成整改并销号1个，正在整改1个，长期坚持1个，整改完成率33.3%。" in body
    assert "按期完成1个、逾期完成0个，按期完成率100%。目前逾期未完成1个" in body
    by_round = docx_table(document, "轮次", "整改事项")
    assert by_round["十五届县委第四轮巡察"] == ["3", "1", "1", "1", "1", "33.3%", "100%"]
    assert by_round["合计"] == by_round["十五届县委第四轮巡察"]

    assert "开展整改回访1次，核查验证整改到位事项1项，未整改到位需重新整改0项；走访群众20人" in body
    assert "对整改情况表示满意19人，满意率95%。" in body
    assert "收到群众评价3份，其中满意1份、比较满意1份、不满意1份，满意率66.7%。" in body
    assert "向群众公开整改结果1项，涉及村（社区）1个。" in body

    areas = docx_table(document, "乡镇")
    assert areas == {
        "甲镇": ["3", "3", "100%", "8", "2", "1", "50%", "1"],
        "乙镇": ["2", "1", "50%", "3", "1", "0", "0%", "0"],
        "合计": ["5", "4", "80%", "11", "3", "1", "33.3%", "1"],
    }
    # The same rows as the dashboard's table.
    for area in figures["areas"]:
        row = areas[area["name"]]
        assert [int(row[0]), int(row[1]), int(row[3])] == [area["villages"], area["inspected"], area["problems"]]
        assert int(row[4]) == area["rectification"]["ledger_items"]

    assert document.paragraphs[-2].text == "中共龙胜各族自治县委员会巡察工作领导小组办公室"
    today = timezone.localdate()
    assert document.paragraphs[-1].text == f"{today.year}年{today.month}月{today.day}日"
    text = text_of(document)
    for secret in (CLUE_SUBJECT, CLUE_SUMMARY):
        assert secret not in text
    name = f"龙胜各族自治县巡察统计报告（{today.isoformat()}）.docx"
    assert f"filename*=UTF-8''{quote(name)}" in response["Content-Disposition"]


@pytest.mark.parametrize("persona", ["office", "office_lead", "leader"])
def test_the_offices_and_the_leaders_report_count_the_transferred_clues(
    request: pytest.FixtureRequest, client: Client, scene: Scene, world: World, persona: str
) -> None:
    """One sentence with the count of clues transferred; nothing of what they say, nor of those still held."""
    user: User = request.getfixturevalue(persona)
    document = docx_of(download(client, user, docx_url(world.county)))
    text = text_of(document)
    assert "四、问题线索情况" in headings(document)
    assert text.count("问题线索") == 2  # the heading and the sentence
    assert CLUE_SENTENCE in text
    for secret in (CLUE_SUBJECT, CLUE_SUMMARY, "登记"):
        assert secret not in text
    overview = by_first_pair(sheets_of(client.get(xlsx_url(world.county)))["概况"])
    assert overview[("问题线索", "已移交问题线索")] == 1


def test_figures_without_clues_say_nothing_of_clues(scene: Scene, world: World, office: User) -> None:
    """A reader whose figures hold no clue count gets no clue section and the sections are numbered on."""
    figures = dashboard_figures(build_scope(world.county), Sources.of(office, reads_findings=True, counts_clues=False))
    assert figures["clues"] is None
    document = open_docx(statistics_report.docx(figures).content)
    assert "问题线索" not in text_of(document)
    assert headings(document)[3:6] == ["四、整改情况", "五、成果运用情况", "六、回访及群众满意度情况"]
    overview = by_first_pair(workbook(statistics_report.xlsx(figures).content)["概况"])
    assert not [key for key in overview if key[0] == "问题线索"]


def test_figures_without_suggestions_leave_the_section_out(scene: Scene, world: World, office: User) -> None:
    figures = dashboard_figures(build_scope(world.county), Sources.of(office, reads_findings=False, counts_clues=False))
    document = open_docx(statistics_report.docx(figures).content)
    assert "意见建议办理情况" not in text_of(document)
    assert headings(document)[2] == "三、整改情况"
    assert "意见建议" not in workbook(statistics_report.xlsx(figures).content)


# The workbook (.xlsx) ---------------------------------------------------------------------------------------------


def test_the_office_downloads_the_countys_workbook(client: Client, scene: Scene, world: World, office: User) -> None:
    """A sheet per subject under a title line, the header frozen, counts and rates as numbers."""
    figures = office_figures(office, world.county)
    response = download(client, office, xlsx_url(world.county))
    sheets = sheets_of(response)
    assert list(sheets) == [
        "概况",
        "按乡镇",
        "问题",
        "意见建议",
        "意见建议较多的村",
        "整改",
        "成果运用",
        "轮次",
        "回访",
        "未巡察村（社区）",
    ]
    for ws in sheets.values():
        assert ws.freeze_panes == "A3"
        assert str(ws["A1"].value).startswith("龙胜各族自治县")
    assert "十五届县委各轮巡察" in str(sheets["概况"]["A1"].value)

    overview = by_first_pair(sheets["概况"])
    assert overview[("巡察覆盖", "村（社区）")] == figures["villages"]["villages"] == 5
    assert overview[("巡察覆盖", "已巡察")] == 4
    assert overview[("巡察覆盖", "覆盖率（%）")] == 80
    assert overview[("发现问题", "问题总数")] == 11
    assert overview[("意见建议", "收集意见建议")] == 2
    assert overview[("整改", "整改事项")] == 3
    assert overview[("整改", "整改完成率（%）")] == 33.3
    assert overview[("整改回访", "满意率（%）")] == 95
    assert overview[("满意度测评", "满意率（%）")] == 66.7
    assert overview[("整改公开", "公开整改结果（项）")] == 1
    assert sheets["概况"]["C3"].data_type == "n"

    areas = by_first(sheets["按乡镇"])
    assert list(areas) == ["甲镇", "乙镇", "合计"]
    assert (areas["甲镇"]["村（社区）数"], areas["甲镇"]["重点村已巡察"], areas["甲镇"]["发现问题"]) == (3, 1, 8)
    assert (areas["乙镇"]["覆盖率（%）"], areas["乙镇"]["整改事项"], areas["乙镇"]["长期坚持"]) == (50, 1, 1)
    assert (areas["合计"]["已巡察"], areas["合计"]["逾期未完成"], areas["合计"]["整改完成率（%）"]) == (4, 1, 33.3)

    problems = {(row["分类"], row["类别"]): row["问题数"] for row in table(sheets["问题"], header_row=2)}
    assert problems[("问题类别", "村集体“三资”管理")] == 11
    assert problems[("整改类型", "持续跟进整改")] == 9
    assert problems[("巡察轮次", "十五届县委第四轮巡察")] == 11
    assert problems[("合计", None)] == 11

    suggestions = {(row["分类"], row["类别"]): row["件数"] for row in table(sheets["意见建议"], header_row=2)}
    assert (suggestions[("办理结果", "待研究")], suggestions[("建议领域", "产业发展")]) == (1, 1)
    assert len(table(sheets["意见建议较多的村"], header_row=2)) == 2

    ledger = by_first(sheets["整改"])
    assert ledger["十五届县委第四轮巡察"]["已销号"] == 1
    assert ledger["合计"]["按期完成率（%）"] == 100

    rounds = by_first(sheets["轮次"])
    assert rounds["十五届县委第四轮巡察"] == {
        "轮次": "十五届县委第四轮巡察",
        "状态": "汇报阶段",
        "巡察村（社区）": 4,
        "其中重点村": 1,
        "直接巡察重点村": 1,
        "直接巡村": 2,
        "巡乡带村": 2,
        "专项巡村": 0,
        "发现问题": 11,
    }
    visits = table(sheets["回访"], header_row=2)
    assert len(visits) == 1
    assert isinstance(visits[0]["回访日期"], datetime)
    assert visits[0]["回访日期"].date() == date(2024, 3, 6)
    assert (visits[0]["走访群众（人）"], visits[0]["满意（人）"], visits[0]["回访情况"]) == (20, 19, VISIT_NOTE)
    assert table(sheets["未巡察村（社区）"], header_row=2) == [
        {"乡镇": "乙镇", "村（社区）": "乙二村委会", "类别": "一般村"}
    ]

    name = f"龙胜各族自治县巡察统计报告（{timezone.localdate().isoformat()}）.xlsx"
    assert f"filename*=UTF-8''{quote(name)}" in response["Content-Disposition"]


# Filters ----------------------------------------------------------------------------------------------------------


def test_a_report_of_one_township_counts_only_that_township(
    client: Client, scene: Scene, world: World, office: User
) -> None:
    """The township named in the range, its villages as the rows, and nothing of the other township."""
    params = {"township": world.township_a.code}
    document = docx_of(download(client, office, docx_url(world.county), **params))
    body = paragraphs(document)
    assert "统计范围：十五届县委各轮巡察，甲镇；" in body
    assert "甲镇共有村（社区）3个" in body
    assert "巡察共发现问题8个" in body
    assert "八、各村（社区）巡察工作情况" in headings(document)
    areas = docx_table(document, "村（社区）", "村（社区）数")
    assert areas == {
        "甲社区居委会": ["1", "1", "100%", "2", "0", "0", "0%", "0"],
        "甲一村委会": ["1", "1", "100%", "3", "1", "1", "100%", "0"],
        "甲二村委会": ["1", "1", "100%", "3", "1", "0", "0%", "1"],
        "合计": ["3", "3", "100%", "8", "2", "1", "50%", "1"],
    }
    assert "乙" not in text_of(document)

    response = client.get(xlsx_url(world.county), params)
    sheets = sheets_of(response)
    assert "按村（社区）" in sheets
    assert by_first(sheets["按村（社区）"])["合计"]["发现问题"] == 8
    assert table(sheets["未巡察村（社区）"], header_row=2) == []
    name = f"龙胜各族自治县巡察统计报告（甲镇，{timezone.localdate().isoformat()}）.xlsx"
    assert f"filename*=UTF-8''{quote(name)}" in response["Content-Disposition"]


def test_a_report_of_one_round_names_it(client: Client, scene: Scene, world: World, office: User) -> None:
    document = docx_of(download(client, office, docx_url(world.county), round=world.round.pk))
    assert "统计范围：十五届县委第四轮巡察；" in paragraphs(document)
    assert docx_table(document, "问题类别")["合计"] == ["11", "100%"]


def test_a_citys_report_adds_up_its_counties(client: Client, scene: Scene, world: World) -> None:
    """A city's office reads the roll-up by county: no rounds (each county has its own), no addressee."""
    city = world.county.parent
    assert city is not None
    user = UserFactory.create(username="city_office")
    grant(user, Role.OFFICE, city)
    document = docx_of(download(client, user, docx_url(city)))
    assert document.paragraphs[0].text == "桂林市村级巡察工作统计报告"
    assert "辖区1个县（市、区）本届各轮巡察" in paragraphs(document)
    assert headings(document)[-1] == "八、各县（市、区）巡察工作情况"
    areas = docx_table(document, "县（市、区）")
    assert list(areas) == ["兴安县", "龙胜各族自治县", "合计"]
    assert areas["龙胜各族自治县"][:4] == ["5", "4", "80%", "11"]
    assert areas["兴安县"][:2] == ["1", "0"]
    assert document.paragraphs[-2].text == "中共桂林市委员会巡察工作领导小组办公室"
    sheets = sheets_of(client.get(xlsx_url(city)))
    assert list(sheets) == [
        "概况",
        "按县（市、区）",
        "问题",
        "意见建议",
        "意见建议较多的村",
        "整改",
        "成果运用",
        "回访",
    ]
    assert by_first(sheets["整改"]) == {"合计": by_first(sheets["整改"])["合计"]}


# Who may download ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [docx_url, xlsx_url])
def test_a_township_reads_its_figures_on_the_page_not_in_the_report(
    client: Client, scene: Scene, world: World, township_user: User, url: Any
) -> None:
    """Its own dashboard is open to the township (403 for the report of it); the county's is not even seen."""
    assert download(client, township_user, url(world.township_a)).status_code == 403
    assert download(client, township_user, url(world.village_a1)).status_code == 403
    assert download(client, township_user, url(world.county)).status_code == 404
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("url", [docx_url, xlsx_url])
def test_a_village_gets_404_for_the_county(
    client: Client, scene: Scene, world: World, village_user: User, url: Any
) -> None:
    assert download(client, village_user, url(world.county)).status_code == 404
    assert download(client, village_user, url(world.village_a1)).status_code == 403
    assert not AccessLog.objects.exists()


def test_another_county_and_anonymous_readers_are_refused(
    client: Client, scene: Scene, world: World, outsider: User
) -> None:
    response = client.get(docx_url(world.county))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert download(client, outsider, xlsx_url(world.county)).status_code == 404


def test_each_download_is_logged_as_an_export(client: Client, scene: Scene, world: World, office: User) -> None:
    download(client, office, docx_url(world.county))
    client.get(xlsx_url(world.county), {"township": world.township_b.code})
    logged = list(AccessLog.objects.order_by("pk").values_list("user", "action", "object_type", "object_id", "detail"))
    today = timezone.localdate().isoformat()
    assert logged == [
        (
            office.pk,
            AccessLog.Action.EXPORTED,
            "organisations.adminunit",
            str(world.county.pk),
            f"龙胜各族自治县巡察统计报告（{today}）.docx",
        ),
        (
            office.pk,
            AccessLog.Action.EXPORTED,
            "organisations.adminunit",
            str(world.county.pk),
            f"龙胜各族自治县巡察统计报告（乙镇，{today}）.xlsx",
        ),
    ]


# The session, the user, their grants and groups (4); the unit and the filter's terms, rounds and townships (4);
# the dashboard's figures, an aggregate or two per group of figures (26, two of them the outcomes', one the
# residents' confirmations', two the extensions'); the access-log row with its chain head locked and moved on (3).
QUERIES = 38


@pytest.mark.parametrize("url", [docx_url, xlsx_url])
@pytest.mark.parametrize("more", [0, 6])
def test_a_download_costs_a_fixed_number_of_queries(
    client: Client,
    scene: Scene,
    world: World,
    office: User,
    url: Any,
    more: int,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    """The same queries whatever the rows behind the figures."""
    for index in range(more):
        village = (world.village_b1, scene.village_b2)[index % 2]
        ledger_item(world.round, village, status=(Status.CLOSED, Status.OPEN, Status.ONGOING)[index % 3])
    client.force_login(office)
    with django_assert_num_queries(QUERIES):
        response = client.get(url(world.county))
    assert response.status_code == 200
