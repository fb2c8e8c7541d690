"""A production deployment: files at rest are the service's own, keys lie apart from the data, and
``xuncha check --deploy`` passes with the environment that README and .env.example document."""

from __future__ import annotations

import os
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.checks import Error, Warning
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.test import override_settings
from pytest_django import Settings

from xuncha.core.checks import check_key_files

PACKAGE_ROOT = Path(__file__).resolve().parents[2]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _key(folder: Path, name: str, mode: int = 0o600) -> Path:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / name
    path.write_text(secrets.token_urlsafe(50) + "\n")
    path.chmod(mode)
    return path


def test_an_upload_is_readable_by_the_service_alone(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    storage = FileSystemStorage()
    name = storage.save("evidence/2024/photo.jpg", ContentFile(b"\xff\xd8\xff"))
    assert _mode(Path(storage.path(name))) == 0o600
    assert _mode(Path(storage.path(name)).parent) == 0o700


def test_the_embedded_database_and_generated_keys_are_private(tmp_path: Path) -> None:
    """What `make run` does first: the settings set the umask, then the database and keys are created."""
    var = tmp_path / "var"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("XUNCHA_", "DATABASE_URL", "SECRET_KEY", "DJANGO_SETTINGS"))
    }
    (tmp_path / "secret_key").write_text("s" * 60)
    env.update(
        XUNCHA_VAR_DIR=str(var),
        SECRET_KEY_FILE=str(tmp_path / "secret_key"),
        DJANGO_SETTINGS_MODULE="xuncha.settings",
        PYTHONPATH=str(PACKAGE_ROOT),
    )
    code = "import django; django.setup(); from django.db import connection; connection.ensure_connection()"
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=tmp_path, timeout=120)
    assert _mode(var) == 0o700
    for name in ("xuncha.sqlite3", "field_key", "audit_key"):
        assert _mode(var / name) == 0o600, name


# check --deploy ----------------------------------------------------------------------------------------------------


def production(keys: Path) -> dict[str, object]:
    """The settings that README's production environment gives (XUNCHA_HTTPS=1, XUNCHA_NO_EMAIL=1, key files)."""
    return {
        "DEBUG": False,
        "SECRET_KEY": "a-long-random-production-secret-key-" + "x" * 40,
        "ALLOWED_HOSTS": ["xuncha.example.gov.cn"],
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_SSL_REDIRECT": True,
        "MAILERS": {"default": {"BACKEND": "xuncha.core.mail.NoEmailBackend"}},
        "XUNCHA_KEY_FILES": {
            "SECRET_KEY": str(_key(keys, "secret_key")),
            "XUNCHA_FIELD_KEY": str(_key(keys, "field_key")),
            "XUNCHA_AUDIT_KEY": str(_key(keys, "audit_key")),
        },
    }


@pytest.mark.django_db
def test_check_deploy_passes_with_the_documented_environment(tmp_path: Path) -> None:
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE stays set (a browser test of this process may have left
    # Playwright's event loop running in this thread, where Django refuses database access without it), so its own
    # check is silenced here; test_check_deploy_passes_from_the_environment runs the check in a process without it.
    silenced = [*settings.SILENCED_SYSTEM_CHECKS, "async.E001"]
    with override_settings(**production(tmp_path / "etc"), SILENCED_SYSTEM_CHECKS=silenced):
        call_command("check", deploy=True)  # raises SystemCheckError on any error


def test_check_deploy_passes_from_the_environment(tmp_path: Path) -> None:
    """The same through the settings module, as an operator runs it; only the HSTS preload warning remains."""
    keys = tmp_path / "etc"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("XUNCHA_", "DATABASE_URL", "SECRET_KEY", "DJANGO_", "DEBUG"))
    }
    env.update(
        SECRET_KEY_FILE=str(_key(keys, "secret_key")),
        XUNCHA_FIELD_KEY_FILE=str(_key(keys, "field_key")),
        XUNCHA_AUDIT_KEY_FILE=str(_key(keys, "audit_key")),
        XUNCHA_VAR_DIR=str(tmp_path / "var"),
        ALLOWED_HOSTS="xuncha.example.gov.cn",
        XUNCHA_HTTPS="1",
        XUNCHA_NO_EMAIL="1",
        PYTHONPATH=str(PACKAGE_ROOT),
    )
    (tmp_path / "var").mkdir()
    # The field key must be a Fernet key.
    (keys / "field_key").write_text("bW9jay1rZXktZm9yLXRlc3RzLW9ubHktMzItYnl0ZXM=")
    result = subprocess.run(
        [sys.executable, "-m", "xuncha", "check", "--deploy"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    issues = [line for line in result.stderr.splitlines() if line.startswith("?:")]
    assert [line.split()[1] for line in issues] == ["(security.W021)"]


@pytest.mark.django_db
def test_without_email_or_its_explicit_absence_check_deploy_fails(tmp_path: Path) -> None:
    from django.core.management.base import SystemCheckError

    console = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
    with override_settings(**{**production(tmp_path / "etc"), "MAILERS": console}), pytest.raises(SystemCheckError):
        call_command("check", deploy=True)


def test_a_key_under_var_is_warned_about(settings: Settings, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path / "var"
    settings.XUNCHA_KEY_FILES = {"XUNCHA_AUDIT_KEY": str(_key(tmp_path / "var", "audit_key"))}
    messages = check_key_files()
    assert [(type(message), message.id) for message in messages] == [(Warning, "xuncha.W001")]


def test_a_key_others_can_read_is_an_error(settings: Settings, tmp_path: Path) -> None:
    settings.XUNCHA_KEY_FILES = {"SECRET_KEY": str(_key(tmp_path / "etc", "secret_key", mode=0o640))}
    messages = check_key_files()
    assert [(type(message), message.id) for message in messages] == [(Error, "xuncha.E002")]
