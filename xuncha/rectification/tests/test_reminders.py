"""``xuncha remind``: who is told what, once a day, in the app and by e-mail; the bell and the inbox."""

from __future__ import annotations

import copy
import io
from collections.abc import Sequence
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends import locmem
from django.core.management import call_command
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from xuncha.accounts.actors import SYSTEM
from xuncha.accounts.context_processors import notifications as bell_context
from xuncha.accounts.models import Notification, User
from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.core.exceptions import PermissionDenied
from xuncha.deliverables.models import Deliverable
from xuncha.rectification import actions
from xuncha.rectification.models import LedgerItem, Receipt
from xuncha.rectification.tests.test_visit_views import PHENOMENA, publish_items

BELL = "xuncha.accounts.context_processors.notifications"
Status = LedgerItem.Status


@pytest.fixture
def bell(settings: pytest.FixtureRequest) -> None:
    """The header's unread count, whether or not the settings list its context processor yet."""
    templates = copy.deepcopy(settings.TEMPLATES)  # type: ignore[attr-defined]
    processors = templates[0]["OPTIONS"]["context_processors"]
    if BELL not in processors:
        processors.append(BELL)
    settings.TEMPLATES = templates  # type: ignore[attr-defined]


@pytest.fixture
def items(world: World, group_member: User, group_leader: User, office: User) -> dict[str, LedgerItem]:
    """Four items of 甲一村 fed back (receipts unsigned), one in each state that asks for someone's attention:
    due within the yellow threshold, overdue, submitted to the township, reviewed and awaiting closure."""
    published = publish_items(world, group_member, group_leader, office, [*PHENOMENA, "村级财务票据审核签字不全。"])
    today = timezone.localdate()
    states = {
        "due_soon": (Status.OPEN, today + timedelta(days=3)),
        "overdue": (Status.IN_PROGRESS, today - timedelta(days=5)),
        "submitted": (Status.SUBMITTED, today + timedelta(days=100)),
        "reviewed": (Status.REVIEWED, today + timedelta(days=100)),
    }
    for item, (status, deadline) in zip(published, states.values(), strict=True):
        LedgerItem.objects.filter(pk=item.pk).update(status=status, deadline=deadline)
    # The village's plan and reports are handed in: these tests are about the items' reminders (the deliverables'
    # own are tested in ``deliverables``).
    Deliverable.objects.filter(feedback__village=world.village_a1).update(status=Deliverable.Status.ACCEPTED)
    return {name: LedgerItem.objects.get(pk=item.pk) for name, item in zip(states, published, strict=True)}


def _sent() -> set[tuple[str, str, str]]:
    return set(Notification.objects.values_list("user__username", "kind", "key"))


def _remind() -> str:
    out = io.StringIO()
    call_command("remind", stdout=out)
    return out.getvalue()


def test_running_twice_on_one_day_notifies_once(world: World, items: dict[str, LedgerItem]) -> None:
    """The second run of the day finds every reminder already given and creates none."""
    first = _remind()
    count = Notification.objects.count()
    second = _remind()
    assert count > 0
    assert first.startswith(f"{count} notification(s) created")
    assert second.startswith("0 notification(s) created")
    assert Notification.objects.count() == count


def test_a_run_records_its_counts_in_the_audit_trail_and_only_the_system_sends(
    world: World, items: dict[str, LedgerItem], office: User, township_user: User, village_user: User
) -> None:
    """The run records one event per county with the notifications created by kind, as the system; a run that
    creates none records none; a person may not send the reminders."""
    with pytest.raises(PermissionDenied):
        actions.send_reminders(actor=office)
    assert not Notification.objects.exists()

    created, _sent_mail = actions.send_reminders(actor=SYSTEM)

    event = Event.objects.get(verb="rectification.reminders_sent")
    assert (event.actor_id, event.actor_label, event.object_id, event.unit_id) == (
        None,
        "system",
        str(world.county.pk),
        world.county.pk,
    )
    assert event.after is not None
    assert event.after["notifications"] == created == 9
    assert event.after["by_kind"] == {
        "AWAITING_CLOSURE": 1,
        "AWAITING_REVIEW": 1,
        "DUE_SOON": 2,
        "OVERDUE": 3,
        "RECEIPT_MISSING": 2,
    }
    assert actions.send_reminders(actor=SYSTEM) == (0, 0)
    assert Event.objects.filter(verb="rectification.reminders_sent").count() == 1


