"""The demo's county departments (县直部门) and its hand-off: 城南社区's fire hydrants of 乘龙小区, which the water
works of 2023 removed, need the housing bureau (县住建局), which ran the works, and the fire brigade (县消防救援大队),
which tests the hydrants. The office hands the item to both in December 2023; each signs for it, reports and marks
its part done before the item closes, through the same actions as a user.

``add_departments`` runs while the platform is set up (the departments' accounts are granted over them);
``schedule`` adds the hand-off's steps to the round's rectification story (``RectificationStory._schedule``), so that
they are acted out on their days among the village's and the township's.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from xuncha.accounts.actors import SYSTEM
from xuncha.accounts.models import User
from xuncha.core.workdays import add_working_days
from xuncha.organisations import actions as unit_actions
from xuncha.organisations.models import AdminUnit
from xuncha.rectification import actions as rectification_actions
from xuncha.rectification.models import ResponsibleParty

if TYPE_CHECKING:
    from xuncha.rectification.models import LedgerItem

IMAGES_DIR = Path(__file__).parent / "images"

# The county's departments, in the order of their codes (450328999001, 450328999002, …). 县委组织部 is one too: the
# organisation department receives hand-offs (选人用人, 基层组织建设) like any department, and its ORG_DEPT role over
# the county stays what it was, the receiver of clues.
DEPARTMENTS: list[str] = ["县住建局", "县消防救援大队", "县水利局", "县自来水公司", "县委组织部"]
ZHUJIAN, XIAOFANG = "450328999001", "450328999002"


@dataclass(frozen=True)
class PartyScript:
    """What one department does with the hydrants: its part, what the office asks, its reports and its 'done'."""

    code: str
    username: str
    part: str
    request: str
    reports: Sequence[tuple[date, str]]
    done: tuple[date, str]


HYDRANT_HAND_OFF = date(2023, 12, 4)
HYDRANT_PARTIES = [
    PartyScript(
        ZHUJIAN,
        "dept_zhujian",
        ResponsibleParty.Part.LEAD,
        "县城供水管网改造工程由县住建局组织实施：请督促施工单位按原位恢复安装乘龙小区及周边主干道被拆除的11个市政"
        "消火栓，12月底前完成，并报送施工及验收情况。",
        [(date(2023, 12, 18), "已约谈施工单位，施工队伍12月15日进场，已按原位恢复安装消火栓6个，其余5个月底前完成。")],
        (
            date(2023, 12, 27),
            "12月26日，施工单位已将被拆除的11个消火栓全部按原位恢复安装，县住建局组织现场验收合格，"
            "施工及验收资料已移交城南社区存档。",
        ),
    ),
    PartyScript(
        XIAOFANG,
        "dept_xiaofang",
        ResponsibleParty.Part.CO,
        "请对恢复安装的消火栓逐个通水测试，并指导城南社区建立消防设施巡查制度。",
        [(date(2023, 12, 20), "已对先期恢复安装的6个消火栓通水测试，出水压力正常；已指导社区制定消防设施巡查台账。")],
        (
            date(2023, 12, 27),
            "12月26日，对恢复安装的11个消火栓逐个通水测试，出水压力均正常；社区消防设施巡查台账已建立，每月巡查一次。",
        ),
    ),
]


def add_departments(county: AdminUnit) -> list[AdminUnit]:
    """The county's departments, added by the system while the platform is set up."""
    return [unit_actions.add_department(county, name, actor=SYSTEM) for name in DEPARTMENTS]


type Step = Callable[[date, str, Callable[[], object]], None]


def schedule(item: LedgerItem, fed_back_on: date, office: User, step: Step) -> None:
    """Add the hydrants' hand-off to the round's steps: the office hands the item to both departments, each signs
    the next working day, reports, and marks its part done before the township approves and the office closes."""
    handed_on = max(HYDRANT_HAND_OFF, add_working_days(fed_back_on, 1))
    signed_on = add_working_days(handed_on, 1)
    for script in HYDRANT_PARTIES:
        user = User.objects.get(username=script.username)
        step(handed_on, "plan", partial(_hand_off, item, script, office, handed_on))
        step(signed_on, "plan", partial(_sign, item, script, user))
        for on, text in script.reports:
            step(on, "progress", partial(_report, item, script, user, on, text))
        step(script.done[0], "progress", partial(_done, item, script, user, *script.done))


def _party(item: LedgerItem, script: PartyScript) -> ResponsibleParty:
    return ResponsibleParty.objects.select_related("unit", "item").get(item=item, unit__code=script.code)


def _hand_off(item: LedgerItem, script: PartyScript, office: User, on: date) -> None:
    unit = AdminUnit.objects.get(code=script.code)
    rectification_actions.hand_off_item(item, unit=unit, part=script.part, request=script.request, actor=office, on=on)


def _sign(item: LedgerItem, script: PartyScript, user: User) -> None:
    rectification_actions.sign_party_receipt(_party(item, script), actor=user)


def _report(item: LedgerItem, script: PartyScript, user: User, on: date, text: str) -> None:
    rectification_actions.report_party_progress(
        _party(item, script), text=text, actor=user, on=on, files=[_photo(script, on)]
    )


def _done(item: LedgerItem, script: PartyScript, user: User, on: date, text: str) -> None:
    rectification_actions.complete_party(_party(item, script), text=text, actor=user, on=on, files=[_photo(script, on)])


def _photo(script: PartyScript, on: date) -> tuple[io.BytesIO, str, int]:
    """One of the demo's small photos, named after the department and the day."""
    photos = sorted(IMAGES_DIR.glob("*.png"))
    content = photos[int(script.code[-1]) % len(photos)].read_bytes()
    unit = DEPARTMENTS[int(script.code[-3:]) - 1]
    return io.BytesIO(content), f"{unit}现场照片{on:%Y%m%d}.png", len(content)
