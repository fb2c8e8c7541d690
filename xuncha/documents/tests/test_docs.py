"""The official documents (.docx): the GB/T 9704 layout and fonts, what each document says, who may download it
(404 for anyone else, as if it did not exist), the access log, and the cost in queries."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote

import pytest
from django.db.models import Max
from django.test import Client
from django.urls import reverse
from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph
from pytest_django import DjangoAssertNumQueries

from xuncha.accounts.models import User
from xuncha.audit.models import AccessLog
from xuncha.conftest import World
from xuncha.core.docx import OfficialDocument, chinese_date, document_number
from xuncha.documents.builders import feedback as feedback_builder
from xuncha.documents.files import DOCX
from xuncha.findings.models import Clue, FixType, ImmediateFixNotice, Problem, Suggestion
from xuncha.findings.tests.factories import (
    CLUE_SUBJECT,
    CLUE_SUMMARY,
    REPORTER_NAME,
    REPORTER_PHONE,
    ClueFactory,
    NoticeFactory,
    SuggestionFactory,
    record_petition,
)
from xuncha.rectification import actions
from xuncha.rectification.deadlines import report_due
from xuncha.rectification.models import Feedback, LedgerItem, ReturnVisit, VisitCheck
from xuncha.rectification.tests.factories import (
    FED_BACK_ON,
    Reported,
    common_item,
    confirmed_problem,
    ledger_item,
    publish,
    reported_round,
    township_person,
    village_person,
    visit,
)

DRAFT_TEXT = "草稿：村支书疑似挪用扶贫款，待核实。"
COMMON_TEXT = "村务公开不及时、不规范，财务收支未按季度公开。"
NOTICE_REQUIREMENT = "三日内召开村民代表会议补办手续，租金入账。"
SECRETS = [DRAFT_TEXT, CLUE_SUBJECT, CLUE_SUMMARY, REPORTER_NAME, REPORTER_PHONE]


# Reading a .docx --------------------------------------------------------------------------------------------------


def open_docx(content: bytes) -> DocumentObject:
    return Document(io.BytesIO(content))


def text_of(document: DocumentObject) -> str:
    """Every paragraph and every table cell, in order, one per line."""
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)


def table_rows(document: DocumentObject, header_first: str) -> list[list[str]]:
    """The rows of the first table whose header starts with ``header_first``."""
    for table in document.tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        if rows[0][0] == header_first:
            return rows
    raise AssertionError(f"no table starting with {header_first}")


def download(client: Client, user: User, url: str, **params: Any) -> Any:
    client.force_login(user)
    return client.get(url, params)


def docx_of(response: Any) -> DocumentObject:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == DOCX
    return open_docx(response.content)


def page_and_margins_mm(document: DocumentObject) -> tuple[float, ...]:
    """Width, height, top, bottom, left and right margins in millimetres (stored in twips, so rounded)."""
    section = document.sections[0]
    lengths = [section.page_width, section.page_height, section.top_margin, section.bottom_margin]
    lengths += [section.left_margin, section.right_margin]
    return tuple(round(length.mm, 1) if length is not None else 0.0 for length in lengths)


def style_of(paragraph: Paragraph) -> str:
    return paragraph.style.name if paragraph.style is not None else ""


def east_asia_font(document: DocumentObject, style_name: str) -> str | None:
    fonts = document.styles[style_name].element.rPr.rFonts
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def logs(user: User, obj: Any, action: str = AccessLog.Action.DOCUMENT) -> list[AccessLog]:
    return list(
        AccessLog.objects.filter(user=user, action=action, object_type=obj._meta.label_lower, object_id=str(obj.pk))
    )


# A round fed back -------------------------------------------------------------------------------------------------


@dataclass
class Scene:
    """Round 4 reported; a common item for 甲一村 and 甲二村; 甲一村 fed back (its individual list, the common
    item and a completed immediate-fix notice); a draft, a petition with the reporter's name and a sealed clue
    in 甲一村; a suggestion adopted."""

    reported: Reported
    feedback: Feedback
    notice: ImmediateFixNotice
    clue: Clue


@pytest.fixture
def scene(world: World, office: User, group_leader: User) -> Scene:
    reported = reported_round(world)
    first = reported.of(world.village_a1)[0]
    first_notice = NoticeFactory.create(
        problem=first,
        requirement=NOTICE_REQUIREMENT,
        status=ImmediateFixNotice.Status.COMPLETED,
        completed_on=date(2023, 11, 20),
        completion_note="合同已补办表决手续。",
    )
    common_item(reported, [world.village_a1, world.village_a2], office, text=COMMON_TEXT)
    Problem.objects.create(
        **{
            field: getattr(reported.of(world.village_a1)[1], field)
            for field in ("assignment", "round", "group", "village", "category", "source", "fix_type", "finder")
        },
        serial_no=99,
        serial="[2023]4巡-3组-099",
        phenomenon=DRAFT_TEXT,
        status=Problem.Status.DRAFT,
    )
    record_petition(world.assignment, group_leader)
    SuggestionFactory.create(assignment=world.assignment, outcome=Suggestion.Outcome.FOLLOW_UP)
    SuggestionFactory.create(assignment=world.assignment)
    clue = ClueFactory.create(assignment=world.assignment, registered_by=group_leader)
    feedback = publish(reported.round, world.village_a1, office)
    return Scene(reported, feedback, first_notice, clue)


# The writer -------------------------------------------------------------------------------------------------------


def test_the_writer_lays_out_an_official_document() -> None:
    """A4 with the GB/T 9704 margins, 22 fixed lines per page, the 公文 fonts named for Chinese text, two-character
    indents, a repeating table header and the page number as a field between em dashes."""
    doc = OfficialDocument(title="测试")
    doc.number(document_number("龙巡反", 2023, 4))
    doc.title("关于测试的通知")
    doc.addressee("甲镇党委")
    doc.heading("一、总体情况")
    doc.heading("（一）具体情况", 2)
    doc.paragraph("正文。")
    doc.table(["序号", "问题"], [[1, "问题一"]], widths_mm=[20, 136])
    doc.signature("县委巡察办", date(2023, 6, 20))
    document = open_docx(doc.to_bytes())

    section = document.sections[0]
    assert page_and_margins_mm(document) == (210, 297, 37, 35, 28, 26)
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579"

    paragraphs = {paragraph.text: paragraph for paragraph in document.paragraphs}
    assert "龙巡反〔2023〕4号" in paragraphs
    assert "甲镇党委：" in paragraphs
    assert "2023年6月20日" in paragraphs
    assert style_of(paragraphs["关于测试的通知"]) == "Official Title"
    assert style_of(paragraphs["一、总体情况"]) == "Official Heading 1"
    assert style_of(paragraphs["（一）具体情况"]) == "Official Heading 2"

    assert east_asia_font(document, "Normal") == "仿宋_GB2312"
    assert east_asia_font(document, "Official Title") == "方正小标宋简体"
    assert east_asia_font(document, "Official Heading 1") == "黑体"
    assert east_asia_font(document, "Official Heading 2") == "楷体_GB2312"
    normal = document.styles["Normal"]
    assert normal.font.size == Pt(16)
    assert normal.element.rPr.rFonts.get(qn("w:ascii")) == "Times New Roman"
    assert normal.paragraph_format.line_spacing == Pt(28.95)
    assert normal.paragraph_format.first_line_indent == Pt(32)
    assert document.styles["Official Title"].font.size == Pt(22)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    default_fonts = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:rFonts"))
    assert default_fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert default_fonts.get(qn("w:eastAsiaTheme")) is None

    table = document.tables[0]
    header_row = table.rows[0]._tr.trPr
    assert header_row is not None
    assert header_row.find(qn("w:tblHeader")) is not None
    assert [cell.text for cell in table.rows[1].cells] == ["1", "问题一"]

    footer = section.footer.paragraphs[0]
    assert footer._p.xpath(".//w:instrText")[0].text.strip() == "PAGE"
    assert footer.text.startswith("— ") and footer.text.endswith(" —")
    assert section.even_page_footer.paragraphs[0]._p.xpath(".//w:instrText")

    fonts = document.part.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable"
    ).blob.decode()
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in fonts


def test_dates_and_numbers_are_written_as_in_official_documents() -> None:
    assert chinese_date(date(2023, 6, 20)) == "2023年6月20日"
    assert chinese_date(date(2024, 1, 5)) == "2024年1月5日"
    assert document_number("龙巡反", 2023, 4) == "龙巡反〔2023〕4号"


# Feedback ---------------------------------------------------------------------------------------------------------


def test_the_village_downloads_its_feedback(client: Client, scene: Scene, world: World, village_user: User) -> None:
    """The village's feedback names both recipients and lists its problems, the common item that names it, the
    plan's due date and the deadlines of its items — and nothing of drafts, petitions or clues."""
    feedback = scene.feedback
    response = download(client, village_user, reverse("documents:feedback-docx", args=[feedback.pk]))
    document = docx_of(response)
    assert f"filename*=UTF-8''{quote('甲镇甲一村巡察反馈意见.docx')}" in response["Content-Disposition"]
    text = text_of(document)
    assert "龙巡反〔2023〕4号" in text
    assert "关于巡察甲镇甲一村的反馈意见" in text
    assert "甲镇党委、甲一村党组织：" in text
    assert "第三巡察组" in text
    items = list(LedgerItem.objects.filter(feedback=feedback).order_by("number"))
    individual = [item for item in items if item.problem_id]
    rows = table_rows(document, "序号")
    assert rows[0] == ["序号", "问题", "问题类别", "整改类型", "责任人", "完成时限"]
    assert rows[1][4] == "第一责任人：李明（村党支部书记）\n督促责任人：吴海（甲镇党委副书记）"
    assert [row[1] for row in rows[1:]] == [item.summary for item in individual]
    assert rows[1][2] == "村集体“三资”管理"
    assert COMMON_TEXT in text
    assert f"请于{chinese_date(feedback.plan_due)}前制定整改方案" in text
    # The two reports of art. 27, due as the deliverables app tracks them (two months by default, the same day).
    report_on = chinese_date(report_due(feedback.fed_back_on))
    assert f"于{report_on}前报送整改情况报告和主要负责人组织落实整改情况报告" in text
    follow_up = max(item.deadline for item in items if item.fix_type == FixType.FOLLOW_UP)
    assert f"持续跟进整改问题须于{chinese_date(follow_up)}前完成整改" in text
    assert "重点村" in text
    assert chinese_date(FED_BACK_ON) in text
    for secret in SECRETS:
        assert secret not in text
    assert page_and_margins_mm(document) == (210, 297, 37, 35, 28, 26)
    assert east_asia_font(document, "Normal") == "仿宋_GB2312"


