"""Test-wide set-up: settings for a test run and the rule that CI runs every test it can."""

from __future__ import annotations

import os

import pytest

STRICT_SKIPS = os.environ.get("XUNCHA_STRICT_SKIPS", "") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``postgresql`` exercise PostgreSQL-only behaviour (row locks): on SQLite they are deselected,
    not skipped, since CI runs the suite on both databases and runs them there."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    deselected = [item for item in items if item.get_closest_marker("postgresql")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("postgresql")]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """Under XUNCHA_STRICT_SKIPS=1 (set by .ci/run) a skipped test fails: CI installs every tool the tests need."""
    report = yield
    if STRICT_SKIPS and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped under XUNCHA_STRICT_SKIPS=1 (CI must run every test): {reason}"
    return report


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """On SQLite the test database is a file, not memory. An in-memory database is one connection, which Django
    shares with the live server's request threads; a browser loading two images at once then uses it from two
    threads and SQLite fails ("bad parameter or other API misuse"). A file gives every thread its own connection.
    Each xdist worker has its own temporary folder, hence its own file."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3" and not database.get("TEST", {}).get("NAME"):
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("database") / "test.sqlite3")
