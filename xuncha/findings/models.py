"""What inspection groups find on site: problems (working papers), suggestions, petitions, sealed clues, and the
evidence files attached to them (the files themselves live in the evidence app)."""

from __future__ import annotations

import secrets
import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuncha.accounts.models import Role
from xuncha.accounts.scoping import NOTHING, county_readers, local_roles, path_q
from xuncha.core.fields import EncryptedTextField
from xuncha.inspections.scoping import group_ids_of

if TYPE_CHECKING:
    from xuncha.accounts.scoping import AnyUser


class Category(models.TextChoices):
    """The twelve kinds of problem of village-level inspection."""

    POLICY = "POLICY", _("Carrying out the Party's policies and decisions")
    BENEFIT = "BENEFIT", _("Policies that benefit the people")
    ASSETS = "ASSETS", _("Collective funds, assets and resources")
    FINANCE = "FINANCE", _("Village finances")
    PROJECT = "PROJECT", _("Construction projects")
    DISCLOSURE = "DISCLOSURE", _("Openness of village affairs")
    PARTY_ORG = "PARTY_ORG", _("Grassroots Party organisation")
    STYLE = "STYLE", _("Work style")
    CORRUPTION = "CORRUPTION", _("Corruption affecting the people")
    SAFETY_LIVELIHOOD = "SAFETY_LIVELIHOOD", _("Safety and people's livelihood")
    PRIOR_RECTIFICATION = "PRIOR_RECTIFICATION", _("Rectification of earlier findings")
    INDUSTRY = "INDUSTRY", _("Industry development")


class FixType(models.TextChoices):
    IMMEDIATE = "IMMEDIATE", _("Fix immediately")
    FOLLOW_UP = "FOLLOW_UP", _("Follow-up rectification")
    LONG_TERM = "LONG_TERM", _("Long-term effort")


def _group_or_county_q(user: AnyUser, county_path: str, group_field: str) -> Q:
    """Rows of the counties the user reads as office or leader, or of the user's own inspection groups."""
    query = path_q(user, county_readers(), county_path)
    groups = group_ids_of(user)
    if groups:
        query |= Q(**{f"{group_field}__in": groups})
    return query


class ProblemQuerySet(models.QuerySet["Problem"]):
    def visible_to(self, user: AnyUser) -> ProblemQuerySet:
        """The office, leaders and the finding group see every paper; townships and villages only what was fed
        back to them, never drafts; a county department the fed-back problems of the items handed to it."""
        query = _group_or_county_q(user, "round__term__county__path", "group_id")
        fed_back_in = path_q(user, local_roles(), "village__path")
        if fed_back_in != NOTHING:
            query |= fed_back_in & Q(status=Problem.Status.FED_BACK)
        # A county department reads the fed-back problem of a ledger item handed to it (the item states it anyway).
        handed = path_q(user, [Role.DEPARTMENT], "ledger_item__parties__unit__path")
        if handed != NOTHING:
            query |= Q(status=Problem.Status.FED_BACK, pk__in=Problem.objects.filter(handed).values("pk"))
        return self.filter(query)

    def papers_visible_to(self, user: AnyUser) -> ProblemQuerySet:
        """The working papers the user reads as such, drafts and their making included: the office's, the leaders'
        and the finding group's (a township or village reads only the problem fed back to it)."""
        return self.filter(_group_or_county_q(user, "round__term__county__path", "group_id"))


