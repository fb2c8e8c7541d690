"""The demo's democratic appraisals (民主测评), through the appraisal actions: in April 2023 第三巡察组 appraised
山东村's two committees — 60 forms, most answered on phones at a villagers' meeting and the rest on paper entered by
a member — and closed it; today the same group's appraisal of 乐江村 in round 6 takes answers through its QR code.

Residents' grades are drawn from a seeded random generator (the same on every load): most judge the two committees
good or fairly good, the openness of village affairs (山东村's tea garden contracts were not published) less so,
and cadres judge their own committee a little better than residents do.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta

from xuncha.accounts.models import User
from xuncha.appraisal import actions
from xuncha.appraisal.devices import device_key
from xuncha.appraisal.models import Appraisal, AppraisalForm, AppraisalItem, Rating
from xuncha.demo import clock
from xuncha.demo.findings_story import SHANDONG
from xuncha.inspections.models import Assignment, Round
from xuncha.organisations.models import AdminUnit

APPRAISAL_SEED = 20230412
LEJIANG = "450328105201"  # 乐江村, brought along by round 6's 巡乡带村 of 乐江镇
Kind = AppraisalForm.RespondentKind

SHANDONG_CADRES = [
    ("潘文", "村党支部书记"),
    ("杨光明", "村委会主任"),
    ("吴秀兰", "村务监督委员会主任"),
    ("潘志强", "村委委员"),
]
LEJIANG_CADRES = [("龙德华", "村党总支书记"), ("谢翠兰", "村委会主任")]

# Weights of 好, 较好, 一般, 差 per standard item; cadres are graded like ``CADRE_WEIGHTS``.
ITEM_WEIGHTS: dict[str, tuple[int, int, int, int]] = {
    "SECRETARY": (56, 30, 11, 3),
    "UNITY": (50, 33, 14, 3),
    "AFFAIRS_OPEN": (32, 33, 26, 9),
    "POLICIES": (47, 34, 16, 3),
    "STYLE": (44, 35, 17, 4),
    "OVERALL": (50, 35, 13, 2),
}
CADRE_WEIGHTS = (46, 35, 15, 4)
# Respondents of 山东村's appraisal: (kind, on phones, on paper).
SHANDONG_RESPONDENTS = [
    (Kind.PARTY_MEMBER, 12, 6),
    (Kind.REPRESENTATIVE, 8, 6),
    (Kind.CADRE, 3, 2),
    (Kind.RESIDENT, 15, 8),
]


def tell(round_: Round, users: dict[str, User]) -> None:
    """Act out the appraisals of ``round_``, while its groups are stationed (rounds 3 and 6 have one)."""
    rng = random.Random(APPRAISAL_SEED + round_.number)
    if round_.number == 3:
        _shandong(round_, users, rng)
    elif round_.number == 6:
        _lejiang(round_, users, rng)


def _assignment(round_: Round, village: AdminUnit) -> Assignment:
    return Assignment.objects.get(round=round_, covered__village=village)


def _grades(items: list[AppraisalItem], kind: str, rng: random.Random) -> dict[int, str]:
    grades: dict[int, str] = {}
    for item in items:
        weights = list(ITEM_WEIGHTS.get(item.key, CADRE_WEIGHTS))
        if kind == Kind.CADRE:  # a cadre grades the committee he or she sits on a little better
            weights[0] += 20
        grades[item.pk] = rng.choices(Rating.values, weights=weights)[0]
    return grades


def _phones(appraisal: Appraisal, kinds: Sequence[str], rng: random.Random) -> None:
    items = list(appraisal.items.order_by("position"))
    for kind in kinds:
        token = f"demo-{rng.getrandbits(128):032x}"
        actions.submit_phone_form(
            appraisal, respondent_kind=kind, ratings=_grades(items, kind, rng), device_key=device_key(appraisal, token)
        )


def _paper(appraisal: Appraisal, kinds: Sequence[str], member: User, rng: random.Random) -> None:
    """The member sorts the paper forms into piles of the same answers and enters each pile once."""
    items = list(appraisal.items.order_by("position"))
    piles = Counter((kind, tuple(sorted(_grades(items, kind, rng).items()))) for kind in kinds)
    for (kind, grades), count in sorted(piles.items()):
        actions.enter_paper_forms(appraisal, respondent_kind=kind, ratings=dict(grades), count=count, actor=member)


def _shandong(round_: Round, users: dict[str, User], rng: random.Random) -> None:
    village = AdminUnit.objects.get(code=SHANDONG)
    assignment = _assignment(round_, village)
    meeting = date(2023, 4, 12)
    with clock.at(meeting, 8, 40):
        appraisal = actions.open_appraisal(
            assignment,
            village,
            title="山东村村“两委”班子及干部民主测评",
            cadres=SHANDONG_CADRES,
            actor=users["group3_leader"],
        )
    phones = [kind for kind, on_phones, _on_paper in SHANDONG_RESPONDENTS for _n in range(on_phones)]
    paper = [kind for kind, _on_phones, on_paper in SHANDONG_RESPONDENTS for _n in range(on_paper)]
    rng.shuffle(phones)
    # Most answered at the villagers' meeting that evening, the rest in the two days after.
    for day, share in (
        (meeting, phones[:26]),
        (meeting + timedelta(days=1), phones[26:33]),
        (meeting + timedelta(2), phones[33:]),
    ):
        with clock.at(day, 20):
            _phones(appraisal, share, rng)
    with clock.at(meeting + timedelta(days=2), 16):
        _paper(appraisal, paper, users["inspector05"], rng)
    with clock.at(date(2023, 4, 20), 17, 30):
        actions.close_appraisal(appraisal, actor=users["group3_leader"])


def _lejiang(round_: Round, users: dict[str, User], rng: random.Random) -> None:
    village = AdminUnit.objects.get(code=LEJIANG)
    assignment = _assignment(round_, village)
    today = clock.real_today()
    opened = today - timedelta(days=3)
    with clock.at(opened, 9):
        appraisal = actions.open_appraisal(
            assignment,
            village,
            title="乐江村村“两委”班子及干部民主测评",
            cadres=LEJIANG_CADRES,
            actor=users["group3_leader"],
        )
    kinds = [Kind.PARTY_MEMBER] * 4 + [Kind.REPRESENTATIVE] * 3 + [Kind.RESIDENT] * 5
    rng.shuffle(kinds)
    for offset, share in ((0, kinds[:7]), (1, kinds[7:10]), (2, kinds[10:])):
        with clock.at(opened + timedelta(days=offset), 20):
            _phones(appraisal, share, rng)
