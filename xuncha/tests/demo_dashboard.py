"""Checks of the dashboard on the Longsheng demo: the county's published figures, in ``xuncha stats --json`` and on
the pages of the office, a county leader and 龙胜镇 (called from ``test_demo``, which loads the demo once)."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from xuncha.accounts.models import User

CITY = "450300000000"
COUNTY = "450328000000"
LONGSHENG_TOWN = "450328100000"
CHENGNAN = "450328100001"
SHANDONG = "450328100212"


def _figures_on(html: str) -> dict[str, str]:
    """The first value of each ``data-figure`` on a page, as shown."""
    shown: dict[str, str] = {}
    for name, value in re.findall(r'data-figure="([a-z-]+)"[^>]*>([^<]*)<', html):
        shown.setdefault(name, value.strip())
    return shown


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def check_dashboard(stats: dict[str, Any]) -> None:
    figures = stats["dashboard"]
    villages = figures["villages"]
    assert (villages["villages"], villages["key"], villages["general"], villages["inspected"]) == (128, 23, 105, 75)
    assert villages["communities"] == 9
    assert figures["problems"]["total"] == 732
    assert figures["clues"]["transferred"] == 13
    round_4 = next(row for row in figures["rounds"] if row["round"] == 4)
    assert (round_4["villages"], round_4["key_villages"], round_4["key_villages_direct"]) == (18, 7, 7)
    top = figures["suggestions"]["top_villages"][0]
    assert (top["code"], top["topic"], top["total"], top["IMMEDIATE"], top["FOLLOW_UP"]) == (
        SHANDONG,
        "INDUSTRY",
        17,
        9,
        8,
    )
    hydrants = next(row for row in figures["disclosures"] if "消火栓" in row["summary"])
    assert hydrants["code"] == CHENGNAN
    assert "已重新安装并试水成功" in hydrants["result"]
    assert figures["survey"]["answers"] == 40
    assert figures["survey"]["satisfaction_rate"] == 95.0  # (34 + 4) of 40
    assert len(figures["areas"]) == 10
    assert sum(area["villages"] for area in figures["areas"]) == 128
    assert sum(area["problems"] for area in figures["areas"]) == 732

    client = Client()
    for username in ("office", "leader"):
        client.force_login(User.objects.get(username=username))
        response = client.get("/", follow=True)
        assert response.redirect_chain[-1][0] == f"/dashboard/{COUNTY}/", username
        html = response.content.decode()
        shown = _figures_on(html)
        assert {key: shown[key] for key in ("villages", "key", "general", "inspected", "problems", "clues")} == {
            "villages": "128",
            "key": "23",
            "general": "105",
            "inspected": "75",
            "problems": "732",
            "clues": "13",
        }, username
        text = _text(html)
        assert "128 villages and communities (23 key, 105 general); 75 inspected" in text
        assert "732 problems found. 13 problem clues transferred." in text
        assert "7 of them key villages, 7 key villages inspected directly" in text
        assert (
            "山东村委会 raised the most: 17 suggestions on Industry development, 9 adopted and fixed immediately, 8"
            in text
        )
        assert "已重新安装并试水成功" in text
        assert ("Manage disclosure" in text) is False
    # The leader reads: no form on the dashboard posts anything.
    assert 'method="post"' not in html.split('id="dashboard-body"')[1]

    # 桂林市's leader reads the roll-up of the city's counties (the demo loads one of them).
    client.force_login(User.objects.get(username="city_leader"))
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == f"/dashboard/{CITY}/"
    html = response.content.decode()
    shown = _figures_on(html)
    assert (shown["villages"], shown["inspected"], shown["problems"], shown["clues"]) == ("128", "75", "732", "13")
    assert re.findall(r'data-area="(\d+)"', html) == [COUNTY]
    assert "Current term of 1 county:" in _text(html)

    client.force_login(User.objects.get(username="township_longsheng"))
    html = client.get(f"/dashboard/{LONGSHENG_TOWN}/").content.decode()
    shown = _figures_on(html)
    assert shown["villages"] == "19"
    assert "clues" not in shown
    areas = re.findall(r'data-area="(\d+)"', html)
    assert len(areas) == 19 and all(code.startswith("450328100") for code in areas)
    assert client.get(f"/dashboard/{COUNTY}/").status_code == 404
