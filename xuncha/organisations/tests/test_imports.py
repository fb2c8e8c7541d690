"""Division imports: ``actions.import_divisions`` and the ``import-divisions`` command."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from xuncha.accounts.actors import SYSTEM
from xuncha.accounts.models import Role, User
from xuncha.accounts.tests.factories import UserFactory, grant
from xuncha.audit.models import Event
from xuncha.core.exceptions import Conflict, PermissionDenied
from xuncha.core.tabular import ImportRejected, RowError
from xuncha.organisations import actions
from xuncha.organisations.actions import ImportResult
from xuncha.organisations.models import AdminUnit, Category, Level, VillageKind
from xuncha.organisations.tests import factories as units

pytestmark = pytest.mark.django_db

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
IMPORTED = "organisations.divisions_imported"

CHAIN_HEADER = "city_code,city_name,county_code,county_name,township_code,township_name,village_code,village_name"
COUNTY_HEADER = "township_code,township_name,village_code,village_name,kind"
LONGSHENG = "4503,桂林市,450328,龙胜各族自治县"
COMMUNITY_ROW = f"{LONGSHENG},450328100,龙胜镇,450328100001,城南社区居委会"
VILLAGE_ROW = f"{LONGSHENG},450328100,龙胜镇,450328100201,双河村委会"
LONGJI_ROW = f"{LONGSHENG},450328103,龙脊镇,450328103207,龙脊村委会"


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Refusals are checked in English, the source language of the message catalog, whatever the site default."""
    with translation.override("en"):
        yield


def csv_file(*lines: str, encoding: str = "utf-8") -> bytes:
    return ("\n".join(lines) + "\n").encode(encoding)


GOOD_CHAIN = csv_file(CHAIN_HEADER, COMMUNITY_ROW, VILLAGE_ROW, LONGJI_ROW)
# Province, city, county, two townships and three villages.
GOOD_CHAIN_UNITS = 8


def unit(code: str) -> AdminUnit:
    return AdminUnit.objects.get(code=code.ljust(12, "0"))


def row_counts() -> tuple[int, int]:
    return AdminUnit.objects.count(), Event.objects.count()


def level_counts() -> dict[str, int]:
    return {level: AdminUnit.objects.filter(level=level).count() for level in Level}


@pytest.fixture
def xingan() -> AdminUnit:
    """A county already in the database, so that a refused file has something it could have disturbed."""
    county = units.county("450325", "兴安县")
    units.village(units.township(county, "兴安镇", number=100), "城西社区居委会", number=1, kind=VillageKind.COMMUNITY)
    return county


def test_province_chain_file_creates_the_whole_chain() -> None:
    """A province-chain file creates the province, city, county, townships and villages with paths and parents."""
    result = actions.import_divisions(GOOD_CHAIN, actor=SYSTEM, file_name="chain.csv")

    assert result == ImportResult(created=GOOD_CHAIN_UNITS, updated=0, unchanged=0)
    assert level_counts() == {
        Level.PROVINCE: 1,
        Level.CITY: 1,
        Level.COUNTY: 1,
        Level.TOWNSHIP: 2,
        Level.VILLAGE: 3,
        Level.DEPARTMENT: 0,  # an import never makes a department
    }
    province, city, county = unit("45"), unit("4503"), unit("450328")
    assert (province.name, province.parent) == ("广西壮族自治区", None)
    assert (city.name, city.parent) == ("桂林市", province)
    assert (county.name, county.parent, county.short_code) == ("龙胜各族自治县", city, "450328")
    township = unit("450328100")
    assert (township.name, township.short_name, township.parent) == ("龙胜镇", "龙胜镇", county)
    assert township.path == "/450000000000/450300000000/450328000000/450328100000/"
    longji = unit("450328103207")
    assert (longji.name, longji.short_name, longji.kind) == ("龙脊村委会", "龙脊村", VillageKind.VILLAGE)
    assert longji.parent == unit("450328103")
    assert longji.path == "/450000000000/450300000000/450328000000/450328103000/450328103207/"
    assert longji.category == ""
    community = unit("450328100001")
    assert (community.short_name, community.kind) == ("城南社区", VillageKind.COMMUNITY)


