"""What part of the tree a user's grants and group memberships cover, as reusable query filters.

Every ``visible_to(user)`` queryset method is built from these helpers, so that pages, exports and the API
share one definition of scope. A user's grants are read once per user object (one query) and cached on it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q

from xuncha.accounts.models import Role, RoleGrant

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import QuerySet

    from xuncha.accounts.models import User

    AnyUser = User | AnonymousUser

NOTHING = Q(pk__in=[])


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


def grants_of(user: AnyUser) -> tuple[Grant, ...]:
    if not user.is_authenticated or not user.is_active:
        return ()
    cached: tuple[Grant, ...] | None = getattr(user, "_xuncha_grants", None)
    if cached is None:
        rows = RoleGrant.objects.filter(user=user).select_related("unit").order_by("pk")
        cached = tuple(
            Grant(
                role=Role(row.role),
                unit_id=row.unit_id,
                path=row.unit.path if row.unit else "",
                level=row.unit.level if row.unit else "",
                includes_descendants=row.includes_descendants,
            )
            for row in rows
        )
        setattr(user, "_xuncha_grants", cached)  # noqa: B010 - a per-request cache on the user object
    return cached


def forget_grants(user: AnyUser) -> None:
    """Drop the cached grants after a grant changes (the next read fetches them again)."""
    user.__dict__.pop("_xuncha_grants", None)
    user.__dict__.pop("_xuncha_memberships", None)


def roles_of(user: AnyUser) -> frozenset[Role]:
    return frozenset(grant.role for grant in grants_of(user))


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


def memberships_of(user: AnyUser) -> list[tuple[int, str]]:
    """(group id, role in the group) of every inspection group the user belongs to; one query, cached."""
    if not user.is_authenticated or not user.is_active:
        return []
    cached: list[tuple[int, str]] | None = getattr(user, "_xuncha_memberships", None)
    if cached is None:
        from xuncha.inspections.models import Membership

        cached = list(Membership.objects.filter(user=user).values_list("group_id", "role"))
        setattr(user, "_xuncha_memberships", cached)  # noqa: B010 - a per-request cache on the user object
    return cached


def group_ids_of(user: AnyUser) -> list[int]:
    """The inspection groups the user belongs to."""
    return [group_id for group_id, _role in memberships_of(user)]


def leads_a_group(user: AnyUser) -> bool:
    return any(role == "LEADER" for _group_id, role in memberships_of(user))


def unit_roles() -> list[Role]:
    return [role for role in Role if role.sees_units]


def county_readers() -> list[Role]:
    return [role for role in Role if role.reads_county]


def group_unit_ids(user: AnyUser) -> QuerySet[Any, Any]:
    """Ids of the units that the user's groups are assigned to: targets and the villages they bring."""
    from xuncha.inspections.models import AssignmentVillage

    return AssignmentVillage.objects.filter(assignment__group_id__in=group_ids_of(user)).values("village_id")


def visible_units_q(user: AnyUser) -> Q:
    query = path_q(user, unit_roles(), "path")
    if group_ids_of(user):
        from xuncha.inspections.models import Assignment

        query |= Q(pk__in=group_unit_ids(user))
        query |= Q(pk__in=Assignment.objects.filter(group_id__in=group_ids_of(user)).values("target_id"))
    return query
