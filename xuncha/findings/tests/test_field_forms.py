"""The group's forms: a working paper recorded or edited with its photos in one submit (a bad photo refuses it
all and keeps what was typed), the workbench saying why it has no entry form, and a member writing a petition up
as a draft working paper."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from xuncha.accounts.models import Role, User
from xuncha.accounts.tests.factories import UserFactory, grant
from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.core.exceptions import PermissionDenied, TransitionNotAllowed
from xuncha.core.uploads import UploadRefused
from xuncha.evidence.models import Evidence
from xuncha.findings import actions
from xuncha.findings.models import Petition, Problem
from xuncha.findings.tests.factories import (
    jpeg_bytes,
    pdf_bytes,
    persona,
    png_bytes,
    record_petition,
    record_problem,
    set_round_status,
)
from xuncha.inspections.models import Assignment, Round
from xuncha.inspections.tests.factories import GroupFactory, member

HTMX = {"HX-Request": "true"}
PHENOMENON = "村道硬化工程未按合同设计厚度施工，抽查3处平均厚度14厘米（设计18厘米）。"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def photo(name: str = "现场.png", data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes() if data is None else data, content_type="image/png")


def paper(world: World, **extra: Any) -> dict[str, Any]:
    return {
        "village": world.village_a1.pk,
        "category": "PROJECT",
        "phenomenon": PHENOMENON,
        "basis": "",
        "responsibility": "",
        "source": "VISIT",
        "fix_type": "FOLLOW_UP",
        "found_on": "2023-09-21",
        **extra,
    }


def create_url(world: World) -> str:
    return reverse("findings:problem-create", args=[world.assignment.pk])


# Recording a problem with its photos ------------------------------------------------------------------------------


def test_a_problem_is_recorded_with_its_photos_in_one_submit(client: Client, world: World, group_member: User) -> None:
    client.force_login(group_member)
    response = client.post(
        create_url(world), paper(world, photos=[photo("一.png"), photo("二.jpg", jpeg_bytes())]), headers=HTMX
    )
    assert response.status_code == 302
    problem = Problem.objects.get()
    assert problem.status == Problem.Status.DRAFT
    assert sorted(problem.evidence.values_list("original_name", "content_type")) == [
        ("一.png", "image/png"),
        ("二.jpg", "image/jpeg"),
    ]
    assert Event.objects.filter(verb="findings.evidence_attached", actor=group_member).count() == 2
    assert Event.objects.filter(verb="findings.problem_recorded").count() == 1


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("说明.png", b"this is text, not a photo\n", "This file type is not accepted"),
        ("扫描.jpg", pdf_bytes(), "This file type is not accepted"),
        ("空.png", b"", "file is empty"),
    ],
)
def test_a_bad_photo_refuses_the_paper_and_keeps_what_was_typed(
    client: Client, world: World, group_member: User, name: str, data: bytes, reason: str
) -> None:
    """Nothing is written, the reason stands at the photos field with the file's name, and the text comes back."""
    client.force_login(group_member)
    response = client.post(create_url(world), paper(world, photos=[photo(), photo(name, data)]))
    html = response.content.decode()
    assert response.status_code == 400
    assert reason in html
    assert name in html
    assert PHENOMENON in html
    assert 'data-testid="photos-dropped"' in html
    assert not Problem.objects.exists()
    assert not Evidence.objects.exists()


def test_a_refused_htmx_submit_answers_200_so_that_the_form_is_swapped_in(
    client: Client, world: World, group_member: User
) -> None:
    client.force_login(group_member)
    response = client.post(create_url(world), paper(world, photos=[photo("x.png", b"nope")]), headers=HTMX)
    assert response.status_code == 200
    assert PHENOMENON in response.content.decode()


def test_a_refused_action_keeps_what_was_typed(client: Client, world: World, group_member: User) -> None:
    """The form is valid but the action refuses (a day before stationing): the reason is the form's, nothing is
    written, the text comes back."""
    client.force_login(group_member)
    before = world.assignment.stationed_from - timedelta(days=1)
    response = client.post(create_url(world), paper(world, found_on=before.isoformat(), photos=[photo()]))
    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="problem-form-refusal"' in html
    assert "start of stationing" in html
    assert PHENOMENON in html
    assert not Problem.objects.exists()
    assert not Evidence.objects.exists()