class Problem(models.Model):
    """A problem found on site, written up as a working paper (问题底稿)."""

    class Source(models.TextChoices):
        TALK = "TALK", _("Individual talk")
        DOCUMENTS = "DOCUMENTS", _("Review of documents")
        VISIT = "VISIT", _("Visit and survey")
        PETITION = "PETITION", _("Letters and visits")
        SUGGESTION = "SUGGESTION", _("Residents' suggestion")

    class Status(models.TextChoices):
        DRAFT = "DRAFT", _("Draft")
        CONFIRMED = "CONFIRMED", _("Confirmed")
        FED_BACK = "FED_BACK", _("Fed back")
        DISCARDED = "DISCARDED", _("Discarded")

    assignment = models.ForeignKey(
        "inspections.Assignment", verbose_name=_("assignment"), on_delete=models.PROTECT, related_name="problems"
    )
    # Round and group repeat the assignment's so that serial numbers and counts need no join.
    round = models.ForeignKey(
        "inspections.Round", verbose_name=_("round"), on_delete=models.PROTECT, related_name="problems"
    )
    group = models.ForeignKey(
        "inspections.InspectionGroup", verbose_name=_("group"), on_delete=models.PROTECT, related_name="problems"
    )
    village = models.ForeignKey(
        "organisations.AdminUnit", verbose_name=_("village"), on_delete=models.PROTECT, related_name="problems"
    )
    serial_no = models.PositiveIntegerField(_("serial number"))
    # Unique per round and group (serial_no); the text repeats across counties of one instance.
    serial = models.CharField(_("number"), max_length=40, db_index=True)
    category = models.CharField(_("category"), max_length=20, choices=Category)
    phenomenon = models.TextField(_("what was found"), help_text=_("Time, place, people, figures"))
    basis = models.TextField(_("basis for the finding"), blank=True, help_text=_("Rules and documents it breaches"))
    responsibility = models.TextField(_("responsibility"), blank=True)
    source = models.CharField(_("source"), max_length=12, choices=Source)
    fix_type = models.CharField(_("rectification type"), max_length=12, choices=FixType)
    finder = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("found by"), on_delete=models.PROTECT, related_name="+"
    )
    found_on = models.DateField(_("found on"), default=timezone.localdate)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    evidence = models.ManyToManyField("evidence.Evidence", verbose_name=_("evidence"), related_name="+", blank=True)

    objects = ProblemQuerySet.as_manager()

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["round_id", "group_id", "serial_no"]
        constraints = [
            models.UniqueConstraint(fields=["round", "group", "serial_no"], name="problem_unique_serial_no"),
        ]
        indexes = [
            models.Index(fields=["village", "status"], name="problem_village_status_idx"),
            models.Index(fields=["round", "category"], name="problem_round_category_idx"),
        ]

    def __str__(self) -> str:
        return self.serial

    def get_absolute_url(self) -> str:
        return reverse("findings:problem-detail", args=[self.pk])

    @staticmethod
    def format_serial(year: int, round_number: int, group_number: int, serial_no: int) -> str:
        """``[2023]4巡-3组-017``: year of the round, round, group and the group's running number."""
        return f"[{year}]{round_number}巡-{group_number}组-{serial_no:03d}"

    @property
    def summary(self) -> str:
        text = self.phenomenon.strip().replace("\n", " ")
        return text if len(text) <= 60 else text[:60] + "…"


class ImmediateFixNoticeQuerySet(models.QuerySet["ImmediateFixNotice"]):
    def visible_to(self, user: AnyUser) -> ImmediateFixNoticeQuerySet:
        return self.filter(problem__in=Problem.objects.visible_to(user))


class ImmediateFixNotice(models.Model):
    """The notice (立行立改通知书) that asks a village to fix a problem before the group leaves."""

    class Status(models.TextChoices):
        ISSUED = "ISSUED", _("Issued")
        COMPLETED = "COMPLETED", _("Completed")

    problem = models.OneToOneField(Problem, verbose_name=_("problem"), on_delete=models.PROTECT, related_name="notice")
    number = models.CharField(_("notice number"), max_length=40, db_index=True)
    requirement = models.TextField(_("what must be done"))
    issued_on = models.DateField(_("issued on"))
    deadline = models.DateField(_("deadline"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.ISSUED)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    completion_note = models.TextField(_("how it was fixed"), blank=True)

    objects = ImmediateFixNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("immediate-fix notice")
        verbose_name_plural = _("immediate-fix notices")
        ordering = ["deadline"]
        constraints = [
            models.CheckConstraint(condition=Q(deadline__gte=models.F("issued_on")), name="notice_deadline_after_issue")
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.ISSUED and timezone.localdate() > self.deadline


class SuggestionQuerySet(models.QuerySet["Suggestion"]):
    def visible_to(self, user: AnyUser) -> SuggestionQuerySet:
        return self.filter(_group_or_county_q(user, "assignment__round__term__county__path", "assignment__group_id"))


class Suggestion(models.Model):
    """A suggestion (意见建议) from residents or village representatives."""

    class Topic(models.TextChoices):
        INDUSTRY = "INDUSTRY", _("Industry development")
        LIVELIHOOD = "LIVELIHOOD", _("People's livelihood")
        GOVERNANCE = "GOVERNANCE", _("Village governance")
        INFRASTRUCTURE = "INFRASTRUCTURE", _("Infrastructure")
        ECOLOGY = "ECOLOGY", _("Environment and ecology")
        PARTY_BUILDING = "PARTY_BUILDING", _("Party building")
        OTHER = "OTHER", _("Other")

    class Outcome(models.TextChoices):
        IMMEDIATE = "IMMEDIATE", _("Adopted: fix immediately")
        FOLLOW_UP = "FOLLOW_UP", _("Adopted: follow-up rectification")
        NOT_ADOPTED = "NOT_ADOPTED", _("Not adopted")

    assignment = models.ForeignKey(
        "inspections.Assignment", verbose_name=_("assignment"), on_delete=models.PROTECT, related_name="suggestions"
    )
    village = models.ForeignKey(
        "organisations.AdminUnit", verbose_name=_("village"), on_delete=models.PROTECT, related_name="suggestions"
    )
    topic = models.CharField(_("topic"), max_length=16, choices=Topic)
    text = models.TextField(_("suggestion"))
    proposer = models.CharField(
        _("proposed by"), max_length=100, blank=True, help_text=_("e.g. 村民代表, 种植大户 (no names needed)")
    )
    received_on = models.DateField(_("received on"), default=timezone.localdate)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome, blank=True)
    outcome_note = models.TextField(_("reason or handling"), blank=True)
    problem = models.ForeignKey(
        Problem,
        verbose_name=_("problem"),
        on_delete=models.PROTECT,
        related_name="suggestions",
        null=True,
        blank=True,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["-received_on", "pk"]
        indexes = [models.Index(fields=["village", "topic"], name="suggestion_village_topic_idx")]

    def __str__(self) -> str:
        text = self.text.strip()
        return text if len(text) <= 40 else text[:40] + "…"

    def get_absolute_url(self) -> str:
        return reverse("findings:suggestion-detail", args=[self.pk])


RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RECEIPT_LENGTH = 10


def new_receipt_code() -> str:
    """A random code the resident keeps to look up the status (no 0/O, 1/I/L to misread)."""
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))


