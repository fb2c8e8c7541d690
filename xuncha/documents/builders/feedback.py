"""巡察反馈意见: the feedback of a round to one village, as sent to the township and the village at once.

The problems are the feedback's ledger items — exactly what was fed back: the village's individual list and the
common items that name it —, never drafts or working papers. ``render`` loads what it lacks; to build many
(a round's bundle) at a fixed cost, read the feedbacks through ``for_documents`` first.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from xuncha.core.docx import OfficialDocument, chinese_date, document_number
from xuncha.documents.builders import committee, docx_file, number_prefix, party_organisation, you
from xuncha.documents.chinese import chinese
from xuncha.documents.files import GeneratedFile
from xuncha.findings.models import Category, FixType
from xuncha.inspections.models import Assignment, chinese_number
from xuncha.rectification.actions import feedback_deadline
from xuncha.rectification.deadlines import leader_report_due, report_due
from xuncha.rectification.models import Feedback, LedgerItem

RELATED = ("round__term__county", "village__parent")
PREFETCH = (
    Prefetch("items", queryset=LedgerItem.objects.select_related("common_item").order_by("number")),
    Prefetch("round__assignments", queryset=Assignment.objects.select_related("group").prefetch_related("covered")),
)
TABLE_HEADER = ["序号", "问题", "问题类别", "整改类型", "责任人", "完成时限"]
TABLE_WIDTHS = [12.0, 52.0, 20.0, 18.0, 30.0, 24.0]


def for_documents(feedbacks: QuerySet[Feedback]) -> QuerySet[Feedback]:
    """``feedbacks`` with everything ``render`` reads, fetched in a fixed number of queries for all of them."""
    return feedbacks.select_related(*RELATED).prefetch_related(*PREFETCH)


def _assignment(feedback: Feedback) -> Assignment | None:
    """The assignment that inspected the village in the round (one group per village and round)."""
    for assignment in feedback.round.assignments.all():
        if any(covered.village_id == feedback.village_id for covered in assignment.covered.all()):
            return assignment
    return None


def _rows(items: list[LedgerItem], number_of: dict[int, str], due: dict[int, date]) -> list[list[str]]:
    return [
        [
            number_of[item.pk],
            item.summary,
            item.get_category_display(),
            item.get_fix_type_display(),
            _people(item),
            chinese_date(due[item.pk]),
        ]
        for item in items
    ]


def _people(item: LedgerItem) -> str:
    """第一责任人 and 督促责任人 of an item, one to a line."""
    lines = [f"第一责任人：{item.first_responsible}" if item.first_responsible_name else ""]
    lines.append(f"督促责任人：{item.overseer}" if item.overseer_name else "")
    return "\n".join(line for line in lines if line)


def _latest(items: list[LedgerItem], fix_type: str, due: dict[int, date]) -> date | None:
    deadlines = [due[item.pk] for item in items if item.fix_type == fix_type]
    return max(deadlines) if deadlines else None


def render(feedback: Feedback) -> GeneratedFile:
    """The feedback document of one village (loads what ``feedback`` lacks: see ``for_documents``)."""
    prefetch_related_objects([feedback], *RELATED, *PREFETCH)
    with chinese():
        return _write(feedback)


def _write(feedback: Feedback) -> GeneratedFile:
    round_, village = feedback.round, feedback.village
    county, township = round_.term.county, village.parent
    assert township is not None  # noqa: S101 - a village hangs under its township
    assignment = _assignment(feedback)
    group = assignment.group.name if assignment else "巡察组"
    items = list(feedback.items.all())
    individual = [item for item in items if item.problem_id is not None]
    common = [item for item in items if item.common_item_id is not None]
    # The document says what was required when it was issued: the deadlines of feedback, not later extensions.
    due = {
        item.pk: feedback_deadline(item.fix_type, assignment if item.problem_id else None, feedback.fed_back_on)
        for item in items
    }
    place = f"{township.name}{village.short_name}"

    doc = OfficialDocument(title=f"关于巡察{place}的反馈意见", author=f"{committee(county)}{group}")
    doc.number(document_number(number_prefix(county, "巡反"), round_.start_date.year, round_.number))
    doc.title(f"关于巡察{place}的反馈意见")
    doc.addressee(f"{party_organisation(township)}、{party_organisation(village)}")
    stationing = (
        f"{chinese_date(assignment.stationed_from)}至{chinese_date(assignment.stationed_until)}，"
        f"县委{group}以“{assignment.get_mode_display()}”方式"
        if assignment
        else f"县委{group}"
    )
    doc.paragraph(
        f"根据县委巡察工作统一部署，{stationing}对{place}开展了{round_.get_kind_display()}"
        f"（{round_.term.name}第{chinese_number(round_.number)}轮）。{chinese_date(feedback.fed_back_on)}，"
        f"巡察组向{party_organisation(township)}、{party_organisation(village)}同步反馈了巡察情况。"
        "现将反馈意见通知如下。"
    )

    doc.heading("一、总体评价")
    by_fix = Counter(item.fix_type for item in items)
    by_category = Counter(item.category for item in items)
    areas = "、".join(str(Category(code).label) for code, _count in by_category.most_common(3))
    doc.paragraph(
        "巡察组通过个别谈话、查阅资料、走访调研、受理群众来信来电来访等方式，深入了解了"
        f"{village.short_name}党组织履行职责、落实惠民政策、管理集体“三资”和村务公开等情况。"
        f"从巡察情况看，{village.short_name}党组织能够贯彻落实上级决策部署，各项工作有序推进，"
        "但也存在一些不容忽视的问题。"
    )
    doc.paragraph(
        f"本次巡察向{you(village)}反馈问题{len(items)}个，其中个性问题{len(individual)}个、共性问题{len(common)}个；"
        f"立行立改{by_fix[FixType.IMMEDIATE]}个、持续跟进整改{by_fix[FixType.FOLLOW_UP]}个、"
        f"长期坚持{by_fix[FixType.LONG_TERM]}个。" + (f"问题主要集中在{areas}等方面。" if areas else "")
    )

    doc.heading("二、巡察发现的主要问题")
    doc.heading("（一）个性问题清单", 2)
    if individual:
        numbers = {item.pk: str(index) for index, item in enumerate(individual, start=1)}
        doc.table(TABLE_HEADER, _rows(individual, numbers, due), widths_mm=TABLE_WIDTHS)
    else:
        doc.paragraph("无。")
    doc.heading("（二）共性问题清单中涉及本村（社区）的问题", 2)
    if common:
        numbers = {item.pk: f"共{item.common_item.number}" for item in common if item.common_item}
        doc.table(TABLE_HEADER, _rows(common, numbers, due), widths_mm=TABLE_WIDTHS)
    else:
        doc.paragraph("无。")

    doc.heading("三、整改要求")
    doc.paragraph(
        f"（一）压实整改责任。{party_organisation(village)}要切实履行整改主体责任，书记要履行第一责任人职责，"
        f"对反馈问题逐条制定整改措施，明确责任人和完成时限；{party_organisation(township)}要履行统筹把关责任，"
        "加强督促指导，审核整改情况。"
    )
    report_on, leader_on = report_due(feedback.fed_back_on), leader_report_due(feedback.fed_back_on)
    reports = (
        f"于{chinese_date(report_on)}前报送整改情况报告和主要负责人组织落实整改情况报告"
        if report_on == leader_on
        else f"于{chinese_date(report_on)}前报送整改情况报告，"
        f"于{chinese_date(leader_on)}前报送主要负责人组织落实整改情况报告"
    )
    doc.paragraph(
        f"（二）制定整改方案，报告整改情况。请于{chinese_date(feedback.plan_due)}前制定整改方案，"
        f"经{party_organisation(township)}审核后报县委巡察办；{reports}。"
    )
    deadlines = []
    immediate = _latest(items, FixType.IMMEDIATE, due)
    if immediate:
        deadlines.append(f"立行立改问题须于{chinese_date(immediate)}前完成整改")
    follow_up = _latest(items, FixType.FOLLOW_UP, due)
    if follow_up:
        deadlines.append(f"持续跟进整改问题须于{chinese_date(follow_up)}前完成整改并报送整改情况报告")
    long_term = _latest(items, FixType.LONG_TERM, due)
    if long_term:
        deadlines.append(f"长期坚持问题须建立长效机制，于{chinese_date(long_term)}前报告阶段性进展，此后定期报告")
    if deadlines:
        doc.paragraph(f"（三）按期完成整改。{'；'.join(deadlines)}。各问题的完成时限见上表。")
    doc.paragraph(
        "（四）加强跟踪问效。整改情况纳入整改台账管理，由乡镇审核、县委巡察办销号"
        + ("；本村为重点村，整改事项经回访验证后方可销号" if village.is_key else "")
        + "。县委巡察办将适时开展回访，对整改不力、敷衍整改的，依规依纪依法严肃问责。"
    )
    doc.signature(f"{committee(county)}{group}", feedback.fed_back_on)
    return docx_file(f"{place}巡察反馈意见", doc)
