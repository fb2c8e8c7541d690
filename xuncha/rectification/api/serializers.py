"""What the rectification API shows and accepts. Read serializers show a record; the small input serializers only
validate a request body, which the view then hands to one action.

Objects named in a body (rounds, villages, problems, items) are looked up among those the requesting user may see:
anything else is "does not exist" (400), never a hint that it exists.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from xuncha.evidence.serializers import EvidenceSerializer, evidence_data
from xuncha.findings.api.serializers import ScopedPrimaryKeyField, VillageCodeField
from xuncha.findings.models import Category, FixType, Problem
from xuncha.inspections.models import Round
from xuncha.organisations.models import AdminUnit
from xuncha.rectification import permissions
from xuncha.rectification.models import (
    CommonItem,
    ExtensionRequest,
    Feedback,
    LedgerItem,
    Light,
    ListEntry,
    ProblemList,
    Progress,
    Receipt,
    ResponsibleParty,
    ReturnVisit,
    VisitCheck,
)


def _code(*, nullable: bool = False) -> serializers.SlugRelatedField:
    """A unit shown by its 12-digit code."""
    return serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=nullable)


def _name(source: str, *, nullable: bool = False) -> serializers.CharField:
    return serializers.CharField(source=source, read_only=True, allow_null=nullable)


def _person(*, nullable: bool = False) -> serializers.StringRelatedField:
    """A user shown by name."""
    return serializers.StringRelatedField(allow_null=nullable)


def _files() -> serializers.ListField:
    return serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        help_text=_("Photos, scans or documents (repeat the field for each file); types are judged from content"),
    )


class UnitSerializer(serializers.Serializer[Any]):
    """A village or township: its code and name."""

    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


# Lists ------------------------------------------------------------------------------------------------------------


class ListEntrySerializer(serializers.ModelSerializer[ListEntry]):
    """A confirmed problem on a village's individual list."""

    serial = serializers.CharField(source="problem.serial", read_only=True)
    category = serializers.ChoiceField(source="problem.category", choices=Category.choices, read_only=True)
    fix_type = serializers.ChoiceField(source="problem.fix_type", choices=FixType.choices, read_only=True)
    phenomenon = serializers.CharField(source="problem.phenomenon", read_only=True)

    class Meta:
        model = ListEntry
        fields = ["id", "problem", "serial", "category", "fix_type", "phenomenon"]
        read_only_fields = fields


class CommonItemSerializer(serializers.ModelSerializer[CommonItem]):
    """An item of the common list with the villages it names and, rolled up over the ledger items the reader may
    see, how many of its per-village items are closed."""

    villages = UnitSerializer(many=True, read_only=True)
    problems = serializers.SerializerMethodField(
        help_text=_("Ids of the problems it was built from, among those the reader may see")
    )
    items_total = serializers.IntegerField(read_only=True, help_text=_("Ledger items made from it (fanned out)"))
    items_closed = serializers.IntegerField(read_only=True, help_text=_("Of those, closed"))
    items_ongoing = serializers.IntegerField(read_only=True, help_text=_("Of those, kept ongoing (long-term)"))

    class Meta:
        model = CommonItem
        fields = [
            "id",
            "problem_list",
            "number",
            "text",
            "category",
            "fix_type",
            "villages",
            "problems",
            "items_total",
            "items_closed",
            "items_ongoing",
        ]
        read_only_fields = fields

    def get_problems(self, item: CommonItem) -> list[int]:
        return [problem.pk for problem in getattr(item, "visible_problems", [])]


class ProblemListSerializer(serializers.ModelSerializer[ProblemList]):
    """An individual list with its entries, or the round's common list with its items."""

    village = _code(nullable=True)
    village_name = _name("village.name", nullable=True)
    created_by = _person()
    published = serializers.BooleanField(read_only=True, help_text=_("Whether it has been fed back"))
    entries = ListEntrySerializer(many=True, read_only=True, help_text=_("Individual list: its problems"))
    common_items = CommonItemSerializer(many=True, read_only=True, help_text=_("Common list: its items"))

    class Meta:
        model = ProblemList
        fields = [
            "id",
            "kind",
            "round",
            "village",
            "village_name",
            "created_by",
            "created_at",
            "published",
            "entries",
            "common_items",
        ]
        read_only_fields = fields


