"""How an assignment's file (卷宗) is put together as a .zip, and how one is verified.

Layout of the .zip:

* the members given by the contributors (``contributors``), under their folders (``01-文书/…`` …);
* ``00-卷内目录.xlsx`` and ``00-卷内目录.docx``: the index, one row per member above (序号, 题名, 日期, 大小,
  SHA-256, 文件) and, after them, the confidential materials handed in sealed (移交保密) with their count. The index
  does not list itself nor the manifest;
* ``manifest.json``: the round, the assignment, when and by whom the file was built, its retention period, and every
  other member (the two index files too) with its SHA-256 and size. ``verify`` checks a .zip against it.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.utils import timezone

from xuncha.archive.contributors import HandedIn, Member, contributors
from xuncha.core.docx import OfficialDocument
from xuncha.core.xlsx import Column, Sheet, write_workbook
from xuncha.inspections.models import Assignment

MANIFEST = "manifest.json"
INDEX_XLSX = "00-卷内目录.xlsx"
INDEX_DOCX = "00-卷内目录.docx"
FORMAT = "xuncha-archive/1"
INDEX_HEADER = ["序号", "题名", "日期", "大小（字节）", "SHA-256", "文件"]


@dataclass(frozen=True)
class Built:
    """What a built file holds, for the Archive row and its event."""

    members: int
    handed_in: list[HandedIn]


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def gather(assignment: Assignment) -> tuple[list[Member], list[HandedIn]]:
    """Every contributor's part of the file: the members folder by folder (in the order of the folders' names, and
    within a folder in the order given), the handed-in materials in the contributors' order; a path taken twice gets a
    suffix."""
    members: list[Member] = []
    handed: list[HandedIn] = []
    taken: set[str] = {MANIFEST, INDEX_XLSX, INDEX_DOCX}
    for contributor in contributors():
        for part in contributor(assignment):
            if isinstance(part, HandedIn):
                handed.append(part)
                continue
            path, number = part.path, 1
            while path in taken:
                number += 1
                pure = PurePosixPath(part.path)
                path = str(pure.with_name(f"{pure.stem}-{number}{pure.suffix}"))
            taken.add(path)
            members.append(Member(path, part.title, part.on, part.content) if path != part.path else part)
    # A stable sort: the order given within a folder stays.
    members.sort(key=lambda member: PurePosixPath(member.path).parts[0] if "/" in member.path else "")
    return members, handed


def _index_rows(members: list[Member], handed: list[HandedIn]) -> list[list[Any]]:
    rows: list[list[Any]] = [
        [number, member.title, member.on, len(member.content), sha256(member.content), member.path]
        for number, member in enumerate(members, start=1)
    ]
    rows.extend(
        [len(members) + number, f"{part.title}（{part.count}件）", None, None, "", part.note]
        for number, part in enumerate(handed, start=1)
    )
    return rows


def index_xlsx(heading: str, members: list[Member], handed: list[HandedIn]) -> bytes:
    columns = [Column("序号", 6), Column("题名", 40), Column("日期", 12), Column("大小（字节）", 12)]
    columns += [Column("SHA-256", 66), Column("文件", 50)]
    return write_workbook([Sheet("卷内目录", columns, _index_rows(members, handed), heading=heading)])


def index_docx(heading: str, members: list[Member], handed: list[HandedIn], on: date) -> bytes:
    document = OfficialDocument(title=f"{heading}卷内目录")
    document.title("卷内目录")
    document.line(heading)
    rows = [
        [number, title, day or "", size if size is not None else "", digest]
        for number, title, day, size, digest, _ in _index_rows(members, handed)
    ]
    document.table(["序号", "题名", "日期", "大小（字节）", "SHA-256"], rows, widths_mm=[10, 50, 22, 20, 54])
    document.date_line(on)
    return document.to_bytes()


def write_file(
    target: IO[bytes],
    assignment: Assignment,
    *,
    built_by: str,
    retention: dict[str, str],
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> Built:
    """Write the whole file of ``assignment`` into ``target`` (a binary stream), calling ``progress(done, total)``
    as members are written."""
    members, handed = gather(assignment)
    total = len(members) + 3
    progress(0, total)
    now = timezone.now()
    round_ = assignment.round
    heading = f"{round_} {assignment.group} {assignment.target.name}"
    listed: list[dict[str, Any]] = []
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for done, member in enumerate(members, start=1):
            archive.writestr(member.path, member.content)
            listed.append(_entry(member))
            progress(done, total)
        for name, content in (
            (INDEX_XLSX, index_xlsx(heading, members, handed)),
            (INDEX_DOCX, index_docx(heading, members, handed, timezone.localdate(now))),
        ):
            index = Member(name, "卷内目录", timezone.localdate(now), content)
            archive.writestr(name, content)
            listed.append(_entry(index))
        manifest = {
            "format": FORMAT,
            "round": {
                "id": round_.pk,
                "name": str(round_),
                "term": round_.term.name,
                "county": round_.term.county.code,
            },
            "assignment": {
                "id": assignment.pk,
                "group": str(assignment.group),
                "mode": assignment.mode,
                "target": assignment.target.code,
                "villages": list(assignment.villages.order_by("code").values_list("code", flat=True)),
            },
            "built_at": now.isoformat(),
            "built_by": built_by,
            "retention": retention,
            "members": listed,
            "handed_in": [{"title": part.title, "count": part.count, "note": part.note} for part in handed],
        }
        archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
    progress(total, total)
    return Built(members=len(listed), handed_in=handed)


def _entry(member: Member) -> dict[str, Any]:
    return {
        "path": member.path,
        "title": member.title,
        "date": member.on.isoformat() if member.on else None,
        "size": len(member.content),
        "sha256": sha256(member.content),
    }


def verify(path: Path | str) -> list[str]:
    """What is wrong with the .zip at ``path`` against its manifest: a member missing, altered or unlisted (an
    empty list when every member's SHA-256 and size match)."""
    problems: list[str] = []
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if MANIFEST not in names:
                return [f"{MANIFEST} is missing"]
            manifest = json.loads(archive.read(MANIFEST))
            listed: set[str] = set()
            for entry in manifest.get("members", []):
                name = entry["path"]
                listed.add(name)
                if name not in names:
                    problems.append(f"{name}: missing")
                    continue
                content = archive.read(name)
                if sha256(content) != entry["sha256"] or len(content) != entry["size"]:
                    problems.append(f"{name}: SHA-256 or size does not match the manifest")
            problems.extend(f"{name}: not in the manifest" for name in sorted(names - listed - {MANIFEST}))
    except (zipfile.BadZipFile, json.JSONDecodeError, KeyError, OSError) as exc:
        problems.append(f"unreadable: {type(exc).__name__}: {exc}")
    return problems


def members_of(path: Path | str) -> Iterable[tuple[str, bytes]]:
    """Every member of a .zip with its bytes (for tests and checks)."""
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            yield name, archive.read(name)
