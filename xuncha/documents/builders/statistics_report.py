"""村级巡察工作统计报告: the dashboard's figures as the office's monthly report (.docx) and workbook (.xlsx).

Both are written from ``dashboard_figures`` alone (the figures of the reader, with the filters they chose), so
they say what the dashboard says and cost no query of their own. Sealed clues appear as one count, the clues
transferred, and only when the figures hold it (for those who may know of clues); nothing else of them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from xuncha.core.docx import OfficialDocument, chinese_date
from xuncha.core.xlsx import Sheet, write_workbook
from xuncha.core.xlsx import Value as CellValue
from xuncha.documents.builders import UNSAFE_IN_NAMES, docx_file, inspection_office, percent
from xuncha.documents.builders.round_report import OUTCOME_ROWS
from xuncha.documents.chinese import chinese, labels
from xuncha.documents.exports import FIGURE_COLUMNS
from xuncha.documents.files import XLSX, GeneratedFile
from xuncha.findings.models import Category, FixType, Problem, Suggestion
from xuncha.inspections.models import Assignment, Round, chinese_number
from xuncha.organisations.models import AdminUnit, Level
from xuncha.organisations.models import Category as VillageCategory
from xuncha.outcomes.report import outcome_paragraph, outcome_sheet
from xuncha.rectification.queries import rate

Figures = dict[str, Any]
Row = list[CellValue]

# The figures' key for suggestions not yet decided on, where a round's report reads the empty outcome.
UNDECIDED = "undecided"
# The problem groupings of the report: the figures' key, what the grouping is called and its choices.
PROBLEM_GROUPS = (
    ("by_category", "问题类别", Category),
    ("by_source", "问题来源", Problem.Source),
    ("by_fix_type", "整改类型", FixType),
)


# What the report covers -------------------------------------------------------------------------------------------


def _unit_name(figures: Figures) -> str:
    return str(figures["scope"]["unit"]["name"])


def _place_name(figures: Figures) -> str:
    """The township chosen on a county's dashboard, or the unit itself."""
    scope = figures["scope"]
    return str((scope["township"] or scope["unit"])["name"])


def _is_region(figures: Figures) -> bool:
    return figures["scope"]["unit"]["level"] in (Level.PROVINCE, Level.CITY)


def _filters(figures: Figures) -> list[str]:
    """The round and township chosen on the dashboard, as the report names them."""
    scope = figures["scope"]
    return [part["name"] for part in (scope["round"], scope["township"]) if part]


def _coverage_range(figures: Figures) -> str:
    """The term, round and township the figures count: 十五届县委第四轮巡察，甲镇."""
    scope = figures["scope"]
    if scope["counties_with_terms"] is not None:
        rounds = f"辖区{scope['counties_with_terms']}个县（市、区）本届各轮巡察"
    elif scope["round"]:
        rounds = scope["round"]["name"]
    elif scope["term"]:
        rounds = f"{scope['term']['name']}各轮巡察"
    else:
        rounds = "尚无巡察届次"
    return f"{rounds}，{scope['township']['name']}" if scope["township"] else rounds


def _file_name(figures: Figures, today: date) -> str:
    """巡察统计报告 of the unit, with the filters and the day, under a name safe on every system."""
    details = "，".join([*_filters(figures), today.isoformat()])
    return f"{_unit_name(figures)}巡察统计报告（{details}）".translate(UNSAFE_IN_NAMES)


def _issuer(figures: Figures) -> str:
    """The inspection office of the county (or of the city or province whose roll-up it is)."""
    scope = figures["scope"]
    unit = scope["county"] or scope["unit"]
    # The helper reads the unit's name only: no query for a unit the figures already name.
    return inspection_office(AdminUnit(name=unit["name"]))


def _round_names(figures: Figures) -> dict[int, str]:
    """Each round's name by its number (the rounds of the county's term)."""
    return {row["round"]: row["name"] for row in figures["rounds"] or []}


def _round_name(names: dict[int, str], number: int) -> str:
    return names.get(number) or f"第{chinese_number(number)}轮巡察"


