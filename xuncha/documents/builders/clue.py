"""问题线索移交表: the sealed clue's transfer form, the one document that states whom a clue concerns.

Only those who may read the clue get it, and each copy is logged as a clue read.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import prefetch_related_objects
from django.utils import timezone

from xuncha.core.docx import OfficialDocument, chinese_date
from xuncha.documents.builders import docx_file, inspection_office
from xuncha.documents.chinese import chinese
from xuncha.documents.files import GeneratedFile
from xuncha.findings.models import Clue

RELATED = ("round__term__county", "group", "village__parent")


def _day(moment: datetime | None) -> str:
    return chinese_date(timezone.localtime(moment).date()) if moment else ""


def render(clue: Clue) -> GeneratedFile:
    """The transfer form; callers have checked that the reader may read the clue, and log the reading."""
    prefetch_related_objects([clue], *RELATED)
    with chinese():
        return _write(clue)


def _write(clue: Clue) -> GeneratedFile:
    county = clue.round.term.county
    reference = str(clue.reference)[:8].upper()
    village = clue.village
    place = f"{village.parent.name if village.parent else ''}{village.short_name}" if village else "—"

    doc = OfficialDocument(title="问题线索移交表", author=inspection_office(county))
    doc.line("密件　注意保管")
    if clue.transfer_number:
        doc.number(clue.transfer_number)
    doc.title("问题线索移交表")
    doc.table(
        ["项目", "内容"],
        [
            ["线索编号", reference],
            ["巡察轮次", str(clue.round)],
            ["巡察组", clue.group.name],
            ["涉及村（社区）", place],
            ["线索来源", clue.get_source_display()],
            ["被反映人及职务", clue.subject],
            ["主要问题", clue.summary],
            ["移交单位", inspection_office(county)],
            ["接收单位", clue.get_receiver_display()],
            ["登记日期", _day(clue.registered_at)],
            ["移交日期", _day(clue.transferred_at)],
            ["办理状态", clue.get_status_display()],
            ["处置方式", clue.get_disposal_display() if clue.disposal else ""],
        ],
        widths_mm=[40.0, 116.0],
    )
    doc.line("移交人（签名）：　　　　　　　　接收人（签名）：")
    doc.line("移交日期：　　年　月　日　　接收日期：　　年　月　日")
    doc.line("本表按涉密材料管理，不得复制、扩散。")
    return docx_file(f"问题线索移交表（{reference}）", doc)
