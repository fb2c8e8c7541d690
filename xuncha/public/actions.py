"""Use cases of the residents' side of rectification (双公开, 满意度测评 and 群众认可): the office publishes a done
item's problem and result to the village's public page or withdraws it, opens and closes a village's satisfaction
survey; a resident answers it, and says whether an item being rectified is fixed (``confirm_item``).

The office's actions check the actor's permission and the object's state, write, and record an audit event, in
one transaction; ``SYSTEM`` acts for the demo and commands. A resident's answer is recorded without an
event (see ``answer_survey``).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from datetime import date
from typing import IO, TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from xuncha.accounts.actors import Actor, require, user_or_none
from xuncha.audit.actions import record_event, snapshot
from xuncha.core.exceptions import Conflict, TransitionNotAllowed
from xuncha.core.image_meta import MetadataError, strip_metadata
from xuncha.core.uploads import UploadRefused, check_upload
from xuncha.evidence.actions import store_evidence
from xuncha.organisations.models import AdminUnit, Level
from xuncha.public import permissions
from xuncha.public.models import COMMENT_MAX_LENGTH, Disclosure, ResidentConfirmation, Survey, SurveyAnswer
from xuncha.public.queries import survey_figures
from xuncha.rectification import closing
from xuncha.rectification.actions import flag_residents_objection
from xuncha.rectification.models import DONE_STATUSES, LedgerItem

if TYPE_CHECKING:
    pass

DISCLOSURE_FIELDS = ["summary", "result", "withdrawn_at"]
SURVEY_FIELDS = ["title", "opens_on", "closes_on", "closed_at"]
DEVICE_KEY = re.compile(r"[0-9a-f]{64}")


# Disclosure (整改结果公开) -------------------------------------------------------------------------------------------


@transaction.atomic
def publish_disclosure(item: LedgerItem, *, summary: str, result: str, actor: Actor) -> Disclosure:
    """Publish a done item (CLOSED or ONGOING) on its village's public page: the problem and what was done, in the
    office's words for residents. Publishing an item again replaces its words and brings back a withdrawn one."""
    require(
        actor,
        permissions.can_publish_disclosure(actor, item),
        _("Only the inspection office of the county publishes rectification results."),
    )
    locked = LedgerItem.objects.select_for_update(of=("self",)).select_related("village").get(pk=item.pk)
    if locked.status not in DONE_STATUSES:
        raise TransitionNotAllowed(
            _("Only closed or long-term items are published; %(item)s is %(status)s.")
            % {"item": locked, "status": locked.get_status_display()}
        )
    summary, result = summary.strip(), result.strip()
    if not summary or not result:
        raise Conflict(_("Give the problem and what was done, in words for residents."))
    disclosure = Disclosure.objects.select_for_update().filter(item=locked).first()
    before = snapshot(disclosure, DISCLOSURE_FIELDS) if disclosure is not None else None
    if disclosure is None:
        disclosure = Disclosure.objects.create(
            item=locked, summary=summary, result=result, published_by=user_or_none(actor)
        )
    else:
        disclosure.summary, disclosure.result = summary, result
        disclosure.published_by, disclosure.published_at, disclosure.withdrawn_at = (
            user_or_none(actor),
            timezone.now(),
            None,
        )
        disclosure.save(update_fields=["summary", "result", "published_by", "published_at", "withdrawn_at"])
    record_event(
        "public.disclosure_published",
        disclosure,
        actor=actor,
        unit=locked.village,
        before=before,
        after=snapshot(disclosure, DISCLOSURE_FIELDS),
    )
    return disclosure


@transaction.atomic
def withdraw_disclosure(disclosure: Disclosure, *, actor: Actor) -> Disclosure:
    """Take a published result off the village's public page (it stays on record and may be published again)."""
    require(
        actor,
        permissions.can_withdraw_disclosure(actor, disclosure),
        _("Only the inspection office of the county withdraws published results."),
    )
    locked = Disclosure.objects.select_for_update(of=("self",)).select_related("item__village").get(pk=disclosure.pk)
    if locked.is_withdrawn:
        raise TransitionNotAllowed(_("This result was already withdrawn."))
    before = snapshot(locked, DISCLOSURE_FIELDS)
    locked.withdrawn_at = timezone.now()
    locked.save(update_fields=["withdrawn_at"])
    record_event(
        "public.disclosure_withdrawn",
        locked,
        actor=actor,
        unit=locked.item.village,
        before=before,
        after=snapshot(locked, DISCLOSURE_FIELDS),
    )
    disclosure.withdrawn_at = locked.withdrawn_at
    return locked


