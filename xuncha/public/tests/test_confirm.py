"""Residents confirm the fix (群众认可, ``public.confirm_item``): the petitioner through the receipt code and residents
through the village's QR page say 已解决 / 未解决 on an item not yet closed, once per phone, within an hourly
allowance; when the "not fixed" answers hold the item (``XUNCHA_UNRESOLVED_MIN`` and ``XUNCHA_UNRESOLVED_SHARE``),
only the office director closes it, with a reason, and the item is flagged for a return visit.

Each rule fails on the code before it: there was no way for residents to answer before closing.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from xuncha.accounts.actors import SYSTEM
from xuncha.accounts.models import Notification, Role, User
from xuncha.accounts.tests.factories import UserFactory, grant
from xuncha.audit.labels import VERB_LABELS
from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.core.exceptions import Conflict, PermissionDenied, TransitionNotAllowed
from xuncha.core.uploads import UploadRefused
from xuncha.findings.models import Petition
from xuncha.public import ratelimit
from xuncha.public.actions import confirm_item
from xuncha.public.devices import item_device_key
from xuncha.public.models import ResidentConfirmation
from xuncha.public.queries import confirmation_panel
from xuncha.public.tests.images import PNG
from xuncha.rectification import actions, closing, refusals
from xuncha.rectification.models import LedgerItem, VisitCheck
from xuncha.rectification.tests.factories import ledger_item
from xuncha.rectification.tests.test_four_eyes import check_on_a_visit
from xuncha.rectification.timeline import case_timeline

Status = LedgerItem.Status
Answer = ResidentConfirmation.Answer
Channel = ResidentConfirmation.Channel


def reviewed(world: World) -> LedgerItem:
    """An item of 甲二村 (an ordinary village) the township approved: the office could close it today."""
    return ledger_item(world.round, world.village_a2, status=Status.REVIEWED)


@pytest.fixture
def second_clerk(world: World) -> User:
    """Another person of the office, who goes on the return visit the residents' objection asks for."""
    user = UserFactory.create(username="office_2", display_name="周敏")
    grant(user, Role.OFFICE, world.county)
    return user


def objected(world: World, visitor: User) -> LedgerItem:
    """A reviewed item three residents say is not fixed; flagged by them, then verified on a visit by ``visitor``."""
    item = reviewed(world)
    for phone in range(3):
        answer(item, Answer.UNRESOLVED, phone)
    item.refresh_from_db()
    assert item.needs_return_visit
    check_on_a_visit(item, VisitCheck.Verdict.VERIFIED, visitor)
    return item


def answer(item: LedgerItem, value: str, phone: int, *, comment: str = "", **kwargs: Any) -> ResidentConfirmation:
    return confirm_item(
        item,
        answer=value,
        comment=comment,
        device_key=item_device_key(item, f"phone-{phone}"),
        channel=kwargs.pop("channel", Channel.DISCLOSURE),
        **kwargs,
    )


# The share rule -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("resolved", "unresolved", "holds"),
    [(0, 2, False), (0, 3, True), (7, 3, False), (6, 3, True), (20, 5, False)],
)
def test_the_objection_holds_past_the_minimum_and_the_share(resolved: int, unresolved: int, holds: bool) -> None:
    """Default: at least 3 "not fixed" answers, and more than 30 % of all answers."""
    assert closing.Confirmations(resolved, unresolved).objection_holds is holds


def test_the_share_and_minimum_are_settings(settings: Any) -> None:
    settings.XUNCHA_UNRESOLVED_MIN = 1
    settings.XUNCHA_UNRESOLVED_SHARE = 0.5
    assert closing.Confirmations(1, 2).objection_holds
    assert not closing.Confirmations(2, 2).objection_holds


def test_a_share_outside_zero_to_one_stops_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib
    import sys

    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("XUNCHA_UNRESOLVED_SHARE", "1.5")
    monkeypatch.setenv("DEBUG", "1")
    saved = sys.modules.pop("xuncha.settings")
    try:
        with pytest.raises(ImproperlyConfigured, match="XUNCHA_UNRESOLVED_SHARE"):
            importlib.import_module("xuncha.settings")
        monkeypatch.setenv("XUNCHA_UNRESOLVED_SHARE", "lots")
        sys.modules.pop("xuncha.settings", None)
        with pytest.raises(ImproperlyConfigured, match="XUNCHA_UNRESOLVED_SHARE"):
            importlib.import_module("xuncha.settings")
    finally:
        sys.modules["xuncha.settings"] = saved


# Closing against residents -------------------------------------------------------------------------------------------


def test_residents_not_fixed_answers_stop_a_plain_close(world: World, office: User, second_clerk: User) -> None:
    """Even after a return visit verified the item, a clerk may not close what residents say is not fixed."""
    item = objected(world, second_clerk)
    answer(item, Answer.RESOLVED, 9)

    reason = refusals.why_not_close_item(office, item)
    assert reason is not None and "3 of 4" in reason
    with pytest.raises(PermissionDenied, match="director"):
        actions.close_item(item, actor=office)
    item.refresh_from_db()
    assert item.status == Status.REVIEWED