def test_import_records_one_event_with_its_counts_and_digest() -> None:
    """Each import writes one divisions_imported event naming the file, its digest and the counts."""
    actions.import_divisions(GOOD_CHAIN, actor=SYSTEM, file_name="chain.csv")

    event = Event.objects.get(verb=IMPORTED)
    assert event.actor is None
    assert event.actor_label == "system"
    assert event.object_id == str(unit("45").pk)
    assert event.after == {
        "file": "chain.csv",
        "sha256": hashlib.sha256(GOOD_CHAIN).hexdigest(),
        "county": None,
        "created": GOOD_CHAIN_UNITS,
        "updated": 0,
        "unchanged": 0,
    }


def test_sysadmin_import_is_recorded_with_the_actor() -> None:
    """The system administrator may import, and the event names them."""
    admin = UserFactory.create(username="admin")
    grant(admin, Role.SYSADMIN)

    actions.import_divisions(GOOD_CHAIN, actor=admin, file_name="chain.csv")

    assert Event.objects.get(verb=IMPORTED).actor == admin


def test_import_by_office_staff_is_refused(xingan: AdminUnit) -> None:
    """Only the system administrator (or a server command) may import divisions."""
    clerk: User = UserFactory.create(username="clerk")
    grant(clerk, Role.OFFICE, xingan)
    before = row_counts()

    with pytest.raises(PermissionDenied):
        actions.import_divisions(GOOD_CHAIN, actor=clerk)

    assert row_counts() == before


def test_real_guangxi_file_filtered_to_longsheng_loads_one_county() -> None:
    """The real Guangxi file filtered to 450328 gives Longsheng's 10 townships and 128 villages (9 communities)."""
    out = StringIO()

    call_command("import-divisions", str(DATA_DIR / "guangxi_divisions.csv"), county="450328", stdout=out)

    assert level_counts() == {
        Level.PROVINCE: 1,
        Level.CITY: 1,
        Level.COUNTY: 1,
        Level.TOWNSHIP: 10,
        Level.VILLAGE: 128,
        Level.DEPARTMENT: 0,
    }
    assert "141 units created, 0 updated, 0 unchanged" in out.getvalue()
    county = unit("450328")
    assert county.name == "龙胜各族自治县"
    villages = AdminUnit.objects.villages()
    assert villages.filter(kind=VillageKind.COMMUNITY).count() == 9
    assert villages.filter(path__startswith=county.path).count() == 128
    assert unit("450328103207").short_name == "龙脊村"
    assert unit("450328100001").short_name == "城南社区"
    assert unit("450328101001").short_name == "瓢里街社区"
    assert not AdminUnit.objects.filter(code="450325000000").exists()
    after = Event.objects.get(verb=IMPORTED).after or {}
    assert (after["file"], after["county"], after["created"]) == (
        "guangxi_divisions.csv",
        "450328",
        141,
    )


def test_county_villages_file_loads_under_its_existing_county() -> None:
    """The county-villages layout hangs its townships and villages under a county already in the database."""
    county = units.county("450328", "龙胜各族自治县")

    result = actions.import_divisions((DATA_DIR / "longsheng_villages.csv").read_bytes(), actor=SYSTEM)

    assert result == ImportResult(created=138, updated=0, unchanged=0)
    assert AdminUnit.objects.townships().filter(parent=county).count() == 10
    villages = AdminUnit.objects.descendants_of(county).villages()
    assert villages.count() == 128
    assert villages.filter(kind=VillageKind.COMMUNITY).count() == 9
    assert unit("450328101001").kind == VillageKind.COMMUNITY
    assert unit("450328103207").short_name == "龙脊村"
    assert unit("450328103207").parent == unit("450328103")


def test_county_villages_file_after_the_province_file_changes_nothing() -> None:
    """Longsheng's own file agrees with the province file on names, kinds and places: every unit is unchanged."""
    actions.import_divisions((DATA_DIR / "guangxi_divisions.csv").read_bytes(), actor=SYSTEM, only_county="450328")

    result = actions.import_divisions((DATA_DIR / "longsheng_villages.csv").read_bytes(), actor=SYSTEM)

    assert result == ImportResult(created=0, updated=0, unchanged=138)


