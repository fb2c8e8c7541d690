"""Pickers of people (a group's leader and members, the person declaring a recusal) list them by name and post, as
colleagues know them, never by login name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.test import Client

from xuncha.accounts.models import User
from xuncha.inspections.forms import MemberForm, RecusalForm

if TYPE_CHECKING:
    from xuncha.conftest import World


def _named(user: User, name: str, post: str) -> User:
    user.display_name, user.title = name, post
    user.save(update_fields=["display_name", "title"])
    return user


def test_the_recusal_picker_lists_name_and_post(client: Client, world: World, office: User, group_member: User) -> None:
    _named(group_member, "李明", "县审计局副局长")
    client.force_login(office)
    response = client.get("/rounds/recusals/")
    assert response.status_code == 200
    labels = [label for _value, label in response.context["form"].fields["person"].choices]
    assert "李明（县审计局副局长）" in labels
    assert not any(group_member.username in str(label) for label in labels)
    assert f">{group_member.username}" not in response.content.decode()


def test_a_person_without_a_post_is_listed_by_name(world: World, group_member: User) -> None:
    _named(group_member, "王芳", "")
    form = RecusalForm(people=User.objects.filter(pk=group_member.pk), units=world.county.children.all())
    choices = form.fields["person"].choices  # type: ignore[attr-defined]
    assert [label for _value, label in choices] == ["王芳"]


def test_the_member_pickers_list_name_and_post(client: Client, world: World, office: User, group_member: User) -> None:
    """The round page's member picker and group form name people by name and post."""
    _named(group_member, "李明", "县审计局副局长")
    labels = [label for _value, label in MemberForm(county=world.county).fields["user"].choices]  # type: ignore[attr-defined]
    assert "李明（县审计局副局长）" in labels
    client.force_login(office)
    html = client.get(world.round.get_absolute_url()).content.decode()
    assert "李明（县审计局副局长）" in html
    assert f"({group_member.username})" not in html
