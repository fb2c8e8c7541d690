"""Rectification for tests.

``reported_round`` brings the world's round 4 to REPORTING with confirmed problems in four villages and the
assignments that cover them; ``publish`` builds a village's individual list and publishes it through the actions,
as the office would. ``ledger_item`` writes an item directly in any state (with the feedback and the fed-back
problem behind it) for scenes that the actions need not build; ``visit`` plans a return visit directly.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from django.utils import timezone

from xuncha.accounts.actors import Actor
from xuncha.accounts.models import Role, User
from xuncha.accounts.tests.factories import UserFactory, grant
from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.findings.models import FixType, Problem
from xuncha.findings.tests.factories import ProblemFactory, png_bytes
from xuncha.inspections.models import Assignment, AssignmentVillage, InspectionGroup, Round
from xuncha.inspections.tests.factories import GroupFactory, assign
from xuncha.organisations.models import AdminUnit
from xuncha.rectification import actions
from xuncha.rectification.models import (
    CommonItem,
    Feedback,
    LedgerItem,
    ListEntry,
    ProblemList,
    Receipt,
    ReturnVisit,
    VisitCheck,
)
from xuncha.reporting.tests.factories import approve_round_report

Status = LedgerItem.Status
# The statuses an item reaches once the village has reported the work done (``done_on`` is then set).
REPORTED_DONE = {Status.SUBMITTED, Status.REVIEWED, Status.CLOSED, Status.ONGOING}

# The round statuses in which lists are fed back; a round set to one of them gets its report approved (the lists of
# a village are fed back only after the report's last gate).
FEEDBACK_TIME = {Round.Status.REPORTING, Round.Status.FEEDBACK, Round.Status.RECTIFYING}
# Stationing of round 4 ends on Thursday 2023-11-30; the feedback meeting is the Monday after next.
FED_BACK_ON = date(2023, 12, 4)
# Two months after FED_BACK_ON: Sunday 2024-02-04, a working day in exchange for the Spring Festival (调休).
FOLLOW_UP_DEADLINE = date(2024, 2, 4)
STATIONED_UNTIL = date(2023, 11, 30)
PROGRESS_TEXT = "已召开村民代表会议补办手续，租金3.2万元已全部入账。"


@dataclass
class Reported:
    """Round 4 after stationing: who inspected which village, and each village's confirmed problems."""

    round: Round
    assignments: dict[int, Assignment] = field(default_factory=dict)
    problems: dict[int, list[Problem]] = field(default_factory=dict)

    def of(self, village: AdminUnit) -> list[Problem]:
        return self.problems[village.pk]


def refresh_round(world: World) -> Round:
    """Read round 4 afresh into the world (and into the assignment that holds it) after a direct update."""
    world.round.refresh_from_db()
    world.assignment.round = world.round
    return world.round


def set_round(world: World, status: str) -> Round:
    Round.objects.filter(pk=world.round.pk).update(status=status)
    if status in FEEDBACK_TIME:
        approve_round_report(world.round)
    return refresh_round(world)


def covering(round_: Round, village: AdminUnit) -> Assignment:
    """The round's assignment covering ``village``; a new group is formed to inspect it directly if none does."""
    row = AssignmentVillage.objects.filter(round=round_, village=village).select_related("assignment").first()
    if row is not None:
        return row.assignment
    last = InspectionGroup.objects.filter(round=round_).order_by("-number").first()
    group = GroupFactory.create(round=round_, number=(last.number if last else 0) + 1)
    return assign(group, [village])


def confirmed_problem(round_: Round, village: AdminUnit, **fields: Any) -> Problem:
    """A confirmed working paper about ``village``, written directly."""
    values: dict[str, Any] = {
        "phenomenon": f"{village.short_name}：2023年集体土地出租合同未经村民代表会议讨论，租金未入账。",
        "status": Problem.Status.CONFIRMED,
        **fields,
    }
    return ProblemFactory.create(assignment=covering(round_, village), village=village, **values)


def reported_round(world: World, *, per_village: int = 2) -> Reported:
    """Round 4 moved to REPORTING. Group 3 inspects 甲一村 (the world's assignment), 第四巡察组 inspects 甲镇 with
    甲二村 and 甲社区 (巡乡带村), 第五巡察组 inspects 乙一村; each of the four villages has ``per_village``
    confirmed problems. The round and its assignment in ``world`` are read afresh."""
    group4 = GroupFactory.create(round=world.round, number=4)
    township = assign(
        group4,
        [world.village_a2, world.community_a],
        mode=Assignment.Mode.TOWNSHIP_WITH_VILLAGES,
        target=world.township_a,
    )
    group5 = GroupFactory.create(round=world.round, number=5)
    direct = assign(group5, [world.village_b1])
    reported = Reported(round=world.round)
    for village, assignment in [
        (world.village_a1, world.assignment),
        (world.village_a2, township),
        (world.community_a, township),
        (world.village_b1, direct),
    ]:
        reported.assignments[village.pk] = assignment
        reported.problems[village.pk] = [confirmed_problem(world.round, village) for _ in range(per_village)]
    reported.round = set_round(world, Round.Status.REPORTING)
    return reported


def person(username: str, role: Role, unit: AdminUnit) -> User:
    """A user holding ``role`` over ``unit`` (a village's or township's cadre)."""
    user = UserFactory.create(username=username)
    grant(user, role, unit)
    return user


