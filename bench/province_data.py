"""The shapes of the province-sized benchmark dataset (``bench.province``): sizes, shares, the four rounds every
county runs, the mixes of categories, sources, outcomes and statuses, and the texts rows are written with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from xuncha.findings.models import Category, Clue, FixType, Problem, Suggestion
from xuncha.inspections.models import Round
from xuncha.rectification.models import LedgerItem

SEED = 450000
BATCH = 2000
DIVISIONS = "guangxi_divisions.csv"

PROVINCE = "450000000000"  # 广西壮族自治区
CITY = "450300000000"  # 桂林市
COUNTY = "450328000000"  # 龙胜各族自治县, the county of the county dashboard
TOWNSHIP = "450328100000"  # 龙胜镇, its township filter
LEADER = "bench_leader"  # LEADER over the province
MARK = "bench dataset"  # the leader's title names the dataset: "bench dataset: province" or "…: 450328"

AS_OF = date(2026, 11, 27)  # the day the dataset describes: nothing is done, signed or visited after it
KEY_SHARE = 0.18
INSPECTED_SHARE = 0.6
PROBLEMS_PER_VILLAGE = (10, 30)  # ~20 a village visit: 10,000 inspected villages make ~200,000 problems
SUGGESTIONS_PER_VILLAGE = (1, 3)
PROBLEMS_PER_CLUE = 50
VISITED_GENERAL_SHARE = 0.21  # with every key village, ~30 % of the inspected villages have a return visit
INSPECTORS_PER_COUNTY = 12
DISCARDED_SHARE = 0.01

S = LedgerItem.Status


@dataclass(frozen=True)
class RoundPlan:
    """A round as every county runs it: dates, status, its share of the inspected villages and, once fed back, how
    its ledger items stand today (long-term items aside, which are mostly kept ONGOING)."""

    number: int
    status: str
    start: date
    end: date
    stationed_from: date
    stationed_until: date
    fed_back_on: date | None
    share: float
    item_mix: tuple[tuple[str, float], ...] = ()


ROUNDS = (
    RoundPlan(
        1,
        Round.Status.CLOSED,
        date(2024, 3, 1),
        date(2024, 6, 28),
        date(2024, 3, 11),
        date(2024, 4, 19),
        date(2024, 5, 20),
        0.3,
        ((S.CLOSED, 97), (S.REVIEWED, 1), (S.SUBMITTED, 0.5), (S.IN_PROGRESS, 1), (S.OPEN, 0.5)),
    ),
    RoundPlan(
        2,
        Round.Status.CLOSED,
        date(2024, 9, 2),
        date(2024, 12, 31),
        date(2024, 9, 9),
        date(2024, 10, 25),
        date(2024, 11, 25),
        0.3,
        ((S.CLOSED, 94), (S.REVIEWED, 1.5), (S.SUBMITTED, 1), (S.IN_PROGRESS, 2), (S.RETURNED, 0.5), (S.OPEN, 1)),
    ),
    RoundPlan(
        3,
        Round.Status.RECTIFYING,
        date(2025, 9, 1),
        date(2025, 12, 31),
        date(2025, 9, 8),
        date(2025, 10, 24),
        date(2025, 11, 24),
        0.25,
        ((S.CLOSED, 80), (S.REVIEWED, 3), (S.SUBMITTED, 3), (S.IN_PROGRESS, 8), (S.RETURNED, 2), (S.OPEN, 4)),
    ),
    RoundPlan(
        4,
        Round.Status.STATIONED,
        date(2026, 9, 1),
        date(2026, 12, 31),
        date(2026, 9, 14),
        date(2026, 12, 11),
        None,
        0.15,
    ),
)
ONGOING_SHARE = 0.85  # of the long-term items of a fed-back round
WORKING = (S.OPEN, S.IN_PROGRESS, S.RETURNED)

CATEGORIES = [
    (Category.FINANCE, 18),
    (Category.ASSETS, 12),
    (Category.PARTY_ORG, 14),
    (Category.DISCLOSURE, 10),
    (Category.BENEFIT, 9),
    (Category.PROJECT, 8),
    (Category.STYLE, 8),
    (Category.POLICY, 6),
    (Category.SAFETY_LIVELIHOOD, 5),
    (Category.INDUSTRY, 4),
    (Category.CORRUPTION, 3),
    (Category.PRIOR_RECTIFICATION, 3),
]
SOURCES = [
    (Problem.Source.DOCUMENTS, 40),
    (Problem.Source.TALK, 25),
    (Problem.Source.VISIT, 25),
    (Problem.Source.PETITION, 6),
    (Problem.Source.SUGGESTION, 4),
]
FIX_TYPES = [(FixType.IMMEDIATE, 38), (FixType.FOLLOW_UP, 56), (FixType.LONG_TERM, 6)]
TOPICS = [
    (Suggestion.Topic.INDUSTRY, 30),
    (Suggestion.Topic.INFRASTRUCTURE, 20),
    (Suggestion.Topic.LIVELIHOOD, 20),
    (Suggestion.Topic.GOVERNANCE, 12),
    (Suggestion.Topic.ECOLOGY, 8),
    (Suggestion.Topic.PARTY_BUILDING, 5),
    (Suggestion.Topic.OTHER, 5),
]
OUTCOMES = [
    (Suggestion.Outcome.IMMEDIATE, 35),
    (Suggestion.Outcome.FOLLOW_UP, 40),
    (Suggestion.Outcome.NOT_ADOPTED, 25),
]
CLUE_STATUSES = [
    (Clue.Status.TRANSFERRED, 60),
    (Clue.Status.RECEIVED, 15),
    (Clue.Status.DISPOSED, 15),
    (Clue.Status.FEEDBACK, 10),
]
CLUE_CATEGORIES = {Category.CORRUPTION, Category.FINANCE, Category.ASSETS, Category.PROJECT, Category.BENEFIT}

PHENOMENA = {
    Category.FINANCE: "{v}{y}年有{n}笔支出未经集体研究即入账，涉及金额{a}元，部分票据无经办人和证明人签字。",
    Category.ASSETS: "{v}集体资产底数不清，{k}处集体房屋和土地未登记入账，{y}年租金{a}元未按合同收取。",
    Category.PARTY_ORG: "{v}党支部“三会一课”制度落实不到位，{y}年仅召开支部党员大会{k}次，会议记录内容简单。",
    Category.DISCLOSURE: "{v}村务公开不及时，{y}年第{q}季度财务收支和{n}户低保名单未按规定公示。",
    Category.BENEFIT: "{v}惠民资金发放审核不严，{y}年向{k}户不符合条件的农户发放补贴{a}元。",
    Category.PROJECT: "{v}{y}年道路硬化项目未按规定公开招标，工程款{a}元未经验收即全额支付。",
    Category.STYLE: "{v}干部服务群众意识不强，{y}年群众反映的{n}件诉求中有{k}件未及时答复。",
    Category.POLICY: "{v}贯彻落实上级部署不到位，{y}年有{k}项重点工作未按时间节点完成。",
    Category.SAFETY_LIVELIHOOD: "{v}安全隐患排查整治不彻底，{k}处危旧房屋和消防设施问题未建立整改台账。",
    Category.INDUSTRY: "{v}特色产业项目管理粗放，{y}年投入的{a}元产业扶持资金未产生预期收益。",
    Category.CORRUPTION: "{v}村干部优亲厚友，{y}年将{k}个公益性岗位安排给亲属，涉及补贴{a}元。",
    Category.PRIOR_RECTIFICATION: "{v}上轮巡察反馈的{k}个问题中有{k2}个整改不彻底，存在反弹回潮现象。",
}
BASIS = "《中国共产党农村基层组织工作条例》《农村集体经济组织财务制度》"
RESPONSIBILITY = "村党组织书记负主要责任，分管村干部负直接责任"
MEASURES = "制定整改方案，明确责任人和完成时限，建立健全相关制度，举一反三开展自查。"
GOAL = "问题整改到位，制度执行规范，群众满意。"
COMMON_TEXTS = [
    (Category.DISCLOSURE, "村务公开内容不全面、更新不及时，公开栏长期未更新。"),
    (Category.FINANCE, "村级财务报账不规范，白条入账、票据审核不严问题普遍存在。"),
    (Category.PARTY_ORG, "党员发展和教育管理不规范，组织生活制度落实不到位。"),
]
SPECIAL_TOPICS = ["农村集体“三资”管理专项巡察", "惠民惠农资金专项巡察", "乡村振兴项目专项巡察"]
SUGGESTION_TEXTS = {
    Suggestion.Topic.INDUSTRY: "建议扶持发展特色种养产业，成立专业合作社带动群众增收。",
    Suggestion.Topic.INFRASTRUCTURE: "建议硬化通组道路并安装路灯，方便群众出行。",
    Suggestion.Topic.LIVELIHOOD: "建议改善村卫生室条件，定期组织义诊。",
    Suggestion.Topic.GOVERNANCE: "建议完善村规民约，规范红白喜事操办。",
    Suggestion.Topic.ECOLOGY: "建议增设垃圾收集点，定期清运生活垃圾。",
    Suggestion.Topic.PARTY_BUILDING: "建议加强党员活动室建设，丰富党员学习教育形式。",
    Suggestion.Topic.OTHER: "建议村委会公开办事流程和联系电话。",
}
