"""The Longsheng demo (``xuncha demo``) and the figures ``xuncha stats`` prints for it.

Each test loads the demo once (a few seconds), so the checks are grouped into few tests.
"""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command

from xuncha.accounts.models import Role, RoleGrant, User
from xuncha.audit.models import Event
from xuncha.demo import data
from xuncha.demo.builder import ACCOUNT_GRANTS
from xuncha.inspections.models import Assignment, AssignmentVillage, InspectionGroup, Membership, Round, Term
from xuncha.organisations.models import AdminUnit, Category
from xuncha.organisations.tests import factories as units

CHENGNAN = "450328100001"  # 城南社区, a key village inspected directly in round 4
SHANDONG = "450328100212"  # 山东村, brought along by the township assignment of 龙胜镇 in round 4
LONGSHENG_TOWN = "450328100000"
COUNTY = "450328000000"

# The demo's sign-in accounts: one per role (two villages), with the unit each role is held over.
DEMO_ACCOUNTS: dict[str, tuple[Role, str | None]] = {
    "sysadmin": (Role.SYSADMIN, None),
    "security_admin": (Role.SECURITY_ADMIN, None),
    "auditor": (Role.AUDITOR, None),
    "office": (Role.OFFICE, COUNTY),
    "office_lead": (Role.OFFICE_LEAD, COUNTY),
    "group3_leader": (Role.GROUP_LEADER, COUNTY),
    "group3_member": (Role.GROUP_MEMBER, COUNTY),
    "discipline": (Role.DISCIPLINE, COUNTY),
    "orgdept": (Role.ORG_DEPT, COUNTY),
    "township_longsheng": (Role.TOWNSHIP, LONGSHENG_TOWN),
    "village_chengnan": (Role.VILLAGE, CHENGNAN),
    "village_shandong": (Role.VILLAGE, SHANDONG),
    "leader": (Role.LEADER, COUNTY),
}


def _run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _stats() -> dict[str, Any]:
    figures: dict[str, Any] = json.loads(_run("stats", "--json"))
    return figures


def _counts() -> dict[str, int]:
    return {
        "units": AdminUnit.objects.count(),
        "users": User.objects.count(),
        "grants": RoleGrant.objects.count(),
        "terms": Term.objects.count(),
        "rounds": Round.objects.count(),
        "groups": InspectionGroup.objects.count(),
        "memberships": Membership.objects.count(),
        "assignments": Assignment.objects.count(),
        "assignment_villages": AssignmentVillage.objects.count(),
        "events": Event.objects.count(),
    }


@pytest.mark.django_db
def test_demo_loads_the_longsheng_county() -> None:
    """The demo gives Longsheng's real figures, its round 4 assignments, one account per role and a sound chain."""
    assert "The Longsheng demo is loaded." in _run("demo")

    figures = _stats()
    assert figures["county"]["code"] == "450328"
    assert {
        key: figures[key]
        for key in (
            "townships",
            "villages",
            "village_committees",
            "communities",
            "key_villages",
            "general_villages",
            "inspected_villages",
        )
    } == {
        "townships": 10,
        "villages": 128,
        "village_committees": 119,
        "communities": 9,
        "key_villages": 23,
        "general_villages": 105,
        "inspected_villages": 75,
    }
    assert figures["term"] == data.TERM_NAME
    assert figures["unclassified_villages"] == 0
    assert figures["villages_to_cover"] == 128 - 75
    assert sum(row["villages"] for row in figures["coverage_by_township"]) == 128
    round_4 = next(row for row in figures["rounds"] if row["round"] == 4)
    assert round_4["key_villages_direct"] == 7
    assert round_4["assignments_by_mode"]["DIRECT"] == 7

    chengnan = AdminUnit.objects.get(code=CHENGNAN)
    shandong = AdminUnit.objects.get(code=SHANDONG)
    assert (chengnan.short_name, chengnan.category) == ("城南社区", Category.KEY)
    assert chengnan.category_reason == data.KEY_VILLAGES[CHENGNAN]
    assert (shandong.short_name, shandong.category) == ("山东村", Category.GENERAL)

    direct = Assignment.objects.select_related("group").get(round__number=4, target=chengnan)
    assert direct.mode == Assignment.Mode.DIRECT
    assert direct.group.name == "第三巡察组"
    brought = AssignmentVillage.objects.select_related("assignment__target").get(round__number=4, village=shandong)
    assert brought.assignment.mode == Assignment.Mode.TOWNSHIP_WITH_VILLAGES
    assert brought.assignment.target.code == LONGSHENG_TOWN
    assert brought.assignment.target.name == "龙胜镇"

    for username, (role, code) in DEMO_ACCOUNTS.items():
        user = User.objects.get(username=username)
        assert user.check_password(settings.XUNCHA_DEMO_PASSWORD), username
        grants = [(g.role, g.unit.code if g.unit else None) for g in RoleGrant.objects.filter(user=user)]
        assert grants == [(role, code)], username
    for username, _name, _post in data.INSPECTORS:
        inspector = User.objects.get(username=username)
        assert not inspector.has_usable_password()
        assert [g.role for g in RoleGrant.objects.filter(user=inspector)] == [Role.GROUP_MEMBER]
    assert User.objects.get(username="sysadmin").is_staff
    assert User.objects.get(username="security_admin").is_staff
    assert not User.objects.get(username="auditor").is_staff
    assert not User.objects.get(username="office").is_staff
    group_3 = InspectionGroup.objects.get(round__number=4, number=3)
    assert set(group_3.members.values_list("username", flat=True)) >= {"group3_leader", "group3_member"}

    assert "Audit chain intact" in _run("verify-audit")


@pytest.mark.django_db
def test_demo_runs_again_without_changing_anything() -> None:
    """A second run reports the demo as loaded and writes nothing: same rows, same events, same figures."""
    _run("demo")
    counts, figures = _counts(), _stats()
    output = _run("demo")
    assert "already loaded" in output
    assert "sysadmin" in output
    assert _counts() == counts
    assert _stats() == figures
    assert "Audit chain intact" in _run("verify-audit")


@pytest.mark.django_db
def test_demo_if_empty_leaves_a_database_with_other_data_alone() -> None:
    """``--if-empty`` on a database that holds another county loads nothing."""
    units.village(units.township(units.county("450325", "兴安县"), "兴安镇", number=100), "城东村委会", number=201)
    counts = _counts()
    output = _run("demo", "--if-empty")
    assert "the demo was not loaded" in output
    assert _counts() == counts
    assert not AdminUnit.objects.filter(code="450328000000").exists()


@pytest.mark.django_db
def test_demo_if_empty_leaves_a_database_with_only_accounts_alone() -> None:
    """A database where an administrator was already created (``createsuperuser``) is not empty."""
    User.objects.create_superuser("root", password="not-the-demo-password")
    _run("demo", "--if-empty")
    assert not AdminUnit.objects.exists()
    assert list(User.objects.values_list("username", flat=True)) == ["root"]


def test_demo_accounts_cover_every_role() -> None:
    """The 13 demo accounts, listed and granted alike, hold one role each, and every role has an account."""
    assert [username for username, _name, _post in data.ACCOUNTS] == list(DEMO_ACCOUNTS)
    assert {username: grant[0] for username, grant in ACCOUNT_GRANTS.items()} == {
        username: grant[0] for username, grant in DEMO_ACCOUNTS.items()
    }
    assert {role for role, _code in DEMO_ACCOUNTS.values()} == set(Role)
