"""What goes into an assignment's file (卷宗): the registry of contributors, the extension point of the archive.

A *contributor* is a function ``contributor(assignment) -> Iterable[Member | HandedIn]``. It yields

* ``Member``: a file of the 卷宗 (its path inside the .zip, its title for the 卷内目录, its date and bytes), or
* ``HandedIn``: confidential material that is *not* put in the file but listed in the index as handed in sealed
  (移交保密): what it is and how many there are, never its content.

The archive's own parts (``contents``: 01-文书 … 04-审计记录 and the sealed clues) come first, then the contributors in
the order they were registered, each called once per assignment, as the builder (the worker or
``SYSTEM``) with no reader's scope: a contributor decides itself what of the assignment belongs in a file that the
county office keeps, and leaves out what is secret (reporters' identities, clue particulars, talk records), listing it
as ``HandedIn`` instead. A contributor that raises fails the whole file (the archive records why).

Another app adds its files in its ``AppConfig.ready``::

    def ready(self) -> None:
        from xuncha.archive.contributors import register_contributor
        from xuncha.planning.archiving import work_plans

        register_contributor(work_plans)

or a deployment lists dotted paths in the ``ARCHIVE_CONTRIBUTORS`` setting (called after the registered ones).
Use a folder of your own in ``Member.path`` (the built-in parts use ``01-文书`` … ``04-审计记录``, e.g.
``05-工作方案/…``); paths must be unique within a file. The index lists the members folder by folder, in the order of
the folders' names (so whichever app starts first, ``05-…`` follows ``04-…``), and within a folder in the order given.
The apps of the round's own work contribute ``05-工作方案`` and ``06-巡前了解`` (planning), ``08-民主测评`` (appraisal)
and ``09-巡察报告`` (reporting); the field records (fieldwork) are all handed in sealed. These list only the kinds of
confidential material the assignment has (a count of at least one); the sealed clues are listed even when none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from xuncha.inspections.models import Assignment


@dataclass(frozen=True)
class Member:
    """One file of the 卷宗."""

    path: str  # inside the .zip, with its folder: "01-文书/城南社区巡察反馈意见.docx"
    title: str  # 题名, as the 卷内目录 lists it
    on: date | None  # the document's date (日期)
    content: bytes


@dataclass(frozen=True)
class HandedIn:
    """Confidential material listed in the 卷内目录 as handed in sealed (移交保密), not included."""

    title: str  # what it is: "问题线索"
    count: int
    note: str = "移交保密，未入卷"


type Contributor = Callable[["Assignment"], Iterable[Member | HandedIn]]

_registry: list[Contributor] = []


def register_contributor(contributor: Contributor) -> Contributor:
    """Add ``contributor`` to every file built from now on (registering it twice adds it once). Returns it, so that
    it can be used as a decorator."""
    if contributor not in _registry:
        _registry.append(contributor)
    return contributor


def contributors() -> list[Contributor]:
    """The archive's own parts, the registered contributors, then those of the ``ARCHIVE_CONTRIBUTORS`` setting."""
    from xuncha.archive import contents

    own: list[Contributor] = [
        contents.documents,
        contents.records,
        contents.confidential,
        contents.evidence,
        contents.audit_trail,
    ]
    registered = [item for item in _registry if item not in own]
    configured = [import_string(path) for path in getattr(settings, "ARCHIVE_CONTRIBUTORS", ())]
    return [*own, *registered, *(item for item in configured if item not in own and item not in registered)]


# The records of an assignment whose audit events go into its file's audit trail (04-审计记录), by the object type of
# their events (``app_label.modelname``). Each app of the round's own work registers its own, like a contributor.
type AuditObjects = Callable[["Assignment"], dict[str, list[int]]]

_audit_registry: list[AuditObjects] = []


# Object types whose events the audit trail lists sealed: when, what was done and by whom, never the record's name,
# values or note (the confidential records the file lists as handed in).
_sealed_types: set[str] = {"findings.clue"}


def register_audit_objects(objects: AuditObjects, *, sealed: Iterable[str] = ()) -> AuditObjects:
    """Add the records ``objects(assignment)`` names to the audit trail of every file built from now on (twice is
    once); the events of the object types in ``sealed`` are listed sealed."""
    if objects not in _audit_registry:
        _audit_registry.append(objects)
    _sealed_types.update(sealed)
    return objects


def is_sealed(object_type: str) -> bool:
    """Whether the audit trail lists the events of ``object_type`` sealed."""
    return object_type in _sealed_types


def audit_objects(assignment: Assignment) -> dict[str, list[int]]:
    """The ids the registered apps name for the assignment's audit trail, by object type."""
    found: dict[str, list[int]] = {}
    for objects in _audit_registry:
        for object_type, pks in objects(assignment).items():
            found.setdefault(object_type, []).extend(pks)
    return found
