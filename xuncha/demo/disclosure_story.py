"""The demo's public disclosure (双公开) and satisfaction survey, through the public actions: the office publishes
城南社区's closed items — the fire hydrants verified on the return visit among them — and a few of 山东村's
immediate fixes, and opens a survey of 城南社区 that residents have answered."""

from __future__ import annotations

from datetime import timedelta

from xuncha.accounts.models import User
from xuncha.demo import clock
from xuncha.demo.findings_story import CHENGNAN, SHANDONG
from xuncha.organisations.models import AdminUnit
from xuncha.public import actions
from xuncha.public.devices import device_key
from xuncha.public.models import SurveyAnswer
from xuncha.rectification.models import LedgerItem, VisitCheck

# What the return visit wrote of the hydrants (rectification_data.HYDRANT_CHECK): the mark of the verified item.
HYDRANT_VERIFIED = "已重新安装并试水成功"
HYDRANT = (
    "县城供水管网改造施工期间，乘龙小区及周边主干道11个市政消火栓被拆除，完工后未按原位恢复安装，"
    "周边居民楼存在火灾隐患。",
    "2023年12月底，施工单位已按原位重新安装被拆除的11个消火栓，县消防救援大队逐个试水，出水压力正常；巡察回访组会同县消防救援大队"
    "回访核实，11个消火栓已重新安装并试水成功。社区建立了消防设施巡查台账，每月巡查一次。",
)
# Further closed items of 城南社区: (a phrase of the item's summary, the problem and the result for residents).
CHENGNAN_RESULTS: list[tuple[str, str, str]] = [
    (
        "居务公开栏",
        "社区居务公开栏财务收支情况长期未更新，居务监督委员会未督促。",
        "已在居务公开栏和居务微信群公开2022年以来的财务收支明细及项目、惠民资金情况，今后按季度更新。",
    ),
    (
        "路灯",
        "福寿巷亮化工程申报安装的路灯未全部安装，部分路灯不亮，未经验收即报账。",
        "施工单位已返工修复，路灯全部安装到位并正常照明；龙胜镇组织复验合格，项目资料已补齐归档。",
    ),
    (
        "飞线",
        "部分小区居民从楼上“飞线”为电动车充电，存在安全隐患，社区未组织排查整治。",
        "社区会同镇安全生产委员会办公室排查整治电动车充电隐患，隐患已整治完毕并复查合格，建立每月巡查台账。",
    ),
]
# 山东村's closed immediate fixes: (a phrase of the item's summary, the problem and the result for residents).
SHANDONG_RESULTS: list[tuple[str, str, str]] = [
    (
        "防疫",
        "凤鸡养殖户各自防疫，缺少统一免疫，曾发生鸡瘟造成损失。",
        "村委会已请兽医统一开展春季免疫，建立养殖户防疫台账，明确专人负责。",
    ),
    (
        "过秤",
        "茶叶合作社收购茶青时未公开每天的收购价格和过秤记录。",
        "合作社收购点每天公示茶青收购价格和过秤明细，茶农可随时查看。",
    ),
    (
        "承包费",
        "村集体茶园承包合同和承包费收支情况未公开，村民不清楚。",
        "集体茶园承包合同和承包费收支明细已在村务公开栏公开，并在村微信群同步发布。",
    ),
    (
        "指示牌",
        "进村路口没有民宿和茶园指示牌，游客经常走错路。",
        "已在进村路口和岔路口设置民宿、茶园指示牌，村口公示栏公示民宿价格和投诉电话。",
    ),
]
SURVEY_TITLE = "城南社区巡察整改满意度测评"
# 40 residents answered: 34 satisfied, 4 fairly satisfied, 2 dissatisfied (in this order of devices).
SURVEY_ANSWERS: list[tuple[str, int]] = [
    (SurveyAnswer.Rating.SATISFIED, 34),
    (SurveyAnswer.Rating.FAIRLY_SATISFIED, 4),
    (SurveyAnswer.Rating.DISSATISFIED, 2),
]
SURVEY_COMMENTS = {
    0: "消火栓装回去了，住得安心多了。",
    5: "居务公开栏每季度都更新了，点赞。",
    12: "路灯修好了，晚上出门方便。",
    34: "希望再增设一些消防宣传栏。",
    38: "小区电动车充电桩还不够用。",
}


def _closed(village: AdminUnit, phrase: str) -> LedgerItem:
    """The village's closed item whose summary contains ``phrase`` (the demo's texts make it one)."""
    item = (
        LedgerItem.objects.filter(village=village, status=LedgerItem.Status.CLOSED, summary__contains=phrase)
        .order_by("number")
        .first()
    )
    if item is None:
        raise LookupError(f"The demo has no closed item of {village} about {phrase}.")
    return item


def _hydrant(chengnan: AdminUnit) -> LedgerItem:
    """城南社区's hydrant item, found by the return visit that verified it."""
    check = (
        VisitCheck.objects.filter(
            item__village=chengnan,
            item__status=LedgerItem.Status.CLOSED,
            verdict=VisitCheck.Verdict.VERIFIED,
            note__contains=HYDRANT_VERIFIED,
        )
        .select_related("item")
        .first()
    )
    if check is None:
        raise LookupError("The demo's return visit did not verify 城南社区's hydrants.")
    return check.item


def tell(office: User) -> None:
    """Publish the results and run the survey, as the office would (``office`` acts throughout)."""
    chengnan = AdminUnit.objects.get(code=CHENGNAN)
    shandong = AdminUnit.objects.get(code=SHANDONG)
    # Each result is published some days after its item was closed; the hydrants last, so that the dashboard's
    # latest published results begin with them.
    published = [
        (_closed(village, phrase), summary, result)
        for village, results in ((chengnan, CHENGNAN_RESULTS), (shandong, SHANDONG_RESULTS))
        for phrase, summary, result in results
    ]
    hydrants = _hydrant(chengnan)
    published.append((hydrants, *HYDRANT))
    latest = max(item.closed_on for item, _summary, _result in published if item.closed_on)
    for number, (item, summary, result) in enumerate(published):
        with clock.at(latest + timedelta(days=10), 9, number):
            actions.publish_disclosure(item, summary=summary, result=result, actor=office)
    today = clock.real_today()
    opens_on = today - timedelta(days=10)
    with clock.at(opens_on, 8, 30):
        survey = actions.open_survey(
            chengnan, title=SURVEY_TITLE, opens_on=opens_on, closes_on=today + timedelta(days=20), actor=office
        )
    number = 0
    for rating, count in SURVEY_ANSWERS:
        for _answer in range(count):
            with clock.at(opens_on + timedelta(days=number % 10), 12, number):
                actions.answer_survey(
                    survey,
                    rating=rating,
                    comment=SURVEY_COMMENTS.get(number, ""),
                    device_key=device_key(survey, f"demo-device-{number:02d}"),
                )
            number += 1
