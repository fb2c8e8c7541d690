"""Closing an item with four eyes (联审销号), and what the closer reads before closing.

Two rules come on top of the item's state (``refusals.why_not_close_item``):

* whoever verified the item on a return visit does not close it: another person of the office does;
* some items close only by the office director (``XUNCHA_CLOSING_NEEDS_DIRECTOR``): items of key villages
  (``KEY_VILLAGE``) and items a return visit found not fixed before (``FAILED_VISIT``).

``why_not_close_by`` answers ``None`` or the reason; ``close_item`` enforces it and the item's page shows it next to
the disabled button. ``checklist`` is what the closing form shows: evidence, the township's opinion, the visit's
verdict, who verified it and the residents' confirmations.

A third rule comes from residents (``public.ResidentConfirmation``): when the "not fixed" answers to the item hold
(``objection_holds``: at least ``XUNCHA_UNRESOLVED_MIN`` of them, and more than ``XUNCHA_UNRESOLVED_SHARE`` of all its
answers), only the office director closes it, and only with a reason that overrides the residents' objection.
The answers are read through the item's reverse relation: the residents' app builds on this one.

Which answers count (``CURRENT_ANSWER``): each phone has one answer per item, which it may replace at any time (the
answer then dates from its replacement); and only answers given after the item was last reopened (its latest
``Progress`` step of kind REOPEN, by the moment it was written) count. An answer about the work before a reopening
judged work that was since found wanting and redone: it stays on the item's page, but neither holds the item nor
counts in the figures; the residents who still see a fault answer again. An item never reopened counts every answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _

from xuncha.accounts.actors import SYSTEM, Actor
from xuncha.accounts.models import Role
from xuncha.accounts.permissions import has_role_over
from xuncha.audit.labels import person_label
from xuncha.organisations.models import Category
from xuncha.rectification.models import LedgerItem, Progress, VisitCheck

if TYPE_CHECKING:
    from xuncha.accounts.scoping import AnyUser

KEY_VILLAGE = "KEY_VILLAGE"
# A resident's answer (``public.ResidentConfirmation``) that counts: none of its item's REOPEN steps was written at
# or after it (see the module's docstring).
CURRENT_ANSWER = ~Exists(
    Progress.objects.filter(item=OuterRef("item"), kind=Progress.Kind.REOPEN, created_at__gte=OuterRef("created_at"))
)
FAILED_VISIT = "FAILED_VISIT"


def is_director(user: AnyUser | Actor | None, item: LedgerItem) -> bool:
    """The inspection office director of the item's county."""
    return user is not SYSTEM and has_role_over(user, [Role.OFFICE_LEAD], item.round.term.county)


def why_director_needed(item: LedgerItem) -> str | None:
    """Why only the director closes this item, or ``None`` when any person of the office may."""
    rules = settings.XUNCHA_CLOSING_NEEDS_DIRECTOR
    if KEY_VILLAGE in rules and item.village.category == Category.KEY:
        return _("An item of a key village is closed by the office director.")
    if FAILED_VISIT in rules and item.failed_visits:
        return _("A return visit found this item not fixed before: the office director closes it.")
    return None


def why_not_close_by(user: AnyUser | Actor | None, item: LedgerItem) -> str | None:
    """The four-eyes rules of closing, for a user the office's permission already lets close items."""
    if user is SYSTEM:
        return None
    if item.verified_by_id is not None and item.verified_by_id == getattr(user, "pk", None):
        return _("You verified this item on the return visit: another person of the office closes it (four eyes).")
    reason = why_director_needed(item)
    if reason is not None and not is_director(user, item):
        return reason
    return None


@dataclass(frozen=True)
class Confirmations:
    """The residents' answers to an item: how many say it is fixed, how many say it is not."""

    resolved: int = 0
    unresolved: int = 0

    @property
    def total(self) -> int:
        return self.resolved + self.unresolved

    @property
    def objection_holds(self) -> bool:
        """Enough "not fixed" answers, and a large enough share of them, to hold the item open."""
        if self.unresolved < settings.XUNCHA_UNRESOLVED_MIN:
            return False
        return self.unresolved > settings.XUNCHA_UNRESOLVED_SHARE * self.total


def confirmations(item: LedgerItem) -> Confirmations:
    """The residents' answers to ``item`` given since it was last reopened, counted in one query."""
    row = (
        item.resident_confirmations.filter(CURRENT_ANSWER)
        .order_by()
        .aggregate(
            resolved=Count("pk", filter=Q(answer="RESOLVED")), unresolved=Count("pk", filter=Q(answer="UNRESOLVED"))
        )
    )
    return Confirmations(resolved=row["resolved"], unresolved=row["unresolved"])


def objection_reason(counts: Confirmations) -> str:
    return _(
        "Residents say this item is not fixed (%(unresolved)s of %(total)s answers): only the office director closes "
        "it, with a reason that overrides their objection."
    ) % {"unresolved": counts.unresolved, "total": counts.total}


def why_objection_blocks(user: AnyUser | Actor | None, item: LedgerItem) -> str | None:
    """Why the residents' objection stops ``user`` closing the item, or ``None`` (no objection, or the director,
    who closes it with an override reason)."""
    if user is SYSTEM:
        return None
    counts = confirmations(item)
    if counts.objection_holds and not is_director(user, item):
        return objection_reason(counts)
    return None


@dataclass(frozen=True)
class Check:
    """One line of the closing checklist: what it is, what the record says, and whether it is in order."""

    label: str
    value: str
    ok: bool


def checklist(item: LedgerItem) -> list[Check]:
    """What the closer reads before closing: the evidence filed, the township's opinion, the return visit's verdict
    and who verified the item, the residents' confirmations, and who may close it. Five queries at most."""
    files = Progress.evidence.through.objects.filter(
        progress__item=item, progress__kind=Progress.Kind.SUBMISSION
    ).count()
    review = item.progress.filter(kind=Progress.Kind.APPROVAL).order_by("-pk").first()
    check = (
        VisitCheck.objects.filter(item=item)
        .exclude(verdict="")
        .select_related("visit")
        .order_by("-visit__visited_on", "-pk")
        .first()
    )
    verified_by = item.verified_by if item.verified_by_id else None  # one more query when the item was verified
    lines = [
        Check(_("Evidence filed with the submission"), _("%(count)s files") % {"count": files}, files > 0),
        Check(
            _("The township's opinion"),
            review.text if review is not None else _("none recorded"),
            review is not None,
        ),
    ]
    if check is not None:
        lines.append(
            Check(
                _("Return visit"),
                f"{check.visit.visited_on} · {check.get_verdict_display()}",
                check.verdict == VisitCheck.Verdict.VERIFIED,
            )
        )
    elif item.needs_return_visit:
        lines.append(Check(_("Return visit"), _("not yet verified"), False))
    if verified_by is not None:
        lines.append(Check(_("Verified by"), person_label(str(verified_by), verified_by.title), True))
    counts = confirmations(item)
    lines.append(
        Check(
            _("Residents' confirmations"),
            _("%(resolved)s resolved / %(unresolved)s not resolved")
            % {"resolved": counts.resolved, "unresolved": counts.unresolved},
            not counts.objection_holds,
        )
    )
    director = why_director_needed(item)
    if counts.objection_holds:
        director = objection_reason(counts)
    lines.append(Check(_("Who closes it"), director or _("any person of the office but the verifier"), True))
    return lines
