"""Official documents (公文) in the layout of GB/T 9704-2012, written with python-docx. Model-free.

The page is A4 with margins of 37 mm (top), 35 mm (bottom), 28 mm (left) and 26 mm (right), which leaves the
standard 156 × 225 mm text block: 22 lines of 28 characters of 3号 (16 pt) 仿宋_GB2312. The title is 2号 (22 pt)
方正小标宋简体, level-1 headings 黑体, level-2 headings 楷体_GB2312, and the page number sits under the text
block as "— 1 —", on the right of odd pages and the left of even ones.

The 公文 fonts are proprietary, so the document only names them: every style sets ``w:eastAsia`` to the 公文 font
and ``w:ascii``/``w:hAnsi`` to Times New Roman, and the font table describes each 公文 font as a GB2312 font with
its common substitute as ``w:altName``. A machine without 仿宋_GB2312 falls back to 仿宋 (FangSong), without
楷体_GB2312 to 楷体 (KaiTi), without 方正小标宋简体 to 宋体 (SimSun); LibreOffice on Debian falls back to its
CJK font (fonts-noto-cjk).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt
from docx.styles.style import ParagraphStyle
from docx.text.paragraph import Paragraph

LATIN_FONT = "Times New Roman"
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"

# name: (substitute, panose-1, family, pitch) — what Word and WPS look at to pick a font the machine has.
FONT_TABLE: dict[str, tuple[str, str, str, str]] = {
    TITLE_FONT: ("宋体", "02000000000000000000", "auto", "variable"),
    BODY_FONT: ("仿宋", "02010609030101010101", "modern", "fixed"),
    HEADING_FONT: ("SimHei", "02010609060101010101", "modern", "fixed"),
    SUBHEADING_FONT: ("楷体", "02010609030101010101", "modern", "fixed"),
    PAGE_NUMBER_FONT: ("SimSun", "02010600030101010101", "auto", "variable"),
}
GB2312_CHARSET = "86"

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)

TITLE_SIZE = Pt(22)  # 2号
BODY_SIZE = Pt(16)  # 3号
PAGE_NUMBER_SIZE = Pt(14)  # 4号
TABLE_SIZE = Pt(12)  # 小四
# 225 mm of text block over 22 lines: 28.95 pt, fixed, so that every page holds 22 lines.
LINE_PITCH = Pt(28.95)
# 156 mm hold 27 characters of 16 pt; condensed by a quarter point (in twentieths of a point) they hold 28. A
# character grid would say the same, but LibreOffice misreads the negative pitch Word writes for it.
CONDENSED_TWIPS = -5
INDENT = Pt(32)  # two characters of 3号

STYLE_TITLE = "Official Title"
STYLE_NUMBER = "Official Number"
STYLE_ADDRESSEE = "Official Addressee"
STYLE_HEADING_1 = "Official Heading 1"
STYLE_HEADING_2 = "Official Heading 2"
STYLE_CLOSING = "Official Closing"
STYLE_TABLE_HEADER = "Official Table Header"
STYLE_TABLE_TEXT = "Official Table Text"
STYLE_PAGE_NUMBER = "Official Page Number"


def chinese_date(day: date) -> str:
    """The date as 公文 write it, in Arabic numerals without leading zeros: 2023年6月20日."""
    return f"{day.year}年{day.month}月{day.day}日"


def document_number(prefix: str, year: int, number: int | str) -> str:
    """A document number (发文字号) with the year in hexagonal brackets: 龙巡反〔2023〕4号."""
    return f"{prefix}〔{year}〕{number}号"


def _set_fonts(rpr: Any, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Name the fonts of a run or style: Latin text in ``latin``, Chinese in ``east_asia``; theme fonts, which
    would win over named ones, are removed."""
    fonts = rpr.get_or_add_rFonts()
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attribute), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:hint"), "eastAsia")


