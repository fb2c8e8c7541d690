"""Account and role-grant use cases."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.actors import Actor, require, user_or_none
from xuncha.accounts.models import SYSTEM_ROLES, ApiToken, Notification, Role, RoleGrant, User
from xuncha.accounts.permissions import (
    can_grant_roles,
    can_issue_token,
    can_manage_accounts,
    can_mark_notifications_read,
    can_revoke_tokens,
)
from xuncha.accounts.scoping import forget_grants
from xuncha.audit.actions import record_event
from xuncha.core.exceptions import Conflict, PermissionDenied
from xuncha.organisations.models import AdminUnit

# What the administrators of 三员分立 may do in the Django admin: master data and accounts for the system
# administrator, role grants for the security administrator. Case data is never in reach of either.
STAFF_PERMISSIONS: dict[Role, list[str]] = {
    Role.SYSADMIN: [
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_user",
        "organisations.change_adminunit",
        "organisations.view_adminunit",
    ],
    Role.SECURITY_ADMIN: [
        "accounts.view_user",
        "accounts.add_rolegrant",
        "accounts.delete_rolegrant",
        "accounts.view_rolegrant",
    ],
}


def _role_permissions(roles: set[str]) -> list[Permission]:
    wanted = {perm for role, perms in STAFF_PERMISSIONS.items() if role in roles for perm in perms}
    query = Q(pk__in=[])
    for perm in wanted:
        app_label, codename = perm.split(".")
        query |= Q(content_type__app_label=app_label, codename=codename)
    return list(Permission.objects.filter(query))


def _sync_staff_access(user: User, revoked: str | None = None) -> None:
    """Give or take the admin access that follows from the user's system roles.

    Only the permissions the roles own are touched; a superuser made with ``createsuperuser`` keeps staff status.
    """
    roles = set(RoleGrant.objects.filter(user=user).values_list("role", flat=True))
    granted = _role_permissions(roles)
    if revoked is not None:
        user.user_permissions.remove(*(p for p in _role_permissions({revoked}) if p not in granted))
    user.user_permissions.add(*granted)
    is_staff = bool(roles & set(STAFF_PERMISSIONS)) or user.is_superuser
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])


@transaction.atomic
def create_user(
    username: str,
    *,
    display_name: str,
    password: str | None,
    actor: Actor,
    title: str = "",
    email: str = "",
    validate: bool = True,
) -> User:
    """Create an account. ``password=None`` leaves it without a usable password (an inspector who never signs in).

    ``SYSTEM`` acts for a command run on the server; otherwise the actor must be the system administrator.
    """
    require(actor, can_manage_accounts(actor), _("Only the system administrator may create accounts."))
    if User.objects.filter(username=username).exists():
        raise Conflict(_("The user name %(username)s is taken.") % {"username": username})
    user = User(username=username, display_name=display_name, title=title, email=email)
    if password is None:
        user.set_unusable_password()
    else:
        if validate:
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise Conflict(" ".join(exc.messages)) from exc
        user.set_password(password)
    user.save()
    record_event(
        "accounts.user_created",
        user,
        actor=actor,
        after={"username": username, "display_name": display_name, "title": title},
    )
    return user


@transaction.atomic
def grant_role(
    user: User,
    role: Role,
    unit: AdminUnit | None,
    *,
    actor: Actor,
    includes_descendants: bool = True,
) -> RoleGrant:
    """Give ``user`` a role over ``unit`` (and its subtree); system roles take no unit."""
    require(actor, can_grant_roles(actor), _("Only the security administrator may grant roles."))
    if actor.pk is not None and actor.pk == user.pk:
        raise PermissionDenied(_("No one may grant roles to themselves."))
    held = set(RoleGrant.objects.filter(user=user).values_list("role", flat=True))
    if role in SYSTEM_ROLES and held - {role}:
        raise Conflict(
            _("The three administrators are separate people: %(user)s already holds other roles.") % {"user": user}
        )
    if role not in SYSTEM_ROLES and held & {r.value for r in SYSTEM_ROLES}:
        raise Conflict(_("%(user)s is a system administrator and may not hold a role over case data.") % {"user": user})
    if role.needs_unit and unit is None:
        raise Conflict(_("The role %(role)s needs a unit.") % {"role": role.label})
    if not role.needs_unit and unit is not None:
        raise Conflict(_("The role %(role)s is not tied to a unit.") % {"role": role.label})
    if RoleGrant.objects.filter(user=user, role=role, unit=unit).exists():
        raise Conflict(_("%(user)s already holds this role here.") % {"user": user})
    grant = RoleGrant.objects.create(
        user=user, role=role, unit=unit, includes_descendants=includes_descendants, granted_by=user_or_none(actor)
    )
    forget_grants(user)
    if role in STAFF_PERMISSIONS:
        _sync_staff_access(user)
    revoke_tokens(user, actor=actor, reason="role_granted")
    record_event(
        "accounts.role_granted",
        grant,
        actor=actor,
        unit=unit,
        after={"user": user.username, "role": role.value, "unit": unit.code if unit else None},
    )
    return grant


@transaction.atomic
def revoke_role(grant: RoleGrant, *, actor: Actor) -> None:
    """Withdraw a grant; the event keeps what it was."""
    require(actor, can_grant_roles(actor), _("Only the security administrator may revoke roles."))
    before = {"user": grant.user.username, "role": grant.role, "unit": grant.unit.code if grant.unit else None}
    record_event("accounts.role_revoked", grant, actor=actor, unit=grant.unit, before=before)
    grant.delete()
    revoke_tokens(grant.user, actor=actor, reason="role_revoked")
    forget_grants(grant.user)
    if grant.role in STAFF_PERMISSIONS:
        _sync_staff_access(grant.user, revoked=grant.role)


@transaction.atomic
def mark_notifications_read(user: User, *, ids: list[int] | None, actor: Actor) -> int:
    """Mark ``user``'s unread notifications read: those of ``ids``, or all of them when ``ids`` is None; ids of
    others' notifications are ignored. Only the user themself marks their own. Returns how many were marked.

    No audit event: a read mark is the state of a person's own inbox, not a change to accounts, grants or cases
    (the events of this module record those).
    """
    require(actor, can_mark_notifications_read(actor, user), _("Only the addressee marks a notification read."))
    unread = Notification.objects.filter(user=user).unread()
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


def token_digest(key: str) -> str:
    """What is stored of an API token: the SHA-256 of its key (keys are random, so no salt or stretching is needed)."""
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    """A new token: ``key`` is shown to its owner this once and stored nowhere."""

    token: ApiToken
    key: str

    @property
    def expires_at(self) -> datetime:
        return self.token.expires_at


@transaction.atomic
def issue_token(user: User, *, actor: Actor) -> IssuedToken:
    """Issue ``user`` an API token valid for ``XUNCHA_TOKEN_HOURS``; only the user themself, signed in with their
    password, asks for one. Their expired tokens are deleted on the way."""
    require(actor, can_issue_token(actor, user), _("A token is issued only to the user who signed in for it."))
    now = timezone.now()
    ApiToken.objects.filter(user=user, expires_at__lte=now).delete()
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        digest=token_digest(key),
        password_stamp=user.get_session_auth_hash(),
        created_at=now,
        expires_at=now + timedelta(hours=settings.XUNCHA_TOKEN_HOURS),
    )
    record_event(
        "accounts.token_issued",
        token,
        actor=actor,
        after={"user": user.username, "expires_at": token.expires_at},
    )
    return IssuedToken(token, key)


@transaction.atomic
def revoke_tokens(user: User, *, actor: Actor, reason: str) -> int:
    """Delete all of ``user``'s API tokens, each with an event naming ``reason`` (signed_out, password_changed,
    role_granted, role_revoked, revoked). The owner or the security administrator may. Returns how many."""
    require(actor, can_revoke_tokens(actor, user), _("Only the owner or the security administrator revokes tokens."))
    tokens = list(ApiToken.objects.filter(user=user))
    for token in tokens:
        record_event(
            "accounts.token_revoked",
            token,
            actor=actor,
            before={"user": user.username, "expires_at": token.expires_at},
            after={"reason": reason},
        )
    ApiToken.objects.filter(pk__in=[token.pk for token in tokens]).delete()
    return len(tokens)
