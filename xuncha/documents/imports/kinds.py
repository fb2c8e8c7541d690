"""The kinds of spreadsheet import, by ``ImportRun.Kind`` and by the slug of their pages' addresses."""

from __future__ import annotations

from typing import Any

from xuncha.documents.imports.base import Importer
from xuncha.documents.imports.classification import ClassificationImporter
from xuncha.documents.imports.ledger import LedgerImporter
from xuncha.documents.imports.problems import ProblemsImporter

IMPORTERS: dict[str, type[Importer[Any]]] = {
    importer.kind: importer for importer in (ClassificationImporter, ProblemsImporter, LedgerImporter)
}
KIND_BY_SLUG = {importer.slug: kind for kind, importer in IMPORTERS.items()}


def importer_for(kind: str) -> type[Importer[Any]]:
    return IMPORTERS[kind]
