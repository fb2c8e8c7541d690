"""Who may do what, as pure functions over the user's grants. Actions enforce them; templates show by them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext as _

from xuncha.accounts.models import SYSTEM_ROLES, Role
from xuncha.accounts.scoping import grants_of, held_roles, roles_of

if TYPE_CHECKING:
    from xuncha.accounts.models import User
    from xuncha.accounts.scoping import AnyUser, Grant
    from xuncha.organisations.models import AdminUnit


def has_role_over(user: AnyUser | None, roles: Iterable[Role], unit: AdminUnit) -> bool:
    """Whether one of the user's grants of ``roles`` covers ``unit``."""
    if user is None:
        return False
    wanted = set(roles)
    return any(grant.role in wanted and grant.covers(unit.path) for grant in grants_of(user) if grant.unit_id)


def has_role(user: AnyUser | None, role: Role) -> bool:
    return user is not None and role in roles_of(user)


def has_a_role(user: AnyUser | None) -> bool:
    """Whether the user holds any grant at all (pages of the case work show nothing to those who hold none)."""
    return user is not None and bool(roles_of(user))


def can_plan_in(user: AnyUser | None, county: AdminUnit) -> bool:
    """Office staff plan terms, rounds, groups and assignments of the counties they cover."""
    return has_role_over(user, [Role.OFFICE, Role.OFFICE_LEAD], county)


def can_classify_villages(user: AnyUser | None, village: AdminUnit) -> bool:
    return has_role_over(user, [Role.OFFICE, Role.OFFICE_LEAD], village)


def can_classify_some_villages(user: AnyUser | None) -> bool:
    """Whether the user classifies villages anywhere (each village of a file is then checked on its own)."""
    return user is not None and any(role.plans for role in roles_of(user))


def can_manage_master_data(user: AnyUser | None) -> bool:
    """Division imports and profiles belong to the system administrator (and to commands run on the server)."""
    return has_role(user, Role.SYSADMIN)


def can_manage_accounts(user: AnyUser | None) -> bool:
    """The system administrator creates and disables accounts (their existence, never their passwords or roles)."""
    return has_role(user, Role.SYSADMIN)


def can_disable_user(user: AnyUser | None, target: User) -> bool:
    """The system administrator disables business accounts; not their own, nor another administrator's (三员分立:
    none of the three can silence another)."""
    return (
        can_manage_accounts(user)
        and user is not None
        and user.pk != target.pk
        and not (roles_of(target) & SYSTEM_ROLES)
    )


def can_grant_roles(user: AnyUser | None) -> bool:
    return has_role(user, Role.SECURITY_ADMIN)


def can_reset_credentials(user: AnyUser | None, target: User) -> bool:
    """The security administrator issues a temporary password to someone else (their own they change themselves)."""
    return can_grant_roles(user) and user is not None and user.pk != target.pk


def can_unlock_accounts(user: AnyUser | None) -> bool:
    return has_role(user, Role.SECURITY_ADMIN)


def can_change_password(user: AnyUser | None, target: User) -> bool:
    """A password is its owner's: only they choose it (others reset it to a temporary one)."""
    return user is not None and user.is_authenticated and user.pk == target.pk


def can_read_audit_log(user: AnyUser | None) -> bool:
    return has_role(user, Role.AUDITOR)


def separation_conflict(held: Iterable[str], role: Role) -> str | None:
    """Why an account holding ``held`` roles may not also take ``role`` (三员分立), or None when it may: no account
    holds two of the three administrators' roles, or one of them together with a role over case data."""
    others = {Role(value) for value in held} - {role}
    if role in SYSTEM_ROLES and others:
        return _("The three administrators are separate people: this account already holds other roles.")
    if role not in SYSTEM_ROLES and others & SYSTEM_ROLES:
        return _("This account is an administrator (三员) and may not hold a role over case data.")
    return None


# Where each role lands after signing in, most specific first.
LANDING_ORDER = (
    Role.OFFICE_LEAD,
    Role.OFFICE,
    Role.LEADER,
    Role.TOWNSHIP,
    Role.VILLAGE,
    Role.DISCIPLINE,
    Role.ORG_DEPT,
)


def landing_grant(user: AnyUser) -> Grant | None:
    """The grant whose unit the user starts from after signing in: the first grant of the first role of
    ``LANDING_ORDER`` that names a unit; none for those who act through groups or on the system."""
    grants = grants_of(user)
    for role in LANDING_ORDER:
        grant = next((grant for grant in grants if grant.role == role), None)
        if grant is not None and grant.unit_id is not None:
            return grant
    return None


def can_mark_notifications_read(user: AnyUser | None, owner: User) -> bool:
    """A notification is its addressee's alone: only they mark it read."""
    return user is not None and user.is_authenticated and user.pk == owner.pk


def two_factor_roles() -> frozenset[Role]:
    """The roles that sign in with a second factor when it is switched on (``XUNCHA_2FA_ROLES``)."""
    return frozenset(Role(name) for name in settings.XUNCHA_2FA_ROLES)


def needs_two_factor(user: AnyUser | None) -> bool:
    """Whether the user must confirm a sign-in with a one-time code: with ``XUNCHA_2FA`` on, everyone who holds one
    of ``XUNCHA_2FA_ROLES`` (by a grant, or a group's leader by membership) and every superuser."""
    if user is None or not settings.XUNCHA_2FA or not user.is_authenticated:
        return False
    return user.is_superuser or bool(held_roles(user) & two_factor_roles())


def can_enrol_two_factor(user: AnyUser | None, owner: User) -> bool:
    """A device is enrolled by its owner alone, and only while the owner's roles ask for one."""
    return user is not None and user.is_authenticated and user.pk == owner.pk and needs_two_factor(user)


def can_verify_two_factor(user: AnyUser | None, owner: User) -> bool:
    """A code is checked for the account that signed in with its password, by that account's own request."""
    return user is not None and user.is_authenticated and user.pk == owner.pk


def can_reset_two_factor(user: AnyUser | None, owner: User) -> bool:
    """The security administrator resets a lost device of someone else; no one resets their own."""
    return has_role(user, Role.SECURITY_ADMIN) and user is not None and user.pk != owner.pk


def can_issue_token(user: AnyUser | None, owner: User) -> bool:
    """A token is issued to the user who signed in for it, never on someone else's behalf."""
    return user is not None and user.is_authenticated and user.pk == owner.pk


def can_revoke_tokens(user: AnyUser | None, owner: User) -> bool:
    """The owner signs their tokens out; the security administrator, who resets credentials, may too."""
    return user is not None and user.is_authenticated and (user.pk == owner.pk or has_role(user, Role.SECURITY_ADMIN))
