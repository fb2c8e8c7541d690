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

The records of the round's own work are markers too, each forbidden unless its model's own scope lets the reader in:

* a talk record's 笔录 and the interviewee's name (both decrypted by their fields), unless the talk is in
  ``TalkRecord.objects.visible_to`` (an interviewee who shares an account's name is not told apart by the name, as
  for reporters);
* a report version's words (never its dates and figures, which the feedback documents print too), unless the report
  is in ``Report.objects.drafts_visible_to`` or the words are in the text of a report in ``Report.objects.visible_to``
  (a county leader reads the approved text); the working papers' phenomena are published in the lists, so a piece
  quoting them is never taken;
* a group meeting's minutes unless the meeting is in ``GroupMeeting.objects.visible_to``, a gate's minutes unless
  its report's drafts are the reader's;
* an art. 26 separate feedback's points and person, unless it is in ``SeparateFeedback.objects.visible_to``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from xuncha.accounts.models import User
from xuncha.core.crypto import decrypt
from xuncha.fieldwork.models import TalkRecord
from xuncha.findings.models import Clue, Petition, Problem
from xuncha.reporting.models import Gate, GroupMeeting, Report, ReportVersion, SeparateFeedback

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
    TALK = "talk record"
    DRAFT = "report draft"
    MEETING = "group meeting minutes"
    GATE = "gate minutes"
    SEPARATE = "separate feedback"


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
    unique: bool = False,
    words_only: bool = False,
) -> list[Marker]:
    """For each object, a piece of its texts found nowhere else in the kind's texts and ``context``, except in
    ``same`` (texts counted as the object's own words: a clue's source problem). Pages cut long texts
    (``Problem.summary`` keeps 60 characters), so the earliest such piece is taken; without any, the first piece,
    carried by every object that has it — or, when ``unique``, no marker (a text made of published pieces).
    ``words_only`` passes over pieces with digits: dates and sums that documents print of their own."""
    same = same or {}
    own = {pk: "\x00".join(dict.fromkeys([*pk_texts, *same.get(pk, [])])) for pk, pk_texts in texts.items()}
    everything = [text for pk_texts in texts.values() for text in pk_texts]
    context = list(context)
    corpus = "\x00".join(dict.fromkeys([*everything, *context]))
    # A text the same as a context text is one text in the corpus: ``unique`` looks in the context on its own too.
    published = "\x00".join(context)
    markers = []
    for pk, pk_texts in texts.items():
        for text in pk_texts:
            windows = list(_windows(text))
            if not windows:
                continue
            piece = next(
                (
                    w
                    for w in windows
                    if corpus.count(w) == own[pk].count(w)
                    and not (unique and w in published)
                    and not (words_only and any(character.isdigit() for character in w))
                ),
                None if unique else windows[0],
            )
            if piece is None:
                continue
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
        markers += work_markers(account_names, published=[problem.phenomenon for problem in problems])
        return cls(tuple(markers))

    def forbidden(self, reader: AnyUser) -> list[Marker]:
        clues = _ids(Clue.objects.visible_to(reader))
        problems = _ids(Problem.objects.visible_to(reader))
        petitions = _ids(Petition.objects.visible_to(reader))
        clue_words = "\x00".join(
            text for pair in Clue.objects.visible_to(reader).values_list("subject", "summary") for text in pair
        )
        allowed = {
            Kind.CLUE: clues,
            Kind.PAPER: problems,
            Kind.RECEIPT: petitions,
            Kind.REPORTER: set[int](),
            **work_allowed(reader),
        }
        report_words = "\x00".join(Report.objects.visible_to(reader).values_list("text", flat=True))
        return [
            marker
            for marker in self.markers
            if not marker.pks & allowed[marker.kind]
            and not (marker.kind == Kind.PAPER and marker.text in clue_words)
            and not (marker.kind == Kind.DRAFT and marker.text in report_words)
        ]


def _ids(queryset: QuerySet[Any]) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def work_markers(account_names: Iterable[str], published: Iterable[str] = ()) -> list[Marker]:
    """The markers of the round's own work: talk records, report versions, group meetings' and
    gates' minutes, separate feedback. ``account_names`` are names pages show of accounts; ``published`` are texts
    that reach townships and villages (the working papers' phenomena, in the lists)."""
    account_names = set(account_names)
    talks = list(TalkRecord.objects.select_related("village"))
    talk_labels = {talk.pk: f"#{talk.pk} ({talk.village})" for talk in talks}
    markers = _markers(Kind.TALK, {talk.pk: [talk.transcript] for talk in talks}, talk_labels)
    names: dict[str, set[int]] = {}
    for talk in talks:
        if (name := talk.person_name.strip()) and name not in account_names:
            names.setdefault(name, set()).add(talk.pk)
    for name, pks in names.items():
        markers.append(Marker(name, Kind.TALK, frozenset(pks), ", ".join(talk_labels[pk] for pk in sorted(pks))))
    versions: dict[int, list[str]] = {}
    for report_pk, text in ReportVersion.objects.order_by("report_id", "number").values_list("report_id", "text"):
        versions.setdefault(report_pk, []).append(text)
    titles = dict(Report.objects.values_list("pk", "title"))
    markers += _markers(
        Kind.DRAFT,
        versions,
        {pk: f"#{pk} ({titles[pk]})" for pk in versions},
        context=published,
        unique=True,
        words_only=True,  # a draft's stationing dates are printed in the feedback documents too
    )
    meetings = list(GroupMeeting.objects.select_related("group"))
    markers += _markers(
        Kind.MEETING,
        {meeting.pk: [meeting.minutes] for meeting in meetings},
        {meeting.pk: f"#{meeting.pk} ({meeting.group.name} {meeting.held_on})" for meeting in meetings},
    )
    gates = list(Gate.objects.select_related("report"))
    markers += _markers(
        Kind.GATE,
        {gate.pk: [gate.minutes] for gate in gates},
        {gate.pk: f"#{gate.pk} ({gate.report.title}, {gate.get_kind_display()})" for gate in gates},
    )
    separates = list(SeparateFeedback.objects.select_related("village"))
    markers += _markers(
        Kind.SEPARATE,
        {separate.pk: [separate.points, separate.person] for separate in separates},
        {separate.pk: f"#{separate.pk} ({separate.village})" for separate in separates},
    )
    return markers


def work_allowed(reader: AnyUser) -> dict[Kind, set[int]]:
    """The primary keys of the work records, by marker kind, that the reader may read."""
    drafts = Report.objects.drafts_visible_to(reader)
    return {
        Kind.TALK: _ids(TalkRecord.objects.visible_to(reader)),
        Kind.DRAFT: _ids(drafts),
        Kind.MEETING: _ids(GroupMeeting.objects.visible_to(reader)),
        Kind.GATE: _ids(Gate.objects.filter(report__in=drafts)),
        Kind.SEPARATE: _ids(SeparateFeedback.objects.visible_to(reader)),
    }


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
