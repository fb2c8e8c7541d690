"""/api/v1/dashboard/<code>/: the dashboard's figures as JSON, with the page's scope, filters and refusals."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from xuncha.accounts.models import User
from xuncha.dashboard.lookups import reader_sources
from xuncha.dashboard.queries import build_scope, dashboard_figures
from xuncha.dashboard.tests.scenes import Region, Scene
from xuncha.organisations.models import AdminUnit


def _api(client: Client, user: User | None, unit: AdminUnit, **params: str) -> tuple[int, dict]:
    if user is not None:
        client.force_login(user)
    response = client.get(f"/api/v1/dashboard/{unit.code}/", params, HTTP_ACCEPT="application/json")
    return response.status_code, json.loads(response.content)


@pytest.mark.parametrize("persona", ["office", "office_lead", "leader", "township_user", "village_user"])
def test_the_figures_are_those_of_the_page(
    client: Client, scene: Scene, persona: str, request: pytest.FixtureRequest
) -> None:
    """Each reader gets the figures of their own unit as they read them, clue count and suggestions included or
    not (JSON turns nothing into null)."""
    user = request.getfixturevalue(persona)
    world = scene.world
    unit = {"township_user": world.township_a, "village_user": world.village_a1}.get(persona, world.county)
    status, body = _api(client, user, unit)
    assert status == 200
    expected = dashboard_figures(build_scope(unit), reader_sources(user, unit))
    assert body == json.loads(json.dumps(expected))
    assert (body["clues"] is None) == (persona in ("township_user", "village_user"))
    assert (body["suggestions"] is None) == (persona in ("township_user", "village_user"))


def test_the_filters_narrow_the_figures(client: Client, scene: Scene, office: User) -> None:
    world = scene.world
    status, everything = _api(client, office, world.county)
    status, township = _api(client, office, world.county, township=world.township_b.code)
    assert status == 200
    assert township["scope"]["township"]["code"] == world.township_b.code
    assert township["villages"]["villages"] < everything["villages"]["villages"]
    assert [area["code"] for area in township["areas"]] == sorted(
        AdminUnit.objects.villages().filter(parent=world.township_b).values_list("code", flat=True)
    )


def test_units_outside_the_readers_scope_are_not_found(
    client: Client, scene: Scene, township_user: User, village_user: User, group_leader: User
) -> None:
    world = scene.world
    assert _api(client, township_user, world.county)[0] == 404
    assert _api(client, township_user, world.township_b)[0] == 404
    assert _api(client, village_user, world.village_a2)[0] == 404
    # A group leader sees the villages of the group's assignments but reads no dashboard of them.
    assert _api(client, group_leader, world.village_a1)[0] == 403


def test_signed_out_clients_are_refused(client: Client, scene: Scene) -> None:
    assert _api(client, None, scene.world.county)[0] == 401


def test_the_province_adds_up_its_counties(client: Client, region: Region, province_leader: User) -> None:
    status, body = _api(client, province_leader, region.province)
    assert status == 200
    assert body["scope"]["counties_with_terms"] == 3
    assert body["villages"]["villages"] == sum(area["villages"] for area in body["areas"])
    assert body["rounds"] is None
