"""Shared fixtures: the bundled model file (parsed once) and the team-written sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from narratrace.encoder import E5File, E5Tokenizer

SENTENCES = Path(__file__).parents[1] / "fixtures" / "encoder" / "sentences.tsv"


@pytest.fixture(scope="session")
def e5file() -> E5File:
    return E5File()


@pytest.fixture(scope="session")
def tokenizer(e5file: E5File) -> E5Tokenizer:
    return E5Tokenizer(e5file.vocab, e5file.config.max_positions)


@pytest.fixture(scope="session")
def sentences() -> list[tuple[str, str]]:
    """``(lang, text)`` rows; text may hold tabs and trailing spaces on purpose."""
    lines = SENTENCES.read_text(encoding="utf-8").split("\n")[1:]
    return [tuple(line.split("\t", 1)) for line in lines if line]
