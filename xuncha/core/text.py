"""Cleaning text that residents type on the public pages."""

from __future__ import annotations

import re

# Bidirectional controls (U+200E/U+200F marks, U+202A–U+202E embeddings and overrides, U+2066–U+2069 isolates) can
# make a text read differently on screen than it is stored ("Trojan Source"); zero-width characters (U+200B–U+200D,
# U+2060 word joiner, U+FEFF) hide words from searches and the office's eyes. Chinese needs none of them.
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")


def strip_invisible(text: str) -> str:
    """``text`` without bidirectional controls and zero-width characters."""
    return INVISIBLE.sub("", text)