def _area_label(figures: Figures) -> str:
    """乡镇, 村（社区） or 县（市、区）: what the rows of the area table are."""
    level = figures["scope"]["area_level"]
    return labels(Level).get(level, "") if level else ""


def _share(part: int, whole: int) -> str:
    """``part`` as a share of ``whole`` the way the other reports write it: 9.1%, 100%, 0% of nothing."""
    return percent(rate(part, whole))


# The report (.docx) -----------------------------------------------------------------------------------------------


def docx(figures: Figures) -> GeneratedFile:
    """The statistics report: coverage, problems, suggestions, clues (a count), rectification, return visits and
    residents' satisfaction, then the table by area."""
    with chinese():
        return _write(figures, timezone.localdate())


class _Sections:
    """Level-1 headings numbered in order, whichever sections the reader's figures hold."""

    def __init__(self, doc: OfficialDocument) -> None:
        self.doc = doc
        self.number = 0

    def heading(self, text: str) -> None:
        self.number += 1
        self.doc.heading(f"{chinese_number(self.number)}、{text}")


def _write(figures: Figures, today: date) -> GeneratedFile:
    unit = _unit_name(figures)
    title = f"{unit}村级巡察工作统计报告"
    issuer = _issuer(figures)
    doc = OfficialDocument(title=title, author=issuer)
    doc.title(title)
    if figures["scope"]["county"]:
        doc.addressee("县委巡察工作领导小组")
    doc.paragraph(
        f"现将{unit}村级巡察工作有关情况统计报告如下。统计范围：{_coverage_range(figures)}；"
        f"数据截至{chinese_date(today)}。"
    )
    sections = _Sections(doc)
    _coverage_section(doc, sections, figures)
    _problem_section(doc, sections, figures)
    if figures["suggestions"] is not None:
        _suggestion_section(doc, sections, figures["suggestions"])
    if figures["clues"] is not None:
        sections.heading("问题线索情况")
        doc.paragraph(f"巡察发现的问题线索已按规定程序移交{figures['clues']['transferred']}件。")
    _rectification_section(doc, sections, figures)
    sections.heading("成果运用情况")
    doc.paragraph(outcome_paragraph(figures))
    _visit_section(doc, sections, figures)
    if figures["areas"]:
        _area_section(doc, sections, figures)
    doc.signature(issuer, today)
    return docx_file(_file_name(figures, today), doc)


def _coverage_section(doc: OfficialDocument, sections: _Sections, figures: Figures) -> None:
    villages = figures["villages"]
    sections.heading("巡察覆盖情况")
    others = [
        f"{labels(VillageCategory)[VillageCategory.WATCH]}{villages['watch']}个" if villages["watch"] else "",
        f"未分类{villages['unclassified']}个" if villages["unclassified"] else "",
    ]
    doc.paragraph(
        f"{_place_name(figures)}共有村（社区）{villages['villages']}个，其中村民委员会{villages['village_committees']}个、"
        f"社区{villages['communities']}个；重点村{villages['key']}个、一般村{villages['general']}个"
        + "".join(f"、{other}" for other in others if other)
        + f"。已巡察{villages['inspected']}个，其中重点村{villages['key_inspected']}个、"
        f"一般村{villages['general_inspected']}个，覆盖率{percent(villages['coverage_rate'])}；"
        f"尚未巡察{villages['remaining']}个。"
    )
    if figures["rounds"]:
        modes = labels(Assignment.Mode)
        statuses = labels(Round.Status)
        doc.table(
            ["轮次", "状态", "巡察村（社区）", "其中重点村", "直接巡察重点村", *modes.values()],
            [
                [
                    row["name"],
                    statuses.get(row["status"], row["status"]),
                    row["villages"],
                    row["key_villages"],
                    row["key_villages_direct"],
                    *(row["villages_by_mode"].get(mode, 0) for mode in modes),
                ]
                for row in figures["rounds"]
            ],
            widths_mm=[44.0, 18.0, 15.0, 14.0, 16.0, 16.0, 17.0, 16.0],
        )


