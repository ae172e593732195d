"""Tokenisation and feature extraction shared by training and the stage.

Everything here is language-independent: a regular-expression tokenizer with character
offsets, per-token feature strings for the span tagger, and dense per-paragraph and
per-span features.

Examples
--------
>>> [t[0] for t in tokenize("Don't panic, Mr. X!")]
["Don't", 'panic', ',', 'Mr', '.', 'X', '!']
"""

from __future__ import annotations

import math
import re

import numpy as np

from narratrace.analyze.techniques.taxonomy import SUPPORTED_LANGS

TOKEN_RE = re.compile(r"\w+(?:['’\-]\w+)*|[^\w\s]")
QUOTES = set("\"«»“”„‘’‹›'")


def tokenize(text: str, offset: int = 0) -> list[tuple[str, int, int]]:
    """Tokens as ``(text, start, end)`` with offsets shifted by ``offset``."""
    return [(m.group(), m.start() + offset, m.end() + offset) for m in TOKEN_RE.finditer(text)]


def _shape(tok: str) -> str:
    if tok.isdigit():
        return "d"
    if not tok[0].isalnum():
        return "p"
    if tok.isupper() and len(tok) > 1:
        return "X"
    if tok[0].isupper():
        return "Xx"
    return "x"


def token_features(tokens: list[tuple[str, int, int]], lang: str) -> list[list[str]]:
    """Feature strings for each token of one paragraph (for the hashed span tagger)."""
    low = [t[0].lower() for t in tokens]
    n = len(tokens)
    pad = ["<s>", "<s>"] + low + ["</s>", "</s>"]
    feats: list[list[str]] = []
    in_quote = False
    for i, w in enumerate(low):
        j = i + 2
        if tokens[i][0] in QUOTES:
            in_quote = not in_quote
        rel = i / max(n - 1, 1)
        f = [
            "b",
            "w=" + w,
            "w-1=" + pad[j - 1],
            "w+1=" + pad[j + 1],
            "w-2=" + pad[j - 2],
            "w+2=" + pad[j + 2],
            "bg-=" + pad[j - 1] + "|" + w,
            "bg+=" + w + "|" + pad[j + 1],
            "tg=" + pad[j - 1] + "|" + w + "|" + pad[j + 1],
            "s3=" + w[-3:],
            "p4=" + w[:4],
            "sh=" + _shape(tokens[i][0]),
            "sh-1=" + (_shape(tokens[i - 1][0]) if i else "<s>"),
            "sh+1=" + (_shape(tokens[i + 1][0]) if i + 1 < n else "</s>"),
            "lang=" + lang,
            f"pos={min(int(rel * 5), 4)}",
            f"plen={min(int(math.log2(n + 1)), 9)}",
        ]
        if in_quote:
            f.append("inq")
        feats.append(f)
    return feats


def lang_onehot(lang: str) -> list[float]:
    return [1.0 if lang == code else 0.0 for code in SUPPORTED_LANGS]


def paragraph_dense(text: str, lang: str, index: int, n_paragraphs: int) -> np.ndarray:
    """Dense features of one paragraph: length, punctuation, position, language."""
    toks = TOKEN_RE.findall(text)
    n = len(toks)
    loglen = math.log1p(n)
    letters = [c for c in text if c.isalpha()]
    upper = sum(c.isupper() for c in letters) / max(len(letters), 1)
    onehot = lang_onehot(lang)
    feats = [
        loglen / 5.0,
        min(text.count("!"), 3) / 3.0,
        min(text.count("?"), 3) / 3.0,
        min(sum(text.count(q) for q in "\"«»“”„"), 6) / 6.0,
        upper,
        1.0 if index == 0 else 0.0,
        index / max(n_paragraphs - 1, 1),
        math.log1p(n_paragraphs) / 5.0,
    ]
    return np.asarray(feats + onehot + [o * loglen / 5.0 for o in onehot], dtype=np.float32)


def span_dense(span_text: str, sentence_text: str, article_lower: str, lang: str) -> np.ndarray:
    """Dense features of one candidate span: length, repetition in the article, shape."""
    toks = TOKEN_RE.findall(span_text)
    n = len(toks)
    low = span_text.lower().strip()
    repeats = article_lower.count(low) - 1 if low else 0
    letters = [c for c in span_text if c.isalpha()]
    upper = sum(c.isupper() for c in letters) / max(len(letters), 1)
    ratio = len(span_text) / max(len(sentence_text), 1)
    feats = [
        math.log1p(n) / 4.0,
        math.log1p(len(span_text)) / 6.0,
        math.log1p(max(repeats, 0)) / 2.0,
        1.0 if repeats > 0 else 0.0,
        min(ratio, 1.0),
        1.0 if ratio > 0.8 else 0.0,
        1.0 if "!" in span_text else 0.0,
        1.0 if "?" in span_text else 0.0,
        1.0 if any(q in span_text for q in "\"«»“”„") else 0.0,
        upper,
        1.0 if n == 1 else 0.0,
        1.0 if n <= 3 else 0.0,
    ]
    return np.asarray(feats + lang_onehot(lang), dtype=np.float32)