def test_rerunning_a_file_changes_nothing() -> None:
    """A second run of the same file creates no duplicates and reports every unit unchanged."""
    actions.import_divisions(GOOD_CHAIN, actor=SYSTEM)
    units_after_first = list(AdminUnit.objects.values_list("pk", "code", "name", "short_name", "kind", "path"))

    result = actions.import_divisions(GOOD_CHAIN, actor=SYSTEM)

    assert result == ImportResult(created=0, updated=0, unchanged=GOOD_CHAIN_UNITS)
    assert result.total == GOOD_CHAIN_UNITS
    assert list(AdminUnit.objects.values_list("pk", "code", "name", "short_name", "kind", "path")) == units_after_first
    assert Event.objects.filter(verb=IMPORTED).count() == 2
    assert (Event.objects.filter(verb=IMPORTED)[0].after or {})["unchanged"] == GOOD_CHAIN_UNITS


def test_rerunning_keeps_village_categories() -> None:
    """Re-importing a file leaves the category and reason that the office set."""
    actions.import_divisions(GOOD_CHAIN, actor=SYSTEM)
    AdminUnit.objects.filter(code="450328103207").update(category=Category.KEY, category_reason="软弱涣散")

    actions.import_divisions(GOOD_CHAIN, actor=SYSTEM)

    longji = unit("450328103207")
    assert (longji.category, longji.category_reason) == (Category.KEY, "软弱涣散")


def test_renamed_units_are_updated_in_place() -> None:
    """A township or village renamed in a later file is updated, keeping its id; the rest is unchanged."""
    actions.import_divisions(GOOD_CHAIN, actor=SYSTEM)
    township_pk, village_pk = unit("450328100").pk, unit("450328100201").pk
    renamed = csv_file(
        CHAIN_HEADER,
        f"{LONGSHENG},450328100,龙胜新镇,450328100001,城南社区居委会",
        f"{LONGSHENG},450328100,龙胜新镇,450328100201,双河新村委会",
        LONGJI_ROW,
    )

    result = actions.import_divisions(renamed, actor=SYSTEM)

    assert result == ImportResult(created=0, updated=2, unchanged=GOOD_CHAIN_UNITS - 2)
    township, village = unit("450328100"), unit("450328100201")
    assert (township.pk, township.name, township.short_name) == (township_pk, "龙胜新镇", "龙胜新镇")
    assert (village.pk, village.name, village.short_name) == (village_pk, "双河新村委会", "双河新村")
    assert AdminUnit.objects.count() == GOOD_CHAIN_UNITS


def test_renamed_unit_gets_a_new_updated_at() -> None:
    """A unit that an import renames shows when that happened."""
    actions.import_divisions(GOOD_CHAIN, actor=SYSTEM)
    long_ago = datetime(2020, 1, 1, tzinfo=UTC)
    AdminUnit.objects.update(updated_at=long_ago)

    actions.import_divisions(GOOD_CHAIN.replace("双河村委会".encode(), "双河新村委会".encode()), actor=SYSTEM)

    assert unit("450328100201").updated_at > long_ago
    assert unit("450328100001").updated_at == long_ago


def test_moved_township_carries_its_villages_paths_along() -> None:
    """A township stored under the wrong county moves under the file's county, and its villages' paths follow."""
    longsheng = units.county("450328", "龙胜各族自治县")
    xingan = units.county("450325", "兴安县")
    misplaced = AdminUnit.objects.create(
        code="450328100000",
        name="龙胜镇",
        short_name="龙胜镇",
        level=Level.TOWNSHIP,
        parent=xingan,
        path=f"{xingan.path}450328100000/",
    )
    listed = units.village(misplaced, "城南社区居委会", number=1, kind=VillageKind.COMMUNITY)
    unlisted = units.village(misplaced, "双河村委会", number=201)
    file = csv_file(CHAIN_HEADER, COMMUNITY_ROW)

    result = actions.import_divisions(file, actor=SYSTEM)

    assert result == ImportResult(created=0, updated=2, unchanged=3)
    township = unit("450328100")
    assert township.parent == longsheng
    assert township.path == f"{longsheng.path}450328100000/"
    for village in (listed, unlisted):
        village.refresh_from_db()
        assert village.parent == township
        assert village.path == f"{township.path}{village.code}/"
    assert set(AdminUnit.objects.descendants_of(longsheng).villages()) == {listed, unlisted}
    assert not AdminUnit.objects.descendants_of(xingan).exists()


