"""The reader's to-do (待办) at the top of their landing page: what waits for them, counted from the same
``visible_to`` querysets as the lists, each count linking to the list whose filters give that very set.

The office: villages whose lists are to be built and fed back, items awaiting closure (销号), return visits to
plan, red-light items, petitions not handled. Inspection groups: by assignment, draft papers to confirm, petitions
waiting, immediate-fix notices open. Townships: receipts to sign, submissions to review, red-light items. Villages:
receipts to sign, items to report, items returned. Receiving bodies: clues to receive and to dispose. County
leaders: red-light and yellow-light items. A few aggregate queries, whatever the county's size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xuncha.accounts.models import Role
from xuncha.accounts.scoping import path_q, roles_of
from xuncha.findings.models import Clue, ImmediateFixNotice, Petition, Problem
from xuncha.inspections.models import Assignment
from xuncha.inspections.scoping import group_ids_of
from xuncha.rectification import stages
from xuncha.rectification.actions._common import FEEDBACK_STATUSES
from xuncha.rectification.lights import light_q
from xuncha.rectification.models import LedgerItem, Light, Receipt

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from xuncha.accounts.scoping import AnyUser

Status = LedgerItem.Status
LEDGER_ROLES = {Role.OFFICE, Role.OFFICE_LEAD, Role.LEADER, Role.TOWNSHIP, Role.VILLAGE}
CLUE_ROLES = {Role.DISCIPLINE, Role.ORG_DEPT}


@dataclass(frozen=True)
class Todo:
    """One count of the to-do, with the list it stands for."""

    key: str
    label: str | Promise
    count: int
    url: str


def _ledger(**params: str) -> str:
    return f"{reverse('rectification:item-list')}?{urlencode(params)}"


def _workbench(assignment_id: int, **params: str) -> str:
    return f"{reverse('inspections:assignment-detail', args=[assignment_id])}?{urlencode(params)}"


def todos_for(user: AnyUser, today: date | None = None) -> list[Todo]:
    """The reader's to-do, in the order of their work; empty for those with nothing of the kind to do."""
    today = today or timezone.localdate()
    roles = roles_of(user)
    groups = group_ids_of(user)
    todos: list[Todo] = []
    office = bool(roles & {Role.OFFICE, Role.OFFICE_LEAD})
    if office:
        waiting = (
            Problem.objects.visible_to(user)
            .filter(status=Problem.Status.CONFIRMED, round__status__in=FEEDBACK_STATUSES)
            .order_by()
            .values("village")
            .distinct()
            .count()
        )
        todos.append(
            Todo(
                "lists",
                _("Villages whose lists await building or feedback"),
                waiting,
                reverse("rectification:list-overview"),
            )
        )
    if roles & LEDGER_ROLES:
        todos += _ledger_todos(user, roles, today)
    if roles & {Role.TOWNSHIP, Role.VILLAGE}:
        todos.insert(0, _receipts(user))
    if roles & CLUE_ROLES:
        todos += _clues(user)
    if office or groups:
        todos += _assignment_todos(user, groups, office)
    return todos


def _ledger_todos(user: AnyUser, roles: frozenset[Role], today: date) -> list[Todo]:
    counts = (
        LedgerItem.objects.visible_to(user)
        .order_by()
        .aggregate(
            reviewed=Count("pk", filter=Q(status=Status.REVIEWED)),
            submitted=Count("pk", filter=Q(status=Status.SUBMITTED)),
            returned=Count("pk", filter=Q(status=Status.RETURNED)),
            to_report=Count("pk", filter=stages.stage_q(stages.TO_REPORT)),
            to_visit=Count("pk", filter=stages.stage_q(stages.TO_VISIT)),
            red=Count("pk", filter=light_q(Light.RED, today)),
            yellow=Count("pk", filter=light_q(Light.YELLOW, today)),
        )
    )
    red = Todo("red", _("Red-light items (overdue)"), counts["red"], _ledger(light=Light.RED))
    todos: list[Todo] = []
    if roles & {Role.OFFICE, Role.OFFICE_LEAD}:
        todos += [
            Todo("to_close", _("Items awaiting closure (销号)"), counts["reviewed"], _ledger(status=Status.REVIEWED)),
            Todo("to_visit", _("Return visits to plan"), counts["to_visit"], _ledger(stage=stages.TO_VISIT)),
            red,
        ]
    elif Role.TOWNSHIP in roles:
        todos += [
            Todo("to_review", _("Submissions to review"), counts["submitted"], _ledger(status=Status.SUBMITTED)),
            red,
        ]
    elif Role.VILLAGE in roles:
        todos += [
            Todo("to_report", _("Items to report"), counts["to_report"], _ledger(stage=stages.TO_REPORT)),
            Todo("returned", _("Items returned to you"), counts["returned"], _ledger(status=Status.RETURNED)),
        ]
    elif Role.LEADER in roles:
        todos += [
            red,
            Todo("yellow", _("Yellow-light items (due soon)"), counts["yellow"], _ledger(light=Light.YELLOW)),
        ]
    return todos


