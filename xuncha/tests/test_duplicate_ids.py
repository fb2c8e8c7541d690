"""Pages with more than one form give each element its own id: two forms sharing ``id_number`` make a label point
at the wrong field and break scripts and assistive technology."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser
from typing import TYPE_CHECKING

import pytest
from django.test import Client

if TYPE_CHECKING:
    from xuncha.conftest import World


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids.extend(value for name, value in attrs if name == "id" and value)


def duplicate_ids(html: str) -> list[str]:
    parser = _Ids()
    parser.feed(html)
    return sorted(element_id for element_id, count in Counter(parser.ids).items() if count > 1)


def _pages(world: World) -> dict[str, list[str]]:
    return {
        "office": [
            "/rounds/",
            world.round.get_absolute_url(),
            world.assignment.get_absolute_url(),
            "/rounds/recusals/",
            world.county.get_absolute_url(),
            world.township_a.get_absolute_url(),
            world.village_a1.get_absolute_url(),
            "/units/villages/",
            "/documents/",
            "/ledger/",
            "/lists/",
            "/visits/",
        ],
        "group_leader": ["/rounds/", world.round.get_absolute_url(), world.assignment.get_absolute_url()],
        "township_user": [world.township_a.get_absolute_url(), "/ledger/"],
        "village_user": [world.village_a1.get_absolute_url(), "/ledger/"],
    }


@pytest.mark.parametrize("persona", ["office", "group_leader", "township_user", "village_user"])
def test_no_page_repeats_an_element_id(
    client: Client, world: World, persona: str, request: pytest.FixtureRequest
) -> None:
    client.force_login(request.getfixturevalue(persona))
    found: dict[str, list[str]] = {}
    for page in _pages(world)[persona]:
        response = client.get(page)
        assert response.status_code == 200, page
        duplicates = duplicate_ids(response.content.decode())
        if duplicates:
            found[page] = duplicates
    assert found == {}


def test_the_rounds_page_names_its_two_forms_apart(client: Client, world: World, office: object) -> None:
    """The term form and the round form both have a number, a name and dates; their ids differ."""
    client.force_login(office)  # type: ignore[arg-type]
    html = client.get("/rounds/").content.decode()
    assert 'id="term-number"' in html
    assert 'id="round-number"' in html
    assert duplicate_ids(html) == []
