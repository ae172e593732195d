"""Hostile files: refused with a reason in bounded time, never a hang, never a lost good file.

Timeouts on these tests are hang guards only (the work they bound takes well under a second).
"""

from __future__ import annotations

import os
import time

import pytest

from narratrace.errors import NotRegularFileError, TooComplexError, TooLargeError
from narratrace.ingest import IngestFailure, read_file, read_path, read_text
from narratrace.ingest.decode import decode_bytes
from narratrace.ingest.detect import detect_format
from narratrace.ingest.files import read_capped
from narratrace.ingest.limits import MAX_ATTRIBUTES, BudgetExceeded, check_markup, time_budget
from narratrace.model import Article

GOOD = "Officials denied the report on Tuesday, the ministry said.\n\nA second paragraph follows."
unix_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs and /dev/zero")


def _attribute_bomb(n: int) -> str:
    return "<html><body><div " + " ".join(f"a{i}=x" for i in range(n)) + "><p>" + GOOD + "</p></div></body></html>"


@unix_only
@pytest.mark.timeout(30)
def test_fifo_device_and_link_to_dev_zero_are_refused_without_reading(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    (tmp_path / "good.txt").write_text(GOOD)
    items = list(read_path(tmp_path))
    good = [i for i in items if isinstance(i, Article)]
    bad = {os.path.basename(i.path): i for i in items if isinstance(i, IngestFailure)}
    assert len(good) == 1 and set(bad) == {"pipe.txt", "zero.txt"}
    assert bad["pipe.txt"].code == bad["zero.txt"].code == "E106"
    assert "FIFO" in bad["pipe.txt"].reason and "character device" in bad["zero.txt"].reason
    with pytest.raises(NotRegularFileError):
        read_file(tmp_path / "zero.txt")


def test_oversized_file_says_20_mb_and_growth_is_capped(tmp_path):
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:
        fh.truncate(21_500_000)  # sparse: no disk used
    with pytest.raises(TooLargeError, match=r"20\.5 MB, above the 20 MB limit"):
        read_file(big)
    with pytest.raises(TooLargeError, match="above the 1 MB limit"):
        read_capped(big, 1 << 20)


def test_non_utf8_and_control_character_file_names(tmp_path):
    raw = os.fsencode(tmp_path) + b"/caf\xe9-\x1b[31mred.txt"
    with open(raw, "wb") as fh:
        fh.write(GOOD.encode())
    (tmp_path / "empty\x1b]0;owned\x07.txt").write_bytes(b"")
    items = list(read_path(tmp_path))
    article = next(i for i in items if isinstance(i, Article))
    article.source_path.encode("utf-8")  # storable: the undecodable byte became U+FFFD
    assert "\ufffd" in article.source_path
    failure = next(i for i in items if isinstance(i, IngestFailure))
    assert "\x1b" not in str(failure) and "\x07" not in str(failure) and "owned" in str(failure)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_without_bom_are_detected(encoding):
    text = "Войска отошли от границы, сообщило министерство. Officials confirmed it. " * 4
    decoded = decode_bytes(text.encode(encoding))
    assert decoded.text == text and decoded.encoding == encoding
    assert any("no byte-order mark" in n for n in decoded.notes)


@pytest.mark.parametrize("bom, encoding", [(b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be")])
def test_utf32_with_bom(bom, encoding):
    assert decode_bytes(bom + GOOD.encode(encoding)).text == GOOD


def test_control_characters_are_removed_from_text_with_a_note():
    decoded = decode_bytes(("Title\x1b[2J\x1b]0;x\x07\n\n" + GOOD + " \u009b end.").encode())
    assert "\x1b" not in decoded.text and "\x07" not in decoded.text and "\u009b" not in decoded.text
    assert any("control character" in n for n in decoded.notes)


RSS_DOCTYPE = """<?xml version="1.0" encoding="windows-1251"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Wire</title>
<item><title>Dam shelled</title><link>https://wire.example/1</link><description>Officials denied that the dam was shelled. Пресс-служба.</description></item>
</channel></rss>"""

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY x SYSTEM "file:///etc/passwd">
]>
<rss version="2.0"><channel><title>T</title>
<item><title>Laughs</title><description>Officials denied it. &f; &x;</description></item>
<item><title>Plain</title><description>A second entry with ordinary text.</description></item>
</channel></rss>"""


def test_rss_with_doctype_is_a_feed_not_plain_text():
    assert detect_format(RSS_DOCTYPE) == "feed"
    [article] = read_text(RSS_DOCTYPE)
    assert article.source_format == "feed" and article.title == "Dam shelled"
    assert "Пресс-служба" in article.text  # the stale encoding name did not garble it
    assert any("DOCTYPE removed" in n for n in article.notes)


@pytest.mark.timeout(30)
def test_entity_expansion_and_external_entities_are_never_expanded():
    assert detect_format(BILLION_LAUGHS) == "feed"
    articles = read_text(BILLION_LAUGHS)
    assert len(articles) == 2
    assert all(len(a.text) < 1000 and "root:" not in a.text for a in articles)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("n", [5_000, 20_000, 1_000_000])
def test_attribute_bombs_are_refused_before_parsing(n):
    page = _attribute_bomb(n)
    assert n > MAX_ATTRIBUTES
    with pytest.raises(TooComplexError, match=f"{n} attributes"):
        read_text(page, fmt="html")


def test_ordinary_attributes_pass_and_quoted_words_are_not_counted():
    words = " ".join(["word"] * (3 * MAX_ATTRIBUTES))
    page = f'<html><body><img alt="{words}" src="a.jpg"><p>{GOOD}</p></body></html>'
    assert check_markup(page).elements == 4
    assert read_text(page, fmt="html")[0].text


@pytest.mark.timeout(60)
def test_page_with_many_elements_skips_trafilatura_with_a_note():
    page = "<html><body>" + "".join(f"<p>Paragraph {i} about the dam.</p>" for i in range(60_000)) + "</body></html>"
    [article] = read_text(page, fmt="html")
    assert "Paragraph 59999" in article.text and any("not by trafilatura" in n for n in article.notes)


def test_time_budget_interrupts_python_work_and_restores_an_outer_timer():
    import signal

    signal.setitimer(signal.ITIMER_REAL, 0)
    started = time.monotonic()
    with pytest.raises(BudgetExceeded):
        with time_budget(0.2):
            while True:
                sum(range(1000))
    assert time.monotonic() - started < 10  # hang guard
    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *_: fired.append(1))
    try:
        signal.setitimer(signal.ITIMER_REAL, 30)
        with time_budget(5):
            pass
        left, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 20 < left <= 30 and not fired
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_text_over_three_million_characters_is_read():
    text = ("The ministry denied the report. " * 100 + "\n\n") * 1000  # 3.2M characters
    [article] = read_text(text, fmt="text")
    assert len(article.text) == len(text)


@pytest.mark.timeout(60)
def test_many_picture_credits_stay_linear():
    text = "Caption line.\n\n" + "word (Photo: AP) " * 200_000
    [article] = read_text(text, fmt="text")
    assert 0 < len(article.images) <= 500
