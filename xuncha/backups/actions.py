"""Making and restoring backups. Both run on the server as commands (``xuncha backup``, ``xuncha restore``) acting
as ``SYSTEM``; no account may do either from the app.

Neither runs in one transaction: a backup reads a snapshot of its own while the app keeps writing, and a restore
replaces the database under the engine's own tools. Each records its audit event in a transaction of its own,
once the work is done: a backup after the archive is written (so the event is not in the archive), a restore after
the restored chain has been verified (so the event is the first link after the restored history).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.actors import require
from xuncha.audit.actions import record_event
from xuncha.audit.chain import verify_chain
from xuncha.audit.models import GENESIS_HASH, ChainHead
from xuncha.backups import permissions
from xuncha.backups.archive import BackupRefused, backup_key, installation_fingerprint
from xuncha.backups.contents import MEDIA, HashingReader, media_files, read_archive, write_archive
from xuncha.backups.databases import MEMBER_NAMES, current_engine, dump_database, has_data, load_database
from xuncha.backups.models import Backup

if TYPE_CHECKING:
    from xuncha.accounts.actors import Actor

FORMAT = 1


@dataclass(frozen=True)
class BackupReport:
    """What ``make_backup`` wrote (``backup``) and what the archive holds (``manifest``)."""

    path: Path
    backup: Backup
    manifest: dict[str, Any]

    @property
    def media_files(self) -> int:
        return sum(1 for name in self.manifest["members"] if name.startswith(f"{MEDIA}/"))


def app_version() -> str:
    try:
        return version("xuncha")
    except PackageNotFoundError:
        return "unknown"


def default_output() -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.VAR_DIR) / "backups" / f"xuncha-{stamp}.backup"


def make_backup(output: Path | None = None, *, actor: Actor) -> BackupReport:
    """Write one encrypted archive of the database, the media files and the audit chain's head to ``output``
    (a new file, mode 0600; by default under ``var/backups/``) and record ``backups.made``.

    Refuses (``BackupRefused``) without a backup key or when ``output`` exists.
    """
    require(actor, permissions.can_make_backup(actor), _("Backups are made on the server with `xuncha backup`."))
    key = backup_key()
    path = (output or default_output()).resolve()
    if path.exists():
        raise BackupRefused(f"{path} exists already; name a new file.")
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    created = timezone.now()
    partial = path.with_name(f".{path.name}.partial")
    with tempfile.TemporaryDirectory(prefix=".xuncha-backup-", dir=path.parent) as folder:
        snapshot = dump_database(Path(folder))
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "app": "xuncha",
            "version": app_version(),
            "created_at": created.isoformat(),
            "engine": current_engine(),
            "installation": installation_fingerprint(),
            "audit": {
                "head": {"seq": snapshot.head.seq, "hash": snapshot.head.hash},
                "last_event": (
                    {"seq": snapshot.last_event.seq, "hash": snapshot.last_event.hash} if snapshot.last_event else None
                ),
            },
        }
        try:
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                written, manifest = write_archive(
                    handle, key, database=snapshot.path, media_root=Path(settings.MEDIA_ROOT), manifest=manifest
                )
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
    with transaction.atomic():
        backup = Backup.objects.create(
            operation=Backup.Operation.MADE,
            file_name=path.name,
            size=written.size,
            sha256=written.sha256,
            engine=manifest["engine"],
            chain_seq=snapshot.head.seq,
            archive_created_at=created,
        )
        record_event(
            "backups.made",
            backup,
            actor=actor,
            after={
                "file": path.name,
                "size": written.size,
                "sha256": written.sha256,
                "chain_seq": snapshot.head.seq,
                "media_files": len(manifest["members"]) - 1,
            },
        )
    return BackupReport(path, backup, manifest)


@dataclass(frozen=True)
class RestoreReport:
    """What ``restore_backup`` restored: the archive's manifest, the media files and the verified chain."""

    backup: Backup
    manifest: dict[str, Any]
    media_files: int
    events_verified: int


