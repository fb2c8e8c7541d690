"""Whether the public petition form takes messages is one rule (``permissions.accepts_petitions``): the page shows
open exactly when sending is accepted, and a closed page says why and how else to reach the group."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from xuncha.core.exceptions import TransitionNotAllowed
from xuncha.findings.actions import submit_public_petition
from xuncha.findings.models import Category, Petition
from xuncha.findings.permissions import accepts_petitions, petition_refusal
from xuncha.inspections.models import Assignment, ContactChannel, Round

TEXT = "村集体鱼塘承包费去向不明。"


def form_url(assignment: Assignment) -> str:
    return reverse("public:petition-form", args=[assignment.public_key])


def at(assignment: Assignment, status: str, *, starts: int = -10, ends: int = 10) -> Assignment:
    """The assignment with its round at ``status``, stationed from ``starts`` to ``ends`` days around today."""
    today = timezone.localdate()
    Round.objects.filter(pk=assignment.round_id).update(status=status)
    Assignment.objects.filter(pk=assignment.pk).update(
        stationed_from=today + timedelta(days=starts), stationed_until=today + timedelta(days=ends)
    )
    return Assignment.objects.select_related("round__term", "group").get(pk=assignment.pk)


def sends(assignment: Assignment) -> bool:
    try:
        submit_public_petition(assignment, category=Category.ASSETS, text=TEXT)
    except TransitionNotAllowed:
        return False
    return True


CASES = [
    (Round.Status.PLANNED, -10, 10),
    (Round.Status.STATIONED, -10, 10),
    (Round.Status.STATIONED, 0, 0),
    (Round.Status.STATIONED, 1, 10),
    (Round.Status.STATIONED, -10, -1),
    (Round.Status.REPORTING, -10, 10),
    (Round.Status.FEEDBACK, -10, 10),
    (Round.Status.RECTIFYING, -10, 10),
    (Round.Status.CLOSED, -10, 10),
]


@pytest.mark.parametrize(("status", "starts", "ends"), CASES)
def test_the_page_shows_open_exactly_when_sending_is_accepted(
    client: Client, stationed: Assignment, status: str, starts: int, ends: int
) -> None:
    assignment = at(stationed, status, starts=starts, ends=ends)
    html = client.get(form_url(assignment)).content.decode()
    shown_open = 'data-testid="closed"' not in html and 'name="text"' in html
    assert shown_open == accepts_petitions(assignment) == sends(assignment)


def test_a_round_that_moved_on_within_the_stationing_dates_is_closed_with_its_reason(
    client: Client, stationed: Assignment
) -> None:
    """The case that used to look open and refuse: the dates still run, but the round is in feedback."""
    assignment = at(stationed, Round.Status.FEEDBACK)
    html = client.get(form_url(assignment)).content.decode()
    assert 'data-testid="closed"' in html
    assert "finished its work in the villages" in html
    response = client.post(form_url(assignment), {"category": Category.ASSETS, "text": TEXT})
    assert "finished its work in the villages" in response.content.decode()
    assert TEXT in response.content.decode()
    assert not Petition.objects.exists()


@pytest.mark.parametrize(
    ("status", "starts", "ends", "reason"),
    [
        (Round.Status.PLANNED, -10, 10, "has not begun yet"),
        (Round.Status.STATIONED, 2, 10, "has not begun yet"),
        (Round.Status.STATIONED, -10, -1, "stationing has ended"),
        (Round.Status.REPORTING, -10, 10, None),
    ],
)
def test_the_reason_names_the_case(
    stationed: Assignment, status: str, starts: int, ends: int, reason: str | None
) -> None:
    refusal = petition_refusal(at(stationed, status, starts=starts, ends=ends))
    assert refusal is None if reason is None else reason in (refusal or "")


def test_the_closed_page_gives_the_channels_still_valid(client: Client, stationed: Assignment) -> None:
    assignment = at(stationed, Round.Status.FEEDBACK)
    today = timezone.localdate()
    ContactChannel.objects.create(
        assignment=assignment,
        kind=ContactChannel.Kind.PHONE,
        value="0773-7512345",
        note="工作日8:00—18:00",
        valid_from=today - timedelta(days=10),
        valid_until=today + timedelta(days=10),
    )
    ContactChannel.objects.create(
        assignment=assignment,
        kind=ContactChannel.Kind.QR,
        value="https://example.invalid/qr",
        valid_from=today - timedelta(days=10),
        valid_until=today + timedelta(days=10),
    )
    html = client.get(form_url(assignment)).content.decode()
    assert 'data-testid="closed-channels"' in html
    assert "0773-7512345" in html
    assert "工作日8:00—18:00" in html
    # The online form's own QR code is no other way to write.
    assert "example.invalid/qr" not in html


def test_a_closed_page_without_channels_points_to_the_notice(client: Client, stationed: Assignment) -> None:
    assignment = at(stationed, Round.Status.CLOSED)
    html = client.get(form_url(assignment)).content.decode()
    assert 'data-testid="closed-channels"' not in html
    assert reverse("public:notice", args=[assignment.public_key]) in html
