"""Events read as people read them: states by their labels in every history, the auditor's log as a field-by-field
diff with actions and object types by label, free texts withheld, filters as selects."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from xuncha.accounts.actors import SYSTEM
from xuncha.accounts.models import User
from xuncha.audit.actions import WITHHELD, record_event
from xuncha.audit.diff import changes, field_label, object_type_label, value_label
from xuncha.audit.labels import VERB_LABELS, verb_label
from xuncha.audit.models import Event
from xuncha.conftest import BrowserPage, World
from xuncha.rectification.models import LedgerItem
from xuncha.rectification.tests.factories import ledger_item

URL = "/audit/"
RECORDED_VERB = re.compile(r'record_event\(\s*"([a-z_]+\.[a-z_]+)"')
ITEM = "rectification.ledgeritem"
PHENOMENON = "村会计个人保管集体资金12万元。"


def test_a_recorded_state_reads_as_its_label() -> None:
    """The model's choices give the label: one function for every page that shows an event."""
    assert value_label(ITEM, "status", "IN_PROGRESS") == "In progress"
    assert value_label("findings.clue", "status", "TRANSFERRED") == "Transferred"
    assert value_label("findings.problem", "status", "CONFIRMED") == "Confirmed"
    with translation.override("zh-hans"):
        assert value_label(ITEM, "status", "IN_PROGRESS") == "整改中"
        assert value_label(ITEM, "status", "CLOSED") == "已销号"
        assert field_label(ITEM, "status") == "状态"
        assert object_type_label(ITEM) == "台账事项"


def test_withheld_texts_lists_dates_and_unknown_values_read_plainly() -> None:
    with translation.override("zh-hans"):
        assert value_label("findings.problem", "phenomenon", WITHHELD) == "已隐去"
        assert value_label("rectification.returnvisit", "verdicts", {"[2023]4巡-3组-001": "VERIFIED"}) == (
            "[2023]4巡-3组-001：验证通过"
        )
        assert value_label(ITEM, "needs_return_visit", True) == "是"
        assert value_label(ITEM, "deadline", "2024-02-04") == "2024-02-04"
        assert value_label("no.such", "status", "ODD") == "ODD"
        assert value_label(ITEM, "files", []) == "—"


def test_a_change_lists_each_field_before_and_after(world: World) -> None:
    item = ledger_item(world.round, world.village_a1)
    event = record_event(
        "rectification.item_submission",
        item,
        actor=SYSTEM,
        before={"status": "IN_PROGRESS", "deadline": "2024-02-04"},
        after={"status": "SUBMITTED", "deadline": "2024-02-04", "text": WITHHELD},
    )
    with translation.override("zh-hans"):
        rows = [(change.label, change.before, change.after) for change in changes(event)]
        states = [(change.label, change.before, change.after) for change in changes(event, choices_only=True)]
    assert rows == [
        ("状态", "整改中", "已提交待审核"),
        ("完成时限", "2024-02-04", "2024-02-04"),
        ("内容", None, "已隐去"),
    ]
    assert states == [("状态", "整改中", "已提交待审核")]


def test_a_change_reads_in_the_same_order_whatever_order_the_database_keeps(world: World) -> None:
    """PostgreSQL's jsonb returns keys sorted by length: the fields still read in the order of the model."""
    item = ledger_item(world.round, world.village_a1)
    recorded = {"status": "SUBMITTED", "deadline": "2024-02-04", "reason": "—", "items": 2}
    as_written = Event(object_type="rectification.ledgeritem", before={}, after=recorded)
    as_stored = Event(object_type="rectification.ledgeritem", before={}, after=dict(reversed(recorded.items())))
    assert item._meta.label_lower == "rectification.ledgeritem"
    names = [change.name for change in changes(as_written)]
    assert names == [change.name for change in changes(as_stored)]
    assert names[:2] == ["status", "deadline"]
    assert names[2:] == ["items", "reason"]


def test_every_action_of_the_platform_has_a_label() -> None:
    """The verbs written by the actions (literal or built from a state) all have readable names."""
    assert all(verb_label(verb) != verb for verb in VERB_LABELS)
    for dynamic in (
        *(
            f"rectification.item_{kind}"
            for kind in ("submission", "approval", "return", "closure", "ongoing", "reopen")
        ),
        *(f"findings.clue_{status}" for status in ("transferred", "received", "disposed", "feedback")),
        *(f"findings.problem_{status}" for status in ("confirmed", "discarded", "fed_back")),
        "rectification.reminders_sent",
        "documents.spreadsheet_imported",
    ):
        assert dynamic in VERB_LABELS, dynamic


def test_every_verb_the_code_records_has_a_label() -> None:
    """Each verb an app passes to ``record_event`` as a literal has a readable name (new apps register theirs)."""
    written = set()
    for source in Path(settings.PACKAGE_DIR).rglob("*.py"):
        if "tests" not in source.parts:
            written.update(RECORDED_VERB.findall(source.read_text(encoding="utf-8")))
    assert len(written) > 40
    assert sorted(verb for verb in written if verb not in VERB_LABELS) == []


