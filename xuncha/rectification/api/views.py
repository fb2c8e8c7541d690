"""The rectification API: lists, feedback and receipts, ledger items and their moves, return visits and figures.

Reads start from ``visible_to(user)`` (``ScopedViewSet``): a township or village sees nothing of a round before
its feedback, and only its own part after. Every write validates its body with a small serializer and makes one
call to an action, whose refusals answer 403 (role), 409 (state, a stale ``expected_status``) or 400.
"""

from __future__ import annotations

from typing import IO, Any, cast

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from xuncha.core.api import (
    CREATE_ERRORS,
    LIST_ERRORS,
    READ_ERRORS,
    ScopedViewSet,
    errors,
    list_schema,
    read_schema,
    write_schema,
)
from xuncha.evidence.serializers import file_schema
from xuncha.evidence.views import evidence_response
from xuncha.findings.models import Problem
from xuncha.rectification import actions, queries
from xuncha.rectification.api import filters as f
from xuncha.rectification.api import serializers as s
from xuncha.rectification.filters import LedgerItemFilter
from xuncha.rectification.models import (
    CommonItem,
    ExtensionRequest,
    Feedback,
    LedgerItem,
    ListEntry,
    ProblemList,
    Progress,
    Receipt,
    ResponsibleParty,
    ReturnVisit,
    VisitCheck,
)

Status = LedgerItem.Status


def _uploads(body: dict[str, Any]) -> list[tuple[IO[bytes], str, int]]:
    """The uploaded files of a multipart body, as the actions take them."""
    return [(cast("IO[bytes]", upload), upload.name or "", upload.size or 0) for upload in body.pop("files")]


# Lists ------------------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=list_schema(
        s.ProblemListSerializer,
        "Individual and common lists. The office, leaders and the round's groups see them as they are built; a "
        "township or village only once they are fed back to it: its own individual lists and the common list.",
    ),
    retrieve=read_schema(s.ProblemListSerializer, "A list with its entries (individual) or its items (common)."),
)
class ProblemListViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    model = ProblemList
    related = ("village", "created_by")
    serializer_class = s.ProblemListSerializer
    filterset_class = f.ProblemListFilter

    def get_queryset(self) -> QuerySet[Any]:
        published = Feedback.objects.filter(Q(individual_list=OuterRef("pk")) | Q(common_list=OuterRef("pk")))
        return (
            super()
            .get_queryset()
            .annotate(published=Exists(published))
            .prefetch_related(
                Prefetch("entries", queryset=ListEntry.objects.select_related("problem")),
                Prefetch("common_items", queryset=self.common_items()),
            )
        )

    def common_items(self) -> QuerySet[CommonItem]:
        """Common items rolled up over the ledger items the user may see (a village sees its own one)."""
        user = self.request.user
        visible = Q(ledger_items__in=LedgerItem.objects.visible_to(user))
        return CommonItem.objects.annotate(
            items_total=Count("ledger_items", filter=visible),
            items_closed=Count("ledger_items", filter=visible & Q(ledger_items__status=Status.CLOSED)),
            items_ongoing=Count("ledger_items", filter=visible & Q(ledger_items__status=Status.ONGOING)),
        ).prefetch_related(
            "villages",
            Prefetch("problems", queryset=Problem.objects.visible_to(user).only("pk"), to_attr="visible_problems"),
        )

    @write_schema(
        s.BuildListSerializer,
        s.ProblemListSerializer,
        "The office builds a village's individual list from its confirmed problems of the round (or brings it up "
        "to date until it is fed back); problems stated on the common list are left out.",
        codes=CREATE_ERRORS,
    )
    @action(detail=False, methods=["post"])
    def build(self, request: Request) -> Response:
        body = self.body(s.BuildListSerializer)
        problem_list = actions.build_individual_list(body["round"], body["village"], actor=self.actor)
        return self.respond(s.ProblemListSerializer, self.get_queryset().get(pk=problem_list.pk))

    @write_schema(
        s.CommonItemCreateSerializer,
        s.CommonItemSerializer,
        "The office states one problem shared by several villages on the round's common list, built from "
        "problems of at least two villages, naming every village it applies to; each village gets its own "
        "ledger item when it is fed back.",
        status=201,
        codes=CREATE_ERRORS,
    )
    @action(detail=False, methods=["post"], url_path="common-items")
    def common_item(self, request: Request) -> Response:
        body = self.body(s.CommonItemCreateSerializer)
        item = actions.add_common_item(body.pop("round"), actor=self.actor, **body)
        return self.respond(s.CommonItemSerializer, self.common_items().get(pk=item.pk), status=201)


