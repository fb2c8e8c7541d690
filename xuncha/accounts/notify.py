"""Tell the next actor at once (the bell, and e-mail where configured) when a case is handed on to them.

The actions that hand a case on (a list fed back, an item submitted, reviewed, returned or closed, a visit planned,
a petition arrived, a clue transferred) call ``notify`` with the users who act next, found by role over units
(``holders``) or named by the caller (a group's members). ``notify`` keeps only those who can open the linked record
(its ``visible_to``), never the actor, and creates the rows in one statement. The text is kept untranslated with its
parameters (``Notification.text`` renders it in the reader's language): never put sealed content in it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from xuncha.accounts.models import Notification, Role, RoleGrant, User
from xuncha.accounts.scoping import prime_grants

if TYPE_CHECKING:
    from django.db.models import Model

    from xuncha.accounts.actors import Actor
    from xuncha.organisations.models import AdminUnit

logger = logging.getLogger(__name__)


def holders(roles: Iterable[Role], units: Iterable[AdminUnit]) -> set[int]:
    """The active users holding one of ``roles`` over any of ``units`` (a grant on the unit, or one above it that
    includes its descendants); one query, whatever else the database holds."""
    paths = {unit.path for unit in units}
    codes = {code for path in paths for code in path.strip("/").split("/")}
    grants = RoleGrant.objects.filter(role__in=list(roles), user__is_active=True, unit__code__in=codes)
    found: set[int] = set()
    for grant in grants.select_related("unit"):
        if grant.unit is None:
            continue
        if any(
            path.startswith(grant.unit.path) if grant.includes_descendants else path == grant.unit.path
            for path in paths
        ):
            found.add(grant.user_id)
    return found


def notify(
    target: Model,
    *,
    kind: str,
    message: str,
    params: Mapping[str, Any],
    users: Iterable[int],
    actor: Actor,
    url: str = "",
) -> list[Notification]:
    """Notify ``users`` about ``target`` (its page is the link unless ``url`` says otherwise).

    ``message`` is an untranslated text (mark it with ``gettext_noop``) with ``%(name)s`` placeholders filled from
    ``params``. The actor and whoever cannot open ``target`` are left out. A second notice of the same kind about the
    same record on the same day replaces the first and is unread again. E-mail goes after the commit.
    """
    candidates = set(users) - {getattr(actor, "pk", None)}
    if not candidates:
        return []
    readers = _readers(target, candidates)
    if not readers:
        return []
    values = {name: str(value) for name, value in params.items()}
    today = timezone.localdate()
    now = timezone.now()
    rows = [
        Notification(
            user_id=user_id,
            kind=kind,
            key=f"{target._meta.label_lower}:{target.pk}"[:80],
            day=today,
            message=message[:300],
            params=values,
            url=(url or target.get_absolute_url())[:200],  # type: ignore[attr-defined]
            created_at=now,
            read_at=None,
        )
        for user_id in sorted(readers)
    ]
    Notification.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["user", "kind", "key", "day"],
        update_fields=["message", "params", "url", "created_at", "read_at"],
    )
    if settings.XUNCHA_EMAIL_ENABLED:
        transaction.on_commit(lambda: _mail(rows))
    return rows


def _readers(target: Model, candidates: set[int]) -> set[int]:
    """Those of ``candidates`` (active accounts) for whom ``target`` is in its ``visible_to``."""
    users = list(User.objects.filter(pk__in=candidates, is_active=True))
    prime_grants(users)
    manager: Any = type(target)._default_manager
    return {user.pk for user in users if manager.visible_to(user).filter(pk=target.pk).exists()}


def _mail(rows: list[Notification]) -> int:
    """One e-mail to each recipient with an address, in the site's language; a failing server loses no notice."""
    addresses = dict(
        User.objects.filter(pk__in=[row.user_id for row in rows], is_active=True)
        .exclude(email="")
        .values_list("pk", "email")
    )
    with translation.override(settings.LANGUAGE_CODE):
        messages = [
            mail.EmailMessage(
                subject=_("Xuncha: %(message)s") % {"message": row.text},
                body="\n".join([row.text, row.url]),
                to=[addresses[row.user_id]],
            )
            for row in rows
            if row.user_id in addresses
        ]
    if not messages:
        return 0
    try:
        return mail.mailers.default.send_messages(messages) or 0
    except OSError:
        logger.exception("Notification e-mails could not be sent; the in-app notifications are kept.")
        return 0
