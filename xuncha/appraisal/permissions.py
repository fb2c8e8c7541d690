"""Who runs a village's democratic appraisal: the members of the inspection group on the assignment (leader or
members), while the round is stationed or reporting. Residents answer without an account, so no permission governs
that; reading is ``Appraisal.objects.visible_to``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from xuncha.findings.permissions import is_member, is_recording

if TYPE_CHECKING:
    from xuncha.accounts.scoping import AnyUser
    from xuncha.appraisal.models import Appraisal
    from xuncha.inspections.models import Assignment


def can_open_appraisal(user: AnyUser | None, assignment: Assignment) -> bool:
    return is_member(user, assignment) and is_recording(assignment)


def can_close_appraisal(user: AnyUser | None, appraisal: Appraisal) -> bool:
    return is_member(user, appraisal.assignment)


def can_enter_paper_forms(user: AnyUser | None, appraisal: Appraisal) -> bool:
    return is_member(user, appraisal.assignment)
