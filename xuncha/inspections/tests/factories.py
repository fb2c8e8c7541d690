from __future__ import annotations

from datetime import date

import factory

from xuncha.accounts.models import User
from xuncha.inspections.models import (
    Assignment,
    AssignmentVillage,
    InspectionGroup,
    Membership,
    Round,
    Term,
)
from xuncha.organisations.models import AdminUnit


class TermFactory(factory.django.DjangoModelFactory[Term]):
    class Meta:
        model = Term

    number = factory.Sequence(lambda n: 15 + n)
    name = factory.LazyAttribute(lambda term: f"第{term.number}届县委")
    start_date = date(2021, 10, 1)


class RoundFactory(factory.django.DjangoModelFactory[Round]):
    class Meta:
        model = Round

    term = factory.SubFactory(TermFactory)
    number = factory.Sequence(lambda n: n + 1)
    start_date = date(2023, 9, 1)
    end_date = date(2023, 11, 30)


class GroupFactory(factory.django.DjangoModelFactory[InspectionGroup]):
    class Meta:
        model = InspectionGroup

    round = factory.SubFactory(RoundFactory)
    number = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda group: InspectionGroup.default_name(group.number))


def member(group: InspectionGroup, user: User, role: str = Membership.GroupRole.MEMBER) -> Membership:
    return Membership.objects.create(group=group, user=user, role=role)


def assign(
    group: InspectionGroup,
    villages: list[AdminUnit],
    *,
    mode: str = Assignment.Mode.DIRECT,
    target: AdminUnit | None = None,
) -> Assignment:
    """An assignment written directly (tests of ``assign_targets`` go through the action)."""
    round_ = group.round
    assignment = Assignment.objects.create(
        round=round_,
        group=group,
        mode=mode,
        target=target or villages[0],
        stationed_from=round_.start_date,
        stationed_until=round_.end_date,
    )
    AssignmentVillage.objects.bulk_create(
        [AssignmentVillage(assignment=assignment, village=village, round=round_) for village in villages]
    )
    return assignment
