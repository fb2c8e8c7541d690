"""Papers and sheets are Chinese whatever the reader's language: the words of choices (categories, statuses) are
those the Chinese catalogue gives them, so a document, an export, a template and an import all use the same ones."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from django.utils import translation


def chinese() -> AbstractContextManager[None]:
    """Labels of choices in Chinese while a document is written."""
    return translation.override("zh-hans")


def labels(choices: Any) -> dict[str, str]:
    """Each value of ``choices`` (a ``TextChoices``) with its label in Chinese."""
    with chinese():
        return {value: str(label) for value, label in choices.choices}