def test_only_the_director_overrides_and_only_with_a_reason(
    world: World, office: User, office_lead: User, second_clerk: User
) -> None:
    item = objected(world, second_clerk)
    with pytest.raises(PermissionDenied, match="director"):
        actions.close_item(item, actor=office, override_reason="群众反映已经修好。")
    assert refusals.why_not_close_item(office_lead, item) is None
    with pytest.raises(Conflict, match="reason"):
        actions.close_item(item, actor=office_lead)

    actions.close_item(item, actor=office_lead, override_reason="经现场核实，反映问题属于新增问题，另行立项。")

    item.refresh_from_db()
    assert item.status == Status.CLOSED
    event = Event.objects.get(verb="rectification.objection_overridden")
    assert event.actor == office_lead
    assert event.after == {"resolved": 0, "unresolved": 3, "reason": "[withheld]"}
    closure = item.progress.get(kind="CLOSURE")
    assert "另行立项" in closure.text


def test_a_clerk_gives_no_override_reason_even_without_an_objection(world: World, office: User) -> None:
    item = reviewed(world)
    with pytest.raises(PermissionDenied, match="director"):
        actions.close_item(item, actor=office, override_reason="无需理由。")
    actions.close_item(item, actor=office)
    item.refresh_from_db()
    assert item.status == Status.CLOSED
    assert not Event.objects.filter(verb="rectification.objection_overridden").exists()


def test_the_answer_that_makes_the_objection_hold_flags_the_item_and_tells_the_office(
    world: World, office: User, office_lead: User
) -> None:
    item = reviewed(world)
    answer(item, Answer.UNRESOLVED, 1)
    answer(item, Answer.UNRESOLVED, 2)
    item.refresh_from_db()
    assert not item.needs_return_visit
    assert not Notification.objects.filter(kind="RESIDENTS_OBJECT").exists()

    answer(item, Answer.UNRESOLVED, 3)
    answer(item, Answer.UNRESOLVED, 4)

    item.refresh_from_db()
    assert item.needs_return_visit
    events = Event.objects.filter(verb="rectification.residents_objected")
    assert events.count() == 1  # once, when the objection first holds
    assert events.get().after == {"needs_return_visit": True, "resolved": 0, "unresolved": 3}
    told = set(Notification.objects.filter(kind="RESIDENTS_OBJECT").values_list("user_id", flat=True))
    assert {office.pk, office_lead.pk} <= told


def test_the_checklist_counts_the_residents_answers(world: World) -> None:
    item = reviewed(world)
    answer(item, Answer.RESOLVED, 1)
    answer(item, Answer.UNRESOLVED, 2)
    lines = {check.label: check for check in closing.checklist(item)}
    line = lines["Residents' confirmations"]
    assert line.value == "1 resolved / 1 not resolved"
    assert line.ok


# One answer per phone, rate limit, uploads ---------------------------------------------------------------------------


def test_each_phone_has_one_answer_per_item(world: World) -> None:
    item = reviewed(world)
    answer(item, Answer.UNRESOLVED, 1)
    answer(item, Answer.RESOLVED, 1)  # the same phone again: its answer is replaced
    assert ResidentConfirmation.objects.get().answer == Answer.RESOLVED
    other = ledger_item(world.round, world.village_a2, status=Status.IN_PROGRESS)
    answer(other, Answer.RESOLVED, 1)  # the same phone, another item
    assert ResidentConfirmation.objects.count() == 2


def test_a_closed_item_takes_no_answer(world: World) -> None:
    item = ledger_item(world.round, world.village_a2, status=Status.CLOSED)
    with pytest.raises(TransitionNotAllowed):
        answer(item, Answer.UNRESOLVED, 1)


def test_the_photo_is_checked_as_evidence_is(world: World, settings: Any, tmp_path: Any) -> None:
    item = reviewed(world)
    with pytest.raises(UploadRefused, match="type"):
        answer(item, Answer.UNRESOLVED, 1, photo=(io.BytesIO(b"%PDF-1.4 not a photo"), "x.pdf"))
    settings.XUNCHA_UPLOAD_MAX_BYTES = 10
    with pytest.raises(UploadRefused, match="too large"):
        answer(item, Answer.UNRESOLVED, 1, photo=(io.BytesIO(PNG), "x.png"))
    settings.XUNCHA_UPLOAD_MAX_BYTES = 1_048_576
    confirmation = answer(item, Answer.UNRESOLVED, 1, photo=(io.BytesIO(PNG), "路灯.png"))
    assert confirmation.photo is not None and confirmation.photo.content_type == "image/png"


def _post(client: Client, item: LedgerItem, value: str, **extra: Any) -> Any:
    url = reverse("public:item-confirm", args=[item.village.code, item.pk])
    return client.post(url, {"answer": value, "comment": "还是坏的", **extra})