class BuildListSerializer(serializers.Serializer[Any]):
    round = ScopedPrimaryKeyField(queryset=Round.objects.all())
    village = VillageCodeField()


class CommonItemCreateSerializer(serializers.Serializer[Any]):
    round = ScopedPrimaryKeyField(queryset=Round.objects.all())
    text = serializers.CharField(help_text=_("The problem shared by the villages, stated once"))
    category = serializers.ChoiceField(choices=Category.choices)
    fix_type = serializers.ChoiceField(choices=FixType.choices)
    problems = ScopedPrimaryKeyField(
        queryset=Problem.objects.all(),
        many=True,
        help_text=_("Confirmed problems of the round, from at least two villages, that it is built from"),
    )
    villages = VillageCodeField(many=True, help_text=_("Codes of every village it applies to"))


# Feedback and receipts --------------------------------------------------------------------------------------------


class ReceiptSerializer(serializers.ModelSerializer[Receipt]):
    """The signature (签收) of one recipient of a feedback."""

    unit = _code()
    unit_name = _name("unit.name")
    signed = serializers.BooleanField(source="is_signed", read_only=True)
    signed_by = _person(nullable=True)

    class Meta:
        model = Receipt
        fields = ["id", "feedback", "recipient", "unit", "unit_name", "signed", "signed_by", "signed_at"]
        read_only_fields = fields


class PublishedFeedbackSerializer(serializers.ModelSerializer[Feedback]):
    """A feedback (反馈) to a village: its two lists and the receipts of the township and the village."""

    village = _code()
    village_name = _name("village.name")
    published_by = _person()
    receipts = ReceiptSerializer(many=True, read_only=True)

    class Meta:
        model = Feedback
        fields = [
            "id",
            "round",
            "village",
            "village_name",
            "individual_list",
            "common_list",
            "fed_back_on",
            "plan_due",
            "published_by",
            "published_at",
            "receipts",
        ]
        read_only_fields = fields


class FeedbackPublishSerializer(serializers.Serializer[Any]):
    round = ScopedPrimaryKeyField(queryset=Round.objects.all())
    village = VillageCodeField()
    fed_back_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text=_("The date of the feedback meeting; today if omitted")
    )


# Ledger items -----------------------------------------------------------------------------------------------------


class ItemPermissionsSerializer(serializers.Serializer[Any]):
    """What the reader may attempt on the item (the item's state may still refuse it)."""

    report = serializers.BooleanField(help_text=_("Plan, report progress and submit (the responsible village)"))
    review = serializers.BooleanField(help_text=_("Approve or return a submission (the overseeing township)"))
    close = serializers.BooleanField(
        help_text=_("Close, return, keep ongoing, reopen, extend and flag (the inspection office)")
    )


class ResponsiblePartySerializer(serializers.ModelSerializer[ResponsibleParty]):
    """A department the item was handed to (移交, 交办), its part and how far it is."""

    unit = _code()
    unit_name = _name("unit.name")

    class Meta:
        model = ResponsibleParty
        fields = [
            "id",
            "item",
            "unit",
            "unit_name",
            "part",
            "request",
            "status",
            "handed_on",
            "signed_at",
            "done_on",
        ]
        read_only_fields = fields


class HandOffSerializer(serializers.Serializer[Any]):
    unit = serializers.SlugRelatedField(
        slug_field="code",
        queryset=AdminUnit.objects.departments(),
        help_text=_("The code of a department of the item's county"),
    )
    part = serializers.ChoiceField(choices=ResponsibleParty.Part.choices, default=ResponsibleParty.Part.CO)
    request = serializers.CharField(max_length=5000, help_text=_("What is asked of the department"))


class PartyDoneSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(help_text=_("What the department did"))
    on = serializers.DateField(required=False, allow_null=True, default=None, help_text=_("Today if omitted"))
    files = _files()


class LedgerItemSerializer(serializers.ModelSerializer[LedgerItem]):
    """A row of the rectification ledger (整改台账) with its traffic light."""

    village = _code()
    village_name = _name("village.name")
    township = _code()
    township_name = _name("township.name")
    light = serializers.ChoiceField(
        source="light_now",
        choices=Light.choices,
        read_only=True,
        help_text=_("GREEN, YELLOW when few working days remain, RED when overdue, DONE when closed or ongoing"),
    )
    may = serializers.SerializerMethodField()
    parties = ResponsiblePartySerializer(many=True, read_only=True)

    class Meta:
        model = LedgerItem
        fields = [
            "id",
            "number",
            "round",
            "feedback",
            "village",
            "village_name",
            "township",
            "township_name",
            "problem",
            "common_item",
            "summary",
            "category",
            "fix_type",
            "measures",
            "goal",
            "responsible_leader",
            "first_responsible_name",
            "first_responsible_post",
            "first_responsible_user",
            "overseer_name",
            "overseer_post",
            "deadline",
            "status",
            "light",
            "needs_return_visit",
            "verified_at",
            "closed_on",
            "reopened",
            "updated_at",
            "parties",
            "may",
        ]
        read_only_fields = fields

    @extend_schema_field(ItemPermissionsSerializer)
    def get_may(self, item: LedgerItem) -> dict[str, bool]:
        user = self.context["request"].user
        return {
            "report": permissions.can_report_progress(user, item),
            "review": permissions.can_review(user, item),
            "close": permissions.can_close(user, item),
        }


class ProgressSerializer(serializers.ModelSerializer[Progress]):
    """A dated step of an item: a plan, a progress report, a submission, a review, a closure, …"""

    author = _person(nullable=True)
    evidence = serializers.SerializerMethodField()

    class Meta:
        model = Progress
        fields = ["id", "item", "kind", "text", "on", "author", "created_at", "evidence"]
        read_only_fields = fields

    @extend_schema_field(EvidenceSerializer(many=True))
    def get_evidence(self, progress: Progress) -> Any:
        args = [progress.item_id, progress.pk]
        return evidence_data(
            progress.evidence.all(), lambda file: reverse("rectification:progress-file", args=[*args, file.pk])
        )


# ``expected_status`` names a status as the client last read it. Its choices carry no labels, so that the schema
# gives it an enum of its own rather than a second name for the item's status enum.
EXPECTED_STATUS_CHOICES = [(value, value) for value in LedgerItem.Status.values]


def _expected_status(default: str | None = None) -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=EXPECTED_STATUS_CHOICES,
        required=False,
        allow_null=True,
        default=default,
        help_text=_("The status the item had when last read; if it has moved since, 409 and nothing changes"),
    )


class ItemPlanSerializer(serializers.Serializer[Any]):
    measures = serializers.CharField(help_text=_("The rectification measures"))
    goal = serializers.CharField(required=False, allow_blank=True, default="")
    responsible_leader = serializers.CharField(max_length=100)


class ProgressReportSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(help_text=_("What was done"))
    on = serializers.DateField(required=False, allow_null=True, default=None, help_text=_("Today if omitted"))
    files = _files()


class ItemSubmitSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(help_text=_("What was done; evidence is required, here or on earlier reports"))
    on = serializers.DateField(required=False, allow_null=True, default=None, help_text=_("Today if omitted"))
    expected_status = _expected_status()
    files = _files()


class ItemReviewSerializer(serializers.Serializer[Any]):
    approve = serializers.BooleanField(help_text=_("true approves (REVIEWED); false returns it (RETURNED)"))
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("Required when returning: why")
    )
    expected_status = _expected_status(LedgerItem.Status.SUBMITTED)


class ItemReturnSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(help_text=_("Why the reviewed item goes back to the village"))


class ItemCloseSerializer(serializers.Serializer[Any]):
    closed_on = serializers.DateField(required=False, allow_null=True, default=None, help_text=_("Today if omitted"))
    note = serializers.CharField(required=False, allow_blank=True, default="")
    override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("The office director's reason to close although residents say the item is not fixed"),
    )


class ItemOngoingSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ItemReopenSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(help_text=_("Why the item is taken back into work"))
    new_deadline = serializers.DateField(help_text=_("A date in the future"))


class ItemExtendSerializer(serializers.Serializer[Any]):
    new_deadline = serializers.DateField(help_text=_("After the current deadline"))
    reason = serializers.CharField(help_text=_("Why more time is granted"))


# Extensions as requests -------------------------------------------------------------------------------------------


class ExtensionRequestSerializer(serializers.ModelSerializer[ExtensionRequest]):
    """A request for more time on an item (整改延期申请), its township's review and the director's decision."""

    item_number = serializers.CharField(source="item.number", read_only=True)
    village = serializers.CharField(source="item.village.code", read_only=True)

    class Meta:
        model = ExtensionRequest
        fields = [
            "id",
            "item",
            "item_number",
            "village",
            "status",
            "previous_deadline",
            "new_deadline",
            "reason",
            "requested_on",
            "reviewed_on",
            "review_note",
            "decided_on",
            "decision_note",
            "beyond_limits",
            "by_leading_group",
            "meeting_on",
            "minutes",
        ]
        read_only_fields = fields


class ExtensionAskSerializer(serializers.Serializer[Any]):
    item = ScopedPrimaryKeyField(queryset=LedgerItem.objects.all(), help_text=_("The ledger item"))
    new_deadline = serializers.DateField(help_text=_("After the current deadline"))
    reason = serializers.CharField(help_text=_("Why more time is needed"))


class ExtensionReviewSerializer(serializers.Serializer[Any]):
    support = serializers.BooleanField(help_text=_("True to support the request, false to return it"))
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text=_("Required to return"))


class ExtensionDecisionSerializer(serializers.Serializer[Any]):
    approve = serializers.BooleanField(help_text=_("True to grant the time, false to refuse it"))
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text=_("Required to refuse"))
    by_leading_group = serializers.BooleanField(
        required=False, default=False, help_text=_("Beyond the limits: the leading group decided")
    )
    meeting_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text=_("The leading group's meeting")
    )
    minutes = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("The leading group's decision")
    )


# Return visits ----------------------------------------------------------------------------------------------------


class VisitCheckSerializer(serializers.ModelSerializer[VisitCheck]):
    """An item checked on a return visit, its verdict (empty until recorded) and the photos taken."""

    item_number = serializers.CharField(source="item.number", read_only=True)
    item_summary = serializers.CharField(source="item.summary_short", read_only=True)
    verdict = serializers.ChoiceField(choices=VisitCheck.Verdict.choices, allow_blank=True, read_only=True)
    photos = serializers.SerializerMethodField()

    class Meta:
        model = VisitCheck
        fields = ["id", "item", "item_number", "item_summary", "verdict", "note", "new_deadline", "photos"]
        read_only_fields = fields

    @extend_schema_field(EvidenceSerializer(many=True))
    def get_photos(self, check: VisitCheck) -> Any:
        args = [check.visit_id, check.pk]
        return evidence_data(
            check.evidence.all(), lambda file: reverse("rectification:visit-file", args=[*args, file.pk])
        )


