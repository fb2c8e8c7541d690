"""Small real images for the residents' photos, built without Pillow: a 1×1 PNG, a small JPEG (CPython's test
picture, 543 bytes), and the same pictures carrying metadata a phone adds (EXIF with a GPS position)."""

from __future__ import annotations

import base64
import struct
import zlib

GPS_MARKER = b"GPSLatitude=25.7931N;GPSLongitude=110.0112E;Model=Phone-X SN-0042"

JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQEAAQABAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgKCgkICQkKDA8MCgsOCwkJDREN"
    "Dg8QEBEQCgwSExIQEw8QEBD/2wBDAQMDAwQDBAgEBAgQCwkLEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQ"
    "EBAQEBAQEBAQEBAQEBD/wAARCAAQABADASIAAhEBAxEB/8QAFgABAQEAAAAAAAAAAAAAAAAABwQF/8QAJBAAAQQBBAICAwAA"
    "AAAAAAAAAQIDBAYFBwgSExEiABQJMTL/xAAVAQEBAAAAAAAAAAAAAAAAAAAABv/EACMRAAECBQMFAAAAAAAAAAAAAAECEQME"
    "BQYhABIxFRZhgeH/2gAMAwEAAhEDEQA/ABSm0mobc8HmExLUlRzzEWPkJWW+ulrsaUVAseUgslSlH9LKuPryIKuWPZdskzXm"
    "m3fX5m2nF4GlVxx/HOpx4ks51+MiU/Iaad7UcUo4tILoS4kqcWkezS0hO/HvuRp0rO6hWnWO1UisZVuFi4GFeyEpmGepa5S5"
    "SWVPuciFKRFLgSrwetnyPIB+Vb4N9mKhQMzo5po9XLdDs9d6ZVix2VEhiL9kuNPxw2gEKcDQ/rs8AuA8VAe0vdl7VOYn+27f"
    "lGAUgmITjbhSmCg3BYlyeWDkMolvw4KOp1KM6iCNvngZHwetf//Z"
)


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(*extra: bytes) -> bytes:
    """A 1×1 grey PNG, with extra chunks between IHDR and IDAT."""
    header = png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    pixels = png_chunk(b"IDAT", zlib.compress(b"\x00\x80"))
    return b"\x89PNG\r\n\x1a\n" + header + b"".join(extra) + pixels + png_chunk(b"IEND", b"")


PNG = png()


def jpeg_with_exif() -> bytes:
    """The JPEG with an APP1 Exif segment (after APP0) and a comment carrying the GPS marker."""
    exif = b"Exif\x00\x00" + GPS_MARKER
    app1 = b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif
    comment = b"\xff\xfe" + struct.pack(">H", len(GPS_MARKER) + 2) + GPS_MARKER
    app0_end = 2 + 2 + struct.unpack(">H", JPEG[4:6])[0]
    return JPEG[:app0_end] + app1 + comment + JPEG[app0_end:]


def png_with_metadata() -> bytes:
    return png(
        png_chunk(b"tEXt", b"Comment\x00" + GPS_MARKER),
        png_chunk(b"eXIf", b"MM\x00*" + GPS_MARKER),
        png_chunk(b"tIME", b"\x07\xea\x0b\x01\x0c\x00\x00"),
    )