def _receipts(user: AnyUser) -> Todo:
    """Receipts of the feedback to the user's own township or village that it has yet to sign."""
    mine = path_q(user, [Role.TOWNSHIP], "unit__path") & Q(recipient=Receipt.Recipient.TOWNSHIP)
    mine |= path_q(user, [Role.VILLAGE], "unit__path") & Q(recipient=Receipt.Recipient.VILLAGE)
    count = Receipt.objects.filter(mine, signed_at__isnull=True).count()
    return Todo("receipts", _("Receipts to sign"), count, reverse("rectification:list-overview"))


def _clues(user: AnyUser) -> list[Todo]:
    counts = (
        Clue.objects.visible_to(user)
        .order_by()
        .aggregate(
            transferred=Count("pk", filter=Q(status=Clue.Status.TRANSFERRED)),
            received=Count("pk", filter=Q(status=Clue.Status.RECEIVED)),
        )
    )
    clues = reverse("findings:clue-list")
    return [
        Todo("clues_to_receive", _("Clues to receive"), counts["transferred"], f"{clues}?status=TRANSFERRED"),
        Todo("clues_to_dispose", _("Clues to dispose"), counts["received"], f"{clues}?status=RECEIVED"),
    ]


def _assignment_todos(user: AnyUser, groups: list[int], office: bool) -> list[Todo]:
    """By assignment: petitions waiting (for the office and the group), and for the group its draft papers and
    open immediate-fix notices. Only assignments with something waiting are listed."""
    rows: list[tuple[str, str | Promise, dict[int, int], dict[str, str]]] = []
    petitions = Petition.objects.visible_to(user).filter(status=Petition.Status.RECEIVED)
    if not office:
        petitions = petitions.filter(assignment__group_id__in=groups)
    if groups:
        drafts = Problem.objects.visible_to(user).filter(status=Problem.Status.DRAFT, assignment__group_id__in=groups)
        rows.append(("drafts", _("Draft problems to confirm"), _by(drafts, "assignment"), {"status": "DRAFT"}))
    rows.append(
        ("petitions", _("Petitions waiting"), _by(petitions, "assignment"), {"tab": "petitions", "status": "RECEIVED"})
    )
    if groups:
        notices = ImmediateFixNotice.objects.visible_to(user).filter(
            status=ImmediateFixNotice.Status.ISSUED, problem__assignment__group_id__in=groups
        )
        rows.append(
            (
                "notices",
                _("Immediate-fix notices open"),
                _by(notices, "problem__assignment"),
                {"tab": "notices", "status": "ISSUED"},
            )
        )
    ids = {pk for _key, _label, counts, _params in rows for pk in counts}
    if not ids:
        return []
    names = {a.pk: str(a) for a in Assignment.objects.filter(pk__in=ids).select_related("group", "target")}
    return [
        Todo(f"{key}:{pk}", _label_for(label, names[pk]), count, _workbench(pk, **params))
        for key, label, counts, params in rows
        for pk, count in sorted(counts.items())
    ]


def _by(queryset: Any, field: str) -> dict[int, int]:
    return dict(queryset.order_by().values(field).annotate(n=Count("pk")).values_list(field, "n"))


def _label_for(label: str | Promise, assignment: str) -> str:
    return gettext("%(what)s · %(assignment)s") % {"what": label, "assignment": assignment}
