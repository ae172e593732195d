"""A folder of good and hostile files, and a measurement of ingesting it.

:func:`build` writes the folder and returns what a correct ingest must store and list.
Run as a script to measure wall time and peak memory of ``ingest`` over it:

    OMP_NUM_THREADS=1 python -m tests.hostile.mixed_folder [--copies N]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

GOOD_TEXT = "Officials denied the report on Tuesday, the ministry said.\n\nA second paragraph follows. "


@dataclass
class Expected:
    """What a correct ingest of the folder does: good record ids stored, bad file names listed."""

    good_ids: set[str] = field(default_factory=set)
    good_texts: int = 0  # good records without an id of their own (plain text, HTML, feeds)
    bad_files: set[str] = field(default_factory=set)
    bad_records: int = 0


def build(folder: Path, *, copies: int = 1) -> Expected:
    """Write good and hostile files into ``folder`` (``copies`` times, with distinct texts)."""
    folder.mkdir(parents=True, exist_ok=True)
    exp = Expected()
    for c in range(copies):
        _good(folder, c, exp)
        _hostile(folder, c, exp)
    return exp


def _good(folder: Path, c: int, exp: Expected) -> None:
    (folder / f"good-{c}.txt").write_text(f"Good plain {c}\n\n" + GOOD_TEXT * 20, encoding="utf-8")
    (folder / f"good-{c}.html").write_text(
        f"<html><head><title>Page {c}</title></head><body><article><p>{GOOD_TEXT * 10} page {c}</p></article></body></html>",
        encoding="utf-8")
    (folder / f"good-utf16-{c}.txt").write_bytes((f"UTF-16 without BOM {c}. " + GOOD_TEXT * 5).encode("utf-16-le"))
    (folder / f"feed-doctype-{c}.xml").write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "x.dtd">\n'
        f"<rss version='0.91'><channel><title>Wire</title><item><title>Item {c}</title>"
        f"<description>{GOOD_TEXT} feed {c}</description></item></channel></rss>", encoding="utf-8")
    exp.good_texts += 4
    records = [
        {"id": f"r{c}-ok", "text": GOOD_TEXT + f" record {c}"},
        {"id": f"r{c}-url", "url": 42, "text": GOOD_TEXT + f" url {c}"},
        {"id": f"r{c}-dict-date", "published": {}, "text": GOOD_TEXT + f" dict date {c}"},
        {"id": f"r{c}-bool-date", "published": True, "text": GOOD_TEXT + f" bool date {c}"},
        {"id": f"r{c}-long", "text": ("Long text beyond spaCy's limit. " * 100 + "\n\n") * 1000 + str(c)},
        {"text": 5}, {"text": {"nested": "x"}}, "a string",
    ]
    (folder / f"mixed-{c}.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n{broken", encoding="utf-8")
    exp.good_ids |= {r["id"] for r in records[:5]}
    exp.bad_records += 4
    raw = os.fsencode(folder) + f"/caf\udce9-{c}.txt".encode("utf-8", "surrogateescape")
    with open(raw, "wb") as fh:
        fh.write((f"Non-UTF-8 name {c}. " + GOOD_TEXT).encode())
    exp.good_texts += 1


def _hostile(folder: Path, c: int, exp: Expected) -> None:
    bad: dict[str, bytes] = {
        f"empty-{c}.txt": b"",
        f"binary-{c}.txt": bytes(range(256)) * 40,
        f"png-{c}.txt": b"\x89PNG\r\n\x1a\n" + bytes(100),
        f"attrs-20k-{c}.html": ("<html><body><div " + " ".join(f"a{i}=x" for i in range(20_000)) + "><p>x</p></div></body></html>").encode(),
        f"attrs-1m-{c}.html": ("<html><body><div " + "a=x " * 1_000_000 + "><p>x</p></div></body></html>").encode(),
        f"broken-{c}.json": b'[{"text": "x"',
        f"escape-\x1b]0;owned\x07-{c}.txt": b"   ",
    }
    for name, data in bad.items():
        (folder / name).write_bytes(data)
    with (folder / f"huge-{c}.txt").open("wb") as fh:
        fh.truncate(21 * 1024 * 1024)  # sparse, over the 20 MB cap
    exp.bad_files |= set(bad) | {f"huge-{c}.txt"}
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / f"fifo-{c}.txt")
        (folder / f"zero-{c}.txt").symlink_to("/dev/zero")
        exp.bad_files |= {f"fifo-{c}.txt", f"zero-{c}.txt"}


def main() -> None:
    """Build the folder in a temporary directory, ingest it (no analysis), print time and memory."""
    from narratrace.corpus.ingest_corpus import ingest
    from narratrace.store import open_store

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        exp = build(folder, copies=args.copies)
        size = sum(p.stat().st_size for p in folder.iterdir() if p.is_file() and not p.is_symlink() and p.stat().st_size < 20 << 20)
        engine = open_store(f"sqlite:///{tmp}/m.db")
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.monotonic()
        report = ingest([folder], engine, analyze=False)
        elapsed = time.monotonic() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(f"{report.files} files ({size / 1e6:.1f} MB readable), {report.new} records stored, "
              f"{len(report.failures)} refusals listed (expected {len(exp.good_ids) + exp.good_texts} stored, "
              f"{len(exp.bad_files) + exp.bad_records} listed)")
        print(f"ingest wall time {elapsed:.1f} s, peak RSS {peak / 1024:.0f} MB (before ingest {before / 1024:.0f} MB)")


if __name__ == "__main__":
    main()
