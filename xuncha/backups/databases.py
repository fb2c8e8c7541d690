"""Copying the database out of and back into each engine, consistently while the app runs.

SQLite: the online backup API copies a committed snapshot from a connection of its own; a restore copies back
through the same API, so that SQLite itself rewrites the live file (and its write-ahead log) under its locks.
PostgreSQL: ``pg_dump --format=custom`` of a snapshot exported by a repeatable-read transaction, in which the audit
chain's head is read too, so the manifest names exactly the chain inside the dump; ``pg_restore --clean``
restores it in one transaction. Passwords go to the client tools through the environment, never the command line.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import connection, connections

from xuncha.audit.models import GENESIS_HASH, ChainHead, Event
from xuncha.backups.archive import BackupRefused

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
MEMBER_NAMES = {SQLITE: "database.sqlite3", POSTGRESQL: "database.pgdump"}
# libpq's environment variables for the connection options a DATABASE_URL may carry.
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "service": "PGSERVICE",
}


@dataclass(frozen=True)
class ChainMark:
    """A position in the audit chain."""

    seq: int
    hash: str


@dataclass(frozen=True)
class Snapshot:
    """The database copied to ``path``, and where the audit chain stood in that copy."""

    path: Path
    head: ChainMark
    last_event: ChainMark | None


def current_engine() -> str:
    return SQLITE if connection.vendor == "sqlite" else POSTGRESQL


def dump_database(folder: Path) -> Snapshot:
    """Copy the database into ``folder``."""
    engine = current_engine()
    path = folder / MEMBER_NAMES[engine]
    return _dump_sqlite(path) if engine == SQLITE else _dump_postgresql(path)


def load_database(path: Path) -> None:
    """Replace the database's whole content with the copy in ``path``, made by ``dump_database``."""
    connections.close_all()
    if current_engine() == SQLITE:
        _load_sqlite(path)
    else:
        _load_postgresql(path)


def has_data() -> bool:
    """Whether the database holds anything of Xuncha's: rows in a table of its apps, or an audit chain begun.

    A freshly migrated database is empty (the migrations leave only the chain head at its start), and so is one
    that was never migrated.
    """
    tables = set(connection.introspection.table_names())
    for model in apps.get_models():
        if not model.__module__.startswith("xuncha.") or model._meta.db_table not in tables:
            continue
        if model is ChainHead:
            if ChainHead.objects.exclude(seq=0).exists():
                return True
        elif model._base_manager.exists():
            return True
    return False


def _chain_queries() -> tuple[str, str]:
    head = f"SELECT seq, hash FROM {ChainHead._meta.db_table} WHERE id = 1"  # noqa: S608 - model table names
    last = f"SELECT seq, hash FROM {Event._meta.db_table} ORDER BY seq DESC LIMIT 1"  # noqa: S608
    return head, last


def _marks(rows: tuple[Any, Any]) -> tuple[ChainMark, ChainMark | None]:
    head, last = rows
    return (
        ChainMark(int(head[0]), str(head[1])) if head else ChainMark(0, GENESIS_HASH),
        ChainMark(int(last[0]), str(last[1])) if last else None,
    )


def _sqlite_name() -> str:
    name = str(connection.settings_dict["NAME"])
    if not Path(name).is_file():
        raise BackupRefused(f"The SQLite database {name} does not exist.")
    return name


def _dump_sqlite(path: Path) -> Snapshot:
    # A connection of its own: it sees only committed data, whatever Django's connection is doing, and the backup
    # API copies one consistent snapshot while the app keeps writing (WAL readers do not block writers).
    source = sqlite3.connect(_sqlite_name(), timeout=20)
    target = sqlite3.connect(path)
    try:
        source.backup(target)
        # The copy is one self-contained file, without a write-ahead log beside it.
        target.execute("PRAGMA journal_mode=DELETE")
        head_sql, last_sql = _chain_queries()
        head, last = _marks((target.execute(head_sql).fetchone(), target.execute(last_sql).fetchone()))
    finally:
        target.close()
        source.close()
    return Snapshot(path, head, last)


def _load_sqlite(path: Path) -> None:
    name = str(connection.settings_dict["NAME"])
    Path(name).parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(path)
    target = sqlite3.connect(name, timeout=20)
    try:
        # The backup API writes the pages through SQLite, under its write lock and into its write-ahead log: a file
        # copied over the live one could be mixed with that log's stale pages.
        source.backup(target)
    finally:
        target.close()
        source.close()


def _libpq_environment() -> dict[str, str]:
    settings_dict = connection.settings_dict
    environment = dict(os.environ)
    for key, variable in [
        ("NAME", "PGDATABASE"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
    ]:
        if settings_dict.get(key):
            environment[variable] = str(settings_dict[key])
    for option, variable in LIBPQ_OPTIONS.items():
        if settings_dict.get("OPTIONS", {}).get(option):
            environment[variable] = str(settings_dict["OPTIONS"][option])
    return environment


def _run(command: list[str], environment: dict[str, str]) -> None:
    program = shutil.which(command[0])
    if program is None:
        raise BackupRefused(f"{command[0]} is not installed (Debian: apt-get install postgresql-client).")
    result = subprocess.run([program, *command[1:]], env=environment, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupRefused(f"{command[0]} failed: {result.stderr.strip() or result.stdout.strip()}")


def _dump_postgresql(path: Path) -> Snapshot:
    import psycopg
    from psycopg.conninfo import make_conninfo

    environment = _libpq_environment()
    # Connection parameters come from the same environment as pg_dump's, so both reach the same database.
    with psycopg.connect(make_conninfo("", **_psycopg_params(environment))) as snapshot_connection:
        snapshot_connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        snapshot_connection.read_only = True
        with snapshot_connection.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            exported = cursor.fetchone()
            assert exported is not None
            head_sql, last_sql = _chain_queries()
            cursor.execute(head_sql)
            head_row = cursor.fetchone()
            cursor.execute(last_sql)
            head, last = _marks((head_row, cursor.fetchone()))
            # The snapshot lives as long as this transaction: pg_dump runs inside it.
            _run(
                ["pg_dump", "--format=custom", "--no-password", f"--snapshot={exported[0]}", f"--file={path}"],
                environment,
            )
    return Snapshot(path, head, last)


def _psycopg_params(environment: dict[str, str]) -> dict[str, str]:
    names = {"PGDATABASE": "dbname", "PGUSER": "user", "PGPASSWORD": "password", "PGHOST": "host", "PGPORT": "port"}
    names |= {variable: option for option, variable in LIBPQ_OPTIONS.items()}
    return {option: environment[variable] for variable, option in names.items() if environment.get(variable)}


def _load_postgresql(path: Path) -> None:
    environment = _libpq_environment()
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "--no-password",
            f"--dbname={environment['PGDATABASE']}",
            str(path),
        ],
        environment,
    )
