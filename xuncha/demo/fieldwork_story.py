"""The group's learning on site in the demo: round 3's 山东村 (第三巡察组, April 2023) has its talks of the 六必谈
but one, a document review returned, a field visit and the hearing of the secretary's report; round 6's group, on
site today, has two talks, one still a draft. Acted out by the group's own accounts through the actions."""

from __future__ import annotations

import io
from datetime import date, timedelta

from xuncha.accounts.models import User
from xuncha.demo import clock
from xuncha.fieldwork import actions
from xuncha.fieldwork.models import Hearing, TalkRole
from xuncha.inspections.models import Round
from xuncha.organisations.models import AdminUnit

SHANDONG = "450328100212"
# The live round whose 第三巡察组 is on site today.
LIVE_ROUND = 6
# A one-page PDF standing for the scan of a signed transcript.
SCAN = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"

# 山东村's talks: (day of April 2023, role, name, post, transcript). The residents' representative is still missing.
SHANDONG_TALKS = [
    (
        7,
        TalkRole.SECRETARY,
        "潘文",
        "山东村党支部书记",
        "介绍村“两委”班子运转和集体经济收入情况，承认村务公开栏更新不及时。",
    ),
    (7, TalkRole.DIRECTOR, "粟德海", "山东村村委会主任", "反映罗汉果产业合作社分红方案尚未经村民代表会议讨论。"),
    (
        10,
        TalkRole.SUPERVISOR,
        "蒙桂香",
        "山东村村务监督委员会主任",
        "称监委会近半年未列席村“两委”会议，对工程项目监督不到位。",
    ),
    (10, TalkRole.ACCOUNTANT, "廖海燕", "山东村报账员", "说明2022年村级账目，部分误工补贴凭证缺少经办人签字。"),
    (11, TalkRole.FIRST_SECRETARY, "韦立军", "驻村第一书记", "介绍帮扶项目进展，建议加强产业项目资产管护。"),
]


def _scan() -> tuple[io.BytesIO, str, int]:
    return (io.BytesIO(SCAN), "谈话笔录签字扫描件.pdf", len(SCAN))


def tell(round_: Round, users: dict[str, User]) -> None:
    """The records of the rounds the story covers (3 and 6); other rounds have none."""
    if round_.number == 3:
        _shandong(round_, users)
    elif round_.number == LIVE_ROUND:
        _live(round_, users)


def _shandong(round_: Round, users: dict[str, User]) -> None:
    assignment = round_.assignments.select_related("group", "round").get(target__code=SHANDONG)
    village = AdminUnit.objects.get(code=SHANDONG)
    leader, member = users["group3_leader"], users["inspector05"]
    for day, role, name, post, text in SHANDONG_TALKS:
        when = date(2023, 4, day)
        with clock.at(when, 15):
            talk = actions.record_talk(
                assignment,
                village,
                talk_role=role,
                person_name=name,
                person_post=post,
                talked_on=when,
                place="山东村村委会",
                interviewers=[leader, member],
                transcript=text,
                scans=[_scan()],
                actor=member,
            )
            actions.sign_talk(talk, actor=leader)
    with clock.at(date(2023, 4, 6), 10):
        actions.record_hearing(
            assignment,
            village,
            kind=Hearing.Kind.REPORT,
            held_on=date(2023, 4, 6),
            attendees="第三巡察组全体成员；山东村“两委”班子成员、村务监督委员会主任",
            minutes="潘文同志汇报村党支部建设、集体经济、产业发展和上轮巡察整改情况。",
            actor=leader,
        )
    with clock.at(date(2023, 4, 12), 9):
        review = actions.record_document_review(
            assignment,
            village,
            items=[
                ("村级财务账簿及凭证", "2021—2022年", "村报账员"),
                ("村“两委”会议记录", "2022年", "村党支部"),
                ("罗汉果合作社分红方案", "2022年", "村委会"),
            ],
            requested_on=date(2023, 4, 12),
            actor=member,
        )
    with clock.at(date(2023, 4, 20), 17):
        actions.return_documents(review, actor=member)
    with clock.at(date(2023, 4, 14), 16):
        actions.record_field_visit(
            assignment,
            village,
            visited_on=date(2023, 4, 14),
            place="山东村罗汉果种植基地及周边农户",
            households=12,
            notes="走访种植户12户，多户反映合作社分红标准不清楚。",
            actor=leader,
        )


def _live(round_: Round, users: dict[str, User]) -> None:
    assignment = round_.assignments.select_related("group", "round").order_by("pk").first()
    if assignment is None:
        return
    village = assignment.covered.select_related("village").order_by("village__code").first()
    if village is None:
        return
    leader, member = users["group3_leader"], users["group3_member"]
    first = assignment.stationed_from + timedelta(days=1)
    with clock.at(first, 15):
        talk = actions.record_talk(
            assignment,
            village.village,
            talk_role=TalkRole.SECRETARY,
            person_name="石永强",
            person_post="村党总支书记",
            talked_on=first,
            place="村委会会议室",
            interviewers=[leader, member],
            transcript="介绍上轮巡察反馈问题整改情况，称集体资产台账已重新建立。",
            scans=[_scan()],
            actor=member,
        )
        actions.sign_talk(talk, actor=leader)
    # Yesterday's talk, its transcript still to be signed (the demo writes nothing dated today).
    second = clock.real_today() - timedelta(days=1)
    with clock.at(second, 16):
        actions.record_talk(
            assignment,
            village.village,
            talk_role=TalkRole.ACCOUNTANT,
            person_name="谢春燕",
            person_post="村报账员",
            talked_on=second,
            place="村委会财务室",
            interviewers=[leader, member],
            transcript="说明集体资产台账更新情况，笔录待本人签字确认。",
            actor=member,
        )