def test_the_action_stores_nothing_when_a_photo_is_refused(world: World, group_member: User) -> None:
    good = (io.BytesIO(png_bytes()), "好.png", 0)
    bad = (io.BytesIO(pdf_bytes()), "坏.pdf", 0)
    with pytest.raises(UploadRefused):
        record_problem(world.assignment, group_member, photos=[good, bad])
    assert not Problem.objects.exists()
    assert not Evidence.objects.exists()
    assert not Event.objects.filter(verb__startswith="findings.").exists()


def test_too_many_photos_are_refused(client: Client, world: World, group_member: User) -> None:
    client.force_login(group_member)
    response = client.post(create_url(world), paper(world, photos=[photo(f"{n}.png") for n in range(11)]))
    assert response.status_code == 400
    assert "at most 10 photos" in response.content.decode()
    assert not Problem.objects.exists()


def test_the_workbench_form_sends_files(client: Client, world: World, group_member: User) -> None:
    client.force_login(group_member)
    html = client.get(world.assignment.get_absolute_url()).content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'type="file" name="photos"' in html
    assert "multiple" in html


# Editing a problem with photos ------------------------------------------------------------------------------------


def edit(client: Client, problem: Problem, **extra: Any) -> Any:
    values: dict[str, Any] = {
        "version": problem.version,
        "category": problem.category,
        "phenomenon": problem.phenomenon,
        "basis": "",
        "responsibility": "",
        "source": problem.source,
        "fix_type": problem.fix_type,
        "found_on": problem.found_on.isoformat(),
        "note": "",
        **extra,
    }
    return client.post(reverse("findings:problem-edit", args=[problem.pk]), values)


def test_the_edit_page_adds_photos_with_the_edit(client: Client, world: World, group_member: User) -> None:
    problem = record_problem(world.assignment, group_member)
    client.force_login(group_member)
    response = edit(client, problem, phenomenon="补充：现场照片两张。", photos=[photo("a.png"), photo("b.png")])
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.phenomenon == "补充：现场照片两张。"
    assert problem.evidence.count() == 2


def test_photos_alone_can_be_added_on_the_edit_page(client: Client, world: World, group_member: User) -> None:
    problem = record_problem(world.assignment, group_member)
    client.force_login(group_member)
    assert edit(client, problem, photos=[photo()]).status_code == 302
    problem.refresh_from_db()
    assert (problem.evidence.count(), problem.version) == (1, 1)


def test_a_bad_photo_on_the_edit_page_changes_nothing(client: Client, world: World, group_member: User) -> None:
    problem = record_problem(world.assignment, group_member)
    client.force_login(group_member)
    response = edit(client, problem, phenomenon="改写后的现象", photos=[photo(), photo("bad.png", b"MZ\x90\x00")])
    html = response.content.decode()
    assert response.status_code == 400
    assert "This file type is not accepted" in html
    assert "改写后的现象" in html
    problem.refresh_from_db()
    assert problem.phenomenon != "改写后的现象"
    assert not Evidence.objects.exists()


def test_the_office_rewords_a_confirmed_paper_without_a_photo_field(
    client: Client, world: World, group_member: User, group_leader: User, office: User
) -> None:
    """The office may edit a confirmed paper but adds no evidence: its edit form has no photos."""
    problem = record_problem(world.assignment, group_member)
    actions.confirm_problem(problem, actor=group_leader)
    client.force_login(office)
    html = client.get(problem.get_absolute_url()).content.decode()
    assert 'data-testid="problem-edit-form"' in html
    assert 'name="photos"' not in html


# Why there is no entry form ---------------------------------------------------------------------------------------


