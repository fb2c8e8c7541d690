"""What the UI crawl (test_ui_crawl.py) finds wrong on a page a reader opened: server errors, links that do not open,
POST targets that do not exist, English left in the Chinese interface, raw enum values, and duplicate element ids.

The detectors look only at HTML pages (not the API's JSON, not downloads) and only at what a reader sees: text nodes
and visible attributes outside scripts, styles and code (``Page.visible``). They are meant to be precise: data that
is legitimately Latin (NBS codes, numbers, file names, e-mail addresses, URLs, product names like Xuncha or Swagger,
units, acronyms) is not English, and a raw code is a choice value of one of the project's models or an audit verb,
shown as a whole token.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from django.apps import apps
from django.urls import Resolver404, resolve

from xuncha.audit.labels import VERB_LABELS
from xuncha.audit.models import Event
from xuncha.tests.crawler import Crawl, Page


class Kind(StrEnum):
    SERVER_ERROR = "server error"
    DEAD_LINK = "dead link"
    DEAD_FORM = "dead form target"
    ENGLISH = "English text"
    RAW_CODE = "raw code"
    DUPLICATE_ID = "duplicate id"


@dataclass(frozen=True, order=True)
class Finding:
    """One defect: what kind, for which reader, on which page, and what exactly (the link, text, code or id)."""

    kind: Kind
    reader: str
    url: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.reader} {self.url} — {self.detail}"


# Statuses a link must not answer to the reader it is offered to: refused, missing, not to be opened with GET.
DEAD_STATUSES = {403, 404, 405, 410}

# Latin words a Chinese interface shows as they are (matched with their case): product and format names, the app's
# own name, units, and the language switcher's name of English.
ALLOWED_WORDS = frozenset(
    [
        "Xuncha",
        "API",
        "Swagger",
        "ReDoc",
        "OpenAPI",
        "REST",
        "JSON",
        "Excel",
        "Word",
        "WPS",
        "Office",
        "PDF",
        "docx",
        "xlsx",
        "pdf",
        "csv",
        "zip",
        "png",
        "jpg",
        "jpeg",
        "htmx",
        "ECharts",
        "Bootstrap",
        "Django",
        "TOTP",
        "Authenticator",
        "Google",
        "Microsoft",
        "FreeOTP",
        "Token",
        "Bearer",
        "Python",
        "SQLite",
        "PostgreSQL",
        "Linux",
        "Chrome",
        "Chromium",
        "Firefox",
        "Edge",
        "km",
        "kg",
        "px",
        "English",
        "WebP",
    ]
)
# Strings of Django's own admin that Django's catalogue leaves in English (icon texts, its new blank choice).
DJANGO_ADMIN_TEXTS = frozenset({"Search", "True", "False", "Unknown"})
# Pages about accounts, where a login name is the subject shown (elsewhere a person is shown by name and post).
ACCOUNT_PAGES = ("/accounts/", "/admin/")

_URL = re.compile(r"(?:https?://|www\.)\S+|/[\w\-./?=&%{}]*/[\w\-./?=&%{}]*")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_FILE_NAME = re.compile(r"[\w\-.（）()〔〕]+\.(?:docx|xlsx|pdf|csv|zip|png|jpe?g|txt|json|html)\b", re.IGNORECASE)
# Code-like tokens: dotted or snake-case identifiers, tokens mixing letters and digits (serial numbers, versions).
_IDENTIFIER = re.compile(r"\w*_\w*|[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)+|\b(?=[A-Za-z]*\d)(?=\d*[A-Za-z])[A-Za-z0-9-]+\b")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*[A-Za-z]")
_TOKEN = re.compile(r"[A-Za-z0-9_.]+")


def english_words(text: str, allowed: frozenset[str] = ALLOWED_WORDS) -> list[str]:
    """The English words of a visible text: Latin words of two letters or more with a lower-case letter, outside
    URLs, e-mail addresses, file names and identifiers, that are not in the allow-list. Upper-case tokens are
    acronyms (NBS, PDF) or raw codes, which ``raw_codes`` reports."""
    for pattern in (_URL, _EMAIL, _FILE_NAME, _IDENTIFIER):
        text = pattern.sub(" ", text)
    return [
        word
        for word in _WORD.findall(text)
        if not word.isupper() and word not in allowed and word.lower() not in allowed
    ]


def code_values() -> frozenset[str]:
    """Every value of a choice field of the project's models that a reader must see by its label, and every audit
    verb (``ledger.item_submitted``): upper-case constants (``OPEN``, ``IN_PROGRESS``) and dotted or snake-case
    codes (``city_leader``); plain lower-case words (``office``) are left to the English detector."""
    values: set[str] = {verb for verb in VERB_LABELS if _is_code(verb)}
    values.update(verb for verb in Event.objects.values_list("verb", flat=True).distinct() if _is_code(verb))
    for model in apps.get_models():
        if not model.__module__.startswith("xuncha."):
            continue
        for model_field in model._meta.get_fields():
            for value, label in getattr(model_field, "flatchoices", None) or ():
                if isinstance(value, str) and value != str(label) and _is_code(value):
                    values.add(value)
    return frozenset(values)


def _is_code(value: str) -> bool:
    return bool(re.fullmatch(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*", value) and len(value) >= 3) or bool(
        re.fullmatch(r"[a-z][a-z0-9]*(?:[._][a-z0-9]+)+", value)
    )


def raw_codes(text: str, codes: frozenset[str]) -> list[str]:
    """The raw codes a visible text shows as whole tokens."""
    return [token for token in _TOKEN.findall(text) if token.strip(".") in codes]


def duplicate_ids(page: Page) -> list[str]:
    return sorted(element_id for element_id, count in Counter(page.element_ids).items() if count > 1)


def _path(url: str) -> str:
    return urlsplit(url).path


def resolves(url: str) -> bool:
    try:
        resolve(_path(url))
    except Resolver404:
        return False
    return True


def page_findings(
    reader: str, page: Page, codes: frozenset[str], usernames: frozenset[str] = frozenset()
) -> Iterator[Finding]:
    """The English text, raw codes and duplicate ids of one HTML page a reader opened."""
    if page.kind != "html" or page.status != 200:
        return
    path = _path(page.url)
    allowed = ALLOWED_WORDS | usernames if path.startswith(ACCOUNT_PAGES) else ALLOWED_WORDS
    for text in dict.fromkeys(page.visible):
        if path.startswith("/admin/") and text in DJANGO_ADMIN_TEXTS:
            continue
        if words := english_words(text, allowed):
            yield Finding(Kind.ENGLISH, reader, page.url, f"{_clip(text)!r} ({' '.join(dict.fromkeys(words))})")
        for code in dict.fromkeys(raw_codes(text, codes)):
            yield Finding(Kind.RAW_CODE, reader, page.url, f"{code} in {_clip(text)!r}")
    for element_id in duplicate_ids(page):
        yield Finding(Kind.DUPLICATE_ID, reader, page.url, f"id={element_id!r}")


def link_findings(reader: str, crawl: Crawl, statuses: Mapping[str, int]) -> Iterator[Finding]:
    """Links and form targets of the reader's pages that do not open for it, and pages that failed with a 5xx.

    ``statuses`` holds what every URL answered to the reader (its crawl and the replay of the other readers'
    URLs); a link the bounded crawl never fetched must at least resolve to a view."""
    for url, page in crawl.pages.items():
        if page.status >= 500:
            yield Finding(Kind.SERVER_ERROR, reader, crawl.referrers.get(url, "(seed)"), f"{url} → {page.status}")
        if page.kind != "html" or page.status != 200:
            continue
        for link in dict.fromkeys(page.offered):
            status = statuses.get(link)
            if status is None and not resolves(link):
                status = 404
            if status in DEAD_STATUSES:
                yield Finding(Kind.DEAD_LINK, reader, url, f"{link} → {status}")
        for target in dict.fromkeys(page.posts):
            if urlsplit(target).netloc in ("", "testserver") and not resolves(target):
                yield Finding(Kind.DEAD_FORM, reader, url, f"POST {_path(target)} does not resolve")


def _clip(text: str, length: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def summary(findings: Iterable[Finding]) -> Counter[Kind]:
    return Counter(finding.kind for finding in findings)
