"""The group's pages of an appraisal: tallies with charts and tables, paper entry, closing, the .xlsx, the box on the
assignment page, and who may see any of it."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from xuncha.accounts.models import Role, User
from xuncha.accounts.tests.factories import UserFactory, grant
from xuncha.appraisal.models import STANDARD_ITEMS, Appraisal, AppraisalForm
from xuncha.appraisal.tests.conftest import fill
from xuncha.audit.models import AccessLog
from xuncha.conftest import World
from xuncha.inspections.models import Membership
from xuncha.inspections.tests.factories import GroupFactory, member

pytestmark = pytest.mark.django_db
API = "/api/v1"


def page(client: Client, user: User, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_the_tallies(client: Client, appraisal: Appraisal, group_member: User) -> None:
    fill(appraisal)
    html = page(client, group_member, appraisal.get_absolute_url())
    assert re.search(r'data-testid="forms-total">10<', html)
    assert re.search(r'data-testid="satisfaction">55.0%<', html)
    rows = re.findall(r'<tr data-testid="item-row">(.*?)</tr>', html, re.S)
    assert len(rows) == len(STANDARD_ITEMS) + 2
    assert "7 <span" in rows[0] and "(70.0%)" in rows[0] and "90.0%" in rows[0]
    assert "韦秀英（村党支部书记）" in rows[len(STANDARD_ITEMS)]
    assert 'data-testid="qr"' in html and str(appraisal.public_key) in html
    assert 'data-testid="paper-form"' in html


def test_the_page_keeps_to_the_content_security_policy(
    client: Client, appraisal: Appraisal, group_member: User
) -> None:
    """The charts are JSON data drawn by a static script: no inline script runs and no inline style is set."""
    fill(appraisal)
    html = page(client, group_member, appraisal.get_absolute_url())
    scripts = re.findall(r"<script([^>]*)>", html)
    assert sum('type="application/json"' in attributes for attributes in scripts) == 3
    for attributes in scripts:
        assert "src=" in attributes or 'type="application/json"' in attributes, attributes
    assert "xuncha/dashboard.js" in html
    assert "style=" not in html
    assert "<style" not in html


def test_the_page_costs_the_same_whatever_the_forms(
    client: Client, appraisal: Appraisal, group_member: User, django_assert_num_queries: pytest.FixtureRequest
) -> None:
    client.force_login(group_member)
    url = appraisal.get_absolute_url()
    client.get(url)
    with django_assert_num_queries(10) as empty:  # type: ignore[operator]
        client.get(url)
    fill(appraisal)
    with django_assert_num_queries(len(empty.captured_queries)):  # type: ignore[operator]
        assert client.get(url).status_code == 200


def test_paper_forms_are_entered_from_the_page(client: Client, appraisal: Appraisal, group_member: User) -> None:
    client.force_login(group_member)
    data = {"respondent_kind": "REPRESENTATIVE", "count": "3"}
    data |= {f"item_{item.pk}": "FAIRLY_GOOD" for item in appraisal.items.all()}
    response = client.post(reverse("appraisal:paper", args=[appraisal.pk]), data)
    assert response.status_code == 302
    assert (
        AppraisalForm.objects.filter(appraisal=appraisal, channel="PAPER", respondent_kind="REPRESENTATIVE").count()
        == 3
    )
    # A pile without a grade comes back with the error, nothing entered.
    data.pop(f"item_{appraisal.items.first().pk}")  # type: ignore[union-attr]
    response = client.post(reverse("appraisal:paper", args=[appraisal.pk]), data)
    assert response.status_code == 400
    assert AppraisalForm.objects.count() == 3


def test_the_group_closes_it_from_the_page(client: Client, appraisal: Appraisal, group_leader: User) -> None:
    client.force_login(group_leader)
    assert client.post(reverse("appraisal:close", args=[appraisal.pk])).status_code == 302
    appraisal.refresh_from_db()
    assert appraisal.status == Appraisal.Status.CLOSED
    html = page(client, group_leader, appraisal.get_absolute_url())
    assert 'data-testid="qr"' not in html
    assert 'data-testid="paper-form"' not in html
    assert 'data-testid="close"' not in html


def test_the_office_reads_and_exports_but_does_not_enter(client: Client, appraisal: Appraisal, office: User) -> None:
    fill(appraisal)
    html = page(client, office, appraisal.get_absolute_url())
    assert 'data-testid="paper-form"' not in html and 'data-testid="close"' not in html
    client.force_login(office)
    data = {"respondent_kind": "RESIDENT", "count": "1"} | {f"item_{i.pk}": "GOOD" for i in appraisal.items.all()}
    client.post(reverse("appraisal:paper", args=[appraisal.pk]), data)
    assert AppraisalForm.objects.count() == 10


def test_the_xlsx_opens_back_with_the_counts(client: Client, appraisal: Appraisal, office_lead: User) -> None:
    fill(appraisal)
    client.force_login(office_lead)
    response = client.get(reverse("appraisal:export", args=[appraisal.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    book = load_workbook(BytesIO(response.content))
    forms, items = book.worksheets
    form_rows = [row for row in forms.iter_rows(values_only=True)]
    assert form_rows[1] == ("填表人类别", "手机", "纸质", "合计")
    assert form_rows[2:] == [
        ("党员", 3, 0, 3),
        ("村民代表", 0, 4, 4),
        ("村干部", 0, 0, 0),
        ("群众", 3, 0, 3),
        ("合计", 6, 4, 10),
    ]
    item_rows = [row for row in items.iter_rows(values_only=True)]
    assert item_rows[1][:4] == ("编号", "测评项目", "好", "“好”占比")
    body = item_rows[2:]
    assert len(body) == len(STANDARD_ITEMS) + 2
    assert body[0][2:] == (7, "70.0%", 2, "20.0%", 1, "10.0%", 0, "0.0%", 10, "90.0%")
    for row in body[1:]:
        assert (row[2], row[4], row[6], row[8], row[10]) == (3, 2, 4, 1, 10)
    assert body[-1][1] == "潘德明（村委会主任）"
    log = AccessLog.objects.get()
    assert (log.user_id, log.action, log.object_id) == (office_lead.pk, AccessLog.Action.EXPORTED, str(appraisal.pk))


@pytest.mark.parametrize(
    "persona", ["township_user", "village_user", "leader", "sysadmin", "auditor", "outsider", "discipline"]
)
def test_nobody_else_sees_an_appraisal(
    client: Client, appraisal: Appraisal, persona: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(persona)
    client.force_login(user)
    for name in ("detail", "export"):
        assert client.get(reverse(f"appraisal:{name}", args=[appraisal.pk])).status_code == 404
    assert client.post(reverse("appraisal:close", args=[appraisal.pk])).status_code == 404
    assert client.get(f"{API}/appraisals/{appraisal.pk}/").status_code == 404
    assert client.get(f"{API}/appraisals/{appraisal.pk}/tallies/").status_code == 404
    assert client.get(f"{API}/appraisals/").json()["results"] == []
    assert not AccessLog.objects.exists()


def test_another_group_does_not_see_it(client: Client, appraisal: Appraisal, world: World) -> None:
    other = UserFactory.create(username="group5")
    grant(other, Role.GROUP_LEADER, world.county)
    member(GroupFactory.create(round=world.round, number=5), other, Membership.GroupRole.LEADER)
    client.force_login(other)
    assert client.get(appraisal.get_absolute_url()).status_code == 404


def test_the_assignment_page_lists_the_appraisals(
    client: Client, appraisal: Appraisal, world: World, group_member: User, office: User, township_user: User
) -> None:
    fill(appraisal)
    html = page(client, group_member, world.assignment.get_absolute_url())
    assert appraisal.get_absolute_url() in html
    assert reverse("appraisal:new", args=[world.assignment.pk]) in html
    html = page(client, office, world.assignment.get_absolute_url())
    assert appraisal.get_absolute_url() in html
    assert reverse("appraisal:new", args=[world.assignment.pk]) not in html
    html = page(client, township_user, world.assignment.get_absolute_url())
    assert 'data-testid="assignment-appraisals"' not in html


def test_a_member_opens_one_from_the_assignment(client: Client, world: World, group_member: User) -> None:
    client.force_login(group_member)
    url = reverse("appraisal:new", args=[world.assignment.pk])
    assert "甲一村" in client.get(url).content.decode()
    response = client.post(
        url, {"village": world.village_a1.pk, "title": "测评", "cadres": "韦秀英 村党支部书记\n潘德明，村委会主任\n"}
    )
    appraisal = Appraisal.objects.get()
    assert response.url == appraisal.get_absolute_url()  # type: ignore[attr-defined]
    assert [(i.name, i.post) for i in appraisal.items.filter(kind="CADRE")] == [
        ("韦秀英", "村党支部书记"),
        ("潘德明", "村委会主任"),
    ]
