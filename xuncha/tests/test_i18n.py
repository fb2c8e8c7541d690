"""Chinese first: every user-facing string is in the catalogue, translated, compiled and shown by default."""

from __future__ import annotations

import gettext
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db.models.fields import BLANK_CHOICE_LABEL
from django.test import Client
from django.utils import translation

from xuncha.accounts.models import User
from xuncha.conftest import World
from xuncha.core import forms

PACKAGE = Path(settings.PACKAGE_DIR)
CATALOGUE = PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES"


@dataclass
class Entry:
    msgctxt: str = ""
    msgid: str = ""
    msgid_plural: str = ""
    msgstr: list[str] = field(default_factory=list)
    fuzzy: bool = False


def _unquote(line: str) -> str:
    return line[line.index('"') + 1 : line.rindex('"')].encode("latin-1", "backslashreplace").decode("unicode_escape")


def parse_po(path: Path) -> list[Entry]:
    """A small reader of .po files: enough to compare message ids and check translations."""
    entries: list[Entry] = []
    entry, target = Entry(), ""
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            if entry.msgid or entry.msgstr:
                entries.append(entry)
            entry, target = Entry(), ""
        elif line.startswith("#,") and "fuzzy" in line:
            entry.fuzzy = True
        elif line.startswith("#"):
            continue
        elif line.startswith("msgctxt"):
            target, entry.msgctxt = "msgctxt", _unquote(line)
        elif line.startswith("msgid_plural"):
            target, entry.msgid_plural = "msgid_plural", _unquote(line)
        elif line.startswith("msgid"):
            target, entry.msgid = "msgid", _unquote(line)
        elif line.startswith("msgstr"):
            target = "msgstr"
            entry.msgstr.append(_unquote(line))
        elif line.startswith('"'):
            if target == "msgstr":
                entry.msgstr[-1] += _unquote(line)
            else:
                setattr(entry, target, getattr(entry, target) + _unquote(line))
    return entries


def test_every_entry_of_the_catalogue_is_translated() -> None:
    """No message is left empty or fuzzy in the Simplified Chinese catalogue."""
    entries = [entry for entry in parse_po(CATALOGUE / "django.po") if entry.msgid]
    assert len(entries) > 300
    assert [entry.msgid for entry in entries if entry.fuzzy] == []
    assert [entry.msgid for entry in entries if not all(entry.msgstr)] == []


def test_the_compiled_catalogue_matches_the_source() -> None:
    """django.mo was compiled from the current django.po (every translation in the .po is in the .mo)."""
    with (CATALOGUE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [
        entry.msgid
        for entry in parse_po(CATALOGUE / "django.po")
        if entry.msgid and not entry.msgid_plural and _compiled(compiled, entry) != entry.msgstr[0]
    ]
    assert stale == [], "run `make messages` to recompile the catalogue"


def _compiled(compiled: gettext.GNUTranslations, entry: Entry) -> str:
    if entry.msgctxt:
        return compiled.pgettext(entry.msgctxt, entry.msgid)
    return compiled.gettext(entry.msgid)


def test_every_string_in_the_code_is_in_the_catalogue(tmp_path: Path) -> None:
    """makemessages over the sources finds no message that the catalogue lacks (run `make messages` if it does)."""
    if shutil.which("xgettext") is None:
        pytest.skip("i18n check: xgettext is not installed (Debian package gettext)")
    copy = tmp_path / "xuncha"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("static", "locale", "data", "__pycache__", "tests"))
    (copy / "locale").mkdir()
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans", "--no-location"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    found = {
        (entry.msgctxt, entry.msgid) for entry in parse_po(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    }
    known = {(entry.msgctxt, entry.msgid) for entry in parse_po(CATALOGUE / "django.po")}
    assert sorted(found - known) == [], "run `make messages` and translate the new strings"


def test_pages_are_in_simplified_chinese_by_default(client: Client, world: World, office: User, settings: Any) -> None:
    """With the project's default language, the county page and its navigation speak Chinese."""
    settings.LANGUAGE_CODE = "zh-hans"
    client.force_login(office)
    html = client.get(world.county.get_absolute_url(), headers={"accept-language": "en-US,en"}).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "村级巡察工作平台" in html
    assert "所在位置" in html
    assert "重点村" in html


def test_the_switcher_gives_english(client: Client, world: World, office: User, settings: Any) -> None:
    """Choosing English with the language switcher turns the pages to English."""
    settings.LANGUAGE_CODE = "zh-hans"
    client.force_login(office)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get(world.county.get_absolute_url()).content.decode()
    assert '<html lang="en">' in html
    assert "Village inspection work platform" in html


def test_djangos_blank_choice_reads_in_chinese() -> None:
    """Django 6.1's blank choice of a select, which Django's own catalogue leaves in English, reads in Chinese."""
    with translation.override("zh-hans"):
        assert str(BLANK_CHOICE_LABEL) != "- Select an option -"
        assert str(BLANK_CHOICE_LABEL) == str(forms.BLANK_CHOICE_LABEL)
