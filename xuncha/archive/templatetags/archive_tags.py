"""The round page's archive panel (``{% round_archive round %}``): whether the round is filed, and for the office
its files with their progress and downloads."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import template

from xuncha.archive import permissions
from xuncha.archive.actions import PENDING
from xuncha.archive.models import Archive

if TYPE_CHECKING:
    from xuncha.inspections.models import Round

register = template.Library()


@register.inclusion_tag("archive/partials/_round_archive.html", takes_context=True)
def round_archive(context: template.Context, round_: Round) -> dict[str, Any]:
    user = context["request"].user
    office = permissions.can_archive(user, round_)
    archives: list[Archive] = []
    if office:
        latest: dict[int, Archive] = {}
        rows = Archive.objects.visible_to(user).filter(round=round_).select_related("assignment__group")
        for archive in rows.order_by("assignment_id", "-pk"):
            latest.setdefault(archive.assignment_id, archive)
        archives = list(latest.values())
    missing = office and round_.status == round_.Status.CLOSED
    if missing and round_.archived_at is not None:
        missing = len([archive for archive in archives if archive.status in PENDING]) < round_.assignments.count()
    return {
        "round": round_,
        "office": office,
        "archives": archives,
        "can_build": missing,
        "csrf_token": context.get("csrf_token"),
    }