def _problem_section(doc: OfficialDocument, sections: _Sections, figures: Figures) -> None:
    problems = figures["problems"]
    total = problems["total"]
    fed_back = problems["by_status"].get(Problem.Status.FED_BACK, 0)
    sections.heading("发现问题情况")
    doc.paragraph(f"巡察共发现问题{total}个，其中已向村（社区）反馈{fed_back}个。")
    for index, (key, header, choices) in enumerate(PROBLEM_GROUPS, start=1):
        counts = problems[key]
        doc.heading(f"（{chinese_number(index)}）按{header}统计", 2)
        doc.table(
            [header, "问题数（个）", "占比"],
            [
                [label, counts.get(code, 0), _share(counts.get(code, 0), total)]
                for code, label in labels(choices).items()
            ]
            + [["合计", total, _share(total, total)]],
            widths_mm=[96.0, 30.0, 30.0],
        )
    if problems["by_round"]:
        names = _round_names(figures)
        doc.heading(f"（{chinese_number(len(PROBLEM_GROUPS) + 1)}）按巡察轮次统计", 2)
        doc.table(
            ["轮次", "问题数（个）", "占比"],
            [
                [_round_name(names, row["round"]), row["problems"], _share(row["problems"], total)]
                for row in problems["by_round"]
            ]
            + [["合计", total, _share(total, total)]],
            widths_mm=[96.0, 30.0, 30.0],
        )


def _suggestion_section(doc: OfficialDocument, sections: _Sections, suggestions: Figures) -> None:
    total = suggestions["total"]
    outcomes = suggestions["by_outcome"]
    sections.heading("意见建议办理情况")
    handled = "、".join(f"{label}{outcomes.get(code or UNDECIDED, 0)}条" for code, label in OUTCOME_ROWS)
    doc.paragraph(f"巡察期间共收集群众和村民代表意见建议{total}条，其中{handled}。")
    topics = labels(Suggestion.Topic)
    doc.heading("（一）按建议领域统计", 2)
    doc.table(
        ["建议领域", "件数（条）", "占比"],
        [
            [label, suggestions["by_topic"].get(code, 0), _share(suggestions["by_topic"].get(code, 0), total)]
            for code, label in topics.items()
        ]
        + [["合计", total, _share(total, total)]],
        widths_mm=[96.0, 30.0, 30.0],
    )
    if suggestions["top_villages"]:
        doc.heading("（二）意见建议较多的村（社区）", 2)
        adopted = [(code, label) for code, label in OUTCOME_ROWS if code]
        doc.table(
            ["村（社区）", "建议领域", "件数（条）", *(label for _code, label in adopted)],
            [
                [
                    row["name"],
                    topics.get(row["topic"], row["topic"]),
                    row["total"],
                    *(row.get(code, 0) for code, _label in adopted),
                ]
                for row in suggestions["top_villages"]
            ],
            widths_mm=[40.0, 26.0, 22.0, 22.0, 26.0, 20.0],
        )


def _rectification_section(doc: OfficialDocument, sections: _Sections, figures: Figures) -> None:
    ledger = figures["rectification"]
    sections.heading("整改情况")
    doc.paragraph(
        f"巡察反馈问题形成整改事项{ledger['ledger_items']}个，已完成整改并销号{ledger['closed']}个，"
        f"正在整改{ledger['open']}个，长期坚持{ledger['ongoing']}个，整改完成率{percent(ledger['completion_rate'])}。"
        f"已销号事项中按期完成{ledger['closed_on_time']}个、逾期完成{ledger['closed_late']}个，"
        f"按期完成率{percent(ledger['on_time_rate'])}。"
        + (f"目前逾期未完成{ledger['overdue']}个，须督促加快推进。" if ledger["overdue"] else "目前无逾期未完成事项。")
    )
    if ledger["by_round"]:
        names = _round_names(figures)
        doc.table(
            ["轮次", "整改事项", "已销号", "整改中", "长期坚持", "逾期", "完成率", "按期完成率"],
            [[_round_name(names, row["round"]), *_ledger_cells(row)] for row in ledger["by_round"]]
            + [["合计", *_ledger_cells(ledger)]],
            widths_mm=[44.0, 16.0, 16.0, 16.0, 16.0, 16.0, 16.0, 16.0],
        )


