"""A pytest plugin (loaded with ``-p xuncha.testing`` before Django's settings are read) that gives the test
process the secrets a deployment would supply. These values exist only for tests."""

from __future__ import annotations

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-deployment")
os.environ.setdefault("XUNCHA_FIELD_KEY", "bW9jay1rZXktZm9yLXRlc3RzLW9ubHktMzItYnl0ZXM=")
os.environ.setdefault("XUNCHA_AUDIT_KEY", "test-only-audit-chain-key")
# Threads of the live server and of concurrency tests must not keep connections that block dropping the test database.
os.environ.setdefault("XUNCHA_DB_CONN_MAX_AGE", "0")
# Playwright drives the browser from the test thread while the live server answers from another.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
