"""The official documents (.docx), one module per document, each with ``render(obj, …) -> GeneratedFile``.

They are Chinese official papers: their text is written here in Chinese, and the labels of choices are read in
Chinese (``chinese()``) whatever the reader's interface language. None of them names a petition's reporter, a
draft problem or a clue's particulars, except the clue's own transfer form.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from xuncha.core.docx import OfficialDocument
from xuncha.documents.files import DOCX, GeneratedFile
from xuncha.organisations.models import VillageKind

if TYPE_CHECKING:
    from xuncha.organisations.models import AdminUnit

UNSAFE_IN_NAMES = str.maketrans({character: "_" for character in '/\\:*?"<>|'})


def committee(county: AdminUnit) -> str:
    """The county party committee: 中共龙胜各族自治县委员会."""
    return f"中共{county.name}委员会"


def inspection_office(county: AdminUnit) -> str:
    """The inspection office (巡察办) by its full name."""
    return f"{committee(county)}巡察工作领导小组办公室"


def number_prefix(county: AdminUnit, kind: str) -> str:
    """The issuer part of a document number: the county's first character and the kind, e.g. 龙巡反."""
    return f"{county.name[:1]}{kind}"


def you(village: AdminUnit) -> str:
    """How a document addresses the village: 你村, or 你社区 for a community."""
    return "你社区" if village.kind == VillageKind.COMMUNITY else "你村"


def party_organisation(unit: AdminUnit) -> str:
    """The party body a document goes to: 甲镇党委, 甲一村党组织."""
    return f"{unit.short_name}党组织" if unit.is_village else f"{unit.name}党委"


def percent(value: float) -> str:
    return f"{value:g}%"


def docx_file(name: str, document: OfficialDocument) -> GeneratedFile:
    """The document under a Chinese file name that is safe on every system."""
    return GeneratedFile(f"{name.translate(UNSAFE_IN_NAMES)}.docx", document.to_bytes(), DOCX)
