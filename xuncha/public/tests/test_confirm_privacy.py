"""Residents' confirmations after the review of issue 14: photos lose their metadata and their file name, the
petitioner's words stay on the county's side, a phone may change its answer and only answers given since the
item was last reopened count, the receipt code's form spends the lookup allowance, and offline drafts are kept
per receipt code. Each test fails on the code before its fix."""

from __future__ import annotations

import io
import struct
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from xuncha.accounts.models import User
from xuncha.conftest import World
from xuncha.core.image_meta import MetadataError, strip_metadata
from xuncha.core.uploads import UploadRefused
from xuncha.findings.models import Petition
from xuncha.public import ratelimit
from xuncha.public import views as public_views
from xuncha.public.confirm_views import receipt_draft_key
from xuncha.public.models import ResidentConfirmation, SubmissionQuota
from xuncha.public.queries import confirmation_panel
from xuncha.public.tests.images import GPS_MARKER, JPEG, PNG, jpeg_with_exif, png, png_chunk, png_with_metadata
from xuncha.public.tests.test_confirm import answer, reviewed
from xuncha.rectification import closing
from xuncha.rectification.models import LedgerItem, VisitCheck
from xuncha.rectification.tests.factories import ledger_item
from xuncha.rectification.tests.test_four_eyes import check_on_a_visit
from xuncha.rectification.timeline import case_timeline

Answer = ResidentConfirmation.Answer
Channel = ResidentConfirmation.Channel
Status = LedgerItem.Status


def _png_chunks(data: bytes) -> list[bytes]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    kinds, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kinds.append(data[pos + 4 : pos + 8])
        pos += 12 + length
    assert pos == len(data)
    return kinds


# 1. Photos without metadata ------------------------------------------------------------------------------------------


def test_a_jpeg_loses_its_exif_and_comments_and_keeps_its_picture() -> None:
    photo = jpeg_with_exif() + b"trailer " + GPS_MARKER  # what a phone may append after the picture
    assert GPS_MARKER in photo
    clean = strip_metadata(photo)
    assert GPS_MARKER not in clean
    assert clean.startswith(b"\xff\xd8\xff\xe0") and clean.endswith(b"\xff\xd9")  # SOI, APP0 (JFIF) … EOI
    assert clean == JPEG  # every segment of the picture kept, byte for byte


def test_a_png_loses_its_text_exif_and_time_chunks() -> None:
    clean = strip_metadata(png_with_metadata() + GPS_MARKER)
    assert GPS_MARKER not in clean
    assert _png_chunks(clean) == [b"IHDR", b"IDAT", b"IEND"]
    assert clean == PNG
    kept = png(png_chunk(b"gAMA", struct.pack(">I", 45455)))
    assert strip_metadata(kept) == kept  # what changes how it is shown stays


def test_a_webp_loses_its_exif_and_xmp_chunks() -> None:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return kind + struct.pack("<I", len(data)) + data + (b"\x00" if len(data) & 1 else b"")

    vp8x = chunk(b"VP8X", bytes([0x08 | 0x04]) + b"\x00" * 9)
    picture = chunk(b"VP8L", b"\x2f\x00\x00\x00\x00")
    body = b"WEBP" + vp8x + picture + chunk(b"EXIF", GPS_MARKER) + chunk(b"XMP ", b"<x>" + GPS_MARKER + b"</x>")
    clean = strip_metadata(b"RIFF" + struct.pack("<I", len(body)) + body)
    assert GPS_MARKER not in clean
    assert clean[:4] == b"RIFF" and struct.unpack("<I", clean[4:8])[0] == len(clean) - 8
    assert clean[8:] == b"WEBP" + chunk(b"VP8X", b"\x00" * 10) + picture


@pytest.mark.parametrize(
    "data",
    [b"GIF89a" + b"\x00" * 40, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, JPEG[:200], b"\xff\xd8\xff\xe1\xff\xff"],
    ids=["gif", "png-without-chunks", "truncated-jpeg", "jpeg-segment-out-of-bounds"],
)
def test_what_cannot_be_cleaned_is_refused(data: bytes) -> None:
    with pytest.raises(MetadataError):
        strip_metadata(data)


