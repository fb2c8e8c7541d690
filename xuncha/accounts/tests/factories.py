from __future__ import annotations

import factory

from xuncha.accounts.models import Role, RoleGrant, User
from xuncha.organisations.models import AdminUnit

TEST_PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"测试用户{n}")
    password = factory.django.Password(TEST_PASSWORD)


def grant(user: User, role: Role, unit: AdminUnit | None = None, *, descendants: bool = True) -> RoleGrant:
    """Give a role directly (tests of the grant action itself use ``actions.grant_role``)."""
    return RoleGrant.objects.create(user=user, role=role, unit=unit, includes_descendants=descendants)
