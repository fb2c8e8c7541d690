"""Who acts: a signed-in user, or the platform itself. Every action takes ``actor`` and passes it to ``require``.

``SYSTEM`` is the one actor that is not a person: management commands, the demo and the background worker act as it,
and say so explicitly. No action accepts "no actor": ``None`` is refused by ``require`` and by the audit trail, so a
caller that forgot to pass a user gets a refusal, never a free pass.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, Literal

from xuncha.core.exceptions import PermissionDenied

if TYPE_CHECKING:
    from xuncha.accounts.models import User


class SystemActor:
    """An actor that is not an account: the platform itself (``SYSTEM``) or a resident on a public page
    (``RESIDENT``). It holds no grant and belongs to no group, so every permission function answers no for it;
    ``require`` lets ``SYSTEM`` through and nothing else."""

    pk: None = None
    is_authenticated: Literal[False] = False
    is_active: Literal[False] = False
    is_staff: Literal[False] = False
    is_superuser: Literal[False] = False

    def __init__(self, label: str) -> None:
        self.label = label

    def get_username(self) -> str:
        return self.label

    def __str__(self) -> str:
        return self.label

    def __repr__(self) -> str:
        return self.label.upper()


# A command run on the server, the demo, the background worker.
SYSTEM: Final = SystemActor("system")
# A resident without an account, on a public page (petition form, survey): only the public actions accept it, and
# they check their own conditions (stationing dates, rate limits).
RESIDENT: Final = SystemActor("resident")

type Actor = User | SystemActor


def require(actor: Actor, allowed: bool, message: str) -> None:
    """Refuse unless ``actor`` is a user for whom ``allowed`` holds, or the system itself.

    ``allowed`` is the answer of a ``permissions.can_*`` function for ``actor`` (it is False for ``SYSTEM``, which
    holds no grant). ``None`` — a caller that passed no actor — is refused whatever ``allowed`` says.
    """
    if actor is SYSTEM:
        return
    if actor is None or isinstance(actor, SystemActor) or not getattr(actor, "is_authenticated", False) or not allowed:
        raise PermissionDenied(message)


def user_or_none(actor: Actor) -> User | None:
    """The user to store in a ``..._by`` column: the acting person, or nothing when the system or a resident acted."""
    return None if isinstance(actor, SystemActor) else actor
