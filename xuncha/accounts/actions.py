"""Account and role-grant use cases."""

from __future__ import annotations

import hashlib
import secrets
import string
from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from xuncha.accounts.actors import SYSTEM, Actor, require, user_or_none
from xuncha.accounts.models import SYSTEM_ROLES, ApiToken, Notification, Role, RoleGrant, User
from xuncha.accounts.permissions import (
    can_change_password,
    can_disable_user,
    can_enrol_two_factor,
    can_grant_roles,
    can_issue_token,
    can_manage_accounts,
    can_mark_notifications_read,
    can_reset_credentials,
    can_reset_two_factor,
    can_revoke_tokens,
    can_unlock_accounts,
    can_verify_two_factor,
    separation_conflict,
)
from xuncha.accounts.scoping import forget_grants, held_roles, roles_of
from xuncha.accounts.two_factor import (
    RECOVERY_CODE_COUNT,
    TOTP_CODE,
    has_two_factor,
    key_is_valid,
    normalise_code,
    totp_matches,
)
from xuncha.accounts.validators import password_expired
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
    """Create an account. ``password=None`` leaves it without a usable password (an inspector who never signs in,
    or someone the security administrator then issues a temporary password to).

    ``SYSTEM`` acts for a command run on the server; otherwise the actor must be the system administrator, who
    creates accounts but never knows their passwords (三员分立): only ``SYSTEM`` creates one with a password.
    """
    require(actor, can_manage_accounts(actor), _("Only the system administrator may create accounts."))
    if password is not None and actor is not SYSTEM:
        raise PermissionDenied(
            _("The system administrator creates accounts without a password; the security administrator issues it.")
        )
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
        user.password_changed_at = timezone.now()
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
    # Roles held through group membership count too: an inspector in a group reads its case data.
    held = {*RoleGrant.objects.filter(user=user).values_list("role", flat=True), *held_roles(user)}
    conflict = separation_conflict(held, role)
    if conflict is not None:
        raise Conflict(conflict)
    if role.needs_unit and unit is None:
        raise Conflict(_("The role %(role)s needs a unit.") % {"role": role.label})
    if not role.needs_unit and unit is not None:
        raise Conflict(_("The role %(role)s is not tied to a unit.") % {"role": role.label})
    # A department's role is held over a department, and a department's unit takes no other role.
    if unit is not None and (role == Role.DEPARTMENT) != (unit.level == "DEPARTMENT"):
        raise Conflict(_("The role of a county department is held over a department, and only there."))
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


def _account_state(user: User) -> dict[str, object]:
    return {"is_active": user.is_active, "must_change_password": user.must_change_password}


