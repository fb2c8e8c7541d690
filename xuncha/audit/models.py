"""The append-only, hash-chained event log and the log of sensitive reads."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from xuncha.accounts.models import User

GENESIS_HASH = "0" * 64
# The rows of ``ChainHead``: the event chain's and the access log's.
EVENT_HEAD_PK = 1
ACCESS_HEAD_PK = 2


class EventQuerySet(models.QuerySet["Event"]):
    def visible_to(self, user: User) -> EventQuerySet:
        """The whole log is for auditors (三员分立); everyone else reads events through the objects they can see."""
        from xuncha.accounts.permissions import can_read_audit_log

        return self if can_read_audit_log(user) else self.none()

    def for_object(self, obj: models.Model) -> EventQuerySet:
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


class Event(models.Model):
    """One state change: who did what to which object, with the values before and after.

    Rows are only ever inserted. Each carries the hash of its predecessor, so that editing or deleting any row
    breaks the chain that ``xuncha verify-audit`` walks.
    """

    seq = models.BigIntegerField(_("sequence"), unique=True, editable=False)
    created_at = models.DateTimeField(_("time"), editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    actor_label = models.CharField(_("actor name"), max_length=150, blank=True)
    verb = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    unit = models.ForeignKey(
        "organisations.AdminUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id", "seq"], name="event_object_idx")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.verb} {self.object_repr}"


class ChainHead(models.Model):
    """The newest link of a chain (row 1: events, row 2: the access log); its row lock serialises writers and it
    reveals a truncated tail."""

    seq = models.BigIntegerField(_("sequence"), default=0)
    hash = models.CharField(_("hash"), max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"


class AccessLog(models.Model):
    """A sensitive read: a sealed clue opened, a reporter's identity revealed, a list exported.

    Rows are only ever inserted and form a hash chain of their own (``seq``, ``prev_hash``, ``hash``, keyed like
    the events), so that deleting or editing a row is reported by ``xuncha verify-audit``.
    """

    class Action(models.TextChoices):
        CLUE_READ = "CLUE_READ", _("Read a sealed clue")
        REPORTER_REVEALED = "REPORTER_REVEALED", _("Revealed a reporter's identity")
        EXPORTED = "EXPORTED", _("Exported data")
        DOCUMENT = "DOCUMENT", _("Generated a document")
        AUDIT_READ = "AUDIT_READ", _("Read the audit log")
        RECORD_READ = "RECORD_READ", _("Read a confidential record")

    seq = models.BigIntegerField(_("sequence"), unique=True, null=True, editable=False)
    created_at = models.DateTimeField(_("time"), default=timezone.now, editable=False, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="access_logs"
    )
    action = models.CharField(_("action"), max_length=20, choices=Action)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True, editable=False)
    hash = models.CharField(_("hash"), max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="accesslog_object_idx")]

    def __str__(self) -> str:
        return f"{self.user} {self.action} {self.object_type}#{self.object_id}"
