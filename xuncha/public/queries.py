"""Reads of the residents' side: the stage a resident's petition has reached (the receipt lookup), what was published
(双公开) and how satisfied residents are. The figures are each one aggregate query over the queryset they are given,
so a dashboard scopes them by filtering first, e.g.
``SurveyAnswer.objects.filter(survey__village__path__under=county.path)``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.translation import pgettext_lazy

from xuncha.findings.models import Petition, Problem
from xuncha.public.models import SHOWN_Q, Disclosure, ResidentConfirmation, SurveyAnswer
from xuncha.rectification.closing import CURRENT_ANSWER, Confirmations
from xuncha.rectification.models import LedgerItem
from xuncha.rectification.permissions import reads_round_lists
from xuncha.rectification.queries import rate

if TYPE_CHECKING:
    from xuncha.accounts.scoping import AnyUser

Rating = SurveyAnswer.Rating


class ReceiptStage(models.TextChoices):
    """What a resident is told of their petition by its receipt code (受理 → 核实中 → 整改中 → 已整改并回访, or
    已办结), and nothing else: not how it was settled, by whom, or what it led to."""

    RECEIVED = "RECEIVED", pgettext_lazy("receipt stage", "Received")
    VERIFYING = "VERIFYING", pgettext_lazy("receipt stage", "Being verified")
    RECTIFYING = "RECTIFYING", pgettext_lazy("receipt stage", "Being rectified")
    RECTIFIED = "RECTIFIED", pgettext_lazy("receipt stage", "Rectified")
    VISITED = "VISITED", pgettext_lazy("receipt stage", "Rectified and verified on a return visit")
    CONCLUDED = "CONCLUDED", pgettext_lazy("receipt stage", "Concluded")


RECEIPT_EXPLANATIONS = {
    ReceiptStage.RECEIVED: pgettext_lazy(
        "receipt stage", "The inspection group has your message and will look into it."
    ),
    ReceiptStage.VERIFYING: pgettext_lazy("receipt stage", "The inspection group is verifying what you reported."),
    ReceiptStage.RECTIFYING: pgettext_lazy(
        "receipt stage", "What you reported was confirmed and fed back for rectification, which is under way."
    ),
    ReceiptStage.RECTIFIED: pgettext_lazy("receipt stage", "The rectification of what you reported is done."),
    ReceiptStage.VISITED: pgettext_lazy(
        "receipt stage", "The rectification is done and was checked on site on a return visit."
    ),
    ReceiptStage.CONCLUDED: pgettext_lazy("receipt stage", "The inspection group has finished handling your message."),
}


def receipt_stage(petition: Petition) -> ReceiptStage:
    """The stage of ``petition`` as its sender may know it.

    A petition turned into a problem is being verified until the problem is fed back, then rectified through its
    ledger item(s), and done once every item is closed (after a verified return visit: 已整改并回访). Petitions
    explained, forwarded or merged as duplicates are concluded. A petition registered as a sealed clue reads as
    being verified for ever, exactly like a problem not yet fed back, so that no one learns a clue exists.
    """
    Disposition = Petition.Disposition
    if petition.status == Petition.Status.RECEIVED:
        return ReceiptStage.RECEIVED
    if petition.disposition == Disposition.CLUE:
        return ReceiptStage.VERIFYING
    if petition.disposition != Disposition.PROBLEM or petition.problem_id is None:
        return ReceiptStage.CONCLUDED
    problem = Problem.objects.only("status", "village_id").get(pk=petition.problem_id)
    if problem.status == Problem.Status.DISCARDED:
        # The group looked into it and found nothing to rectify.
        return ReceiptStage.CONCLUDED
    if problem.status != Problem.Status.FED_BACK:
        return ReceiptStage.VERIFYING
    items = list(_problem_items(problem).values_list("status", "verified_at").distinct())
    if not items or any(status != LedgerItem.Status.CLOSED for status, _verified in items):
        return ReceiptStage.RECTIFYING
    if all(verified is not None for _status, verified in items):
        return ReceiptStage.VISITED
    return ReceiptStage.RECTIFIED


def _problem_items(problem: Problem) -> QuerySet[LedgerItem]:
    """The problem's own item on an individual list, or its village's share of a common item built from it."""
    return LedgerItem.objects.filter(
        Q(problem_id=problem.pk) | Q(common_item__problems=problem.pk, village_id=problem.village_id)
    )


def petition_open_items(petition: Petition) -> list[LedgerItem]:
    """The items a petitioner may say are fixed or not: those of the problem the petition became, not yet closed,
    and only while its receipt reads "being rectified" (so that a clue, or a problem not fed back, offers none)."""
    if receipt_stage(petition) != ReceiptStage.RECTIFYING or petition.problem_id is None:
        return []
    problem = Problem.objects.only("village_id").get(pk=petition.problem_id)
    return list(_problem_items(problem).exclude(status=LedgerItem.Status.CLOSED).distinct().order_by("number", "pk"))


@dataclass(frozen=True)
class ConfirmationRow:
    """What the item's page shows of one resident's answer: never the device key; the channel (which tells the
    petitioner apart) only to readers from the county's side, never to the township or the village, who read of
    the petitioner's answer only that a resident gave it and what it is, not its words or photo (``withheld``).
    ``current`` is false for an answer given before the item was last reopened (``closing.CURRENT_ANSWER``)."""

    answer: str
    answer_label: str
    comment: str
    created_at: datetime
    channel_label: str
    photo_url: str
    current: bool = True
    withheld: bool = False


def confirmation_panel(user: AnyUser, item: LedgerItem) -> dict[str, Any]:
    """The residents' answers to ``item`` as ``user`` may read them, newest first, and the counts of those given
    since the item was last reopened. Two queries.

    The petitioner's answers (channel RECEIPT) come with words that may tell the village who wrote them: their words
    and photo go to readers from the county's side only (``reads_round_lists``: the office, county leaders, the
    groups); the township and the village read that a resident answered, and the answer."""
    rows = list(
        ResidentConfirmation.objects.visible_to(user)
        .filter(item=item)
        .annotate(current=CURRENT_ANSWER)
        .select_related("photo")
        .order_by("-created_at", "-pk")
    )
    county_side = reads_round_lists(user)
    Answer = ResidentConfirmation.Answer
    shown = []
    for row in rows:
        withheld = not county_side and row.channel == ResidentConfirmation.Channel.RECEIPT
        shown.append(
            ConfirmationRow(
                answer=row.answer,
                answer_label=row.get_answer_display(),
                comment="" if withheld else row.comment,
                created_at=row.created_at,
                channel_label=row.get_channel_display() if county_side else "",
                photo_url=(
                    reverse("disclosure:confirmation-photo", args=[item.village.code, row.pk])
                    if row.photo_id and not withheld
                    else ""
                ),
                current=row.current,
                withheld=withheld,
            )
        )
    counts = Confirmations(
        resolved=sum(row.current and row.answer == Answer.RESOLVED for row in rows),
        unresolved=sum(row.current and row.answer == Answer.UNRESOLVED for row in rows),
    )
    return {"rows": shown, "counts": counts}


def survey_figures(answers: QuerySet[SurveyAnswer]) -> dict[str, Any]:
    """Counts of ``answers`` by rating, the surveys they answer, and the satisfaction rate: satisfied and fairly
    satisfied answers as a share of all answers (the way 满意度 is usually reported)."""
    row = answers.order_by().aggregate(
        surveys=Count("survey", distinct=True),
        answers=Count("pk"),
        satisfied=Count("pk", filter=Q(rating=Rating.SATISFIED)),
        fairly_satisfied=Count("pk", filter=Q(rating=Rating.FAIRLY_SATISFIED)),
        dissatisfied=Count("pk", filter=Q(rating=Rating.DISSATISFIED)),
    )
    row["satisfaction_rate"] = rate(row["satisfied"] + row["fairly_satisfied"], row["answers"])
    return row


def disclosure_figures(disclosures: QuerySet[Disclosure]) -> dict[str, Any]:
    """Results residents can read now among ``disclosures`` (not withdrawn, item still done), and their villages."""
    row: dict[str, Any] = disclosures.order_by().aggregate(
        published=Count("pk", filter=SHOWN_Q),
        villages=Count("item__village", filter=SHOWN_Q, distinct=True),
    )
    return row