def test_each_reminder_goes_to_the_people_who_act_on_it(
    world: World,
    items: dict[str, LedgerItem],
    office: User,
    township_user: User,
    village_user: User,
    leader: User,
    outsider: User,
) -> None:
    """Village and township for due-soon and overdue items, the office too for overdue ones, the township for
    submissions, the office for reviewed items, each recipient for its unsigned receipt — and nobody else."""
    _remind()
    item = {name: f"item:{ledger_item.pk}" for name, ledger_item in items.items()}
    receipts = {receipt.recipient: f"receipt:{receipt.pk}" for receipt in Receipt.objects.all()}
    assert _sent() == {
        ("village_a1", "DUE_SOON", item["due_soon"]),
        ("township_a", "DUE_SOON", item["due_soon"]),
        ("village_a1", "OVERDUE", item["overdue"]),
        ("township_a", "OVERDUE", item["overdue"]),
        ("office", "OVERDUE", item["overdue"]),
        ("township_a", "AWAITING_REVIEW", item["submitted"]),
        ("office", "AWAITING_CLOSURE", item["reviewed"]),
        ("township_a", "RECEIPT_MISSING", receipts["TOWNSHIP"]),
        ("village_a1", "RECEIPT_MISSING", receipts["VILLAGE"]),
    }
    overdue = Notification.objects.get(user=office, kind="OVERDUE")
    assert overdue.url == items["overdue"].get_absolute_url()
    assert items["overdue"].number in overdue.message


def test_closed_and_ongoing_items_and_signed_receipts_give_no_reminder(
    world: World, items: dict[str, LedgerItem], office: User, township_user: User, village_user: User
) -> None:
    """Done is done: a closed or ongoing item is not reminded of, even past its deadline, nor a signed receipt."""
    past = timezone.localdate() - timedelta(days=30)
    LedgerItem.objects.filter(pk=items["due_soon"].pk).update(status=Status.CLOSED, deadline=past)
    LedgerItem.objects.filter(pk=items["overdue"].pk).update(status=Status.ONGOING, deadline=past)
    Receipt.objects.update(signed_by=office, signed_at=timezone.now())
    _remind()
    keys = {key for _user, _kind, key in _sent()}
    assert f"item:{items['due_soon'].pk}" not in keys
    assert f"item:{items['overdue'].pk}" not in keys
    assert not any(key.startswith("receipt:") for key in keys)
    assert keys == {f"item:{items['submitted'].pk}", f"item:{items['reviewed'].pk}"}


def test_reminders_are_e_mailed_once_to_each_user_with_an_address(
    settings: pytest.FixtureRequest,
    world: World,
    items: dict[str, LedgerItem],
    office: User,
    township_user: User,
    village_user: User,
) -> None:
    """With e-mail configured each notified user with an address gets one e-mail of all its reminders; the second
    run of the day sends none."""
    settings.XUNCHA_EMAIL_ENABLED = True  # type: ignore[attr-defined]
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}  # type: ignore[attr-defined]
    User.objects.filter(pk=office.pk).update(email="office@longsheng.example")
    User.objects.filter(pk=township_user.pk).update(email="jiazhen@longsheng.example")
    output = _remind()
    assert sorted(message.to[0] for message in mail.outbox) == ["jiazhen@longsheng.example", "office@longsheng.example"]
    assert ", 2 e-mail(s) sent" in output
    to_township = next(message for message in mail.outbox if message.to == ["jiazhen@longsheng.example"])
    assert to_township.body.count("\n- ") + 1 == Notification.objects.filter(user=township_user).count()
    assert items["submitted"].number in to_township.body
    _remind()
    assert len(mail.outbox) == 2


