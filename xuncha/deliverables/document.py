"""A deliverable printed as a GB/T 9704 official paper (.docx): its title, its text with its headings, and the
signing unit with the date it was submitted (today for a draft, marked 草稿)."""

from __future__ import annotations

import re

from django.utils import timezone

from xuncha.core.docx import OfficialDocument
from xuncha.deliverables.drafting import title_of
from xuncha.deliverables.models import Deliverable
from xuncha.documents.builders import docx_file, inspection_office, party_organisation
from xuncha.documents.chinese import chinese
from xuncha.documents.files import GeneratedFile

HEADING_1 = re.compile(r"^[一二三四五六七八九十]+、")
HEADING_2 = re.compile(r"^（[一二三四五六七八九十]+）")


def render(deliverable: Deliverable) -> GeneratedFile:
    """Callers have checked that the reader may see the deliverable."""
    with chinese():
        title = title_of(deliverable)
        unit = deliverable.unit
        issuer = unit.name if deliverable.is_department else party_organisation(unit)
        doc = OfficialDocument(title=title, author=issuer)
        if deliverable.submitted_on is None:
            doc.line("草稿")
        doc.title(title)
        doc.addressee(inspection_office(deliverable.round.term.county))
        for line in deliverable.text.splitlines():
            line = line.strip()
            if not line:
                continue
            if HEADING_1.match(line):
                doc.heading(line, 1)
            elif HEADING_2.match(line):
                doc.heading(line, 2)
            else:
                doc.paragraph(line)
        doc.signature(issuer, deliverable.submitted_on or timezone.localdate())
        return docx_file(title, doc)
