"""Bytes to text: size cap, binary sniffing, encoding detection, with notes on what was done."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from narratrace.errors import BinaryInputError, EmptyInputError

# File signatures of common non-text formats, so the error can say what the file is.
MAGIC = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF document (convert it to text or HTML first)",
    b"PK\x03\x04": "a ZIP archive (or DOCX/ODT/EPUB; unpack or convert it first)",
    b"\x1f\x8b": "a gzip archive (decompress it first)",
    b"RIFF": "a RIFF media file",
    b"\x7fELF": "an executable",
}
# Share of NUL/control bytes above which a file is binary. Text files with a few stray NULs
# (seen in scraped dumps) stay below 1%; binaries are typically well above 10%.
BINARY_CONTROL_SHARE = 0.05
# When a UTF-8 decode fails on at most this share of non-ASCII bytes, the file is treated as
# UTF-8 with a few corrupt bytes (replaced) rather than as a legacy encoding.
UTF8_ERROR_SHARE = 0.02
# Byte-order marks, longest first (the UTF-32-LE mark starts with the UTF-16-LE one).
BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"),
)
# UTF-16/32 without a BOM: text in Latin or Cyrillic script has a NUL byte in every
# code unit's high half for ASCII spaces, digits and punctuation, so one byte parity holds
# at least this share of NULs (Russian news in UTF-16: ~15%; English: ~50%) while the other
# holds almost none; binary data has NULs in both parities or in neither.
WIDE_NUL_SHARE = 0.05
# ... and the decoded text must read as text: this share of printable characters or
# whitespace, and at least this share of whitespace (word gaps in any alphabetic script).
WIDE_PRINTABLE_SHARE = 0.95
WIDE_SPACE_SHARE = 0.03
# Bytes sampled for the UTF-16/32 sniff.
WIDE_SAMPLE = 1 << 16
# Control characters removed from decoded text (C0 except tab and newline, DEL, C1): they
# never belong to an article and ESC sequences would reach a terminal through the reports.
CONTROL_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATES = re.compile("[\\ud800-\\udfff]")
_HIGH_BYTES = bytes(range(0x80, 0x100))


@dataclass
class Decoded:
    text: str
    encoding: str
    notes: list[str] = field(default_factory=list)


def _control_share(data: bytes) -> float:
    sample = data[:65536]
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control / max(1, len(sample))


def decode_bytes(data: bytes, *, name: str = "input") -> Decoded:
    """Decode ``data`` to text, detecting its encoding.

    Raises
    ------
    EmptyInputError
        For empty or whitespace-only input.
    BinaryInputError
        For images, archives and other binary data.

    Examples
    --------
    >>> decoded = decode_bytes(("Войска отошли от границы. " * 5).encode("cp1251"))
    >>> decoded.text[:6], decoded.notes[0].startswith("decoded as")
    ('Войска', True)
    """
    if not data.strip():
        raise EmptyInputError(f"{name} is empty")
    for magic, what in MAGIC.items():
        if data.startswith(magic):
            raise BinaryInputError(f"{name} is {what}, not an article")
    notes: list[str] = []
    for bom, enc in BOMS:
        if data.startswith(bom):
            return _finish(data.decode(enc, errors="replace"), enc, notes, name)
    wide = _sniff_wide(data)
    if wide is not None:
        notes.append(f"decoded as {wide[1]} (no byte-order mark)")
        return _finish(wide[0], wide[1], notes, name)
    if _control_share(data) > BINARY_CONTROL_SHARE:
        raise BinaryInputError(f"{name} looks binary ({_control_share(data):.0%} control bytes), not an article")
    try:
        return _finish(data.decode("utf-8"), "utf-8", notes, name)
    except UnicodeDecodeError:
        pass
    non_ascii = len(data) - len(data.translate(None, _HIGH_BYTES))
    replaced = data.decode("utf-8", errors="replace")
    errors = replaced.count("\ufffd")
    if non_ascii and errors / non_ascii <= UTF8_ERROR_SHARE:
        notes.append(f"{errors} invalid UTF-8 byte sequence(s) replaced with U+FFFD")
        return _finish(replaced, "utf-8", notes, name)
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise BinaryInputError(f"{name}: no text encoding fits its bytes; is it a text, HTML, JSON or feed file?")
    encoding = best.encoding
    notes.append(f"decoded as {encoding} (legacy encoding detected)")
    return _finish(str(best), encoding, notes, name)


def clean_text(text: str) -> tuple[str, int]:
    """``text`` without control characters and with lone surrogates as U+FFFD; and how many changed.

    Lone surrogates come from JSON escapes such as ``"\\ud800"``: they cannot be encoded,
    hashed or stored. Tabs and newlines stay; ``\\r\\n`` and ``\\r`` become ``\\n``.

    >>> clean_text("a\\x1b[31mb\\ud800")
    ('a[31mb\ufffd', 2)
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text, removed = CONTROL_CHARS.subn("", text)
    text, replaced = _SURROGATES.subn("\ufffd", text)
    return text, removed + replaced


def _looks_like_text(text: str) -> bool:
    if not text:
        return False
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\t\n\r")
    spaces = sum(1 for ch in text if ch.isspace())
    return printable >= WIDE_PRINTABLE_SHARE * len(text) and spaces >= WIDE_SPACE_SHARE * len(text)


def _sniff_wide(data: bytes) -> tuple[str, str] | None:
    """``(text, encoding)`` when ``data`` is UTF-32 or UTF-16 without a byte-order mark."""
    sample = data[: WIDE_SAMPLE - WIDE_SAMPLE % 4]
    if len(sample) < 4 or sample.count(0) < WIDE_NUL_SHARE * len(sample):
        return None
    candidates: list[str] = []
    if len(data) % 4 == 0:
        units = len(sample) // 4
        if sum(1 for i in range(0, len(sample), 4) if sample[i + 2] == sample[i + 3] == 0) >= 0.9 * units:
            candidates.append("utf-32-le")
        if sum(1 for i in range(0, len(sample), 4) if sample[i] == sample[i + 1] == 0) >= 0.9 * units:
            candidates.append("utf-32-be")
    if len(data) % 2 == 0:
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        half = len(sample) / 2
        if odd >= WIDE_NUL_SHARE * half and even <= odd / 20:
            candidates.append("utf-16-le")
        if even >= WIDE_NUL_SHARE * half and odd <= even / 20:
            candidates.append("utf-16-be")
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text[: WIDE_SAMPLE // 2]):
            return text, encoding
    return None


def _finish(text: str, encoding: str, notes: list[str], name: str) -> Decoded:
    if "\x00" in text:
        count = text.count("\x00")
        text = text.replace("\x00", "")
        notes.append(f"{count} NUL character(s) removed")
    text, removed = clean_text(text)
    if removed:
        notes.append(f"{removed} control character(s) removed")
    if not text.strip():
        raise EmptyInputError(f"{name} has no text")
    return Decoded(text, encoding, notes)
