"""The public notice of an assignment: who is stationed where and when, the channels, the scope, the QR code."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from pytest_django import DjangoAssertNumQueries

from xuncha.conftest import World
from xuncha.findings.models import Category
from xuncha.inspections.models import Assignment, ContactChannel
from xuncha.public.qr import qr_svg


def notice_url(assignment: Assignment) -> str:
    return reverse("public:notice", args=[assignment.public_key])


def channel(assignment: Assignment, kind: str, value: str, *, starts: int, ends: int, note: str = "") -> ContactChannel:
    today = timezone.localdate()
    return ContactChannel.objects.create(
        assignment=assignment,
        kind=kind,
        value=value,
        note=note,
        valid_from=today + timedelta(days=starts),
        valid_until=today + timedelta(days=ends),
    )


def test_notice_names_the_round_group_villages_and_dates(client: Client, stationed: Assignment) -> None:
    """Without login, the notice shows 十五届县委第四轮巡察 · 第三巡察组, 甲镇 甲一村 and the stationing dates."""
    response = client.get(notice_url(stationed))
    html = response.content.decode()
    assert response.status_code == 200
    assert "十五届县委第四轮巡察 · 第三巡察组" in html
    assert "甲镇 甲一村" in html
    assert "Public notice" in html
    assert "kept confidential" in html
    assert date_format(stationed.stationed_from) in html
    assert date_format(stationed.stationed_until) in html
    for label in Category.labels:
        assert escape(str(label)) in html


def test_notice_shows_the_channels_valid_today(client: Client, stationed: Assignment) -> None:
    """Channels valid today are listed with their notes; expired and future ones are left out."""
    channel(stationed, ContactChannel.Kind.PHONE, "0773-7512345", starts=-10, ends=10, note="工作日8:00—18:00")
    channel(stationed, ContactChannel.Kind.MAILBOX, "甲一村委会门口意见箱", starts=-10, ends=10)
    channel(stationed, ContactChannel.Kind.EMAIL, "old@example.org", starts=-40, ends=-20)
    html = client.get(notice_url(stationed)).content.decode()
    assert 'href="tel:0773-7512345"' in html
    assert "工作日8:00—18:00" in html
    assert "甲一村委会门口意见箱" in html
    assert "old@example.org" not in html
    assert "valid from" not in html


def test_notice_lists_every_channel_with_its_dates_when_none_is_valid_today(client: Client, world: World) -> None:
    """Before or after stationing the channels are still printed, each with the dates it is valid."""
    channel(world.assignment, ContactChannel.Kind.PHONE, "0773-7512345", starts=5, ends=30)
    channel(world.assignment, ContactChannel.Kind.EMAIL, "xc3@example.org", starts=-40, ends=-20)
    html = client.get(notice_url(world.assignment)).content.decode()
    assert "0773-7512345" in html
    assert "xc3@example.org" in html
    assert html.count("valid from") == 2


def test_notice_has_a_qr_code_of_the_petition_form(client: Client, stationed: Assignment) -> None:
    """The QR code is an inline <svg> that encodes the absolute address of the petition form."""
    html = client.get(notice_url(stationed)).content.decode()
    form_url = "http://testserver" + reverse("public:petition-form", args=[stationed.public_key])
    assert "<svg" in html
    assert str(qr_svg(form_url)) in html
    assert form_url in html


def test_notice_prints_without_inline_styles_or_scripts(client: Client, stationed: Assignment) -> None:
    """The strict CSP holds: no style attribute, no <style> or <script>; the print rules come from public.css."""
    html = client.get(notice_url(stationed)).content.decode()
    assert "style=" not in html
    assert "<style" not in html
    assert "<script" not in html
    assert "/static/xuncha/public.css" in html
    assert '<meta name="viewport"' in html
    assert '<html lang="en">' in html


UNKNOWN_KEY = "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f"


@pytest.mark.parametrize(
    "path",
    [f"/p/n/{UNKNOWN_KEY}/", f"/p/n/{UNKNOWN_KEY}/write/", f"/p/n/{UNKNOWN_KEY}/sent/", "/p/n/not-a-key/", "/p/n/12/"],
)
def test_unknown_or_malformed_keys_are_not_found(client: Client, world: World, path: str) -> None:
    assert client.get(path).status_code == 404


def test_the_assignment_id_does_not_open_the_notice(client: Client, world: World) -> None:
    """Only the unguessable public key opens a notice, never the assignment's number."""
    assert client.get(f"/p/n/{world.assignment.pk}/").status_code == 404


def test_notice_runs_three_queries_whatever_it_shows(
    client: Client, township_assignment: Assignment, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """The assignment with its round, term and group; its villages with their townships; its channels."""
    url = notice_url(township_assignment)
    with django_assert_num_queries(3):
        assert client.get(url).status_code == 200
    for number in range(5):
        channel(township_assignment, ContactChannel.Kind.PHONE, f"0773-751234{number}", starts=-1, ends=1)
    channel(township_assignment, ContactChannel.Kind.EMAIL, "xc5@example.org", starts=-30, ends=-20)
    with django_assert_num_queries(3):
        assert client.get(url).status_code == 200
