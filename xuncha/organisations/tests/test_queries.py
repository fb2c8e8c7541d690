"""Reads over the tree (subtrees, ancestors, village counts) and the code and name helpers of ``codes``."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from pytest_django import DjangoAssertNumQueries

from xuncha.conftest import World
from xuncha.organisations import codes
from xuncha.organisations.models import AdminUnit, Level, VillageKind
from xuncha.organisations.queries import VillageCounts, village_counts_under
from xuncha.organisations.tests import factories as units


@pytest.mark.django_db
def test_descendants_of_a_county_are_its_townships_and_villages(world: World) -> None:
    """A county's subtree holds its townships and villages and nothing of the next county."""
    descendants = set(AdminUnit.objects.descendants_of(world.county))

    assert descendants == {
        world.township_a,
        world.township_b,
        world.village_a1,
        world.village_a2,
        world.community_a,
        world.village_b1,
    }
    assert world.county in AdminUnit.objects.descendants_of(world.county, include_self=True)
    assert world.county not in descendants


@pytest.mark.django_db
def test_descendants_of_a_township_stop_at_its_own_villages(world: World) -> None:
    """A township's subtree is its villages, not those of its neighbour township."""
    assert list(AdminUnit.objects.descendants_of(world.township_a)) == [
        world.community_a,
        world.village_a1,
        world.village_a2,
    ]
    assert list(AdminUnit.objects.descendants_of(world.village_b1)) == []
    assert list(AdminUnit.objects.descendants_of(world.village_b1, include_self=True)) == [world.village_b1]


@pytest.mark.django_db
def test_descendants_of_a_province_cover_both_counties(world: World) -> None:
    """The province's subtree holds every unit below it, whichever county."""
    province = units.province()

    descendants = AdminUnit.objects.descendants_of(province)

    assert descendants.count() == AdminUnit.objects.count() - 1
    assert set(descendants.villages()) == {
        world.village_a1,
        world.village_a2,
        world.community_a,
        world.village_b1,
        world.other_village,
    }


@pytest.mark.django_db
def test_ancestors_of_a_village_are_its_chain_top_first(world: World) -> None:
    """A village's ancestors run province, city, county, township; include_self adds the village last."""
    chain = [units.province(), units.city(), world.county, world.township_a]

    assert list(AdminUnit.objects.ancestors_of(world.village_a1)) == chain
    assert list(AdminUnit.objects.ancestors_of(world.village_a1, include_self=True)) == [*chain, world.village_a1]
    assert list(AdminUnit.objects.ancestors_of(units.province())) == []


@pytest.mark.django_db
def test_ancestors_of_is_one_query(world: World, django_assert_num_queries: DjangoAssertNumQueries) -> None:
    """The ancestors are read off the stored path in a single query."""
    with django_assert_num_queries(1):
        assert len(list(AdminUnit.objects.ancestors_of(world.village_b1))) == 4


@pytest.mark.django_db
def test_ancestor_at_each_level(world: World, django_assert_max_num_queries: DjangoAssertNumQueries) -> None:
    """``ancestor(level)`` finds the unit's ancestor at that level (itself at its own level) in one query at most."""
    village = world.village_b1

    with django_assert_max_num_queries(1):
        assert village.ancestor(Level.TOWNSHIP) == world.township_b
    assert village.ancestor(Level.COUNTY) == world.county
    assert village.ancestor(Level.CITY) == units.city()
    assert village.ancestor(Level.PROVINCE) == units.province()
    with django_assert_max_num_queries(0):
        assert village.ancestor(Level.VILLAGE) is village
    assert world.township_a.ancestor(Level.COUNTY) == world.county
    assert world.other_village.ancestor(Level.COUNTY) == world.other_county


@pytest.mark.django_db
def test_ancestor_below_the_unit_is_none(world: World) -> None:
    """There is no ancestor at a level below the unit's own."""
    assert world.township_a.ancestor(Level.VILLAGE) is None
    assert world.county.ancestor(Level.TOWNSHIP) is None
    assert units.province().ancestor(Level.CITY) is None


@pytest.mark.django_db
def test_village_counts_under_townships(world: World, django_assert_num_queries: DjangoAssertNumQueries) -> None:
    """Villages are counted per township: total, key, general and communities, in one query."""
    empty = units.township(world.county, "空镇", number=102)

    with django_assert_num_queries(1):
        counts = village_counts_under([world.township_a, world.township_b, empty])

    assert counts == {
        world.township_a.pk: VillageCounts(total=3, key=1, general=2, communities=1),
        world.township_b.pk: VillageCounts(total=1, key=0, general=1, communities=0),
    }


