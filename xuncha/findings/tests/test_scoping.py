"""Who sees which findings: ``visible_to`` of problems, notices, suggestions, petitions, clues and evidence, as a
matrix over personas.

The scene adds to the world: 第四巡察组 of round 4 on a special inspection of 甲二村 (甲镇) and 乙一村 (乙镇), and
a stationed round of 兴安县 whose group inspects 丙一村, the outsider's county. Group 3 has a paper in each status.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Model

from xuncha.accounts.models import Role, User
from xuncha.accounts.tests.factories import UserFactory, grant
from xuncha.conftest import World
from xuncha.evidence.models import Evidence
from xuncha.evidence.tests.factories import EvidenceFactory
from xuncha.findings.models import Clue, FixType, ImmediateFixNotice, Petition, Problem, Suggestion
from xuncha.findings.tests.factories import (
    ClueFactory,
    NoticeFactory,
    PetitionFactory,
    ProblemFactory,
    SuggestionFactory,
)
from xuncha.inspections.models import Assignment, Round
from xuncha.inspections.tests.factories import GroupFactory, RoundFactory, TermFactory, assign, member

Status = Problem.Status
MODELS: dict[str, type[Any]] = {
    "problem": Problem,
    "notice": ImmediateFixNotice,
    "suggestion": Suggestion,
    "petition": Petition,
    "clue": Clue,
}

GROUP3_PROBLEMS = {"p3_draft", "p3_confirmed", "p3_fed_back", "p3_discarded"}
GROUP4_PROBLEMS = {"p4_a2_fed_back", "p4_b1_fed_back", "p4_b1_draft"}
GROUP3 = {
    "problem": GROUP3_PROBLEMS,
    "notice": {"n3_draft", "n3_fed_back"},
    "suggestion": {"s3"},
    "petition": {"pet3"},
    "clue": set(),
    "evidence": {"e_p3_draft", "e_p3_fed_back", "e_pet3"},
}
GROUP4 = {
    "problem": GROUP4_PROBLEMS,
    "notice": {"n4_b1"},
    "suggestion": {"s4"},
    "petition": {"pet4"},
    "clue": set(),
    "evidence": {"e_p4_b1_fed_back"},
}
KINDS = [*MODELS, "evidence"]  # evidence files are read through their owners, not through a ``visible_to`` of their own
COUNTY = {kind: GROUP3[kind] | GROUP4[kind] for kind in KINDS}
NOTHING: dict[str, set[str]] = {kind: set() for kind in KINDS}

# Office, director and county leaders see their county; groups their own; townships and villages only fed-back
# papers (with their notices and evidence), never drafts, suggestions, petitions or clues; the office of another
# county only its own; the system administrators and accounts without a role nothing.
EXPECTED: dict[str, dict[str, set[str]]] = {
    "office": COUNTY,
    "office_lead": {**COUNTY, "clue": {"c3_transferred", "c3_registered", "c4_transferred"}},
    "leader": COUNTY,
    "group_leader": {**GROUP3, "clue": {"c3_transferred", "c3_registered"}},
    "group_member": GROUP3,
    "group4_member": GROUP4,
    "township_user": {
        **NOTHING,
        "problem": {"p3_fed_back", "p4_a2_fed_back"},
        "notice": {"n3_fed_back"},
        "evidence": {"e_p3_fed_back"},
    },
    "township_b_user": {
        **NOTHING,
        "problem": {"p4_b1_fed_back"},
        "notice": {"n4_b1"},
        "evidence": {"e_p4_b1_fed_back"},
    },
    "village_user": {**NOTHING, "problem": {"p3_fed_back"}, "notice": {"n3_fed_back"}, "evidence": {"e_p3_fed_back"}},
    "discipline": {**NOTHING, "clue": {"c3_transferred"}},
    "org_dept": {**NOTHING, "clue": {"c4_transferred"}},
    "outsider": {
        "problem": {"px_fed_back"},
        "notice": {"nx"},
        "suggestion": {"sx"},
        "petition": {"petx"},
        "clue": set(),
        "evidence": {"e_px"},
    },
    "auditor": NOTHING,
    "sysadmin": NOTHING,
    "nobody": NOTHING,
    "anonymous": NOTHING,
}


@dataclass
class Scene:
    objects: dict[str, Model]

    def names(self, found: Iterable[Model]) -> set[str]:
        by_key = {(type(obj), obj.pk): name for name, obj in self.objects.items()}
        return {by_key.get((type(obj), obj.pk), f"unexpected {obj!r}") for obj in found}


@pytest.fixture
def group4(world: World) -> Assignment:
    """第四巡察组's special inspection of 甲二村 and 乙一村."""
    group = GroupFactory.create(round=world.round, number=4)
    return assign(group, [world.village_a2, world.village_b1], mode=Assignment.Mode.SPECIAL, target=world.county)


