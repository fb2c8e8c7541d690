"""The tallies of an appraisal (测评结果): forms counted by kind of respondent and channel, and each item's grades
counted with their shares and the satisfaction rate (好 and 较好 among the grades given). Three aggregate queries,
whatever the number of forms."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count

from xuncha.appraisal.models import SATISFIED, Appraisal, AppraisalAnswer, AppraisalForm, AppraisalItem, Rating


def percent(part: int, whole: int) -> Decimal:
    """``part`` of ``whole`` in per cent with one decimal, rounded half up (0 of nothing is 0)."""
    if not whole:
        return Decimal("0.0")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def form_counts(appraisal: Appraisal) -> dict[str, int]:
    """The number of forms in all and by channel, for the closing event (keys labelled in ``EVENT_KEY_LABELS``)."""
    rows = dict(
        AppraisalForm.objects.filter(appraisal=appraisal)
        .order_by()
        .values("channel")
        .annotate(n=Count("pk"))
        .values_list("channel", "n")
    )
    phone, paper = rows.get(AppraisalForm.Channel.PHONE, 0), rows.get(AppraisalForm.Channel.PAPER, 0)
    return {"forms": phone + paper, "forms_phone": phone, "forms_paper": paper}


@dataclass(frozen=True)
class KindRow:
    """The forms of one kind of respondent, by channel."""

    kind: str
    label: str
    phone: int
    paper: int

    @property
    def total(self) -> int:
        return self.phone + self.paper


@dataclass(frozen=True)
class ItemRow:
    """One item's grades: counts in the order of ``Rating``, their shares, and the satisfaction rate."""

    item: AppraisalItem
    counts: tuple[int, ...]

    @property
    def answered(self) -> int:
        return sum(self.counts)

    @property
    def shares(self) -> tuple[Decimal, ...]:
        return tuple(percent(count, self.answered) for count in self.counts)

    @property
    def cells(self) -> list[tuple[int, Decimal]]:
        return list(zip(self.counts, self.shares, strict=True))

    @property
    def satisfied(self) -> int:
        ratings = list(Rating.values)
        return sum(self.counts[ratings.index(rating)] for rating in SATISFIED)

    @property
    def satisfaction(self) -> Decimal:
        return percent(self.satisfied, self.answered)


@dataclass(frozen=True)
class Tallies:
    kinds: list[KindRow]
    items: list[ItemRow]

    @property
    def forms(self) -> int:
        return sum(row.total for row in self.kinds)

    @property
    def phone(self) -> int:
        return sum(row.phone for row in self.kinds)

    @property
    def paper(self) -> int:
        return sum(row.paper for row in self.kinds)

    @property
    def satisfaction(self) -> Decimal:
        """Of every grade given on every item, the share of 好 and 较好."""
        return percent(sum(row.satisfied for row in self.items), sum(row.answered for row in self.items))

    @property
    def standard_items(self) -> list[ItemRow]:
        return [row for row in self.items if row.item.kind == AppraisalItem.Kind.STANDARD]

    @property
    def cadre_items(self) -> list[ItemRow]:
        return [row for row in self.items if row.item.kind == AppraisalItem.Kind.CADRE]


def tallies(appraisal: Appraisal) -> Tallies:
    """The appraisal's tallies: three queries (forms by kind and channel, items, grades by item)."""
    by_kind: dict[tuple[str, str], int] = {
        (kind, channel): n
        for kind, channel, n in AppraisalForm.objects.filter(appraisal=appraisal)
        .order_by()
        .values("respondent_kind", "channel")
        .annotate(n=Count("pk"))
        .values_list("respondent_kind", "channel", "n")
    }
    kinds = [
        KindRow(
            kind,
            str(label),
            by_kind.get((kind, AppraisalForm.Channel.PHONE), 0),
            by_kind.get((kind, AppraisalForm.Channel.PAPER), 0),
        )
        for kind, label in AppraisalForm.RespondentKind.choices
    ]
    grades: dict[tuple[int, str], int] = {
        (item_id, rating): n
        for item_id, rating, n in AppraisalAnswer.objects.filter(item__appraisal=appraisal)
        .order_by()
        .values("item_id", "rating")
        .annotate(n=Count("pk"))
        .values_list("item_id", "rating", "n")
    }
    items = [
        ItemRow(item, tuple(grades.get((item.pk, rating), 0) for rating in Rating.values))
        for item in AppraisalItem.objects.filter(appraisal=appraisal).order_by("position")
    ]
    return Tallies(kinds, items)
