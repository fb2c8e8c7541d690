"""What an archive holds: a tar stream of the database copy, the media files and ``manifest.json`` (the SHA-256 and
size of every other member, the app's version, the engine, the time, the installation's fingerprint and where
the audit chain stood), sealed by ``archive.EncryptingWriter``."""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from xuncha.backups.archive import BackupRefused, DecryptingReader, EncryptingWriter

MANIFEST = "manifest.json"
MEDIA = "media"
TOP_LEVEL = frozenset({MANIFEST, MEDIA, "database.sqlite3", "database.pgdump"})
MAX_MANIFEST_BYTES = 64 * 1_048_576
READ_BYTES = 1 << 20


@dataclass(frozen=True)
class Written:
    """An archive as stored: its size and the SHA-256 of its (encrypted) bytes."""

    size: int
    sha256: str


class HashingReader:
    """Hands a file to tarfile and hashes what tarfile reads, so that every member is read once."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def media_files(root: Path) -> list[Path]:
    """Every regular file under MEDIA_ROOT (evidence, bundles, imports), in a stable order; links are skipped."""
    if not root.is_dir():
        return []
    return sorted(path for path in root.rglob("*") if path.is_file() and not path.is_symlink())


def write_archive(
    handle: IO[bytes], key: str, *, database: Path, media_root: Path, manifest: dict[str, Any]
) -> tuple[Written, dict[str, Any]]:
    """Write the sealed archive to ``handle``; return its size and digest, and the manifest as written."""
    writer = EncryptingWriter(handle, key)
    members: dict[str, dict[str, Any]] = {}
    with tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT) as tar:
        entries = [(database.name, database)]
        entries += [(f"{MEDIA}/{path.relative_to(media_root).as_posix()}", path) for path in media_files(media_root)]
        for name, path in entries:
            with path.open("rb") as source:
                info = tarfile.TarInfo(name)
                info.size = os.fstat(source.fileno()).st_size
                info.mtime = int(path.stat().st_mtime)
                info.mode = 0o600
                reader = HashingReader(source)
                tar.addfile(info, reader)
            members[name] = {"size": info.size, "sha256": reader.digest.hexdigest()}
        manifest = {**manifest, "members": members}
        data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mtime, info.mode = len(data), int(time.time()), 0o600
        tar.addfile(info, io.BytesIO(data))
    writer.finish()
    return Written(writer.size, writer.digest.hexdigest()), manifest


def _safe_name(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts or path.parts[0] not in TOP_LEVEL:
        raise BackupRefused(f"The archive holds an unexpected member: {name!r}.")
    return path


def read_archive(handle: IO[bytes], key: str, staging: Path) -> dict[str, Any]:
    """Open and unpack the archive into ``staging``; return its manifest once every byte is authenticated and every
    member matches the manifest's digest. Nothing outside ``staging`` is touched."""
    reader = DecryptingReader(handle, key)
    digests: dict[str, dict[str, Any]] = {}
    manifest_bytes = b""
    try:
        with tarfile.open(fileobj=reader, mode="r|") as tar:
            for member in tar:
                path = _safe_name(member.name)
                if not member.isfile() or member.name in digests:
                    raise BackupRefused(f"The archive holds an unexpected member: {member.name!r}.")
                source = tar.extractfile(member)
                assert source is not None
                if member.name == MANIFEST:
                    manifest_bytes = source.read(MAX_MANIFEST_BYTES + 1)
                    if len(manifest_bytes) > MAX_MANIFEST_BYTES:
                        raise BackupRefused("The archive's manifest is too large.")
                    continue
                digests[member.name] = _unpack(source, staging / path)
        reader.drain()
    except tarfile.TarError as exc:
        raise BackupRefused(f"The archive's contents are not readable: {exc}.") from exc
    if not reader.finished:
        raise BackupRefused("The archive is truncated.")
    if not manifest_bytes:
        raise BackupRefused("The archive has no manifest.")
    try:
        manifest = json.loads(manifest_bytes)
    except ValueError as exc:
        raise BackupRefused("The archive's manifest is not readable.") from exc
    if not isinstance(manifest, dict) or not isinstance(manifest.get("members"), dict):
        raise BackupRefused("The archive's manifest lists no members.")
    expected = manifest["members"]
    for name in sorted(set(expected) | set(digests)):
        if name not in digests:
            raise BackupRefused(f"The archive lacks {name}, which its manifest lists.")
        if name not in expected:
            raise BackupRefused(f"The archive holds {name}, which its manifest does not list.")
        if digests[name] != expected[name]:
            raise BackupRefused(f"{name} does not match the SHA-256 and size in the archive's manifest.")
    return manifest


def _unpack(source: IO[bytes], target: Path) -> dict[str, Any]:
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with target.open("xb") as handle:
        for chunk in iter(lambda: source.read(READ_BYTES), b""):
            digest.update(chunk)
            size += len(chunk)
            handle.write(chunk)
    return {"size": size, "sha256": digest.hexdigest()}
