"""The first draft of a report, written from the round's data: 基本情况 from the villages' profiles and the
assignments, 发现的主要问题 by category with typical cases from the confirmed papers, 意见建议, and the clues only
as a count. The text is a Chinese official paper, so it is written in Chinese whatever the reader's language.

Sealed clues never enter the text: not their subjects, not their summaries, not the papers they were made from
beyond what the papers say themselves; a report names only how many clues were transferred.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count

from xuncha.documents.chinese import chinese, labels
from xuncha.findings.models import Category, Clue, Problem, Suggestion
from xuncha.inspections.models import Assignment, AssignmentVillage, Membership, Round, chinese_number
from xuncha.organisations.models import AdminUnit

# Typical cases quoted per category, and the length a quoted case is cut to.
TYPICAL_CASES = 2
CASE_LENGTH = 120
SECTION_NUMERALS = "一二三四五六七八九十"
# What the report suggests for each kind of problem (意见建议).
ADVICE: dict[str, str] = {
    Category.POLICY: "坚决贯彻落实党中央和上级党委决策部署，结合村情制定落实措施，确保政策落地见效。",
    Category.BENEFIT: "严格惠民惠农政策申报审核和公示程序，做到应享尽享、精准发放。",
    Category.ASSETS: "全面清理集体资金资产资源，规范合同管理和收益入账，防止集体资产流失。",
    Category.FINANCE: "严格执行村级财务管理制度，规范报账程序和票据管理，落实村务监督委员会监督职责。",
    Category.PROJECT: "规范村级工程项目决策、招投标、验收和资金拨付程序，加强全过程监督。",
    Category.DISCLOSURE: "落实村务公开制度，按时、全面、真实公开党务村务财务，接受群众监督。",
    Category.PARTY_ORG: "严格落实“三会一课”等组织生活制度，加强党员教育管理，增强基层党组织政治功能和组织力。",
    Category.STYLE: "驰而不息纠治“四风”，改进工作作风，切实为群众办实事解难题。",
    Category.CORRUPTION: "严肃查处群众身边的不正之风和腐败问题，形成有力震慑。",
    Category.SAFETY_LIVELIHOOD: "压实安全生产和民生保障责任，及时消除隐患，解决群众急难愁盼问题。",
    Category.PRIOR_RECTIFICATION: "对照以往巡察反馈问题逐项复核，坚决防止整改不到位和问题反弹。",
    Category.INDUSTRY: "立足资源禀赋发展壮大村级集体经济，完善利益联结机制，带动群众增收。",
}
PROFILE_PARTS = [
    ("population", "户籍人口{}人"),
    ("households", "{}户"),
    ("party_members", "党员{}名"),
    ("collective_income", "村级集体经济收入{}万元"),
    ("natural_villages", "辖{}个自然村"),
    ("industries", "主要产业为{}"),
]


@dataclass(frozen=True)
class Draft:
    title: str
    text: str
    clue_count: int


def _cut(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= CASE_LENGTH else text[:CASE_LENGTH] + "……"


def _villages(round_: Round, assignment: Assignment | None) -> list[AdminUnit]:
    rows = AssignmentVillage.objects.filter(round=round_).select_related("village__parent")
    if assignment is not None:
        rows = rows.filter(assignment=assignment)
    return [row.village for row in rows.order_by("village__code")]


def _village_line(village: AdminUnit) -> str:
    profile = village.profile or {}
    parts = [template.format(profile[key]) for key, template in PROFILE_PARTS if profile.get(key) not in (None, "")]
    township = village.parent.name if village.parent else ""
    kind = "重点村" if village.is_key else ""
    head = f"{township}{village.short_name}" + (f"（{kind}）" if kind else "")
    return head + ("：" + "，".join(parts) + "。" if parts else "。")


def _basics(round_: Round, assignment: Assignment | None, villages: list[AdminUnit]) -> list[str]:
    lines = ["一、基本情况"]
    if assignment is not None:
        leader = (
            Membership.objects.filter(group_id=assignment.group_id, role=Membership.GroupRole.LEADER)
            .select_related("user")
            .first()
        )
        mode = labels(Assignment.Mode)[assignment.mode]
        who = f"，组长{leader.user.display_name or leader.user.get_username()}" if leader else ""
        lines.append(
            f"根据县委巡察工作统一部署，{assignment.group.name}{who}，于"
            f"{assignment.stationed_from:%Y年%m月%d日}至{assignment.stationed_until:%Y年%m月%d日}"
            f"以{mode}方式对{assignment.target.name}开展巡察，共巡察村（社区）{len(villages)}个。"
        )
    else:
        groups = round_.groups.count()
        lines.append(
            f"{round_}于{round_.start_date:%Y年%m月%d日}至{round_.end_date:%Y年%m月%d日}开展，"
            f"派出巡察组{groups}个，共巡察村（社区）{len(villages)}个，"
            f"其中重点村{sum(1 for village in villages if village.is_key)}个。"
        )
    lines.append("被巡察村（社区）基本情况如下：")
    lines.extend(_village_line(village) for village in villages)
    return lines


def _problems(problems: list[Problem]) -> list[str]:
    lines = ["二、发现的主要问题"]
    if not problems:
        lines.append("巡察期间未发现需要反馈的问题。")
        return lines
    names = labels(Category)
    by_category: dict[str, list[Problem]] = defaultdict(list)
    for problem in problems:
        by_category[problem.category].append(problem)
    lines.append(f"巡察共发现并经组务会确认问题{len(problems)}个，主要有：")
    ordered = sorted(by_category.items(), key=lambda pair: (-len(pair[1]), list(Category.values).index(pair[0])))
    for index, (category, found) in enumerate(ordered):
        numeral = SECTION_NUMERALS[index] if index < len(SECTION_NUMERALS) else str(index + 1)
        lines.append(f"（{numeral}）{names[category]}方面问题{len(found)}个。")
        for case, problem in enumerate(found[:TYPICAL_CASES], start=1):
            lines.append(f"典型案例{case}：{problem.village.short_name}，{_cut(problem.phenomenon)}")
    return lines


def _advice(problems: list[Problem], suggestions: int) -> list[str]:
    lines = ["三、意见建议"]
    categories = sorted({problem.category for problem in problems}, key=list(Category.values).index)
    for index, category in enumerate(categories, start=1):
        lines.append(f"{index}. {ADVICE[category]}")
    if not categories:
        lines.append("1. 巩固巡察成果，健全长效机制。")
    if suggestions:
        lines.append(f"巡察期间收到群众意见建议{suggestions}条，已按规定研究处理。")
    return lines


def draft(round_: Round, assignment: Assignment | None, kind: str) -> Draft:
    """The first version of a report of ``assignment`` (or of the whole round when ``None``)."""
    from xuncha.reporting.models import Report

    with chinese():
        villages = _villages(round_, assignment)
        problems_qs = Problem.objects.filter(
            round=round_, status__in=[Problem.Status.CONFIRMED, Problem.Status.FED_BACK]
        )
        clues = Clue.objects.filter(round=round_)
        suggestions = Suggestion.objects.filter(assignment__round=round_)
        if assignment is not None:
            problems_qs = problems_qs.filter(assignment=assignment)
            clues = clues.filter(assignment=assignment)
            suggestions = suggestions.filter(assignment=assignment)
        problems = list(problems_qs.select_related("village").order_by("category", "serial_no", "pk"))
        clue_count = clues.aggregate(count=Count("pk"))["count"]
        kind_name = labels(Report.Kind)[kind]
        subject = assignment.target.name if assignment is not None else f"第{chinese_number(round_.number)}轮"
        title = f"关于{subject}的{kind_name}"
        lines = [
            *_basics(round_, assignment, villages),
            *_problems(problems),
            *_advice(problems, suggestions.count()),
            "四、问题线索",
            f"巡察期间发现问题线索{clue_count}件，已按规定另行报送，本报告不载明线索具体内容。",
        ]
    return Draft(title=title, text="\n".join(lines), clue_count=clue_count)
