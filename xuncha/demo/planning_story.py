"""The demo's preparation of rounds, acted out by the real users on the days it describes.

Round 3 (2023): the office drafts the work plan of 第三巡察组's assignment to 山东村, the director approves it, and
enquiry letters go to the discipline commission, the organisation department and the letters-and-visits bureau,
whose replies come back in March and give the group two leads. Rounds 5 and 6 (live): every member signs the
round's recusal declaration on the day after the round opens, except one member of round 6, whose declaration is
still pending, so that the round's page shows who has not signed.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from xuncha.demo import clock
from xuncha.inspections.models import Assignment, Membership, Recusal, Round
from xuncha.planning import actions
from xuncha.planning.actions import StageSpec
from xuncha.planning.models import Enquiry, Lead

if TYPE_CHECKING:
    from xuncha.accounts.models import User
    from xuncha.demo.data import RoundSpec

SHANDONG = "450328100212"
# The member of round 6 who has not signed yet.
PENDING_IN_ROUND_6 = "inspector11"

SHANDONG_STAGES = [
    StageSpec("STATIONING", date(2023, 4, 6), date(2023, 4, 6), "召开巡察动员会，公布监督举报方式"),
    StageSpec("HEARING", date(2023, 4, 6), date(2023, 4, 7), "听取村党支部书记专题汇报"),
    StageSpec("TALKS", date(2023, 4, 7), date(2023, 4, 18), "村“两委”班子成员、党员和群众代表"),
    StageSpec("DOCUMENTS", date(2023, 4, 7), date(2023, 4, 18), "村级财务账目、“三资”台账、项目资料"),
    StageSpec("VISITS", date(2023, 4, 10), date(2023, 4, 21), "走访农户，实地查看产业项目"),
    StageSpec("REPORT", date(2023, 4, 22), date(2023, 4, 28), "形成巡察报告和问题底稿"),
]
SHANDONG_FOCUS = ["POLICY", "BENEFIT", "ASSETS", "FINANCE", "PARTY_ORG", "INDUSTRY"]
SHANDONG_AUTHORISATION = (
    "经县委巡察工作领导小组批准，授权县委第三巡察组在山东村开展个别谈话、调阅复制有关资料、走访调研、"
    "受理群众来信来电来访，列席村“两委”有关会议；发现的问题线索按程序报告，不直接查办。"
)
# (body, sent, reply due, replied, matters, reply, lead or "")
ENQUIRIES: list[tuple[str, date, date, date, str, str, str]] = [
    (
        Enquiry.Body.DISCIPLINE,
        date(2023, 3, 2),
        date(2023, 3, 10),
        date(2023, 3, 8),
        "请提供2020年以来山东村党员干部受到党纪政务处分、问题线索处置及信访举报情况。",
        "经查，2020年以来山东村无党员干部受党纪政务处分情况；2022年收到反映该村产业扶持资金使用的信访举报1件，"
        "已转龙胜镇纪委了解，尚未办结。",
        "关注产业扶持资金使用情况（2022年信访举报反映，尚未办结）。",
    ),
    (
        Enquiry.Body.ORGANISATION,
        date(2023, 3, 2),
        date(2023, 3, 10),
        date(2023, 3, 9),
        "请提供山东村党组织建设、“两委”班子运行及党员发展管理有关情况。",
        "山东村党支部现有党员58名，2021年换届后“两委”班子成员7人；2022年党员发展1名，“三会一课”记录不够完整。",
        "核实“三会一课”落实及会议记录情况。",
    ),
    (
        Enquiry.Body.PETITIONS,
        date(2023, 3, 2),
        date(2023, 3, 10),
        date(2023, 3, 10),
        "请提供2021年以来涉及山东村的信访件数量、反映问题类别及办理情况。",
        "2021年以来涉及山东村信访件3件，主要反映土地流转租金发放和村道建设，均已办结。",
        "",
    ),
]


def tell(round_: Round, spec: RoundSpec, users: dict[str, User]) -> None:
    """Prepare the round as the demo tells it: round 3's plan and enquiries, the live rounds' declarations."""
    if spec.number == 3:
        _prepare_round_3(round_, users)
    elif spec.number in (5, 6):
        _sign_declarations(round_, spec, users)


def _prepare_round_3(round_: Round, users: dict[str, User]) -> None:
    office, director = users["office"], users["office_lead"]
    assignment = Assignment.objects.get(round=round_, target__code=SHANDONG)
    with clock.at(date(2023, 3, 2), 10):
        plan = actions.draft_work_plan(
            round_,
            assignment=assignment,
            focus=SHANDONG_FOCUS,
            focus_note="结合山东村村情，重点关注产业扶持资金、集体“三资”管理和惠民补贴发放。",
            authorisation=SHANDONG_AUTHORISATION,
            stages=SHANDONG_STAGES,
            actor=office,
        )
    with clock.at(date(2023, 3, 3), 15):
        actions.submit_work_plan(plan, actor=office)
    with clock.at(date(2023, 3, 6), 9, 30):
        actions.approve_work_plan(plan, note="同意。", actor=director)
    village = assignment.villages.get(code=SHANDONG)
    leads: list[Lead] = []
    for number, (body, sent, due, replied, matters, reply, lead) in enumerate(ENQUIRIES, start=1):
        with clock.at(sent, 10):
            enquiry = actions.send_enquiry(
                round_,
                body,
                matters=matters,
                sent_on=sent,
                reply_by=due,
                number=f"龙巡办函〔2023〕{number}号",
                assignment=assignment,
                village=village,
                actor=office,
            )
        with clock.at(replied, 16):
            actions.record_reply(enquiry, replied_on=replied, text=reply, actor=office)
            if lead:
                leads.append(
                    actions.mark_lead(enquiry, text=lead, assignment=assignment, village=village, actor=office)
                )
    leader = users["group3_leader"]
    with clock.at(date(2023, 4, 18), 17):
        actions.close_lead(leads[0], Lead.Status.USED, note="已核实，形成问题底稿", actor=leader)
        actions.close_lead(leads[1], Lead.Status.USED, note="已调阅会议记录并谈话了解", actor=leader)


def _sign_declarations(round_: Round, spec: RoundSpec, users: dict[str, User]) -> None:
    members = (
        Membership.objects.filter(group__round=round_).select_related("user").order_by("group__number", "role", "pk")
    )
    with clock.at(spec.start_date + timedelta(days=1), 9):
        for membership in members:
            person = membership.user
            if spec.number == 6 and person.username == PENDING_IN_ROUND_6:
                continue
            ties = list(Recusal.objects.filter(user=person))
            if ties:
                statement = "本人已申报上述回避关系，不参与涉及相关乡镇、村的巡察工作。"
                actions.sign_declaration(round_, no_ties=False, ties=ties, statement=statement, actor=person)
            else:
                actions.sign_declaration(round_, no_ties=True, actor=person)
