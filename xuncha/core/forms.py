"""Form widgets shared by the apps."""

from __future__ import annotations

from typing import Any

from django import forms

from xuncha.core.text import strip_invisible


class DateInput(forms.DateInput):
    """A native date picker; browsers need the ISO date in its value, whatever the interface language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ResidentTextField(forms.CharField):
    """Text a resident types on a public page: bidirectional controls and zero-width characters are removed before
    the usual trimming and length checks."""

    def to_python(self, value: Any) -> str:
        if isinstance(value, str):
            value = strip_invisible(value)
        return str(super().to_python(value))
