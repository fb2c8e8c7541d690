"""How far an item's deadline has been extended, and whether one more extension stays within the limits the office
director grants alone (``XUNCHA_EXTENSIONS_MAX_COUNT`` extensions, ``XUNCHA_EXTENSIONS_MAX_DAYS`` days in all beyond
the deadline fed back). Beyond either limit, only the leading group decides (``ExtensionRequest.by_leading_group``).

Every extension granted leaves a ``Progress.EXTENSION`` step: the number counts them, including those granted before
extensions were requests; the days add up the approved requests (a deadline moved by a reopening is no extension).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils.translation import gettext as _

from xuncha.rectification.models import ExtensionRequest, LedgerItem, Progress


@dataclass(frozen=True)
class Usage:
    """The extensions an item has had: how many, and how many days they added in all."""

    count: int
    days: int

    @property
    def max_count(self) -> int:
        return int(settings.XUNCHA_EXTENSIONS_MAX_COUNT)

    @property
    def max_days(self) -> int:
        return int(settings.XUNCHA_EXTENSIONS_MAX_DAYS)


def usage(item: LedgerItem) -> Usage:
    """Two queries."""
    count = Progress.objects.filter(item=item, kind=Progress.Kind.EXTENSION).count()
    granted = ExtensionRequest.objects.filter(item=item, status=ExtensionRequest.Status.APPROVED)
    days = sum((new - previous).days for new, previous in granted.values_list("new_deadline", "previous_deadline"))
    return Usage(count, days)


def why_beyond_limits(item: LedgerItem, new_deadline: date, used: Usage | None = None) -> str | None:
    """Why moving the item's deadline to ``new_deadline`` is beyond what the director grants alone, or ``None``."""
    used = used or usage(item)
    if used.count + 1 > used.max_count:
        return _(
            "This would be extension no. %(number)s of the item; the office director grants at most %(max)s: only "
            "the leading group decides."
        ) % {"number": used.count + 1, "max": used.max_count}
    days = used.days + (new_deadline - item.deadline).days
    if days > used.max_days:
        return _(
            "The extensions would add %(days)s days in all beyond the deadline fed back; the office director grants "
            "at most %(max)s: only the leading group decides."
        ) % {"days": days, "max": used.max_days}
    return None