def test_gb18030_file_is_accepted() -> None:
    """A file saved by Excel on Chinese Windows (GB18030) is read like UTF-8."""
    data = csv_file(CHAIN_HEADER, COMMUNITY_ROW, VILLAGE_ROW, LONGJI_ROW, encoding="gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")

    result = actions.import_divisions(data, actor=SYSTEM)

    assert result.created == GOOD_CHAIN_UNITS
    assert unit("450328103207").name == "龙脊村委会"
    assert unit("450328").name == "龙胜各族自治县"


def test_file_with_windows_line_endings_is_accepted() -> None:
    """Rows ending in CRLF, as Excel saves them, read like any other."""
    data = "\r\n".join([CHAIN_HEADER, COMMUNITY_ROW, VILLAGE_ROW, LONGJI_ROW, ""]).encode("utf-8")

    result = actions.import_divisions(data, actor=SYSTEM)

    assert result.created == GOOD_CHAIN_UNITS
    assert unit("450328103207").name == "龙脊村委会"


def test_utf8_file_with_a_byte_order_mark_is_accepted() -> None:
    """The BOM that Excel writes before a UTF-8 file is not part of the header."""
    result = actions.import_divisions(b"\xef\xbb\xbf" + GOOD_CHAIN, actor=SYSTEM)

    assert result.created == GOOD_CHAIN_UNITS


BAD_FILES = [
    pytest.param(
        csv_file("code,name", "450328,龙胜各族自治县"),
        RowError(
            1,
            "header",
            "unexpected header; expected one of: "
            "city_code,city_name,county_code,county_name,township_code,township_name,village_code,village_name | "
            "township_code,township_name,village_code,village_name,kind",
            "code,name",
        ),
        id="wrong-header",
    ),
    pytest.param(
        csv_file(CHAIN_HEADER, COMMUNITY_ROW, f"{LONGSHENG},450328100,龙胜镇,45032810020,双河村委会"),
        RowError(3, "village_code", "Village or community codes have 12 digits", "45032810020"),
        id="code-too-short",
    ),
    pytest.param(
        csv_file(CHAIN_HEADER, COMMUNITY_ROW, f"{LONGSHENG},45032810A,龙胜镇,450328100201,双河村委会"),
        RowError(3, "township_code", "Township codes have 9 digits", "45032810A"),
        id="code-with-letters",
    ),
    pytest.param(
        csv_file(CHAIN_HEADER, COMMUNITY_ROW, f"{LONGSHENG},450328100,龙胜镇,450328101201,双河村委会"),
        RowError(3, "village_code", "the code does not lie under its parent's code", "450328101201"),
        id="village-not-under-its-township",
    ),
    pytest.param(
        csv_file(COUNTY_HEADER, "450328100,龙胜镇,450328100001,城南社区居委会,community"),
        RowError(
            2,
            "township_code",
            "unknown parent: county 450328 is not in the database; import its province file first",
            "450328100",
        ),
        id="unknown-parent",
    ),
    pytest.param(
        csv_file(CHAIN_HEADER, COMMUNITY_ROW, VILLAGE_ROW, f"{LONGSHENG},450328100,龙胜镇,450328100201,双河村委会"),
        RowError(4, "village_code", "duplicate code, already given on line 3", "450328100201"),
        id="duplicate-village-code",
    ),
    pytest.param(b"", RowError(1, "file", "the file is empty"), id="empty-file"),
    pytest.param(csv_file(CHAIN_HEADER), RowError(2, "file", "the file holds no rows"), id="header-only"),
    pytest.param(
        CHAIN_HEADER.encode() + b"\n4503,\x80\xff\n",
        RowError(1, "file", "the file is neither UTF-8 nor GB18030 text"),
        id="unknown-encoding",
    ),
    pytest.param(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89",
        RowError(1, "file", "this is not a text (CSV) file"),
        id="png-image",
    ),
    pytest.param(
        csv_file(CHAIN_HEADER, COMMUNITY_ROW, f"{LONGSHENG},450328100,龙胜镇,450328100201"),
        RowError(3, "row", "expected 8 columns, found 7"),
        id="missing-cell",
    ),
    pytest.param(
        csv_file(CHAIN_HEADER, COMMUNITY_ROW, f"{LONGSHENG},450328100,龙胜镇,450328100201,"),
        RowError(3, "village_name", "the name is empty"),
        id="empty-name",
    ),
    pytest.param(
        csv_file(CHAIN_HEADER, COMMUNITY_ROW, f"{LONGSHENG},450328100,龙胜老镇,450328100201,双河村委会"),
        RowError(3, "township_code", "this code is named 龙胜镇 on line 2", "450328100000"),
        id="township-named-two-ways",
    ),
    pytest.param(
        csv_file(CHAIN_HEADER, "9903,某市,990301,某县,990301100,某镇,990301100001,某村委会"),
        RowError(2, "city_code", "unknown province code", "9903"),
        id="unknown-province",
    ),
    pytest.param(
        csv_file(COUNTY_HEADER, "450325100,兴安镇,450325100001,城西社区居委会,neighbourhood"),
        RowError(2, "kind", "the kind must be village or community", "neighbourhood"),
        id="unknown-kind",
    ),
]