class PetitionQuerySet(models.QuerySet["Petition"]):
    def visible_to(self, user: AnyUser) -> PetitionQuerySet:
        """Petitions carry residents' complaints and identities: only the office, leaders and the group see them."""
        return self.filter(_group_or_county_q(user, "assignment__round__term__county__path", "assignment__group_id"))


class Petition(models.Model):
    """A letter, call, visit or online message (信访件) received by an inspection group.

    The reporter's name and phone are stored only as Fernet tokens; ``actions.reveal_reporter`` opens them for
    those allowed, and logs each time it does.
    """

    class Channel(models.TextChoices):
        PUBLIC_FORM = "PUBLIC_FORM", _("Online form")
        LETTER = "LETTER", _("Letter")
        PHONE = "PHONE", _("Phone")
        VISIT = "VISIT", _("Visit in person")
        MAILBOX = "MAILBOX", _("Suggestion box")
        EMAIL = "EMAIL", _("E-mail")

    class Status(models.TextChoices):
        RECEIVED = "RECEIVED", _("Received, being handled")
        DISPOSED = "DISPOSED", _("Handled")

    class Disposition(models.TextChoices):
        PROBLEM = "PROBLEM", _("Recorded as a problem")
        CLUE = "CLUE", _("Registered as a clue")
        FORWARDED = "FORWARDED", _("Forwarded to the responsible body")
        EXPLAINED = "EXPLAINED", _("Explained to the resident")
        DUPLICATE = "DUPLICATE", _("Duplicate of another petition")

    assignment = models.ForeignKey(
        "inspections.Assignment", verbose_name=_("assignment"), on_delete=models.PROTECT, related_name="petitions"
    )
    village = models.ForeignKey(
        "organisations.AdminUnit",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="petitions",
        null=True,
        blank=True,
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Channel)
    category = models.CharField(_("category"), max_length=20, choices=Category)
    text = models.TextField(_("content"))
    reporter_name_token = models.TextField(_("reporter's name (encrypted)"), blank=True, editable=False)
    reporter_phone_token = models.TextField(_("reporter's phone (encrypted)"), blank=True, editable=False)
    receipt_code = models.CharField(_("receipt code"), max_length=16, unique=True, default=new_receipt_code)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("Empty when the resident sent it through the online form"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.RECEIVED)
    disposition = models.CharField(_("disposition"), max_length=10, choices=Disposition, blank=True)
    disposition_note = models.TextField(_("handling"), blank=True)
    problem = models.ForeignKey(
        Problem, verbose_name=_("problem"), on_delete=models.PROTECT, related_name="petitions", null=True, blank=True
    )
    duplicate_of = models.ForeignKey(
        "self", verbose_name=_("duplicate of"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    disposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    disposed_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    evidence = models.ManyToManyField("evidence.Evidence", verbose_name=_("photos"), related_name="+", blank=True)

    objects = PetitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["assignment", "status"], name="petition_assignment_status_idx")]

    def __str__(self) -> str:
        # Never the receipt code: it is what a resident holds to look the matter up, and this text becomes the
        # audit event's object name, which the auditor reads.
        return f"{self.get_channel_display()} · {self.received_at:%Y-%m-%d} · #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("findings:petition-detail", args=[self.pk])

    @property
    def is_anonymous(self) -> bool:
        return not (self.reporter_name_token or self.reporter_phone_token)


