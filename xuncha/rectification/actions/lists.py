"""Build the two lists of a round: a village's individual list (个性清单) from its confirmed problems, and the
common list (共性清单) of problems shared by several villages, each item naming the villages it applies to;
neither changes once a village has had its feedback."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from xuncha.accounts.actors import Actor, require, user_or_none
from xuncha.audit.actions import record_event, withheld
from xuncha.core.exceptions import Conflict, TransitionNotAllowed
from xuncha.findings import sealing
from xuncha.findings.models import Category, FixType, Problem
from xuncha.inspections.models import Round
from xuncha.organisations.models import AdminUnit
from xuncha.rectification import permissions
from xuncha.rectification.actions._common import _check_feedback_time, _office
from xuncha.rectification.models import CommonItem, Feedback, ListEntry, ProblemList

if TYPE_CHECKING:
    pass


def _fed_back_villages(round_: Round) -> set[int]:
    return set(Feedback.objects.filter(round=round_).values_list("village_id", flat=True))


@transaction.atomic
def build_individual_list(round_: Round, village: AdminUnit, *, actor: Actor) -> ProblemList:
    """Build (or bring up to date, until it is fed back) a village's individual list (个性清单) from its confirmed
    problems of the round, leaving out those stated on the common list."""
    require(actor, permissions.can_build_lists(actor, round_), _("Only the inspection office builds lists."))
    _check_feedback_time(round_)
    if not round_.assignments.filter(covered__village=village).exists():
        raise Conflict(_("%(village)s was not inspected in this round.") % {"village": village})
    if village.pk in _fed_back_villages(round_):
        raise TransitionNotAllowed(_("The list of %(village)s was already fed back.") % {"village": village})
    problem_list, _created = ProblemList.objects.get_or_create(
        round=round_,
        kind=ProblemList.Kind.INDIVIDUAL,
        village=village,
        defaults={"created_by": user_or_none(actor) or _office(round_)},
    )
    new = Problem.objects.filter(
        round=round_,
        village=village,
        status=Problem.Status.CONFIRMED,
        list_entry__isnull=True,
        common_items__isnull=True,
    )
    added = ListEntry.objects.bulk_create([ListEntry(problem_list=problem_list, problem=problem) for problem in new])
    record_event(
        "rectification.list_built",
        problem_list,
        actor=actor,
        unit=village,
        after={"added": [entry.problem.serial for entry in added], "entries": problem_list.entries.count()},
    )
    return problem_list


@transaction.atomic
def add_common_item(
    round_: Round,
    *,
    text: str,
    category: str,
    fix_type: str,
    problems: Sequence[Problem],
    villages: Sequence[AdminUnit],
    actor: Actor,
) -> CommonItem:
    """State one problem shared by several villages on the round's common list (共性清单), built from problems
    picked in different villages, and name every village it applies to."""
    require(actor, permissions.can_build_lists(actor, round_), _("Only the inspection office builds lists."))
    _check_feedback_time(round_)
    if category not in Category.values or fix_type not in FixType.values:
        raise Conflict(_("Choose a category and a rectification type."))
    if not text.strip():
        raise Conflict(_("State the shared problem."))
    problems = list({problem.pk: problem for problem in problems}.values())
    if len({problem.village_id for problem in problems}) < 2:
        raise Conflict(_("A common item is built from problems of at least two villages."))
    wrong = [p for p in problems if p.round_id != round_.pk or p.status != Problem.Status.CONFIRMED]
    if wrong:
        raise Conflict(_("%(serial)s is not a confirmed problem of this round.") % {"serial": wrong[0].serial})
    taken = CommonItem.problems.through.objects.filter(problem__in=problems).select_related("problem").first()
    if taken is not None:
        raise Conflict(_("%(serial)s is already stated on the common list.") % {"serial": taken.problem.serial})
    villages = list({village.pk: village for village in villages}.values())
    named = {village.pk for village in villages}
    missing = [p.village for p in problems if p.village_id not in named]
    if missing:
        raise Conflict(_("Name %(village)s, where a picked problem was found.") % {"village": missing[0]})
    covered = set(round_.assignments.values_list("covered__village_id", flat=True))
    outside = [village for village in villages if village.pk not in covered]
    if outside:
        raise Conflict(_("%(village)s was not inspected in this round.") % {"village": outside[0]})
    fed_back = [village for village in villages if village.pk in _fed_back_villages(round_)]
    if fed_back:
        raise TransitionNotAllowed(_("%(village)s has already had its feedback.") % {"village": fed_back[0]})
    # Every village fed back reads the whole common list at once: an item may not repeat a sealed clue of any village
    # it names (publishing checks the items there were; this one would reach the villages already fed back now).
    stated = sealing.FedBackText(_("The common item"), frozenset(village.pk for village in villages), text)
    if sealing.repeats(round_.pk, [stated]):
        raise Conflict(_("The common item repeats a sealed clue's words; state it in words fit for feedback."))
    common_list, _created = ProblemList.objects.get_or_create(
        round=round_, kind=ProblemList.Kind.COMMON, defaults={"created_by": user_or_none(actor) or _office(round_)}
    )
    number = (common_list.common_items.aggregate(last=Max("number"))["last"] or 0) + 1
    item = CommonItem.objects.create(
        problem_list=common_list, number=number, text=text.strip(), category=category, fix_type=fix_type
    )
    item.villages.set(villages)
    item.problems.set(problems)
    # A picked problem is now stated on the common list; it leaves its village's individual list.
    ListEntry.objects.filter(problem__in=problems).delete()
    record_event(
        "rectification.common_item_added",
        item,
        actor=actor,
        after={
            "text": withheld(item.text),
            "villages": [village.code for village in villages],
            "problems": [problem.serial for problem in problems],
        },
    )
    return item
