"""Who may enter, sign, read and make findings from the group's records. Pure functions over memberships and
grants; the confidential scope itself is ``FieldRecordQuerySet.visible_to``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from xuncha.findings import permissions as findings_permissions

if TYPE_CHECKING:
    from xuncha.accounts.scoping import AnyUser
    from xuncha.fieldwork.models import TalkRecord
    from xuncha.inspections.models import Assignment


def can_record_fieldwork(user: AnyUser | None, assignment: Assignment) -> bool:
    """Members of the group enter what they learn while stationed or reporting, as they record findings."""
    return findings_permissions.can_record_findings(user, assignment)


def can_update_record(user: AnyUser | None, record: Any) -> bool:
    """Members of the record's group sign talks, mark documents returned and add files."""
    return findings_permissions.is_member(user, record.assignment)


def can_read_talk(user: AnyUser | None, talk: TalkRecord) -> bool:
    """Whoever the confidential talk is visible to: the group and the office director."""
    from xuncha.fieldwork.models import TalkRecord

    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return TalkRecord.objects.visible_to(user).filter(pk=talk.pk).exists()


def can_draft_problem_from_record(user: AnyUser | None, record: Any) -> bool:
    """Any member of the group writes a draft working paper from a record while the group records findings."""
    return findings_permissions.can_record_findings(user, record.assignment)


def can_register_clue_from_talk(user: AnyUser | None, talk: TalkRecord) -> bool:
    """Only the group leader registers a clue, from a talk as from anything else."""
    return findings_permissions.can_register_clue(user, talk.assignment)