# Satisfaction surveys (满意度测评) ----------------------------------------------------------------------------------


@transaction.atomic
def open_survey(village: AdminUnit, *, title: str, opens_on: date, closes_on: date, actor: Actor) -> Survey:
    """Open a satisfaction survey of a village's residents from ``opens_on`` to ``closes_on`` (both included).

    A village has one survey at a time that is not closed: one still running, or yet to open, is refused; one past
    its closing date is closed here first, with its own event.
    """
    require(
        actor, permissions.can_open_survey(actor, village), _("Only the inspection office of the county does this.")
    )
    if village.level != Level.VILLAGE:
        raise Conflict(_("Surveys are of villages and communities."))
    title = title.strip()
    if not title:
        raise Conflict(_("Give the survey a title."))
    today = timezone.localdate()
    if opens_on > closes_on:
        raise Conflict(_("A survey closes on or after the day it opens."))
    if closes_on < today:
        raise Conflict(_("The closing date has passed; choose a later one."))
    # The village's row serialises two offices opening a survey of it at once.
    locked = AdminUnit.objects.select_for_update().get(pk=village.pk)
    for current in Survey.objects.select_for_update().filter(village=locked, closed_at__isnull=True):
        if current.closes_on >= today:
            raise Conflict(
                _("%(village)s already has a survey running until %(date)s; close it first.")
                % {"village": locked, "date": date_format(current.closes_on)}
            )
        _close(current, actor, note=_("Closed after its closing date, as a new survey was opened."))
    survey = Survey.objects.create(
        village=locked, title=title, opens_on=opens_on, closes_on=closes_on, created_by=user_or_none(actor)
    )
    record_event("public.survey_opened", survey, actor=actor, unit=locked, after=snapshot(survey, SURVEY_FIELDS))
    return survey


@transaction.atomic
def close_survey(survey: Survey, *, actor: Actor) -> Survey:
    """Close a survey: it takes no more answers, and the village may have a new one. The event keeps the counts."""
    require(
        actor, permissions.can_close_survey(actor, survey), _("Only the inspection office of the county does this.")
    )
    locked = Survey.objects.select_for_update(of=("self",)).select_related("village").get(pk=survey.pk)
    if locked.is_closed:
        raise TransitionNotAllowed(_("This survey was already closed."))
    _close(locked, actor)
    survey.closed_at, survey.closed_by = locked.closed_at, locked.closed_by
    return locked


def _close(survey: Survey, actor: Actor, note: str = "") -> None:
    before = snapshot(survey, SURVEY_FIELDS)
    survey.closed_at, survey.closed_by = timezone.now(), user_or_none(actor)
    survey.save(update_fields=["closed_at", "closed_by"])
    record_event(
        "public.survey_closed",
        survey,
        actor=actor,
        unit=survey.village,
        before=before,
        after={**snapshot(survey, SURVEY_FIELDS), "figures": survey_figures(survey.answers.all())},
        note=note,
    )


# A resident's answer writes no audit event: answers are anonymous data, not acts of an accountable user. An
# event per answer would copy residents' free-text comments into the append-only chain, where they could never be
# erased, and let the chain's timestamps be matched against a server's access log; the answers' table already holds
# every count, and the closing event of a survey records them.
@transaction.atomic
def answer_survey(survey: Survey, *, rating: str, comment: str, device_key: str) -> SurveyAnswer:
    """Record a resident's rating (and optional comment) while the survey takes answers, once per device:
    ``device_key`` is the keyed hash of the device's token (``public.devices.device_key``)."""
    if rating not in SurveyAnswer.Rating.values:
        raise Conflict(_("Choose one of the three answers."))
    comment = comment.strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise Conflict(_("Keep the comment within %(count)d characters.") % {"count": COMMENT_MAX_LENGTH})
    if not DEVICE_KEY.fullmatch(device_key):
        raise Conflict(_("This phone could not be recognised; reload the page and answer again."))
    current = Survey.objects.get(pk=survey.pk)
    today = timezone.localdate()
    if current.has_ended(today):
        raise TransitionNotAllowed(_("This survey is closed and takes no more answers."))
    if not current.has_begun(today):
        raise TransitionNotAllowed(_("This survey opens on %(date)s.") % {"date": date_format(current.opens_on)})
    already = _("This phone has already answered this survey; each phone answers once.")
    if SurveyAnswer.objects.filter(survey=current, device_key=device_key).exists():
        raise Conflict(already)
    try:
        with transaction.atomic():
            return SurveyAnswer.objects.create(survey=current, rating=rating, comment=comment, device_key=device_key)
    except IntegrityError:
        # The same phone's other request answered in between.
        raise Conflict(already) from None


