"""导出 of a list page: the rows its filters show (all pages), as an .xlsx with a Chinese header row and a title
row naming the filters applied, recorded in the access log like every export.

A list view answers its own URL with ``?export=xlsx`` by handing its filtered queryset (already started from
``visible_to``) and a column spec to ``export_list``, so that the file holds exactly what the page lists. Headers,
choice labels and the title are Chinese whatever the reader's language, as every sheet the platform writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Model
from django.utils import timezone, translation

from xuncha.audit.actions import log_access
from xuncha.audit.models import AccessLog
from xuncha.core.http import client_ip
from xuncha.core.xlsx import Cell, Column, Sheet, Value, write_workbook
from xuncha.documents.files import XLSX, attachment

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse
    from django.utils.functional import _StrOrPromise
    from django_filters import FilterSet

    from xuncha.accounts.models import User

EXPORT_PARAM = "export"
EXPORT_FORMAT = "xlsx"
# Rows are read from the database in chunks of this size, never the whole list at once.
CHUNK = 2000
CHINESE = "zh-hans"


@dataclass(frozen=True)
class ExportColumn:
    """A column of an exported list: its (translatable) header and how a row's cell is read from an object."""

    header: _StrOrPromise
    value: Callable[[Any], Value | Cell]
    width: float | None = None


def wants_export(request: HttpRequest) -> bool:
    """Whether the list page was asked for its 导出 rather than a page."""
    return request.GET.get(EXPORT_PARAM) == EXPORT_FORMAT


def label_of(field: str) -> Callable[[Any], str]:
    """A cell reading the label of a choice field (``get_FOO_display``), never its code."""
    return lambda row: str(getattr(row, f"get_{field}_display")()) if getattr(row, field, None) else ""


def text_of(path: str) -> Callable[[Any], str]:
    """A cell reading ``a.b.c`` of an object as text ("" where a link is missing)."""

    def read(row: Any) -> str:
        if path == "__str__":
            return str(row)
        for part in path.split("."):
            row = getattr(row, part, None)
            if row is None:
                return ""
        return str(row)

    return read


def filters_applied(filterset: FilterSet | None, extra: Sequence[tuple[str, str]] = ()) -> list[str]:
    """``标签：值`` for each filter given a value, with choices as their labels and objects by name."""
    parts = [f"{label}：{value}" for label, value in extra if value]
    if filterset is None or not filterset.is_bound or not filterset.form.is_valid():
        return parts
    for name, field in filterset.form.fields.items():
        value = filterset.form.cleaned_data.get(name)
        if value in (None, "", [], ()):
            continue
        choices = dict(getattr(field, "choices", ()) or ())
        if isinstance(value, list | tuple):
            shown = "、".join(str(choices.get(each, each)) for each in value)
        elif isinstance(value, Model):
            shown = str(value)
        else:
            shown = str(choices.get(value, value))
        parts.append(f"{field.label}：{shown}")
    return parts


def export_list(
    request: HttpRequest,
    rows: Iterable[Any],
    columns: Sequence[ExportColumn],
    *,
    title: _StrOrPromise,
    filterset: FilterSet | None = None,
    extra_filters: Sequence[tuple[_StrOrPromise, str]] = (),
    obj: Model | None = None,
) -> HttpResponse:
    """The .xlsx of the objects ``rows`` in ``columns``, titled with ``title`` and the filters applied, as a
    download recorded in the access log under the reader (and ``obj``, the unit the list is of, if any)."""
    with translation.override(CHINESE):
        headers = [Column(str(column.header), column.width) for column in columns]
        return export_sheet(
            request,
            headers,
            _rows(rows, columns),
            title=title,
            filterset=filterset,
            extra_filters=extra_filters,
            obj=obj,
        )


def export_sheet(
    request: HttpRequest,
    columns: Sequence[Column | str],
    rows: Iterable[Sequence[Value | Cell]],
    *,
    title: _StrOrPromise,
    filterset: FilterSet | None = None,
    extra_filters: Sequence[tuple[_StrOrPromise, str]] = (),
    obj: Model | None = None,
) -> HttpResponse:
    """As ``export_list``, for rows already made into cells (e.g. the office's ledger columns)."""
    user: User = request.user  # type: ignore[assignment]
    with translation.override(CHINESE):
        sheet_title = str(title)
        applied = filters_applied(filterset, [(str(label), value) for label, value in extra_filters])
        heading = f"{sheet_title}（{'；'.join(applied) if applied else '全部'}）"
        content = write_workbook([Sheet(sheet_title, columns, rows, heading=heading)])
    name = f"{sheet_title}{timezone.localdate():%Y%m%d}.xlsx"
    log_access(user, AccessLog.Action.EXPORTED, obj, detail=heading, ip_address=client_ip(request))
    return attachment(content, name, XLSX)


def _rows(rows: Iterable[Any], columns: Sequence[ExportColumn]) -> Iterator[list[Value | Cell]]:
    """Each object as its cells, read in chunks (labels are read in Chinese: the caller holds the override)."""
    iterate = rows.iterator(chunk_size=CHUNK) if hasattr(rows, "iterator") else iter(rows)
    for row in iterate:
        yield [column.value(row) for column in columns]