# The order of paragraph and run properties in the schema (CT_PPr, CT_RPr): Word rejects a file that breaks it.
PPR_ORDER = (  # noqa: SIM905 - one string reads like the schema
    "w:pStyle w:keepNext w:keepLines w:pageBreakBefore w:framePr w:widowControl w:numPr w:suppressLineNumbers "
    "w:pBdr w:shd w:tabs w:suppressAutoHyphens w:kinsoku w:wordWrap w:overflowPunct w:topLinePunct w:autoSpaceDE "
    "w:autoSpaceDN w:bidi w:adjustRightInd w:snapToGrid w:spacing w:ind w:contextualSpacing w:mirrorIndents "
    "w:suppressOverlap w:jc w:textDirection w:textAlignment w:textboxTightWrap w:outlineLvl w:divId w:cnfStyle "
    "w:rPr w:sectPr w:pPrChange"
).split()
RPR_AFTER_SPACING = (  # noqa: SIM905
    "w:w w:kern w:position w:sz w:szCs w:highlight w:u w:effect w:bdr w:shd w:fitText w:vertAlign w:rtl w:cs w:em "
    "w:lang w:eastAsianLayout w:specVanish w:oMath"
).split()


def _insert(ppr: Any, element: Any) -> None:
    """Put ``element`` into paragraph properties at its place in the schema's order."""
    position = next(index for index, name in enumerate(PPR_ORDER) if qn(name) == element.tag)
    ppr.insert_element_before(element, *PPR_ORDER[position + 1 :])


def _set_indent_chars(style: ParagraphStyle, first_line_chars: int) -> None:
    """The first-line indent in hundredths of a character as well as in points, so that Word and WPS keep it at
    two characters whatever the font size."""
    style.paragraph_format.first_line_indent = INDENT if first_line_chars else Pt(0)
    ind = style.element.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(first_line_chars))


def _font_table_xml() -> bytes:
    fonts = [
        f'<w:font w:name="{LATIN_FONT}"><w:panose1 w:val="02020603050405020304"/><w:charset w:val="00"/>'
        '<w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>'
    ]
    for name, (substitute, panose, family, pitch) in FONT_TABLE.items():
        fonts.append(
            f'<w:font w:name="{name}"><w:altName w:val="{substitute}"/><w:panose1 w:val="{panose}"/>'
            f'<w:charset w:val="{GB2312_CHARSET}"/><w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>'
        )
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        + "".join(fonts)
        + "</w:fonts>"
    ).encode()


