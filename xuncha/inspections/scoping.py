"""What part of the tree a user reaches through inspection groups: the groups they belong to and the units those
groups are assigned to. Grants are ``accounts.scoping``'s; this module adds group membership beside them, so that
accounts, below inspections, imports nothing of it (``InspectionsConfig.ready`` adds ``group_units_q`` to the
unit scopes)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

from xuncha.accounts.models import Role
from xuncha.inspections.models import Assignment, AssignmentVillage, Membership

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from xuncha.accounts.scoping import AnyUser


def memberships_of(user: AnyUser) -> list[tuple[int, str]]:
    """(group id, role in the group) of every inspection group the user belongs to; one query, cached on the user
    (``accounts.scoping.forget_grants`` drops it)."""
    if not user.is_authenticated or not user.is_active:
        return []
    cached: list[tuple[int, str]] | None = getattr(user, "_xuncha_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).values_list("group_id", "role"))
        setattr(user, "_xuncha_memberships", cached)  # noqa: B010 - a per-request cache on the user object
    return cached


def group_ids_of(user: AnyUser) -> list[int]:
    """The inspection groups the user belongs to."""
    return [group_id for group_id, _role in memberships_of(user)]


def leads_a_group(user: AnyUser) -> bool:
    return any(role == Membership.GroupRole.LEADER for _group_id, role in memberships_of(user))


def group_roles(user: AnyUser) -> list[Role]:
    """The roles a user holds by belonging to groups (leading one, or serving in one), whether or not a grant names
    them."""
    roles = {
        Role.GROUP_LEADER if role == Membership.GroupRole.LEADER else Role.GROUP_MEMBER
        for _group, role in memberships_of(user)
    }
    return sorted(roles)


def group_unit_ids(user: AnyUser) -> QuerySet[Any, Any]:
    """Ids of the units that the user's groups are assigned to: targets and the villages they bring."""
    return AssignmentVillage.objects.filter(assignment__group_id__in=group_ids_of(user)).values("village_id")


def group_units_q(user: AnyUser) -> Q:
    """Units (by ``pk``) that the user's groups inspect: the villages covered and the assignments' targets."""
    groups = group_ids_of(user)
    if not groups:
        return Q(pk__in=[])
    return Q(pk__in=group_unit_ids(user)) | Q(pk__in=Assignment.objects.filter(group_id__in=groups).values("target_id"))
