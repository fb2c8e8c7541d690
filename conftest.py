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