@pytest.fixture
def group4_member(group4: Assignment) -> User:
    user = UserFactory.create(username="group4_member")
    member(group4.group, user)
    return user


@pytest.fixture
def township_b_user(world: World) -> User:
    user = UserFactory.create(username="township_b")
    grant(user, Role.TOWNSHIP, world.township_b)
    return user


@pytest.fixture
def org_dept(world: World) -> User:
    user = UserFactory.create(username="org_dept")
    grant(user, Role.ORG_DEPT, world.county)
    return user


@pytest.fixture
def anonymous() -> AnonymousUser:
    return AnonymousUser()


@pytest.fixture
def scene(world: World, group4: Assignment) -> Scene:
    outsider_term = TermFactory.create(county=world.other_county, number=15)
    outsider_round = RoundFactory.create(term=outsider_term, number=1, status=Round.Status.STATIONED)
    outsider_assignment = assign(GroupFactory.create(round=outsider_round, number=1), [world.other_village])
    ours = world.assignment

    def problem(assignment: Assignment, status: str, **fields: Any) -> Problem:
        return ProblemFactory.create(assignment=assignment, status=status, fix_type=FixType.IMMEDIATE, **fields)

    objects: dict[str, Model] = {
        "p3_draft": problem(ours, Status.DRAFT),
        "p3_confirmed": problem(ours, Status.CONFIRMED),
        "p3_fed_back": problem(ours, Status.FED_BACK),
        "p3_discarded": problem(ours, Status.DISCARDED),
        "p4_a2_fed_back": problem(group4, Status.FED_BACK, village=world.village_a2),
        "p4_b1_fed_back": problem(group4, Status.FED_BACK, village=world.village_b1),
        "p4_b1_draft": problem(group4, Status.DRAFT, village=world.village_b1),
        "px_fed_back": problem(outsider_assignment, Status.FED_BACK, serial="兴安-001"),
        "s3": SuggestionFactory.create(assignment=ours),
        "s4": SuggestionFactory.create(assignment=group4, village=world.village_b1),
        "sx": SuggestionFactory.create(assignment=outsider_assignment),
        "pet3": PetitionFactory.create(assignment=ours),
        "pet4": PetitionFactory.create(assignment=group4, village=world.village_b1),
        "petx": PetitionFactory.create(assignment=outsider_assignment),
        "c3_transferred": ClueFactory.create(assignment=ours, status=Clue.Status.TRANSFERRED),
        "c3_registered": ClueFactory.create(assignment=ours),
        "c4_transferred": ClueFactory.create(
            assignment=group4, status=Clue.Status.TRANSFERRED, receiver=Clue.Receiver.ORG_DEPT, village=None
        ),
        "cx_transferred": ClueFactory.create(assignment=outsider_assignment, status=Clue.Status.TRANSFERRED),
    }
    objects |= {
        "n3_draft": NoticeFactory.create(problem=objects["p3_draft"]),
        "n3_fed_back": NoticeFactory.create(problem=objects["p3_fed_back"]),
        "n4_b1": NoticeFactory.create(problem=objects["p4_b1_fed_back"]),
        "nx": NoticeFactory.create(problem=objects["px_fed_back"]),
        "e_p3_draft": _file_of(objects["p3_draft"]),
        "e_p3_fed_back": _file_of(objects["p3_fed_back"]),
        "e_pet3": _file_of(objects["pet3"]),
        "e_p4_b1_fed_back": _file_of(objects["p4_b1_fed_back"]),
        "e_px": _file_of(objects["px_fed_back"]),
    }
    return Scene(objects)