def test_downloading_a_feedback_is_logged(client: Client, scene: Scene, village_user: User) -> None:
    client.force_login(village_user)
    client.get(reverse("documents:feedback-docx", args=[scene.feedback.pk]), REMOTE_ADDR="10.1.2.3")
    [log] = logs(village_user, scene.feedback)
    assert log.ip_address == "10.1.2.3"
    assert log.detail == "甲镇甲一村巡察反馈意见.docx"


def test_the_township_and_the_office_download_the_feedback(
    client: Client, scene: Scene, township_user: User, office: User, group_leader: User
) -> None:
    url = reverse("documents:feedback-docx", args=[scene.feedback.pk])
    for user in (township_user, office, group_leader):
        assert "关于巡察甲镇甲一村的反馈意见" in text_of(docx_of(download(client, user, url)))


def test_another_village_or_township_gets_404(
    client: Client, scene: Scene, world: World, office: User, outsider: User
) -> None:
    """A village sees only its own feedback, a township only its villages'; the rest answers 404."""
    other = publish(scene.reported.round, world.village_a2, office)
    url_a1 = reverse("documents:feedback-docx", args=[scene.feedback.pk])
    url_a2 = reverse("documents:feedback-docx", args=[other.pk])
    village_a2 = village_person(world.village_a2, "village_a2")
    assert download(client, village_a2, url_a1).status_code == 404
    assert docx_of(download(client, village_a2, url_a2))
    for stranger in (township_person(world.township_b, "township_b"), outsider):
        assert download(client, stranger, url_a1).status_code == 404
    assert not AccessLog.objects.filter(user=village_a2, object_id=str(scene.feedback.pk)).exists()


