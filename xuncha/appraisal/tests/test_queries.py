"""The tallies on known data: counts by respondent and channel, each item's grades, shares and satisfaction."""

from __future__ import annotations

from decimal import Decimal

import pytest

from xuncha.appraisal.models import Appraisal
from xuncha.appraisal.queries import percent, tallies
from xuncha.appraisal.tests.conftest import fill

pytestmark = pytest.mark.django_db


def test_tallies_are_exact(appraisal: Appraisal, django_assert_num_queries: pytest.FixtureRequest) -> None:
    fill(appraisal)
    with django_assert_num_queries(3):  # type: ignore[operator]
        figures = tallies(appraisal)
    assert (figures.forms, figures.phone, figures.paper) == (10, 6, 4)
    assert {row.kind: (row.phone, row.paper) for row in figures.kinds} == {
        "PARTY_MEMBER": (3, 0),
        "REPRESENTATIVE": (0, 4),
        "CADRE": (0, 0),
        "RESIDENT": (3, 0),
    }
    first, *others = figures.items
    assert first.item.key == "SECRETARY"
    assert first.counts == (7, 2, 1, 0)
    assert first.shares == (Decimal("70.0"), Decimal("20.0"), Decimal("10.0"), Decimal("0.0"))
    assert first.satisfaction == Decimal("90.0")
    assert len(others) == 7
    for row in others:
        assert row.counts == (3, 2, 4, 1)
        assert row.satisfaction == Decimal("50.0")
    # 9 + 7 × 5 satisfied grades of 8 × 10.
    assert figures.satisfaction == Decimal("55.0")
    assert [str(row.item) for row in figures.cadre_items] == ["韦秀英（村党支部书记）", "潘德明（村委会主任）"]


def test_an_empty_appraisal_tallies_zero(appraisal: Appraisal) -> None:
    figures = tallies(appraisal)
    assert figures.forms == 0
    assert figures.satisfaction == Decimal("0.0")
    assert all(row.counts == (0, 0, 0, 0) for row in figures.items)


def test_percent_rounds_half_up() -> None:
    assert percent(1, 3) == Decimal("33.3")
    assert percent(2, 3) == Decimal("66.7")
    assert percent(1, 8) == Decimal("12.5")
    assert percent(0, 0) == Decimal("0.0")
