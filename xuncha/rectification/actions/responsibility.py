"""Name who answers for a village's rectification: the village's 第一责任人 and the township's 督促责任人 (包村领导),
kept as the village's default (copied to each item at feedback) and changed on one item. A village's lists are not
fed back while either person is missing (``why_responsibility_missing``, one of ``FEEDBACK_CHECKS``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from xuncha.accounts.actors import Actor, require, user_or_none
from xuncha.accounts.models import Role, User
from xuncha.audit.actions import record_event, snapshot
from xuncha.core.exceptions import Conflict
from xuncha.findings.models import FixType
from xuncha.organisations.models import AdminUnit, Level
from xuncha.rectification import permissions
from xuncha.rectification.actions._common import _refuse_archived_items
from xuncha.rectification.models import CommonItem, LedgerItem, ListEntry, VillageResponsibility

if TYPE_CHECKING:
    from xuncha.inspections.models import Round

VILLAGE_FIELDS = ["first_name", "first_post", "first_user", "overseer_name", "overseer_post"]
ITEM_FIELDS = [
    "first_responsible_name",
    "first_responsible_post",
    "first_responsible_user",
    "overseer_name",
    "overseer_post",
]


def _clean(first_name: str, first_post: str, overseer_name: str, overseer_post: str) -> tuple[str, str, str, str]:
    values = (first_name.strip(), first_post.strip(), overseer_name.strip(), overseer_post.strip())
    if not values[0] or not values[2]:
        raise Conflict(_("Name both the first responsible person and the overseeing person."))
    return values


def village_account(village: AdminUnit, name: str) -> User | None:
    """The village organisation's account of the person called ``name``, if there is one."""
    return (
        User.objects.filter(grants__role=Role.VILLAGE, grants__unit=village, display_name=name).order_by("pk").first()
    )


def item_people(responsibility: VillageResponsibility | None) -> dict[str, Any]:
    """The item fields a village's defaults fill (none without defaults)."""
    if responsibility is None:
        return {}
    return {
        "first_responsible_name": responsibility.first_name,
        "first_responsible_post": responsibility.first_post,
        "first_responsible_user": responsibility.first_user,
        "overseer_name": responsibility.overseer_name,
        "overseer_post": responsibility.overseer_post,
    }


@transaction.atomic
def set_village_responsibility(
    village: AdminUnit,
    *,
    first_name: str,
    first_post: str,
    overseer_name: str,
    overseer_post: str,
    actor: Actor,
) -> VillageResponsibility:
    """The office or the township names the village's 第一责任人 (a person of the village, linked to the village's
    account of that name) and its 督促责任人 (the township's 包村领导). Items fed back from now on copy them; the
    village's items still being worked on that lack either person get the missing one now (listed in the event)."""
    require(
        actor,
        permissions.can_set_village_responsibility(actor, village),
        _("Only the inspection office or the township names a village's responsible people."),
    )
    if village.level != Level.VILLAGE:
        raise Conflict(_("Responsible people are named for a village or community."))
    first_name, first_post, overseer_name, overseer_post = _clean(first_name, first_post, overseer_name, overseer_post)
    responsibility = VillageResponsibility.objects.select_for_update().filter(village=village).first()
    before = snapshot(responsibility, VILLAGE_FIELDS) if responsibility else {}
    if responsibility is None:
        responsibility = VillageResponsibility(village=village)
    responsibility.first_name, responsibility.first_post = first_name, first_post
    responsibility.first_user = village_account(village, first_name)
    responsibility.overseer_name, responsibility.overseer_post = overseer_name, overseer_post
    responsibility.updated_by = user_or_none(actor)
    responsibility.save()
    filled = _fill_open_items(village, responsibility)
    record_event(
        "rectification.village_responsibility_set",
        responsibility,
        actor=actor,
        unit=village,
        before=before,
        after={**snapshot(responsibility, VILLAGE_FIELDS), "items_filled": filled},
    )
    return responsibility


