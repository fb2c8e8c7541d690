"""The workbench and the pages of problems, suggestions, petitions, clues and evidence files."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from xuncha.accounts.models import User
from xuncha.audit.models import AccessLog, Event
from xuncha.conftest import World
from xuncha.evidence.actions import store_evidence
from xuncha.evidence.models import Evidence
from xuncha.findings import actions
from xuncha.findings.models import Clue, Petition, Problem
from xuncha.findings.tests.factories import PetitionFactory
from xuncha.inspections.models import Round

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
HTMX = {"HX-Request": "true"}


@pytest.fixture
def media(settings: pytest.FixtureRequest, tmp_path: pytest.TempPathFactory) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]


def _problem(world: World, member: User, **fields: object) -> Problem:
    values: dict[str, object] = {
        "category": "FINANCE",
        "phenomenon": "2023年3月报销的误工补贴2.4万元无会议记录。",
        "source": "DOCUMENTS",
        "fix_type": "FOLLOW_UP",
        "found_on": date(2023, 9, 20),
    }
    values.update(fields)
    return actions.record_problem(world.assignment, world.village_a1, actor=member, **values)  # type: ignore[arg-type]


def test_the_workbench_shows_the_groups_problems_and_the_entry_form(
    client: Client, world: World, group_member: User
) -> None:
    """A member sees the assignment's papers and the form to write one."""
    problem = _problem(world, group_member)
    client.force_login(group_member)
    response = client.get(world.assignment.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert problem.serial in html
    assert 'data-testid="problem-form"' in html


def test_a_member_records_a_problem_through_the_workbench(client: Client, world: World, group_member: User) -> None:
    """Posting the quick-entry form writes a draft with the next serial number and returns to the workbench."""
    client.force_login(group_member)
    response = client.post(
        reverse("findings:problem-create", args=[world.assignment.pk]),
        {
            "village": world.village_a1.pk,
            "category": "PROJECT",
            "phenomenon": "村道硬化工程未按合同设计厚度施工。",
            "basis": "",
            "responsibility": "",
            "source": "VISIT",
            "fix_type": "FOLLOW_UP",
            "found_on": "2023-09-21",
        },
    )
    assert response.status_code == 302
    problem = Problem.objects.get()
    assert problem.serial.endswith("4巡-3组-001")
    assert problem.status == Problem.Status.DRAFT
    assert Event.objects.filter(verb="findings.problem_recorded", actor=group_member).exists()


def test_the_workbench_filters_problems_and_answers_htmx(client: Client, world: World, group_member: User) -> None:
    """Filtering by category keeps only matching papers; the htmx request gets the same page to pick from."""
    finance = _problem(world, group_member)
    project = _problem(world, group_member, category="PROJECT", phenomenon="工程未验收即付款。")
    client.force_login(group_member)
    html = client.get(world.assignment.get_absolute_url(), {"category": "PROJECT"}, headers=HTMX).content.decode()
    assert project.serial in html
    assert finance.serial not in html


def test_a_township_sees_no_draft_on_the_workbench(
    client: Client, world: World, group_member: User, township_user: User
) -> None:
    """The township reaches the stationed assignment, but neither drafts nor the entry form."""
    problem = _problem(world, group_member)
    client.force_login(township_user)
    html = client.get(world.assignment.get_absolute_url()).content.decode()
    assert problem.serial not in html
    assert 'data-testid="problem-form"' not in html
    assert client.get(problem.get_absolute_url()).status_code == 404


def test_only_the_leader_confirms_on_the_page(
    client: Client, world: World, group_member: User, group_leader: User
) -> None:
    """A member's confirm is refused with a message; the leader's goes through."""
    problem = _problem(world, group_member)
    url = reverse("findings:problem-confirm", args=[problem.pk])
    client.force_login(group_member)
    client.post(url)
    problem.refresh_from_db()
    assert problem.status == Problem.Status.DRAFT
    client.force_login(group_leader)
    client.post(url)
    problem.refresh_from_db()
    assert problem.status == Problem.Status.CONFIRMED


def test_a_stale_edit_is_refused_on_the_page(client: Client, world: World, group_member: User) -> None:
    """Saving from an old version does not overwrite a newer one."""
    problem = _problem(world, group_member)
    actions.update_problem(problem, {"phenomenon": "新版本"}, expected_version=1, actor=group_member)
    client.force_login(group_member)
    client.post(
        reverse("findings:problem-edit", args=[problem.pk]),
        {
            "version": 1,
            "category": "FINANCE",
            "phenomenon": "旧版本覆盖",
            "source": "DOCUMENTS",
            "fix_type": "FOLLOW_UP",
            "found_on": "2023-09-20",
        },
    )
    problem.refresh_from_db()
    assert problem.phenomenon == "新版本"


@pytest.mark.usefixtures("media")
def test_evidence_is_served_only_within_scope(
    client: Client, world: World, group_member: User, village_user: User, outsider: User
) -> None:
    """The group downloads its evidence; a village user (before feedback) and an outsider get 404."""
    problem = _problem(world, group_member)
    evidence = actions.attach_evidence(problem, io.BytesIO(PNG), "现场.png", len(PNG), actor=group_member)
    url = reverse("findings:problem-file", args=[problem.pk, evidence.pk])
    client.force_login(group_member)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == PNG  # type: ignore[attr-defined]
    assert url in client.get(problem.get_absolute_url()).content.decode()
    for user in (village_user, outsider):
        client.force_login(user)
        assert client.get(url).status_code == 404


@pytest.mark.usefixtures("media")
def test_a_petition_photo_is_served_only_to_the_petitions_readers(
    client: Client, world: World, group_member: User, township_user: User, village_user: User, outsider: User
) -> None:
    """The group reads the photo sent with a petition; the township, the village and an outsider get 404."""
    petition = PetitionFactory.create(assignment=world.assignment)
    evidence = store_evidence(io.BytesIO(PNG), "现场.png", uploaded_by=None, images_only=True)
    petition.evidence.add(evidence)
    url = reverse("findings:petition-file", args=[petition.pk, evidence.pk])
    client.force_login(group_member)
    assert client.get(url).status_code == 200
    assert url in client.get(petition.get_absolute_url()).content.decode()
    for user in (township_user, village_user, outsider):
        client.force_login(user)
        assert client.get(url).status_code == 404
    api = APIClient()
    api.force_authenticate(group_member)
    assert api.get(f"/api/v1/petitions/{petition.pk}/evidence/{evidence.pk}/file/").status_code == 200
    api.force_authenticate(township_user)
    assert api.get(f"/api/v1/petitions/{petition.pk}/evidence/{evidence.pk}/file/").status_code == 404


@pytest.mark.usefixtures("media")
def test_a_file_is_served_only_under_its_own_problem(client: Client, world: World, group_member: User) -> None:
    """A problem's page serves its own files: another problem's file under its address is 404, though both are
    visible."""
    problem, other = _problem(world, group_member), _problem(world, group_member)
    evidence = actions.attach_evidence(other, io.BytesIO(PNG), "现场.png", len(PNG), actor=group_member)
    client.force_login(group_member)
    assert client.get(reverse("findings:problem-file", args=[other.pk, evidence.pk])).status_code == 200
    assert client.get(reverse("findings:problem-file", args=[problem.pk, evidence.pk])).status_code == 404


@pytest.mark.usefixtures("media")
def test_an_upload_of_the_wrong_type_is_refused_on_the_page(client: Client, world: World, group_member: User) -> None:
    """A text file named .jpg is refused with a message and nothing is stored."""
    problem = _problem(world, group_member)
    client.force_login(group_member)
    upload = io.BytesIO(b"just text")
    upload.name = "photo.jpg"
    response = client.post(reverse("findings:evidence-upload", args=[problem.pk]), {"file": upload}, follow=True)
    assert not Evidence.objects.exists()
    assert "not accepted" in response.content.decode()


def test_revealing_a_reporter_is_logged_and_shown_once(
    client: Client, world: World, group_member: User, group_leader: User
) -> None:
    """The leader's reveal shows the name in that response only and writes an access log row; a member cannot."""
    petition = actions.record_petition(
        world.assignment, channel="LETTER", category="FINANCE", text="反映问题", name="王大妈", phone="13800001111",
        actor=group_member,
    )  # fmt: skip
    url = reverse("findings:petition-reveal", args=[petition.pk])
    client.force_login(group_member)
    assert "王大妈" not in client.get(petition.get_absolute_url()).content.decode()
    assert "王大妈" not in client.post(url, follow=True).content.decode()
    assert not AccessLog.objects.exists()
    client.force_login(group_leader)
    response = client.post(url)
    assert "王大妈" in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert AccessLog.objects.get().action == AccessLog.Action.REPORTER_REVEALED
    assert "王大妈" not in client.get(petition.get_absolute_url()).content.decode()


def test_a_clue_is_404_for_those_who_may_not_know(
    client: Client, world: World, group_leader: User, group_member: User, office: User, village_user: User
) -> None:
    """Opening a clue logs the read for the leader; the office, members and villages get 404 and no link."""
    clue = actions.register_clue(
        world.assignment, source="TALK", subject="某村干部", summary="收受好处费", receiver="DISCIPLINE",
        actor=group_leader,
    )  # fmt: skip
    client.force_login(group_leader)
    assert client.get(clue.get_absolute_url()).status_code == 200
    assert AccessLog.objects.filter(action=AccessLog.Action.CLUE_READ, user=group_leader).count() == 1
    for user in (group_member, office, village_user):
        client.force_login(user)
        assert client.get(clue.get_absolute_url()).status_code == 404
        html = client.get(world.assignment.get_absolute_url()).content.decode()
        assert "?tab=clues" not in html
        list_html = client.get(reverse("findings:clue-list")).content.decode()
        assert str(clue) not in list_html
    assert Clue.objects.count() == 1


def test_the_clue_moves_through_its_owners_on_the_pages(
    client: Client, world: World, group_leader: User, office_lead: User, discipline: User
) -> None:
    """Director transfers, the commission receives, disposes and gives feedback, each on the clue's page."""
    clue = actions.register_clue(
        world.assignment, source="TALK", subject="某村干部", summary="收受好处费", receiver="DISCIPLINE",
        actor=group_leader,
    )  # fmt: skip
    client.force_login(office_lead)
    client.post(reverse("findings:clue-transfer", args=[clue.pk]), {"transfer_number": "移〔2023〕1号"})
    client.force_login(discipline)
    client.post(reverse("findings:clue-receive", args=[clue.pk]))
    client.post(reverse("findings:clue-dispose", args=[clue.pk]), {"disposal": "PRELIMINARY"})
    client.post(reverse("findings:clue-feedback", args=[clue.pk]), {"feedback": "已初步核实，予以了结。"})
    clue.refresh_from_db()
    assert clue.status == Clue.Status.FEEDBACK
    assert clue.disposal == "PRELIMINARY"


def test_recording_is_closed_once_the_round_is_closed(client: Client, world: World, group_member: User) -> None:
    """After the round closes the workbench offers no entry form and a post is refused."""
    Round.objects.filter(pk=world.round.pk).update(status=Round.Status.CLOSED)
    client.force_login(group_member)
    html = client.get(world.assignment.get_absolute_url()).content.decode()
    assert 'data-testid="problem-form"' not in html
    client.post(
        reverse("findings:suggestion-create", args=[world.assignment.pk]),
        {"village": world.village_a1.pk, "topic": "INDUSTRY", "text": "发展茶叶", "received_on": "2023-09-20"},
    )
    assert not Petition.objects.exists()
    assert not world.assignment.suggestions.exists()


def test_the_workbench_query_count_does_not_grow_with_problems(
    client: Client, world: World, group_member: User
) -> None:
    """The problems tab costs the same with 2 or 12 papers."""
    client.force_login(group_member)
    _problem(world, group_member)
    _problem(world, group_member)
    with CaptureQueriesContext(connection) as few:
        client.get(world.assignment.get_absolute_url())
    for _ in range(10):
        _problem(world, group_member)
    with CaptureQueriesContext(connection) as many:
        client.get(world.assignment.get_absolute_url())
    assert len(many) == len(few)


@pytest.mark.usefixtures("media")
def test_token_clients_download_evidence_within_scope(world: World, group_member: User, township_user: User) -> None:
    """The API serves the file itself to the group, and answers 404 to a township before feedback."""
    problem = _problem(world, group_member)
    evidence = actions.attach_evidence(problem, io.BytesIO(PNG), "现场.png", len(PNG), actor=group_member)
    api = APIClient()
    api.force_authenticate(group_member)
    response = api.get(f"/api/v1/problems/{problem.pk}/evidence/{evidence.pk}/file/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG  # type: ignore[attr-defined]
    api.force_authenticate(township_user)
    assert api.get(f"/api/v1/problems/{problem.pk}/evidence/{evidence.pk}/file/").status_code == 404
