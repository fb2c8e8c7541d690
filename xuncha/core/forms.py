"""Form widgets shared by the apps."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xuncha.core.text import strip_invisible
from xuncha.core.uploads import UploadRefused, check_upload

# Django 6.1's blank choice of a select; its own Chinese catalogue lacks it, so the project's catalogue carries it
# (the project's translations take precedence over Django's for the same message).
BLANK_CHOICE_LABEL = gettext_lazy("- Select an option -")


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


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; their type and size are judged by the action that stores them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class PhotosField(MultipleFileField):
    """Photos sent with a record's form. Each is checked here as the action will check it (``check_upload``: its
    type from its content, its size), so that a bad file comes back as this field's error with the rest of the form
    as typed, before anything is written."""

    def __init__(self, *args: Any, max_files: int, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}))
        super().__init__(*args, **kwargs)
        self.max_files = max_files

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        items = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if len(items) > self.max_files:
            raise forms.ValidationError(_("Send at most %(count)s photos at once.") % {"count": self.max_files})
        files: list[UploadedFile] = []
        errors: list[forms.ValidationError] = []
        for item in items:
            name = getattr(item, "name", "") or ""
            try:
                upload = forms.FileField.clean(self, item, initial)
                check_upload(upload, upload.size or 0, images_only=True)
            except forms.ValidationError as exc:
                errors.extend(self._named(name, message) for message in exc.messages)
            except UploadRefused as exc:
                errors.append(self._named(name, exc.message))
            else:
                upload.seek(0)
                files.append(upload)
        if errors:
            raise forms.ValidationError(errors)
        return files

    @staticmethod
    def _named(name: str, message: str) -> forms.ValidationError:
        return forms.ValidationError(_("%(name)s: %(reason)s") % {"name": name, "reason": message})