@pytest.mark.django_db
def test_village_counts_under_counties_and_cities(world: World) -> None:
    """Counts roll up to any level: per county, and for the city that holds both counties."""
    assert village_counts_under([world.county, world.other_county]) == {
        world.county.pk: VillageCounts(total=4, key=1, general=3, communities=1),
        world.other_county.pk: VillageCounts(total=1, key=0, general=1, communities=0),
    }
    assert village_counts_under([units.city()]) == {
        units.city().pk: VillageCounts(total=5, key=1, general=4, communities=1),
    }


def test_village_counts_under_nothing_is_empty() -> None:
    """No units, no counts, and no database access (this test has none)."""
    assert village_counts_under([]) == {}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("45", "450000000000"),
        ("4503", "450300000000"),
        ("450328", "450328000000"),
        ("450328100", "450328100000"),
        ("450328100201", "450328100201"),
        (" 450328 \n", "450328000000"),
        ("", None),
        ("4", None),
        ("45032", None),
        ("4503281", None),
        ("4503281002011", None),
        ("45032A", None),
        ("４５０３２８", None),
        ("-45032", None),
    ],
)
def test_normalise_code(raw: str, expected: str | None) -> None:
    """Codes of 2, 4, 6, 9 or 12 ASCII digits are padded to 12; anything else is not a code."""
    assert codes.normalise_code(raw) == expected


@given(st.sampled_from([2, 4, 6, 9, 12]).flatmap(lambda n: st.text(alphabet="0123456789", min_size=n, max_size=n)))
def test_normalise_code_keeps_the_digits_and_pads_to_twelve(raw: str) -> None:
    """Every well-formed code becomes 12 digits that begin with the code given."""
    code = codes.normalise_code(raw)

    assert code is not None
    assert len(code) == 12
    assert code.startswith(raw)
    assert code[len(raw) :] == "0" * (12 - len(raw))


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("龙脊村委会", "龙脊村"),
        ("城南社区居委会", "城南社区"),
        ("瓢里街社区居民委员会", "瓢里街社区"),
        ("平等街道居民委员会", "平等街道"),
        ("龙脊村", "龙脊村"),
        ("龙胜镇", "龙胜镇"),
        ("新和华侨农场生活区", "新和华侨农场生活区"),
        ("村委会", "村委会"),
        ("社区居委会", "社区居委会"),
    ],
)
def test_short_name(name: str, short: str) -> None:
    """The committee suffix is cut (村委会 keeps 村, 社区居委会 keeps 社区); a bare suffix is kept whole."""
    assert codes.short_name(name) == short


def test_short_name_strips_the_full_village_committee_suffix() -> None:
    """The formal suffix 村民委员会 is cut like its abbreviation 村委会."""
    assert codes.short_name("拉堡村村民委员会") == "拉堡村"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("龙脊村委会", VillageKind.VILLAGE),
        ("拉堡村村民委员会", VillageKind.VILLAGE),
        ("龙脊村", VillageKind.VILLAGE),
        ("城南社区居委会", VillageKind.COMMUNITY),
        ("瓢里街社区居民委员会", VillageKind.COMMUNITY),
        ("三门镇街道居民委员会", VillageKind.COMMUNITY),
        ("河口居委会", VillageKind.COMMUNITY),
        ("城南社区", VillageKind.COMMUNITY),
        ("新和华侨农场生活区", VillageKind.COMMUNITY),
        ("新和华侨农场", VillageKind.VILLAGE),
    ],
)
def test_kind_from_name(name: str, kind: VillageKind) -> None:
    """Village committees are villages; residents' committees, communities and 生活区 are communities."""
    assert codes.kind_from_name(name) == kind


SUFFIXES = ["村委会", "社区居委会", "居民委员会"]
# Pieces from which names full of committee words are built, so that the suffix rules meet each other.
NAME_PIECES = st.sampled_from(["甲", "龙脊", "村", "委", "会", "社区", "居", "民", "员", *SUFFIXES, " "])
committee_words = st.lists(NAME_PIECES, min_size=1, max_size=6).map("".join)
plain_words = st.text(
    alphabet=st.characters(exclude_characters="村委会社区居民员", exclude_categories=["Cs"]), min_size=1, max_size=8
)


@given(st.one_of(st.text(min_size=1), committee_words))
def test_short_name_is_never_empty(name: str) -> None:
    """A non-empty name never shortens to nothing."""
    assert codes.short_name(name) != ""


@given(plain_words, st.sampled_from(["", *SUFFIXES]))
def test_short_name_of_a_name_with_one_suffix_is_idempotent(stem: str, suffix: str) -> None:
    """Shortening a name with at most one committee suffix a second time changes nothing."""
    once = codes.short_name(stem + suffix)

    assert codes.short_name(once) == once


@given(committee_words)
@example("甲村委会居民委员会")
def test_short_name_is_idempotent(name: str) -> None:
    """Shortening an already short name changes nothing."""
    once = codes.short_name(name)

    assert codes.short_name(once) == once
