"""The demo's two showcase villages, written out step by step: every ledger item of 山东村 (round 3) and the fire
hydrants of 城南社区, with what their village, their township and the county office did on which day, in which words.

The rest of the rectification is drawn at random (``rectification_story``); these stories are fixed so that a reader
finds each of them here, in one place, and so that the guided tour can rely on them. ``RectificationStory`` acts out
their steps in date order among everyone else's, through the same actions:

- ``plan``, ``progress`` and ``submit`` (with a photo when ``evidence``): the village party organisation;
- ``approve`` (or ``return``): the township party committee, reviewing what the village submitted;
- ``extend`` (to ``deadline``): the village asks for more time, the township supports the request and the office
  director approves it (beyond the limits, recording the leading group's decision of that day);
- ``close``: the county inspection office.

Steps after the demo's story day (``rectification_story.STORY_DAY``) have not happened yet; deadlines that lie after
it move with the day the demo is loaded. In a key village such as 城南社区 an item closes only after a return visit
verified it: its ``close`` step is moved after that visit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from xuncha.demo.findings_story import CHENGNAN, SHANDONG
from xuncha.organisations.models import AdminUnit

# The review and closing notes that recur.
REVIEWED = "经龙胜镇党委审核，整改措施落实到位，佐证材料齐全，同意提请县委巡察办销号。"
CHECKED_ON_SITE = "龙胜镇党委组织人员实地核查，整改情况属实，同意报请销号。"
CLOSED = "整改措施落实到位，佐证材料齐全，经龙胜镇党委审核把关，同意销号。"
CLOSED_BY_OFFICE = "经县委巡察办审核，整改到位，予以销号。"
FUNDS_LATE = "受项目资金下达进度影响，剩余整改任务需顺延，申请再次延期。"


@dataclass(frozen=True)
class Step:
    """One thing done to a ledger item: on which day, what (the module's list of verbs), the text written."""

    on: date
    verb: str
    text: str
    goal: str = ""  # plan: the goal of the rectification
    deadline: date | None = None  # extend: the new deadline
    evidence: bool = False  # submit: a photo comes with it

    def details(self) -> dict[str, object]:
        return {"goal": self.goal, "deadline": self.deadline, "evidence": self.evidence}


@dataclass(frozen=True)
class Item:
    """A showcase ledger item, recognised by words of its summary that no other item of its village has."""

    words: str
    steps: list[Step] = field(default_factory=list)


# 城南社区: the fire hydrants of 乘龙小区 removed by the 2023 water works. While 第三巡察组 was there the community
# set up temporary fire points and a plan; the township sends the item back until the hydrants are in, the works
# re-install them at the year's end, and the return visit verifies them.
HYDRANTS = Item(
    "消火栓",
    [
        Step(
            date(2023, 12, 11),
            "return",
            "临时消防取水点和灭火器已落实，但乘龙小区被拆除的11个消火栓尚未恢复安装，退回继续整改。",
        ),
        Step(date(2023, 12, 18), "progress", "施工单位已进场，乘龙小区已按原位恢复安装消火栓6个，其余5个月底前完成。"),
        Step(
            date(2023, 12, 27),
            "submit",
            "12月26日，施工单位已将乘龙小区及周边主干道被拆除的11个消火栓全部按原位恢复安装，县消防救援大队逐个通水"
            "测试合格。",
            evidence=True,
        ),
        Step(
            date(2023, 12, 28),
            "approve",
            (
                "龙胜镇党委会同县住建局、县消防救援大队现场核查，被拆除的11个消火栓已按原位恢复安装并通水测试合格，"
                "社区消防设施巡查台账已建立，同意提请销号。"
            ),
        ),
        Step(date(2023, 12, 29), "close", "经回访核实，11个消火栓已全部恢复安装并试水成功，居民满意，予以销号。"),
    ],
)


# 山东村, inspected directly by 第三巡察组 in April 2023 (round 3) and fed back in June 2023: its immediate items (most
# fixed while the group was there) closed within weeks; its follow-up items, from the residents' ideas for tea and
# 凤鸡, take seasons and are extended twice.
SHANDONG_ITEMS: list[Item] = [
    # 村里养凤鸡的户越来越多，但防疫都是各家自己搞，去年有几户发鸡瘟损失很大。建议村里…
    Item(
        "鸡瘟",
        [
            Step(date(2023, 6, 29), "approve", REVIEWED),
            Step(date(2023, 7, 3), "close", CLOSED),
        ],
    ),
    # 村里想做电商的年轻人不少，但村部网络信号差，也没有打包发货的地方。建议把村部闲置…
    Item(
        "电商",
        [
            Step(date(2023, 6, 25), "approve", REVIEWED),
            Step(date(2023, 6, 30), "close", CLOSED),
        ],
    ),
    # 村茶叶合作社收购茶青时没有公开每天的收购价和过秤记录，茶农心里没底。建议在收购点…
    Item(
        "收购价",
        [
            Step(date(2023, 6, 20), "approve", CHECKED_ON_SITE),
            Step(date(2023, 6, 25), "close", CLOSED),
        ],
    ),
    # 村集体茶园承包费每年多少、用在了哪里，组里的人都不清楚。建议把茶园承包合同和承包…
    Item(
        "茶园承包费",
        [
            Step(date(2023, 6, 20), "approve", CHECKED_ON_SITE),
            Step(date(2023, 6, 21), "close", CLOSED),
        ],
    ),
    # 来住民宿的游客反映进村路口没有指示牌，导航经常导错路。建议在进村路口和岔路口设置…
    Item(
        "指示牌",
        [
            Step(date(2023, 6, 30), "approve", CHECKED_ON_SITE),
            Step(date(2023, 7, 3), "close", CLOSED),
        ],
    ),
    # 种茶、养凤鸡都有奖补政策，但很多人不知道标准，也不知道怎么申请。建议把奖补标准和…
    Item(
        "明白纸",
        [
            Step(date(2023, 6, 29), "approve", "经龙胜镇纪委和“三资”管理服务中心联合审核，整改到位，同意报请销号。"),
            Step(date(2023, 6, 30), "close", CLOSED),
        ],
    ),
    # 山东村集体经济收益分配不规范，2022年凤鸡养殖项目分红收益8.81万元未经村民…
    Item(
        "收益分配",
        [
            Step(date(2023, 6, 21), "approve", REVIEWED),
            Step(date(2023, 6, 27), "close", CLOSED_BY_OFFICE),
        ],
    ),
    # 村（居）务公开不及时：部分村（社区）财务收支、项目建设和惠民资金发放情况未按季度…
    Item(
        "务公开不及时",
        [
            Step(
                date(2023, 6, 15),
                "plan",
                (
                    "1.制定村务公开目录和时间表，每季度公开一次，重大事项随时公开；"
                    "2.由村务监督委员会对公开内容和时间进行监督；3.龙胜镇每季度抽查一次公开情况。"
                ),
                goal="村务公开内容全面、时间及时、程序规范，公开资料存档备查。",
            ),
            Step(
                date(2023, 6, 27),
                "submit",
                "已制定村务公开目录并按季度公开，村务监督委员会已签字确认；龙胜镇抽查公开情况合格。",
                evidence=True,
            ),
            Step(date(2023, 7, 5), "approve", REVIEWED),
            Step(date(2023, 7, 10), "close", CLOSED_BY_OFFICE),
        ],
    ),
    # 惠民惠农政策宣传不到位：部分村产业奖补、临时救助等政策的标准和申领程序未公示，群…
    Item(
        "政策宣传不到位",
        [
            Step(
                date(2023, 6, 14),
                "plan",
                "将种茶、养凤鸡等产业奖补标准和申报流程印成明白纸发放到户，并在村微信群定期发布。",
                goal="补贴发放全过程公开透明，群众对补贴发放无异议。",
            ),
            Step(
                date(2023, 6, 27),
                "submit",
                "已印制产业奖补政策明白纸370份发放到户，村微信群每月发布一次奖补政策和申报时间，已有5户完成申报。",
                evidence=True,
            ),
            Step(date(2023, 6, 30), "approve", CHECKED_ON_SITE),
            Step(date(2023, 7, 3), "close", CLOSED),
        ],
    ),
    # 第三巡察组在个别谈话中了解到，山东村部分村委会干部服务意识不强，巡察组走访中村民…
    Item(
        "服务意识不强",
        [
            Step(
                date(2023, 6, 27),
                "plan",
                (
                    "1.开展作风专项整顿，村委会干部逐一查摆问题；2.严格执行公务接待和误工补贴标准；"
                    "3.聘请村民代表担任作风监督员。"
                ),
                goal="村委会干部作风明显转变，群众办事“找得到人、办得成事”。",
            ),
            Step(date(2023, 7, 26), "progress", "作风专项整顿正在开展，村委会干部已逐一查摆问题8条。"),
            Step(
                date(2023, 8, 14), "extend", "涉及干部调整，需待龙胜镇党委研究，申请延期。", deadline=date(2024, 12, 19)
            ),
            Step(
                date(2024, 4, 12),
                "progress",
                "整改工作持续推进，村党支部书记每月调度一次，已完成整改任务的75%，剩余事项正在加紧落实。",
            ),
            Step(date(2024, 12, 5), "extend", FUNDS_LATE, deadline=date(2027, 6, 30)),
            Step(date(2026, 3, 6), "progress", "剩余整改任务已细化到人、到周，村委会每两周向龙胜镇党委报告一次进度。"),
        ],
    ),
    # 凤鸡养殖规模小、太分散，建议由合作社统一供苗、统一防疫、统一收购，建一个标准化养…
    Item(
        "标准化养",
        [
            Step(
                date(2023, 6, 21),
                "plan",
                (
                    "1.由山东村茶叶专业合作社统一供苗、统一防疫、统一收购；2.在大垌屯建设凤鸡标准化养殖示范场；"
                    "3.与县城酒店、超市签订长期收购协议。"
                ),
                goal="建成凤鸡标准化养殖示范场，年出栏凤鸡1万羽以上，签订长期收购协议3份以上。",
            ),
            Step(date(2023, 7, 14), "progress", "已统一供苗6批次，与县城1家酒店达成收购意向。"),
            Step(date(2023, 8, 14), "extend", "示范场用地需办理设施农用地备案，申请延期。", deadline=date(2025, 2, 19)),
            Step(date(2024, 2, 18), "progress", "养殖示范场用地已落实，鸡舍主体完工，已与县城超市签订长期收购协议。"),
            Step(
                date(2025, 2, 11),
                "extend",
                "示范场环保设施验收需待雨季过后进行，申请延期至2027年。",
                deadline=date(2027, 6, 30),
            ),
            Step(date(2026, 4, 20), "progress", "示范场已进苗试养，防疫和环保设施正在验收。"),
        ],
    ),
    # 村里的茶叶和凤鸡都没有自己的品牌，卖不起价。建议合作社注册商标，申请绿色食品认证…
    Item(
        "品牌",
        [
            Step(
                date(2023, 6, 27),
                "plan",
                (
                    "1.由山东村茶叶专业合作社申请注册茶叶、凤鸡商标；2.按绿色食品标准组织生产，申请绿色食品认证；"
                    "3.统一包装设计。"
                ),
                goal="注册自有商标，取得绿色食品认证，茶叶和凤鸡统一品牌销售。",
            ),
            Step(date(2023, 8, 11), "progress", "商标注册申请已提交国家知识产权局，正在审查。"),
            Step(
                date(2023, 8, 14),
                "extend",
                "商标注册和绿色食品认证审查周期较长，申请延期。",
                deadline=date(2025, 4, 21),
            ),
            Step(date(2024, 2, 18), "progress", "商标已核准注册；绿色食品认证已提交申请，正在进行产地环境检测。"),
            Step(
                date(2025, 4, 15),
                "extend",
                "绿色食品认证需对春茶进行产品抽检，茶叶基地建设受季节影响，申请延期至2027年春茶检测后。",
                deadline=date(2027, 4, 30),
            ),
            Step(date(2026, 3, 9), "progress", "绿色食品认证现场检查已完成，包装设计已定稿。"),
        ],
    ),
    # 村集体经济收入主要靠门面出租，建议村集体以集体茶园和闲置校舍入股合作社，发展“村…
    Item(
        "入股合作社",
        [
            Step(
                date(2023, 6, 20),
                "plan",
                (
                    "1.对集体茶园和闲置校舍进行清产核资和价值评估；2.经村民代表会议表决，"
                    "以集体资产入股山东村茶叶专业合作社；3.签订入股协议，明确保底收益和分红比例。"
                ),
                goal="集体资产入股合作社，村集体每年获得稳定收益，集体经济收入达到10万元以上。",
            ),
            Step(date(2023, 7, 31), "progress", "集体茶园和闲置校舍已完成清产核资和价值评估。"),
            Step(
                date(2023, 8, 4), "extend", "集体资产入股需履行评估和民主程序，申请延期。", deadline=date(2025, 4, 21)
            ),
            Step(date(2024, 5, 6), "progress", "入股方案已经村民代表会议表决通过，报龙胜镇审核。"),
            Step(
                date(2025, 4, 7),
                "extend",
                "入股收益依托茶叶初制加工厂，茶叶基地建设受季节影响，申请延期至加工厂投产后。",
                deadline=date(2027, 9, 30),
            ),
            Step(date(2026, 3, 16), "progress", "入股协议已签订，首期分红需待茶叶加工厂投产后兑现。"),
        ],
    ),
    # 建议依托县电子商务公共服务中心，在村里开展直播带货培训，帮助村民在网上卖茶叶和凤…
    Item(
        "直播带货",
        [
            Step(
                date(2023, 6, 21),
                "plan",
                (
                    "1.对接县电子商务公共服务中心，在村电商服务点开展直播带货培训；2.培育本村带货主播；3.建立茶叶、"
                    "凤鸡网上销售渠道。"
                ),
                goal="培育本村带货主播3名以上，茶叶、凤鸡网上销售常态化。",
            ),
            Step(date(2023, 7, 26), "progress", "已举办直播带货培训3期，参训31人次。"),
            Step(date(2023, 8, 14), "extend", "直播带货需结合春茶上市开展，申请延期。", deadline=date(2025, 4, 21)),
            Step(date(2024, 4, 12), "progress", "已培育本村带货主播1名，开设网店1家，网上销售茶叶500斤。"),
            Step(
                date(2025, 4, 14),
                "extend",
                "冷链物流合作协议尚在洽谈，茶叶基地建设受季节影响，申请延期至2027年。",
                deadline=date(2027, 5, 31),
            ),
            Step(date(2026, 4, 7), "progress", "网店运营正常，正在与县电子商务公共服务中心对接冷链物流。"),
        ],
    ),
    # 村里民宿各搞各的，建议制定民宿发展规划，把茶园观光、采茶体验和民宿结合起来，打造…
    Item(
        "民宿发展规划",
        [
            Step(
                date(2023, 6, 16),
                "plan",
                (
                    "1.委托编制茶旅融合发展规划；2.将茶园观光、采茶体验和民宿结合，打造乡村旅游点；"
                    "3.争取资金拓宽茶园产业路、建设停车场。"
                ),
                goal="编制完成茶旅融合发展规划，茶园产业路拓宽完成，建成停车场1个。",
            ),
            Step(date(2023, 7, 17), "progress", "茶旅融合发展规划已完成初稿，征求村民意见。"),
            Step(
                date(2023, 8, 14),
                "extend",
                "产业路拓宽项目需纳入县交通运输局年度计划，申请延期。",
                deadline=date(2025, 2, 19),
            ),
            Step(date(2024, 6, 12), "progress", "规划已经龙胜镇审查通过，茶园产业路拓宽项目已立项。"),
            Step(
                date(2025, 2, 10),
                "extend",
                "茶叶基地建设受季节影响，产业路路面硬化需避开采茶季施工，申请延期至2027年。",
                deadline=date(2027, 6, 30),
            ),
            Step(date(2026, 3, 23), "progress", "产业路拓宽已完成路基施工，停车场选址已确定。"),
        ],
    ),
    # 村里茶叶都是卖茶青，价格压得很低，今年春茶鲜叶一斤才卖八块钱左右。建议利用衔接资…
    Item(
        "加工厂",
        [
            Step(
                date(2023, 6, 25),
                "plan",
                (
                    "1.以山东村茶叶专业合作社为主体申报茶叶初制加工厂项目，"
                    "争取巩固拓展脱贫攻坚成果同乡村振兴有效衔接资金；2.选址村部旁闲置集体建设用地，办理规划、"
                    "用地和环评手续；3.建成后由合作社统一收购茶青、统一加工销售，收益按股分红。"
                ),
                goal="建成茶叶初制加工厂并投产，茶青就地加工率达到60%以上，带动茶农增收。",
            ),
            Step(date(2023, 7, 21), "progress", "已完成加工厂选址和可行性研究，项目已报县乡村振兴局入库。"),
            Step(
                date(2023, 8, 14),
                "extend",
                "茶叶初制加工厂项目需争取衔接资金立项，建设周期超过原定时限，申请延期。",
                deadline=date(2024, 12, 19),
            ),
            Step(date(2024, 5, 13), "progress", "项目列入衔接资金计划，厂房主体已开工建设，受雨季影响进度滞后。"),
            Step(
                date(2024, 12, 9),
                "extend",
                (
                    "茶叶基地建设受季节影响，厂房主体雨季停工两个月，设备安装调试需在春茶开采前完成，"
                    "申请延期至2027年春茶上市前。"
                ),
                deadline=date(2027, 3, 31),
            ),
            Step(date(2026, 4, 14), "progress", "厂房主体已完工，杀青机、揉捻机等设备已完成采购招标，正在安装水电。"),
        ],
    ),
    # 经查阅村委会档案资料，山东村未严格执行“村财乡管”制度，2022年11月以来有5…
    Item(
        "村财乡管",
        [
            Step(
                date(2023, 6, 28),
                "plan",
                (
                    "1.对照巡察指出的问题建立财务整改清单，逐笔明确责任人；2.规范误工补贴、接待费等支出标准，"
                    "经村民代表会议讨论通过后执行；3.每季度在村务公开栏公开财务收支明细，接受群众监督。"
                ),
                goal=(
                    "2022年以来不规范票据全部整改到位，村级财务收支全部纳入“村财乡管”平台核算，不再发生白条入账、"
                    "坐收坐支问题。"
                ),
            ),
            Step(
                date(2023, 7, 31),
                "progress",
                (
                    "误工补贴和接待费支出标准已起草，正在征求村民代表意见；"
                    "9个月的原始票据已送龙胜镇“三资”管理服务中心审核。"
                ),
            ),
            Step(
                date(2023, 8, 4),
                "extend",
                "部分借出资金尚在追收中，已签订还款协议，申请延期至款项收回。",
                deadline=date(2024, 12, 19),
            ),
            Step(
                date(2024, 5, 6),
                "progress",
                "整改工作持续推进，村党支部书记每月调度一次，已完成整改任务的71%，剩余事项正在加紧落实。",
            ),
            Step(date(2024, 12, 10), "extend", FUNDS_LATE, deadline=date(2027, 4, 30)),
            Step(
                date(2026, 3, 23),
                "progress",
                "已按延期后的计划推进，龙胜镇党委班子成员到村督导1次，剩余事项预计在新的时限前完成。",
            ),
        ],
    ),
]


SHOWCASES: dict[str, list[Item]] = {CHENGNAN: [HYDRANTS], SHANDONG: SHANDONG_ITEMS}


def showcase_item(village: AdminUnit, summary: str) -> Item | None:
    """The showcase item of ``village`` whose words ``summary`` contains; ``None`` for every other item."""
    return next((item for item in SHOWCASES.get(village.code, []) if item.words in summary), None)
