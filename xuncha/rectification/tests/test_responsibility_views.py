"""The pages of responsible people: the list page shows what is missing and the form that fills it, the villages'
page with its query budget, the item page and its form, the API fields, and the documents that print them."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import docx
import openpyxl
from django.test import Client
from django.urls import reverse

from xuncha.accounts.models import User
from xuncha.conftest import World
from xuncha.documents import exports
from xuncha.documents.builders import feedback as feedback_doc
from xuncha.rectification import actions
from xuncha.rectification.models import ProblemList, VillageResponsibility
from xuncha.rectification.tests.factories import Reported, ledger_item, publish

PEOPLE = {
    "first_name": "杨秀英",
    "first_post": "村党支部书记",
    "overseer_name": "吴海",
    "overseer_post": "镇党委副书记",
}


def test_the_list_page_shows_what_is_missing_and_its_form_fills_it(
    client: Client, world: World, reported: Reported, office: User
) -> None:
    VillageResponsibility.objects.filter(village=world.village_a1).delete()
    problem_list = actions.build_individual_list(reported.round, world.village_a1, actor=office)
    client.force_login(office)
    html = client.get(problem_list.get_absolute_url()).content.decode()
    assert 'data-testid="responsibility-missing"' in html
    assert 'data-testid="list-responsibility-form"' in html
    url = reverse("rectification:responsibility-edit", args=[world.village_a1.code])
    response = client.post(url, {**PEOPLE, "next": problem_list.get_absolute_url()})
    assert response.status_code == 302
    assert response["Location"] == problem_list.get_absolute_url()
    html = client.get(problem_list.get_absolute_url()).content.decode()
    assert 'data-testid="responsibility-missing"' not in html
    assert "杨秀英（村党支部书记）" in html


def test_publishing_without_people_shows_the_refusal(
    client: Client, world: World, reported: Reported, office: User
) -> None:
    VillageResponsibility.objects.filter(village=world.village_a1).delete()
    problem_list = actions.build_individual_list(reported.round, world.village_a1, actor=office)
    client.force_login(office)
    url = reverse("rectification:feedback-publish", args=[reported.round.pk, world.village_a1.code])
    response = client.post(url, {"fed_back_on": "2023-12-05", "next": problem_list.get_absolute_url()}, follow=True)
    assert reported.of(world.village_a1)[0].serial in response.content.decode()
    assert not ProblemList.objects.get(pk=problem_list.pk).feedbacks.exists()


def test_a_village_cannot_edit_its_people(client: Client, world: World, village_user: User) -> None:
    client.force_login(village_user)
    url = reverse("rectification:responsibility-edit", args=[world.village_a1.code])
    assert client.post(url, PEOPLE).status_code == 403
    assert VillageResponsibility.objects.get(village=world.village_a1).first_name == "李明"


def test_the_township_edits_its_villages_people_from_suggested_accounts(
    client: Client, world: World, township_user: User
) -> None:
    VillageResponsibility.objects.filter(village=world.village_a2).delete()
    client.force_login(township_user)
    url = reverse("rectification:responsibility-edit", args=[world.village_a2.code])
    html = client.get(url).content.decode()
    assert 'data-testid="responsibility-suggested"' in html
    assert client.post(url, PEOPLE).status_code == 302
    assert VillageResponsibility.objects.get(village=world.village_a2).overseer_name == "吴海"
    other = reverse("rectification:responsibility-edit", args=[world.village_b1.code])
    assert client.get(other).status_code == 404


def test_the_villages_page_lists_the_missing_at_a_fixed_cost(
    client: Client, world: World, office: User, django_assert_num_queries: Any
) -> None:
    VillageResponsibility.objects.filter(village=world.village_b1).delete()
    client.force_login(office)
    url = reverse("rectification:responsibility-list") + "?missing=1"
    client.get(url)
    with django_assert_num_queries(7):
        response = client.get(url)
    html = response.content.decode()
    assert html.count('data-testid="responsibility-row"') == 1
    assert world.village_b1.code in html


def test_the_item_page_shows_the_people_and_the_township_changes_them(
    client: Client, world: World, township_user: User
) -> None:
    item = ledger_item(world.round, world.village_a1, first_responsible_name="李明", first_responsible_post="村主任")
    client.force_login(township_user)
    html = client.get(item.get_absolute_url()).content.decode()
    assert "李明（村主任）" in html
    assert 'data-testid="item-responsibility-form"' in html
    response = client.post(reverse("rectification:item-responsibility", args=[item.pk]), PEOPLE)
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.first_responsible_name, item.overseer_name) == ("杨秀英", "吴海")


def test_the_village_reads_its_items_people_without_the_form(client: Client, world: World, village_user: User) -> None:
    item = ledger_item(world.round, world.village_a1, first_responsible_name="李明", overseer_name="吴海")
    client.force_login(village_user)
    html = client.get(item.get_absolute_url()).content.decode()
    assert 'data-testid="item-overseer">吴海' in html
    assert 'data-testid="item-responsibility-form"' not in html


def test_the_api_gives_the_items_people(client: Client, world: World, office: User) -> None:
    item = ledger_item(world.round, world.village_a1, first_responsible_name="李明", overseer_name="吴海")
    client.force_login(office)
    data = client.get(f"/api/v1/items/{item.pk}/").json()
    assert (data["first_responsible_name"], data["overseer_name"]) == ("李明", "吴海")
    assert "first_responsible_post" in data and "overseer_post" in data


def test_the_ledger_xlsx_prints_both_people(world: World, office: User) -> None:
    ledger_item(world.round, world.village_a1, **_item_people())
    sheet = openpyxl.load_workbook(BytesIO(exports.ledger(office, world.county).content))["整改台账"]
    rows = list(sheet.iter_rows(values_only=True))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["第一责任人"] == "杨秀英（村党支部书记）"
    assert row["督促责任人"] == "吴海（镇党委副书记）"


def test_the_feedback_document_prints_each_items_people(world: World, reported: Reported, office: User) -> None:
    actions.set_village_responsibility(world.village_a1, **PEOPLE, actor=office)
    feedback = publish(reported.round, world.village_a1, office)
    document = docx.Document(BytesIO(feedback_doc.render(feedback).content))
    table = document.tables[0]
    assert [cell.text for cell in table.rows[0].cells] == feedback_doc.TABLE_HEADER
    people = table.rows[1].cells[feedback_doc.TABLE_HEADER.index("责任人")].text
    assert "第一责任人：杨秀英（村党支部书记）" in people
    assert "督促责任人：吴海（镇党委副书记）" in people


def _item_people() -> dict[str, str]:
    return {
        "first_responsible_name": "杨秀英",
        "first_responsible_post": "村党支部书记",
        "overseer_name": "吴海",
        "overseer_post": "镇党委副书记",
    }
