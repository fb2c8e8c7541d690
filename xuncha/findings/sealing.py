"""Whether a text that is fed back to a township and a village repeats a sealed clue.

A clue registered from a working paper keeps the facts (who, what, how much); the paper, which the office feeds
back, must carry only a wording fit for feedback. Before a list is published, every fed-back text (a problem's
phenomenon, basis and responsibility; a common item) is compared with the sealed clues of the same round and
village. The measure is deterministic and works on the characters that carry meaning (CJK characters, letters and
digits; spaces and punctuation dropped). A text repeats a clue when:

* it names the person concerned: the clue's subject, without any remark in brackets (``李建国（党支部书记）``
  gives ``李建国``), occurs in it; or
* it copies a passage: the two share a run of ``PASSAGE`` characters or more (a clause); or
* it shares much of the wording: at least ``SHARE`` of the character ``GRAM``-grams of the shorter of the two
  occur in the other, and at least ``MIN_SHARED`` of them (so that two short texts do not match on a few words).

A rewording that keeps the facts out ("村委会主任在工程项目中存在廉洁风险，相关问题线索已按程序移交") passes all
three; the paper the clue was copied from fails the second.

The comparison reads clues without a reader (as the county's clue counts do) and tells the office only which
fed-back text repeats one: neither the clue's words nor the reason, which would say whom or what it concerns.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from xuncha.findings.models import Clue, Problem

PASSAGE = 12
GRAM = 4
SHARE = 0.4
MIN_SHARED = 8
SUBJECT_MIN = 2

_BRACKETED = re.compile(r"[（(【\[].*?[）)】\]]")


def normalise(text: str) -> str:
    """The characters that carry meaning: letters (CJK included) and digits, in NFKC form, lower case."""
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(char for char in text if char.isalnum())


def _grams(text: str, size: int) -> set[str]:
    return {text[start : start + size] for start in range(len(text) - size + 1)}


def _longest_common_run(first: str, second: str) -> str:
    """The longest run of characters both texts contain (dynamic programming, O(len × len))."""
    best, end = 0, 0
    previous = [0] * (len(second) + 1)
    for i, char in enumerate(first, start=1):
        current = [0] * (len(second) + 1)
        for j, other in enumerate(second, start=1):
            if char == other:
                current[j] = previous[j - 1] + 1
                if current[j] > best:
                    best, end = current[j], i
        previous = current
    return first[end - best : end]


@dataclass(frozen=True)
class Overlap:
    """How a fed-back text repeats a clue, and the part of the fed-back text that does."""

    reason: str  # "subject", "passage" or "wording"
    fragment: str


def overlap(text: str, subject: str, summary: str) -> Overlap | None:
    """Whether ``text`` repeats the clue with ``subject`` and ``summary`` (see the module's docstring)."""
    plain = normalise(text)
    if not plain:
        return None
    name = normalise(_BRACKETED.sub("", subject))
    if len(name) >= SUBJECT_MIN and name in plain:
        return Overlap("subject", name)
    clue = normalise(f"{subject}{summary}")
    if _grams(plain, PASSAGE) & _grams(clue, PASSAGE):
        return Overlap("passage", _longest_common_run(plain, clue))
    mine, theirs = _grams(plain, GRAM), _grams(normalise(summary), GRAM)
    shared = mine & theirs
    smaller = min(len(mine), len(theirs))
    if smaller and len(shared) >= MIN_SHARED and len(shared) / smaller >= SHARE:
        return Overlap("wording", f"{len(shared)}/{smaller}")
    return None


@dataclass(frozen=True)
class FedBackText:
    """A text to be fed back: what it is (for the office), the villages it goes to, and the text."""

    label: str
    villages: frozenset[int]
    text: str
    problem: Problem | None = None


@dataclass(frozen=True)
class Repeat:
    """A fed-back text that repeats a sealed clue of its round and village."""

    what: FedBackText
    overlap: Overlap

    def __str__(self) -> str:
        # Which text, never why: the reason would tell the office whom or what the clue concerns.
        return self.what.label


PROBLEM_FIELDS = ["phenomenon", "basis", "responsibility"]
FIELD_LABELS: dict[str, str | Promise] = {
    "phenomenon": _("what was found"),
    "basis": _("basis for the finding"),
    "responsibility": _("responsibility"),
}


def problem_texts(problem: Problem) -> list[FedBackText]:
    """The three texts of a working paper that feedback carries."""
    texts = []
    for name in PROBLEM_FIELDS:
        value = getattr(problem, name)
        if value:
            label = f"{problem.serial} · {FIELD_LABELS[name]}"
            texts.append(FedBackText(label, frozenset({problem.village_id}), value, problem))
    return texts


def repeats(round_id: int, texts: Iterable[FedBackText]) -> list[Repeat]:
    """The texts that repeat a sealed clue of round ``round_id`` registered for one of their villages, in order."""
    texts = list(texts)
    villages = set().union(*(text.villages for text in texts)) if texts else set()
    clues: dict[int, list[tuple[str, str]]] = {}
    for village_id, subject, summary in Clue.objects.filter(round_id=round_id, village_id__in=villages).values_list(
        "village_id", "subject", "summary"
    ):
        clues.setdefault(village_id, []).append((subject, summary))
    found = []
    for text in texts:
        for village_id in sorted(text.villages):
            hit = next(
                (
                    hit
                    for subject, summary in clues.get(village_id, [])
                    if (hit := overlap(text.text, subject, summary))
                ),
                None,
            )
            if hit is not None:
                found.append(Repeat(text, hit))
                break
    return found
