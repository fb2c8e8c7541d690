"""The administrative tree: province → city → county → township → village or community, and the county's
departments (县直部门), which hang under the county beside its townships (see ``codes.department_code``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from xuncha.organisations.lookups import TreePathField

if TYPE_CHECKING:
    from xuncha.accounts.models import User

CODE_LENGTH = 12
PATH_SEPARATOR = "/"


class Level(models.TextChoices):
    PROVINCE = "PROVINCE", _("Province")
    CITY = "CITY", _("City")
    COUNTY = "COUNTY", _("County")
    TOWNSHIP = "TOWNSHIP", _("Township")
    VILLAGE = "VILLAGE", _("Village or community")
    # A county department (县直部门: 住建局, 消防救援大队, 组织部 …): not a division of the NBS tree, but a body
    # under the county that problems are handed off to. It is never a township and has no villages.
    DEPARTMENT = "DEPARTMENT", _("County department")


LEVEL_DEPTH = {
    Level.PROVINCE: 1,
    Level.CITY: 2,
    Level.COUNTY: 3,
    Level.TOWNSHIP: 4,
    Level.VILLAGE: 5,
    Level.DEPARTMENT: 4,
}
# Significant digits of an NBS code at each level; the rest of the 12 digits are zeros. A department's code uses all
# twelve (``codes.department_code``).
LEVEL_DIGITS = {
    Level.PROVINCE: 2,
    Level.CITY: 4,
    Level.COUNTY: 6,
    Level.TOWNSHIP: 9,
    Level.VILLAGE: 12,
    Level.DEPARTMENT: 12,
}


class VillageKind(models.TextChoices):
    VILLAGE = "VILLAGE", _("Village")
    COMMUNITY = "COMMUNITY", _("Community")


class Category(models.TextChoices):
    KEY = "KEY", _("Key village")
    GENERAL = "GENERAL", _("General village")
    WATCH = "WATCH", _("Watch-list village")


class AdminUnitQuerySet(models.QuerySet["AdminUnit"]):
    def visible_to(self, user: User) -> AdminUnitQuerySet:
        """Units the user may see: the subtrees of their grants and the villages of their groups' assignments."""
        from xuncha.accounts.scoping import visible_units_q

        return self.filter(visible_units_q(user))

    def villages(self) -> AdminUnitQuerySet:
        return self.filter(level=Level.VILLAGE)

    def townships(self) -> AdminUnitQuerySet:
        return self.filter(level=Level.TOWNSHIP)

    def counties(self) -> AdminUnitQuerySet:
        return self.filter(level=Level.COUNTY)

    def departments(self) -> AdminUnitQuerySet:
        return self.filter(level=Level.DEPARTMENT)

    def descendants_of(self, unit: AdminUnit, *, include_self: bool = False) -> AdminUnitQuerySet:
        """The whole subtree below ``unit``, found by its stored path prefix (one indexed query)."""
        queryset = self.filter(path__under=unit.path)
        return queryset if include_self else queryset.exclude(pk=unit.pk)

    def ancestors_of(self, unit: AdminUnit, *, include_self: bool = False) -> AdminUnitQuerySet:
        """The chain above ``unit``, read off its stored path (one query), top first."""
        codes = unit.ancestor_codes()
        if include_self:
            codes.append(unit.code)
        return self.filter(code__in=codes).order_by("path")


class AdminUnit(models.Model):
    """A unit of the administrative tree, identified by its NBS statistical code."""

    code = models.CharField(_("code"), max_length=CODE_LENGTH, unique=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=Level)
    kind = models.CharField(_("village kind"), max_length=10, choices=VillageKind, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        related_name="children",
        null=True,
        blank=True,
    )
    # The codes from the root down to this unit, e.g. "/450000000000/450300000000/450328000000/". Subtree and
    # ancestor queries read it instead of walking the tree row by row.
    path = TreePathField(_("path"), max_length=100, unique=True, editable=False)
    category = models.CharField(_("category"), max_length=10, choices=Category, blank=True)
    category_reason = models.TextField(_("reason for the category"), blank=True)
    profile = models.JSONField(_("profile"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AdminUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["level", "path"], name="unit_level_path_idx"),
            models.Index(fields=["parent", "code"], name="unit_parent_code_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level=Level.VILLAGE) | (models.Q(kind="") & models.Q(category="")),
                name="unit_kind_category_only_for_villages",
            ),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("organisations:unit-detail", args=[self.code])

    @property
    def depth(self) -> int:
        return LEVEL_DEPTH[Level(self.level)]

    @property
    def is_village(self) -> bool:
        return self.level == Level.VILLAGE

    @property
    def is_department(self) -> bool:
        return self.level == Level.DEPARTMENT

    @property
    def is_key(self) -> bool:
        return self.category == Category.KEY

    @property
    def short_code(self) -> str:
        """The code without its trailing zeros, as offices write it (450328 for the county)."""
        return self.code[: LEVEL_DIGITS[Level(self.level)]]

    def ancestor_codes(self) -> list[str]:
        return [code for code in self.path.strip(PATH_SEPARATOR).split(PATH_SEPARATOR) if code != self.code]

    def ancestor(self, level: Level) -> AdminUnit | None:
        """This unit's ancestor (or itself) at ``level``, one query at most."""
        if self.level == level:
            return self
        codes = self.path.strip(PATH_SEPARATOR).split(PATH_SEPARATOR)
        depth = LEVEL_DEPTH[level]
        if depth >= len(codes):
            return None
        return AdminUnit.objects.filter(code=codes[depth - 1]).first()

    def profile_items(self) -> list[tuple[str, Any]]:
        return [(PROFILE_LABELS.get(key, key), value) for key, value in self.profile.items()]


PROFILE_LABELS = {
    "population": _("Registered population"),
    "households": _("Households"),
    "party_members": _("Party members"),
    "collective_income": _("Collective income (10,000 yuan)"),
    "natural_villages": _("Natural villages"),
    "industries": _("Main industries"),
    "secretary": _("Party secretary"),
}