# Residents confirm the fix (群众认可) ---------------------------------------------------------------------------------


def _check_answer(answer: str, channel: str, comment: str, device_keys: Iterable[str]) -> str:
    if answer not in ResidentConfirmation.Answer.values:
        raise Conflict(_("Say whether it is resolved or not."))
    if channel not in ResidentConfirmation.Channel.values:
        raise Conflict(_("Unknown way of answering."))
    comment = comment.strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise Conflict(_("Keep the comment within %(count)d characters.") % {"count": COMMENT_MAX_LENGTH})
    if not all(DEVICE_KEY.fullmatch(key) for key in device_keys):
        raise Conflict(_("This phone could not be recognised; reload the page and answer again."))
    return comment


def _clean_photo(handle: IO[bytes]) -> tuple[IO[bytes], str]:
    """A resident's photo without what it says of the phone and the place (EXIF GPS, phone model: ``strip_metadata``),
    under a neutral name: the village and the township read it, and neither the file name nor the metadata are the
    resident's to give away unknowingly. A file that cannot be cleaned (a GIF, a broken structure) is refused."""
    handle.seek(0, 2)
    size = handle.tell()
    handle.seek(0)
    kind = check_upload(handle, size, images_only=True)  # type and size first: nothing large is read in
    try:
        data = strip_metadata(handle.read())
    except MetadataError:
        raise UploadRefused(_("This photo could not be read; send it as a JPEG, PNG or WebP picture.")) from None
    return io.BytesIO(data), f"{_('Resident photo')}.{kind.extension}"


# Like a survey answer, a confirmation writes no audit event of its own (see ``answer_survey``); when the answers
# come to hold the item, the item's flag for a return visit is an event (``flag_residents_objection``).
@transaction.atomic
def confirm_item(
    item: LedgerItem,
    *,
    answer: str,
    comment: str,
    device_key: str,
    channel: str,
    photo: tuple[IO[bytes], str] | None = None,
) -> ResidentConfirmation:
    """Record a resident's word on an item not yet closed: resolved or not, with optional words and a photo (checked
    as evidence is, an image within the upload size, and stored without its metadata under a neutral name). One
    answer per phone per item (``device_key``, see ``public.devices.item_device_key``): a phone that answers again
    replaces its answer (words, photo and time with it), so that a resident who sees the item fixed, or broken
    again, can say so. When the answers come to hold the item (``closing.Confirmations.objection_holds``, which
    counts only answers given since the item was last reopened), the item is flagged for a return visit and the
    office told."""
    comment = _check_answer(answer, channel, comment, [device_key])
    # The item's row serialises answers to it, so that the moment the objection comes to hold is seen once.
    locked = LedgerItem.objects.select_for_update(of=("self",)).get(pk=item.pk)
    if locked.status == LedgerItem.Status.CLOSED:
        raise TransitionNotAllowed(_("This item is closed and takes no more answers."))
    before = closing.confirmations(locked)
    evidence = None
    if photo is not None:
        handle, _file_name = photo  # the resident's file name is not kept: it may name them or their phone
        clean, neutral_name = _clean_photo(handle)
        evidence = store_evidence(clean, neutral_name, uploaded_by=None, images_only=True)
    values = {"answer": answer, "channel": channel, "comment": comment, "photo": evidence, "created_at": timezone.now()}
    confirmation, _created = ResidentConfirmation.objects.update_or_create(
        item=locked, device_key=device_key, defaults=values
    )
    after = closing.confirmations(locked)
    if after.objection_holds and not before.objection_holds:
        flag_residents_objection(locked, resolved=after.resolved, unresolved=after.unresolved)
    return confirmation