def test_no_e_mail_goes_out_unless_configured(world: World, items: dict[str, LedgerItem], office: User) -> None:
    """Without e-mail configured the reminders stay in the app."""
    User.objects.filter(pk=office.pk).update(email="office@longsheng.example")
    assert ", 0 e-mail(s) sent" in _remind()
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_reminder_e_mails_go_out_after_the_notifications_are_committed(
    settings: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
    world: World,
    items: dict[str, LedgerItem],
    office: User,
) -> None:
    """No database transaction is held open while the mail server is talked to."""
    settings.XUNCHA_EMAIL_ENABLED = True  # type: ignore[attr-defined]
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}  # type: ignore[attr-defined]
    User.objects.filter(pk=office.pk).update(email="office@longsheng.example")
    in_transaction: list[bool] = []
    original = locmem.EmailBackend.send_messages

    def send_messages(backend: locmem.EmailBackend, messages: Sequence[EmailMessage]) -> int:
        in_transaction.append(connection.in_atomic_block)
        return original(backend, messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", send_messages)
    _remind()
    assert in_transaction == [False]


# The bell and the inbox ---------------------------------------------------------------------------------------------


def test_the_bell_shows_the_unread_count(
    bell: None, client: Client, world: World, items: dict[str, LedgerItem], village_user: User
) -> None:
    """After the run the village's bell counts its three reminders: due soon, overdue, receipt."""
    _remind()
    client.force_login(village_user)
    html = client.get(reverse("rectification:visit-list")).content.decode()
    assert 'data-testid="notification-bell"' in html
    assert 'data-testid="notification-count">3<' in html


def test_the_bell_shows_no_count_when_nothing_is_unread(bell: None, client: Client, office: User) -> None:
    """With nothing unread the bell is a plain link to the inbox."""
    client.force_login(office)
    html = client.get(reverse("rectification:visit-list")).content.decode()
    assert 'data-testid="notification-bell"' in html
    assert 'data-testid="notification-count"' not in html
    html = client.get(reverse("accounts:notification-list")).content.decode()
    assert 'data-testid="notification-count"' not in html
    assert "No notifications." in html


def test_the_inbox_lists_unread_first_with_links_and_dates(
    bell: None, client: Client, world: World, items: dict[str, LedgerItem], village_user: User
) -> None:
    """Unread notifications come before read ones, each with its message, link and date."""
    _remind()
    oldest_unread, *_rest = Notification.objects.filter(user=village_user).order_by("pk")
    read = Notification.objects.filter(user=village_user, kind="OVERDUE").get()
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    client.force_login(village_user)
    with CaptureQueriesContext(connection) as captured:
        html = client.get(reverse("accounts:notification-list")).content.decode()
    assert sum("COUNT(" in query["sql"].upper() for query in captured) == 2  # the page's count and the bell's
    assert html.count('data-testid="notification"') == 3
    assert html.count('data-unread="true"') == 2
    assert html.index(oldest_unread.message) < html.index(read.message)
    assert f'href="{read.url}"' in html
    assert timezone.localdate().isoformat() in html


def test_marking_all_read_clears_the_bell(
    bell: None, client: Client, world: World, items: dict[str, LedgerItem], village_user: User, township_user: User
) -> None:
    """ "Mark all as read" marks the user's notifications read, and only the user's."""
    _remind()
    client.force_login(village_user)
    response = client.post(reverse("accounts:notification-read"), follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("accounts:notification-list")
    assert not Notification.objects.filter(user=village_user, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=township_user, read_at__isnull=True).exists()
    assert 'data-testid="notification-count"' not in html


def test_opening_a_notification_marks_it_read_and_follows_its_link(
    client: Client, world: World, items: dict[str, LedgerItem], village_user: User
) -> None:
    """One notification is marked read and the browser goes to what it is about; an outside address is ignored."""
    _remind()
    notification = Notification.objects.filter(user=village_user, kind="DUE_SOON").get()
    client.force_login(village_user)
    response = client.post(reverse("accounts:notification-read"), {"id": notification.pk, "next": notification.url})
    notification.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == notification.url
    assert notification.read_at is not None
    assert Notification.objects.filter(user=village_user, read_at__isnull=True).count() == 2
    other = Notification.objects.filter(user=village_user, read_at__isnull=True).first()
    assert other is not None
    response = client.post(reverse("accounts:notification-read"), {"id": other.pk, "next": "https://evil.example/"})
    assert response["Location"] == reverse("accounts:notification-list")


def test_nobody_marks_another_users_notification_read(
    client: Client, world: World, items: dict[str, LedgerItem], village_user: User, township_user: User
) -> None:
    """Marking someone else's notification by its id changes nothing."""
    _remind()
    theirs = Notification.objects.filter(user=township_user).first()
    assert theirs is not None
    client.force_login(village_user)
    client.post(reverse("accounts:notification-read"), {"id": theirs.pk})
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client.post(reverse("accounts:notification-read"), {"id": "x"}).status_code == 404


def test_the_inbox_needs_a_signed_in_user(client: Client) -> None:
    """Anonymous visitors are sent to the login page."""
    response = client.get(reverse("accounts:notification-list"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_context_processor_costs_one_query(
    world: World, items: dict[str, LedgerItem], village_user: User, django_assert_num_queries: object
) -> None:
    """The unread count is one COUNT query, made once however often the page shows it, and none for visitors."""
    _remind()
    request = RequestFactory().get("/")
    request.user = village_user
    with django_assert_num_queries(1):  # type: ignore[operator]
        bell = bell_context(request)["notification_bell"]
        assert bell.unread == 3  # type: ignore[attr-defined]
        assert bell.unread == 3  # type: ignore[attr-defined]
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    with django_assert_num_queries(0):  # type: ignore[operator]
        assert bell_context(request) == {}


def test_the_bell_adds_one_query_to_a_page(
    settings: pytest.FixtureRequest, client: Client, world: World, items: dict[str, LedgerItem], village_user: User
) -> None:
    """A page with the bell costs exactly one query more than without it."""
    _remind()
    client.force_login(village_user)
    url = reverse("rectification:visit-list")

    def queries(with_bell: bool) -> int:
        templates = copy.deepcopy(settings.TEMPLATES)  # type: ignore[attr-defined]
        processors = [p for p in templates[0]["OPTIONS"]["context_processors"] if p != BELL]
        templates[0]["OPTIONS"]["context_processors"] = [*processors, BELL] if with_bell else processors
        settings.TEMPLATES = templates  # type: ignore[attr-defined]
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    assert queries(with_bell=True) == queries(with_bell=False) + 1
