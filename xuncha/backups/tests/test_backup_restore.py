"""``xuncha backup`` and ``xuncha restore`` on the test database's own engine (CI runs them on SQLite and PostgreSQL).

The round trip restores into the test database itself, so it is a transactional test: its records are committed
(the backup reads them from a connection of its own), the database is flushed and restored in place, and at the
end pytest-django flushes every table, as after any transactional test. The restored schema is the one that was
dumped from the test database a moment before, so the tests after it find the database as they expect. Refusals
happen before anything is touched, so those tests run inside the usual rolled-back transaction.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import stat
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from xuncha.accounts.actors import SYSTEM
from xuncha.accounts.models import User
from xuncha.audit.chain import verify_chain
from xuncha.audit.models import ChainHead, Event
from xuncha.backups.archive import DecryptingReader, EncryptingWriter
from xuncha.backups.models import Backup
from xuncha.conftest import World
from xuncha.core.crypto import decrypt
from xuncha.evidence.models import Evidence
from xuncha.findings import actions as findings
from xuncha.findings.models import Clue, Petition, Problem
from xuncha.findings.tests.factories import (
    REPORTER_NAME,
    pdf_bytes,
    png_bytes,
    record_petition,
    record_problem,
    register_clue,
)
from xuncha.inspections.models import Assignment
from xuncha.organisations.models import AdminUnit

KEY = "backup-key-for-the-tests-only-0123456789abcdef"
MODELS = [User, AdminUnit, Assignment, Problem, Petition, Clue, Evidence, Event]


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    settings.BACKUP_KEY = KEY
    return root


def backup(path: Path) -> str:
    out = io.StringIO()
    call_command("backup", output=path, stdout=out)
    return out.getvalue()


def restore(path: Path, *, yes: bool = False) -> str:
    out = io.StringIO()
    call_command("restore", str(path), yes=yes, stdout=out)
    return out.getvalue()


def rows() -> dict[str, list[int]]:
    return {model.__name__: sorted(model._default_manager.values_list("pk", flat=True)) for model in MODELS}


def digests(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


def make_records(world: World, member: User) -> None:
    """A working paper with two evidence files, a petition with an encrypted name, a sealed clue, a bundle file."""
    problem = record_problem(world.assignment, member)
    for data, name in [(png_bytes(), "账本.png"), (pdf_bytes(), "会议记录.pdf")]:
        findings.attach_evidence(problem, io.BytesIO(data), name, len(data), actor=member)
    record_petition(world.assignment, member)
    register_clue(world.assignment, member)


def repack(path: Path, edit: Callable[[str, bytes], bytes]) -> None:
    """Rewrite an archive with the right key, each member's bytes passed through ``edit``: a forgery by someone
    who holds the backup key, which only the manifest's digests and fingerprint can catch."""
    with path.open("rb") as handle:
        plain = DecryptingReader(handle, KEY).read() or b""
    target = io.BytesIO()
    writer = EncryptingWriter(target, KEY)
    with (
        tarfile.open(fileobj=io.BytesIO(plain), mode="r:") as source,
        tarfile.open(fileobj=writer, mode="w|") as tar,
    ):
        for member in source:
            extracted = source.extractfile(member)
            data = edit(member.name, extracted.read() if extracted else b"")
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))
    writer.finish()
    path.write_bytes(target.getvalue())


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_every_record_and_file_into_an_empty_database(
    world: World, group_leader: User, media: Path, tmp_path: Path
) -> None:
    """Back up, wipe the database and the media folder, restore: the same rows, the same files, an intact chain."""
    make_records(world, group_leader)
    (media / "bundles").mkdir(parents=True)
    (media / "bundles" / "round-4.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    before_rows, before_files = rows(), digests(media)
    head = ChainHead.objects.get(pk=1)
    archive = tmp_path / "archives" / "nightly.backup"

    output = backup(archive)

    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert [path.name for path in archive.parent.iterdir()] == ["nightly.backup"]
    assert "3 media file(s)" in output
    sealed = archive.read_bytes()
    for plain in [b"manifest.json", b"SQLite format 3", b"PGDMP", b"audit_event", "甲一村".encode(), png_bytes()[:16]]:
        assert plain not in sealed
    made = Event.objects.get(verb="backups.made")
    assert made.actor_id is None and made.actor_label == "system"
    assert made.after == {
        "file": "nightly.backup",
        "size": archive.stat().st_size,
        "sha256": hashlib.sha256(archive.read_bytes()).hexdigest(),
        "chain_seq": head.seq,
        "media_files": 3,
    }
    assert "账本" not in str(made.after)

    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(media)
    assert not Problem.objects.exists()

    output = restore(archive)

    restored_rows = rows()
    assert restored_rows.pop("Event")[:-1] == before_rows.pop("Event")
    assert restored_rows == before_rows
    assert digests(media) == before_files
    for evidence in Evidence.objects.all():
        assert hashlib.sha256(Path(evidence.file.path).read_bytes()).hexdigest() == evidence.sha256
    assert decrypt(Petition.objects.get().reporter_name_token) == REPORTER_NAME
    assert verify_chain().ok
    call_command("verify-audit", stdout=io.StringIO())
    restored = Event.objects.get(seq=head.seq + 1)
    assert (restored.verb, restored.actor_label, restored.prev_hash) == ("backups.restored", "system", head.hash)
    assert Backup.objects.get().operation == Backup.Operation.RESTORED
    assert "3 media file(s)" in output
    assert f"head #{head.seq} matches the archive" in output


@pytest.mark.django_db(transaction=True)
def test_restore_over_data_needs_yes_and_then_replaces_everything(
    world: World, group_leader: User, media: Path, tmp_path: Path
) -> None:
    """Without --yes a database with data is left alone; with it, later rows and files are gone."""
    archive = tmp_path / "before.backup"
    before_rows, before_files = rows(), digests(media)
    backup(archive)
    make_records(world, group_leader)
    (media / "stray.txt").write_text("made after the backup")
    after_rows = rows()

    with pytest.raises(CommandError, match="not empty.*--yes"):
        restore(archive)
    assert rows() == after_rows

    restore(archive, yes=True)

    restored = rows()
    assert restored.pop("Event")[:-1] == before_rows.pop("Event")
    assert restored == before_rows
    assert digests(media) == before_files
    assert verify_chain().ok


@pytest.mark.django_db
def test_an_altered_archive_is_refused_and_nothing_is_touched(world: World, media: Path, tmp_path: Path) -> None:
    """One flipped byte in the middle fails authentication; the database and the media folder stay as they were."""
    archive = tmp_path / "flipped.backup"
    backup(archive)
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0x40
    archive.write_bytes(bytes(data))
    (media / "kept.txt").parent.mkdir(parents=True, exist_ok=True)
    (media / "kept.txt").write_text("still here")
    before = rows()

    with pytest.raises(CommandError, match="fails authentication"):
        restore(archive, yes=True)

    assert rows() == before
    assert digests(media) == {"kept.txt": hashlib.sha256(b"still here").hexdigest()}


@pytest.mark.django_db
def test_a_member_that_does_not_match_the_manifest_is_refused(world: World, media: Path, tmp_path: Path) -> None:
    """Repacked with the backup key but a media file replaced: its SHA-256 differs from the manifest's."""
    (media / "evidence").mkdir(parents=True)
    (media / "evidence" / "photo.png").write_bytes(png_bytes())
    archive = tmp_path / "forged.backup"
    backup(archive)

    repack(archive, lambda name, data: b"forged" if name == "media/evidence/photo.png" else data)

    with pytest.raises(CommandError, match=r"media/evidence/photo.png does not match the SHA-256"):
        restore(archive, yes=True)


@pytest.mark.django_db
def test_an_archive_of_another_installation_is_refused(
    world: World, media: Path, tmp_path: Path, settings: Any
) -> None:
    archive = tmp_path / "foreign.backup"
    backup(archive)
    settings.AUDIT_CHAIN_KEY = "the audit key of another county's installation"

    with pytest.raises(CommandError, match="another installation"):
        restore(archive, yes=True)


@pytest.mark.django_db
def test_an_archive_of_another_database_engine_is_refused(world: World, media: Path, tmp_path: Path) -> None:
    archive = tmp_path / "engine.backup"
    backup(archive)
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    repack(archive, lambda name, data: data.replace(b'"engine": "', f'"engine": "{other}", "was": "'.encode()))

    with pytest.raises(CommandError, match=f"holds a {other} database; this installation runs on"):
        restore(archive, yes=True)


@pytest.mark.django_db
def test_backup_refuses_without_a_key_or_over_an_existing_file(media: Path, tmp_path: Path, settings: Any) -> None:
    archive = tmp_path / "exists.backup"
    archive.write_bytes(b"an older archive")
    with pytest.raises(CommandError, match="exists already"):
        backup(archive)
    assert archive.read_bytes() == b"an older archive"

    settings.BACKUP_KEY = None
    with pytest.raises(CommandError, match="No backup key"):
        backup(tmp_path / "new.backup")
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_an_account_may_neither_back_up_nor_restore(sysadmin: User, tmp_path: Path) -> None:
    """Even the system administrator: both are commands run on the server."""
    from xuncha.backups.actions import make_backup, restore_backup
    from xuncha.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        make_backup(tmp_path / "a.backup", actor=sysadmin)
    with pytest.raises(PermissionDenied):
        restore_backup(tmp_path / "a.backup", actor=sysadmin)
    assert SYSTEM is not sysadmin
