"""End to end: a feedback document converted to PDF by LibreOffice, as an office without Word would, keeps its
Chinese text and is drawn with a CJK font (without one, every character would be a blank box).

Skipped when LibreOffice is absent (and failed under XUNCHA_STRICT_SKIPS=1, which CI sets after installing it).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest

from xuncha.accounts.models import User
from xuncha.conftest import World
from xuncha.documents.builders import feedback as feedback_builder
from xuncha.rectification.tests.factories import publish, reported_round

pytestmark = pytest.mark.libreoffice

SOFFICE = os.environ.get("XUNCHA_SOFFICE", "soffice")
CJK_FONT = re.compile(r"CJK|WenQuanYi|WQY|Song|Fang|Hei|Kai|Ming|UMing|UKai|Droid ?Sans ?Fallback", re.IGNORECASE)


@pytest.fixture(scope="session")
def soffice() -> str:
    found = shutil.which(SOFFICE)
    if found is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer)")
    return found


def to_pdf(soffice: str, docx: bytes, workdir: Path) -> Path:
    """Convert with a throw-away profile and home, so that runs neither share nor leave LibreOffice state."""
    source = workdir / "feedback.docx"
    source.write_bytes(docx)
    profile = workdir / "profile"
    command = [
        soffice,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "pdf",
        "--outdir",
        str(workdir),
        str(source),
    ]
    subprocess.run(command, env={**os.environ, "HOME": str(workdir)}, check=True, capture_output=True, timeout=180)
    return workdir / "feedback.pdf"


def _streams(pdf: bytes) -> list[bytes]:
    inflated = []
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        try:
            inflated.append(zlib.decompress(raw))
        except zlib.error:
            continue
    return inflated


def pdf_characters(path: Path) -> str:
    """The text of the PDF: by ``pdftotext`` (poppler-utils) when present, else the characters its fonts' ToUnicode
    maps give the glyphs it draws (LibreOffice subsets fonts, so these are the characters of the text)."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext is not None:
        result = subprocess.run([pdftotext, "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True)
        return result.stdout.decode()
    characters = set()
    for stream in _streams(path.read_bytes()):
        if b"beginbfchar" in stream or b"beginbfrange" in stream:
            for code in re.findall(rb"<[0-9A-Fa-f]+>\s*<([0-9A-Fa-f]+)>", stream):
                characters.add(bytes.fromhex(code.decode()).decode("utf-16-be", "ignore"))
    return "".join(sorted(characters))


def font_names(path: Path) -> set[str]:
    data = path.read_bytes()
    names = re.findall(rb"/BaseFont\s*/(?:[A-Z]{6}\+)?([^\s/<>\[\]()]+)", b"\n".join([data, *_streams(data)]))
    return {name.decode("latin-1") for name in names}


def test_the_feedback_document_converts_to_pdf_with_its_chinese_text(
    soffice: str, world: World, office: User, tmp_path: Path
) -> None:
    reported = reported_round(world)
    feedback = publish(reported.round, world.village_a1, office)
    document = feedback_builder.render(feedback)

    pdf = to_pdf(soffice, document.content, tmp_path)

    assert pdf.read_bytes().startswith(b"%PDF-")
    text = re.sub(r"\s+", "", pdf_characters(pdf))
    expected = ["关于巡察甲镇甲一村的反馈意见", "甲镇党委、甲一村党组织", "集体土地出租合同", "整改要求"]
    if shutil.which("pdftotext") is not None:
        for words in expected:
            assert words in text
    else:
        assert set("".join(expected)) <= set(text)
    fonts = font_names(pdf)
    assert any(CJK_FONT.search(name) for name in fonts), (
        f"The PDF draws Chinese with {sorted(fonts)}: no CJK font is installed (apt-get install fonts-noto-cjk)."
    )
