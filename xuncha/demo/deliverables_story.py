"""The deliverables of art. 27 in the demo: each village fed back in the term drafts its rectification plan, its
rectification report and its secretary's report on organising the rectification from its ledger, signs them (a
signed scan now and then, else a confirmation by its account) and submits them; its township approves (returning
one now and then with a reason) and the office accepts. Most come in on time, some late, a few never; the departments
the hydrants were handed to hand theirs in on time. Each step is acted out on its business day (``clock``); nothing
is done on or after the day the demo is loaded, so the live rounds' deliverables are still to come; nothing after a
round is filed. ``schedule`` adds the steps to the round's rectification story, so that they are acted out on their
days among the items' steps."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from pathlib import Path

from xuncha.accounts.models import User
from xuncha.core.workdays import next_workday, working_days_in
from xuncha.deliverables import actions
from xuncha.deliverables.deadlines import due_on
from xuncha.deliverables.models import Deliverable
from xuncha.demo import clock, handoff_story
from xuncha.inspections.archived import is_archived
from xuncha.inspections.models import Round

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

type Step = Callable[[date, str, Callable[[], object]], None]


def schedule(round_: Round, local: dict[str, User], office: User, step: Step) -> None:
    """Add the steps of the deliverables of the round's fed-back villages to the round's rectification story
    (``RectificationStory._schedule``), so that they are acted out on their days among the items' steps."""
    rng = random.Random(f"{SEED}:{round_.number}")
    deliverables = (
        Deliverable.objects.filter(round=round_, feedback__isnull=False)
        .select_related("unit", "township")
        .order_by("unit__code", "kind")
    )
    for number, deliverable in enumerate(deliverables):
        fate = rng.choices(["on_time", "late", "missing"], weights=FATES[deliverable.kind])[0]
        writer = local.get(deliverable.unit.code)
        if writer is None or fate == "missing":
            continue
        reviewer = local.get(deliverable.township.code) if deliverable.township else None
        returned = reviewer is not None and rng.random() < 0.06
        submitted = _submitted_on(deliverable.starts_on, deliverable.due_on, fate, rng)
        found = partial(Deliverable.objects.get, pk=deliverable.pk)
        script = _script(
            found, False, writer, reviewer, office, deliverable.starts_on, submitted, number % 4 == 0, returned, rng
        )
        _add(round_, script, step)


def schedule_departments(round_: Round, handed_on: date, office: User, step: Step) -> None:
    """The departments the hydrants were handed to on ``handed_on`` hand theirs in on time; their deliverables are
    opened by the hand-off itself, so each step finds its deliverable when it is acted out."""
    rng = random.Random(f"{SEED}:departments")
    for party in handoff_story.HYDRANT_PARTIES:
        writer = User.objects.get(username=party.username)
        for kind in Deliverable.Kind:
            due = due_on(kind, handed_on)
            found = partial(Deliverable.objects.get, round=round_, unit__code=party.code, kind=kind)
            submitted = _submitted_on(handed_on, due, "on_time", rng)
            _add(round_, _script(found, True, writer, None, office, handed_on, submitted, False, False, rng), step)


def _add(round_: Round, script: list[tuple[date, Callable[[], object]]], step: Step) -> None:
    """Steps up to the day before the demo is loaded; one that falls after the round was filed is not taken (a
    deliverable not in by then stays missing in the file)."""
    today = clock.real_today()
    for on, action in script:
        if on < today:
            step(on, "deliverable", partial(_unless_filed, round_.pk, action))


def _unless_filed(round_id: int, action: Callable[[], object]) -> None:
    if not is_archived(round_id):
        action()


def _submitted_on(starts_on: date, due: date, fate: str, rng: random.Random) -> date:
    if fate == "late":
        return next_workday(due + timedelta(days=rng.randint(3, 24)))
    days = working_days_in(starts_on + timedelta(days=2), due)
    return rng.choice(days[-6:]) if days else due


def _script(
    found: Callable[[], Deliverable],
    department: bool,
    writer: User,
    reviewer: User | None,
    office: User,
    starts_on: date,
    submitted: date,
    scan: bool,
    returned: bool,
    rng: random.Random,
) -> list[tuple[date, Callable[[], object]]]:
    """The days of one deliverable's steps: drafted a few days before it goes in, then each review. A village's
    whose township has no account waits, submitted."""
    drafted = max(starts_on + timedelta(days=1), submitted - timedelta(days=rng.randint(2, 6)))
    script: list[tuple[date, Callable[[], object]]] = [
        (drafted, lambda: actions.draft_deliverable(found(), actor=writer)),
        (submitted, lambda: _submit(found(), writer, scan)),
    ]
    on = submitted
    if reviewer is not None:
        on = next_workday(on + timedelta(days=rng.randint(1, 3)))
        if returned:
            reason = rng.choice(RETURN_REASONS)
            script.append(
                (on, lambda: actions.review_deliverable(found(), approve=False, reason=reason, actor=reviewer))
            )
            on = next_workday(on + timedelta(days=rng.randint(2, 4)))
            script.append((on, lambda: _submit(found(), writer, False)))
            on = next_workday(on + timedelta(days=1))
        script.append((on, lambda: actions.review_deliverable(found(), approve=True, actor=reviewer)))
    elif not department:
        return script
    on = next_workday(on + timedelta(days=rng.randint(1, 4)))
    script.append((on, lambda: actions.accept_deliverable(found(), accept=True, actor=office)))
    return script


def _submit(deliverable: Deliverable, writer: User, scan: bool) -> None:
    if scan:
        with (IMAGES_DIR / "document.png").open("rb") as handle:
            actions.submit_deliverable(deliverable, actor=writer, scan=handle, scan_name="签字扫描件.png")
    else:
        actions.submit_deliverable(deliverable, actor=writer, confirm=True)
