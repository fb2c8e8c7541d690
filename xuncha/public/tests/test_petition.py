"""The public petition form: anonymous and named messages, the photo check, refusals that keep what was typed,
the receipt shown once, and the hourly limit per client."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.core import crypto
from xuncha.evidence.models import Evidence
from xuncha.findings.models import Category, Petition
from xuncha.inspections.models import Assignment
from xuncha.public.models import SubmissionQuota
from xuncha.public.ratelimit import client_key

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
XSS = "<script>alert(1)</script>"


def form_url(assignment: Assignment) -> str:
    return reverse("public:petition-form", args=[assignment.public_key])


def sent_url(assignment: Assignment) -> str:
    return reverse("public:petition-sent", args=[assignment.public_key])


def message(**fields: Any) -> dict[str, Any]:
    return {"category": Category.BENEFIT, "text": "低保评定不公开，村干部亲属优先。", "name": "", "phone": "", **fields}


def post(client: Client, assignment: Assignment, **fields: Any) -> _MonkeyPatchedWSGIResponse:
    return client.post(form_url(assignment), message(**fields))


def page(response: _MonkeyPatchedWSGIResponse) -> str:
    return response.content.decode()


def test_form_carries_the_csrf_token_and_fits_phones(client: Client, stationed: Assignment) -> None:
    html = page(client.get(form_url(stationed)))
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'enctype="multipart/form-data"' in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "optional" in html and "kept confidential" in html
    assert "style=" not in html and "<script" not in html


def test_a_post_without_the_csrf_token_is_refused(stationed: Assignment) -> None:
    client = Client(enforce_csrf_checks=True)
    assert post(client, stationed).status_code == 403
    assert not Petition.objects.exists()


def test_anonymous_message_is_received(client: Client, stationed: Assignment) -> None:
    """Without a name or phone the message arrives through the online form, received, recorded by nobody."""
    response = post(client, stationed)
    assert response.status_code == 302
    assert response["Location"] == sent_url(stationed)
    petition = Petition.objects.get()
    assert petition.channel == Petition.Channel.PUBLIC_FORM
    assert petition.status == Petition.Status.RECEIVED
    assert petition.recorded_by is None
    assert petition.reporter_name_token == ""
    assert petition.reporter_phone_token == ""
    assert petition.is_anonymous
    assert petition.village == stationed.target
    assert petition.category == Category.BENEFIT
    assert Event.objects.filter(verb="findings.petition_received", object_id=str(petition.pk)).exists()


def test_name_and_phone_are_stored_only_encrypted(client: Client, stationed: Assignment) -> None:
    """Read straight from the table, the row holds neither the name nor the phone number in plain text."""
    assert post(client, stationed, name="韦秀英", phone="138-7735 1234").status_code == 302
    petition = Petition.objects.get()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {Petition._meta.db_table} WHERE id = %s", [petition.pk])  # noqa: S608
        row = " ".join(str(value) for value in cursor.fetchone())
        cursor.execute(f"SELECT * FROM {Event._meta.db_table}")  # noqa: S608
        events = " ".join(str(value) for event in cursor.fetchall() for value in event)
    for plain in ("韦秀英", "138-7735 1234", "13877351234", "7735"):
        assert plain not in row
        assert plain not in events
    assert crypto.decrypt(petition.reporter_name_token) == "韦秀英"
    assert crypto.decrypt(petition.reporter_phone_token) == "138-7735 1234"


def test_the_receipt_shows_the_code_once(client: Client, stationed: Assignment) -> None:
    """After sending, the receipt page shows the code large; reloading it no longer does."""
    response = post(client, stationed, name="韦秀英")
    petition = Petition.objects.get()
    html = page(client.get(response["Location"]))
    code = petition.receipt_code
    assert f"{code[:5]} {code[5:]}" in html
    assert "xc-receipt-code" in html
    assert "韦秀英" not in html
    assert petition.text not in html
    html = page(client.get(response["Location"]))
    assert code[:5] not in html
    assert "shown only once" in html
    assert not Session.objects.exists()


def test_several_villages_are_offered_to_choose_from(
    client: Client, world: World, township_assignment: Assignment
) -> None:
    """An assignment of a township with villages asks which village the message is about, or none."""
    html = page(client.get(form_url(township_assignment)))
    assert 'name="village"' in html
    assert f"{world.township_a} · {world.village_a2}" in html
    assert post(client, township_assignment, village=world.village_a2.pk).status_code == 302
    assert Petition.objects.get().village == world.village_a2
    assert post(client, township_assignment, village="").status_code == 302
    assert Petition.objects.filter(village__isnull=True).count() == 1


def test_one_village_is_implied(client: Client, stationed: Assignment) -> None:
    assert 'name="village"' not in page(client.get(form_url(stationed)))


def test_a_village_outside_the_assignment_is_refused(
    client: Client, world: World, township_assignment: Assignment
) -> None:
    response = post(client, township_assignment, village=world.village_a1.pk)
    assert response.status_code == 200
    assert 'name="village"' in page(response)
    assert not Petition.objects.exists()


@pytest.mark.parametrize("phone", ["13877351234", "0773-751 2345", "+86 138 7735 1234", "１３８７７３５１２３４"])
def test_chinese_phone_numbers_are_accepted(client: Client, stationed: Assignment, phone: str) -> None:
    assert post(client, stationed, phone=phone).status_code == 302


@pytest.mark.parametrize("phone", ["123456", "1" * 21, "138abc1234", "call me"])
def test_a_phone_that_is_no_phone_number_is_refused(client: Client, stationed: Assignment, phone: str) -> None:
    response = post(client, stationed, phone=phone)
    assert response.status_code == 200
    assert "7 to 20 digits" in page(response)
    assert not Petition.objects.exists()


def test_text_is_required_and_at_most_5000_characters(client: Client, stationed: Assignment) -> None:
    assert post(client, stationed, text="   ").status_code == 200
    assert post(client, stationed, text="字" * 5001).status_code == 200
    assert not Petition.objects.exists()
    assert post(client, stationed, text="字" * 5000).status_code == 302


def test_typed_markup_comes_back_escaped_and_is_stored_as_typed(client: Client, stationed: Assignment) -> None:
    """A refused form shows the typed text escaped; the accepted message keeps it exactly as typed."""
    response = post(client, stationed, text=XSS, name=XSS, phone="not a phone")
    html = page(response)
    assert XSS not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert post(client, stationed, text=XSS).status_code == 302
    assert Petition.objects.get().text == XSS


def test_a_photo_is_checked_and_kept_with_the_message(client: Client, stationed: Assignment) -> None:
    photo = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    response = client.post(form_url(stationed), message(photo=photo))
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert list(Petition.objects.get().evidence.all()) == [evidence]
    assert evidence.content_type == "image/png"
    assert evidence.uploaded_by is None


def test_an_oversize_photo_is_refused_keeping_the_text(client: Client, stationed: Assignment, settings: Any) -> None:
    settings.XUNCHA_UPLOAD_MAX_BYTES = 1024
    photo = SimpleUploadedFile("big.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 4096, content_type="image/jpeg")
    response = client.post(form_url(stationed), message(text="村道硬化工程偷工减料", photo=photo))
    html = page(response)
    assert response.status_code == 200
    assert "The file is too large" in html
    assert "村道硬化工程偷工减料" in html
    assert not Petition.objects.exists()
    assert not Evidence.objects.exists()
    assert not SubmissionQuota.objects.exists()


def test_a_text_file_named_jpg_is_refused(client: Client, stationed: Assignment) -> None:
    photo = SimpleUploadedFile("photo.jpg", b"this is not a photo\n", content_type="image/jpeg")
    response = client.post(form_url(stationed), message(text="村道硬化工程偷工减料", photo=photo))
    html = page(response)
    assert response.status_code == 200
    assert "This file type is not accepted" in html
    assert "村道硬化工程偷工减料" in html
    assert not Petition.objects.exists()
    assert not Evidence.objects.exists()


def test_a_pdf_is_no_photo(client: Client, stationed: Assignment) -> None:
    photo = SimpleUploadedFile("scan.jpg", b"%PDF-1.7\n" + b"\x00" * 64, content_type="image/jpeg")
    response = client.post(form_url(stationed), message(photo=photo))
    assert "This file type is not accepted" in page(response)
    assert not Petition.objects.exists()


def test_outside_stationing_the_form_refuses(client: Client, world: World) -> None:
    """The group of 2023 takes no messages today: the page says so, and a message sent anyway is refused with
    what was typed kept."""
    html = page(client.get(form_url(world.assignment)))
    assert 'data-testid="closed"' in html
    assert 'name="text"' not in html
    response = post(client, world.assignment, text="村务公开栏长期不更新")
    html = page(response)
    assert response.status_code == 200
    assert "its stationing has ended" in html
    assert "村务公开栏长期不更新" in html
    assert not Petition.objects.exists()


def test_stationing_ended_yesterday(client: Client, stationed: Assignment) -> None:
    yesterday = timezone.localdate() - timedelta(days=1)
    Assignment.objects.filter(pk=stationed.pk).update(
        stationed_from=yesterday - timedelta(days=9), stationed_until=yesterday
    )
    assert post(client, stationed).status_code == 200
    assert not Petition.objects.exists()


def test_the_limit_trips_on_the_next_message_of_the_hour(client: Client, stationed: Assignment, settings: Any) -> None:
    """With a limit of 3 an hour, the fourth message answers 429 and writes nothing; other clients still send."""
    settings.XUNCHA_PETITIONS_PER_HOUR = 3
    for _number in range(3):
        assert post(client, stationed).status_code == 302
    response = post(client, stationed, text="第四条反映")
    assert response.status_code == 429
    assert "Please try again later" in page(response)
    assert "第四条反映" in page(response)
    assert Petition.objects.count() == 3
    assert SubmissionQuota.objects.count() == 3
    other = Client(REMOTE_ADDR="10.1.2.3")
    assert post(other, stationed).status_code == 302


def test_refused_messages_do_not_count(client: Client, stationed: Assignment, settings: Any) -> None:
    """Only messages received use up the allowance; a form sent back for corrections does not."""
    settings.XUNCHA_PETITIONS_PER_HOUR = 1
    assert post(client, stationed, phone="bad").status_code == 200
    assert post(client, stationed, text="").status_code == 200
    assert post(client, stationed).status_code == 302
    assert post(client, stationed).status_code == 429


def test_the_hour_rolls_and_old_uses_are_pruned(client: Client, stationed: Assignment, settings: Any) -> None:
    """Uses older than an hour no longer count, and the next use deletes them."""
    settings.XUNCHA_PETITIONS_PER_HOUR = 1
    assert post(client, stationed).status_code == 302
    SubmissionQuota.objects.update(created_at=timezone.now() - timedelta(minutes=61))
    assert post(client, stationed).status_code == 302
    assert SubmissionQuota.objects.count() == 1
    assert SubmissionQuota.objects.get().created_at > timezone.now() - timedelta(minutes=1)


def test_the_client_address_is_never_stored(client: Client, stationed: Assignment) -> None:
    assert post(client, stationed).status_code == 302
    use = SubmissionQuota.objects.get()
    assert use.scope == SubmissionQuota.Scope.PETITION
    assert "127.0.0.1" not in use.key
    assert len(use.key) == 64
    assert use.key == client_key(client.get(form_url(stationed)).wsgi_request)
