"""Users and their role grants (user × role × organisational unit)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICE = "OFFICE", _("Inspection office")
    OFFICE_LEAD = "OFFICE_LEAD", _("Inspection office director")
    GROUP_LEADER = "GROUP_LEADER", _("Inspection group leader")
    GROUP_MEMBER = "GROUP_MEMBER", _("Inspection group member")
    DISCIPLINE = "DISCIPLINE", _("Discipline inspection commission")
    ORG_DEPT = "ORG_DEPT", _("Organisation department")
    TOWNSHIP = "TOWNSHIP", _("Township party committee")
    VILLAGE = "VILLAGE", _("Village party organisation")
    LEADER = "LEADER", _("County leader")
    # A county department (县直部门) over its own unit: it sees and works only on the items handed to it.
    DEPARTMENT = "DEPARTMENT", _("County department")
    SYSADMIN = "SYSADMIN", _("System administrator")
    SECURITY_ADMIN = "SECURITY_ADMIN", _("Security administrator")
    AUDITOR = "AUDITOR", _("Security auditor")

    @property
    def needs_unit(self) -> bool:
        """The three administrators of 三员分立 act on the system, not on a part of the county."""
        return self not in SYSTEM_ROLES

    @property
    def sees_units(self) -> bool:
        """Roles whose grant shows them the units of its subtree (group members see through their groups)."""
        return self in UNIT_ROLES

    @property
    def plans(self) -> bool:
        """Roles that plan rounds, form groups and assign targets."""
        return self in (Role.OFFICE, Role.OFFICE_LEAD)

    @property
    def is_local(self) -> bool:
        """The township party committee and the village organisation: they receive and carry out what is fed back
        to their units."""
        return self in (Role.TOWNSHIP, Role.VILLAGE)

    @property
    def reads_county(self) -> bool:
        """Roles that read everything of the counties in their subtree, drafts and plans included."""
        return self in (Role.OFFICE, Role.OFFICE_LEAD, Role.LEADER)


# A leader is titled by the level of the unit granted (the values of ``organisations.Level``, which this module
# cannot import): 县领导 over a county, 市领导 over a city, 自治区领导 or 省领导 over a province.
LEADER_LABELS: dict[str, Promise] = {
    "CITY": _("City leader"),
    "PROVINCE": _("Provincial leader"),
}
# The five autonomous regions (内蒙古, 广西, 西藏, 宁夏, 新疆), by the first two digits of their division code.
AUTONOMOUS_REGION_PREFIXES = frozenset({"15", "45", "54", "64", "65"})


def role_label(role: Role | str, level: str = "", code: str = "") -> str | Promise:
    """The title of ``role`` held over a unit of ``level`` and division ``code`` (a leader over 桂林市 is 市领导)."""
    role = Role(role)
    if role != Role.LEADER:
        return role.label
    if level == "PROVINCE" and code[:2] in AUTONOMOUS_REGION_PREFIXES:
        return _("Autonomous region leader")
    return LEADER_LABELS.get(level, role.label)


SYSTEM_ROLES = frozenset({Role.SYSADMIN, Role.SECURITY_ADMIN, Role.AUDITOR})
SYSTEM_ROLE_VALUES = sorted(role.value for role in SYSTEM_ROLES)
UNIT_ROLES = frozenset(
    {Role.OFFICE, Role.OFFICE_LEAD, Role.LEADER, Role.DISCIPLINE, Role.ORG_DEPT, Role.TOWNSHIP, Role.VILLAGE}
)


if TYPE_CHECKING:
    from xuncha.accounts.scoping import AnyUser


def _manages_accounts(user: AnyUser) -> bool:
    """The system and the security administrator work on every account (their existence; grants and credentials)."""
    from xuncha.accounts.scoping import roles_of

    return bool(roles_of(user) & {Role.SYSADMIN, Role.SECURITY_ADMIN})


class UserQuerySet(models.QuerySet["User"]):
    def visible_to(self, user: AnyUser) -> UserQuerySet:
        """Every account for the system and security administrators; one's own account for everyone else."""
        if _manages_accounts(user):
            return self
        return self.filter(pk=user.pk) if user.is_authenticated else self.none()


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    """Django's user manager with ``visible_to``."""

    use_in_migrations = True


