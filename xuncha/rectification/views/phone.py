"""The phone home of a village or township account: its items by traffic light, what falls due soon, what the
township returned, each a tap away from the item's progress form. Shown on the reader's own unit page below the
md breakpoint."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from xuncha.accounts.models import Role
from xuncha.accounts.permissions import landing_grant
from xuncha.core.http import AuthenticatedHttpRequest
from xuncha.organisations.models import AdminUnit
from xuncha.rectification.filters import local_reader
from xuncha.rectification.lights import light_q, with_light
from xuncha.rectification.models import LedgerItem, Light

PHONE_ROWS = 5
LIGHTS = (Light.RED, Light.YELLOW, Light.GREEN)


def phone_home(request: AuthenticatedHttpRequest, unit: AdminUnit) -> dict[str, Any]:
    """The phone home of ``unit`` for a village or township reader whose own unit it is; ``{"show": False}`` for
    everyone else. Three queries: the light counts, the items due soon, the items returned."""
    reader = local_reader(request.user)
    grant = landing_grant(request.user)
    if reader is None or grant is None or grant.unit_id != unit.pk:
        return {"show": False}
    scope = "village" if reader == Role.VILLAGE else "township"
    today = timezone.localdate()
    items = LedgerItem.objects.visible_to(request.user).filter(**{scope: unit})
    counts = items.order_by().aggregate(**{light: Count("pk", filter=light_q(light, today)) for light in LIGHTS})
    ledger = reverse("rectification:item-list")
    near = with_light(items.filter(light_q(Light.RED, today) | light_q(Light.YELLOW, today)), today)
    returned = with_light(items.filter(status=LedgerItem.Status.RETURNED), today)
    return {
        "show": True,
        "reports_progress": reader == Role.VILLAGE,
        "lights": [
            (light, light.label, counts[light], f"{ledger}?{urlencode({scope: unit.code, 'light': light})}")
            for light in LIGHTS
        ],
        "due": list(near.select_related("village").order_by("deadline", "number")[:PHONE_ROWS]),
        "returned": list(returned.select_related("village").order_by("deadline", "number")[:PHONE_ROWS]),
        "ledger_url": f"{ledger}?{urlencode({scope: unit.code})}",
    }
