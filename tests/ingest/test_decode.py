import pytest

from narratrace.errors import BinaryInputError, EmptyInputError
from narratrace.ingest.decode import decode_bytes


def test_utf8_passes_through_unchanged():
    decoded = decode_bytes("Grüße — «цитата»".encode())
    assert decoded.text == "Grüße — «цитата»"
    assert decoded.encoding == "utf-8"
    assert decoded.notes == []


@pytest.mark.parametrize("data", [b"", b"   \n\t  "])
def test_empty_input_is_refused(data):
    with pytest.raises(EmptyInputError):
        decode_bytes(data)


@pytest.mark.parametrize(
    "data, what",
    [(b"\x89PNG\r\n\x1a\n" + bytes(100), "PNG"), (b"%PDF-1.7\n...", "PDF"), (bytes(range(256)) * 20, "binary")],
)
def test_binary_input_is_refused_with_what_it_is(data, what):
    with pytest.raises(BinaryInputError, match=what):
        decode_bytes(data, name="x")


def test_legacy_cyrillic_encoding_is_detected_and_noted():
    text = "Министерство обороны опровергло сообщения о переброске войск. " * 3
    decoded = decode_bytes(text.encode("cp1251"))
    assert decoded.text.startswith("Министерство обороны")
    assert any("legacy encoding" in n for n in decoded.notes)


def test_latin1_german_is_detected():
    text = "Die Größe der Truppen wurde übertrieben, sagte der Sprecher gegenüber Journalisten. " * 3
    decoded = decode_bytes(text.encode("latin-1"))
    assert "Größe" in decoded.text and "übertrieben" in decoded.text


def test_a_few_invalid_utf8_bytes_are_replaced_and_noted():
    data = ("Kyjiw — Київ. " * 50).encode() + b"\xff\xfe broken" + " — end".encode()
    decoded = decode_bytes(data)
    assert decoded.encoding == "utf-8"
    assert "\ufffd" in decoded.text
    assert any("invalid UTF-8" in n for n in decoded.notes)


def test_nul_bytes_are_removed_and_noted():
    decoded = decode_bytes(b"Troops\x00 withdrew from the region.")
    assert decoded.text == "Troops withdrew from the region."
    assert any("NUL" in n for n in decoded.notes)


def test_crlf_line_endings_are_normalised():
    assert decode_bytes(b"a\r\nb\rc").text == "a\nb\nc"
