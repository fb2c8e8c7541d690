"""The report printed as a GB/T 9704 official paper (.docx): its title, the text of its latest version with its
headings, and the issuing group or office with the date. The text holds the clues only as a count (``drafting``)."""

from __future__ import annotations

import re

from django.utils import timezone

from xuncha.core.docx import OfficialDocument
from xuncha.documents.builders import docx_file, inspection_office
from xuncha.documents.chinese import chinese
from xuncha.documents.files import GeneratedFile
from xuncha.reporting.models import Report

HEADING_1 = re.compile(r"^[一二三四五六七八九十]+、")
HEADING_2 = re.compile(r"^（[一二三四五六七八九十]+）")


def render(report: Report) -> GeneratedFile:
    """The report as it reads in its latest version; callers have checked that the reader may see it."""
    with chinese():
        county = report.round.term.county
        issuer = report.assignment.group.name if report.assignment is not None else inspection_office(county)
        doc = OfficialDocument(title=report.title, author=issuer)
        if not report.is_approved:
            doc.line("征求意见稿")
        doc.title(report.title)
        for line in report.text.splitlines():
            line = line.strip()
            if not line:
                continue
            if HEADING_1.match(line):
                doc.heading(line, 1)
            elif HEADING_2.match(line):
                doc.heading(line, 2)
            else:
                doc.paragraph(line)
        doc.signature(issuer, report.approved_on or timezone.localdate())
        return docx_file(report.title, doc)
