"""The demo's outcomes (成果运用): the discipline commission reports what came of the term's disposed clues
(money involved and recovered, people dealt with by kind), and the office records the money recovered and the
rules made on the ledger items of the problems those clues came from, each on a day after the disposal."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.core import workdays
from xuncha.demo import clock
from xuncha.findings.models import Clue
from xuncha.outcomes import actions
from xuncha.rectification.models import LedgerItem

# Per disposal: amount involved, amount recovered (yuan), people dealt with by kind.
CLUE_OUTCOMES: dict[str, tuple[Decimal, Decimal, dict[str, int]]] = {
    Clue.Disposal.CASE: (Decimal("86500.00"), Decimal("86500.00"), {"PARTY_DISCIPLINE": 1, "GOVERNMENT_SANCTION": 1}),
    Clue.Disposal.TALK_INQUIRY: (Decimal("12800.00"), Decimal("12800.00"), {"ADMONISHED": 1, "CRITICISED": 1}),
    Clue.Disposal.PRELIMINARY: (Decimal("23600.00"), Decimal("15000.00"), {"ADMONISHED": 2}),
    Clue.Disposal.CLOSED: (Decimal("0.00"), Decimal("0.00"), {}),
    Clue.Disposal.SHELVED: (Decimal("4200.00"), Decimal("0.00"), {}),
}
RULES = ("村级集体资金使用管理办法", "村务公开和监督管理制度")


def tell(users: dict[str, User]) -> None:
    """Outcomes of every disposed clue of the term, and of the items of the problems they came from."""
    discipline, office = users["discipline"], users["office"]
    clues = Clue.objects.filter(status__in=[Clue.Status.DISPOSED, Clue.Status.FEEDBACK]).select_related(
        "problem", "round__term__county"
    )
    for number, clue in enumerate(clues.order_by("disposed_at", "pk")):
        involved, recovered, people = CLUE_OUTCOMES[clue.disposal]
        assert clue.disposed_at is not None
        reported = workdays.add_working_days(timezone.localdate(clue.disposed_at), 20)
        if reported > clock.real_today():
            continue
        with clock.at(reported, 16):
            actions.record_clue_outcome(
                clue,
                actor=discipline,
                amount_involved=involved,
                amount_recovered=recovered,
                amount_returned=recovered,
                returned_description="违规款项已全部退回村集体账户。" if recovered else "",
                people=people,
                note="已按规定办结。",
            )
        item = LedgerItem.objects.filter(problem_id=clue.problem_id).first() if clue.problem_id else None
        if item is None or not recovered:
            continue
        with clock.at(reported + timedelta(days=7), 10):
            # The money was recovered in the clue's handling and is counted there, once; the item records what its
            # rectification made of it: the rule adopted so that it does not happen again.
            outcome = actions.record_item_outcome(
                item,
                actor=office,
                amount_involved=Decimal("0.00"),
                amount_recovered=Decimal("0.00"),
                amount_returned=Decimal("0.00"),
                note="违规款项已在问题线索处置中追缴并退回村集体账户（见线索处置结果），本村据此建章立制。",
            )
            actions.add_rule(
                outcome,
                title=RULES[number % len(RULES)],
                adopted_on=min(reported + timedelta(days=5), clock.real_today()),
                actor=office,
            )