def _fill_open_items(village: AdminUnit, responsibility: VillageResponsibility) -> list[str]:
    """Give the village's items still being worked on the default people they lack (not the items of an archived
    round, except long-term ones, which go on after the file is closed)."""
    lacking = (
        LedgerItem.objects.open()
        .filter(village=village)
        .filter(Q(first_responsible_name="") | Q(overseer_name=""))
        .exclude(Q(round__archived_at__isnull=False) & ~Q(fix_type=FixType.LONG_TERM))
        .select_for_update()
        .order_by("number")
    )
    filled = []
    for item in lacking:
        fields = []
        if not item.first_responsible_name:
            item.first_responsible_name, item.first_responsible_post = (
                responsibility.first_name,
                responsibility.first_post,
            )
            item.first_responsible_user = responsibility.first_user
            fields += ["first_responsible_name", "first_responsible_post", "first_responsible_user"]
        if not item.overseer_name:
            item.overseer_name, item.overseer_post = responsibility.overseer_name, responsibility.overseer_post
            fields += ["overseer_name", "overseer_post"]
        item.save(update_fields=[*fields, "updated_at"])
        filled.append(item.number)
    return filled


@transaction.atomic
def set_item_responsibility(
    item: LedgerItem,
    *,
    first_name: str,
    first_post: str,
    overseer_name: str,
    overseer_post: str,
    actor: Actor,
) -> LedgerItem:
    """The office or the overseeing township names the 第一责任人 and the 督促责任人 of one item (when they differ
    from the village's defaults, or the item was fed back before they were recorded)."""
    require(
        actor,
        permissions.can_set_item_responsibility(actor, item),
        _("Only the inspection office or the overseeing township names an item's responsible people."),
    )
    _refuse_archived_items([item])
    first_name, first_post, overseer_name, overseer_post = _clean(first_name, first_post, overseer_name, overseer_post)
    locked = LedgerItem.objects.select_for_update(of=("self",)).select_related("village").get(pk=item.pk)
    before = snapshot(locked, ITEM_FIELDS)
    locked.first_responsible_name, locked.first_responsible_post = first_name, first_post
    locked.first_responsible_user = village_account(locked.village, first_name)
    locked.overseer_name, locked.overseer_post = overseer_name, overseer_post
    locked.save(update_fields=[*ITEM_FIELDS, "updated_at"])
    record_event(
        "rectification.item_responsibility_set",
        locked,
        actor=actor,
        unit=locked.village,
        before=before,
        after=snapshot(locked, ITEM_FIELDS),
    )
    item.__dict__.update({name: getattr(locked, name) for name in (*ITEM_FIELDS[:2], *ITEM_FIELDS[3:])})
    item.first_responsible_user_id = locked.first_responsible_user_id
    return locked


def why_responsibility_missing(round_: Round, village: AdminUnit) -> str | None:
    """Why a village's lists cannot be fed back yet: its items would go out without a 第一责任人 or a 督促责任人
    (the village's defaults are missing or incomplete), naming the items; ``None`` when both are recorded."""
    responsibility = VillageResponsibility.objects.filter(village=village).first()
    missing = []
    if responsibility is None or not responsibility.first_name:
        missing.append(_("a first responsible person"))
    if responsibility is None or not responsibility.overseer_name:
        missing.append(_("an overseeing person (the township's leader in charge of the village)"))
    if not missing:
        return None
    numbers = list(
        ListEntry.objects.filter(problem_list__round=round_, problem_list__village=village)
        .order_by("problem__serial")
        .values_list("problem__serial", flat=True)
    )
    numbers += [
        _("common item %(number)s") % {"number": number}
        for number in CommonItem.objects.filter(problem_list__round=round_, villages=village)
        .order_by("number")
        .values_list("number", flat=True)
    ]
    return _(
        "The items of %(village)s would be fed back without %(missing)s: %(items)s. Record the village's "
        "responsible people on its list page first."
    ) % {"village": village, "missing": _(" and ").join(missing), "items": "、".join(numbers) or "—"}
