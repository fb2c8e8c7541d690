"""What every kind of spreadsheet import provides to the runner: its columns, who may use it and for what, a check
of each row that writes nothing, and the write of one checked row through the domain's actions."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar

from django.utils import translation

from xuncha.core.tabular import RowError
from xuncha.documents.chinese import labels
from xuncha.documents.models import ImportRun

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from xuncha.accounts.models import User
    from xuncha.accounts.scoping import AnyUser
    from xuncha.documents.imports.reader import Column, Sheet, SheetRow
    from xuncha.inspections.models import Assignment
    from xuncha.organisations.models import AdminUnit


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Planned:
    """A checked row: its line, and what ``apply`` needs to write it."""

    line: int


class Importer[P: Planned](ABC):
    """One kind of import, bound to one run. ``check`` sees every row before anything is written; ``apply`` then
    writes the rows one by one inside the runner's transaction."""

    kind: ClassVar[str]
    slug: ClassVar[str]
    columns: ClassVar[tuple[Column, ...]]
    # Which of ``unit`` / ``assignment`` the run speaks for.
    target_field: ClassVar[str]
    # Templates read the class's attributes instead of calling it.
    do_not_call_in_templates: ClassVar[bool] = True

    def __init__(self, run: ImportRun, sheet: Sheet) -> None:
        self.run = run
        self.user: User = run.uploaded_by
        self.sheet = sheet

    @classmethod
    def label(cls) -> str:
        return str(ImportRun.Kind(cls.kind).label)

    @classmethod
    @abstractmethod
    def targets(cls, user: User) -> QuerySet[Any]:
        """The units or assignments the user may import into (for the form's choice)."""

    @classmethod
    @abstractmethod
    def may_import(cls, user: AnyUser, *, unit: AdminUnit | None, assignment: Assignment | None) -> bool:
        """Whether the user may import this kind for the target (the answer of a ``permissions`` function)."""

    @classmethod
    @abstractmethod
    def refusal(cls) -> str:
        """Why a user who may not import this kind is refused, in the user's language."""

    @classmethod  # noqa: B027 - a hook; most kinds take an import at any time
    def check_target(cls, *, unit: AdminUnit | None, assignment: Assignment | None) -> None:
        """Raise ``TransitionNotAllowed`` (or ``Conflict``) unless the target takes an import now."""

    @abstractmethod
    def prepare(self) -> None:
        """Read what the rows are checked against, in a few queries for the whole sheet."""

    @abstractmethod
    def check(self, row: SheetRow, errors: list[RowError]) -> P | None:
        """The row's plan, or ``None`` after appending its every fault to ``errors``."""

    @abstractmethod
    def apply(self, planned: P) -> Outcome:
        """Write one checked row through the actions; their refusals abort the whole import."""

    def finish(self) -> None:  # noqa: B027 - a hook; most importers write each row in ``apply``
        """Write what ``apply`` left pending, after the last row (an importer may gather rows to write them in
        bulk); refusals abort the whole import."""

    def error(self, row: SheetRow, name: str, reason: str, value: str | None = None) -> RowError:
        """A fault of ``row`` in the column of field ``name``, named as the sheet's header names it."""
        return RowError(row.line, self.sheet.column(name), reason, row.text(name) if value is None else value)


def word_key(text: str) -> str:
    """A cell's word as compared with the accepted ones: without spaces, in lower case."""
    return "".join(text.split()).lower()


def choice_words(choices: Any, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every word that names a choice: its code, its label in English and in Chinese, and ``extra`` synonyms."""
    words: dict[str, str] = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            for value, label in choices.choices:
                words.setdefault(word_key(str(label)), value)
    for value in choices.values:
        words[word_key(value)] = value
    for word, value in (extra or {}).items():
        words[word_key(word)] = value
    return words


def chinese_labels(choices: Any) -> str:
    """The choices' labels in Chinese, for the message that lists what a cell may hold."""
    return "、".join(labels(choices).values())