def test_a_village_gets_nothing_before_its_feedback_is_published(
    client: Client, scene: Scene, world: World, office: User
) -> None:
    """A list built but not fed back is no feedback: the village finds no document to download."""
    actions.build_individual_list(scene.reported.round, world.village_a2, actor=office)
    assert not Feedback.objects.filter(village=world.village_a2).exists()
    village_a2 = village_person(world.village_a2, "village_a2")
    for pk in Feedback.objects.values_list("pk", flat=True):
        assert download(client, village_a2, reverse("documents:feedback-docx", args=[pk])).status_code == 404


def test_anonymous_readers_are_sent_to_sign_in(client: Client, scene: Scene) -> None:
    response = client.get(reverse("documents:feedback-docx", args=[scene.feedback.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_feedback_document_costs_a_fixed_number_of_queries(
    client: Client, scene: Scene, village_user: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    url = reverse("documents:feedback-docx", args=[scene.feedback.pk])
    client.force_login(village_user)
    # Session, user, grants, memberships, the feedback, its items, the round's assignments and their villages,
    # the access log's row with its chain head locked and moved on.
    with django_assert_num_queries(11):
        assert client.get(url).status_code == 200


def test_a_round_of_feedbacks_renders_in_a_fixed_number_of_queries(
    scene: Scene, world: World, office: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """Read through ``for_documents``, every feedback of a round renders without a query of its own."""
    publish(scene.reported.round, world.village_a2, office)
    publish(scene.reported.round, world.village_b1, office)
    feedbacks = feedback_builder.for_documents(Feedback.objects.filter(round=scene.reported.round))
    # The feedbacks with their round, county and villages; their items; the round's assignments; their villages.
    with django_assert_num_queries(4):
        names = [feedback_builder.render(feedback).name for feedback in feedbacks]
    assert names == ["甲镇甲一村巡察反馈意见.docx", "甲镇甲二村巡察反馈意见.docx", "乙镇乙一村巡察反馈意见.docx"]


# Immediate-fix notices --------------------------------------------------------------------------------------------


def test_the_group_downloads_a_notice(client: Client, scene: Scene, group_leader: User) -> None:
    notice = scene.notice
    document = docx_of(download(client, group_leader, reverse("documents:notice-docx", args=[notice.pk])))
    text = text_of(document)
    assert notice.number in text
    assert "立行立改通知书" in text
    assert "甲一村党组织：" in text
    assert NOTICE_REQUIREMENT in text
    assert f"请于{chinese_date(notice.deadline)}前完成整改" in text
    assert "已于2023年11月20日完成整改。合同已补办表决手续。" in text
    assert logs(group_leader, notice)


def test_a_village_sees_a_notice_only_once_its_problem_is_fed_back(
    client: Client, scene: Scene, world: World, village_user: User
) -> None:
    fed_back_url = reverse("documents:notice-docx", args=[scene.notice.pk])
    assert docx_of(download(client, village_user, fed_back_url))
    unpublished = NoticeFactory.create(problem=scene.reported.of(world.village_a2)[1])
    village_a2 = village_person(world.village_a2, "village_a2")
    assert download(client, village_a2, reverse("documents:notice-docx", args=[unpublished.pk])).status_code == 404
    assert download(client, village_a2, fed_back_url).status_code == 404


# The round's comprehensive report ---------------------------------------------------------------------------------


def test_the_office_reads_the_round_report(client: Client, scene: Scene, world: World, office: User) -> None:
    """Villages by mode and category, confirmed problems by category, suggestions by outcome and a section per
    village; sealed clues appear as their count alone."""
    url = reverse("documents:round-report-docx", args=[scene.reported.round.pk])
    document = docx_of(download(client, office, url))
    text = text_of(document)
    assert "村级专项巡察情况的综合报告" in text
    modes = table_rows(document, "巡察方式")
    assert modes[1] == ["直接巡村", "1", "1", "0", "0", "2"]
    assert modes[2] == ["巡乡带村", "0", "2", "0", "0", "2"]
    assert modes[-1] == ["合计", "1", "3", "0", "0", "4"]
    categories = {row[0]: row[1:] for row in table_rows(document, "问题类别")}
    assert categories["村集体“三资”管理"] == ["8", "100%"]
    assert categories["合计"] == ["8", "100%"]
    outcomes = {row[0]: row[1] for row in table_rows(document, "办理结果")}
    assert outcomes == {
        "办理结果": "件数（条）",
        "采纳并立行立改": "0",
        "采纳并持续跟进整改": "1",
        "不予采纳": "0",
        "待研究": "1",
        "合计": "2",
    }
    sections = [paragraph.text for paragraph in document.paragraphs if style_of(paragraph) == "Official Heading 2"]
    assert sections[0] == "（一）甲镇甲社区（一般村）"
    for village in ("甲镇甲一村（重点村）", "甲镇甲二村（一般村）", "乙镇乙一村（一般村）"):
        assert village in text
    assert "问题线索已按规定程序移交0件" in text
    for secret in SECRETS:
        assert secret not in text


def test_the_director_sees_the_clues_counted_never_described(client: Client, scene: Scene, office_lead: User) -> None:
    """The director reads clues elsewhere; the report only counts them, and counting reads none."""
    url = reverse("documents:round-report-docx", args=[scene.reported.round.pk])
    text = text_of(docx_of(download(client, office_lead, url)))
    assert "问题线索已按规定程序移交0件" in text
    for secret in SECRETS:
        assert secret not in text
    assert not AccessLog.objects.filter(action=AccessLog.Action.CLUE_READ).exists()


def test_a_township_reads_only_its_own_villages_in_the_round_report(
    client: Client, scene: Scene, world: World, township_user: User, village_user: User
) -> None:
    """A township's copy counts its fed-back problems and names its villages; no clue, no other township."""
    url = reverse("documents:round-report-docx", args=[scene.reported.round.pk])
    document = docx_of(download(client, township_user, url))
    text = text_of(document)
    assert "乙镇" not in text
    assert "问题线索" not in text
    fed_back = Problem.objects.filter(village=world.village_a1, status=Problem.Status.FED_BACK).count()
    assert {row[0]: row[1] for row in table_rows(document, "问题类别")}["合计"] == str(fed_back)
    for secret in SECRETS:
        assert secret not in text
    village_text = text_of(docx_of(download(client, village_user, url)))
    assert "甲一村" in village_text
    assert "甲二村" not in village_text
    assert "问题线索" not in village_text


def test_a_round_outside_the_users_scope_answers_404(client: Client, scene: Scene, outsider: User) -> None:
    url = reverse("documents:round-report-docx", args=[scene.reported.round.pk])
    assert download(client, outsider, url).status_code == 404


# Rectification reports --------------------------------------------------------------------------------------------


def test_the_village_reports_its_rectification(client: Client, scene: Scene, world: World, village_user: User) -> None:
    """Items fed back, closed, in progress and ongoing with the completion rate, then item by item."""
    ledger_item(world.round, world.village_a1, status=LedgerItem.Status.CLOSED)
    url = reverse("documents:rectification-docx", args=[world.village_a1.code])
    document = docx_of(download(client, village_user, url))
    text = text_of(document)
    # One problem of its own and one common item fed back, and the closed item.
    assert LedgerItem.objects.filter(village=world.village_a1).count() == 3
    assert "截至" in text
    assert "历轮巡察反馈甲镇甲一村的问题共3个，已完成整改并销号1个，正在整改2个，长期坚持0个，整改完成率33.3%" in text
    figures = {row[0]: row[1] for row in table_rows(document, "指标")}
    assert figures["反馈问题（个）"] == "3"
    assert figures["已销号（个）"] == "1"
    items = table_rows(document, "序号")
    assert len(items) == 4
    assert "已销号" in [row[4] for row in items]
    assert logs(village_user, world.village_a1)


def test_the_township_report_goes_village_by_village(
    client: Client, scene: Scene, world: World, office: User, township_user: User
) -> None:
    publish(scene.reported.round, world.village_a2, office)
    url = reverse("documents:rectification-docx", args=[world.township_a.code])
    document = docx_of(download(client, township_user, url, round=scene.reported.round.pk))
    by_village = {row[0]: row[1:] for row in table_rows(document, "村（社区）")}
    # Each: one problem of its own and the common item.
    assert by_village["甲一村"] == ["2", "0", "2", "0", "0%"]
    assert by_village["甲二村"] == ["2", "0", "2", "0", "0%"]
    assert "乙一村" not in by_village
    assert text_of(document).count(COMMON_TEXT) == 2


def test_rectification_reports_outside_the_scope_answer_404(
    client: Client, scene: Scene, world: World, village_user: User, office: User
) -> None:
    """Another village, a county, a bad code or a round that is not a number: 404."""
    for code in (world.village_a2.code, world.township_a.code, world.county.code, "not-a-code"):
        url = reverse("documents:rectification-docx", args=[code])
        assert download(client, village_user, url).status_code == 404
    own = reverse("documents:rectification-docx", args=[world.village_a1.code])
    assert download(client, village_user, own, round="abc").status_code == 404
    assert download(client, village_user, own, round="999999").status_code == 404
    county = reverse("documents:rectification-docx", args=[world.county.code])
    assert download(client, office, county).status_code == 404


# Return visits ----------------------------------------------------------------------------------------------------


def test_the_visit_report_states_verdicts_and_satisfaction(
    client: Client, scene: Scene, world: World, office: User, village_user: User
) -> None:
    items = list(LedgerItem.objects.filter(village=world.village_a1).order_by("number"))
    done = visit(
        world.village_a1,
        items[:2],
        office,
        status=ReturnVisit.Status.DONE,
        visited_on=date(2024, 3, 5),
        visitors="张三、李四",
        people_asked=20,
        people_satisfied=19,
        note="整改总体到位。",
    )
    VisitCheck.objects.filter(visit=done, item=items[0]).update(verdict="VERIFIED", note="合同已补办。")
    VisitCheck.objects.filter(visit=done, item=items[1]).update(
        verdict="REOPEN", note="仍未公开。", new_deadline=date(2024, 4, 30)
    )
    url = reverse("documents:visit-docx", args=[done.pk])
    document = docx_of(download(client, village_user, url))
    text = text_of(document)
    assert "2024年3月5日，张三、李四等同志到甲镇甲一村开展巡察整改回访，实地核查整改事项2项" in text
    assert "其中验证通过1项、未整改到位需重新整改1项" in text
    assert "走访群众20人，对整改情况表示满意的19人，满意率95%" in text
    rows = table_rows(document, "序号")
    assert [row[2] for row in rows[1:]] == ["验证通过", "未整改到位，重新整改"]
    assert rows[2][4] == "2024年4月30日"
    assert "整改总体到位。" in text
    village_a2 = village_person(world.village_a2, "village_a2")
    assert download(client, village_a2, url).status_code == 404


# Clues ------------------------------------------------------------------------------------------------------------


def test_the_director_downloads_the_clue_form_and_the_reading_is_logged(
    client: Client, scene: Scene, office_lead: User
) -> None:
    clue = scene.clue
    response = download(client, office_lead, reverse("documents:clue-docx", args=[clue.pk]))
    document = docx_of(response)
    rows = {row[0]: row[1] for row in table_rows(document, "项目")}
    assert rows["被反映人及职务"] == CLUE_SUBJECT
    assert rows["主要问题"] == CLUE_SUMMARY
    assert rows["接收单位"] == "纪委监委"
    assert rows["线索编号"] == str(clue.reference)[:8].upper()
    assert REPORTER_NAME not in text_of(document)
    assert logs(office_lead, clue, AccessLog.Action.CLUE_READ)
    assert logs(office_lead, clue)


@pytest.mark.parametrize("name", ["township_user", "village_user", "office", "group_member", "leader", "outsider"])
def test_no_one_else_learns_that_the_clue_exists(
    client: Client, scene: Scene, request: pytest.FixtureRequest, name: str
) -> None:
    user: User = request.getfixturevalue(name)
    response = download(client, user, reverse("documents:clue-docx", args=[scene.clue.pk]))
    assert response.status_code == 404
    assert CLUE_SUBJECT.encode() not in response.content
    assert not AccessLog.objects.filter(user=user).exists()


def test_the_group_leader_who_registered_it_gets_the_clue_form(
    client: Client, scene: Scene, group_leader: User
) -> None:
    assert docx_of(download(client, group_leader, reverse("documents:clue-docx", args=[scene.clue.pk])))


def test_a_document_of_nothing_answers_404(client: Client, scene: Scene, office_lead: User) -> None:
    missing = (Feedback.objects.aggregate(last=Max("pk"))["last"] or 0) + 1
    for name in ("feedback-docx", "notice-docx", "round-report-docx", "visit-docx", "clue-docx"):
        assert download(client, office_lead, reverse(f"documents:{name}", args=[missing + 1000])).status_code == 404


def test_a_problem_confirmed_after_feedback_is_not_in_the_feedback(
    client: Client, scene: Scene, world: World, village_user: User
) -> None:
    """The feedback says what was fed back: a paper confirmed later waits for its own list."""
    later = confirmed_problem(scene.reported.round, world.village_a1, phenomenon="后补确认的问题。")
    url = reverse("documents:feedback-docx", args=[scene.feedback.pk])
    assert later.phenomenon not in text_of(docx_of(download(client, village_user, url)))


def test_the_feedback_document_keeps_the_deadlines_it_was_issued_with(
    scene: Scene, office: User, office_lead: User
) -> None:
    """An extension granted later changes the ledger, not the feedback as issued: the document states the deadline
    of the day of feedback."""
    item = scene.feedback.items.exclude(fix_type=FixType.IMMEDIATE).order_by("pk").first()
    assert item is not None
    issued = item.deadline
    actions.extend_deadline(item, new_deadline=issued + timedelta(days=90), reason="季节性原因延期", actor=office_lead)

    document = open_docx(feedback_builder.render(Feedback.objects.get(pk=scene.feedback.pk)).content)

    text = text_of(document)
    assert chinese_date(issued) in text
    assert chinese_date(issued + timedelta(days=90)) not in text
