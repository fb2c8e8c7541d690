"""The accepted deliverables go into the assignment's file (10-整改材料) with their signed scans; drafts stay out;
every deliverable's events are in the audit trail."""

from __future__ import annotations

import json
import zipfile

from xuncha.accounts.models import User
from xuncha.archive import actions as archive_actions
from xuncha.archive.building import MANIFEST, sha256
from xuncha.archive.models import Archive
from xuncha.conftest import World
from xuncha.deliverables import actions
from xuncha.deliverables.drafting import title_of
from xuncha.deliverables.models import Deliverable
from xuncha.deliverables.tests.conftest import of
from xuncha.inspections.models import Round
from xuncha.rectification.models import Feedback
from xuncha.rectification.tests.factories import photo, set_round


def test_the_file_keeps_what_the_office_accepted(
    world: World, feedback: Feedback, village_user: User, township_user: User, office: User
) -> None:
    plan, report = of(feedback, Deliverable.Kind.PLAN), of(feedback, Deliverable.Kind.REPORT)
    actions.draft_deliverable(plan, actor=village_user)
    handle, name, _size = photo("整改方案签字页.png")
    actions.submit_deliverable(plan, actor=village_user, scan=handle, scan_name=name)
    actions.review_deliverable(plan, approve=True, actor=township_user)
    actions.accept_deliverable(plan, accept=True, actor=office)
    actions.draft_deliverable(report, actor=village_user)  # drafted, never accepted
    set_round(world, Round.Status.CLOSED)

    archives = archive_actions.archive_round(world.round, actor=office, inline=True)
    (archive,) = [archive for archive in archives if archive.assignment_id == world.assignment.pk]
    assert archive.status == Archive.Status.READY, archive.error
    path = archive_actions.archive_path(archive)
    assert path is not None
    with zipfile.ZipFile(path) as opened:
        files = {member: opened.read(member) for member in opened.namelist()}

    ours = sorted(member for member in files if member.startswith("10-整改材料/"))
    assert ours == [
        f"10-整改材料/{title_of(plan)}.docx",
        f"10-整改材料/{title_of(plan)}（签字扫描件）-整改方案签字页.png",
    ]
    listed = {entry["path"]: entry["sha256"] for entry in json.loads(files[MANIFEST])["members"]}
    for member in ours:
        assert listed[member] == sha256(files[member])
    (trail,) = [member for member in files if member.startswith("04-") and member.endswith(".csv")]
    rows = files[trail].decode("utf-8-sig").splitlines()
    events = [row for row in rows if ",deliverables.deliverable," in row]
    assert {row.split(",")[3] for row in events} >= {"deliverables.accepted", "deliverables.drafted"}, events