@pytest.mark.parametrize(("data", "error"), BAD_FILES)
def test_bad_file_is_refused_with_its_reason_and_nothing_is_written(
    xingan: AdminUnit, data: bytes, error: RowError
) -> None:
    """A bad file is refused with the exact bad row and reason, and no unit or audit event is written."""
    before = row_counts()

    with pytest.raises(ImportRejected) as refused:
        actions.import_divisions(data, actor=SYSTEM, file_name="bad.csv")

    assert refused.value.errors == [error]
    assert row_counts() == before


def test_code_stored_at_another_level_is_refused() -> None:
    """A code that the database holds at another level (a township code of zeros is the county's) is refused."""
    units.county("450328")
    before = row_counts()
    data = csv_file(COUNTY_HEADER, "450328000,龙胜县城,450328000001,城南社区居委会,community")

    with pytest.raises(ImportRejected) as refused:
        actions.import_divisions(data, actor=SYSTEM)

    assert refused.value.errors == [RowError(2, "code", "this code is stored as a County", "450328000000")]
    assert row_counts() == before


def test_county_filter_is_refused_for_the_county_villages_layout() -> None:
    """Only a province-chain file can be filtered to one county."""
    units.county("450328")

    with pytest.raises(ImportRejected) as refused:
        actions.import_divisions((DATA_DIR / "longsheng_villages.csv").read_bytes(), actor=SYSTEM, only_county="450328")

    assert [(error.line, error.column) for error in refused.value.errors] == [(1, "--county")]
    assert not AdminUnit.objects.townships().exists()


def test_county_filter_that_is_not_a_code_is_refused() -> None:
    """``--county`` must be a division code."""
    with pytest.raises(ImportRejected) as refused:
        actions.import_divisions(GOOD_CHAIN, actor=SYSTEM, only_county="龙胜")

    assert refused.value.errors == [RowError(1, "--county", "not a county code (6 digits)", "龙胜")]
    assert AdminUnit.objects.count() == 0


@pytest.mark.parametrize("code", ["45", "4503", "450328100"])
def test_county_filter_that_is_not_a_county_code_is_refused(code: str) -> None:
    """``--county`` given a province, city or township code is refused as not a county code."""
    with pytest.raises(ImportRejected) as refused:
        actions.import_divisions(GOOD_CHAIN, actor=SYSTEM, only_county=code)

    assert refused.value.errors == [RowError(1, "--county", "not a county code (6 digits)", code)]


def test_every_bad_row_is_reported_with_its_line_and_column(xingan: AdminUnit) -> None:
    """A file with three bad rows among good ones is refused with three errors, in line order."""
    data = csv_file(
        CHAIN_HEADER,
        f"{LONGSHENG},450328100,龙胜镇,4503281000011,城南社区居委会",
        VILLAGE_ROW,
        f"{LONGSHENG},450328100,,450328100202,龙坪村委会",
        "",
        f"{LONGSHENG},450328103,龙脊镇,450328103207",
        LONGJI_ROW,
    )
    before = row_counts()

    with pytest.raises(ImportRejected) as refused:
        actions.import_divisions(data, actor=SYSTEM)

    assert [(error.line, error.column) for error in refused.value.errors] == [
        (2, "village_code"),
        (4, "township_name"),
        (6, "row"),
    ]
    assert str(refused.value).splitlines() == [
        "line 2, column village_code (4503281000011): Village or community codes have 12 digits",
        "line 4, column township_name: the name is empty",
        "line 6, column row: expected 8 columns, found 7",
    ]
    assert row_counts() == before


