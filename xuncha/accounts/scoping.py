"""What part of the tree a user's grants and group memberships cover, as reusable query filters.

Every ``visible_to(user)`` queryset method is built from these helpers, so that pages, exports and the API
share one definition of scope. A user's grants are read once per user object (one query) and cached on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.functional import Promise

from xuncha.accounts.models import Role, RoleGrant, role_label

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from xuncha.accounts.actors import SystemActor
    from xuncha.accounts.models import User

    # Whoever a permission or scope is asked about; the system and residents hold no grant, so they see nothing.
    AnyUser = User | AnonymousUser | SystemActor

NOTHING = Q(pk__in=[])

# Parts of the tree that a user reaches otherwise than by a grant, each added by the app that knows of it (inspection
# groups reach the units they are assigned to: ``inspections.scoping.group_units_q``). A list of functions, so that
# this module imports nothing of the apps above it.
UNIT_SCOPES: list[Callable[[AnyUser], Q]] = []
# Roles that a user holds otherwise than by a grant, each added by the app that knows of it (leading an inspection
# group makes one a group leader: ``inspections.scoping.group_roles``). Asked by ``held_roles``.
ROLE_SOURCES: list[Callable[[AnyUser], Iterable[Role]]] = []


@dataclass(frozen=True)
class Grant:
    """A role grant reduced to what scoping needs."""

    role: Role
    unit_id: int | None
    path: str
    level: str
    includes_descendants: bool

    def covers(self, path: str) -> bool:
        return path.startswith(self.path) if self.includes_descendants else path == self.path

    @property
    def label(self) -> str | Promise:
        """The role's title over the granted unit (the unit's code ends its path)."""
        return role_label(self.role, self.level, self.path.strip("/").rpartition("/")[2])


def grants_of(user: AnyUser) -> tuple[Grant, ...]:
    if not user.is_authenticated or not user.is_active:
        return ()
    cached: tuple[Grant, ...] | None = getattr(user, "_xuncha_grants", None)
    if cached is None:
        rows = RoleGrant.objects.filter(user=user).select_related("unit").order_by("pk")
        cached = tuple(_grant(row) for row in rows)
        setattr(user, "_xuncha_grants", cached)  # noqa: B010 - a per-request cache on the user object
    return cached


def _grant(row: RoleGrant) -> Grant:
    return Grant(
        role=Role(row.role),
        unit_id=row.unit_id,
        path=row.unit.path if row.unit else "",
        level=row.unit.level if row.unit else "",
        includes_descendants=row.includes_descendants,
    )


def prime_grants(users: Iterable[User]) -> None:
    """Read the grants of many users with one query and cache them on each, for a list that asks a permission
    about every row."""
    active = {user.pk: user for user in users if user.is_active}
    found: dict[int, list[Grant]] = {pk: [] for pk in active}
    for row in RoleGrant.objects.filter(user_id__in=active).select_related("unit").order_by("pk"):
        found[row.user_id].append(_grant(row))
    for pk, user in active.items():
        setattr(user, "_xuncha_grants", tuple(found[pk]))  # noqa: B010 - the same cache as grants_of


def forget_grants(user: AnyUser) -> None:
    """Drop every scope cached on the user (grants, group memberships, …) after one changes; the next read fetches
    them again."""
    for name in [name for name in user.__dict__ if name.startswith("_xuncha_")]:
        del user.__dict__[name]


def roles_of(user: AnyUser) -> frozenset[Role]:
    return frozenset(grant.role for grant in grants_of(user))


def held_roles(user: AnyUser) -> frozenset[Role]:
    """The roles of the user's grants and those the user holds through the apps above (a group's leadership)."""
    roles = set(roles_of(user))
    for source in ROLE_SOURCES:
        roles.update(source(user))
    return frozenset(roles)


def grants_for(user: AnyUser, roles: Iterable[Role]) -> list[Grant]:
    wanted = set(roles)
    return [grant for grant in grants_of(user) if grant.role in wanted and grant.unit_id is not None]


def path_q(user: AnyUser, roles: Iterable[Role], path_field: str) -> Q:
    """Rows whose unit (reached through ``path_field``, a path column) lies in a grant of one of ``roles``."""
    query = NOTHING
    for grant in grants_for(user, roles):
        lookup = f"{path_field}__under" if grant.includes_descendants else path_field
        query |= Q(**{lookup: grant.path})
    return query


def unit_roles() -> list[Role]:
    return [role for role in Role if role.sees_units]


def county_readers() -> list[Role]:
    return [role for role in Role if role.reads_county]


def local_roles() -> list[Role]:
    return [role for role in Role if role.is_local]


def stationed_readers() -> list[Role]:
    """Roles that see units but not the county's plans: they read rounds and assignments once groups are stationed
    in their subtree (townships, villages and the receiving bodies)."""
    return [role for role in Role if role.sees_units and not role.reads_county]


def planners() -> list[Role]:
    """The office's roles: they plan the rounds of the counties under their grants (``Role.plans``)."""
    return [role for role in Role if role.plans]


def visible_units_q(user: AnyUser) -> Q:
    """Units the user's grants cover, and those that any scope added by an app above this one reaches."""
    query = path_q(user, unit_roles(), "path")
    for scope in UNIT_SCOPES:
        query |= scope(user)
    return query