class User(AbstractUser):
    """A person who signs in: office staff, inspectors, township and village cadres, leaders, administrators."""

    display_name = models.CharField(_("name"), max_length=50, blank=True, help_text=_("The person's name, e.g. 张三"))
    title = models.CharField(_("post"), max_length=100, blank=True, help_text=_("Post and work unit"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("Set by a credential reset: the user chooses a new password at the next sign-in."),
    )
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True, editable=False)

    objects: ClassVar[UserManager] = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.username

    def get_full_name(self) -> str:
        return self.display_name or super().get_full_name()

    def get_short_name(self) -> str:
        return self.display_name or self.username

    @property
    def name_and_post(self) -> str:
        """How a person is offered in a picker: name and post, 张三（县委巡察办干部）; the name alone without one."""
        return f"{self}（{self.title}）" if self.title else str(self)


class RoleGrantQuerySet(models.QuerySet["RoleGrant"]):
    def visible_to(self, user: AnyUser) -> RoleGrantQuerySet:
        """Every grant for the system and security administrators; one's own grants for everyone else."""
        if _manages_accounts(user):
            return self
        return self.filter(user_id=user.pk) if user.is_authenticated else self.none()


class RoleGrant(models.Model):
    """A role held by a user over an organisational unit and, unless stated otherwise, its whole subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="grants"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role)
    unit = models.ForeignKey(
        "organisations.AdminUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="grants",
        null=True,
        blank=True,
    )
    includes_descendants = models.BooleanField(_("includes the units below"), default=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    objects = RoleGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        ordering = ["user_id", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit"], name="grant_unique_user_role_unit"),
            models.UniqueConstraint(
                fields=["user", "role"], condition=models.Q(unit__isnull=True), name="grant_unique_system_role"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=SYSTEM_ROLE_VALUES, unit__isnull=True)
                | (~models.Q(role__in=SYSTEM_ROLE_VALUES) & models.Q(unit__isnull=False)),
                name="grant_unit_matches_role",
            ),
        ]

    def __str__(self) -> str:
        role = self.role_title()
        return f"{self.user} · {role} · {self.unit}" if self.unit_id else f"{self.user} · {role}"

    def role_title(self) -> str:
        """The role's title over this grant's unit (a leader over a city is 市领导, not 县领导)."""
        unit = self.unit
        if unit is None:
            return str(Role(self.role).label)
        return str(role_label(self.role, unit.level, unit.code))


def holds_system_role(user: User) -> bool:
    """Whether the user is one of the three administrators of 三员分立."""
    return RoleGrant.objects.filter(user=user, role__in=SYSTEM_ROLE_VALUES).exists()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def live(self) -> ApiTokenQuerySet:
        """Tokens not yet expired (revoked tokens are deleted)."""
        return self.filter(expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """An API token of a user, kept only as the SHA-256 digest of its key; the key is shown once, when issued.

    A token expires after ``XUNCHA_TOKEN_HOURS`` and is revoked (deleted) when its user signs out of the web, changes
    their password, gains or loses a role, or has their two-factor device reset. ``password_stamp`` binds it to the
    password it was issued under, so that a password set by any other way (the admin, ``changepassword``) refuses it
    too.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    digest = models.CharField(_("key digest"), max_length=64, unique=True)
    password_stamp = models.CharField(_("password stamp"), max_length=128)
    # Whether the sign-in that asked for it gave a second factor: a user who comes to need one (two-factor switched
    # on, a role or a group's lead) cannot go on with a token issued on a password alone.
    two_factor = models.BooleanField(_("issued with a second factor"), default=False)
    created_at = models.DateTimeField(_("issued at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} · {self.digest[:8]}"


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A message in a user's in-app inbox (the bell): an item due soon or overdue, a submission to review, …

    ``key`` names what it is about, so that a daily reminder run notifies once per day and subject. With ``params``
    the message is an untranslated text rendered in the reader's language (``text``); without, it is rendered text.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=30)
    key = models.CharField(_("subject"), max_length=80)
    day = models.DateField(_("day"))
    message = models.CharField(_("message"), max_length=300)
    params = models.JSONField(_("message parameters"), null=True, blank=True)
    url = models.CharField(_("link"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "key", "day"], name="notification_once_a_day"),
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        """The message in the active language: hand-off notifications keep their text untranslated with its
        parameters (``accounts.notify``), so that each reader reads it in their own language."""
        if self.params is None:
            return self.message
        try:
            return gettext(self.message) % self.params
        except (KeyError, TypeError, ValueError):
            return self.message
