"""Who answers for a village's rectification (整改责任): the village's 第一责任人 (its party secretary) and the
township's 督促责任人 (the 包村领导 who oversees the village). Kept once per village as the default that every item fed
back to the village copies; an item may then name other people. Co-responsible departments are hand-offs
(``ResponsibleParty``), not repeated here."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xuncha.accounts.scoping import county_readers, local_roles, path_q

if TYPE_CHECKING:
    from xuncha.accounts.scoping import AnyUser


class VillageResponsibilityQuerySet(models.QuerySet["VillageResponsibility"]):
    def visible_to(self, user: AnyUser) -> VillageResponsibilityQuerySet:
        """The office and county leaders see every village of their counties; a township its villages; a village its
        own; an inspection group the villages it inspected (it reads their lists)."""
        from xuncha.inspections.models import AssignmentVillage
        from xuncha.inspections.scoping import group_ids_of

        query = path_q(user, county_readers(), "village__path") | path_q(user, local_roles(), "village__path")
        if groups := group_ids_of(user):
            query |= Q(village__in=AssignmentVillage.objects.filter(assignment__group_id__in=groups).values("village"))
        return self.filter(query)


class VillageResponsibility(models.Model):
    """The responsible people of one village's rectification, copied to each item fed back to it."""

    village = models.OneToOneField(
        "organisations.AdminUnit",
        verbose_name=_("village"),
        on_delete=models.CASCADE,
        related_name="responsibility",
    )
    first_name = models.CharField(_("first responsible person"), max_length=50, blank=True)
    first_post = models.CharField(_("post of the first responsible person"), max_length=100, blank=True)
    first_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account of the first responsible person"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    overseer_name = models.CharField(_("overseeing person"), max_length=50, blank=True)
    overseer_post = models.CharField(_("post of the overseeing person"), max_length=100, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = VillageResponsibilityQuerySet.as_manager()

    class Meta:
        verbose_name = _("responsible people of a village")
        verbose_name_plural = _("responsible people of villages")
        ordering = ["village_id"]

    def __str__(self) -> str:
        return f"{self.village} · {self.first} · {self.overseer}"

    @property
    def first(self) -> str:
        return person(self.first_name, self.first_post)

    @property
    def overseer(self) -> str:
        return person(self.overseer_name, self.overseer_post)

    @property
    def complete(self) -> bool:
        return bool(self.first_name.strip() and self.overseer_name.strip())


def person(name: str, post: str) -> str:
    """A person as documents name one: ``李明（村党支部书记）``; the name alone without a post; empty without a name."""
    if not name:
        return ""
    return f"{name}（{post}）" if post else name


# "李明（村党支部书记）", "李明(村党支部书记)"
_NAME_THEN_POST = re.compile(r"^\s*([\u4e00-\u9fff·]{2,6})\s*[（(]\s*([^（()）]+?)\s*[)）]\s*$")
# "村党支部书记 李明", "村党支部书记：李明"
_POST_THEN_NAME = re.compile(r"^\s*(\S.*?)[\s:：]+([\u4e00-\u9fff·]{2,4})\s*$")
_NAME_ONLY = re.compile(r"^\s*([\u4e00-\u9fff·]{2,4})\s*$")
# Words of a post: a text made only of a name never ends in one of these.
_POST_WORDS = ("书记", "主任", "委员", "文书", "会计", "村长", "组长", "干部", "负责人", "主席", "站长", "所长")


def parse_person(text: str) -> tuple[str, str] | None:
    """The (name, post) of a free-text responsible leader in one of the forms villages write — ``李明（村党支部书记）``,
    ``村党支部书记 李明`` or a bare name ``李明`` —, or ``None`` when it does not parse (several people, a unit...)."""
    if match := _NAME_THEN_POST.match(text):
        return match.group(1), match.group(2)
    if (match := _POST_THEN_NAME.match(text)) and match.group(1).endswith(_POST_WORDS):
        return match.group(2), match.group(1).strip()
    if (match := _NAME_ONLY.match(text)) and not text.strip().endswith(_POST_WORDS):
        return match.group(1), ""
    return None
