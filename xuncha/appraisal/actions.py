"""Use cases of the democratic appraisal (民主测评): a member of the group opens an appraisal of a village of its
assignment, enters paper forms, and closes it; a resident answers on a phone.

The group's actions check the actor's permission and the appraisal's state, write, and record an audit event, in
one transaction. A phone's answer is recorded without an event, like a survey's answer (``public.actions``): it is
anonymous data, not an act of an accountable user, and an event per answer would let the chain's timestamps be
matched against who was in the room.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.actors import Actor, require, user_or_none
from xuncha.appraisal import permissions
from xuncha.appraisal.models import (
    STANDARD_ITEMS,
    Appraisal,
    AppraisalAnswer,
    AppraisalForm,
    AppraisalItem,
    Rating,
)
from xuncha.appraisal.queries import form_counts
from xuncha.audit.actions import record_event, snapshot
from xuncha.core.exceptions import Conflict, TransitionNotAllowed
from xuncha.inspections.models import Assignment
from xuncha.organisations.models import AdminUnit

APPRAISAL_FIELDS = ["title", "status"]
DEVICE_KEY = re.compile(r"[0-9a-f]{64}")
# A questionnaire names at most this many cadres (the two committees of a village and its supervisors).
MAX_CADRES = 15
# Paper forms entered at once with the same answers.
MAX_PAPER_BATCH = 200
# Which state allows which move (one move: the group closes an open appraisal).
TRANSITIONS: dict[str, set[str]] = {Appraisal.Status.OPEN: {Appraisal.Status.CLOSED}, Appraisal.Status.CLOSED: set()}

type Ratings = Mapping[int, str]


@transaction.atomic
def open_appraisal(
    assignment: Assignment, village: AdminUnit, *, title: str, cadres: Sequence[tuple[str, str]], actor: Actor
) -> Appraisal:
    """Open an appraisal of ``village`` (covered by ``assignment``): the standard items, then one item per cadre
    (name, post), in the order given. A village has one open appraisal per assignment at a time."""
    require(
        actor,
        permissions.can_open_appraisal(actor, assignment),
        _("Only members of the inspection group open an appraisal, while the round is stationed or reporting."),
    )
    if not assignment.covered.filter(village=village).exists():
        raise Conflict(_("%(village)s is not covered by this assignment.") % {"village": village})
    title = title.strip()
    if not title:
        raise Conflict(_("Give the appraisal a title."))
    cleaned = [(name.strip(), post.strip()) for name, post in cadres if name.strip()]
    if len(cleaned) > MAX_CADRES:
        raise Conflict(_("Name at most %(count)d cadres.") % {"count": MAX_CADRES})
    # The assignment's row serialises two members opening an appraisal of the same village at once.
    Assignment.objects.select_for_update().filter(pk=assignment.pk).first()
    if Appraisal.objects.filter(assignment=assignment, village=village, status=Appraisal.Status.OPEN).exists():
        raise Conflict(_("%(village)s already has an open appraisal; close it first.") % {"village": village})
    appraisal = Appraisal.objects.create(
        assignment=assignment, village=village, title=title, opened_by=user_or_none(actor)
    )
    items = [
        AppraisalItem(appraisal=appraisal, position=position, kind=AppraisalItem.Kind.STANDARD, key=key)
        for position, (key, _label) in enumerate(STANDARD_ITEMS, start=1)
    ]
    items += [
        AppraisalItem(
            appraisal=appraisal, position=len(STANDARD_ITEMS) + index, kind=AppraisalItem.Kind.CADRE, name=n, post=p
        )
        for index, (n, p) in enumerate(cleaned, start=1)
    ]
    AppraisalItem.objects.bulk_create(items)
    record_event(
        "appraisal.opened",
        appraisal,
        actor=actor,
        unit=village,
        after={**snapshot(appraisal, APPRAISAL_FIELDS), "items": len(items)},
    )
    return appraisal


@transaction.atomic
def close_appraisal(appraisal: Appraisal, *, actor: Actor) -> Appraisal:
    """Close an appraisal: it takes no more forms. The event keeps the count of forms by channel."""
    require(
        actor,
        permissions.can_close_appraisal(actor, appraisal),
        _("Only members of the inspection group close its appraisals."),
    )
    locked = Appraisal.objects.select_for_update().select_related("village").get(pk=appraisal.pk)
    if Appraisal.Status.CLOSED not in TRANSITIONS[locked.status]:
        raise TransitionNotAllowed(_("This appraisal was already closed."))
    before = snapshot(locked, APPRAISAL_FIELDS)
    locked.status, locked.closed_at, locked.closed_by = Appraisal.Status.CLOSED, timezone.now(), user_or_none(actor)
    locked.save(update_fields=["status", "closed_at", "closed_by"])
    record_event(
        "appraisal.closed",
        locked,
        actor=actor,
        unit=locked.village,
        before=before,
        after={**snapshot(locked, APPRAISAL_FIELDS), **form_counts(locked)},
    )
    appraisal.status, appraisal.closed_at, appraisal.closed_by = locked.status, locked.closed_at, locked.closed_by
    return locked


@transaction.atomic
def enter_paper_forms(
    appraisal: Appraisal, *, respondent_kind: str, ratings: Ratings, count: int = 1, actor: Actor
) -> list[AppraisalForm]:
    """Enter ``count`` paper forms of one kind of respondent with the same grades (a pile sorted by answers)."""
    require(
        actor,
        permissions.can_enter_paper_forms(actor, appraisal),
        _("Only members of the inspection group enter paper forms."),
    )
    if not 1 <= count <= MAX_PAPER_BATCH:
        raise Conflict(_("Enter between 1 and %(count)d forms at once.") % {"count": MAX_PAPER_BATCH})
    locked = _taking_forms(appraisal, lock=True)
    forms = _record(locked, respondent_kind, ratings, AppraisalForm.Channel.PAPER, count, entered_by=actor)
    record_event(
        "appraisal.paper_entered",
        locked,
        actor=actor,
        unit=locked.village,
        after={"respondent_kind": respondent_kind, "count": count},
    )
    return forms


@transaction.atomic
def submit_phone_form(
    appraisal: Appraisal, *, respondent_kind: str, ratings: Ratings, device_key: str
) -> AppraisalForm:
    """Record a resident's form sent from a phone while the appraisal is open, once per phone: ``device_key`` is
    the keyed hash of the phone's token (``public.devices.device_key``)."""
    if not DEVICE_KEY.fullmatch(device_key):
        raise Conflict(_("This phone could not be recognised; reload the page and answer again."))
    current = _taking_forms(appraisal, lock=False)
    already = _("This phone has already answered this appraisal; each phone answers once.")
    if AppraisalForm.objects.filter(appraisal=current, device_key=device_key).exists():
        raise Conflict(already)
    try:
        with transaction.atomic():
            (form,) = _record(current, respondent_kind, ratings, AppraisalForm.Channel.PHONE, 1, device_key=device_key)
    except IntegrityError:
        # The same phone's other request answered in between.
        raise Conflict(already) from None
    return form