def _ledger_cells(row: Figures) -> list[object]:
    return [
        row["ledger_items"],
        row["closed"],
        row["open"],
        row["ongoing"],
        row["overdue"],
        percent(row["completion_rate"]),
        percent(row["on_time_rate"]),
    ]


def _visit_section(doc: OfficialDocument, sections: _Sections, figures: Figures) -> None:
    visits, survey, disclosure = figures["return_visits"], figures["survey"], figures["disclosure"]
    sections.heading("回访及群众满意度情况")
    doc.paragraph(
        f"开展整改回访{visits['visits']}次，核查验证整改到位事项{visits['verified']}项，"
        f"未整改到位需重新整改{visits['reopened']}项；走访群众{visits['people_asked']}人，"
        f"对整改情况表示满意{visits['people_satisfied']}人，满意率{percent(visits['satisfaction_rate'])}。"
    )
    if survey["answers"]:
        doc.paragraph(
            f"开展群众满意度测评{survey['surveys']}次，收到群众评价{survey['answers']}份，其中满意"
            f"{survey['satisfied']}份、比较满意{survey['fairly_satisfied']}份、不满意{survey['dissatisfied']}份，"
            f"满意率{percent(survey['satisfaction_rate'])}。"
        )
    else:
        doc.paragraph("暂未收到群众满意度测评评价。")
    doc.paragraph(f"向群众公开整改结果{disclosure['published']}项，涉及村（社区）{disclosure['villages']}个。")


def _area_section(doc: OfficialDocument, sections: _Sections, figures: Figures) -> None:
    label = _area_label(figures)
    villages, ledger = figures["villages"], figures["rectification"]
    sections.heading(f"各{label}巡察工作情况")
    doc.table(
        [label, "村（社区）数", "已巡察", "覆盖率", "发现问题", "整改事项", "已销号", "完成率", "逾期未完成"],
        [
            [
                area["name"],
                area["villages"],
                area["inspected"],
                percent(area["coverage_rate"]),
                area["problems"],
                area["rectification"]["ledger_items"],
                area["rectification"]["closed"],
                percent(area["rectification"]["completion_rate"]),
                area["rectification"]["overdue"],
            ]
            for area in figures["areas"]
        ]
        + [
            [
                "合计",
                villages["villages"],
                villages["inspected"],
                percent(villages["coverage_rate"]),
                figures["problems"]["total"],
                ledger["ledger_items"],
                ledger["closed"],
                percent(ledger["completion_rate"]),
                ledger["overdue"],
            ]
        ],
        widths_mm=[28.0, 15.0, 15.0, 16.0, 16.0, 16.0, 16.0, 16.0, 18.0],
    )


# The workbook (.xlsx) ---------------------------------------------------------------------------------------------


def xlsx(figures: Figures) -> GeneratedFile:
    """The same figures, a sheet per subject with a title line naming the unit, the range and the day."""
    today = timezone.localdate()
    about = f"{_coverage_range(figures)}，截至{chinese_date(today)}"
    unit = _unit_name(figures)
    sheets = [Sheet("概况", ["项目", "指标", "数值"], _overview(figures), heading=f"{unit}村级巡察工作统计（{about}）")]
    if figures["areas"]:
        label = _area_label(figures)
        sheets.append(
            Sheet(
                f"按{label}",
                [label, *AREA_COLUMNS, *(header for _key, header in FIGURE_COLUMNS)],
                _area_rows(figures),
                heading=f"{unit}村级巡察工作情况（按{label}，{about}）",
            )
        )
    sheets.append(
        Sheet(
            "问题",
            ["分类", "类别", "问题数", "占比（%）"],
            _problem_rows(figures),
            heading=f"{unit}巡察发现问题（{about}）",
        )
    )
    if figures["suggestions"] is not None:
        sheets += _suggestion_sheets(figures["suggestions"], unit, about)
    sheets.append(
        Sheet(
            "整改",
            ["轮次", *(header for _key, header in FIGURE_COLUMNS)],
            _rectification_rows(figures),
            heading=f"{unit}巡察整改情况（{about}）",
        )
    )
    sheets.append(outcome_sheet(figures, unit, about, _round_names(figures)))
    if figures["rounds"]:
        modes = labels(Assignment.Mode)
        sheets.append(
            Sheet(
                "轮次",
                ["轮次", "状态", "巡察村（社区）", "其中重点村", "直接巡察重点村", *modes.values(), "发现问题"],
                _round_rows(figures),
                heading=f"{unit}各轮巡察情况（{about}）",
            )
        )
    sheets.append(
        Sheet(
            "回访",
            ["村（社区）", "回访日期", "验证整改到位（项）", "走访群众（人）", "满意（人）", "回访情况"],
            _visit_rows(figures),
            heading=f"{unit}最近整改回访（{about}）",
        )
    )
    if not _is_region(figures):
        villages = figures["villages"]
        listed = len(villages["not_covered"])
        more = f"，列出前{listed}个" if villages["remaining"] > listed else ""
        sheets.append(
            Sheet(
                "未巡察村（社区）",
                ["乡镇", "村（社区）", "类别"],
                _not_covered_rows(figures),
                heading=f"{unit}尚未巡察的村（社区）（共{villages['remaining']}个{more}，{about}）",
            )
        )
    name = f"{_file_name(figures, today)}.xlsx"
    return GeneratedFile(name=name, content=write_workbook(sheets), content_type=XLSX)


