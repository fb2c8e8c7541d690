"""Removing what a photo says about the phone and the place it was taken, without decoding the picture.

A phone's photo carries EXIF (GPS position, phone model, serial numbers, time), XMP and comments beside the
picture. ``strip_metadata`` walks the file's own structure and drops those parts, keeping every byte of the picture:

* JPEG: the APP1–APP15 segments (EXIF, XMP, ICC, maker notes, the Adobe marker) and comments (COM) are dropped;
  APP0 (JFIF) and the segments that make the picture (SOF, DQT, DHT, DRI, SOS with its entropy-coded data) are
  kept, up to the end-of-image marker. Whatever follows it (a phone's second picture, a trailer) is dropped.
* PNG: the critical chunks and the ancillary chunks that change how the picture is shown (transparency, colour,
  gamma, pixel size, animation) are kept; every other ancillary chunk (eXIf, tEXt, zTXt, iTXt, tIME and private
  ones) is dropped whole. Chunks carry their own CRC, so nothing is recomputed. Nothing after IEND is kept.
* WebP: the RIFF ``EXIF`` and ``XMP `` chunks are dropped, their flags cleared in ``VP8X``, the RIFF size adjusted.

Anything else (GIF among them) or a file whose structure does not hold raises ``MetadataError``: the caller
refuses it rather than storing what it could not clean.

No Pillow: the format's framing is all that is read.
"""

from __future__ import annotations

import struct

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Ancillary PNG chunks that only change how the picture is shown (and APNG's frames); all others are dropped.
PNG_KEPT_ANCILLARY = frozenset(
    {b"tRNS", b"cHRM", b"gAMA", b"iCCP", b"sBIT", b"sRGB", b"bKGD", b"hIST", b"pHYs", b"sPLT", b"cICP", b"mDCv"}
    | {b"cLLi", b"acTL", b"fcTL", b"fdAT"}
)
WEBP_DROPPED = frozenset({b"EXIF", b"XMP "})
WEBP_EXIF_FLAG = 0x08
WEBP_XMP_FLAG = 0x04

JPEG_SOI = b"\xff\xd8"
JPEG_EOI = 0xD9
JPEG_SOS = 0xDA
JPEG_COM = 0xFE
JPEG_APP0 = 0xE0
JPEG_APP15 = 0xEF
# Markers without a length: TEM and the restart markers.
JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})


class MetadataError(ValueError):
    """The file is not one whose metadata can be removed (an unknown type, or a broken structure)."""


def strip_metadata(data: bytes) -> bytes:
    """``data`` (a JPEG, PNG or WebP file) without its metadata; ``MetadataError`` for anything else."""
    if data.startswith(JPEG_SOI):
        return _strip_jpeg(data)
    if data.startswith(PNG_SIGNATURE):
        return _strip_png(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _strip_webp(data)
    raise MetadataError("not a JPEG, PNG or WebP file")


def _strip_jpeg(data: bytes) -> bytes:
    out = bytearray(JPEG_SOI)
    pos = 2
    end = len(data)
    while True:
        if pos >= end or data[pos] != 0xFF:
            raise MetadataError("JPEG: a marker was expected")
        while pos < end and data[pos] == 0xFF:  # fill bytes before a marker
            pos += 1
        if pos >= end:
            raise MetadataError("JPEG: truncated marker")
        marker = data[pos]
        pos += 1
        if marker == JPEG_EOI:
            out += b"\xff\xd9"
            return bytes(out)
        if marker in JPEG_STANDALONE:
            out += bytes((0xFF, marker))
            continue
        if pos + 2 > end:
            raise MetadataError("JPEG: truncated segment length")
        (length,) = struct.unpack(">H", data[pos : pos + 2])
        if length < 2 or pos + length > end:
            raise MetadataError("JPEG: segment length out of bounds")
        segment_end = pos + length
        dropped = (JPEG_APP0 < marker <= JPEG_APP15) or marker == JPEG_COM
        if not dropped:
            out += bytes((0xFF, marker)) + data[pos:segment_end]
        pos = segment_end
        if marker == JPEG_SOS:
            # Entropy-coded data runs to the next marker that is neither a stuffed 0xFF00 nor a restart marker.
            scan = pos
            while True:
                found = data.find(b"\xff", scan)
                if found < 0 or found + 1 >= end:
                    raise MetadataError("JPEG: the image data has no end")
                follower = data[found + 1]
                if follower == 0x00 or 0xD0 <= follower <= 0xD7 or follower == 0xFF:
                    scan = found + (1 if follower == 0xFF else 2)
                    continue
                out += data[pos:found]
                pos = found
                break


def _strip_png(data: bytes) -> bytes:
    out = bytearray(PNG_SIGNATURE)
    pos = len(PNG_SIGNATURE)
    end = len(data)
    seen_header = False
    while True:
        if pos + 8 > end:
            raise MetadataError("PNG: truncated chunk header")
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        chunk_end = pos + 12 + length
        if chunk_end > end or not kind.isalpha() or not kind.isascii():
            raise MetadataError("PNG: broken chunk")
        if not seen_header and kind != b"IHDR":
            raise MetadataError("PNG: IHDR must come first")
        seen_header = True
        critical = kind[0:1].isupper()
        if critical or kind in PNG_KEPT_ANCILLARY:
            out += data[pos:chunk_end]
        pos = chunk_end
        if kind == b"IEND":
            return bytes(out)


def _strip_webp(data: bytes) -> bytes:
    (riff_size,) = struct.unpack("<I", data[4:8])
    end = 8 + riff_size
    if end > len(data) or riff_size < 4:
        raise MetadataError("WebP: RIFF size out of bounds")
    body = bytearray(b"WEBP")
    pos = 12
    while pos < end:
        if pos + 8 > end:
            raise MetadataError("WebP: truncated chunk header")
        kind = data[pos : pos + 4]
        (length,) = struct.unpack("<I", data[pos + 4 : pos + 8])
        chunk_end = pos + 8 + length + (length & 1)
        if chunk_end > end:
            raise MetadataError("WebP: chunk out of bounds")
        if kind not in WEBP_DROPPED:
            chunk = bytearray(data[pos:chunk_end])
            if kind == b"VP8X" and length >= 1:
                chunk[8] &= ~(WEBP_EXIF_FLAG | WEBP_XMP_FLAG) & 0xFF
            body += chunk
        pos = chunk_end
    return b"RIFF" + struct.pack("<I", len(body)) + bytes(body)
