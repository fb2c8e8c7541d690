"""The planning app's official documents (GB/T 9704 .docx, like ``documents.builders``): a work plan (工作方案) and
an enquiry letter (征求意见函). Written in Chinese whatever the reader's language; the letter never carries the
reply, which may name people."""

from __future__ import annotations

from django.db.models import prefetch_related_objects

from xuncha.core.docx import OfficialDocument, chinese_date, document_number
from xuncha.documents.builders import committee, docx_file, inspection_office, number_prefix
from xuncha.documents.chinese import chinese
from xuncha.documents.files import GeneratedFile
from xuncha.inspections.models import chinese_number
from xuncha.planning.models import Enquiry, WorkPlan

CHINESE_ORDINALS = "一二三四五六七八九十"
# How a letter addresses each body (主送机关).
BODY_NAMES = {
    Enquiry.Body.DISCIPLINE: "县纪委监委",
    Enquiry.Body.ORGANISATION: "县委组织部",
    Enquiry.Body.PETITIONS: "县信访局",
    Enquiry.Body.AUDIT: "县审计局",
    Enquiry.Body.FINANCE: "县财政局",
    Enquiry.Body.AGRICULTURE: "县农业农村局",
    Enquiry.Body.CIVIL_AFFAIRS: "县民政局",
    Enquiry.Body.HOUSING: "县住房和城乡建设局",
}
PLAN_RELATED = (
    "round__term__county",
    "assignment__group__memberships__user",
    "assignment__target",
    "assignment__villages",
    "round__groups__memberships__user",
    "stages",
    "drafted_by",
)
PLAN_SECTIONS = ("一、巡察对象", "二、时间安排", "三、巡察组组成", "四、监督重点", "五、巡察授权", "六、工作要求")


def body_name(enquiry: Enquiry) -> str:
    return enquiry.body_name if enquiry.body == Enquiry.Body.OTHER else BODY_NAMES[Enquiry.Body(enquiry.body)]


def _ordinal(index: int) -> str:
    return f"（{chinese_number(index)}）"


def render_plan(plan: WorkPlan) -> GeneratedFile:
    """The work plan as approved (or as it stands, marked as a draft until then)."""
    prefetch_related_objects([plan], *PLAN_RELATED)
    with chinese():
        return _write_plan(plan)


def _write_plan(plan: WorkPlan) -> GeneratedFile:
    county = plan.round.term.county
    office = inspection_office(county)
    doc = OfficialDocument(title=plan.title, author=office)
    if plan.status != WorkPlan.Status.APPROVED:
        doc.line(f"（{plan.get_status_display()}）")
    doc.title(plan.title)
    assignment = plan.assignment
    doc.paragraph(f"根据{committee(county)}巡察工作规划和{plan.round}工作部署，为确保巡察工作有序开展，制定本方案。")
    doc.heading(PLAN_SECTIONS[0])
    if assignment is not None:
        villages = list(assignment.villages.all())
        doc.paragraph(f"{assignment.get_mode_display()}：{assignment.target}。")
        for village in villages:
            facts = "；".join(f"{label}：{value}" for label, value in village.profile_items())
            doc.paragraph(f"{village.name}（{village.get_category_display()}）。{facts}")
    else:
        groups = list(plan.round.groups.all())
        doc.paragraph(f"本轮共派出{len(groups)}个巡察组，巡察对象以各组巡察任务为准。")
    doc.heading(PLAN_SECTIONS[1])
    doc.table(
        ["序号", "工作阶段", "起止时间", "备注"],
        [
            (
                stage.position,
                stage.get_kind_display(),
                f"{chinese_date(stage.starts_on)}至{chinese_date(stage.ends_on)}",
                stage.note,
            )
            for stage in plan.stages.all()
        ],
        widths_mm=[14, 46, 66, 30],
    )
    doc.heading(PLAN_SECTIONS[2])
    groups = [assignment.group] if assignment is not None else list(plan.round.groups.all())
    for group in groups:
        people = "；".join(
            f"{membership.get_role_display()}：{membership.user}" for membership in group.memberships.all()
        )
        doc.paragraph(f"{group.name}。{people or '成员另行确定'}。")
    doc.heading(PLAN_SECTIONS[3])
    for index, label in enumerate(plan.focus_labels(), start=1):
        doc.heading(f"{_ordinal(index)}{label}", level=2)
    if plan.focus_note:
        doc.paragraph(plan.focus_note)
    doc.heading(PLAN_SECTIONS[4])
    doc.paragraph(
        "实行“一次一授权”，本授权仅限本轮巡察有效，巡察结束后自动终止。" + (plan.authorisation or "授权事项另行明确。")
    )
    doc.heading(PLAN_SECTIONS[5])
    doc.paragraph(
        "巡察组成员应严格执行回避制度，进驻前签署回避声明；严守政治纪律、组织纪律、廉洁纪律和保密纪律，"
        "不干预被巡察单位正常工作，不处理被巡察单位具体问题。"
    )
    on = (plan.decided_at or plan.submitted_at or plan.created_at).date()
    doc.signature(office, on)
    return docx_file(plan.title, doc)


def render_enquiry(enquiry: Enquiry) -> GeneratedFile:
    """The enquiry letter as sent; the reply is not part of it."""
    prefetch_related_objects([enquiry], "round__term__county", "assignment__group", "assignment__target", "village")
    with chinese():
        return _write_enquiry(enquiry)


def enquiry_title(enquiry: Enquiry) -> str:
    return f"关于征求{enquiry.round}巡察对象有关情况意见的函"


def _write_enquiry(enquiry: Enquiry) -> GeneratedFile:
    county = enquiry.round.term.county
    office = inspection_office(county)
    title = enquiry_title(enquiry)
    doc = OfficialDocument(title=title, author=office)
    doc.number(enquiry.number or document_number(number_prefix(county, "巡办函"), enquiry.sent_on.year, enquiry.pk))
    doc.title(title)
    doc.addressee(body_name(enquiry))
    target = ""
    if enquiry.village is not None:
        target = f"{enquiry.village.name}"
    elif enquiry.assignment is not None:
        target = f"{enquiry.assignment.target}"
    who = f"{enquiry.assignment.group.name}" if enquiry.assignment is not None else "各巡察组"
    doc.paragraph(
        f"根据县委巡察工作安排，县委{who}将于近期对{target or '本轮巡察对象'}开展巡察。"
        "为全面了解被巡察对象有关情况，增强巡察工作的针对性，现征求你单位意见。"
    )
    doc.heading("一、征求意见事项")
    doc.paragraph(enquiry.matters)
    doc.heading("二、有关要求")
    doc.paragraph(
        f"请于{chinese_date(enquiry.reply_by)}前将书面意见（加盖公章）反馈县委巡察办。"
        "如无相关情况，请注明“无”。所反映情况仅供巡察工作参考，请注意保密。"
    )
    doc.signature(office, enquiry.sent_on)
    return docx_file(f"{title}（{body_name(enquiry)}）", doc)