AREA_COLUMNS = (
    "村（社区）数",
    "重点村",
    "重点村已巡察",
    "一般村",
    "一般村已巡察",
    "已巡察",
    "覆盖率（%）",
    "发现问题",
)


def _overview(figures: Figures) -> list[Row]:
    villages, problems, ledger = figures["villages"], figures["problems"], figures["rectification"]
    visits, survey, disclosure = figures["return_visits"], figures["survey"], figures["disclosure"]
    categories = labels(VillageCategory)
    rows: list[Row] = [
        ["巡察覆盖", "村（社区）", villages["villages"]],
        ["巡察覆盖", "其中：村民委员会", villages["village_committees"]],
        ["巡察覆盖", "　　　社区", villages["communities"]],
        ["巡察覆盖", categories[VillageCategory.KEY], villages["key"]],
        ["巡察覆盖", categories[VillageCategory.GENERAL], villages["general"]],
        ["巡察覆盖", categories[VillageCategory.WATCH], villages["watch"]],
        ["巡察覆盖", "未分类", villages["unclassified"]],
        ["巡察覆盖", "已巡察", villages["inspected"]],
        ["巡察覆盖", "其中：重点村", villages["key_inspected"]],
        ["巡察覆盖", "　　　一般村", villages["general_inspected"]],
        ["巡察覆盖", "未巡察", villages["remaining"]],
        ["巡察覆盖", "覆盖率（%）", villages["coverage_rate"]],
        ["发现问题", "问题总数", problems["total"]],
        ["发现问题", "已反馈", problems["by_status"].get(Problem.Status.FED_BACK, 0)],
    ]
    if figures["suggestions"] is not None:
        rows.append(["意见建议", "收集意见建议", figures["suggestions"]["total"]])
    if figures["clues"] is not None:
        rows.append(["问题线索", "已移交问题线索", figures["clues"]["transferred"]])
    rows += [["整改", header, ledger[key]] for key, header in FIGURE_COLUMNS]
    rows += [
        ["整改回访", "回访次数", visits["visits"]],
        ["整改回访", "验证整改到位（项）", visits["verified"]],
        ["整改回访", "重新整改（项）", visits["reopened"]],
        ["整改回访", "走访群众（人）", visits["people_asked"]],
        ["整改回访", "满意（人）", visits["people_satisfied"]],
        ["整改回访", "满意率（%）", visits["satisfaction_rate"]],
        ["满意度测评", "测评次数", survey["surveys"]],
        ["满意度测评", "评价份数", survey["answers"]],
        ["满意度测评", "满意", survey["satisfied"]],
        ["满意度测评", "比较满意", survey["fairly_satisfied"]],
        ["满意度测评", "不满意", survey["dissatisfied"]],
        ["满意度测评", "满意率（%）", survey["satisfaction_rate"]],
        ["整改公开", "公开整改结果（项）", disclosure["published"]],
        ["整改公开", "涉及村（社区）", disclosure["villages"]],
    ]
    return rows


