"""Checks of a deployment (``xuncha check --deploy``): where the keys lie and who may read them."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register


def _data_folders() -> list[Path]:
    """The folders whose copy (a backup, a stolen disk) holds the data: var/ and the SQLite database's folder."""
    folders = [Path(settings.VAR_DIR).resolve()]
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        folders.append(Path(str(database["NAME"])).resolve().parent)
    return folders


@register(Tags.security, deploy=True)
def check_key_files(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """A key next to the data it protects protects nothing once the folder is copied; a key others can read is
    theirs. Keys belong in their own folder outside var/ (e.g. /etc/xuncha/, mode 0600)."""
    messages: list[CheckMessage] = []
    folders = _data_folders()
    for name, file_name in sorted(settings.XUNCHA_KEY_FILES.items()):
        path = Path(file_name).resolve()
        if any(path.is_relative_to(folder) for folder in folders):
            messages.append(
                Warning(
                    f"The key file of {name} ({path}) lies with the data (var/ or the database's folder): "
                    "a copy of that folder carries its own key.",
                    hint=f"Keep it elsewhere (e.g. /etc/xuncha/) and point {name}_FILE at it.",
                    id="xuncha.W001",
                )
            )
        try:
            mode = path.stat().st_mode
        except OSError:
            continue  # the settings already refused a key file they could not read
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            messages.append(
                Error(
                    f"The key file of {name} ({path}) can be read by others (mode {stat.filemode(mode)}).",
                    hint=f"chmod 600 {path}, owned by the service's user.",
                    id="xuncha.E002",
                )
            )
    return messages
