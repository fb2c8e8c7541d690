"""Reads of the group's records: the 六必谈 checklist of an assignment's villages, and the counts the office sees."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from xuncha.fieldwork.models import MUST_TALK, DocumentReview, FieldVisit, Hearing, TalkRecord, TalkRole

if TYPE_CHECKING:
    from xuncha.accounts.scoping import AnyUser
    from xuncha.inspections.models import Assignment
    from xuncha.organisations.models import AdminUnit


@dataclass(frozen=True)
class VillageChecklist:
    """One village's 六必谈: the posts talked to and those still to be talked to."""

    village: AdminUnit
    done: list[TalkRole]
    missing: list[TalkRole]


def talk_checklist(user: AnyUser, assignment: Assignment, villages: list[AdminUnit]) -> list[VillageChecklist]:
    """Per village of the assignment, which of the six posts have had their talk (one query)."""
    held = set(
        TalkRecord.objects.visible_to(user)
        .filter(assignment=assignment, talk_role__in=MUST_TALK)
        .values_list("village_id", "talk_role")
    )
    return [
        VillageChecklist(
            village,
            [role for role in MUST_TALK if (village.pk, role) in held],
            [role for role in MUST_TALK if (village.pk, role) not in held],
        )
        for village in villages
    ]


def record_counts(user: AnyUser, assignment: Assignment) -> dict[str, int]:
    """How many records of each kind the assignment has, for whoever may count them (the office too)."""
    return {
        "talks": TalkRecord.objects.countable_to(user).filter(assignment=assignment).count(),
        "reviews": DocumentReview.objects.countable_to(user).filter(assignment=assignment).count(),
        "visits": FieldVisit.objects.countable_to(user).filter(assignment=assignment).count(),
        "hearings": Hearing.objects.countable_to(user).filter(assignment=assignment).count(),
    }