class ReturnVisitSerializer(serializers.ModelSerializer[ReturnVisit]):
    """A return visit (回访) with the items it checks, their verdicts and the residents' satisfaction."""

    village = _code()
    village_name = _name("village.name")
    planned_by = _person()
    satisfaction = serializers.IntegerField(
        read_only=True, allow_null=True, help_text=_("Residents satisfied ÷ asked, in whole percent")
    )
    checks = VisitCheckSerializer(many=True, read_only=True)

    class Meta:
        model = ReturnVisit
        fields = [
            "id",
            "village",
            "village_name",
            "planned_on",
            "visited_on",
            "visitors",
            "planned_by",
            "planned_by_group",
            "status",
            "people_asked",
            "people_satisfied",
            "satisfaction",
            "note",
            "checks",
        ]
        read_only_fields = fields


class VisitPlanSerializer(serializers.Serializer[Any]):
    village = VillageCodeField()
    planned_on = serializers.DateField()
    items = ScopedPrimaryKeyField(
        queryset=LedgerItem.objects.all(), many=True, help_text=_("Ids of the village's ledger items to check")
    )
    visitors = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    round = ScopedPrimaryKeyField(
        queryset=Round.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The round whose group visits; when omitted, the round of the items if they share one"),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # A group member plans for the round its group inspected; the items usually say which round that is.
        if attrs["round"] is None:
            rounds = {item.round_id for item in attrs["items"]}
            if len(rounds) == 1:
                attrs["round"] = attrs["items"][0].round
        return attrs


class VisitVerdictSerializer(serializers.Serializer[Any]):
    item = ScopedPrimaryKeyField(queryset=LedgerItem.objects.all())
    verdict = serializers.ChoiceField(choices=VisitCheck.Verdict.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text=_("What was seen"))
    new_deadline = serializers.DateField(
        required=False, allow_null=True, default=None, help_text=_("For REOPEN: a date after the visit")
    )


# More residents than any village or community has; also keeps the counts within their database columns.
MAX_PEOPLE = 1_000_000


class VisitRecordSerializer(serializers.Serializer[Any]):
    visited_on = serializers.DateField()
    people_asked = serializers.IntegerField(
        min_value=0, max_value=MAX_PEOPLE, help_text=_("Residents asked about the rectification")
    )
    people_satisfied = serializers.IntegerField(min_value=0, max_value=MAX_PEOPLE, help_text=_("Of those, satisfied"))
    note = serializers.CharField(required=False, allow_blank=True, default="")
    visitors = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=300, help_text=_("Who went; as planned if omitted")
    )
    verdicts = VisitVerdictSerializer(many=True, help_text=_("One verdict for every item the visit checks"))

    def validate_verdicts(self, verdicts: list[dict[str, Any]]) -> list[dict[str, Any]]:
        items = [verdict["item"].pk for verdict in verdicts]
        if len(items) != len(set(items)):
            raise serializers.ValidationError(_("Give one verdict per item."))
        return verdicts


# Figures ----------------------------------------------------------------------------------------------------------


class FiguresSerializer(serializers.Serializer[Any]):
    """The rectification figures of the items the user may see (整改完成率 = closed ÷ fed-back items)."""

    ledger_items = serializers.IntegerField(help_text=_("Items fed back (rows of the ledger)"))
    closed = serializers.IntegerField(help_text=_("Closed (销号)"))
    ongoing = serializers.IntegerField(help_text=_("Kept ongoing as long-term items, counted apart"))
    open = serializers.IntegerField(help_text=_("Neither closed nor ongoing"))
    submitted = serializers.IntegerField(help_text=_("Awaiting the township's review"))
    reviewed = serializers.IntegerField(help_text=_("Reviewed, awaiting the office's closure"))
    returned = serializers.IntegerField(help_text=_("Returned to the village"))
    overdue = serializers.IntegerField(help_text=_("Open and past their deadline"))
    closed_on_time = serializers.IntegerField(help_text=_("Closed on or before their deadline"))
    closed_late = serializers.IntegerField(help_text=_("Closed after their deadline"))
    completion_rate = serializers.FloatField(help_text=_("closed ÷ ledger_items, in percent with one decimal"))
    on_time_rate = serializers.FloatField(help_text=_("closed_on_time ÷ closed, in percent with one decimal"))
