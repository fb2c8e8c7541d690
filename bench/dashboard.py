"""Benchmark of the dashboards on a province-sized database: every village of Guangxi and about 200,000 problems
with their ledger items (``bench.province``), timed for a county, a township of it, a city and the province.

    .venv/bin/python -m bench.dashboard [--repeat 10]          # a fresh SQLite database in a temporary folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xuncha_bench_dash .venv/bin/python -m bench.dashboard
    DATABASE_URL=… .venv/bin/python -m bench.dashboard --fresh   # empty that database first and build again
    .venv/bin/python -m bench.dashboard --county 450328          # one county only: a quick check of the bench
    .venv/bin/python -m bench.dashboard --slowest 3              # with each page's three slowest SQL statements

On PostgreSQL the database is created when missing, and the dataset is built once and reused by later runs (the
build is skipped when the database already holds it); ``--fresh`` empties the database (``flush``: every table,
whatever it held) and builds the dataset again. Any other non-empty database is refused.

It prints the dataset's size and the time its build took, then for each page the median and 90th-percentile server
time over repeated requests (Django's test client, after one warm-up request), and the number of SQL queries one
request makes with the time they take: the county dashboard as the county's inspection office (OFFICE over
龙胜各族自治县), the same with a township filter, and the city (桂林市) and province dashboards as a leader granted the
province (LEADER over 广西).
PostgreSQL gets an ANALYZE after the build, as autovacuum would do; SQLite gets none, as an installation has none.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from typing import Any

from bench.__main__ import QueryCounter, _setup, measure

# The page of a unit's figures ("/units/{code}/" times the unit pages instead).
DASHBOARD = "/dashboard/{code}/"

# (what, who, which unit, filters): "office" is OFFICE over the county, "leader" LEADER over the province.
PAGES = [
    ("county dashboard", "office", "county", ""),
    ("county dashboard, one township", "office", "county", "?township={township}"),
    ("city dashboard (Guilin)", "leader", "city", ""),
    ("province dashboard", "leader", "province", ""),
]


def _ensure_database() -> None:
    """Create the PostgreSQL database named by DATABASE_URL when it does not exist yet."""
    from django.db import OperationalError, connection

    if connection.vendor != "postgresql":
        return
    try:
        connection.ensure_connection()
    except OperationalError as exc:
        if "does not exist" not in str(exc):
            raise
        name = connection.settings_dict["NAME"]
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        print(f"created the database {name}")


class QueryTimer(QueryCounter):
    """Counts the SQL statements of one request and keeps the time each took."""

    def __init__(self) -> None:
        super().__init__()
        self.timings: list[tuple[float, str]] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return super().__call__(execute, sql, params, many, context)
        finally:
            self.timings.append(((time.perf_counter() - started) * 1000, sql))


def _time_page(label: str, client: Any, path: str, repeat: int, slowest: int) -> None:
    counter = QueryTimer()
    median, p90 = measure(client, path, repeat, counter)
    print(
        f"  {label:<32} {path:<48} median {median:8.1f} ms   p90 {p90:8.1f} ms   "
        f"{counter.count:3} queries ({sum(elapsed for elapsed, _sql in counter.timings):6.1f} ms of SQL)   "
        f"({repeat} requests)"
    )
    for elapsed, sql in sorted(counter.timings, reverse=True)[:slowest]:
        print(f"      {elapsed:8.1f} ms  {' '.join(sql.split())[:150]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=10, help="requests per page (default 10)")
    parser.add_argument("--fresh", action="store_true", help="empty the database and build the dataset again")
    parser.add_argument("--county", help="load one county only, by its six digits (e.g. 450328)")
    parser.add_argument("--slowest", type=int, default=0, help="also print each page's N slowest SQL statements")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", "No directory at")  # whitenoise: the bench serves no static files
    with tempfile.TemporaryDirectory(prefix="xuncha-bench-") as var_dir:
        _setup(var_dir)
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client

        from bench.province import NotBenchDatabase, build_province
        from xuncha.accounts.models import User

        settings.STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
        _ensure_database()
        print(f"database: {connection.vendor} ({settings.DATABASES['default']['NAME']})")
        call_command("migrate", verbosity=0)
        try:
            province = build_province(sys.stdout, fresh=args.fresh, only_county=args.county)
        except NotBenchDatabase as exc:
            sys.exit(str(exc))
        built = "already in the database" if province.seconds is None else f"built in {province.seconds:.1f} s"
        print(
            f"dataset: {province.villages:,} villages, {province.problems:,} problems, "
            f"{province.ledger_items:,} ledger items ({built})"
        )
        clients = {}
        for who, pk in (("office", province.office_id), ("leader", province.leader_id)):
            clients[who] = Client()
            clients[who].force_login(User.objects.get(pk=pk))
        codes = {
            "county": province.county,
            "township": province.township,
            "city": province.city,
            "province": province.province,
        }
        print("pages:")
        for label, who, unit, filters in PAGES:
            path = DASHBOARD.format(code=codes[unit]) + filters.format(**codes)
            _time_page(label, clients[who], path, args.repeat, args.slowest)


if __name__ == "__main__":
    main()