class OfficialDocument:
    """One 公文 being written: add its parts in reading order, then take its bytes."""

    def __init__(self, *, title: str, author: str = "") -> None:
        self.document = Document()
        self.document.core_properties.title = title
        self.document.core_properties.author = author
        self.document.core_properties.language = "zh-CN"
        self._set_up_page()
        self._set_up_styles()
        self._set_up_font_table()
        self._set_up_page_numbers()

    # Set-up -------------------------------------------------------------------------------------------------------

    def _set_up_page(self) -> None:
        section = self.document.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
        section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
        section.header_distance = Mm(15)
        # The page number's line sits about 7 mm below the text block.
        section.footer_distance = Mm(23)
        grid = section._sectPr.find(qn("w:docGrid"))
        if grid is None:
            grid = OxmlElement("w:docGrid")
            section._sectPr.append(grid)
        # The line grid Word and WPS show as 22 lines per page.
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(round(LINE_PITCH.pt * 20)))

    def _set_up_styles(self) -> None:
        styles = self.document.styles
        defaults = styles.element.find(qn("w:docDefaults"))
        assert defaults is not None  # noqa: S101 - python-docx's template has them
        default_rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        _set_fonts(default_rpr, BODY_FONT)
        # 3号 everywhere unless a style says otherwise.
        for tag in ("w:sz", "w:szCs"):
            default_rpr.find(qn(tag)).set(qn("w:val"), str(round(BODY_SIZE.pt * 2)))
        lang = default_rpr.find(qn("w:lang"))
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")
        spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
        spacing.set(qn("w:after"), "0")

        normal = styles["Normal"]
        assert isinstance(normal, ParagraphStyle)  # noqa: S101
        self._paragraph_style(normal, BODY_FONT, BODY_SIZE, WD_ALIGN_PARAGRAPH.JUSTIFY, indent_chars=200)
        condensed = OxmlElement("w:spacing")
        condensed.set(qn("w:val"), str(CONDENSED_TWIPS))
        normal.element.get_or_add_rPr().insert_element_before(condensed, *RPR_AFTER_SPACING)

        def add(name: str, font: str, size: Length, align: WD_ALIGN_PARAGRAPH, indent_chars: int) -> ParagraphStyle:
            style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            assert isinstance(style, ParagraphStyle)  # noqa: S101
            style.base_style = normal
            style.quick_style = True
            self._paragraph_style(style, font, size, align, indent_chars=indent_chars)
            return style

        title = add(STYLE_TITLE, TITLE_FONT, TITLE_SIZE, WD_ALIGN_PARAGRAPH.CENTER, 0)
        title.paragraph_format.space_after = LINE_PITCH
        title.paragraph_format.keep_with_next = True
        self._outline(title, 0)
        number = add(STYLE_NUMBER, BODY_FONT, BODY_SIZE, WD_ALIGN_PARAGRAPH.RIGHT, 0)
        number.paragraph_format.space_after = LINE_PITCH
        add(STYLE_ADDRESSEE, BODY_FONT, BODY_SIZE, WD_ALIGN_PARAGRAPH.LEFT, 0)
        for name, font, level in ((STYLE_HEADING_1, HEADING_FONT, 1), (STYLE_HEADING_2, SUBHEADING_FONT, 2)):
            heading = add(name, font, BODY_SIZE, WD_ALIGN_PARAGRAPH.JUSTIFY, 200)
            heading.paragraph_format.keep_with_next = True
            self._outline(heading, level)
        closing = add(STYLE_CLOSING, BODY_FONT, BODY_SIZE, WD_ALIGN_PARAGRAPH.RIGHT, 0)
        # 成文日期 and the issuer stand four characters from the right edge (右空四字).
        closing.paragraph_format.right_indent = Pt(4 * BODY_SIZE.pt)
        for name, font, align in (
            (STYLE_TABLE_HEADER, HEADING_FONT, WD_ALIGN_PARAGRAPH.CENTER),
            (STYLE_TABLE_TEXT, BODY_FONT, WD_ALIGN_PARAGRAPH.LEFT),
        ):
            cell = add(name, font, TABLE_SIZE, align, 0)
            cell.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            # Table text keeps its own line height instead of snapping to the page's line grid.
            _insert(cell.element.get_or_add_pPr(), self._off("w:snapToGrid"))
        add(STYLE_PAGE_NUMBER, PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE, WD_ALIGN_PARAGRAPH.RIGHT, 0)

    @staticmethod
    def _paragraph_style(
        style: ParagraphStyle, font: str, size: Length, align: WD_ALIGN_PARAGRAPH, *, indent_chars: int
    ) -> None:
        style.font.size = size
        _set_fonts(style.element.get_or_add_rPr(), font)
        fmt = style.paragraph_format
        fmt.alignment = align
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = LINE_PITCH
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(0)
        fmt.widow_control = True
        _set_indent_chars(style, indent_chars)

    @staticmethod
    def _outline(style: ParagraphStyle, level: int) -> None:
        """Show the style in the navigation pane of Word and WPS."""
        outline = OxmlElement("w:outlineLvl")
        outline.set(qn("w:val"), str(level))
        _insert(style.element.get_or_add_pPr(), outline)

    @staticmethod
    def _off(tag: str) -> Any:
        element = OxmlElement(tag)
        element.set(qn("w:val"), "0")
        return element

    def _set_up_font_table(self) -> None:
        # python-docx has no API for the font table: its part is replaced as a whole.
        part = self.document.part.part_related_by(RT.FONT_TABLE)
        part._blob = _font_table_xml()

    def _set_up_page_numbers(self) -> None:
        """The page number under the text block: on the right of odd pages and the left of even ones, one
        character in from the edge of the text."""
        self.document.settings.odd_and_even_pages_header_footer = True
        section = self.document.sections[0]
        odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
        for paragraph in (odd, even):
            paragraph.style = self.document.styles[STYLE_PAGE_NUMBER]
            self._page_field(paragraph)
        odd.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        odd.paragraph_format.right_indent = PAGE_NUMBER_SIZE
        even.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
        even.paragraph_format.left_indent = PAGE_NUMBER_SIZE

    @staticmethod
    def _page_field(paragraph: Paragraph) -> None:
        """The page number as a PAGE field between two em dashes (一字线): "— 1 —"."""

        def field_char(kind: str) -> None:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            paragraph.add_run()._r.append(char)

        paragraph.add_run("— ")
        field_char("begin")
        instruction = OxmlElement("w:instrText")
        instruction.set(qn("xml:space"), "preserve")
        instruction.text = " PAGE "
        paragraph.add_run()._r.append(instruction)
        field_char("separate")
        paragraph.add_run("1")  # shown until the word processor updates the field
        field_char("end")
        paragraph.add_run(" —")

    # Content ------------------------------------------------------------------------------------------------------

    def number(self, text: str) -> Paragraph:
        """The document number (发文字号), e.g. 龙巡反〔2023〕4号."""
        return self.document.add_paragraph(text, STYLE_NUMBER)

    def title(self, text: str) -> Paragraph:
        return self.document.add_paragraph(text, STYLE_TITLE)

    def addressee(self, text: str) -> Paragraph:
        """The main recipients (主送机关), flush left, ending with a full-width colon."""
        return self.document.add_paragraph(text if text.endswith("：") else text + "：", STYLE_ADDRESSEE)

    def line(self, text: str) -> Paragraph:
        """A flush-left line without indent: a marking, a space to sign in."""
        return self.document.add_paragraph(text, STYLE_ADDRESSEE)

    def heading(self, text: str, level: int = 1) -> Paragraph:
        """A level-1 heading in 黑体 ("一、…") or a level-2 heading in 楷体 ("（一）…")."""
        if level not in (1, 2):
            raise ValueError("Official documents here use two heading levels.")
        return self.document.add_paragraph(text, STYLE_HEADING_1 if level == 1 else STYLE_HEADING_2)

    def paragraph(self, text: str) -> Paragraph:
        """A body paragraph: 仿宋 3号, the first line indented by two characters."""
        return self.document.add_paragraph(text)

    def table(
        self, header: Sequence[str], rows: Iterable[Sequence[object]], *, widths_mm: Sequence[float] | None = None
    ) -> None:
        """A ruled table across the text block whose header row repeats on every page it runs on."""
        table = self.document.add_table(rows=1, cols=len(header))
        table.style = self.document.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = widths_mm is None
        header_row = table.rows[0]
        header_row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        for cell, text in zip(header_row.cells, header, strict=True):
            cell.paragraphs[0].text = text
            cell.paragraphs[0].style = self.document.styles[STYLE_TABLE_HEADER]
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        for values in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, values, strict=True):
                cell.paragraphs[0].text = "" if value is None else str(value)
                cell.paragraphs[0].style = self.document.styles[STYLE_TABLE_TEXT]
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        if widths_mm is not None:
            for column, width in zip(table.columns, widths_mm, strict=True):
                column.width = Mm(width)
            for row in table.rows:
                for cell, width in zip(row.cells, widths_mm, strict=True):
                    cell.width = Mm(width)
        # A table is followed by a paragraph, so that two tables never run together.
        self.document.add_paragraph("", STYLE_ADDRESSEE)

    def signature(self, issuer: str, on: date) -> None:
        """The issuing body and the date (成文日期) under the text, right-aligned, after one blank line."""
        self.document.add_paragraph("", STYLE_ADDRESSEE)
        if issuer:
            self.document.add_paragraph(issuer, STYLE_CLOSING)
        self.date_line(on)

    def date_line(self, on: date) -> Paragraph:
        return self.document.add_paragraph(chinese_date(on), STYLE_CLOSING)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()