def not_recording(client: Client, assignment: Assignment, user: User) -> str:
    client.force_login(user)
    html = client.get(assignment.get_absolute_url()).content.decode()
    assert 'data-testid="problem-form"' not in html
    assert 'data-testid="not-recording"' in html
    return html


def test_a_member_of_a_stationed_round_gets_the_form_and_no_excuse(
    client: Client, world: World, group_member: User
) -> None:
    client.force_login(group_member)
    html = client.get(world.assignment.get_absolute_url()).content.decode()
    assert 'data-testid="problem-form"' in html
    assert 'data-testid="not-recording"' not in html


@pytest.mark.parametrize("who", ["office", "group_leader_elsewhere"])
def test_someone_outside_the_group_is_told_so(
    client: Client, world: World, request: pytest.FixtureRequest, who: str
) -> None:
    if who == "group_leader_elsewhere":
        user = persona(request, "office")
        other = GroupFactory.create(round=world.round, number=7)
        member(other, user)
    else:
        user = persona(request, who)
    assert "you are not in this group" in not_recording(client, world.assignment, user)


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (Round.Status.PLANNED, "still being planned"),
        (Round.Status.FEEDBACK, "has moved on to"),
        (Round.Status.RECTIFYING, "has moved on to"),
        (Round.Status.CLOSED, "has moved on to"),
    ],
)
def test_a_member_is_told_when_the_round_does_not_record(
    client: Client, world: World, group_member: User, status: str, reason: str
) -> None:
    assignment = set_round_status(world.assignment, status)
    html = not_recording(client, assignment, group_member)
    assert reason in html


def test_a_member_is_told_when_stationing_has_not_begun(client: Client, world: World, group_member: User) -> None:
    start = timezone.localdate() + timedelta(days=3)
    Assignment.objects.filter(pk=world.assignment.pk).update(stationed_from=start, stationed_until=start + timedelta(9))
    assert "begins on" in not_recording(client, world.assignment, group_member)


def test_the_petitions_tab_says_why_too(client: Client, world: World, office: User) -> None:
    client.force_login(office)
    html = client.get(world.assignment.get_absolute_url(), {"tab": "petitions"}).content.decode()
    assert 'data-testid="not-recording"' in html


# A member writes a petition up as a draft problem -----------------------------------------------------------------


def draft(petition: Petition, actor: User, **extra: Any) -> Problem:
    values: dict[str, Any] = {
        "village": petition.assignment.target,
        "category": "BENEFIT",
        "phenomenon": "低保评定未经村民代表会议评议，3户条件较好家庭纳入低保。",
        "fix_type": "FOLLOW_UP",
        "found_on": date(2023, 9, 15),
        **extra,
    }
    return actions.draft_problem_from_petition(petition, actor=actor, **values)


def test_a_member_turns_a_petition_into_a_draft_problem(world: World, group_member: User, group_leader: User) -> None:
    """The paper is a draft from letters and visits; the petition is settled as recorded as it; both are audited;
    the leader confirms the paper afterwards."""
    petition = record_petition(world.assignment, group_member)
    problem = draft(petition, group_member)
    petition.refresh_from_db()
    assert (problem.status, problem.source, problem.finder) == (
        Problem.Status.DRAFT,
        Problem.Source.PETITION,
        group_member,
    )
    assert (petition.status, petition.disposition, petition.problem) == (
        Petition.Status.DISPOSED,
        Petition.Disposition.PROBLEM,
        problem,
    )
    assert Event.objects.filter(verb="findings.problem_recorded", actor=group_member).count() == 1
    disposed = Event.objects.get(verb="findings.petition_disposed")
    assert disposed.actor == group_member
    with pytest.raises(PermissionDenied):
        actions.confirm_problem(problem, actor=group_member)
    actions.confirm_problem(problem, actor=group_leader)


@pytest.mark.parametrize("who", ["office", "office_lead", "township_user", "village_user", "outsider", "nobody"])
def test_outsiders_cannot_turn_a_petition_into_a_problem(
    world: World, group_member: User, request: pytest.FixtureRequest, who: str
) -> None:
    petition = record_petition(world.assignment, group_member)
    with pytest.raises(PermissionDenied):
        draft(petition, persona(request, who))
    petition.refresh_from_db()
    assert petition.status == Petition.Status.RECEIVED
    assert not Problem.objects.exists()
    assert not Event.objects.filter(verb="findings.petition_disposed").exists()


