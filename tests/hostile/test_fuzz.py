"""A mutation fuzzer over the whole file reader (bytes -> decode -> detect -> parse).

Seeds are small valid inputs of every format and encoding; each round mutates one (bit
flips, byte insertions, spliced markup, repeated slices, truncation) and reads it as a
file would be read. The only acceptable outcomes are articles and IngestFailures with a
known code; an unexpected exception, a hang (pytest-timeout) or unclean text is a bug.

Runs ``NARRATRACE_FUZZ_SECONDS`` seconds (default 3); the seed of a failing run is in the
assertion message, and ``NARRATRACE_FUZZ_SEED`` replays it.
"""

from __future__ import annotations

import json
import os
import random
import re
import time

import pytest

from narratrace.ingest import IngestFailure, iter_file_items
from narratrace.model import Article

SECONDS = float(os.environ.get("NARRATRACE_FUZZ_SECONDS", "3"))
CODES = {"E100", "E101", "E102", "E103", "E104", "E105", "E106", "E107", "E108"}
UNCLEAN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")

TEXT = "Officials denied the report.\n\nBy Jane Roe\n\n3 March 2025\n\nTroops moved (Photo: AP) near the dam."
SEEDS = [
    TEXT.encode(),
    TEXT.encode("utf-16-le"),
    TEXT.encode("utf-32-be"),
    "Войска отошли от границы, сообщило министерство.".encode("cp1251"),
    f"<html><head><title>T</title></head><body><article><h1>T</h1><p>{TEXT}</p><figure><img src='a.jpg'>"
    "<figcaption>c</figcaption></figure></article></body></html>".encode(),
    f"<?xml version='1.0'?><!DOCTYPE rss [<!ENTITY a 'x'>]><rss><channel><title>W</title><item><title>I</title>"
    f"<description>{TEXT} &amp; &a;</description><pubDate>Mon, 03 Mar 2025 10:00:00 GMT</pubDate></item></channel></rss>".encode(),
    f"<feed xmlns='http://www.w3.org/2005/Atom'><entry><title>A</title><content type='html'>&lt;p&gt;{TEXT}&lt;/p&gt;</content></entry></feed>".encode(),
    json.dumps([{"id": "a", "text": TEXT, "published": "2025-03-03", "url": "https://x.example/a"}, {"text": 5}]).encode(),
    "\n".join(json.dumps(r) for r in [{"text": TEXT, "published": True}, {"content": TEXT, "lang": "en", "authors": ["A"]}]).encode(),
]
SPLICES = [b"<div " + b"a=1 " * 50 + b">", b"<!DOCTYPE x [", b"]>", b"&#27;", b"\x1b[2J", b"\xff\xfe", b"\x00", b"{\"text\": ",
           b"<![CDATA[", b"<?xml ?>", b"\xc3", b"\xed\xa0\x80", b"<p>" * 20, b"\"\\ud800\"", b"</"]


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One random mutation of ``data`` (kept under 64 KB)."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(6)
        pos = rng.randint(0, len(buf))
        if op == 0 and buf:
            buf[min(pos, len(buf) - 1)] ^= 1 << rng.randrange(8)
        elif op == 1:
            buf[pos:pos] = bytes([rng.randrange(256)])
        elif op == 2:
            buf[pos:pos] = rng.choice(SPLICES)
        elif op == 3 and buf:
            end = min(len(buf), pos + rng.randint(1, 64))
            buf[pos:pos] = buf[pos:end] * rng.randint(1, 20)
        elif op == 4:
            del buf[pos:]
        else:
            del buf[pos : pos + rng.randint(1, 16)]
    return bytes(buf[:65536])


@pytest.mark.timeout(max(120, SECONDS * 4))
def test_mutation_fuzz_of_the_file_reader(tmp_path):
    seed = int(os.environ.get("NARRATRACE_FUZZ_SEED") or random.SystemRandom().randrange(1 << 30))
    rng = random.Random(seed)
    path = tmp_path / "input"
    deadline = time.monotonic() + SECONDS
    rounds = 0
    while time.monotonic() < deadline or rounds < 20:
        data = mutate(rng.choice(SEEDS), rng)
        path.write_bytes(data)
        for item in iter_file_items(path):
            if isinstance(item, IngestFailure):
                assert item.code in CODES and "unexpected" not in item.reason, (seed, rounds, data[:200], item)
            else:
                assert isinstance(item, Article) and item.text.strip(), (seed, rounds, data[:200])
                assert not UNCLEAN.search(item.text), (seed, rounds, data[:200])
        rounds += 1
    print(f"fuzz: {rounds} inputs in {SECONDS:g}s, seed {seed}")