def _taking_forms(appraisal: Appraisal, *, lock: bool) -> Appraisal:
    rows = Appraisal.objects.select_for_update() if lock else Appraisal.objects.all()
    current = rows.select_related("village").get(pk=appraisal.pk)
    if not current.is_open:
        raise TransitionNotAllowed(_("This appraisal is closed and takes no more forms."))
    return current


def _record(
    appraisal: Appraisal,
    respondent_kind: str,
    ratings: Ratings,
    channel: str,
    count: int,
    *,
    device_key: str = "",
    entered_by: Actor | None = None,
) -> list[AppraisalForm]:
    """``count`` forms with the same grades, after checking that every item of the appraisal has one."""
    if respondent_kind not in AppraisalForm.RespondentKind.values:
        raise Conflict(
            _("Say who answers: a Party member, a villagers' representative, a village cadre or a resident.")
        )
    item_ids = set(appraisal.items.values_list("pk", flat=True))
    if set(ratings) != item_ids or any(rating not in Rating.values for rating in ratings.values()):
        raise Conflict(_("Grade every item with one of the four grades."))
    today = timezone.localdate()
    forms = AppraisalForm.objects.bulk_create(
        AppraisalForm(
            appraisal=appraisal,
            respondent_kind=respondent_kind,
            channel=channel,
            submitted_on=today,
            device_key=device_key,
            entered_by=user_or_none(entered_by) if entered_by is not None else None,
        )
        for _index in range(count)
    )
    AppraisalAnswer.objects.bulk_create(
        AppraisalAnswer(form=form, item_id=item_id, rating=rating)
        for form in forms
        for item_id, rating in ratings.items()
    )
    return forms
