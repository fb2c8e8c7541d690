"""The sealed stream: what goes in comes out with the right key, and nothing else does; any altered, dropped or
added byte is refused."""

from __future__ import annotations

import hashlib
import io
import os
from typing import Any

import pytest

from xuncha.backups import archive
from xuncha.backups.archive import BackupRefused, DecryptingReader, EncryptingWriter

KEY = "k" * 43


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of 64 bytes, so that short texts span many of them."""
    monkeypatch.setattr(archive, "CHUNK", 64)


def seal(data: bytes, key: str = KEY) -> bytes:
    target = io.BytesIO()
    writer = EncryptingWriter(target, key)
    for start in range(0, len(data), 50):
        writer.write(data[start : start + 50])
    writer.finish()
    assert (writer.size, writer.digest.hexdigest()) == (len(target.getvalue()), _sha256(target.getvalue()))
    return target.getvalue()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def open_all(sealed: bytes, key: str = KEY) -> bytes:
    reader = DecryptingReader(io.BytesIO(sealed), key)
    data = reader.read()
    assert reader.finished
    return data or b""


@pytest.mark.parametrize("size", [0, 1, 63, 64, 65, 128, 1000])
def test_what_is_sealed_opens_with_the_same_key(size: int) -> None:
    """Any length, on or off a chunk's boundary, comes back byte for byte."""
    data = os.urandom(size)

    assert open_all(seal(data)) == data


def test_the_archive_reveals_nothing_of_its_content() -> None:
    """The plain text appears nowhere in the archive, and two archives of the same data differ."""
    data = "村委会账本第3页".encode() * 20

    first, second = seal(data), seal(data)

    assert "村委会".encode() not in first
    assert first != second


def test_another_key_is_refused() -> None:
    with pytest.raises(BackupRefused, match="fails authentication"):
        open_all(seal(b"secret"), key="x" * 43)


def test_a_flipped_byte_anywhere_is_refused() -> None:
    """Header, lengths, sealed chunks and tags alike: no single altered byte goes unnoticed."""
    sealed = seal(os.urandom(300))
    for position in range(len(sealed)):
        altered = bytearray(sealed)
        altered[position] ^= 0x01
        with pytest.raises(BackupRefused):
            open_all(bytes(altered))


@pytest.mark.parametrize("cut", ["last frame", "one byte", "all frames"])
def test_a_truncated_archive_is_refused(cut: str) -> None:
    """An archive cut at a frame's boundary lacks its last chunk, which is marked as such."""
    sealed = seal(os.urandom(200))
    frame = 4 + 64 + archive.TAG_BYTES
    last = len(sealed) - (4 + 200 % 64 + archive.TAG_BYTES)
    ends: dict[str, Any] = {"last frame": last, "one byte": len(sealed) - 1, "all frames": archive.HEADER_BYTES}
    assert last - frame > archive.HEADER_BYTES

    with pytest.raises(BackupRefused):
        open_all(sealed[: ends[cut]])


def test_frames_appended_or_swapped_are_refused() -> None:
    sealed = seal(os.urandom(200))
    frame = 4 + 64 + archive.TAG_BYTES
    body = sealed[archive.HEADER_BYTES :]
    swapped = sealed[: archive.HEADER_BYTES] + body[frame : 2 * frame] + body[:frame] + body[2 * frame :]

    with pytest.raises(BackupRefused):
        open_all(sealed + body[:frame])
    with pytest.raises(BackupRefused):
        open_all(swapped)


def test_another_file_is_not_an_archive() -> None:
    with pytest.raises(BackupRefused, match="not a Xuncha backup"):
        open_all(b"PK\x03\x04 a zip file, not an archive")


def test_a_short_backup_key_is_refused(settings: Any) -> None:
    settings.BACKUP_KEY = "short"
    with pytest.raises(BackupRefused, match="too short"):
        archive.backup_key()
    settings.BACKUP_KEY = None
    with pytest.raises(BackupRefused, match="XUNCHA_BACKUP_KEY_FILE"):
        archive.backup_key()


def test_the_fingerprint_names_the_installation_without_its_key(settings: Any) -> None:
    """The fingerprint follows the audit key, does not contain it, and stays when SECRET_KEY rotates."""
    settings.AUDIT_CHAIN_KEY = "audit-key-one"
    first = archive.installation_fingerprint()
    settings.SECRET_KEY = "another-secret-key"
    assert archive.installation_fingerprint() == first
    assert "audit-key-one" not in first
    settings.AUDIT_CHAIN_KEY = "audit-key-two"
    assert archive.installation_fingerprint() != first
