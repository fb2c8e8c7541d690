"""Who may have documents built in bundles. Single documents and exports follow the scope of what they show."""

from __future__ import annotations

from typing import TYPE_CHECKING

from xuncha.rectification.permissions import can_publish_feedback

if TYPE_CHECKING:
    from xuncha.accounts.scoping import AnyUser
    from xuncha.inspections.models import Round


def can_bundle(user: AnyUser | None, round_: Round) -> bool:
    """A round's feedback bundle is the office's: it is what the office sends out."""
    return can_publish_feedback(user, round_)
