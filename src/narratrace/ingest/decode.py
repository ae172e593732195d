"""Bytes to text: size cap, binary sniffing, encoding detection, with notes on what was done."""

from __future__ import annotations

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
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return _finish(data.decode(enc, errors="replace"), enc, notes, name)
    if _control_share(data) > BINARY_CONTROL_SHARE:
        raise BinaryInputError(f"{name} looks binary ({_control_share(data):.0%} control bytes), not an article")
    try:
        return _finish(data.decode("utf-8"), "utf-8", notes, name)
    except UnicodeDecodeError:
        pass
    non_ascii = sum(1 for b in data if b > 0x7F)
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


def _finish(text: str, encoding: str, notes: list[str], name: str) -> Decoded:
    if "\x00" in text:
        count = text.count("\x00")
        text = text.replace("\x00", "")
        notes.append(f"{count} NUL character(s) removed")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise EmptyInputError(f"{name} has no text")
    return Decoded(text, encoding, notes)