class ClueQuerySet(models.QuerySet["Clue"]):
    def visible_to(self, user: AnyUser) -> ClueQuerySet:
        """Sealed: the office director, the registering group's leader and, once transferred, the receiving body.
        Nobody else learns that a clue exists."""
        from xuncha.inspections.models import Membership

        query = path_q(user, [Role.OFFICE_LEAD], "round__term__county__path")
        if user.is_authenticated and user.is_active:
            led = Membership.objects.filter(user=user, role=Membership.GroupRole.LEADER).values("group_id")
            query |= Q(group_id__in=led)
        for role, receiver in ((Role.DISCIPLINE, Clue.Receiver.DISCIPLINE), (Role.ORG_DEPT, Clue.Receiver.ORG_DEPT)):
            covered = path_q(user, [role], "round__term__county__path")
            if covered != NOTHING:
                query |= covered & Q(receiver=receiver) & ~Q(status=Clue.Status.REGISTERED)
        return self.filter(query)


class Clue(models.Model):
    """A sealed problem clue (问题线索) to be transferred to the discipline commission or the organisation
    department. Every read is logged."""

    class Source(models.TextChoices):
        PROBLEM = "PROBLEM", _("A problem found")
        PETITION = "PETITION", _("A petition")
        TALK = "TALK", _("An individual talk")

    class Receiver(models.TextChoices):
        DISCIPLINE = "DISCIPLINE", _("Discipline inspection commission")
        ORG_DEPT = "ORG_DEPT", _("Organisation department")

    class Status(models.TextChoices):
        REGISTERED = "REGISTERED", _("Registered")
        TRANSFERRED = "TRANSFERRED", _("Transferred")
        RECEIVED = "RECEIVED", _("Received")
        DISPOSED = "DISPOSED", _("Disposed")
        FEEDBACK = "FEEDBACK", _("Feedback given")

    class Disposal(models.TextChoices):
        TALK_INQUIRY = "TALK_INQUIRY", _("Talk or written inquiry")
        PRELIMINARY = "PRELIMINARY", _("Preliminary verification")
        SHELVED = "SHELVED", _("Kept pending")
        CLOSED = "CLOSED", _("Closed without action")
        CASE = "CASE", _("Case opened")

    reference = models.UUIDField(_("reference"), default=uuid.uuid4, unique=True, editable=False)
    assignment = models.ForeignKey(
        "inspections.Assignment", verbose_name=_("assignment"), on_delete=models.PROTECT, related_name="clues"
    )
    round = models.ForeignKey("inspections.Round", verbose_name=_("round"), on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(
        "inspections.InspectionGroup", verbose_name=_("group"), on_delete=models.PROTECT, related_name="+"
    )
    village = models.ForeignKey(
        "organisations.AdminUnit",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    source = models.CharField(_("source"), max_length=10, choices=Source)
    problem = models.ForeignKey(
        Problem, verbose_name=_("problem"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    petition = models.ForeignKey(
        Petition, verbose_name=_("petition"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # Whom a clue concerns and what it alleges are kept encrypted (``core.fields``); only its readers open them.
    subject = EncryptedTextField(_("person concerned"), max_length=200, help_text=_("Name and post"))
    summary = EncryptedTextField(_("summary"))
    receiver = models.CharField(_("transferred to"), max_length=10, choices=Receiver)
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.REGISTERED)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registered by"), on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    transfer_number = models.CharField(_("transfer document number"), max_length=60, blank=True)
    transferred_at = models.DateTimeField(_("transferred at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    disposal = models.CharField(_("disposal"), max_length=14, choices=Disposal, blank=True)
    disposed_at = models.DateTimeField(_("disposed at"), null=True, blank=True)
    feedback = EncryptedTextField(_("feedback"), blank=True)
    feedback_at = models.DateTimeField(_("feedback at"), null=True, blank=True)

    objects = ClueQuerySet.as_manager()

    class Meta:
        verbose_name = _("problem clue")
        verbose_name_plural = _("problem clues")
        ordering = ["-registered_at"]
        indexes = [models.Index(fields=["round", "status"], name="clue_round_status_idx")]

    def __str__(self) -> str:
        return _("Clue %(reference)s") % {"reference": str(self.reference)[:8].upper()}

    def get_absolute_url(self) -> str:
        return reverse("findings:clue-detail", args=[self.pk])