def test_an_items_history_shows_states_by_label(
    client: Client, world: World, office: User, settings: pytest.FixtureRequest
) -> None:
    """The 操作记录 of a detail page: 状态：未启动 → 整改中, never OPEN → IN_PROGRESS."""
    settings.LANGUAGE_CODE = "zh-hans"  # type: ignore[attr-defined]
    item = ledger_item(world.round, world.village_a1)
    record_event(
        "rectification.item_planned", item, actor=office, before={"status": "OPEN"}, after={"status": "IN_PROGRESS"}
    )
    client.force_login(office)
    history = client.get(item.get_absolute_url()).content.decode().split('data-testid="timeline"')[1]
    assert "状态：未启动 → 整改中" in history
    assert "IN_PROGRESS" not in history and "OPEN" not in history


def test_the_auditor_reads_a_field_by_field_diff(
    client: Client, world: World, auditor: User, office: User, settings: pytest.FixtureRequest
) -> None:
    """Action and object type by label, each field old → new by label, the withheld text marked, no dict repr."""
    settings.LANGUAGE_CODE = "zh-hans"  # type: ignore[attr-defined]
    item = ledger_item(world.round, world.village_a1, status=LedgerItem.Status.IN_PROGRESS)
    record_event(
        "rectification.item_submission",
        item,
        actor=office,
        before={"status": "IN_PROGRESS"},
        after={"status": "SUBMITTED", "text": WITHHELD},
    )
    client.force_login(auditor)
    html = client.get(URL).content.decode()
    rows = [re.sub(r"<[^>]+>", "", row) for row in html.split('data-testid="event-row"')[1:]]
    text = next(row for row in rows if "台账事项" in row)
    assert "报结" in text and "台账事项" in text
    assert "状态：整改中 → 已提交待审核" in text
    assert "内容：已隐去" in text
    for raw in ("rectification.item_submission", "IN_PROGRESS", "{'", "[withheld]"):
        assert raw not in html.split('data-testid="event-table"')[1].split("</table>")[0], raw


def test_the_auditor_sees_no_case_text(client: Client, world: World, auditor: User, office: User) -> None:
    """Free text never reached the event, so the diff cannot show it: the auditor reads who changed which field."""
    item = ledger_item(world.round, world.village_a1)
    record_event("rectification.item_planned", item, actor=office, after={"measures": WITHHELD, "status": "OPEN"})
    client.force_login(auditor)
    html = client.get(URL).content.decode()
    assert PHENOMENON not in html and item.summary not in html
    assert "(withheld)" in html


def test_the_filters_are_selects_with_labels(
    client: Client, world: World, auditor: User, settings: pytest.FixtureRequest
) -> None:
    settings.LANGUAGE_CODE = "zh-hans"  # type: ignore[attr-defined]
    client.force_login(auditor)
    html = client.get(URL, {"verb": "rectification.item_closure", "object_type": ITEM}).content.decode()
    assert '<select class="form-select form-select-sm" id="f-verb" name="verb"' in html
    assert '<option value="rectification.item_closure" selected>已销号</option>' in html
    assert f'<option value="{ITEM}" selected>台账事项</option>' in html
    assert '<option value="rectification.">' in html


def test_a_filter_by_object_type_keeps_working(client: Client, world: World, auditor: User) -> None:
    item = ledger_item(world.round, world.village_a1)
    record_event("rectification.item_flagged", item, actor=SYSTEM, after={"needs_return_visit": True})
    client.force_login(auditor)
    page = client.get(URL, {"object_type": ITEM}).context["page_obj"]
    assert [event.verb for event in page] == ["rectification.item_flagged"]
    assert Event.objects.count() > 1


def test_the_auditor_reads_the_diff_in_a_browser(
    browser_page: BrowserPage, world: World, auditor: User, office: User, settings: pytest.FixtureRequest
) -> None:
    """In the Chinese interface: labelled actions, object types and states, the withheld text marked, no code."""
    settings.LANGUAGE_CODE = "zh-hans"  # type: ignore[attr-defined]
    item = ledger_item(world.round, world.village_a1, status=LedgerItem.Status.IN_PROGRESS)
    record_event(
        "rectification.item_submission",
        item,
        actor=office,
        before={"status": "IN_PROGRESS"},
        after={"status": "SUBMITTED", "text": WITHHELD},
    )
    browser_page.login(auditor.username)
    browser_page.goto(URL)
    table = browser_page.page.locator("[data-testid=event-table]").inner_text()
    assert "状态：整改中 → 已提交待审核" in table and "内容：已隐去" in table
    assert "IN_PROGRESS" not in table and "rectification." not in table
    browser_page.screenshot("audit-diff")
    assert browser_page.errors == []