# Feedback and receipts --------------------------------------------------------------------------------------------


@extend_schema_view(
    list=list_schema(
        s.PublishedFeedbackSerializer,
        "Feedbacks with their receipts: the office sees every village's and who has not signed; a township its "
        "villages', a village its own.",
    ),
    retrieve=read_schema(
        s.PublishedFeedbackSerializer, "A feedback with the receipts of the township and the village."
    ),
)
class FeedbackViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    model = Feedback
    related = ("village", "published_by")
    serializer_class = s.PublishedFeedbackSerializer
    filterset_class = f.FeedbackFilter

    def get_queryset(self) -> QuerySet[Any]:
        receipts = Receipt.objects.select_related("unit", "signed_by")
        return super().get_queryset().prefetch_related(Prefetch("receipts", queryset=receipts))

    @write_schema(
        s.FeedbackPublishSerializer,
        s.PublishedFeedbackSerializer,
        "The office feeds back a village's individual list together with the round's common list, at the same "
        "time to the township party committee and the village party organisation (同步双向反馈): both see the "
        "lists from now on and are asked to sign; the ledger gets its items with their deadlines.",
        status=201,
        codes=CREATE_ERRORS,
    )
    def create(self, request: Request) -> Response:
        body = self.body(s.FeedbackPublishSerializer)
        feedback = actions.publish_feedback(body.pop("round"), body.pop("village"), actor=self.actor, **body)
        return self.respond(s.PublishedFeedbackSerializer, self.get_queryset().get(pk=feedback.pk), status=201)


class ReceiptViewSet(ScopedViewSet):
    model = Receipt
    serializer_class = s.ReceiptSerializer

    def get_queryset(self) -> QuerySet[Any]:
        # A receipt is seen by whoever sees its feedback; only its recipient may sign it.
        visible = Feedback.objects.visible_to(self.request.user)
        return Receipt.objects.filter(feedback__in=visible).select_related("unit", "signed_by")

    @write_schema(
        None,
        s.ReceiptSerializer,
        "The township party committee or the village party organisation signs for the lists it received (签收), once.",
    )
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str | None = None) -> Response:
        return self.respond(s.ReceiptSerializer, actions.sign_receipt(self.get_object(), actor=self.actor))