@transaction.atomic
def disable_user(user: User, *, actor: Actor) -> User:
    """Deactivate an account: it can no longer sign in and its open sessions end at their next request. Accounts are
    never deleted (the audit trail refers to them). Administrators' accounts are not the system administrator's to
    disable."""
    require(actor, can_disable_user(actor, user), _("Only the system administrator may disable this account."))
    if not user.is_active:
        raise Conflict(_("%(user)s is already disabled.") % {"user": user})
    before = _account_state(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    record_event("accounts.user_disabled", user, actor=actor, before=before, after=_account_state(user))
    return user


@transaction.atomic
def enable_user(user: User, *, actor: Actor) -> User:
    """Let a disabled account sign in again."""
    require(actor, can_disable_user(actor, user), _("Only the system administrator may enable this account."))
    if user.is_active:
        raise Conflict(_("%(user)s is already enabled.") % {"user": user})
    before = _account_state(user)
    user.is_active = True
    user.save(update_fields=["is_active"])
    record_event("accounts.user_enabled", user, actor=actor, before=before, after=_account_state(user))
    return user


# A temporary password: long and of every class, so that it passes the validators it never went through.
TEMPORARY_PASSWORD_LENGTH = 16


def _temporary_password() -> str:
    alphabet = string.ascii_letters + string.digits
    body = "".join(secrets.choice(alphabet) for _i in range(TEMPORARY_PASSWORD_LENGTH - 4))
    return (
        "".join(
            [secrets.choice(string.ascii_uppercase), secrets.choice(string.ascii_lowercase), secrets.choice("23456789")]
        )
        + body[:6]
        + "-"
        + body[6:]
    )


@transaction.atomic
def reset_credentials(user: User, *, actor: Actor) -> str:
    """Give ``user`` a new temporary password and make them choose their own at the next sign-in. Returns the
    temporary password, to be handed over once; neither it nor its hash is recorded. A reset also lifts a lockout
    of the account."""
    require(actor, can_reset_credentials(actor, user), _("Only the security administrator may reset credentials."))
    before = _account_state(user)
    temporary = _temporary_password()
    user.set_password(temporary)
    user.must_change_password = True
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    AccessAttempt.objects.filter(username=user.get_username()).delete()
    record_event(
        "accounts.credentials_reset",
        user,
        actor=actor,
        before=before,
        after={**_account_state(user), "changed": ["password"]},
    )
    revoke_tokens(user, actor=actor, reason="credentials_reset")
    return temporary


@transaction.atomic
def unlock_account(user: User, *, actor: Actor) -> int:
    """Lift the sign-in lockout of ``user``'s account before its time is up. Returns how many counted attempts were
    cleared (0 when it was not locked: the unlock is recorded all the same)."""
    require(actor, can_unlock_accounts(actor), _("Only the security administrator may unlock accounts."))
    cleared, _deleted = AccessAttempt.objects.filter(username=user.get_username()).delete()
    record_event("accounts.account_unlocked", user, actor=actor, after={"cleared_attempts": cleared})
    return cleared


@transaction.atomic
def change_password(user: User, new_password: str, *, actor: Actor, validate: bool = True) -> User:
    """The user chooses a new password (validated by ``AUTH_PASSWORD_VALIDATORS``, but for the demo's known one); a
    forced change is then done."""
    require(actor, can_change_password(actor, user), _("Only the account's owner may choose its password."))
    if validate:
        try:
            validate_password(new_password, user)
        except ValidationError as exc:
            raise Conflict(" ".join(exc.messages)) from exc
    before = _account_state(user)
    user.set_password(new_password)
    user.must_change_password = False
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    record_event(
        "accounts.password_changed",
        user,
        actor=actor,
        before=before,
        after={**_account_state(user), "changed": ["password"]},
    )
    # The tokens' password stamp refuses them already; revoking records it and clears them.
    revoke_tokens(user, actor=actor, reason="password_changed")
    return user


# What the sign-in machinery reports (``accounts.signals`` adapts Django's and django-axes' signals to these). They
# check no permission: they record facts about an authentication that already happened, for the auditor.


def record_sign_in(user: User, *, ip_address: str | None) -> None:
    """Record a successful sign-in by ``user``. An administrator whose password has expired must change it now:
    the flag is set here, at sign-in, so that no page pays a query to check the age of a password."""
    if password_expired(user, bool(roles_of(user) & SYSTEM_ROLES)) and not user.must_change_password:
        user.must_change_password = True
        user.save(update_fields=["must_change_password"])
        record_event("accounts.password_expired", user, actor=SYSTEM, after=_account_state(user))
    record_event("accounts.signed_in", user, actor=user, after={"ip_address": ip_address})


def record_sign_out(user: User, *, ip_address: str | None) -> None:
    record_event("accounts.signed_out", user, actor=user, after={"ip_address": ip_address})


def _attempted(username: str) -> User:
    """The account a user name names, or an unsaved stand-in carrying the name when none does."""
    return User.objects.filter(username=username).first() or User(username=username[:150])


def record_failed_sign_in(username: str, *, ip_address: str | None) -> None:
    """Record a failed sign-in: the user name tried and the address, never the password."""
    record_event(
        "accounts.sign_in_failed",
        _attempted(username),
        actor=SYSTEM,
        after={"username": username[:150], "ip_address": ip_address},
    )


def record_lockout(username: str, *, ip_address: str | None) -> None:
    """Record that django-axes locked out a user name (or the address it was tried from)."""
    record_event(
        "accounts.locked_out",
        _attempted(username),
        actor=SYSTEM,
        after={"username": username[:150], "ip_address": ip_address},
    )


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


@dataclass(frozen=True)
class Enrolment:
    """A confirmed authenticator app and the recovery codes to show its owner, once."""

    device: TOTPDevice
    recovery_codes: list[str]


@dataclass(frozen=True)
class CodeCheck:
    """The outcome of a sign-in code: the device that accepted it, or none; ``throttled`` when too many wrong codes
    in a row make the device wait before it takes another."""

    device: Device | None
    throttled: bool = False


@transaction.atomic
def enrol_two_factor(user: User, *, key: str, code: str, actor: Actor) -> Enrolment | None:
    """Make the authenticator app that shows ``code`` for the secret ``key`` the user's second factor, with
    ``RECOVERY_CODE_COUNT`` fresh single-use recovery codes. Only the user enrols, once: a lost device is reset by
    the security administrator first. A wrong code enrols nothing and is recorded as a failed check (None).

    Events never hold the secret or a code.
    """
    require(actor, can_enrol_two_factor(actor, user), _("Only the account's owner enrols its second factor."))
    if has_two_factor(user):
        raise Conflict(_("A device is already enrolled; the security administrator resets a lost one."))
    if not key_is_valid(key):
        raise Conflict(_("The enrolment has expired; open the enrolment page again."))
    step = totp_matches(key, normalise_code(code))
    if step is None:
        record_event("accounts.two_factor_failed", user, actor=actor, after={"stage": "enrolment"})
        return None
    # Leftovers of an earlier enrolment (a recovery device without an app) go; the user has one set at a time.
    StaticDevice.objects.filter(user=user).delete()
    TOTPDevice.objects.filter(user=user).delete()
    # The code just shown counts as used: it cannot sign in a second time. No drift is learnt from one code (a code
    # typed as the period turns would look like a slow clock); django-otp learns it from the sign-ins.
    device = TOTPDevice.objects.create(user=user, name="authenticator", key=key, confirmed=True, last_t=step)
    recovery = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=recovery, token=token) for token in codes])
    record_event("accounts.two_factor_enrolled", user, actor=actor, after={"recovery_codes": len(codes)})
    return Enrolment(device, codes)


