"""Swap names pairwise in a text: the transformation of the metamorphic neutrality suite.

A neutral analysis gives the same labels, attributions and scores to a text and to its
copy with every name of a pair replaced by the other (Russia <-> Ukraine, RT <-> DW,
Putin <-> Zelensky ...). :func:`swap_names` builds that copy: all pairs at once (so
"Russia" -> "Ukraine" and "Ukraine" -> "Russia" do not undo each other), whole words
only (``nato`` is never found inside ``senator``), case-sensitive, longest names
first (so "North Korea" is swapped as one name, not as "North" + "Korea").

The corpus that uses it lives in ``tests/fixtures/neutrality/`` (``pairs.tsv`` and
``texts/``); :func:`load_pairs` and :func:`load_texts` read it.

Examples
--------
>>> pairs = [("Russia", "Ukraine"), ("Moscow", "Kiev")]
>>> swap_names("Russia blamed Ukraine; Moscow and Kiev disagree.", pairs)
'Ukraine blamed Russia; Kiev and Moscow disagree.'
>>> swap_names(swap_names("Moscow's view", pairs), pairs)
"Moscow's view"
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from pathlib import Path

__all__ = ["KINDS", "load_pairs", "load_texts", "swap_names", "swap_pattern"]

#: The kinds a row of ``pairs.tsv`` may have (the entity type both names share).
KINDS = frozenset({"country", "capital", "nationality", "outlet", "person", "organisation"})


def _mapping(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Both directions of every pair; a name in two pairs would make the swap ambiguous."""
    mapping: dict[str, str] = {}
    for a, b in pairs:
        if not a or not b or a == b:
            raise ValueError(f"a name pair needs two different non-empty names, got {a!r} / {b!r}")
        for x, y in ((a, b), (b, a)):
            if mapping.get(x, y) != y:
                raise ValueError(f"{x!r} is in two pairs ({mapping[x]!r} and {y!r}); each name may be swapped one way only")
            mapping[x] = y
    return mapping


def swap_pattern(names: Iterable[str]) -> re.Pattern[str]:
    """One regex matching any of ``names`` as a whole word, longest names first.

    >>> swap_pattern(["Korea", "North Korea"]).findall("North Korea, Korea, Koreans")
    ['North Korea', 'Korea']
    """
    ordered = sorted(set(names), key=lambda n: (-len(n), n))
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in ordered) + r")(?!\w)")


def swap_names(text: str, pairs: Iterable[tuple[str, str]]) -> str:
    """Replace every name of every pair by its partner, simultaneously.

    Parameters
    ----------
    text : str
        Any text.
    pairs : iterable of (str, str)
        Name pairs; each name may appear in one pair only. Extra tuple items (such as the
        kind column of ``pairs.tsv``) are ignored.

    Returns
    -------
    str
        ``text`` with each name swapped; applying the swap twice gives ``text`` back.

    Examples
    --------
    >>> swap_names("NATO senators met CSTO envoys.", [("NATO", "CSTO")])
    'CSTO senators met NATO envoys.'
    >>> swap_names("North Korea and Korea", [("North Korea", "South Korea")])
    'South Korea and Korea'
    """
    mapping = _mapping((p[0], p[1]) for p in pairs)
    if not mapping:
        return text
    return swap_pattern(mapping).sub(lambda m: mapping[m.group(0)], text)


def load_pairs(path: str | Path) -> list[tuple[str, str, str]]:
    """Read a tab-separated ``a, b, kind`` file (header line required) into triples.

    Blank lines and lines starting with ``#`` are skipped. Raises ``ValueError`` for a
    missing column, an unknown kind or a name used in two pairs.
    """
    rows: list[tuple[str, str, str]] = []
    with Path(path).open(encoding="utf-8", newline="") as fh:
        lines = (ln for ln in fh if ln.strip() and not ln.startswith("#"))
        reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
        if reader.fieldnames is None or [f.strip() for f in reader.fieldnames[:3]] != ["a", "b", "kind"]:
            raise ValueError(f"{path}: the header must be 'a<TAB>b<TAB>kind'")
        for n, row in enumerate(reader, 2):
            a, b, kind = (row.get(k) or "" for k in ("a", "b", "kind"))
            if kind.strip() not in KINDS:
                raise ValueError(f"{path}:{n}: kind must be one of {sorted(KINDS)}, got {kind!r}")
            rows.append((a.strip(), b.strip(), kind.strip()))
    _mapping((a, b) for a, b, _ in rows)
    return rows


def load_texts(directory: str | Path) -> dict[str, str]:
    """The ``*.txt`` files of ``directory`` by file stem, in name order (UTF-8).

    A folder holding ``texts/`` (the fixture layout) is read from there.
    """
    folder = Path(directory)
    if (folder / "texts").is_dir():
        folder = folder / "texts"
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))}