def _area_figures(row: Figures, problems: int, ledger: Figures) -> Row:
    return [
        row["villages"],
        row["key"],
        row["key_inspected"],
        row["general"],
        row["general_inspected"],
        row["inspected"],
        row["coverage_rate"],
        problems,
        *(ledger[key] for key, _header in FIGURE_COLUMNS),
    ]


def _area_rows(figures: Figures) -> list[Row]:
    rows: list[Row] = [
        [area["name"], *_area_figures(area, area["problems"], area["rectification"])] for area in figures["areas"]
    ]
    rows.append(["合计", *_area_figures(figures["villages"], figures["problems"]["total"], figures["rectification"])])
    return rows


def _problem_rows(figures: Figures) -> list[Row]:
    problems = figures["problems"]
    total = problems["total"]
    rows: list[Row] = []
    for key, header, choices in PROBLEM_GROUPS:
        counts = problems[key]
        rows += [
            [header, label, counts.get(code, 0), rate(counts.get(code, 0), total)]
            for code, label in labels(choices).items()
        ]
    if problems["by_round"]:
        names = _round_names(figures)
        rows += [
            ["巡察轮次", _round_name(names, row["round"]), row["problems"], rate(row["problems"], total)]
            for row in problems["by_round"]
        ]
    rows.append(["合计", "", total, rate(total, total)])
    return rows


def _suggestion_sheets(suggestions: Figures, unit: str, about: str) -> list[Sheet]:
    total = suggestions["total"]
    outcomes, topics = suggestions["by_outcome"], labels(Suggestion.Topic)
    rows: list[Row] = [["办理结果", label, outcomes.get(code or UNDECIDED, 0)] for code, label in OUTCOME_ROWS]
    rows += [["建议领域", label, suggestions["by_topic"].get(code, 0)] for code, label in topics.items()]
    rows.append(["合计", "", total])
    adopted = [(code, label) for code, label in OUTCOME_ROWS if code]
    top: list[Row] = [
        [row["name"], topics.get(row["topic"], row["topic"]), row["total"], *(row.get(code, 0) for code, _ in adopted)]
        for row in suggestions["top_villages"]
    ]
    return [
        Sheet("意见建议", ["分类", "类别", "件数"], rows, heading=f"{unit}意见建议办理情况（{about}）"),
        Sheet(
            "意见建议较多的村",
            ["村（社区）", "建议领域", "件数", *(label for _code, label in adopted)],
            top,
            heading=f"{unit}意见建议较多的村（社区）（{about}）",
        ),
    ]


def _rectification_rows(figures: Figures) -> list[Row]:
    ledger = figures["rectification"]
    names = _round_names(figures)
    rows: list[Row] = [
        [_round_name(names, row["round"]), *(row[key] for key, _header in FIGURE_COLUMNS)]
        for row in ledger["by_round"] or []
    ]
    rows.append(["合计", *(ledger[key] for key, _header in FIGURE_COLUMNS)])
    return rows


def _round_rows(figures: Figures) -> list[Row]:
    modes, statuses = labels(Assignment.Mode), labels(Round.Status)
    found = {row["round"]: row["problems"] for row in figures["problems"]["by_round"] or []}
    return [
        [
            row["name"],
            statuses.get(row["status"], row["status"]),
            row["villages"],
            row["key_villages"],
            row["key_villages_direct"],
            *(row["villages_by_mode"].get(mode, 0) for mode in modes),
            found.get(row["round"], 0),
        ]
        for row in figures["rounds"]
    ]


def _visit_rows(figures: Figures) -> list[Row]:
    return [
        [
            visit["village"],
            date.fromisoformat(visit["visited_on"]) if visit["visited_on"] else None,
            visit["verified"],
            visit["people_asked"],
            visit["people_satisfied"],
            visit["note"],
        ]
        for visit in figures["return_visits"]["recent"]
    ]


def _not_covered_rows(figures: Figures) -> list[Row]:
    categories = labels(VillageCategory)
    return [
        [village["township"], village["name"], categories.get(village["category"], "未分类")]
        for village in figures["villages"]["not_covered"]
    ]
