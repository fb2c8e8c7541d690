"""Evidence files: the type judged from the content (never from the name), the size limit, and attaching a file
to a working paper under a random name with its hash."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from xuncha.accounts.actors import Actor
from xuncha.accounts.models import User
from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.core import uploads
from xuncha.core.exceptions import PermissionDenied
from xuncha.core.uploads import FileKind, UploadRefused, check_upload, sniff
from xuncha.evidence.models import Evidence
from xuncha.findings import actions
from xuncha.findings.models import Problem
from xuncha.findings.tests import factories
from xuncha.findings.tests.factories import ProblemFactory, only_event, persona, png_bytes, record_problem

ACCEPTED: list[tuple[Callable[[], bytes], FileKind]] = [
    (factories.jpeg_bytes, uploads.JPEG),
    (factories.png_bytes, uploads.PNG),
    (factories.gif_bytes, uploads.GIF),
    (factories.webp_bytes, uploads.WEBP),
    (factories.pdf_bytes, uploads.PDF),
    (factories.docx_bytes, uploads.DOCX),
    (factories.xlsx_bytes, uploads.XLSX),
    (factories.pptx_bytes, uploads.PPTX),
    (factories.ole_bytes, uploads.OLE),
]
REFUSED: dict[str, Callable[[], bytes]] = {
    "text named .jpg": factories.text_bytes,
    "html page": factories.html_bytes,
    "windows executable": factories.exe_bytes,
    "zip of text files": lambda: factories.zip_bytes({"readme.txt": b"hello", "data/list.csv": b"a,b"}),
    "zip with word/ but no content types": lambda: factories.zip_bytes({"word/document.xml": b"<w:document/>"}),
    "zip with content types only": lambda: factories.zip_bytes({"[Content_Types].xml": factories.CONTENT_TYPES}),
    "truncated zip": lambda: factories.docx_bytes()[:40],
    "svg image": lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "riff that is not webp": lambda: b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(28),
    "empty": lambda: b"",
}
NON_MEMBERS = [
    "office",
    "office_lead",
    "leader",
    "discipline",
    "township_user",
    "village_user",
    "outsider",
    "auditor",
    "nobody",
]


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    """MEDIA_ROOT in a fresh temporary folder."""
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def attach(problem: Problem, data: bytes, name: str, actor: Actor, caption: str = "") -> Evidence:
    return actions.attach_evidence(problem, io.BytesIO(data), name, len(data), actor=actor, caption=caption)


# sniff and check_upload


@pytest.mark.parametrize(("build", "kind"), ACCEPTED, ids=[kind.extension for _, kind in ACCEPTED])
def test_sniff_recognises_each_accepted_type(build: Callable[[], bytes], kind: FileKind) -> None:
    """Photos, PDF, the Office formats and the old OLE documents are told by their bytes."""
    upload = io.BytesIO(build())
    upload.seek(7)

    assert sniff(upload) == kind
    assert check_upload(upload, len(upload.getvalue())) == kind


@pytest.mark.parametrize("build", REFUSED.values(), ids=REFUSED.keys())
def test_sniff_refuses_anything_else(build: Callable[[], bytes]) -> None:
    """Text, HTML, SVG, executables, other zips and other RIFF files are none of the accepted kinds."""
    assert sniff(io.BytesIO(build())) is None


@pytest.mark.parametrize("build", [b for name, b in REFUSED.items() if name != "empty"])
def test_check_upload_refuses_anything_else(build: Callable[[], bytes]) -> None:
    """What sniff does not recognise is refused with a message saying what is accepted."""
    data = build()

    with pytest.raises(UploadRefused, match="not accepted"):
        check_upload(io.BytesIO(data), len(data))


@pytest.mark.parametrize(
    "build",
    [pytest.param(build, id=kind.extension) for build, kind in ACCEPTED],
)
def test_sniff_leaves_the_file_at_its_start(build: Callable[[], bytes]) -> None:
    """After sniffing, the file is read again from its first byte, whatever its kind."""
    upload = io.BytesIO(build())

    sniff(upload)

    assert upload.tell() == 0


@pytest.mark.parametrize(
    "build", [factories.pdf_bytes, factories.docx_bytes, factories.ole_bytes], ids=["pdf", "docx", "ole"]
)
def test_check_upload_for_images_only_refuses_documents(build: Callable[[], bytes]) -> None:
    """Where only photos are taken (the public form), documents are refused."""
    data = build()

    with pytest.raises(UploadRefused, match="photos"):
        check_upload(io.BytesIO(data), len(data), images_only=True)


@pytest.mark.parametrize("build", [factories.jpeg_bytes, factories.gif_bytes, factories.webp_bytes])
def test_check_upload_for_images_only_accepts_photos(build: Callable[[], bytes]) -> None:
    """Every image kind passes where only photos are taken."""
    data = build()

    assert check_upload(io.BytesIO(data), len(data), images_only=True).is_image


def test_check_upload_enforces_the_size_limit(settings: Any) -> None:
    """A file of exactly the limit passes; one byte more is refused as too large."""
    settings.XUNCHA_UPLOAD_MAX_BYTES = 200
    data = png_bytes()
    at_limit = data + bytes(200 - len(data))
    over = at_limit + b"\x00"

    assert check_upload(io.BytesIO(at_limit), len(at_limit)) == uploads.PNG
    with pytest.raises(UploadRefused, match="too large"):
        check_upload(io.BytesIO(over), len(over))


def test_check_upload_refuses_an_empty_file() -> None:
    """An empty file is refused as empty."""
    with pytest.raises(UploadRefused, match="empty"):
        check_upload(io.BytesIO(b""), 0)


# attach_evidence


@pytest.mark.parametrize("name", ["group_member", "group_leader"])
def test_attach_evidence_stores_the_file_under_a_random_name(
    world: World, request: pytest.FixtureRequest, group_member: User, media: Path, name: str
) -> None:
    """The file is stored under MEDIA_ROOT with a random name; row and event keep name, type, size and SHA-256."""
    problem = record_problem(world.assignment, group_member)
    actor = persona(request, name)
    data = png_bytes()

    evidence = attach(problem, data, "村委会账本第3页.png", actor, caption=" 账本照片 ")

    evidence.refresh_from_db()
    today = timezone.localdate()
    stored_name = str(evidence.file.name)
    assert re.fullmatch(rf"evidence/{today:%Y/%m}/[0-9a-f]{{32}}\.png", stored_name)
    assert "账本" not in stored_name
    stored = Path(evidence.file.path)
    assert stored.is_relative_to(media)
    assert stored.read_bytes() == data
    assert stored_files(media) == [stored]
    assert list(problem.evidence.all()) == [evidence]
    assert evidence.uploaded_by == actor
    assert (evidence.original_name, evidence.caption) == ("村委会账本第3页.png", "账本照片")
    assert (evidence.content_type, evidence.extension, evidence.size) == ("image/png", "png", len(data))
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()
    assert evidence.is_image
    event = only_event("findings.evidence_attached")
    assert event.actor == actor
    assert (event.object_type, event.object_id) == ("evidence.evidence", str(evidence.pk))
    assert event.unit == world.village_a1
    assert event.after == {
        "problem": problem.serial,
        "name": "村委会账本第3页.png",
        "sha256": hashlib.sha256(data).hexdigest(),
    }


def test_attach_evidence_goes_by_the_content_not_the_name(world: World, group_member: User, media: Path) -> None:
    """A PDF named .jpg is stored and typed as a PDF."""
    problem = record_problem(world.assignment, group_member)

    evidence = attach(problem, factories.pdf_bytes(), "照片.jpg", group_member)

    assert (evidence.content_type, evidence.extension) == ("application/pdf", "pdf")
    assert str(evidence.file.name).endswith(".pdf")
    assert not evidence.is_image


def test_two_uploads_of_the_same_name_are_kept_apart(world: World, group_member: User, media: Path) -> None:
    """Two files called the same get two stored files with different names."""
    problem = record_problem(world.assignment, group_member)

    first = attach(problem, png_bytes(), "IMG_0001.png", group_member)
    second = attach(problem, factories.gif_bytes(), "IMG_0001.png", group_member)

    assert first.file.name != second.file.name
    assert len(stored_files(media)) == 2


@pytest.mark.parametrize("build", [factories.html_bytes, factories.exe_bytes, factories.text_bytes])
def test_attach_evidence_refuses_a_file_of_another_type(
    world: World, group_member: User, media: Path, build: Callable[[], bytes]
) -> None:
    """A refused file leaves no row, no file and no event."""
    problem = record_problem(world.assignment, group_member)

    with pytest.raises(UploadRefused):
        attach(problem, build(), "现场照片.jpg", group_member)

    assert not Evidence.objects.exists()
    assert stored_files(media) == []
    assert not Event.objects.filter(verb="findings.evidence_attached").exists()


def test_attach_evidence_refuses_a_file_over_the_limit(
    world: World, group_member: User, media: Path, settings: Any
) -> None:
    """A file over XUNCHA_UPLOAD_MAX_BYTES is refused before anything is stored."""
    settings.XUNCHA_UPLOAD_MAX_BYTES = 64
    problem = record_problem(world.assignment, group_member)

    with pytest.raises(UploadRefused, match="too large"):
        attach(problem, png_bytes() + bytes(64), "big.png", group_member)

    assert not Evidence.objects.exists()
    assert stored_files(media) == []


@pytest.mark.parametrize("name", NON_MEMBERS)
def test_attach_evidence_is_refused_to_non_members(
    world: World, request: pytest.FixtureRequest, group_member: User, media: Path, name: str
) -> None:
    """Only members of the group add evidence to its papers."""
    problem = record_problem(world.assignment, group_member)

    with pytest.raises(PermissionDenied):
        attach(problem, png_bytes(), "photo.png", persona(request, name))

    assert not Evidence.objects.exists()
    assert stored_files(media) == []


@pytest.mark.parametrize("name", ["group_member", "group_leader"])
def test_nothing_is_attached_to_a_discarded_paper(
    world: World, request: pytest.FixtureRequest, media: Path, name: str
) -> None:
    """A discarded paper takes no more evidence, not even from the group."""
    problem = ProblemFactory.create(assignment=world.assignment, status=Problem.Status.DISCARDED)

    with pytest.raises(PermissionDenied):
        attach(problem, png_bytes(), "photo.png", persona(request, name))

    assert not Evidence.objects.exists()
    assert stored_files(media) == []


@pytest.mark.parametrize("status", [Problem.Status.CONFIRMED, Problem.Status.FED_BACK])
def test_evidence_is_still_added_after_confirmation(world: World, group_member: User, media: Path, status: str) -> None:
    """Confirmed and fed-back papers still take evidence (the village's fix is documented on them)."""
    problem = ProblemFactory.create(assignment=world.assignment, status=status)

    evidence = attach(problem, png_bytes(), "photo.png", group_member)

    assert list(problem.evidence.all()) == [evidence]