def test_rows_of_other_counties_are_skipped_by_the_county_filter() -> None:
    """With a county filter, rows of other counties are neither imported nor checked."""
    data = csv_file(
        CHAIN_HEADER,
        COMMUNITY_ROW,
        "4503,桂林市,450325,兴安县,450325100,,450325100001,城西社区居委会",
    )

    result = actions.import_divisions(data, actor=SYSTEM, only_county="450328")

    assert result.created == 5
    assert not AdminUnit.objects.filter(code__startswith="450325").exists()


def test_command_imports_a_file_and_prints_the_counts(tmp_path: Path) -> None:
    """``xuncha import-divisions`` imports the file and prints what it created, updated and kept."""
    path = tmp_path / "chain.csv"
    path.write_bytes(GOOD_CHAIN)
    first, second = StringIO(), StringIO()

    call_command("import-divisions", str(path), stdout=first)
    call_command("import-divisions", str(path), stdout=second)

    assert first.getvalue().strip() == "chain.csv: 8 units created, 0 updated, 0 unchanged."
    assert second.getvalue().strip() == "chain.csv: 0 units created, 0 updated, 8 unchanged."
    assert AdminUnit.objects.count() == GOOD_CHAIN_UNITS
    assert Event.objects.filter(verb=IMPORTED).count() == 2


def test_command_refuses_a_bad_file_and_prints_its_bad_rows(tmp_path: Path, xingan: AdminUnit) -> None:
    """The command fails (non-zero exit) naming every bad row, and imports nothing."""
    path = tmp_path / "bad.csv"
    path.write_bytes(
        csv_file(
            CHAIN_HEADER,
            COMMUNITY_ROW,
            f"{LONGSHENG},450328100,龙胜镇,450328101201,双河村委会",
            f"{LONGSHENG},450328100,龙胜镇,450328100201",
        )
    )
    err = StringIO()
    before = row_counts()

    with pytest.raises(CommandError, match=r"^bad\.csv was refused: 2 bad row\(s\); nothing was imported\.$") as failed:
        call_command("import-divisions", str(path), stderr=err)

    assert failed.value.returncode == 1

    assert err.getvalue().splitlines() == [
        "line 3, column village_code (450328101201): the code does not lie under its parent's code",
        "line 4, column row: expected 8 columns, found 7",
    ]
    assert row_counts() == before


def test_command_reports_a_missing_file(tmp_path: Path) -> None:
    """A path that cannot be read is a command error, not a traceback."""
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import-divisions", str(tmp_path / "missing.csv"))


def test_codes_kept_for_county_departments_are_refused() -> None:
    """A township part 999 is never an NBS township: a file naming one could overwrite a county department."""
    county = units.county("450328")
    department = actions.add_department(county, "县住建局", actor=SYSTEM)
    assert department.code == "450328999001"
    before = row_counts()
    data = csv_file(COUNTY_HEADER, "450328999,某镇,450328999001,某村委会,village")

    with pytest.raises(ImportRejected) as refused:
        actions.import_divisions(data, actor=SYSTEM)

    assert [(error.column, error.value) for error in refused.value.errors][:1] == [("township_code", "450328999")]
    assert row_counts() == before
    assert AdminUnit.objects.get(code="450328999001").level == Level.DEPARTMENT


def test_departments_take_the_next_free_code_and_are_no_townships() -> None:
    county = units.county("450328")
    units.township(county, "龙胜镇", number=100)
    codes = [actions.add_department(county, name, actor=SYSTEM).code for name in ("县住建局", "县消防救援大队")]
    assert codes == ["450328999001", "450328999002"]
    assert list(AdminUnit.objects.townships().filter(parent=county).values_list("name", flat=True)) == ["龙胜镇"]
    with pytest.raises(Conflict):
        actions.add_department(county, "县住建局", actor=SYSTEM)
    with pytest.raises(PermissionDenied):
        actions.add_department(county, "县水利局", actor=UserFactory.create())
