"""Plans, declarations and enquiries for the planning tests, made through the actions."""

from __future__ import annotations

from datetime import date

from xuncha.accounts.models import User
from xuncha.conftest import World
from xuncha.planning import actions
from xuncha.planning.actions import StageSpec
from xuncha.planning.models import Enquiry, WorkPlan

STAGES = [
    StageSpec("STATIONING", date(2023, 9, 1), date(2023, 9, 1)),
    StageSpec("TALKS", date(2023, 9, 2), date(2023, 9, 20)),
    StageSpec("REPORT", date(2023, 11, 1), date(2023, 11, 20)),
]


def draft_plan(world: World, drafter: User, **fields: object) -> WorkPlan:
    values: dict[str, object] = {
        "assignment": world.assignment,
        "focus": ["FINANCE", "ASSETS"],
        "authorisation": "个别谈话、调阅资料、走访群众、受理信访。",
        "stages": STAGES,
        **fields,
    }
    return actions.draft_work_plan(world.round, actor=drafter, **values)  # type: ignore[arg-type]


def approved_plan(world: World, drafter: User, director: User) -> WorkPlan:
    plan = draft_plan(world, drafter)
    actions.submit_work_plan(plan, actor=drafter)
    return actions.approve_work_plan(plan, actor=director)


def enquiry(world: World, office: User, body: str = Enquiry.Body.DISCIPLINE) -> Enquiry:
    return actions.send_enquiry(
        world.round,
        body,
        matters="请提供近三年甲一村干部违纪违法问题线索及处理情况。",
        reply_by=date(2023, 9, 10),
        sent_on=date(2023, 8, 25),
        assignment=world.assignment,
        village=world.village_a1,
        actor=office,
    )