def test_the_qr_page_lists_open_items_and_takes_an_answer_with_a_photo(world: World) -> None:
    item = reviewed(world)
    closed = ledger_item(world.round, world.village_a2, status=Status.CLOSED)
    client = Client()
    page = client.get(reverse("public:disclosure", args=[world.village_a2.code]))
    links = page.content.decode()
    assert reverse("public:item-confirm", args=[world.village_a2.code, item.pk]) in links
    assert reverse("public:item-confirm", args=[world.village_a2.code, closed.pk]) not in links
    assert item.summary not in links  # the item's own words name people: never on the residents' pages

    photo = SimpleUploadedFile("p.png", PNG, content_type="image/png")
    response = _post(client, item, Answer.UNRESOLVED, photo=photo)
    assert response.status_code == 302
    confirmation = ResidentConfirmation.objects.get()
    assert confirmation.channel == Channel.DISCLOSURE and confirmation.photo is not None
    again = client.get(response["Location"])
    assert b'data-testid="answered"' in again.content
    second = _post(client, item, Answer.RESOLVED)
    assert second.status_code == 302  # the phone changed its answer
    assert ResidentConfirmation.objects.get().answer == Answer.RESOLVED


def test_answers_are_limited_per_connection_per_hour(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ratelimit, "CONFIRMATIONS_PER_HOUR", 2)
    items = [reviewed(world) for _ in range(3)]
    for item in items[:2]:
        assert _post(Client(), item, Answer.RESOLVED).status_code == 302
    response = _post(Client(), items[2], Answer.RESOLVED)
    assert response.status_code == 429
    assert ResidentConfirmation.objects.count() == 2


def test_the_petitioner_answers_through_the_receipt_code(world: World) -> None:
    item = reviewed(world)
    assert item.problem is not None
    petition = Petition.objects.create(
        assignment=world.assignment,
        village=world.village_a2,
        channel=Petition.Channel.PUBLIC_FORM,
        category=item.category,
        text="路灯坏了。",
        status=Petition.Status.DISPOSED,
        disposition=Petition.Disposition.PROBLEM,
        problem=item.problem,
    )
    client = Client()
    lookup = client.post(reverse("public:receipt-lookup"), {"code": petition.receipt_code})
    assert b'data-testid="receipt-confirm"' in lookup.content
    response = client.post(
        reverse("public:receipt-confirm"),
        {"code": petition.receipt_code.lower(), "answer": Answer.UNRESOLVED, "comment": "没修好"},
    )
    assert response.status_code == 200
    confirmation = ResidentConfirmation.objects.get()
    assert (confirmation.item, confirmation.channel) == (item, Channel.RECEIPT)
    refused = client.post(reverse("public:receipt-confirm"), {"code": "ABCDEFGH23", "answer": Answer.RESOLVED})
    assert refused.status_code == 409


# Scope: who reads what -----------------------------------------------------------------------------------------------


def test_township_and_village_read_counts_never_the_petitioner_their_words_or_the_phone(
    world: World, office: User, township_user: User, village_user: User, outsider: User
) -> None:
    item = ledger_item(world.round, world.village_a1, status=Status.REVIEWED)  # the village_user's village
    answer(item, Answer.UNRESOLVED, 1, comment="路灯还是不亮", channel=Channel.RECEIPT)
    office_panel = confirmation_panel(office, item)
    assert office_panel["rows"][0].channel_label == str(Channel.RECEIPT.label)
    for local in (township_user, village_user):
        panel = confirmation_panel(local, item)
        assert panel["counts"].unresolved == 1
        assert panel["rows"][0].comment == ""  # the petitioner's words stay on the county's side
        assert panel["rows"][0].channel_label == ""
        actors = {entry.actor for entry in case_timeline(local, item=item) if entry.kind.startswith("confirmed")}
        assert actors == {"A resident"}
    assert confirmation_panel(outsider, item)["rows"] == []
    assert not ResidentConfirmation.objects.visible_to(outsider).exists()
    office_actors = {entry.actor for entry in case_timeline(office, item=item) if entry.kind.startswith("confirmed")}
    assert office_actors == {"The petitioner, by the receipt code"}


def test_the_item_page_shows_the_answers_without_device_keys(world: World, office: User) -> None:
    item = reviewed(world)
    confirmation = answer(item, Answer.UNRESOLVED, 1, comment="水管还在漏")
    client = Client()
    client.force_login(office)
    page = client.get(item.get_absolute_url()).content.decode()
    assert "水管还在漏" in page
    assert confirmation.device_key not in page
    assert 'data-testid="confirmations"' in page


def test_the_new_verbs_have_labels() -> None:
    assert "rectification.residents_objected" in VERB_LABELS
    assert "rectification.objection_overridden" in VERB_LABELS


def test_the_system_closes_despite_an_objection_with_a_reason(world: World, second_clerk: User) -> None:
    item = objected(world, second_clerk)
    with pytest.raises(Conflict):
        actions.close_item(item, actor=SYSTEM)
    actions.close_item(item, actor=SYSTEM, override_reason="演示数据。")
    item.refresh_from_db()
    assert item.status == Status.CLOSED
