"""Fixed data of the demo. Divisions are real (NBS 2023); people, reasons and profiles are invented."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

COUNTY_CODE = "450328"

# The 23 key villages (重点村) and why (村情村要). Short names are unique within Longsheng except 地灵村.
KEY_VILLAGES: dict[str, str] = {
    "450328100001": "县城中心社区，人口集中；2023年供水管网改造等民生工程多，群众反映消防设施、物业服务问题较多。",
    "450328100002": "县城老城区社区，老旧小区改造项目集中，涉及资金量大。",
    "450328100202": "村集体经济收入较高，土地流转和征地补偿事项多。",
    "450328101001": "瓢里镇政府驻地社区，集镇建设项目集中，信访件较多。",
    "450328101202": "村集体经济收入超过50万元，沙糖桔产业合作社资金往来频繁。",
    "450328101200": "易地扶贫搬迁安置点所在村，惠民补贴发放对象多。",
    "450328102211": "花坪保护区周边村，生态补偿资金和护林员补助发放量大。",
    "450328102210": "上轮巡察发现问题整改不到位，村“两委”班子调整频繁。",
    "450328102200": "高速公路征地拆迁涉及农户多，补偿款管理是群众关注焦点。",
    "450328103207": "龙脊梯田核心景区，门票分红和旅游收入分配涉及全村农户。",
    "450328103208": "龙脊梯田景区平安寨，民宿经营多，集体资产租赁合同多。",
    "450328103212": "金坑大寨梯田景区，索道和旅游分红资金量大，群众诉求多。",
    "450328103206": "金江水电站移民村，后期扶持资金和项目多。",
    "450328103200": "和平乡原政府驻地，集体土地出租和集贸市场管理问题反映较多。",
    "450328104202": "平等镇政府驻地村，村级工程项目多，曾有信访反映账目不清。",
    "450328104201": "侗族村寨保护利用项目资金集中，项目建设管理需重点关注。",
    "450328105201": "乐江镇政府驻地村，集体经济发展项目资金量大。",
    "450328105210": "地处偏远，村党组织软弱涣散，被列为整顿提升对象。",
    "450328201204": "泗水乡政府驻地村，旅游开发涉及集体土地较多。",
    "450328201205": "潘内瑶寨旅游村，民族特色村寨建设资金和收益分配需关注。",
    "450328202200": "江底乡政府驻地村，乡村振兴衔接资金项目集中。",
    "450328203200": "马堤乡政府驻地村，村级财务管理不规范问题曾被审计指出。",
    "450328204200": "伟江乡政府驻地村，脱贫户多，防返贫监测帮扶任务重。",
}

TERM_NUMBER = 15
TERM_NAME = "十五届县委"
TERM_START = date(2021, 10, 1)
# The platform is set up (divisions, accounts, classification) just before the term opens.
SETUP_DATE = date(2021, 9, 22)

# (username, display name, post) for the demo accounts, one per role.
ACCOUNTS: list[tuple[str, str, str]] = [
    ("sysadmin", "覃建华", "县委巡察办系统管理员"),
    ("security_admin", "莫晓燕", "县委巡察办安全管理员"),
    ("auditor", "粟家宁", "县委巡察办安全审计员"),
    ("office", "李明", "县委巡察办综合室干部"),
    ("office_lead", "王建国", "县委巡察办主任"),
    ("group3_leader", "陈志刚", "县委第三巡察组组长"),
    ("group3_member", "黄丽", "县委第三巡察组组员"),
    ("discipline", "赵强", "县纪委监委第一纪检监察室主任"),
    ("orgdept", "周敏", "县委组织部组织股股长"),
    ("township_longsheng", "吴海", "龙胜镇党委副书记"),
    ("village_chengnan", "杨秀英", "城南社区党支部书记"),
    ("village_shandong", "潘文", "山东村党支部书记"),
    ("leader", "刘洋", "县委副书记"),
    ("city_leader", "韦志明", "桂林市委巡察办主任"),
    ("dept_zhujian", "邓卫东", "县住建局城建股股长"),
    ("dept_xiaofang", "梁振宇", "县消防救援大队防火监督员"),
]

# Inspectors who never sign in in the demo; they fill the groups.
INSPECTORS: list[tuple[str, str, str]] = [
    ("inspector01", "蒙德军", "县委第一巡察组组长"),
    ("inspector02", "石春兰", "县审计局干部"),
    ("inspector03", "侯永福", "县财政局干部"),
    ("inspector04", "龙美玲", "县委第二巡察组组长"),
    ("inspector05", "韦志强", "县农业农村局干部"),
    ("inspector06", "粟小红", "县纪委监委干部"),
    ("inspector07", "潘国庆", "县委第四巡察组组长"),
    ("inspector08", "蓝秀芳", "县自然资源局干部"),
    ("inspector09", "廖承志", "县住建局干部"),
    ("inspector10", "谢晓东", "县委组织部干部"),
    ("inspector11", "罗桂英", "县民政局干部"),
    ("inspector12", "伍德明", "县乡村振兴局干部"),
]

# Declared ties: (username, unit code, tie, detail).
RECUSALS: list[tuple[str, str, str, str]] = [
    ("group3_member", "450328101000", "HOME", "籍贯瓢里镇，父母现居瓢里街"),
    ("inspector03", "450328102211", "RELATIVE", "其兄任大地村村委会主任"),
    ("inspector09", "450328103000", "FORMER_POST", "2018—2021年任龙脊镇副镇长"),
]


@dataclass(frozen=True)
class RoundSpec:
    """A round of the demo term and the status it ends in (rounds 1–3 CLOSED, round 4 RECTIFYING; the live rounds 5
    REPORTING and 6 STATIONED). ``groups`` maps
    a group number to (leader, members); each assignment is (group number, mode, target code, village codes, topic,
    stationed from, stationed until)."""

    number: int
    start_date: date
    end_date: date
    status: str
    groups: dict[int, tuple[str, list[str]]]
    assignments: list[tuple[int, str, str, list[str], str, date, date]] = field(default_factory=list)
    kind: str = "ROUTINE"
    problems: dict[str, int] = field(default_factory=dict)  # live rounds: village code → papers written so far


# The 75 distinct villages of the term are covered exactly once each.
ROUNDS: list[RoundSpec] = [
    RoundSpec(
        number=1,
        start_date=date(2022, 3, 1),
        end_date=date(2022, 5, 31),
        status="CLOSED",
        groups={
            1: ("inspector01", ["inspector02", "inspector10"]),
            2: ("inspector04", ["inspector05", "inspector06"]),
            3: ("group3_leader", ["inspector08", "inspector11"]),
        },
        assignments=[
            (
                1,
                "TOWNSHIP_WITH_VILLAGES",
                "450328103000",
                ["450328103207", "450328103208", "450328103212", "450328103206", "450328103213", "450328103209"],
                "",
                date(2022, 3, 10),
                date(2022, 4, 15),
            ),
            (
                2,
                "TOWNSHIP_WITH_VILLAGES",
                "450328104000",
                ["450328104202", "450328104200", "450328104203", "450328104204", "450328104205", "450328104206"],
                "",
                date(2022, 3, 10),
                date(2022, 4, 15),
            ),
            (
                3,
                "TOWNSHIP_WITH_VILLAGES",
                "450328201000",
                ["450328201204", "450328201205", "450328201200", "450328201201", "450328201202", "450328201203"],
                "",
                date(2022, 3, 10),
                date(2022, 4, 15),
            ),
        ],
    ),
    RoundSpec(
        number=2,
        start_date=date(2022, 9, 1),
        end_date=date(2022, 11, 30),
        status="CLOSED",
        groups={
            1: ("inspector01", ["inspector02", "inspector12"]),
            2: ("inspector04", ["inspector05", "inspector09"]),
            3: ("group3_leader", ["inspector06", "inspector11"]),
        },
        assignments=[
            (
                1,
                "TOWNSHIP_WITH_VILLAGES",
                "450328101000",
                ["450328101202", "450328101200", "450328101201", "450328101204", "450328101205", "450328101206"],
                "",
                date(2022, 9, 13),
                date(2022, 10, 20),
            ),
            (
                2,
                "TOWNSHIP_WITH_VILLAGES",
                "450328102000",
                ["450328102211", "450328102210", "450328102200", "450328102201", "450328102202", "450328102203"],
                "",
                date(2022, 9, 13),
                date(2022, 10, 20),
            ),
            (
                3,
                "TOWNSHIP_WITH_VILLAGES",
                "450328105000",
                [
                    "450328105201",
                    "450328105200",
                    "450328105202",
                    "450328105203",
                    "450328105204",
                    "450328105205",
                    "450328105206",
                ],
                "",
                date(2022, 9, 13),
                date(2022, 10, 20),
            ),
        ],
    ),
    RoundSpec(
        number=3,
        start_date=date(2023, 3, 1),
        end_date=date(2023, 5, 31),
        status="CLOSED",
        groups={
            1: ("inspector01", ["inspector10", "inspector12"]),
            2: ("inspector04", ["inspector02", "inspector06"]),
            3: ("group3_leader", ["inspector05", "inspector11"]),
            4: ("inspector07", ["inspector08", "inspector03"]),
        },
        assignments=[
            (
                1,
                "TOWNSHIP_WITH_VILLAGES",
                "450328202000",
                ["450328202200", "450328202201", "450328202202", "450328202203", "450328202204"],
                "",
                date(2023, 3, 14),
                date(2023, 4, 20),
            ),
            (
                2,
                "TOWNSHIP_WITH_VILLAGES",
                "450328203000",
                ["450328203200", "450328203201", "450328203202", "450328203203", "450328203204"],
                "",
                date(2023, 3, 14),
                date(2023, 4, 20),
            ),
            (
                3,
                "TOWNSHIP_WITH_VILLAGES",
                "450328204000",
                ["450328204200", "450328204201", "450328204202", "450328204203"],
                "",
                date(2023, 3, 14),
                date(2023, 4, 4),
            ),
            # 山东村, where 第三巡察组 gathered the villagers' 17 suggestions on its industries in April 2023.
            (3, "DIRECT", "450328100212", [], "", date(2023, 4, 6), date(2023, 4, 28)),
            (
                4,
                "SPECIAL",
                "450328000000",
                ["450328104208", "450328103201", "450328103202", "450328105207", "450328101207"],
                "农村集体“三资”管理",
                date(2023, 3, 14),
                date(2023, 4, 20),
            ),
        ],
    ),
    RoundSpec(
        number=4,
        start_date=date(2023, 9, 1),
        end_date=date(2023, 11, 30),
        status="RECTIFYING",
        groups={
            1: ("inspector01", ["inspector02", "inspector10"]),
            2: ("inspector04", ["inspector05", "inspector06"]),
            3: ("group3_leader", ["group3_member", "inspector11"]),
            4: ("inspector07", ["inspector08", "inspector12"]),
        },
        assignments=[
            (3, "DIRECT", "450328100001", [], "", date(2023, 9, 12), date(2023, 10, 12)),
            (3, "DIRECT", "450328104201", [], "", date(2023, 10, 16), date(2023, 11, 10)),
            (1, "DIRECT", "450328100002", [], "", date(2023, 9, 12), date(2023, 10, 12)),
            (1, "DIRECT", "450328101001", [], "", date(2023, 10, 16), date(2023, 11, 10)),
            (2, "DIRECT", "450328100202", [], "", date(2023, 9, 12), date(2023, 10, 12)),
            (2, "DIRECT", "450328103200", [], "", date(2023, 10, 16), date(2023, 11, 10)),
            (4, "DIRECT", "450328105210", [], "", date(2023, 9, 12), date(2023, 10, 12)),
            (
                4,
                "TOWNSHIP_WITH_VILLAGES",
                "450328100000",
                ["450328100209", "450328100213", "450328100211", "450328100208", "450328100206", "450328100210"],
                "",
                date(2023, 9, 12),
                date(2023, 10, 31),
            ),
            (
                1,
                "SPECIAL",
                "450328000000",
                ["450328104209", "450328104212", "450328202205", "450328203205", "450328204205"],
                "村级集体经济发展",
                date(2023, 11, 13),
                date(2023, 11, 28),
            ),
        ],
    ),
]


def live_rounds(today: date) -> list[RoundSpec]:
    """The two rounds at work on the day the demo is loaded, both 回头看 of villages inspected earlier in the term (so
    that coverage stays 75): round 5's groups left their villages three weeks ago and reported, their papers confirmed
    and the lists still to be built and published by the office; round 6's 第三巡察组 is on site today, taking
    petitions and writing papers."""
    day = timedelta(days=1)
    return [
        RoundSpec(
            number=5,
            kind="REVISIT",
            start_date=today - 80 * day,
            end_date=today + 60 * day,
            status="REPORTING",
            groups={
                1: ("inspector01", ["inspector02", "inspector10"]),
                2: ("inspector04", ["inspector05", "inspector06"]),
            },
            assignments=[
                (
                    1,
                    "TOWNSHIP_WITH_VILLAGES",
                    "450328100000",
                    ["450328100001", "450328100002"],
                    "",
                    today - 63 * day,
                    today - 24 * day,
                ),
                (2, "DIRECT", "450328103207", [], "", today - 63 * day, today - 24 * day),
            ],
            problems={"450328100001": 3, "450328100002": 3, "450328103207": 3},
        ),
        RoundSpec(
            number=6,
            kind="REVISIT",
            start_date=today - 20 * day,
            end_date=today + 90 * day,
            status="STATIONED",
            groups={3: ("group3_leader", ["group3_member", "inspector11"])},
            assignments=[
                (
                    3,
                    "TOWNSHIP_WITH_VILLAGES",
                    "450328105000",
                    ["450328105201", "450328105200"],
                    "",
                    today - 14 * day,
                    today + 20 * day,
                ),
            ],
            problems={"450328105201": 3, "450328105200": 2},
        ),
    ]
