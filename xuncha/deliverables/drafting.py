"""The first draft of a deliverable, written from the ledger: each item the unit answers for with its measures, its
responsible leader and its deadline (the plan), and where each stands (the two reports). The village edits the
draft before it signs it. Official text, so written in Chinese whatever the interface language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from xuncha.core.docx import chinese_date
from xuncha.documents.chinese import chinese
from xuncha.inspections.models import chinese_number
from xuncha.rectification.models import LedgerItem

if TYPE_CHECKING:
    from xuncha.deliverables.models import Deliverable

TO_FILL = "（待填写）"


def items_of(deliverable: Deliverable) -> QuerySet[LedgerItem]:
    """The ledger items the deliverable answers for: the village's items of the feedback, or the items of the round
    handed to the department."""
    if deliverable.feedback_id is not None:
        items = LedgerItem.objects.filter(feedback_id=deliverable.feedback_id)
    else:
        items = LedgerItem.objects.filter(round_id=deliverable.round_id, parties__unit_id=deliverable.unit_id)
    return items.order_by("number", "pk")


def title_of(deliverable: Deliverable) -> str:
    """关于落实…巡察反馈意见的整改方案 / 整改情况报告 / 主要负责人组织落实整改情况报告."""
    from xuncha.deliverables.models import Deliverable

    unit = deliverable.unit
    name = unit.name if deliverable.is_department else f"{unit.parent.name if unit.parent else ''}{unit.short_name}"
    what = {
        Deliverable.Kind.PLAN: "巡察反馈意见整改方案",
        Deliverable.Kind.REPORT: "巡察整改情况报告",
        Deliverable.Kind.LEADER_REPORT: "主要负责人组织落实巡察整改情况报告",
    }[Deliverable.Kind(deliverable.kind)]
    return f"{name}关于落实{deliverable.round}{what}"


def draft_text(deliverable: Deliverable) -> str:
    """The text prefilled from the ledger (one query for the items)."""
    from xuncha.deliverables.models import Deliverable

    items = list(items_of(deliverable))
    with chinese():
        if deliverable.kind == Deliverable.Kind.PLAN:
            return _plan(deliverable, items)
        if deliverable.kind == Deliverable.Kind.REPORT:
            return _report(deliverable, items)
        return _leader_report(deliverable, items)


def _who(deliverable: Deliverable) -> str:
    return deliverable.unit.short_name if not deliverable.is_department else deliverable.unit.name


def _plan(deliverable: Deliverable, items: list[LedgerItem]) -> str:
    who = _who(deliverable)
    lines = [
        "一、总体要求",
        f"{who}党组织对{deliverable.round}反馈的{len(items)}个问题照单全收、逐条整改，书记履行第一责任人职责，"
        "明确每个问题的整改措施、责任人和完成时限，确保按期整改到位。",
        "二、整改任务",
    ]
    for index, item in enumerate(items, start=1):
        lines += [
            f"（{chinese_number(index)}）{item.number}：{item.summary_short}",
            f"整改措施：{item.measures.strip() or TO_FILL}",
            f"责任人：{item.responsible_leader.strip() or TO_FILL}",
            f"完成时限：{chinese_date(item.deadline)}（{item.get_fix_type_display()}）",
        ]
    lines += [
        "三、保障措施",
        "召开“两委”会议专题研究，建立整改台账，实行挂图作战、对账销号；整改情况按时报乡镇党委审核，"
        "经审核后报县委巡察办。",
    ]
    return "\n".join(lines)


def _report(deliverable: Deliverable, items: list[LedgerItem]) -> str:
    who = _who(deliverable)
    done = [item for item in items if item.is_done]
    lines = [
        "一、整改总体情况",
        f"截至{chinese_date(timezone.localdate())}，{deliverable.round}反馈{who}的{len(items)}个问题中，"
        f"已完成整改{len(done)}个，正在整改{len(items) - len(done)}个。",
        "二、逐项整改情况",
    ]
    for index, item in enumerate(items, start=1):
        lines += [
            f"（{chinese_number(index)}）{item.number}：{item.summary_short}",
            f"整改措施：{item.measures.strip() or TO_FILL}",
            f"整改进展：{item.get_status_display()}；完成时限{chinese_date(item.deadline)}",
        ]
    lines += ["三、下一步工作打算", "对尚未完成的问题持续跟进，建立长效机制，巩固整改成果。"]
    return "\n".join(lines)


def _leader_report(deliverable: Deliverable, items: list[LedgerItem]) -> str:
    who = _who(deliverable)
    leaders = sorted({item.responsible_leader.strip() for item in items if item.responsible_leader.strip()})
    return "\n".join(
        [
            "一、履行第一责任人职责情况",
            f"本人作为{who}党组织主要负责人，对{deliverable.round}反馈的{len(items)}个问题亲自研究部署、亲自督促落实。",
            "二、组织落实整改情况",
            "召开专题会议研究整改方案，逐项明确责任人和完成时限"
            + (f"，责任人为{'、'.join(leaders)}" if leaders else "")
            + "；定期听取整改进展汇报，协调解决整改中的困难和问题。",
            "三、存在的不足和下一步打算",
            TO_FILL,
        ]
    )
