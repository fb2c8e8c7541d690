"""Strict parsing of settings from the environment.

Every value Xuncha reads from the environment goes through these helpers, so that a typo in a deployment
(``DEBUG=ture``, a port that is not a number) stops the process with a message naming the variable instead
of running with a silent default. Secrets may also be given as a file (``NAME_FILE``), for container and
systemd credentials.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})


class Env:
    """Typed, strict access to an environment mapping."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self.environ = environ

    def _raw(self, name: str) -> str | None:
        value = self.environ.get(name)
        return None if value is None else value.strip()

    def get_str(self, name: str, default: str | None = None, *, required: bool = False) -> str:
        value = self._raw(name)
        if value:
            return value
        if required or default is None:
            raise ImproperlyConfigured(f"The environment variable {name} is required.")
        return default

    def get_bool(self, name: str, default: bool) -> bool:
        value = self._raw(name)
        if value is None:
            return default
        lowered = value.lower()
        if lowered in TRUE_WORDS:
            return True
        if lowered in FALSE_WORDS:
            return False
        raise ImproperlyConfigured(f"{name}={value!r} is not a boolean; use one of 1/0, true/false, yes/no, on/off.")

    def get_int(self, name: str, default: int, *, minimum: int | None = None) -> int:
        value = self._raw(name)
        if not value:
            return default
        try:
            number = int(value)
        except ValueError:
            raise ImproperlyConfigured(f"{name}={value!r} is not an integer.") from None
        if minimum is not None and number < minimum:
            raise ImproperlyConfigured(f"{name}={number} is below the minimum of {minimum}.")
        return number

    def get_list(self, name: str, default: list[str]) -> list[str]:
        value = self._raw(name)
        if value is None:
            return list(default)
        return [item.strip() for item in value.split(",") if item.strip()]

    def secret(self, name: str) -> str | None:
        """Return ``NAME`` or the contents of the file named by ``NAME_FILE``; ``None`` when neither is set."""
        value = self._raw(name)
        file_name = self._raw(f"{name}_FILE")
        if value and file_name:
            raise ImproperlyConfigured(f"Set either {name} or {name}_FILE, not both.")
        if value:
            return value
        if file_name:
            try:
                content = Path(file_name).read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise ImproperlyConfigured(f"{name}_FILE={file_name!r} cannot be read: {exc}.") from exc
            if not content:
                raise ImproperlyConfigured(f"{name}_FILE={file_name!r} is empty.")
            return content
        return None