def test_a_member_still_cannot_settle_a_petition_otherwise(world: World, group_member: User) -> None:
    petition = record_petition(world.assignment, group_member)
    with pytest.raises(PermissionDenied):
        actions.dispose_petition(petition, Petition.Disposition.EXPLAINED, note="已解释", actor=group_member)


def test_a_settled_petition_is_not_written_up_again(world: World, group_member: User) -> None:
    petition = record_petition(world.assignment, group_member)
    draft(petition, group_member)
    with pytest.raises(TransitionNotAllowed):
        draft(Petition.objects.get(pk=petition.pk), group_member)
    assert Problem.objects.count() == 1


def test_a_refused_paper_leaves_the_petition_received(world: World, group_member: User) -> None:
    petition = record_petition(world.assignment, group_member)
    with pytest.raises(Exception, match="Describe what was found"):
        draft(petition, group_member, phenomenon="  ")
    petition.refresh_from_db()
    assert petition.status == Petition.Status.RECEIVED


def test_once_the_round_moves_on_no_member_writes_petitions_up(world: World, group_member: User) -> None:
    petition = record_petition(world.assignment, group_member)
    set_round_status(world.assignment, Round.Status.FEEDBACK)
    with pytest.raises(PermissionDenied):
        draft(Petition.objects.select_related("assignment__round").get(pk=petition.pk), group_member)


def test_a_member_writes_a_petition_up_on_its_page(client: Client, world: World, group_member: User) -> None:
    petition = record_petition(world.assignment, group_member)
    client.force_login(group_member)
    html = client.get(petition.get_absolute_url()).content.decode()
    assert 'data-testid="petition-problem-form"' in html
    assert petition.text in html
    response = client.post(
        reverse("findings:petition-problem", args=[petition.pk]),
        {
            "draft-village": world.village_a1.pk,
            "draft-category": "BENEFIT",
            "draft-phenomenon": petition.text,
            "draft-fix_type": "FOLLOW_UP",
            "draft-found_on": "2023-09-15",
        },
    )
    problem = Problem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == problem.get_absolute_url()
    petition.refresh_from_db()
    assert petition.problem == problem


def test_a_refused_write_up_comes_back_as_typed(client: Client, world: World, group_member: User) -> None:
    petition = record_petition(world.assignment, group_member)
    client.force_login(group_member)
    response = client.post(
        reverse("findings:petition-problem", args=[petition.pk]),
        {
            "draft-village": world.village_a1.pk,
            "draft-category": "BENEFIT",
            "draft-phenomenon": "改写的问题表述",
            "draft-fix_type": "FOLLOW_UP",
            "draft-found_on": "2001-01-01",
        },
    )
    assert response.status_code == 400
    assert "改写的问题表述" in response.content.decode()
    assert not Problem.objects.exists()


def test_the_write_up_form_is_not_offered_outside_the_group(client: Client, world: World, group_member: User) -> None:
    """The office director reads the petition but writes no paper from it: no form, and a post is refused."""
    petition = record_petition(world.assignment, group_member)
    office_lead = UserFactory.create(username="lead")
    grant(office_lead, Role.OFFICE_LEAD, world.county)
    client.force_login(office_lead)
    html = client.get(petition.get_absolute_url()).content.decode()
    assert 'data-testid="petition-problem-form"' not in html
    response = client.post(
        reverse("findings:petition-problem", args=[petition.pk]),
        {
            "draft-village": world.village_a1.pk,
            "draft-category": "BENEFIT",
            "draft-phenomenon": petition.text,
            "draft-fix_type": "FOLLOW_UP",
            "draft-found_on": "2023-09-15",
        },
    )
    assert response.status_code == 400
    assert "turn its petitions into working papers" in response.content.decode()
    assert not Problem.objects.exists()
