"""The deliverables of art. 27 in the demo: each village fed back in the term drafts its rectification plan, its
rectification report and its secretary's report on organising the rectification from its ledger, signs them (a
signed scan now and then, else a confirmation by its account) and submits them; its township approves (returning
one now and then with a reason) and the office accepts. Most come in on time, some late, a few never; the departments
the hydrants were handed to hand theirs in on time. Each step is acted out on its business day (``clock``); nothing
is done on or after the day the demo is loaded, so the live rounds' deliverables are still to come."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from pathlib import Path

from xuncha.accounts.models import User
from xuncha.core.workdays import next_workday, working_days_in
from xuncha.deliverables import actions
from xuncha.deliverables.models import Deliverable
from xuncha.demo import clock
from xuncha.inspections.models import Term

SEED = "deliverables"
IMAGES_DIR = Path(__file__).parent / "images"
# How each kind of deliverable fares: on time, late, never handed in (weights).
FATES: dict[str, tuple[int, int, int]] = {
    Deliverable.Kind.PLAN: (80, 14, 6),
    Deliverable.Kind.REPORT: (70, 20, 10),
    Deliverable.Kind.LEADER_REPORT: (68, 20, 12),
}
RETURN_REASONS = [
    "整改措施不够具体，责任人和完成时限未逐项明确，请修改完善后重新报送。",
    "部分问题的整改进展表述笼统，请补充佐证材料情况后重新报送。",
]

type Step = tuple[date, int, int, Callable[[], object]]


def tell(term: Term, users: dict[str, User], local: dict[str, User]) -> None:
    """Script every deliverable of the term, then act the steps out in date order."""
    today = clock.real_today()
    rng = random.Random(SEED)
    office = users["office"]
    steps: list[Step] = []
    deliverables = (
        Deliverable.objects.filter(round__term=term)
        .select_related("unit", "township")
        .order_by("round__number", "unit__code", "kind")
    )
    for number, deliverable in enumerate(deliverables):
        if deliverable.is_department:
            writer = next((user for user in users.values() if _acts_for(user, deliverable)), None)
            reviewer = None
            fate = "on_time"
        else:
            writer = local.get(deliverable.unit.code)
            reviewer = local.get(deliverable.township.code) if deliverable.township else None
            fate = rng.choices(["on_time", "late", "missing"], weights=FATES[deliverable.kind])[0]
        if writer is None or fate == "missing":
            continue
        submitted = _submitted_on(deliverable, fate, rng)
        scan = number % 4 == 0
        returned = reviewer is not None and rng.random() < 0.06
        plan = _script(deliverable, writer, reviewer, office, submitted, scan, returned, rng)
        steps.extend((on, hour, len(steps) + index, step) for index, (on, hour, step) in enumerate(plan) if on < today)
    for on, hour, _seq, step in sorted(steps, key=lambda step: step[:3]):
        with clock.at(on, hour):
            step()


def _acts_for(user: User, deliverable: Deliverable) -> bool:
    from xuncha.deliverables.permissions import can_write

    return can_write(user, deliverable)


def _submitted_on(deliverable: Deliverable, fate: str, rng: random.Random) -> date:
    if fate == "late":
        return next_workday(deliverable.due_on + timedelta(days=rng.randint(3, 24)))
    days = working_days_in(deliverable.starts_on + timedelta(days=2), deliverable.due_on)
    return rng.choice(days[-6:]) if days else deliverable.due_on


def _script(
    deliverable: Deliverable,
    writer: User,
    reviewer: User | None,
    office: User,
    submitted: date,
    scan: bool,
    returned: bool,
    rng: random.Random,
) -> list[tuple[date, int, Callable[[], object]]]:
    """The days and hours of one deliverable's steps: drafted a few days before it goes in, then each review."""
    drafted = max(deliverable.starts_on + timedelta(days=1), submitted - timedelta(days=rng.randint(2, 6)))
    plan: list[tuple[date, int, Callable[[], object]]] = [
        (drafted, 10, partial(actions.draft_deliverable, deliverable, actor=writer)),
        (submitted, 16, partial(_submit, deliverable, writer, scan)),
    ]
    on = submitted
    if reviewer is not None:
        on = next_workday(on + timedelta(days=rng.randint(1, 3)))
        if returned:
            reason = rng.choice(RETURN_REASONS)
            plan.append(
                (on, 11, partial(actions.review_deliverable, deliverable, approve=False, reason=reason, actor=reviewer))
            )
            on = next_workday(on + timedelta(days=rng.randint(2, 4)))
            plan.append((on, 16, partial(_submit, deliverable, writer, False)))
            on = next_workday(on + timedelta(days=1))
        plan.append((on, 11, partial(actions.review_deliverable, deliverable, approve=True, actor=reviewer)))
    elif not deliverable.is_department:
        return plan  # no township account to review it: it waits, submitted
    on = next_workday(on + timedelta(days=rng.randint(1, 4)))
    plan.append((on, 15, partial(actions.accept_deliverable, deliverable, accept=True, actor=office)))
    return plan


def _submit(deliverable: Deliverable, writer: User, scan: bool) -> None:
    if scan:
        with (IMAGES_DIR / "document.png").open("rb") as handle:
            actions.submit_deliverable(deliverable, actor=writer, scan=handle, scan_name="签字扫描件.png")
    else:
        actions.submit_deliverable(deliverable, actor=writer, confirm=True)