# Ledger items -----------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=list_schema(
        s.LedgerItemSerializer,
        "Rows of the rectification ledger (整改台账) with their traffic lights: the county's for the office, a "
        "township's villages' for the township, a village's own for the village — none before feedback.",
    ),
    retrieve=read_schema(s.LedgerItemSerializer, "A ledger item, its light and what the reader may do with it."),
)
class LedgerItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    model = LedgerItem
    # The round's county decides who closes; the serializer asks for every row.
    related = ("village", "township", "round__term__county")
    serializer_class = s.LedgerItemSerializer
    filterset_class = LedgerItemFilter

    def get_queryset(self) -> QuerySet[Any]:
        parties = ResponsibleParty.objects.select_related("unit").order_by("-part", "unit__code")
        return super().get_queryset().prefetch_related(Prefetch("parties", queryset=parties))

    def _item(self, item: LedgerItem) -> Response:
        return self.respond(s.LedgerItemSerializer, self.get_queryset().get(pk=item.pk))

    @write_schema(
        s.HandOffSerializer,
        s.LedgerItemSerializer,
        "The office hands the item to a department of its county (移交 to the organisation department, 交办 to a "
        "county department) as lead or co-responsible unit; the department signs, reports and marks its part done, "
        "and the item closes only when every department has done its part.",
    )
    @action(detail=True, methods=["post"], url_path="hand-off")
    def hand_off(self, request: Request, pk: str | None = None) -> Response:
        item, body = self.get_object(), self.body(s.HandOffSerializer)
        actions.hand_off_item(item, actor=self.actor, **body)
        return self._item(item)

    @file_schema("A file of one of the item's progress notes, for token clients; the same scope as the item.")
    @action(
        detail=True,
        methods=["get"],
        url_path=r"progress/(?P<progress_pk>[0-9]+)/evidence/(?P<evidence_pk>[0-9]+)/file",
        filter_backends=[],
    )
    def evidence_file(
        self, request: Request, progress_pk: str, evidence_pk: str, pk: str | None = None
    ) -> FileResponse:
        progress = get_object_or_404(self.get_object().progress, pk=progress_pk)
        return evidence_response(get_object_or_404(progress.evidence, pk=evidence_pk))

    @write_schema(
        s.ItemPlanSerializer,
        s.LedgerItemSerializer,
        "The village writes its measures, goal and responsible leader; an open or returned item is then in progress.",
    )
    @action(detail=True, methods=["post"])
    def plan(self, request: Request, pk: str | None = None) -> Response:
        item, body = self.get_object(), self.body(s.ItemPlanSerializer)
        return self._item(actions.plan_item(item, actor=self.actor, **body))

    @extend_schema(
        description="The item's history: plans, progress reports, submissions, reviews, closures, with evidence.",
        responses={200: s.ProgressSerializer(many=True), **errors(*READ_ERRORS)},
    )
    @action(detail=True, methods=["get"], parser_classes=[MultiPartParser], pagination_class=None, filter_backends=[])
    def progress(self, request: Request, pk: str | None = None) -> Response:
        item = self.get_object()
        history = Progress.objects.filter(item=item).select_related("author").prefetch_related("evidence__uploaded_by")
        return Response(s.ProgressSerializer(history, many=True, context=self.get_serializer_context()).data)

    @write_schema(
        s.ProgressReportSerializer,
        s.ProgressSerializer,
        "The village reports progress (also the periodic report of a long-term item), with evidence files "
        "(multipart); an open or returned item is then in progress.",
        status=201,
    )
    @progress.mapping.post
    def report_progress(self, request: Request, pk: str | None = None) -> Response:
        item, body = self.get_object(), self.body(s.ProgressReportSerializer)
        files = _uploads(body)
        progress = actions.report_progress(item, actor=self.actor, files=files, **body)
        history = Progress.objects.select_related("author").prefetch_related("evidence__uploaded_by")
        return self.respond(s.ProgressSerializer, history.get(pk=progress.pk), status=201)

    @write_schema(
        s.ItemSubmitSerializer,
        s.LedgerItemSerializer,
        "The village reports the item done, with what was done and evidence (multipart; files attached here or "
        "on earlier reports), for the township's review.",
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        item, body = self.get_object(), self.body(s.ItemSubmitSerializer)
        files = _uploads(body)
        return self._item(actions.submit_item(item, actor=self.actor, files=files, **body))

    @write_schema(
        s.ItemReviewSerializer,
        s.LedgerItemSerializer,
        "The township approves a submission (REVIEWED) or returns it with a reason (RETURNED). If the item is no "
        "longer in ``expected_status`` (another reviewer acted first), 409 says who did what and nothing changes.",
    )
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str | None = None) -> Response:
        item, body = self.get_object(), self.body(s.ItemReviewSerializer)
        return self._item(actions.review_item(item, actor=self.actor, **body))

    @write_schema(
        s.ItemReturnSerializer,
        s.LedgerItemSerializer,
        "The office sends a reviewed item back to the village, saying why.",
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_item(self, request: Request, pk: str | None = None) -> Response:
        item, body = self.get_object(), self.body(s.ItemReturnSerializer)
        return self._item(actions.return_reviewed_item(item, actor=self.actor, **body))

    @write_schema(
        s.ItemCloseSerializer,
        s.LedgerItemSerializer,
        "The office closes a reviewed or ongoing item (销号). Items of key villages and flagged items close only "
        "after a return visit verified them; a reviewed long-term item is kept ongoing instead.",
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        item, body = self.get_object(), self.body(s.ItemCloseSerializer)
        return self._item(actions.close_item(item, actor=self.actor, **body))

    @write_schema(
        s.ItemOngoingSerializer,
        s.LedgerItemSerializer,
        "The office keeps a reviewed long-term item ONGOING: the village goes on reporting periodically.",
    )
    @action(detail=True, methods=["post"])
    def ongoing(self, request: Request, pk: str | None = None) -> Response:
        item, body = self.get_object(), self.body(s.ItemOngoingSerializer)
        return self._item(actions.make_ongoing(item, actor=self.actor, **body))

    @write_schema(
        s.ItemReopenSerializer,
        s.LedgerItemSerializer,
        "The office takes a closed or ongoing item back into work with a new deadline.",
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        item, body = self.get_object(), self.body(s.ItemReopenSerializer)
        return self._item(actions.reopen_item(item, actor=self.actor, **body))

    @write_schema(
        s.ItemExtendSerializer,
        s.LedgerItemSerializer,
        "The office director grants more time (整改延期) to an item still being worked on, within the limits "
        "(XUNCHA_EXTENSIONS_MAX_COUNT, XUNCHA_EXTENSIONS_MAX_DAYS); a clerk is refused (403). The village and its "
        "township ask through ``/extensions/``.",
    )
    @action(detail=True, methods=["post"])
    def extend(self, request: Request, pk: str | None = None) -> Response:
        item, body = self.get_object(), self.body(s.ItemExtendSerializer)
        return self._item(actions.extend_deadline(item, actor=self.actor, **body))

    @write_schema(
        None,
        s.LedgerItemSerializer,
        "The office asks that the item be verified on a return visit before it closes.",
    )
    @action(detail=True, methods=["post"])
    def flag(self, request: Request, pk: str | None = None) -> Response:
        return self._item(actions.require_return_visit(self.get_object(), actor=self.actor))


# Extensions as requests -------------------------------------------------------------------------------------------


@extend_schema_view(
    list=list_schema(
        s.ExtensionRequestSerializer,
        "Requests for more time (整改延期申请) on the items the user sees: the county's for the office, a township's "
        "villages' for the township, a village's own; none for a county department.",
    ),
    retrieve=read_schema(s.ExtensionRequestSerializer, "A request for more time and how it was decided."),
)
class ExtensionRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    model = ExtensionRequest
    related = ("item__village", "item__township", "item__round__term__county")
    serializer_class = s.ExtensionRequestSerializer

    def get_queryset(self) -> QuerySet[Any]:
        return super().get_queryset().order_by("pk")

    @write_schema(
        s.ExtensionAskSerializer,
        s.ExtensionRequestSerializer,
        "The village asks for more time on its item (the township reviews), or the township asks for its village "
        "(straight to the office director). One request open per item.",
        status=201,
        codes=CREATE_ERRORS,
    )
    def create(self, request: Request) -> Response:
        body = self.body(s.ExtensionAskSerializer)
        asked = actions.request_extension(body.pop("item"), actor=self.actor, **body)
        return self.respond(s.ExtensionRequestSerializer, self.get_queryset().get(pk=asked.pk), status=201)

    @write_schema(
        s.ExtensionReviewSerializer,
        s.ExtensionRequestSerializer,
        "The township supports its village's request (it goes to the office director) or returns it with a reason.",
    )
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str | None = None) -> Response:
        extension, body = self.get_object(), self.body(s.ExtensionReviewSerializer)
        actions.review_extension(extension, actor=self.actor, **body)
        return self.respond(s.ExtensionRequestSerializer, self.get_queryset().get(pk=extension.pk))

    @write_schema(
        s.ExtensionDecisionSerializer,
        s.ExtensionRequestSerializer,
        "The office director approves (the deadline moves) or refuses a supported request. Beyond the limits it is "
        "approved only with the leading group's decision: ``by_leading_group``, ``meeting_on`` and ``minutes``.",
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        extension, body = self.get_object(), self.body(s.ExtensionDecisionSerializer)
        actions.decide_extension(extension, actor=self.actor, **body)
        return self.respond(s.ExtensionRequestSerializer, self.get_queryset().get(pk=extension.pk))


# Hand-offs: the departments' parts --------------------------------------------------------------------------------


@extend_schema_view(
    list=list_schema(
        s.ResponsiblePartySerializer,
        "Departments' parts of the items handed off (移交, 交办): those of the items the user sees; a department "
        "sees the parties of the items handed to it (``mine=true``: only its own).",
    ),
    retrieve=read_schema(s.ResponsiblePartySerializer, "A department's part of an item and how far it is."),
)
class ResponsiblePartyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    model = ResponsibleParty
    related = ("unit",)
    serializer_class = s.ResponsiblePartySerializer
    filterset_class = f.PartyFilter

    def _party(self) -> ResponsibleParty:
        party: ResponsibleParty = self.get_object()
        return party

    @write_schema(None, s.ResponsiblePartySerializer, "The department signs for the item handed to it (签收), once.")
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str | None = None) -> Response:
        party = actions.sign_party_receipt(self._party(), actor=self.actor)
        return self.respond(s.ResponsiblePartySerializer, self.get_queryset().get(pk=party.pk))

    @write_schema(
        s.ProgressReportSerializer,
        s.ProgressSerializer,
        "The department reports how its part goes, with evidence files (multipart), once it has signed; the "
        "item's own status does not move.",
        status=201,
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def progress(self, request: Request, pk: str | None = None) -> Response:
        party, body = self._party(), self.body(s.ProgressReportSerializer)
        files = _uploads(body)
        progress = actions.report_party_progress(party, actor=self.actor, files=files, **body)
        history = Progress.objects.select_related("author").prefetch_related("evidence__uploaded_by")
        return self.respond(s.ProgressSerializer, history.get(pk=progress.pk), status=201)

    @write_schema(
        s.PartyDoneSerializer,
        s.ResponsiblePartySerializer,
        "The department marks its part done, saying what it did, with evidence files (multipart); the office is "
        "told, and the item closes only when every department has done its part.",
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def done(self, request: Request, pk: str | None = None) -> Response:
        party, body = self._party(), self.body(s.PartyDoneSerializer)
        files = _uploads(body)
        party = actions.complete_party(party, actor=self.actor, files=files, **body)
        return self.respond(s.ResponsiblePartySerializer, self.get_queryset().get(pk=party.pk))


# Return visits ----------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=list_schema(
        s.ReturnVisitSerializer,
        "Return visits with the items they check, their verdicts and the residents' satisfaction: the office's, "
        "the visits planned by the user's groups, and those to a township's or village's own villages.",
    ),
    retrieve=read_schema(s.ReturnVisitSerializer, "A return visit with its checks, verdicts and photos."),
)
class ReturnVisitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    model = ReturnVisit
    related = ("village", "planned_by")
    serializer_class = s.ReturnVisitSerializer
    filterset_class = f.ReturnVisitFilter

    def get_queryset(self) -> QuerySet[Any]:
        checks = VisitCheck.objects.select_related("item").prefetch_related("evidence__uploaded_by")
        return super().get_queryset().prefetch_related(Prefetch("checks", queryset=checks))

    @file_schema("A photo of one of the visit's checks, for token clients; the same scope as the visit.")
    @action(
        detail=True,
        methods=["get"],
        url_path=r"checks/(?P<check_pk>[0-9]+)/evidence/(?P<evidence_pk>[0-9]+)/file",
        filter_backends=[],
    )
    def evidence_file(self, request: Request, check_pk: str, evidence_pk: str, pk: str | None = None) -> FileResponse:
        check = get_object_or_404(self.get_object().checks, pk=check_pk)
        return evidence_response(get_object_or_404(check.evidence, pk=evidence_pk))

    @write_schema(
        s.VisitPlanSerializer,
        s.ReturnVisitSerializer,
        "The office, or a group that inspected the village, plans a return visit and chooses the village's "
        "items to check.",
        status=201,
        codes=CREATE_ERRORS,
    )
    def create(self, request: Request) -> Response:
        body = self.body(s.VisitPlanSerializer)
        round_ = body.pop("round")
        visit = actions.plan_visit(body.pop("village"), actor=self.actor, round_=round_, **body)
        return self.respond(s.ReturnVisitSerializer, self.get_queryset().get(pk=visit.pk), status=201)

    @write_schema(
        s.VisitRecordSerializer,
        s.ReturnVisitSerializer,
        "Record what the visit found: a verdict for every checked item (VERIFIED, which lets it close; REOPEN, "
        "which sends it back into work with a new deadline) and the residents asked and satisfied.",
    )
    @action(detail=True, methods=["post"])
    def record(self, request: Request, pk: str | None = None) -> Response:
        visit, body = self.get_object(), self.body(s.VisitRecordSerializer)
        verdicts = {
            verdict["item"].pk: (verdict["verdict"], verdict["note"], verdict["new_deadline"])
            for verdict in body.pop("verdicts")
        }
        recorded = actions.record_visit(visit, actor=self.actor, verdicts=verdicts, **body)
        return self.respond(s.ReturnVisitSerializer, self.get_queryset().get(pk=recorded.pk))


# Figures ----------------------------------------------------------------------------------------------------------


class FiguresSchema(AutoSchema):
    """The figures are one object computed over a filtered list: no array, no pages, but the list's filters."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        return False

    def get_filter_backends(self) -> list[Any]:
        return list(getattr(self.view, "filter_backends", []))


class FiguresViewSet(ScopedViewSet):
    model = LedgerItem
    filterset_class = f.FiguresFilter
    pagination_class = None
    schema = FiguresSchema()

    @extend_schema(
        description="The rectification figures of the ledger items the user may see, optionally of one round, "
        "township or village: completion rate (整改完成率 = closed ÷ fed-back items; ongoing long-term items "
        "counted apart), on time and overdue.",
        responses={200: s.FiguresSerializer, **errors(*LIST_ERRORS)},
    )
    def list(self, request: Request) -> Response:
        figures = queries.ledger_figures(self.filter_queryset(self.get_queryset()))
        return Response(s.FiguresSerializer(figures).data)