@transaction.atomic
def verify_two_factor(user: User, *, code: str, actor: Actor) -> CodeCheck:
    """Check a sign-in code: six digits from the authenticator app, or else one of the recovery codes (used up).

    django-otp throttles each device: after wrong codes in a row it refuses every code, right or wrong, for a
    doubling time. Every check is recorded, successful (``two_factor_verified``) or not (``two_factor_failed``),
    without the code.
    """
    require(actor, can_verify_two_factor(actor, user), _("Only the signed-in account checks its own code."))
    code = normalise_code(code)
    method = "app" if TOTP_CODE.match(code) else "recovery_code"
    model: type[TOTPDevice] | type[StaticDevice] = TOTPDevice if method == "app" else StaticDevice
    # Locked, so that two requests cannot both spend one code or both escape the throttle.
    device = model.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        record_event("accounts.two_factor_failed", user, actor=actor, after={"method": method, "reason": "no_device"})
        return CodeCheck(None)
    allowed, _details = device.verify_is_allowed()
    if allowed and device.verify_token(code):
        after: dict[str, object] = {"method": method}
        if isinstance(device, StaticDevice):
            after["recovery_codes_left"] = device.token_set.count()
        record_event("accounts.two_factor_verified", user, actor=actor, after=after)
        return CodeCheck(device)
    record_event(
        "accounts.two_factor_failed",
        user,
        actor=actor,
        after={
            "method": method,
            "reason": "wrong_code" if allowed else "throttled",
            "failures_in_a_row": device.throttling_failure_count,
        },
    )
    return CodeCheck(None, throttled=not allowed)


@transaction.atomic
def reset_two_factor(user: User, *, actor: Actor) -> None:
    """Remove the user's authenticator app and recovery codes after a loss; the user enrols again at the next
    sign-in (a session verified with the old device must confirm again too). Only the security administrator, and
    never for themself."""
    require(
        actor,
        can_reset_two_factor(actor, user),
        _("Only the security administrator resets another person's two-factor device."),
    )
    apps = TOTPDevice.objects.filter(user=user)
    recovery = StaticDevice.objects.filter(user=user)
    before = {"apps": apps.count(), "recovery_codes": StaticToken.objects.filter(device__user=user).count()}
    if not before["apps"] and not recovery.exists():
        raise Conflict(_("%(user)s has no two-factor device.") % {"user": user})
    apps.delete()
    recovery.delete()
    record_event("accounts.two_factor_reset", user, actor=actor, before=before)
    # Whoever holds the lost device may hold a token it confirmed: that goes too.
    revoke_tokens(user, actor=actor, reason="two_factor_reset")


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
def issue_token(user: User, *, actor: Actor, two_factor: bool = False) -> IssuedToken:
    """Issue ``user`` an API token valid for ``XUNCHA_TOKEN_HOURS``; only the user themself, signed in with their
    password (and, with ``two_factor``, a second factor), asks for one. Their expired tokens are deleted on the
    way."""
    require(actor, can_issue_token(actor, user), _("A token is issued only to the user who signed in for it."))
    now = timezone.now()
    ApiToken.objects.filter(user=user, expires_at__lte=now).delete()
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        digest=token_digest(key),
        password_stamp=user.get_session_auth_hash(),
        two_factor=two_factor,
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
