"""Fixtures of the democratic appraisal: an appraisal of 甲一村 opened by 第三巡察组's leader, with two cadres, and
helpers that fill it with forms of known grades."""

from __future__ import annotations

import pytest

from xuncha.accounts.actors import SYSTEM
from xuncha.accounts.models import User
from xuncha.appraisal import actions
from xuncha.appraisal.models import Appraisal, AppraisalForm, Rating
from xuncha.conftest import World

CADRES = [("韦秀英", "村党支部书记"), ("潘德明", "村委会主任")]


@pytest.fixture
def appraisal(world: World, group_leader: User) -> Appraisal:
    return actions.open_appraisal(
        world.assignment, world.village_a1, title="甲一村民主测评", cadres=CADRES, actor=group_leader
    )


def grades(appraisal: Appraisal, rating: str = Rating.GOOD, **by_position: str) -> dict[int, str]:
    """One grade for every item: ``rating``, except items named by position (``p1="POOR"``)."""
    return {item.pk: by_position.get(f"p{item.position}", rating) for item in appraisal.items.order_by("position")}


def fill(appraisal: Appraisal) -> None:
    """Ten forms of known grades: 6 on phones, 4 on paper.

    phones: 3 party members all GOOD; 2 residents all FAIRLY_GOOD; 1 resident all POOR but item 1 AVERAGE.
    paper: 4 villagers' representatives all AVERAGE but item 1 GOOD.
    Item 1 (secretary): GOOD 3+4=7, FAIRLY_GOOD 2, AVERAGE 1, POOR 0 → satisfied 9/10.
    Other items: GOOD 3, FAIRLY_GOOD 2, AVERAGE 4, POOR 1 → satisfied 5/10.
    """
    kinds = AppraisalForm.RespondentKind
    phones = [
        (kinds.PARTY_MEMBER, grades(appraisal, Rating.GOOD)),
        (kinds.PARTY_MEMBER, grades(appraisal, Rating.GOOD)),
        (kinds.PARTY_MEMBER, grades(appraisal, Rating.GOOD)),
        (kinds.RESIDENT, grades(appraisal, Rating.FAIRLY_GOOD)),
        (kinds.RESIDENT, grades(appraisal, Rating.FAIRLY_GOOD)),
        (kinds.RESIDENT, grades(appraisal, Rating.POOR, p1=Rating.AVERAGE)),
    ]
    for index, (kind, ratings) in enumerate(phones):
        actions.submit_phone_form(appraisal, respondent_kind=kind, ratings=ratings, device_key=f"{index:x}" * 64)
    actions.enter_paper_forms(
        appraisal,
        respondent_kind=kinds.REPRESENTATIVE,
        ratings=grades(appraisal, Rating.AVERAGE, p1=Rating.GOOD),
        count=4,
        actor=SYSTEM,
    )
