"""Benchmarks of the foundation: importing the whole Guangxi division table and serving county pages while the
database holds the entire province.

    .venv/bin/python -m bench                          # a fresh SQLite database in a temporary folder
    DATABASE_URL=postgres://… .venv/bin/python -m bench   # an EMPTY PostgreSQL database you can spare

It prints the import time and, for each page, the median and 90th-percentile server time over repeated requests
and the number of SQL queries one request makes.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def _setup(var_dir: str) -> None:
    os.environ.setdefault("XUNCHA_VAR_DIR", var_dir)
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    os.environ.setdefault("XUNCHA_FIELD_KEY", "YmVuY2htYXJrLWtleS1ub3QtZm9yLWRlcGxveW1lbnQ=")
    os.environ.setdefault("XUNCHA_AUDIT_KEY", "benchmark-only")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    os.environ["DJANGO_SETTINGS_MODULE"] = "xuncha.settings"
    import django

    django.setup()


class QueryCounter:
    """An execute wrapper that counts the SQL statements of one request."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def _expand(path: str) -> str:
    """Fill in ids that differ between databases (the group's workbench on 城南社区)."""
    if "{chengnan}" not in path:
        return path
    from xuncha.inspections.models import Assignment

    assignment = Assignment.objects.get(round__number=4, target__code="450328100001")
    return path.format(chengnan=assignment.pk)


def measure(client: Any, path: str, repeat: int, counter: QueryCounter) -> tuple[float, float]:
    """Median and 90th-percentile server time (ms) of ``repeat`` requests of ``path``, after a warm-up and one
    request whose SQL statements ``counter`` counts."""
    from django.db import connection

    client.get(path)  # warm caches
    with connection.execute_wrapper(counter):
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.9 * (len(samples) - 1))]


def _time_pages(paths: list[str], username: str, repeat: int) -> None:
    from django.conf import settings
    from django.test import Client

    from xuncha.accounts.models import User

    settings.STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
    client = Client()
    client.force_login(User.objects.get(username=username))
    for path in map(_expand, paths):
        counter = QueryCounter()
        median, p90 = measure(client, path, repeat, counter)
        print(
            f"  {path:<45} median {median:7.1f} ms   p90 {p90:7.1f} ms   "
            f"{counter.count} queries   ({username}, {repeat} requests)"
        )


PAGES = {
    "office": [
        "/units/450328/",
        "/units/villages/",
        "/units/villages/?inspected=no&category=GENERAL",
        "/rounds/",
        "/lists/",
        "/ledger/",
        "/ledger/?light=RED",
        "/api/v1/items/",
    ],
    "group3_leader": ["/assignments/{chengnan}/"],
    "township_longsheng": ["/units/450328100/", "/units/450328100001/", "/ledger/review/"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=30, help="requests per page (default 30)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="xuncha-bench-") as var_dir:
        _setup(var_dir)
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        from xuncha.accounts.actors import SYSTEM
        from xuncha.organisations.actions import import_divisions
        from xuncha.organisations.models import AdminUnit

        print(f"database: {connection.vendor} ({settings.DATABASES['default']['NAME']})")
        call_command("migrate", verbosity=0)
        if AdminUnit.objects.exists():
            sys.exit("The benchmark needs an empty database.")
        started = time.perf_counter()
        call_command("demo", stdout=io.StringIO())
        print(f"demo (Longsheng alone): {time.perf_counter() - started:.2f} s")
        print(f"pages with Longsheng alone ({AdminUnit.objects.villages().count()} villages):")
        for username, paths in PAGES.items():
            _time_pages(paths, username, args.repeat)

        data = (Path(settings.PACKAGE_DIR) / "data" / "guangxi_divisions.csv").read_bytes()
        started = time.perf_counter()
        result = import_divisions(data, actor=SYSTEM, file_name="guangxi_divisions.csv")
        first = time.perf_counter() - started
        started = time.perf_counter()
        import_divisions(data, actor=SYSTEM, file_name="guangxi_divisions.csv")
        again = time.perf_counter() - started
        print(
            f"import-divisions guangxi_divisions.csv: {result.created} units created, {result.unchanged} kept, "
            f"in {first:.2f} s; re-import (nothing changes) {again:.2f} s"
        )
        print(f"pages with all of Guangxi ({AdminUnit.objects.villages().count()} villages):")
        for username, paths in PAGES.items():
            _time_pages(paths, username, args.repeat)


if __name__ == "__main__":
    main()
