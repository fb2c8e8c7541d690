"""The encrypted archive: a stream of AES-256-GCM chunks, each authenticated, so that a stolen archive reveals
nothing and any altered, reordered, dropped or appended byte is detected before anything is restored.

Layout: a header (magic, format version, a random salt and nonce prefix), then frames of a 4-byte length and
one sealed chunk of at most ``CHUNK`` plaintext bytes. The key of each archive is derived with HKDF from the
backup key and the archive's salt. A chunk's nonce is the prefix, its index and a flag telling whether it is the
last one (the STREAM construction), and every chunk authenticates the header: a truncated archive, chunks swapped
or a header edited all fail authentication.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import os
from typing import IO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

MAGIC = b"XUNCHA-BACKUP\x00"
FORMAT = 1
CHUNK = 1 << 20
SALT_BYTES = 16
PREFIX_BYTES = 7
HEADER_BYTES = len(MAGIC) + 1 + SALT_BYTES + PREFIX_BYTES
TAG_BYTES = 16
# The shortest backup key taken: a generated one (`secrets.token_urlsafe(32)`) has 43 characters.
MIN_KEY_CHARS = 32


class BackupRefused(Exception):
    """An archive that is not restored here, or a backup that cannot be made; the message says why."""


def backup_key() -> str:
    """The configured backup key (``XUNCHA_BACKUP_KEY`` or ``XUNCHA_BACKUP_KEY_FILE``)."""
    key = getattr(settings, "BACKUP_KEY", None) or ""
    if not key:
        raise BackupRefused(
            "No backup key: set XUNCHA_BACKUP_KEY_FILE to a file outside var/ and away from the archives, holding "
            'e.g. the output of `python -c "import secrets; print(secrets.token_urlsafe(32))"`.'
        )
    if len(key) < MIN_KEY_CHARS:
        raise BackupRefused(f"The backup key is too short: use at least {MIN_KEY_CHARS} random characters.")
    return key


def installation_fingerprint() -> str:
    """Who made an archive, without revealing any key: an HMAC under the audit chain's key.

    The audit key is the installation's lasting identity: history is verified with it, so an archive made under
    another one could never verify here. SECRET_KEY is left out on purpose: rotating it (sessions, signed links)
    must not turn the office's own archives into foreign ones.
    """
    return hmac.new(
        settings.AUDIT_CHAIN_KEY.encode("utf-8"), b"xuncha installation fingerprint v1", hashlib.sha256
    ).hexdigest()


def _derive(key: str, salt: bytes) -> AESGCM:
    material = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"xuncha backup archive v1")
    return AESGCM(material.derive(key.encode("utf-8")))


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    return prefix + index.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


class EncryptingWriter(io.RawIOBase):
    """A write-only stream that seals what it is given, chunk by chunk, into ``target``; ``finish`` seals the last
    chunk. ``sha256`` and ``size`` describe the bytes written to ``target`` (the archive as stored)."""

    def __init__(self, target: IO[bytes], key: str) -> None:
        super().__init__()
        salt, prefix = os.urandom(SALT_BYTES), os.urandom(PREFIX_BYTES)
        self._header = MAGIC + bytes([FORMAT]) + salt + prefix
        self._cipher = _derive(key, salt)
        self._prefix = prefix
        self._target = target
        self._buffer = bytearray()
        self._index = 0
        self.digest = hashlib.sha256()
        self.size = 0
        self._emit(self._header)

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        self._buffer += data
        # A full chunk is sealed only once more data follows it: the last chunk must carry the last flag.
        while len(self._buffer) > CHUNK:
            self._seal(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def finish(self) -> None:
        self._seal(bytes(self._buffer), last=True)
        self._buffer.clear()

    def _seal(self, plain: bytes, *, last: bool) -> None:
        if self._index >= 1 << 32:
            raise BackupRefused("The archive is too large for its format.")
        sealed = self._cipher.encrypt(_nonce(self._prefix, self._index, last), plain, self._header)
        self._index += 1
        self._emit(len(sealed).to_bytes(4, "big") + sealed)

    def _emit(self, data: bytes) -> None:
        self._target.write(data)
        self.digest.update(data)
        self.size += len(data)


class DecryptingReader(io.RawIOBase):
    """A read-only stream of the plaintext of an archive; raises ``BackupRefused`` at the first chunk that does
    not authenticate, and when the archive ends without its last chunk."""

    def __init__(self, source: IO[bytes], key: str) -> None:
        super().__init__()
        header = source.read(HEADER_BYTES)
        if len(header) < HEADER_BYTES or not header.startswith(MAGIC):
            raise BackupRefused("This file is not a Xuncha backup archive.")
        if header[len(MAGIC)] != FORMAT:
            raise BackupRefused(f"This archive has format {header[len(MAGIC)]}; this version reads format {FORMAT}.")
        salt = header[len(MAGIC) + 1 : len(MAGIC) + 1 + SALT_BYTES]
        self._prefix = header[-PREFIX_BYTES:]
        self._header = header
        self._cipher = _derive(key, salt)
        self._source = source
        self._index = 0
        self._plain = memoryview(b"")
        self._pending = self._read_frame()
        if self._pending is None:
            raise BackupRefused("The archive is truncated: it holds no data.")
        self.finished = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._plain and not self.finished:
            self._open_next()
        count = min(len(buffer), len(self._plain))
        buffer[:count] = self._plain[:count]
        self._plain = self._plain[count:]
        return count

    def drain(self) -> None:
        """Read to the end, so that the last chunk is authenticated too (a reader may stop before it)."""
        while self.read(CHUNK):
            pass

    def _open_next(self) -> None:
        sealed = self._pending
        assert sealed is not None
        self._pending = self._read_frame()
        last = self._pending is None
        try:
            plain = self._cipher.decrypt(_nonce(self._prefix, self._index, last), sealed, self._header)
        except InvalidTag:
            raise BackupRefused(
                "The archive fails authentication: it was altered or truncated, or made with another backup key."
            ) from None
        self._index += 1
        self._plain = memoryview(plain)
        self.finished = last

    def _read_frame(self) -> bytes | None:
        length = self._source.read(4)
        if not length:
            return None
        size = int.from_bytes(length, "big") if len(length) == 4 else -1
        if not TAG_BYTES <= size <= CHUNK + TAG_BYTES:
            raise BackupRefused("The archive is damaged: a chunk has an impossible length.")
        sealed = self._source.read(size)
        if len(sealed) != size:
            raise BackupRefused("The archive is truncated.")
        return sealed
