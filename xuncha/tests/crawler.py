"""A breadth-first crawler over the running app, through Django's test client, for the leak test (test_leaks.py).

It follows every same-site GET link a page offers (``href``, ``src``, ``hx-get``, ``data-*`` URLs, the ``action`` of
GET forms, redirects) and, for the REST API, the paths of the OpenAPI schema: paths without parameters are fetched as
they are, and a path with one parameter (``/api/v1/problems/{id}/``, ``/api/v1/documents/units/{code}/ledger.xlsx``)
is filled with the values the crawl has met after the same noun, in other URLs (``/units/450328100001/``) or as the
``id`` of the objects a JSON list returned (``/api/v1/problems/`` → ``{"results": [{"id": 7}]}``). URLs in JSON
string values are followed too. Downloads are turned into text: .docx paragraphs and tables, .xlsx cells, the
documents inside a .zip.

The crawl is bounded: at most ``max_variants`` URLs per pattern (the path with numeric ids and UUIDs replaced by a
placeholder, and whether a query follows) and at most ``max_pages`` fetches per crawl.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from io import BytesIO
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import openpyxl
from django.http import HttpResponseBase
from django.test import Client
from docx import Document

SCHEMA_URL = "/api/schema/?format=json"
API_PREFIX = "/api/v1/"
SITE_HOSTS = {"", "testserver"}
# Signing out ends the crawl's session; static files and the language switch hold no data.
SKIPPED_PREFIXES = ("/static/", "/accounts/logout/", "/i18n/")

_NUMBER = re.compile(r"^\d+$")
_NUMBERED_FILE = re.compile(r"^\d+\.(\w+)$")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_PARAMETER = re.compile(r"\{(\w+)\}")
_TEXT_TYPES = ("text/", "application/json", "application/vnd.oai.openapi+json", "application/javascript")
_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Page:
    """One response: its status, what kind of body it had, the words a reader sees in it and the links it offers.

    An HTML page also tells what the UI crawl (test_ui_crawl.py) checks: the visible text, one string per text node
    or visible attribute (``title``, ``placeholder``…) outside scripts, styles and code; the links it offers to open
    (``href``, ``src``, ``hx-get``, GET forms' ``action``), the targets of its POST forms and ``hx-post``-like
    attributes, which the crawl never sends; and its elements' ids in document order.
    """

    url: str
    status: int
    kind: str
    text: str
    links: tuple[str, ...]
    ids: tuple[str, ...] = ()
    visible: tuple[str, ...] = ()
    offered: tuple[str, ...] = ()
    posts: tuple[str, ...] = ()
    element_ids: tuple[str, ...] = ()


def same_site(url: str, base: str = "/") -> str | None:
    """``url`` (relative to ``base``) as a path with a normalised query string, or None when it leaves the site or
    leads nowhere worth fetching."""
    url = url.strip()
    if not url or url.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
        return None
    parts = urlsplit(urljoin(base, url))
    if parts.scheme not in ("", "http", "https") or parts.hostname not in SITE_HOSTS and parts.netloc:
        return None
    path = parts.path or "/"
    if path.startswith(SKIPPED_PREFIXES) or "{" in path:
        return None
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return f"{path}?{query}" if query else path


def pattern(url: str) -> tuple[str, bool]:
    """The URL's path with ids replaced by placeholders, and whether it has a query: URLs of one pattern show the
    same page for another object, another filter or another page."""
    parts = urlsplit(url)
    segments = []
    for segment in parts.path.split("/"):
        if _NUMBER.match(segment):
            segment = "{n}"
        elif _UUID.match(segment):
            segment = "{uuid}"
        elif match := _NUMBERED_FILE.match(segment):
            segment = "{n}." + match.group(1)
        segments.append(segment)
    return "/".join(segments), bool(parts.query)


# Elements whose content the reader does not read as the page's language: program text and user-typed values.
_UNREAD = {"script", "style", "code", "pre", "kbd", "samp", "textarea", "template"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Attributes a reader sees or hears (tooltips, placeholders, image texts, screen-reader labels).
_VISIBLE_ATTRIBUTES = ("title", "placeholder", "alt", "aria-label")
_OFFERED_ATTRIBUTES = ("href", "src", "hx-get")
_POSTING_ATTRIBUTES = ("hx-post", "hx-put", "hx-patch", "hx-delete")
_BUTTON_INPUTS = {"submit", "button", "reset"}


class _PageParser(HTMLParser):
    """The URLs of GET links and forms and the text (data and attribute values) of an HTML page, and what the UI
    crawl checks: visible text, offered links, POST targets, element ids."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.words: list[str] = []
        self.visible: list[str] = []
        self.offered: list[str] = []
        self.posts: list[str] = []
        self.element_ids: list[str] = []
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        get_form = tag == "form" and values.get("method", "get").lower() == "get"
        for name, value in values.items():
            linked = name in _OFFERED_ATTRIBUTES or name.startswith("data-") and value.startswith("/")
            if linked or name == "action" and get_form:
                self.urls.append(value)
            elif value:
                self.words.append(value)
        self._ui(tag, values, get_form)
        if tag not in _VOID:
            self._open.append(tag)

    def _ui(self, tag: str, values: dict[str, str], get_form: bool) -> None:
        if values.get("id"):
            self.element_ids.append(values["id"])
        if tag in ("link", "meta", "base"):
            return
        self.offered.extend(values[name] for name in _OFFERED_ATTRIBUTES if values.get(name))
        if tag == "form":
            # A form without an action posts to (or reads) its own page.
            (self.offered if get_form else self.posts).append(values.get("action") or "")
        self.posts.extend(values[name] for name in _POSTING_ATTRIBUTES if values.get(name))
        if self._unread:
            return
        self.visible.extend(values[name] for name in _VISIBLE_ATTRIBUTES if values.get(name))
        if tag == "input" and values.get("type", "").lower() in _BUTTON_INPUTS and values.get("value"):
            self.visible.append(values["value"])

    @property
    def _unread(self) -> bool:
        return any(tag in _UNREAD for tag in self._open)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and self._open and self._open[-1] == tag:
            self._open.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in self._open:
            # Close the innermost element of that name (and whatever was left open inside it).
            index = len(self._open) - 1 - self._open[::-1].index(tag)
            del self._open[index:]

    def handle_data(self, data: str) -> None:
        self.words.append(data)
        if data.strip() and not self._unread:
            self.visible.append(data.strip())


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _docx_text(content: bytes) -> str:
    document = Document(BytesIO(content))
    words = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        words.extend(cell.text for row in table.rows for cell in row.cells)
    for section in document.sections:
        words.extend(paragraph.text for paragraph in section.header.paragraphs)
        words.extend(paragraph.text for paragraph in section.footer.paragraphs)
    return "\n".join(words)


def _xlsx_text(content: bytes) -> str:
    workbook = openpyxl.load_workbook(BytesIO(content), read_only=True, data_only=True)
    words = [
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value
    ]
    workbook.close()
    return "\n".join(words)


def _zip_text(content: bytes) -> str:
    words = []
    with zipfile.ZipFile(BytesIO(content)) as archive:
        for name in archive.namelist():
            member = archive.read(name)
            if name.endswith(".docx"):
                words.append(_docx_text(member))
            elif name.endswith(".xlsx"):
                words.append(_xlsx_text(member))
            elif name.endswith((".txt", ".csv", ".json", ".html")):
                words.append(member.decode("utf-8", "replace"))
            words.append(name)
    return "\n".join(words)


def body_of(response: HttpResponseBase) -> bytes:
    if response.streaming:
        # The test client closes the response once its content is consumed.
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return response.content  # type: ignore[attr-defined]


def read(response: HttpResponseBase, url: str) -> Page:
    """The text and links of a response, whatever its kind (redirects link to their target)."""
    content_type = response.get("Content-Type", "").split(";")[0].strip()
    links: list[str] = []
    if response.status_code in (301, 302, 303, 307, 308):
        links.append(response["Location"])
    content = body_of(response)
    kind, text = "other", ""
    ids: tuple[str, ...] = ()
    ui: dict[str, tuple[str, ...]] = {}
    if content_type == "text/html":
        parser = _PageParser()
        parser.feed(content.decode("utf-8", "replace"))
        kind, text = "html", "\n".join(parser.words)
        links.extend(parser.urls)
        ui = {
            "visible": tuple(parser.visible),
            "offered": tuple(link for link in (same_site(link, url) for link in parser.offered) if link),
            "posts": tuple(urljoin(url, target) for target in parser.posts),
            "element_ids": tuple(parser.element_ids),
        }
    elif content_type.endswith("json"):
        decoded = content.decode("utf-8", "replace")
        try:
            body = json.loads(decoded)
        except ValueError:
            body = decoded
        strings = list(_strings(body))
        kind, text, ids = "json", "\n".join(strings), _result_ids(body)
        links.extend(value for value in strings if value.startswith("/") or value.startswith("http://testserver/"))
    elif content_type == _DOCX:
        kind, text = "docx", _docx_text(content)
    elif content_type == _XLSX:
        kind, text = "xlsx", _xlsx_text(content)
    elif content_type == "application/zip":
        kind, text = "zip", _zip_text(content)
    elif content_type.startswith(_TEXT_TYPES):
        kind, text = "text", content.decode("utf-8", "replace")
    resolved = (same_site(link, url) for link in links)
    return Page(url, response.status_code, kind, text, tuple(link for link in resolved if link), ids, **ui)


def _result_ids(body: Any) -> tuple[str, ...]:
    """The ids of the objects an API list answered (the ``results`` of a page, or a bare list)."""
    rows = body.get("results") if isinstance(body, dict) else body
    if not isinstance(rows, list):
        return ()
    return tuple(str(row["id"]) for row in rows if isinstance(row, dict) and isinstance(row.get("id"), int))


def fetch(client: Client, url: str) -> Page:
    return read(client.get(url), url)


@dataclass
class Crawl:
    """What one client reached: every page it fetched, by URL."""

    pages: dict[str, Page] = field(default_factory=dict)
    skipped: int = 0
    # The first page that offered each URL (a seed has none).
    referrers: dict[str, str] = field(default_factory=dict)

    @property
    def reached(self) -> set[str]:
        """URLs that answered with something to read (not a redirect, a refusal or a missing page)."""
        return {url for url, page in self.pages.items() if page.status == 200}


def _api_templates(client: Client) -> tuple[list[str], list[str]]:
    """From the OpenAPI schema the client may read: its GET paths without parameters and those with exactly one."""
    response = client.get(SCHEMA_URL)
    if response.status_code != 200:
        return [], []
    paths = [path for path, operations in json.loads(response.content)["paths"].items() if "get" in operations]
    plain = [path for path in paths if "{" not in path]
    return plain, [path for path in paths if len(_PARAMETER.findall(path)) == 1]


def _noun_values(url: str) -> Iterator[tuple[str, str]]:
    """(noun, id) pairs a URL tells: ``/units/450328100001/`` gives ("units", "450328100001")."""
    segments = [segment for segment in urlsplit(url).path.split("/") if segment]
    for noun, value in zip(segments, segments[1:], strict=False):
        value = value.split(".")[0]
        if _NUMBER.match(value):
            yield noun, value


def crawl(client: Client, seeds: Iterable[str], *, max_pages: int, max_variants: int) -> Crawl:
    """Fetch breadth-first from ``seeds`` and the API schema's paths, within the bounds."""
    plain, templates = _api_templates(client)
    queue = deque(dict.fromkeys([*seeds, *plain]))
    queued = set(queue)
    variants: Counter[tuple[str, bool]] = Counter()
    filled: set[tuple[str, str]] = set()
    result = Crawl()

    def offer(url: str) -> None:
        if url in queued:
            return
        queued.add(url)
        key = pattern(url)
        if variants[key] >= max_variants:
            result.skipped += 1
            return
        variants[key] += 1
        queue.append(url)

    def fill(noun: str, value: str) -> None:
        if (noun, value) in filled:
            return
        filled.add((noun, value))
        for template in templates:
            segments = template.split("/")
            for before, segment in zip(segments, segments[1:], strict=False):
                if before == noun and _PARAMETER.search(segment):
                    offer(_PARAMETER.sub(value, template))

    while queue and len(result.pages) < max_pages:
        url = queue.popleft()
        page = fetch(client, url)
        result.pages[url] = page
        for link in page.links:
            result.referrers.setdefault(link, url)
            offer(link)
        for noun, value in _noun_values(url):
            fill(noun, value)
        if url.startswith(API_PREFIX):
            noun = urlsplit(url).path.removeprefix(API_PREFIX).split("/")[0]
            for value in page.ids:
                fill(noun, value)
    return result
