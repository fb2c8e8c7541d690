"""Village classification: ``actions.classify_villages``, the ``classify`` command and ``set_village_category``."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from xuncha.accounts.actors import SYSTEM
from xuncha.accounts.models import User
from xuncha.audit.actions import WITHHELD
from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.core.exceptions import Conflict, PermissionDenied
from xuncha.core.tabular import ImportRejected, RowError
from xuncha.organisations import actions
from xuncha.organisations.actions import ImportResult
from xuncha.organisations.models import AdminUnit, Category

CLASSIFIED = "organisations.village_classified"
HEADER = "code,category,reason"


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Refusals are checked in English, the source language of the message catalog, whatever the site default."""
    with translation.override("en"):
        yield


def csv_file(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def good_file(world: World) -> bytes:
    """甲二村 becomes key, 乙一村 watch-list, and 甲社区 stays general."""
    return csv_file(
        HEADER,
        f"{world.village_a2.code},KEY,班子软弱涣散",
        f"{world.village_b1.code},WATCH,信访问题较多",
        f"{world.community_a.code},GENERAL,",
    )


def categories(world: World) -> dict[str, tuple[str, str]]:
    return {
        unit.short_name: (unit.category, unit.category_reason)
        for unit in AdminUnit.objects.descendants_of(world.county).villages()
    }


def classified_events() -> int:
    return Event.objects.filter(verb=CLASSIFIED).count()


def test_classification_file_sets_categories_and_reasons(world: World) -> None:
    """A good file sets each listed village's category and reason and counts what changed."""
    result = actions.classify_villages(good_file(world), actor=SYSTEM, file_name="2024.csv")

    assert result == ImportResult(created=0, updated=2, unchanged=1)
    assert categories(world) == {
        "甲一村": (Category.KEY, ""),
        "甲二村": (Category.KEY, "班子软弱涣散"),
        "甲社区": (Category.GENERAL, ""),
        "乙一村": (Category.WATCH, "信访问题较多"),
    }


def test_each_changed_village_gets_one_event_with_before_and_after(world: World) -> None:
    """Every village whose category changes gets one village_classified event; unchanged villages get none."""
    actions.classify_villages(good_file(world), actor=SYSTEM, file_name="2024.csv")

    events = {event.object_id: event for event in Event.objects.filter(verb=CLASSIFIED)}
    assert set(events) == {str(world.village_a2.pk), str(world.village_b1.pk)}
    event = events[str(world.village_a2.pk)]
    assert event.before == {"category": "GENERAL", "category_reason": ""}
    assert event.after == {"category": "KEY", "category_reason": WITHHELD}
    assert (event.unit_id, event.note, event.actor_label) == (world.village_a2.pk, "2024.csv", "system")


@pytest.mark.parametrize(
    ("word", "category"),
    [
        ("重点村", Category.KEY),
        ("重点", Category.KEY),
        ("关注村", Category.WATCH),
        ("一般村", Category.GENERAL),
        ("key", Category.KEY),
        ("Watch", Category.WATCH),
    ],
)
def test_chinese_and_lowercase_category_words_are_accepted(world: World, word: str, category: Category) -> None:
    """重点村 / 一般村 / 关注村 (and their short and lower-case forms) name the three categories."""
    actions.classify_villages(csv_file(HEADER, f"{world.village_b1.code},{word},整改不到位"), actor=SYSTEM)

    world.village_b1.refresh_from_db()
    assert (world.village_b1.category, world.village_b1.category_reason) == (category, "整改不到位")


def test_rerunning_a_classification_file_changes_nothing(world: World) -> None:
    """The same file a second time reports every village unchanged and writes no event."""
    actions.classify_villages(good_file(world), actor=SYSTEM)
    events = classified_events()

    result = actions.classify_villages(good_file(world), actor=SYSTEM)

    assert result == ImportResult(created=0, updated=0, unchanged=3)
    assert classified_events() == events == 2


def test_a_changed_reason_alone_is_a_change(world: World) -> None:
    """Keeping the category but rewriting the reason updates the village and is audited."""
    actions.classify_villages(good_file(world), actor=SYSTEM)

    result = actions.classify_villages(csv_file(HEADER, f"{world.village_a2.code},KEY,村务不公开"), actor=SYSTEM)

    assert result == ImportResult(created=0, updated=1, unchanged=0)
    world.village_a2.refresh_from_db()
    assert world.village_a2.category_reason == "村务不公开"
    assert Event.objects.filter(verb=CLASSIFIED)[0].before == {"category": "KEY", "category_reason": WITHHELD}


BAD_ROWS = [
    pytest.param(
        "450328100999,KEY,原因", RowError(3, "code", "no village has this code", "450328100999"), id="unknown"
    ),
    pytest.param(
        "450328100000,GENERAL,", RowError(3, "code", "no village has this code", "450328100000"), id="township-code"
    ),
    pytest.param("450328100,GENERAL,", RowError(3, "code", "a village code has 12 digits", "450328100"), id="short"),
    pytest.param(
        "450328100001,VIP,原因",
        RowError(3, "category", "the category must be KEY, GENERAL or WATCH", "VIP"),
        id="bad-category",
    ),
    pytest.param(
        "450328101201,KEY,", RowError(3, "reason", "a key or watch-list village needs a reason"), id="key-no-reason"
    ),
    pytest.param(
        "450328101201,关注村,",
        RowError(3, "reason", "a key or watch-list village needs a reason"),
        id="watch-no-reason",
    ),
    pytest.param(
        "450328100202,GENERAL,",
        RowError(3, "code", "duplicate code, already given on line 2", "450328100202"),
        id="duplicate",
    ),
    pytest.param("450328100202,KEY", RowError(3, "row", "expected 3 columns, found 2"), id="missing-cell"),
]


@pytest.mark.parametrize(("bad_row", "error"), BAD_ROWS)
def test_bad_classification_row_refuses_the_whole_file(world: World, bad_row: str, error: RowError) -> None:
    """One bad row refuses the file with its reason; the good row before it is not applied either."""
    before = categories(world), Event.objects.count()
    data = csv_file(HEADER, f"{world.village_a2.code},KEY,班子软弱涣散", bad_row)

    with pytest.raises(ImportRejected) as refused:
        actions.classify_villages(data, actor=SYSTEM)

    assert refused.value.errors == [error]
    assert (categories(world), Event.objects.count()) == before


def test_classification_file_with_a_wrong_header_is_refused(world: World) -> None:
    """A file whose header is not code,category,reason is refused before any row is read."""
    before = categories(world), Event.objects.count()

    with pytest.raises(ImportRejected) as refused:
        actions.classify_villages(csv_file("village,category", f"{world.village_a2.code},KEY"), actor=SYSTEM)

    assert refused.value.errors == [
        RowError(1, "header", "unexpected header; expected one of: code,category,reason", "village,category")
    ]
    assert (categories(world), Event.objects.count()) == before


def test_every_bad_classification_row_is_reported(world: World) -> None:
    """All bad rows are listed in line order, not just the first."""
    data = csv_file(
        HEADER,
        "450328100999,KEY,原因",
        f"{world.village_a2.code},GENERAL,",
        f"{world.village_b1.code},KEY,",
        f"{world.community_a.code},SPECIAL,原因",
    )

    with pytest.raises(ImportRejected) as refused:
        actions.classify_villages(data, actor=SYSTEM)

    assert [(error.line, error.column) for error in refused.value.errors] == [
        (2, "code"),
        (4, "reason"),
        (5, "category"),
    ]


def test_empty_classification_file_is_refused(world: World) -> None:
    """A header without rows is refused rather than reported as a successful run."""
    with pytest.raises(ImportRejected) as refused:
        actions.classify_villages(csv_file(HEADER), actor=SYSTEM)

    assert refused.value.errors == [RowError(2, "file", "the file holds no rows")]


def test_office_may_classify_its_county_villages(world: World, office: User) -> None:
    """The county's inspection office classifies its villages and is named in the events."""
    actions.classify_villages(good_file(world), actor=office)

    assert set(Event.objects.filter(verb=CLASSIFIED).values_list("actor", flat=True)) == {office.pk}
    world.village_b1.refresh_from_db()
    assert world.village_b1.category == Category.WATCH


@pytest.mark.parametrize("persona", ["outsider", "township_user", "village_user", "leader"])
def test_classification_file_is_refused_for_others(world: World, persona: str, request: pytest.FixtureRequest) -> None:
    """The office of another county, a township, a village and a county leader may not classify villages."""
    actor: User = request.getfixturevalue(persona)
    before = categories(world), Event.objects.count()

    with pytest.raises(PermissionDenied):
        actions.classify_villages(good_file(world), actor=actor)

    assert (categories(world), Event.objects.count()) == before


def test_classify_command_sets_categories_and_prints_the_counts(world: World, tmp_path: Path) -> None:
    """``xuncha classify`` applies the file and says how many villages changed."""
    path = tmp_path / "classes.csv"
    path.write_bytes(good_file(world))
    out = StringIO()

    call_command("classify", str(path), stdout=out)

    assert out.getvalue().strip() == "classes.csv: 2 villages classified, 1 unchanged."
    assert categories(world)["乙一村"] == (Category.WATCH, "信访问题较多")
    assert set(Event.objects.filter(verb=CLASSIFIED).values_list("note", flat=True)) == {"classes.csv"}


def test_classify_command_refuses_a_bad_file_and_prints_its_bad_rows(world: World, tmp_path: Path) -> None:
    """The command fails naming every bad row, and changes nothing."""
    path = tmp_path / "classes.csv"
    path.write_bytes(csv_file(HEADER, f"{world.village_a2.code},KEY,原因", "450328100999,KEY,原因"))
    err = StringIO()
    before = categories(world), Event.objects.count()

    with pytest.raises(CommandError, match=r"^classes\.csv was refused: 1 bad row\(s\); nothing was changed\.$"):
        call_command("classify", str(path), stderr=err)

    assert err.getvalue().splitlines() == ["line 3, column code (450328100999): no village has this code"]
    assert (categories(world), Event.objects.count()) == before


def test_set_village_category_changes_one_village_and_audits(world: World, office: User) -> None:
    """The office classifies one village; the event carries the actor, before and after."""
    village = actions.set_village_category(world.village_a2, Category.WATCH, "  群众反映强烈  ", actor=office)

    village.refresh_from_db()
    assert (village.category, village.category_reason) == (Category.WATCH, "群众反映强烈")
    event = Event.objects.get(verb=CLASSIFIED)
    assert (event.actor, event.unit_id, event.object_id) == (office, village.pk, str(village.pk))
    assert event.before == {"category": "GENERAL", "category_reason": ""}
    assert event.after == {"category": "WATCH", "category_reason": WITHHELD}


def test_set_village_category_without_change_writes_no_event(world: World, office: User) -> None:
    """Saving the category a village already has is not an event."""
    actions.set_village_category(world.village_a2, Category.GENERAL, "", actor=office)

    assert classified_events() == 0


@pytest.mark.parametrize("category", [Category.KEY, Category.WATCH])
def test_set_village_category_needs_a_reason_for_key_and_watch(world: World, office: User, category: Category) -> None:
    """A key or watch-list village needs a reason; blanks do not count as one."""
    with pytest.raises(Conflict, match="needs a reason"):
        actions.set_village_category(world.village_a2, category, "   ", actor=office)

    world.village_a2.refresh_from_db()
    assert world.village_a2.category == Category.GENERAL
    assert classified_events() == 0


def test_set_village_category_refuses_units_above_village_level(world: World, office: User) -> None:
    """Only villages and communities have a category."""
    with pytest.raises(Conflict, match="Only villages"):
        actions.set_village_category(world.township_a, Category.KEY, "原因", actor=office)

    world.township_a.refresh_from_db()
    assert world.township_a.category == ""


@pytest.mark.parametrize("persona", ["outsider", "township_user", "village_user"])
def test_set_village_category_is_refused_for_others(world: World, persona: str, request: pytest.FixtureRequest) -> None:
    """Nobody but the county's office may classify one of its villages."""
    actor: User = request.getfixturevalue(persona)

    with pytest.raises(PermissionDenied):
        actions.set_village_category(world.village_a1, Category.GENERAL, "", actor=actor)

    world.village_a1.refresh_from_db()
    assert world.village_a1.category == Category.KEY
    assert classified_events() == 0