def _file_of(owner: Model) -> Evidence:
    evidence = EvidenceFactory.create()
    assert isinstance(owner, Problem | Petition)
    owner.evidence.add(evidence)
    return evidence


def persona(request: pytest.FixtureRequest, name: str) -> Any:
    return request.getfixturevalue(name)


def test_the_matrix_names_every_row_of_the_scene(scene: Scene) -> None:
    """Each row of the scene is expected by somebody, so no row escapes the matrix."""
    expected = set().union(*(names for row in EXPECTED.values() for names in row.values()))

    assert expected | {"cx_transferred"} == set(scene.objects)


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("name", EXPECTED)
def test_each_persona_sees_exactly_its_findings(
    scene: Scene, request: pytest.FixtureRequest, name: str, model: str
) -> None:
    """Each persona's ``visible_to`` returns (and counts) exactly the rows of its line in EXPECTED."""
    user = persona(request, name)

    visible = MODELS[model].objects.visible_to(user)

    assert scene.names(visible) == EXPECTED[name][model]
    assert visible.count() == len(EXPECTED[name][model])


@pytest.mark.parametrize("name", EXPECTED)
def test_each_persona_reads_exactly_the_files_of_what_it_sees(
    scene: Scene, request: pytest.FixtureRequest, name: str
) -> None:
    """A file is read through its owner: the files of the problems and petitions the persona sees, no other."""
    user = persona(request, name)
    owners: list[Problem | Petition] = [
        *Problem.objects.visible_to(user).prefetch_related("evidence"),
        *Petition.objects.visible_to(user).prefetch_related("evidence"),
    ]

    assert scene.names(evidence for owner in owners for evidence in owner.evidence.all()) == EXPECTED[name]["evidence"]


@pytest.mark.parametrize("status", Status.values)
def test_townships_and_villages_see_a_paper_only_once_fed_back(
    world: World, township_user: User, village_user: User, group_member: User, status: str
) -> None:
    """The same paper of 甲一村 is hidden from 甲镇 and 甲一村 until it is FED_BACK; the group sees it throughout."""
    problem = ProblemFactory.create(assignment=world.assignment, fix_type=FixType.IMMEDIATE)
    NoticeFactory.create(problem=problem)
    Problem.objects.filter(pk=problem.pk).update(status=status)
    fed_back = status == Status.FED_BACK

    for user in (township_user, village_user):
        assert Problem.objects.visible_to(user).filter(pk=problem.pk).exists() is fed_back
        assert ImmediateFixNotice.objects.visible_to(user).exists() is fed_back
    assert Problem.objects.visible_to(group_member).filter(pk=problem.pk).exists()


def test_a_village_does_not_see_its_neighbours_papers(world: World, village_user: User, group4: Assignment) -> None:
    """甲一村 sees its own fed-back paper, not 甲二村's in the same township."""
    ours = ProblemFactory.create(assignment=world.assignment, status=Status.FED_BACK)
    ProblemFactory.create(assignment=group4, village=world.village_a2, status=Status.FED_BACK)

    assert list(Problem.objects.visible_to(village_user)) == [ours]


def test_an_inactive_office_account_sees_nothing(world: World, office: User) -> None:
    """A deactivated account keeps its grants on paper but reads nothing."""
    ProblemFactory.create(assignment=world.assignment)
    office.is_active = False

    assert not Problem.objects.visible_to(office).exists()
    assert not Suggestion.objects.visible_to(office).exists()