def village_person(village: AdminUnit, username: str | None = None) -> User:
    return person(username or f"village_{village.code}", Role.VILLAGE, village)


def township_person(township: AdminUnit, username: str | None = None) -> User:
    return person(username or f"township_{township.code}", Role.TOWNSHIP, township)


def publish(round_: Round, village: AdminUnit, actor: Actor, *, fed_back_on: date = FED_BACK_ON) -> Feedback:
    """Build the village's individual list and publish it with the common list, through the actions."""
    actions.build_individual_list(round_, village, actor=actor)
    approve_round_report(round_)
    return actions.publish_feedback(round_, village, actor=actor, fed_back_on=fed_back_on)


def common_item(reported: Reported, villages: list[AdminUnit], actor: Actor, **fields: Any) -> CommonItem:
    """A common item built from the first problem of each of ``villages``, naming them all."""
    values: dict[str, Any] = {
        "text": "村务公开不及时、不规范，财务收支未按季度公开。",
        "category": "DISCLOSURE",
        "fix_type": FixType.FOLLOW_UP,
        "villages": villages,
        **fields,
    }
    if "problems" not in values:
        values["problems"] = [reported.of(village)[0] for village in villages]
    return actions.add_common_item(reported.round, actor=actor, **values)


def event_of(obj: Any, verb: str) -> Event:
    """The one audit event ``verb`` about ``obj``."""
    return Event.objects.get(verb=verb, object_type=obj._meta.label_lower, object_id=str(obj.pk))


def before_of(event: Event) -> dict[str, Any]:
    """The values an event recorded before the change (it must have some)."""
    assert event.before is not None, f"{event} has no before"
    return dict(event.before)


def after_of(event: Event) -> dict[str, Any]:
    assert event.after is not None, f"{event} has no after"
    return dict(event.after)


# Written directly -----------------------------------------------------------------------------------------------


def office_account(round_: Round) -> User:
    """Someone for the ``created_by`` and ``published_by`` of rows written directly."""
    return UserFactory.create(username="office_clerk")


def feedback_for(round_: Round, village: AdminUnit, *, fed_back_on: date = FED_BACK_ON) -> Feedback:
    """The round's feedback to ``village``, written directly (with its individual list and two unsigned
    receipts) unless it exists."""
    existing = Feedback.objects.filter(round=round_, village=village).first()
    if existing is not None:
        return existing
    clerk = office_account(round_)
    individual, _created = ProblemList.objects.get_or_create(
        round=round_, kind=ProblemList.Kind.INDIVIDUAL, village=village, defaults={"created_by": clerk}
    )
    feedback = Feedback.objects.create(
        round=round_,
        village=village,
        individual_list=individual,
        fed_back_on=fed_back_on,
        plan_due=date(2023, 12, 25),
        published_by=clerk,
    )
    township = village.parent
    assert township is not None
    Receipt.objects.bulk_create(
        [
            Receipt(feedback=feedback, recipient=Receipt.Recipient.TOWNSHIP, unit=township),
            Receipt(feedback=feedback, recipient=Receipt.Recipient.VILLAGE, unit=village),
        ]
    )
    return feedback


def ledger_item(
    round_: Round, village: AdminUnit, *, status: str = Status.OPEN, fix_type: str = FixType.FOLLOW_UP, **fields: Any
) -> LedgerItem:
    """An item of ``village`` in ``status``, written directly with a fed-back problem and the village's feedback
    behind it. A key village's item needs a return visit, as publication would set; a CLOSED item is closed on
    the day of its deadline unless told; an item the village has reported done (SUBMITTED and after) was done on
    its closing day if closed, else on its deadline (today if that is still to come), unless told."""
    feedback = feedback_for(round_, village)
    problem = confirmed_problem(round_, village, status=Problem.Status.FED_BACK, fix_type=fix_type)
    ListEntry.objects.create(problem_list=feedback.individual_list, problem=problem)
    township = village.parent
    assert township is not None
    values: dict[str, Any] = {
        "deadline": FOLLOW_UP_DEADLINE,
        "needs_return_visit": village.is_key,
        **fields,
    }
    if status == Status.CLOSED:
        values.setdefault("closed_on", values["deadline"])
    if status in REPORTED_DONE:
        values.setdefault("done_on", values.get("closed_on") or min(values["deadline"], timezone.localdate()))
    return LedgerItem.objects.create(
        round=round_,
        feedback=feedback,
        village=village,
        township=township,
        problem=problem,
        number=problem.serial,
        summary=problem.phenomenon,
        category=problem.category,
        fix_type=fix_type,
        status=status,
        **values,
    )


def visit(village: AdminUnit, items: list[LedgerItem], planned_by: User, **fields: Any) -> ReturnVisit:
    """A planned return visit to ``village`` checking ``items``, written directly."""
    values: dict[str, Any] = {"planned_on": date(2024, 3, 5), **fields}
    planned = ReturnVisit.objects.create(village=village, planned_by=planned_by, **values)
    VisitCheck.objects.bulk_create([VisitCheck(visit=planned, item=item) for item in items])
    return planned


def photo(name: str = "整改后现场照片.png") -> tuple[IO[bytes], str, int]:
    """A real PNG as an upload: (handle, file name, size)."""
    data = png_bytes()
    return io.BytesIO(data), name, len(data)
