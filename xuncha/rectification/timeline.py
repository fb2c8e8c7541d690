"""One chronological history per case (一案一档): the petition or suggestion it came from, the group's record (talk,
field visit, document review) the working paper was made from, the working paper and its confirmation, the
immediate-fix notice, the feedback and its receipts, every step of the ledger item with its files (among them the
hand-offs to county departments, their receipts, reports and parts done), the return visits and their verdicts,
the residents' confirmations (已解决 / 未解决) and the publication to residents.

The same entries serve the problem's page and the item's page. Each source is read through the reader's scope:
townships and villages never see petitions, suggestions or the making of the working paper (drafts, confirmation,
edits); the group's records show only to their own readers (the group and the office director), and never their
confidential text; no clue ever appears. The records themselves give the business dates and the people (by name and
post); the audit trail gives only the actors that no record keeps. A fixed number of queries, whatever the length
of the history.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xuncha.accounts.models import User
from xuncha.audit.diff import Change, changes
from xuncha.audit.labels import actor_of, person_label
from xuncha.audit.models import Event
from xuncha.evidence.models import Evidence
from xuncha.fieldwork.models import DocumentReview, FieldVisit, TalkRecord
from xuncha.findings.models import ImmediateFixNotice, Petition, Problem, Suggestion
from xuncha.rectification import permissions
from xuncha.rectification.models import (
    ExtensionRequest,
    LedgerItem,
    Progress,
    Receipt,
    ResponsibleParty,
    ReturnVisit,
    VisitCheck,
)

if TYPE_CHECKING:
    from xuncha.accounts.scoping import AnyUser

# Stages of a case, in the order they happen on one day.
SOURCE, PAPER, FEEDBACK, WORK, VISIT, OFFICE, PUBLIC = range(7)
# Steps of the office that end a day's work on the item (a closure after the morning's visit, a reopening after it).
OFFICE_STEPS = {Progress.Kind.CLOSURE, Progress.Kind.ONGOING, Progress.Kind.REOPEN}

LABELS = {
    "petition": gettext_lazy("Petition received"),
    "petition_settled": gettext_lazy("Petition settled"),
    "suggestion": gettext_lazy("Suggestion received"),
    "suggestion_decided": gettext_lazy("Suggestion decided"),
    "made_from_talk": gettext_lazy("Made from a talk record"),
    "made_from_visit": gettext_lazy("Made from a field visit"),
    "made_from_review": gettext_lazy("Made from a document review"),
    "problem_recorded": gettext_lazy("Working paper written"),
    "problem_edited": gettext_lazy("Working paper edited"),
    "problem_confirmed": gettext_lazy("Working paper confirmed"),
    "notice_issued": gettext_lazy("Immediate-fix notice issued"),
    "notice_completed": gettext_lazy("Immediate fix completed"),
    "feedback": gettext_lazy("Fed back to the township and the village"),
    "receipt": gettext_lazy("Receipt signed"),
    "handoff": gettext_lazy("Handed off to a department"),
    "party_signed": gettext_lazy("Signed for by a department"),
    "party_progress": gettext_lazy("A department's progress report"),
    "party_done": gettext_lazy("A department's part done"),
    "flagged": gettext_lazy("Return visit required"),
    "extension_asked": gettext_lazy("More time asked"),
    "extension_supported": gettext_lazy("Request for more time supported by the township"),
    "extension_returned": gettext_lazy("Request for more time returned by the township"),
    "extension_approved": gettext_lazy("More time granted by the office director"),
    "extension_leading_group": gettext_lazy("More time granted by the leading group"),
    "extension_refused": gettext_lazy("More time refused"),
    "visit_planned": gettext_lazy("Return visit planned"),
    "visit_verified": gettext_lazy("Verified on a return visit"),
    "visit_reopen": gettext_lazy("Found not fixed on a return visit"),
    "disclosure": gettext_lazy("Result published to residents"),
    "disclosure_withdrawn": gettext_lazy("Published result withdrawn"),
    "confirmed_resolved": gettext_lazy("A resident says it is resolved"),
    "confirmed_unresolved": gettext_lazy("A resident says it is not resolved"),
    "residents_objected": gettext_lazy("Residents say not fixed: return visit required"),
}


@dataclass(frozen=True)
class Attachment:
    """A file of an entry, served by the page of the record that holds it (which checks the reader's scope)."""

    name: str
    url: str
    is_image: bool


@dataclass(frozen=True)
class Entry:
    """One happening of a case: what (``kind`` and its label), when, by whom, with its details and files."""

    kind: str
    label: str
    on: date
    at: datetime | None
    actor: str
    detail: str = ""
    text: str = ""
    url: str = ""
    attachments: tuple[Attachment, ...] = ()
    # The kind of a ledger step (PLAN, SUBMISSION, …) or the verdict of a visit, for pages and tests to select.
    code: str = ""
    changes: tuple[Change, ...] = ()
    # The department whose step it is (its hand-off, receipt, reports, part done); empty for everyone else's.
    party: str = ""
    sort_key: tuple[Any, ...] = field(default=(), compare=False, repr=False)


def _person(user: User | None) -> str:
    return person_label(str(user), user.title) if user is not None else _("The system")


def _files(files: Iterable[Evidence], url_name: str, *owner: int) -> tuple[Attachment, ...]:
    """The files, each linked to the view ``url_name`` of the record that holds it (``owner`` its URL's keys)."""
    return tuple(Attachment(str(file), reverse(url_name, args=[*owner, file.pk]), file.is_image) for file in files)


def _local(moment: datetime) -> date:
    return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()


def _entry(kind: str, on: date | datetime, actor: str, stage: int, order: tuple[Any, ...] = (), **fields: Any) -> Entry:
    at = on if isinstance(on, datetime) else None
    day = _local(on) if isinstance(on, datetime) else on
    label = fields.pop("label", None) or str(LABELS[kind])
    moment = timezone.localtime(at).time() if at is not None and timezone.is_aware(at) else None
    key = (day, stage, *order, moment.isoformat() if moment else "")
    return Entry(kind=kind, label=label, on=day, at=at, actor=actor, sort_key=key, **fields)


def case_timeline(user: AnyUser, *, problem: Problem | None = None, item: LedgerItem | None = None) -> list[Entry]:
    """The history of the case of ``problem`` or of ``item``, oldest first, as ``user`` may read it.

    The caller has read ``problem`` or ``item`` through ``visible_to``; everything else is scoped here. For an item
    of the common list (no working paper of its own) the history starts at the feedback.
    """
    if item is None and problem is not None:
        item = (
            LedgerItem.objects.visible_to(user).filter(problem=problem).select_related("feedback__published_by").first()
        )
    elif item is not None:
        item = LedgerItem.objects.select_related("feedback__published_by").get(pk=item.pk)
        if item.problem_id is not None:
            problem = (
                Problem.objects.visible_to(user)
                .select_related("finder", "confirmed_by")
                .filter(pk=item.problem_id)
                .first()
            )
    entries: list[Entry] = []
    notice = None
    reads_papers = False
    if problem is not None:
        reads_papers = Problem.objects.papers_visible_to(user).filter(pk=problem.pk).exists()
        notice = ImmediateFixNotice.objects.select_related("issued_by").filter(problem=problem).first()
        entries += _notice_entries(notice)
        if reads_papers:
            entries += _source_entries(user, problem) + _record_entries(user, problem) + _paper_entries(problem)
    events = _events(problem if reads_papers else None, notice, item)
    if notice is not None and notice.completed_on is not None:
        entries.append(_notice_completion(notice, notice.completed_on, events))
    if item is not None:
        entries += (
            _feedback_entries(user, item)
            + _step_entries(item)
            + _extension_entries(user, item)
            + _visit_entries(user, item)
            + _disclosure_entries(item)
            + _confirmation_entries(user, item)
        )
    entries += [_event_entry(event) for event in events if event.verb in EVENT_ENTRIES]
    return sorted(entries, key=lambda entry: entry.sort_key)


# Where the case came from and its working paper -------------------------------------------------------------------


def _source_entries(user: AnyUser, problem: Problem) -> list[Entry]:
    entries: list[Entry] = []
    petitions = (
        Petition.objects.visible_to(user)
        .filter(problem=problem)
        .select_related("recorded_by", "disposed_by")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at")))
        .order_by("received_at")
    )
    for petition in petitions:
        received_by = (
            _person(petition.recorded_by) if petition.recorded_by is not None else _("A resident, through the form")
        )
        entries.append(
            _entry(
                "petition",
                petition.received_at,
                received_by,
                SOURCE,
                (petition.pk,),
                detail=f"{petition.get_channel_display()} · {petition.get_category_display()}",
                url=petition.get_absolute_url(),
                attachments=_files(petition.evidence.all(), "findings:petition-file", petition.pk),
            )
        )
        if petition.disposed_at is not None:
            entries.append(
                _entry(
                    "petition_settled",
                    petition.disposed_at,
                    _person(petition.disposed_by),
                    SOURCE,
                    (petition.pk,),
                    detail=petition.get_disposition_display(),
                    url=petition.get_absolute_url(),
                )
            )
    suggestions = (
        Suggestion.objects.visible_to(user)
        .filter(problem=problem)
        .select_related("recorded_by", "decided_by")
        .order_by("received_on", "pk")
    )
    for suggestion in suggestions:
        entries.append(
            _entry(
                "suggestion",
                suggestion.received_on,
                _person(suggestion.recorded_by),
                SOURCE,
                (suggestion.pk,),
                detail=suggestion.get_topic_display(),
                url=suggestion.get_absolute_url(),
            )
        )
        if suggestion.decided_at is not None:
            entries.append(
                _entry(
                    "suggestion_decided",
                    suggestion.decided_at,
                    _person(suggestion.decided_by),
                    SOURCE,
                    (suggestion.pk,),
                    detail=suggestion.get_outcome_display(),
                    url=suggestion.get_absolute_url(),
                )
            )
    return entries


def _record_entries(user: AnyUser, problem: Problem) -> list[Entry]:
    """The group's records the working paper was made from (``fieldwork``: the link is kept on the record), each
    through its own confidential scope: the group and the office director, no one else. Who talked or visited and
    when, never the person talked to, the transcript or the notes, which only the record's page shows (and logs)."""
    talks = (
        TalkRecord.objects.visible_to(user)
        .filter(problems=problem)
        .defer("person_name", "person_post", "transcript")
        .prefetch_related(Prefetch("interviewers", queryset=User.objects.order_by("pk")))
        .order_by("talked_on", "pk")
    )
    entries = [
        _entry(
            "made_from_talk",
            talk.talked_on,
            "、".join(_person(interviewer) for interviewer in talk.interviewers.all()),
            SOURCE,
            (talk.pk,),
            detail=f"{talk.get_talk_role_display()} · {talk.place}",
            url=talk.get_absolute_url(),
        )
        for talk in talks
    ]
    visits = (
        FieldVisit.objects.visible_to(user)
        .filter(problems=problem)
        .defer("notes")
        .select_related("recorded_by")
        .order_by("visited_on", "pk")
    )
    entries += [
        _entry(
            "made_from_visit",
            visit.visited_on,
            _person(visit.recorded_by),
            SOURCE,
            (visit.pk,),
            detail=_("%(place)s, %(households)s households visited")
            % {"place": visit.place, "households": visit.households},
            url=visit.get_absolute_url(),
        )
        for visit in visits
    ]
    reviews = (
        DocumentReview.objects.visible_to(user)
        .filter(problems=problem)
        .select_related("recorded_by")
        .order_by("requested_on", "pk")
    )
    entries += [
        _entry(
            "made_from_review",
            review.requested_on,
            _person(review.recorded_by),
            SOURCE,
            (review.pk,),
            detail=review.get_status_display(),
            url=review.get_absolute_url(),
        )
        for review in reviews
    ]
    return entries


def _paper_entries(problem: Problem) -> list[Entry]:
    """The working paper written (with its evidence) and confirmed: for those who read working papers."""
    files = _files(problem.evidence.order_by("uploaded_at"), "findings:problem-file", problem.pk)
    entries = [
        _entry(
            "problem_recorded",
            problem.found_on,
            _person(problem.finder),
            PAPER,
            (0,),
            detail=f"{problem.serial} · {problem.get_category_display()}",
            url=problem.get_absolute_url(),
            attachments=files,
        )
    ]
    if problem.confirmed_at is not None:
        entries.append(
            _entry(
                "problem_confirmed",
                problem.confirmed_at,
                _person(problem.confirmed_by),
                PAPER,
                (2,),
                url=problem.get_absolute_url(),
            )
        )
    return entries


def _notice_entries(notice: ImmediateFixNotice | None) -> list[Entry]:
    if notice is None:
        return []
    docx = Attachment(f"{notice.number}.docx", reverse("documents:notice-docx", args=[notice.pk]), False)
    return [
        _entry(
            "notice_issued",
            notice.issued_on,
            _person(notice.issued_by),
            PAPER,
            (3,),
            detail=_("No. %(number)s, to be done by %(deadline)s")
            % {"number": notice.number, "deadline": notice.deadline.isoformat()},
            text=notice.requirement,
            attachments=(docx,),
        )
    ]


def _notice_completion(notice: ImmediateFixNotice, completed_on: date, events: list[Event]) -> Entry:
    recorded = [event for event in events if event.verb == "findings.notice_completed"]
    return _entry(
        "notice_completed",
        completed_on,
        actor_of(recorded[-1]) if recorded else "—",
        PAPER,
        (4,),
        text=notice.completion_note,
    )


# The audit trail, for what no record keeps ------------------------------------------------------------------------

# Events that are entries of their own: a working paper's edits (for its readers only) and the office's demand of a
# return visit.
EVENT_ENTRIES = {
    "findings.problem_edited": ("problem_edited", PAPER),
    "rectification.item_flagged": ("flagged", OFFICE),
    "rectification.residents_objected": ("residents_objected", OFFICE),
}


def _events(problem: Problem | None, notice: ImmediateFixNotice | None, item: LedgerItem | None) -> list[Event]:
    query = Q(pk__in=[])
    if problem is not None:
        query |= Q(object_type=Problem._meta.label_lower, object_id=str(problem.pk), verb="findings.problem_edited")
    if notice is not None and notice.completed_on is not None:
        query |= Q(
            object_type=ImmediateFixNotice._meta.label_lower, object_id=str(notice.pk), verb="findings.notice_completed"
        )
    if item is not None:
        query |= Q(
            object_type=LedgerItem._meta.label_lower,
            object_id=str(item.pk),
            verb__in=["rectification.item_flagged", "rectification.residents_objected"],
        )
    if problem is None and notice is None and item is None:
        return []
    return list(Event.objects.filter(query).select_related("actor").order_by("seq"))


def _event_entry(event: Event) -> Entry:
    kind, stage = EVENT_ENTRIES[event.verb]
    return _entry(
        kind, event.created_at, actor_of(event), stage, (1,), changes=tuple(changes(event, choices_only=False))
    )


# The feedback, the ledger, the visits and the publication ---------------------------------------------------------


def _feedback_entries(user: AnyUser, item: LedgerItem) -> list[Entry]:
    feedback = item.feedback
    # The list is linked for its readers; a department the item was handed to reads the item, not the village's list.
    department_only = permissions.acts_for_departments(user) and not permissions.works_on_lists(user)
    list_url = "" if department_only else reverse("rectification:list-detail", args=[feedback.individual_list_id])
    entries = [
        _entry(
            "feedback",
            feedback.fed_back_on,
            _person(feedback.published_by),
            FEEDBACK,
            (0,),
            detail=_("Rectification plan due on %(due)s.") % {"due": feedback.plan_due.isoformat()},
            url=list_url,
            code="FEEDBACK",
        )
    ]
    receipts = (
        Receipt.objects.filter(feedback=feedback, signed_at__isnull=False)
        .select_related("signed_by", "unit")
        .order_by("signed_at")
    )
    entries += [
        _entry(
            "receipt",
            receipt.signed_at,
            _person(receipt.signed_by),
            FEEDBACK,
            (1,),
            detail=f"{receipt.get_recipient_display()} · {receipt.unit}",
        )
        for receipt in receipts
        if receipt.signed_at is not None
    ]
    return entries


def _step_entries(item: LedgerItem) -> list[Entry]:
    steps = (
        item.progress.select_related("author", "party__unit")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at")))
        .order_by("on", "pk")
    )
    return [
        _party_entry(item, step, step.party)
        if step.party is not None
        else _entry(
            "step",
            step.on,
            _person(step.author),
            OFFICE if step.kind in OFFICE_STEPS else WORK,
            (step.pk,),
            label=step.get_kind_display(),
            text=step.text,
            code=step.kind,
            attachments=_files(step.evidence.all(), "rectification:progress-file", item.pk, step.pk),
        )
        for step in steps
    ]


def _extension_entries(user: AnyUser, item: LedgerItem) -> list[Entry]:
    """Each request for more time: asked, reviewed by the township, decided by the director or the leading group
    (the approval's EXTENSION step follows with the new deadline). One query; a department reads none."""
    requests = (
        ExtensionRequest.objects.visible_to(user)
        .filter(item=item)
        .select_related("requested_by", "reviewed_by", "decided_by")
        .order_by("requested_on", "pk")
    )
    entries: list[Entry] = []
    for request in requests:
        direct = request.decided_by_id is not None and request.decided_by_id == request.requested_by_id
        dates = _("%(before)s → %(after)s") % {
            "before": request.previous_deadline.isoformat(),
            "after": request.new_deadline.isoformat(),
        }
        if not direct:
            entries.append(
                _entry(
                    "extension_asked",
                    request.requested_on,
                    _person(request.requested_by),
                    WORK,
                    (0, request.pk),
                    detail=dates,
                    text=request.reason,
                    code="EXTENSION_ASKED",
                )
            )
        reviewed = request.reviewed_on is not None and request.reviewed_by_id != request.requested_by_id
        if reviewed and request.reviewed_on is not None:
            returned = request.status == ExtensionRequest.Status.RETURNED
            entries.append(
                _entry(
                    "extension_returned" if returned else "extension_supported",
                    request.reviewed_on,
                    _person(request.reviewed_by),
                    WORK,
                    (0, request.pk),
                    text=request.review_note,
                    code=request.status if returned else "SUPPORTED",
                )
            )
        if request.decided_on is not None and not direct:
            approved = request.status == ExtensionRequest.Status.APPROVED
            kind = "extension_refused"
            detail = dates
            if approved:
                kind = "extension_leading_group" if request.by_leading_group else "extension_approved"
            if request.by_leading_group and request.meeting_on is not None:
                detail = _("%(dates)s; leading group meeting of %(meeting)s") % {
                    "dates": dates,
                    "meeting": request.meeting_on.isoformat(),
                }
            entries.append(
                _entry(
                    kind,
                    request.decided_on,
                    _person(request.decided_by),
                    WORK,
                    (0, request.pk),
                    detail=detail,
                    text=request.minutes if request.by_leading_group else request.decision_note,
                    code=request.status,
                )
            )
    return entries


# A department's steps, each an entry of its own kind.
PARTY_KINDS: dict[str, str] = {
    Progress.Kind.HANDOFF: "handoff",
    Progress.Kind.PARTY_SIGNED: "party_signed",
    Progress.Kind.PROGRESS: "party_progress",
    Progress.Kind.PARTY_DONE: "party_done",
}


def _party_entry(item: LedgerItem, step: Progress, party: ResponsibleParty) -> Entry:
    """A step of a department the item was handed to (``models_handoff``): the hand-off names the department, its
    part and what is asked of it; the receipt keeps its moment; reports and the part done carry their files. Read
    with the item's steps (the party joined), so that more departments cost no more queries; whoever reads the item
    reads its parties (``ResponsibleParty.visible_to``)."""
    unit = str(party.unit)
    if step.kind == Progress.Kind.HANDOFF:
        detail, text = f"{unit} · {party.get_part_display()}", party.request
    else:
        # A receipt's text only repeats who signed; the others say what the department did.
        detail, text = unit, "" if step.kind == Progress.Kind.PARTY_SIGNED else step.text
    signed_at = party.signed_at if step.kind == Progress.Kind.PARTY_SIGNED else None
    return _entry(
        PARTY_KINDS.get(step.kind, "party_progress"),
        signed_at or step.on,
        _person(step.author),
        WORK,
        (step.pk,),
        detail=detail,
        text=text,
        code=step.kind,
        party=unit,
        attachments=_files(step.evidence.all(), "rectification:progress-file", item.pk, step.pk),
    )


def _visit_entries(user: AnyUser, item: LedgerItem) -> list[Entry]:
    """Each visit that checks the item, with its verdict; its page and photos only for the readers of the visit."""
    checks = list(
        VisitCheck.objects.filter(item=item)
        .select_related("visit__planned_by")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at")))
        .order_by("visit__planned_on", "pk")
    )
    if not checks:
        return []
    readable = set(
        ReturnVisit.objects.visible_to(user)
        .filter(pk__in={check.visit_id for check in checks})
        .values_list("pk", flat=True)
    )
    entries: list[Entry] = []
    for check in checks:
        visit = check.visit
        shown = visit.pk in readable
        url = visit.get_absolute_url() if shown else ""
        # Photos may be taken on site before the verdict is written down: a planned visit shows them too.
        attachments = _files(check.evidence.all() if shown else [], "rectification:visit-file", visit.pk, check.pk)
        if visit.visited_on is None:
            entries.append(
                _entry(
                    "visit_planned",
                    visit.planned_on,
                    _person(visit.planned_by),
                    VISIT,
                    (check.pk,),
                    url=url,
                    attachments=attachments,
                )
            )
            continue
        kind = "visit_verified" if check.verdict == VisitCheck.Verdict.VERIFIED else "visit_reopen"
        entries.append(
            _entry(
                kind,
                visit.visited_on,
                visit.visitors or _person(visit.planned_by),
                VISIT,
                (check.pk,),
                text=check.note,
                url=url,
                code=check.verdict,
                attachments=attachments,
            )
        )
    return entries


def _disclosure_entries(item: LedgerItem) -> list[Entry]:
    """The publication to residents (``public``), read through the item's reverse relation: the residents' app
    builds on this one, not the other way round."""
    row = (
        LedgerItem.objects.filter(pk=item.pk, disclosure__isnull=False)
        .values(
            "disclosure__published_at",
            "disclosure__withdrawn_at",
            "disclosure__published_by__username",
            "disclosure__published_by__display_name",
            "disclosure__published_by__title",
        )
        .first()
    )
    if row is None:
        return []
    name = row["disclosure__published_by__display_name"] or row["disclosure__published_by__username"]
    publisher = person_label(name, row["disclosure__published_by__title"] or "") if name else _("The system")
    entries = [_entry("disclosure", row["disclosure__published_at"], publisher, PUBLIC)]
    if row["disclosure__withdrawn_at"] is not None:
        entries.append(_entry("disclosure_withdrawn", row["disclosure__withdrawn_at"], publisher, PUBLIC))
    return entries


def _confirmation_entries(user: AnyUser, item: LedgerItem) -> list[Entry]:
    """Residents' answers on the item (``public.ResidentConfirmation``, through the item's reverse relation), with
    their words and photo. Which way a resident answered tells the petitioner apart: only readers from the county's
    side learn it, never the township or the village, who read of the petitioner's answer neither its words nor its
    photo (``ResidentConfirmation.words_visible_to``). One query."""
    rows = item.resident_confirmations.order_by("created_at", "pk").values(
        "pk", "answer", "channel", "comment", "created_at", "photo_id", "item__village__code"
    )
    reads_channel = permissions.reads_round_lists(user)
    entries = []
    for row in rows:
        petitioner = reads_channel and row["channel"] == "RECEIPT"
        withheld = not reads_channel and row["channel"] == "RECEIPT"
        photo = (
            (
                Attachment(
                    _("Photo"),
                    reverse("disclosure:confirmation-photo", args=[row["item__village__code"], row["pk"]]),
                    True,
                ),
            )
            if row["photo_id"] and not withheld
            else ()
        )
        entries.append(
            _entry(
                "confirmed_unresolved" if row["answer"] == "UNRESOLVED" else "confirmed_resolved",
                row["created_at"],
                _("The petitioner, by the receipt code") if petitioner else _("A resident"),
                PUBLIC,
                (),  # ordered by the moment, like the publication's entries of the same day
                text="" if withheld else row["comment"],
                code=row["answer"],
                attachments=photo,
            )
        )
    return entries
