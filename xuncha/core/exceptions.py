"""Domain exceptions raised by actions; views turn them into messages, 403 or 409 responses."""

from __future__ import annotations


class ActionRefused(Exception):
    """An action was refused; ``message`` says why, in words a user can act on."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PermissionDenied(ActionRefused):
    """The actor's role or scope does not allow the action."""

    status_code = 403


class TransitionNotAllowed(ActionRefused):
    """The object's current state does not allow the move."""

    status_code = 409


class Conflict(ActionRefused):
    """The action would break a rule of the domain (a recusal tie, a duplicate assignment, a stale edit)."""

    status_code = 409
