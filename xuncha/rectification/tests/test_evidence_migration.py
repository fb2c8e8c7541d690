"""Moving evidence to its own app keeps every file's owner: a database of the old schema (one owner key on each
file) migrates to links held by the owners, and back."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from xuncha.accounts.models import User
from xuncha.conftest import World
from xuncha.evidence.models import Evidence
from xuncha.evidence.tests.factories import EvidenceFactory
from xuncha.findings.models import Petition, Problem
from xuncha.findings.tests.factories import PetitionFactory, ProblemFactory
from xuncha.rectification.models import Progress, VisitCheck
from xuncha.rectification.tests.factories import ledger_item, visit

OLD = [("findings", "0005_evidence_on_rectification"), ("rectification", "0002_item_done_on")]
KEYS = ("problem_id", "petition_id", "progress_id", "visit_check_id")


def _migrate(targets: list[tuple[str, str | None]], state: list[tuple[str, str]]) -> Any:
    """Migrate to ``targets`` and return the models as they are after the migrations ``state``."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(state).apps


@pytest.fixture
def _latest_afterwards() -> Iterator[None]:
    """Whatever the test leaves, the database ends on the latest migrations for the tests that follow."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _links() -> set[tuple[str, int, int]]:
    owners: list[Problem | Petition | Progress | VisitCheck] = [
        *Problem.objects.all(),
        *Petition.objects.all(),
        *Progress.objects.all(),
        *VisitCheck.objects.all(),
    ]
    return {(type(owner).__name__, owner.pk, file.pk) for owner in owners for file in owner.evidence.all()}


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_latest_afterwards")
def test_the_owner_keys_become_links_and_back(world: World, office: User) -> None:
    """Links written back into the owner keys come forward again, with a file written under the old schema."""
    problem = ProblemFactory.create(assignment=world.assignment)
    petition = PetitionFactory.create(assignment=world.assignment)
    item = ledger_item(world.round, world.village_a1)
    progress = Progress.objects.create(item=item, kind=Progress.Kind.PROGRESS, text="进展")
    check = visit(world.village_a1, [item], office).checks.get()
    files = {name: EvidenceFactory.create() for name in ("p1", "p2", "pet", "prog", "check")}
    problem.evidence.add(files["p1"], files["p2"])
    petition.evidence.add(files["pet"])
    progress.evidence.add(files["prog"])
    check.evidence.add(files["check"])
    before = _links()

    old = _migrate([("evidence", None)], OLD)
    old_evidence = old.get_model("findings", "Evidence")
    keys = {row["id"]: tuple(row[key] for key in KEYS) for row in old_evidence.objects.values("id", *KEYS)}
    assert keys == {
        files["p1"].pk: (problem.pk, None, None, None),
        files["p2"].pk: (problem.pk, None, None, None),
        files["pet"].pk: (None, petition.pk, None, None),
        files["prog"].pk: (None, None, progress.pk, None),
        files["check"].pk: (None, None, None, check.pk),
    }
    written = old_evidence.objects.create(
        progress_id=progress.pk,
        file="evidence/2023/09/old.png",
        original_name="旧.png",
        content_type="image/png",
        extension="png",
        size=1,
        sha256="0" * 64,
    )

    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    _migrate(latest, latest)

    assert _links() == before | {("Progress", progress.pk, written.pk)}
    assert Evidence.objects.count() == len(files) + 1
    assert Evidence.objects.get(pk=written.pk).original_name == "旧.png"
