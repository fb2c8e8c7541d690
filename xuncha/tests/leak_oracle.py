"""What each reader must never see, computed from the database and the models' own ``visible_to``: the oracle of the
leak test (test_leaks.py).

A marker is a distinctive piece of a confidential text: the first stretch of ``MARKER_LENGTH`` characters without
white space of a sealed clue's subject and summary or of a working paper's phenomenon; a petition's receipt code;
a reporter's decrypted name and phone. A reader is forbidden a marker when no object it may read carries it:

* a clue's words unless a clue in ``Clue.objects.visible_to(reader)`` has them (a problem fed back with the clue's
  own words still leaks the clue);
* a working paper's words unless a problem in ``Problem.objects.visible_to(reader)`` or a clue the reader may read
  has them (a clue registered from a problem quotes it);
* a receipt code unless the petition is in ``Petition.objects.visible_to(reader)``;
* a reporter's name or phone always: they are shown only by the reveal action, a POST the crawler never sends.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from xuncha.accounts.models import User
from xuncha.core.crypto import decrypt
from xuncha.findings.models import Clue, Petition, Problem

if TYPE_CHECKING:
    from xuncha.accounts.scoping import AnyUser

MARKER_LENGTH = 12
# Shorter subjects ("张某，村主任") are too common to tell one clue from another.
SHORTEST_SUBJECT = 6


class Kind(StrEnum):
    CLUE = "sealed clue"
    PAPER = "working paper"
    RECEIPT = "receipt code"
    REPORTER = "reporter identity"


@dataclass(frozen=True)
class Marker:
    """A confidential piece of text and the objects that carry it (their kind and primary keys)."""

    text: str
    kind: Kind
    pks: frozenset[int]
    label: str

    def __str__(self) -> str:
        return f"{self.kind} {self.label}: {self.text!r}"


def _windows(text: str) -> Iterator[str]:
    """Stretches of MARKER_LENGTH characters without white space, earliest first (a short text is its own)."""
    text = text.strip()
    if len(text) < MARKER_LENGTH:
        if len(text) >= SHORTEST_SUBJECT and not any(char.isspace() for char in text):
            yield text
        return
    for start in range(len(text) - MARKER_LENGTH + 1):
        window = text[start : start + MARKER_LENGTH]
        if not any(char.isspace() for char in window):
            yield window


def _markers(
    kind: Kind,
    texts: dict[int, list[str]],
    labels: dict[int, str],
    context: Iterable[str] = (),
    same: dict[int, list[str]] | None = None,
) -> list[Marker]:
    """For each object, a piece of its texts found nowhere else in the kind's texts and ``context``, except in
    ``same`` (texts counted as the object's own words: a clue's source problem). Pages cut long texts
    (``Problem.summary`` keeps 60 characters), so the earliest such piece is taken; without any, the first piece,
    carried by every object that has it."""
    same = same or {}
    own = {pk: "\x00".join(dict.fromkeys([*pk_texts, *same.get(pk, [])])) for pk, pk_texts in texts.items()}
    everything = [text for pk_texts in texts.values() for text in pk_texts]
    corpus = "\x00".join(dict.fromkeys([*everything, *context]))
    markers = []
    for pk, pk_texts in texts.items():
        for text in pk_texts:
            windows = list(_windows(text))
            if not windows:
                continue
            piece = next((w for w in windows if corpus.count(w) == own[pk].count(w)), windows[0])
            pks = frozenset(other for other, other_texts in texts.items() if any(piece in t for t in other_texts))
            markers.append(Marker(piece, kind, pks | {pk}, ", ".join(labels[p] for p in sorted(pks | {pk}))))
    return markers


@dataclass(frozen=True)
class Oracle:
    """Every marker of the database; ``forbidden(reader)`` says which of them the reader must never see."""

    markers: tuple[Marker, ...]

    @classmethod
    def build(cls) -> Oracle:
        clues = list(Clue.objects.select_related("village", "problem"))
        problems = list(Problem.objects.select_related("village"))
        petitions = Petition.objects.all()
        markers = [
            # A clue's words must be its own among clues and working papers, but for the paper it was registered from.
            *_markers(
                Kind.CLUE,
                {clue.pk: [clue.subject, clue.summary] for clue in clues},
                {clue.pk: f"#{clue.pk} ({clue.village or '-'})" for clue in clues},
                context=[problem.phenomenon for problem in problems],
                same={clue.pk: [clue.problem.phenomenon] for clue in clues if clue.problem},
            ),
            *_markers(
                Kind.PAPER,
                {problem.pk: [problem.phenomenon] for problem in problems},
                {problem.pk: f"{problem.serial} ({problem.village})" for problem in problems},
            ),
        ]
        # A reporter who shares an account's name is not told apart by the name: pages show accounts' names.
        account_names = set(User.objects.values_list("display_name", flat=True))
        for petition in petitions:
            label = f"#{petition.pk} ({petition.receipt_code})"
            markers.append(Marker(petition.receipt_code, Kind.RECEIPT, frozenset([petition.pk]), label))
            for token in (petition.reporter_name_token, petition.reporter_phone_token):
                if (identity := decrypt(token)) and identity not in account_names:
                    markers.append(Marker(identity, Kind.REPORTER, frozenset([petition.pk]), label))
        return cls(tuple(markers))

    def forbidden(self, reader: AnyUser) -> list[Marker]:
        clues = _ids(Clue.objects.visible_to(reader))
        problems = _ids(Problem.objects.visible_to(reader))
        petitions = _ids(Petition.objects.visible_to(reader))
        clue_words = "\x00".join(
            text for pair in Clue.objects.visible_to(reader).values_list("subject", "summary") for text in pair
        )
        allowed = {Kind.CLUE: clues, Kind.PAPER: problems, Kind.RECEIPT: petitions, Kind.REPORTER: set[int]()}
        return [
            marker
            for marker in self.markers
            if not marker.pks & allowed[marker.kind] and not (marker.kind == Kind.PAPER and marker.text in clue_words)
        ]


def _ids(queryset: QuerySet[Clue] | QuerySet[Problem] | QuerySet[Petition]) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


class Finder:
    """Finds markers in texts quickly: the text's two-character pairs are looked up among the markers' first two
    characters, and only the markers that start so are searched for."""

    def __init__(self, markers: Iterable[Marker]) -> None:
        self.by_start: dict[str, set[str]] = {}
        for marker in markers:
            self.by_start.setdefault(marker.text[:2], set()).add(marker.text)
        self._seen: dict[str, frozenset[str]] = {}

    def found(self, text: str) -> frozenset[str]:
        """The marker texts that occur in ``text``."""
        if text not in self._seen:
            starts = {text[index : index + 2] for index in range(len(text) - 1)} & self.by_start.keys()
            self._seen[text] = frozenset(
                marker for start in starts for marker in self.by_start[start] if marker in text
            )
        return self._seen[text]
