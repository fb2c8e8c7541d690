"""One pager for every list: the page asked for (``?page=``), at the size the reader chose (``?per_page=``, one of
``PAGE_SIZES``), rendered by ``partials/_pagination.html`` with the total, page numbers and the size choice."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator

if TYPE_CHECKING:
    from collections.abc import Sequence

    from django.db.models import QuerySet
    from django.http import HttpRequest

PAGE_SIZES = (20, 50, 100)
PAGE_SIZE_PARAM = "per_page"


def page_size(request: HttpRequest, default: int) -> int:
    """The size the reader chose if it is one of ``PAGE_SIZES``, else the list's own ``default``."""
    asked = request.GET.get(PAGE_SIZE_PARAM, "")
    return int(asked) if asked.isdigit() and int(asked) in PAGE_SIZES else default


def page_of(request: HttpRequest, rows: QuerySet[Any] | Sequence[Any], default: int) -> Page[Any]:
    """The page of ``rows`` the request asks for (the last for a number past it, the first for nonsense), marked
    ``resizable`` so that the pager offers the sizes (a list paged otherwise shows its pages only)."""
    page = Paginator(rows, page_size(request, default)).get_page(request.GET.get("page"))
    page.resizable = True  # type: ignore[attr-defined]
    return page
