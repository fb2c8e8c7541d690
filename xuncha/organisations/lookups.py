"""``path__under``: the subtree lookup on stored tree paths, written so that each database uses its index.

PostgreSQL answers ``LIKE 'prefix%'`` from the ``varchar_pattern_ops`` index Django creates for an indexed
CharField. SQLite's LIKE is case-insensitive and cannot use a plain index, so there the same question is asked as
a range, ``path >= prefix AND path < prefix'`` (the prefix with its last character incremented), which the
B-tree index answers directly. Either way a county's pages cost the same whatever else the database holds.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.lookups import Lookup, StartsWith
from django.db.models.sql.compiler import SQLCompiler


class TreePathField(models.CharField):
    """A materialised path: the codes from the root down, each followed by "/"."""


@TreePathField.register_lookup
class Under(Lookup):
    lookup_name = "under"
    prepare_rhs = False

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, Any]:
        return StartsWith(self.lhs, self.rhs).as_sql(compiler, connection)

    def as_sqlite(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, Any]:
        if not isinstance(self.rhs, str) or not self.rhs:
            return self.as_sql(compiler, connection)
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        upper = self.rhs[:-1] + chr(ord(self.rhs[-1]) + 1)
        return f"({lhs_sql} >= %s AND {lhs_sql} < %s)", [*lhs_params, self.rhs, *lhs_params, upper]