def restore_backup(path: Path, *, actor: Actor, replace: bool = False) -> RestoreReport:
    """Restore the database and the media files from an archive made by ``make_backup``, verify the audit chain
    against the archive's manifest and record ``backups.restored``.

    Before anything is changed, the whole archive is authenticated and unpacked into a private folder, and the
    restore is refused (``BackupRefused``) when the archive fails authentication or a member its manifest's
    digest, was made by another installation or for another database engine, or when the database holds data
    and ``replace`` is not given.
    """
    require(
        actor, permissions.can_restore_backup(actor), _("Backups are restored on the server with `xuncha restore`.")
    )
    key = backup_key()
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    # The folder is beside MEDIA_ROOT, so that the files are moved into place, not copied again.
    with tempfile.TemporaryDirectory(prefix=".xuncha-restore-", dir=media_root.parent) as folder:
        staging = Path(folder)
        with path.open("rb") as handle:
            source = HashingReader(handle)
            manifest = read_archive(source, key, staging)  # type: ignore[arg-type]
            archive_sha256, archive_size = source.digest.hexdigest(), handle.tell()
        _check_origin(manifest)
        if not replace and has_data():
            raise BackupRefused(
                "The database is not empty; restoring replaces everything in it and in the media folder. "
                "Pass --yes to replace it."
            )
        load_database(staging / MEMBER_NAMES[manifest["engine"]])
        ContentType.objects.clear_cache()
        media_count = _replace_media(staging / MEDIA, media_root)
    checked = _check_chain(manifest)
    with transaction.atomic():
        backup = Backup.objects.create(
            operation=Backup.Operation.RESTORED,
            file_name=path.name,
            size=archive_size,
            sha256=archive_sha256,
            engine=manifest["engine"],
            chain_seq=manifest["audit"]["head"]["seq"],
            archive_created_at=datetime.fromisoformat(manifest["created_at"]),
        )
        record_event(
            "backups.restored",
            backup,
            actor=actor,
            after={
                "file": path.name,
                "sha256": archive_sha256,
                "made_at": manifest["created_at"],
                "version": manifest["version"],
                "chain_seq": manifest["audit"]["head"]["seq"],
                "media_files": media_count,
            },
        )
    return RestoreReport(backup, manifest, media_count, checked)


def _check_origin(manifest: dict[str, Any]) -> None:
    if manifest.get("format") != FORMAT or manifest.get("app") != "xuncha":
        raise BackupRefused("The archive's manifest is not one this version of Xuncha reads.")
    if not isinstance(manifest.get("installation"), str) or manifest["installation"] != installation_fingerprint():
        raise BackupRefused(
            "The archive was made by another installation (its fingerprint differs from this one's: another "
            "XUNCHA_AUDIT_KEY). Restore it only where it was made."
        )
    engine = current_engine()
    if manifest.get("engine") != engine or MEMBER_NAMES.get(engine) not in manifest.get("members", {}):
        raise BackupRefused(
            f"The archive holds a {manifest.get('engine')} database; this installation runs on {engine}."
        )


def _replace_media(staged: Path, media_root: Path) -> int:
    media_root.mkdir(parents=True, exist_ok=True)
    for child in list(media_root.iterdir()):
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    if staged.is_dir():
        for child in staged.iterdir():
            shutil.move(child, media_root / child.name)
    return len(media_files(media_root))


def _check_chain(manifest: dict[str, Any]) -> int:
    report = verify_chain()
    if not report.ok:
        raise BackupRefused(
            f"The database was restored, but its audit chain is broken at event #{report.broken_seq}: "
            f"{report.reason}. Investigate before using it."
        )
    expected = manifest["audit"]
    head = ChainHead.objects.filter(pk=1).values("seq", "hash").first() or {"seq": 0, "hash": GENESIS_HASH}
    if head != expected["head"]:
        raise BackupRefused(
            "The database was restored, but its audit chain head "
            f"({json.dumps(head)}) differs from the archive's manifest ({json.dumps(expected['head'])})."
        )
    last = expected["last_event"]
    if last is not None and (report.checked, head["hash"]) != (last["seq"], last["hash"]):
        raise BackupRefused("The database was restored, but its last audit event differs from the archive's manifest.")
    return report.checked
