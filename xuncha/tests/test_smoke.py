"""The project-wide basics: settings parsing, the health check, the home redirect for each role."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from xuncha.core.env import Env


def test_env_parses_booleans_strictly() -> None:
    env = Env({"DEBUG": "yes", "BAD": "ture"})
    assert env.get_bool("DEBUG", False) is True
    assert env.get_bool("MISSING", True) is True
    with pytest.raises(ImproperlyConfigured, match="BAD='ture' is not a boolean"):
        env.get_bool("BAD", False)


def test_env_reads_secret_files(tmp_path: Path) -> None:
    secret = tmp_path / "key"
    secret.write_text("s3cret\n", encoding="utf-8")
    assert Env({"SECRET_KEY_FILE": str(secret)}).secret("SECRET_KEY") == "s3cret"
    with pytest.raises(ImproperlyConfigured, match="not both"):
        Env({"SECRET_KEY": "a", "SECRET_KEY_FILE": str(secret)}).secret("SECRET_KEY")
    with pytest.raises(ImproperlyConfigured, match="cannot be read"):
        Env({"SECRET_KEY_FILE": str(tmp_path / "missing")}).secret("SECRET_KEY")


def test_env_rejects_non_integers() -> None:
    with pytest.raises(ImproperlyConfigured, match="not an integer"):
        Env({"PORT": "eighty"}).get_int("PORT", 80)


@pytest.mark.django_db
def test_healthz_answers(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
