"""Recording outcomes: the office records an item's outcome or confirms what the village reported; the receiving
body reports a clue's outcome; either records the rules made. Each write is audited."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.actors import Actor, require, user_or_none
from xuncha.audit.actions import record_event, withheld
from xuncha.core.exceptions import ActionRefused, Conflict
from xuncha.evidence.actions import store_evidence
from xuncha.findings.models import Clue
from xuncha.outcomes import permissions
from xuncha.outcomes.models import PEOPLE_FIELDS, ZERO, Outcome, Rule
from xuncha.rectification.models import LedgerItem

# What the village reports of its item; the people dealt with are the office's and the commission's to record.
VILLAGE_FIELDS = ("amount_recovered", "amount_returned", "returned_description", "note")
CENT = Decimal("0.01")


def _amount(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else ZERO))
    except InvalidOperation as exc:
        raise ActionRefused(_("An amount is a number of yuan.")) from exc
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):
        raise ActionRefused(_("An amount is a number of yuan, zero or more."))
    return amount.quantize(CENT)


def _figures(
    *,
    amounts: Mapping[str, Any],
    people: Mapping[str, int] | None,
    texts: Mapping[str, str],
) -> dict[str, Any]:
    """The columns to write: amounts checked and rounded to the cent, people counted by kind, texts stripped."""
    values: dict[str, Any] = {name: _amount(value) for name, value in amounts.items()}
    for kind, count in (people or {}).items():
        if kind not in PEOPLE_FIELDS:
            raise ActionRefused(_("Unknown kind of people dealt with: %(kind)s.") % {"kind": kind})
        if not isinstance(count, int) or count < 0:
            raise ActionRefused(_("The number of people dealt with is zero or more."))
        values[PEOPLE_FIELDS[kind]] = count
    values.update({name: text.strip() for name, text in texts.items()})
    return values


def _shown(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


FREE_TEXTS = ("note", "returned_description")


def _trail(name: str, value: Any) -> Any:
    return withheld(value) if name in FREE_TEXTS else value


def _write(
    outcome: Outcome, values: dict[str, Any], verb: str, *, actor: Actor, hidden: tuple[str, ...] = ()
) -> Outcome:
    """Save the changed columns and record the event; ``hidden`` columns are saved but never written to the trail
    (names of people dealt with)."""
    creating = outcome.pk is None
    before = {name: _shown(getattr(outcome, name)) for name in values if name not in hidden}
    for name, value in values.items():
        setattr(outcome, name, value)
    outcome.save()
    after = {name: _shown(getattr(outcome, name)) for name in values if name not in hidden}
    changed = [name for name in after if creating or before[name] != after[name]]
    # Free texts (a note, what was returned) are written to the trail as withheld, like every case text.
    record_event(
        verb,
        outcome,
        actor=actor,
        before=None if creating else {name: _trail(name, before[name]) for name in changed},
        after={name: _trail(name, after[name]) for name in changed},
        unit=outcome.village,
    )
    return outcome


def _item_outcome(item: LedgerItem) -> Outcome:
    outcome = Outcome.objects.select_for_update().filter(item=item).first()
    return outcome or Outcome(item=item, round_id=item.round_id, village_id=item.village_id, category=item.category)


@transaction.atomic
def record_item_outcome(
    item: LedgerItem,
    *,
    actor: Actor,
    amount_involved: Any = ZERO,
    amount_recovered: Any = ZERO,
    amount_returned: Any = ZERO,
    returned_description: str = "",
    people: Mapping[str, int] | None = None,
    people_note: str = "",
    note: str = "",
) -> Outcome:
    """The office records the outcome of an item (money involved, recovered and returned to the collective, people
    dealt with); it stands confirmed, replacing what the village reported."""
    require(actor, permissions.can_record_item_outcome(actor, item), _("Only the inspection office records outcomes."))
    outcome = _item_outcome(item)
    values = _figures(
        amounts={
            "amount_involved": amount_involved,
            "amount_recovered": amount_recovered,
            "amount_returned": amount_returned,
        },
        people={**dict.fromkeys(PEOPLE_FIELDS, 0), **(people or {})},
        texts={"returned_description": returned_description, "people_note": people_note, "note": note},
    )
    now, user = timezone.now(), user_or_none(actor)
    values |= {"status": Outcome.Status.CONFIRMED, "confirmed_by": user, "confirmed_at": now}
    if outcome.pk is None:
        values |= {"recorded_by": user, "recorded_at": now}
    return _write(outcome, values, "outcomes.item_outcome_recorded", actor=actor, hidden=_HIDDEN)


# Never in the trail: who recorded or confirmed is the event's actor; names are sealed.
_HIDDEN = ("people_note", "recorded_by", "recorded_at", "confirmed_by", "confirmed_at")


@transaction.atomic
def report_item_outcome(
    item: LedgerItem,
    *,
    actor: Actor,
    amount_recovered: Any = ZERO,
    amount_returned: Any = ZERO,
    returned_description: str = "",
    note: str = "",
) -> Outcome:
    """The responsible village reports the money recovered and returned to the collective on its item, for the
    office to confirm. Once the office has confirmed the outcome, only the office changes it."""
    require(
        actor,
        permissions.can_report_item_outcome(actor, item),
        _("Only the responsible village reports the outcome of its item."),
    )
    outcome = _item_outcome(item)
    if outcome.status == Outcome.Status.CONFIRMED and outcome.pk is not None:
        raise Conflict(_("The office has confirmed this item's outcome; ask the office to correct it."))
    values = _figures(
        amounts={"amount_recovered": amount_recovered, "amount_returned": amount_returned},
        people=None,
        texts={"returned_description": returned_description, "note": note},
    )
    values |= {"status": Outcome.Status.REPORTED, "recorded_by": user_or_none(actor), "recorded_at": timezone.now()}
    return _write(outcome, values, "outcomes.item_outcome_reported", actor=actor, hidden=_HIDDEN)


@transaction.atomic
def confirm_item_outcome(outcome: Outcome, *, actor: Actor) -> Outcome:
    """The office confirms what the village reported; only confirmed outcomes count in the figures."""
    # Who may, before anything is read: a clue's outcome (no item) is the receiving body's and needs no confirmation.
    require(
        actor,
        outcome.item is not None and permissions.can_record_item_outcome(actor, outcome.item),
        _("Only the inspection office confirms an item's outcome."),
    )
    locked = (
        Outcome.objects.select_for_update(of=("self",)).select_related("item__round__term__county").get(pk=outcome.pk)
    )
    if locked.status != Outcome.Status.REPORTED:
        raise Conflict(_("This outcome is already confirmed."))
    values = {"status": Outcome.Status.CONFIRMED, "confirmed_by": user_or_none(actor), "confirmed_at": timezone.now()}
    return _write(locked, values, "outcomes.item_outcome_confirmed", actor=actor, hidden=_HIDDEN)


@transaction.atomic
def record_clue_outcome(
    clue: Clue,
    *,
    actor: Actor,
    amount_involved: Any = ZERO,
    amount_recovered: Any = ZERO,
    amount_returned: Any = ZERO,
    returned_description: str = "",
    people: Mapping[str, int] | None = None,
    people_note: str = "",
    note: str = "",
) -> Outcome:
    """The receiving body reports what came of a clue it disposed of (after 初核, 立案 …): the money, the people
    dealt with by kind. The outcome follows the clue back to the problem it came from."""
    require(
        actor,
        permissions.can_record_clue_outcome(actor, clue),
        _("Only the receiving body reports the outcome of a clue."),
    )
    if clue.status not in permissions.CLUE_OUTCOME_STATUSES:
        raise Conflict(_("Record the disposal of the clue before its outcome."))
    outcome = Outcome.objects.select_for_update().filter(clue=clue).first()
    if outcome is None:
        category = clue.problem.category if clue.problem_id is not None else ""  # type: ignore[union-attr]
        outcome = Outcome(clue=clue, round_id=clue.round_id, village_id=clue.village_id, category=category)
    values = _figures(
        amounts={
            "amount_involved": amount_involved,
            "amount_recovered": amount_recovered,
            "amount_returned": amount_returned,
        },
        people={**dict.fromkeys(PEOPLE_FIELDS, 0), **(people or {})},
        texts={"returned_description": returned_description, "people_note": people_note, "note": note},
    )
    now, user = timezone.now(), user_or_none(actor)
    values |= {"status": Outcome.Status.CONFIRMED, "confirmed_by": user, "confirmed_at": now}
    if outcome.pk is None:
        values |= {"recorded_by": user, "recorded_at": now}
    return _write(outcome, values, "outcomes.clue_outcome_recorded", actor=actor, hidden=_HIDDEN)


@transaction.atomic
def add_rule(
    outcome: Outcome,
    *,
    title: str,
    adopted_on: date,
    actor: Actor,
    upload: IO[bytes] | None = None,
    file_name: str = "",
) -> Rule:
    """Record a rule made (建章立制) with the outcome, its file checked like every evidence upload."""
    require(actor, permissions.can_add_rule(actor, outcome), _("Only whoever records the outcome adds its rules."))
    if not title.strip():
        raise ActionRefused(_("Give the title of the rule."))
    if adopted_on > timezone.localdate():
        raise ActionRefused(_("A rule is recorded once it is adopted; the date lies ahead."))
    user = user_or_none(actor)
    evidence = store_evidence(upload, file_name, uploaded_by=user) if upload is not None else None
    rule = Rule.objects.create(
        outcome=outcome, title=title.strip()[:200], adopted_on=adopted_on, file=evidence, recorded_by=user
    )
    record_event(
        "outcomes.rule_added",
        rule,
        actor=actor,
        after={
            "title": rule.title,
            "adopted_on": adopted_on.isoformat(),
            "file": evidence.original_name if evidence else "",
        },
        unit=outcome.village,
    )
    return rule