@pytest.mark.parametrize(("photo", "extension"), [(jpeg_with_exif(), "jpg"), (png_with_metadata(), "png")])
def test_a_residents_photo_is_stored_clean_under_a_neutral_name(
    world: World, settings: Any, tmp_path: Any, photo: bytes, extension: str
) -> None:
    settings.MEDIA_ROOT = tmp_path
    item = reviewed(world)
    confirmation = answer(item, Answer.UNRESOLVED, 1, photo=(io.BytesIO(photo), f"IMG_张三_手机.{extension}"))
    evidence = confirmation.photo
    assert evidence is not None
    with evidence.file.open("rb") as handle:
        stored = handle.read()
    assert GPS_MARKER not in stored
    assert stored == (JPEG if extension == "jpg" else PNG)
    assert evidence.size == len(stored)
    assert evidence.original_name == f"Resident photo.{extension}"  # tests run in English
    assert "张三" not in evidence.original_name and "张三" not in str(evidence.file.name)


def test_a_gif_is_refused_for_a_residents_photo(world: World, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    item = reviewed(world)
    with pytest.raises(UploadRefused, match="could not be read"):
        answer(item, Answer.UNRESOLVED, 1, photo=(io.BytesIO(b"GIF89a" + b"\x00" * 40), "x.gif"))
    assert not ResidentConfirmation.objects.exists()


# 2. The petitioner's words stay on the county's side ---------------------------------------------------------------


def test_township_and_village_read_neither_words_nor_photo_of_the_petitioners_answer(
    world: World, office: User, township_user: User, village_user: User, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    item = ledger_item(world.round, world.village_a1, status=Status.REVIEWED)
    petitioner = answer(
        item, Answer.UNRESOLVED, 1, comment="我家门口的路灯", channel=Channel.RECEIPT, photo=(io.BytesIO(PNG), "p.png")
    )
    answer(item, Answer.RESOLVED, 2, comment="修好了", photo=(io.BytesIO(PNG), "q.png"))
    photo_url = reverse("disclosure:confirmation-photo", args=[item.village.code, petitioner.pk])

    county = {row.comment: row for row in confirmation_panel(office, item)["rows"]}
    assert county["我家门口的路灯"].photo_url == photo_url
    client = Client()
    client.force_login(office)
    assert client.get(photo_url).status_code == 200
    office_texts = {entry.text for entry in case_timeline(office, item=item) if entry.kind.startswith("confirmed")}
    assert "我家门口的路灯" in office_texts

    for local in (township_user, village_user):
        panel = confirmation_panel(local, item)
        assert panel["counts"].unresolved == 1 and panel["counts"].resolved == 1
        rows = {row.answer: row for row in panel["rows"]}
        assert rows[Answer.UNRESOLVED].comment == "" and rows[Answer.UNRESOLVED].photo_url == ""
        assert rows[Answer.RESOLVED].comment == "修好了" and rows[Answer.RESOLVED].photo_url
        entries = [entry for entry in case_timeline(local, item=item) if entry.kind.startswith("confirmed")]
        assert {entry.actor for entry in entries} == {"A resident"}
        assert "我家门口的路灯" not in {entry.text for entry in entries}
        assert all(photo_url not in [a.url for a in entry.attachments] for entry in entries)
        client.force_login(local)
        assert client.get(photo_url).status_code == 404
        page = client.get(item.get_absolute_url()).content.decode()
        assert "我家门口的路灯" not in page and photo_url not in page


# 3. A phone changes its answer; answers before a reopening do not count --------------------------------------------


def test_a_phone_replaces_its_answer_and_the_objection_follows(world: World) -> None:
    item = reviewed(world)
    for phone in range(2):
        answer(item, Answer.UNRESOLVED, phone)
    first = answer(item, Answer.RESOLVED, 2, comment="好了")
    assert not closing.confirmations(item).objection_holds
    again = answer(item, Answer.UNRESOLVED, 2, comment="又坏了")
    assert again.pk == first.pk and again.created_at > first.created_at
    assert ResidentConfirmation.objects.filter(item=item).count() == 3
    assert (again.answer, again.comment) == (Answer.UNRESOLVED, "又坏了")
    assert closing.confirmations(item) == closing.Confirmations(resolved=0, unresolved=3)
    item.refresh_from_db()
    assert item.needs_return_visit  # the changed answer made the objection hold

    answer(item, Answer.RESOLVED, 0)
    answer(item, Answer.RESOLVED, 1)
    assert not closing.confirmations(item).objection_holds


def test_answers_before_the_last_reopening_do_not_count(world: World, office: User) -> None:
    item = reviewed(world)
    for phone in range(3):
        answer(item, Answer.UNRESOLVED, phone)
    assert closing.confirmations(item).objection_holds
    check_on_a_visit(item, VisitCheck.Verdict.REOPEN, office)  # a return visit found it not fixed: reopened
    assert item.status == Status.IN_PROGRESS
    assert closing.confirmations(item) == closing.Confirmations()
    panel = confirmation_panel(office, item)
    assert len(panel["rows"]) == 3 and not any(row.current for row in panel["rows"])  # kept, not counted
    assert panel["counts"].total == 0

    answer(item, Answer.UNRESOLVED, 0)  # a phone of before answers again: it counts from now
    answer(item, Answer.RESOLVED, 7)
    assert closing.confirmations(item) == closing.Confirmations(resolved=1, unresolved=1)
    assert confirmation_panel(office, item)["counts"] == closing.Confirmations(resolved=1, unresolved=1)


def test_the_qr_page_takes_a_changed_answer(world: World) -> None:
    item = reviewed(world)
    client = Client()
    url = reverse("public:item-confirm", args=[item.village.code, item.pk])
    assert client.post(url, {"answer": Answer.UNRESOLVED, "comment": "还是坏的"}).status_code == 302
    page = client.get(url).content.decode()
    assert 'data-testid="answered"' in page and 'data-testid="confirm-form"' in page
    assert client.post(url, {"answer": Answer.RESOLVED, "comment": "修好了"}).status_code == 302
    confirmation = ResidentConfirmation.objects.get()
    assert (confirmation.answer, confirmation.comment) == (Answer.RESOLVED, "修好了")


# 4. and 5. The receipt code's form ----------------------------------------------------------------------------------


def _petition(world: World, item: LedgerItem) -> Petition:
    return Petition.objects.create(
        assignment=world.assignment,
        village=world.village_a2,
        channel=Petition.Channel.PUBLIC_FORM,
        category=item.category,
        text="路灯坏了。",
        status=Petition.Status.DISPOSED,
        disposition=Petition.Disposition.PROBLEM,
        problem=item.problem,
    )


def test_the_receipt_confirm_form_spends_the_lookup_allowance(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ratelimit, "LOOKUPS_PER_HOUR", 3)
    monkeypatch.setattr(public_views, "LOOKUPS_PER_HOUR", 3)  # the lookup page's own name for it
    client = Client()
    for attempt in range(3):
        refused = client.post(
            reverse("public:receipt-confirm"), {"code": f"ABCDEFGH{attempt + 2}3", "answer": Answer.RESOLVED}
        )
        assert refused.status_code == 409  # not found: it costs an attempt all the same
    assert SubmissionQuota.objects.filter(scope=SubmissionQuota.Scope.LOOKUP).count() == 3
    item = reviewed(world)
    petition = _petition(world, item)
    spent = client.post(reverse("public:receipt-confirm"), {"code": petition.receipt_code, "answer": Answer.RESOLVED})
    assert spent.status_code == 429
    assert not ResidentConfirmation.objects.exists()
    assert client.post(reverse("public:receipt-lookup"), {"code": petition.receipt_code}).status_code == 429


def test_the_offline_draft_is_kept_per_receipt_code(world: World) -> None:
    item = reviewed(world)
    first, second = _petition(world, item), _petition(world, item)
    keys = []
    for petition in (first, second):
        page = Client().post(reverse("public:receipt-lookup"), {"code": petition.receipt_code}).content.decode()
        key = receipt_draft_key(petition.receipt_code)
        assert f'data-offline-draft="{key}"' in page
        assert petition.receipt_code not in key
        keys.append(key)
    assert keys[0] != keys[1]
    sent = Client().post(
        reverse("public:receipt-confirm"), {"code": first.receipt_code.lower(), "answer": Answer.RESOLVED}
    )
    assert f'data-draft-sent="{keys[0]}"' in sent.content.decode()
