"""Hybrid retrieval index over fact-check records: BM25 (``bm25s``) + e5 vectors.

For each query the index scores every record lexically (BM25 over the claim, the
title, the summary and all three together) and densely (cosine of the multilingual
e5 query vector to the claim and the title vectors), takes the union of the top
``candidates`` of each list, and ranks that union either with a learned re-ranker
(:class:`Reranker`, a logistic regression over the features below) or, without one,
by reciprocal-rank fusion of the BM25 and dense ranks.

Each record is tokenised in its own language (:mod:`narratrace.factcheck._text`): its
``language``, else lingua's guess from its claim (none when unsure: no stemming, no stop
words). A query is tokenised once per language present in the index and scored against
each record with the tokens of that record's language, so both sides of every
comparison are analysed alike, even when a short query's language cannot be told
("vaccines contain microchips" reads as French to lingua).

Dense vectors are appended when records are added (only new or changed records are
embedded); the BM25 matrices are rebuilt from the stored token lists, which is cheap
(see ``benchmarks/match_speed.py``). A saved index carries :data:`INDEX_VERSION`; one
written with other tokens is never mixed with new ones (see :meth:`FactCheckIndex.load`).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import bm25s
import numpy as np

from narratrace.dates import find_dates
from narratrace.errors import StoreError
from narratrace.factcheck._text import (
    TOKENIZER_VERSION,
    language_of,
    normalize_language,
    stem,
    tokenize,
    words,
)

logger = logging.getLogger(__name__)
# bm25s sets its own logger to DEBUG on import, which floods the CLI's stderr handler.
logging.getLogger("bm25s").setLevel(logging.WARNING)

BM25_FIELDS = ("all", "claim", "title", "summary")
#: Version of a saved index: the tokenizer's (tokens are stored and not recomputed on load).
INDEX_VERSION = TOKENIZER_VERSION
#: What rebuilds a saved index from its database (tokens recomputed, nothing re-embedded).
REBUILD_HINT = "`narratrace factchecks match <any claim>` rebuilds it from the database (no re-embedding)"
#: BM25 parameters. k1=1.2, b=0.75 are Robertson's defaults; on CheckThat 2022 train
#: queries k1 in [0.9, 1.5] and b in [0.5, 0.9] changed MAP@5 by less than 0.01.
BM25_K1 = 1.2
BM25_B = 0.75
#: Candidates taken from each of the BM25 and dense lists before fusion/re-ranking:
#: on CheckThat 2022 train, the gold record is in the union of the top-50s for >99% of queries.
CANDIDATES = 50
#: Reciprocal-rank-fusion constant (Cormack et al. 2009 use 60).
RRF_K = 60

FEATURES = (
    "bm25_all", "bm25_claim", "bm25_title", "bm25_summary", "bm25_raw",
    "cos_claim", "cos_title", "cos_max", "cos_gap",
    "rr_bm25", "rr_dense", "overlap", "qcover", "year_match", "date_near",
)
#: A date written in the claim within this many days of the record's date counts as
#: near (fact-checks of viral posts mostly appear within a month of them).
DATE_NEAR_DAYS = 31
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")


@dataclass
class Hit:
    """One retrieved record with the evidence of why it was retrieved."""

    row: int
    record_id: str
    score: float
    confidence: float
    features: dict[str, float]
    shared_terms: list[str] = field(default_factory=list)


#: Features of the confidence model: absolute evidence only. Relative features (ranks,
#: scores relative to the query's best) say which record is best, not whether it is
#: the same claim at all, so they would make the best record of *any* query look certain.
CONF_FEATURES = ("cos_max", "cos_claim", "cos_title", "overlap", "qcover", "bm25_raw", "year_match", "date_near")


@dataclass
class Reranker:
    """Ranking model (logistic regression over :data:`FEATURES`) plus confidence models.

    ``decision`` ranks a query's candidates. ``confidence`` is ``max(P(abs), P(cos))``:
    a logistic regression over :data:`CONF_FEATURES`, and one over the cosine alone,
    both fitted on gold records against the best other records of each training query
    (what a claim that was never checked would be shown). The cosine-only model is what
    judges a cross-lingual match, which shares no words.
    """

    coef: list[float]
    intercept: float
    mean: list[float]
    scale: list[float]
    conf_coef: list[float] = field(default_factory=list)
    conf_intercept: float = 0.0
    conf_mean: list[float] = field(default_factory=list)
    conf_scale: list[float] = field(default_factory=list)
    cos_coef: float = 0.0
    cos_intercept: float = 0.0
    features: tuple[str, ...] = FEATURES
    meta: dict = field(default_factory=dict)

    def decision(self, X: np.ndarray) -> np.ndarray:
        Z = (X - np.asarray(self.mean)) / np.asarray(self.scale)
        return Z @ np.asarray(self.coef) + self.intercept

    def confidence(self, X: np.ndarray) -> np.ndarray:
        cos = X[:, self.features.index("cos_max")]
        p_cos = 1.0 / (1.0 + np.exp(-(self.cos_coef * cos + self.cos_intercept)))
        if not self.conf_coef:
            return p_cos
        A = X[:, [self.features.index(f) for f in CONF_FEATURES]]
        z = ((A - np.asarray(self.conf_mean)) / np.asarray(self.conf_scale)) @ np.asarray(self.conf_coef) + self.conf_intercept
        return np.maximum(1.0 / (1.0 + np.exp(-z)), p_cos)

    def save(self, path: Path) -> None:
        keys = ("coef", "intercept", "mean", "scale", "conf_coef", "conf_intercept", "conf_mean", "conf_scale", "cos_coef", "cos_intercept", "meta")
        payload = {k: getattr(self, k) for k in keys}
        payload["features"] = list(self.features)
        path.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Reranker:
        d = json.loads(path.read_text(encoding="utf-8"))
        d["features"] = tuple(d["features"])
        return cls(**d)


def rrf_scores(X: np.ndarray, k: int = RRF_K) -> np.ndarray:
    """Reciprocal-rank fusion ``1/(k+rank_bm25) + 1/(k+rank_dense)`` from the feature matrix."""

    def part(col: int) -> np.ndarray:
        rr = X[:, col]  # 1/(1+rank), 0 when the record is not in that list
        return np.where(rr > 0, 1.0 / (k - 1 + 1.0 / np.maximum(rr, 1e-9)), 0.0)

    return part(FEATURES.index("rr_bm25")) + part(FEATURES.index("rr_dense"))


def rrf_confidence(cos_max: np.ndarray) -> np.ndarray:
    """Confidence without a re-ranker: the cosine itself, clipped to [0, 1]."""
    return np.clip(cos_max, 0.0, 1.0)


class FactCheckIndex:
    """In-memory hybrid index, persisted to a folder with :meth:`save` / :meth:`load`.

    Parameters
    ----------
    reranker:
        A :class:`Reranker`; ``None`` ranks by reciprocal-rank fusion.
    candidates:
        How many records each of the BM25 and dense lists contributes.

    Examples
    --------
    >>> import numpy as np
    >>> idx = FactCheckIndex()
    >>> v = np.eye(3, 384, dtype=np.float32)
    >>> idx.add(["a", "b", "c"], [{"claim": "cats can fly"}, {"claim": "dogs bark"}, {"claim": "fish swim"}], v, v)
    >>> [h.record_id for h in idx.search(["can cats fly?"], query_vectors=v[:1], k=1)[0]]
    ['a']
    """

    def __init__(self, *, reranker: Reranker | None = None, candidates: int = CANDIDATES) -> None:
        self.reranker = reranker
        self.candidates = candidates
        self.ids_: list[str] = []
        self.texts_: list[dict[str, str]] = []
        self.langs_: list[str | None] = []  # the language each record was tokenised in
        self.tokens_: dict[str, list[list[str]]] = {f: [] for f in BM25_FIELDS}
        self.days_: list[int] = []  # proleptic ordinal of the day the record was checked, 0 if unknown
        self.claim_vecs_ = np.zeros((0, 384), dtype=np.float32)
        self.title_vecs_: np.ndarray | None = None  # None: titles share the claim vectors
        self._rows: dict[str, int] = {}
        self._bm25: dict[str, bm25s.BM25] | None = None
        self._groups: dict[str | None, np.ndarray] | None = None  # language -> its rows

    def __len__(self) -> int:
        return len(self.ids_)

    # -- building -------------------------------------------------------------------

    def add(
        self,
        ids: Sequence[str],
        texts: Sequence[dict[str, str]],
        claim_vecs: np.ndarray,
        title_vecs: np.ndarray | None = None,
        *,
        tokens: Sequence[dict[str, list[str]]] | None = None,
        dates: Sequence[date | None] | None = None,
        langs: Sequence[str | None] | None = None,
    ) -> None:
        """Add records, or replace those whose id is already indexed.

        ``texts`` are dicts with ``claim`` and optionally ``title``/``summary``;
        vectors are L2-normalised rows (``title_vecs`` ``None`` reuses the claim's);
        ``tokens`` (per record, per field) skips tokenising, as :meth:`load` does;
        ``dates`` are the days the records were checked (for the date features);
        ``langs`` their languages (ISO 639-1; ``None`` entries, or no ``langs``, are
        detected from the claim, except with ``tokens``; undetectable means no stemming
        and no stop words).
        """
        claim_vecs = np.asarray(claim_vecs, dtype=np.float32)
        if len(ids) != len(texts) or len(ids) != len(claim_vecs):
            raise ValueError(f"ids ({len(ids)}), texts ({len(texts)}) and claim_vecs ({len(claim_vecs)}) differ in length")
        if title_vecs is not None and self.title_vecs_ is None and len(self.ids_):
            self.title_vecs_ = self.claim_vecs_.copy()
        new_rows, new_claim, new_title = [], [], []
        for i, rid in enumerate(ids):
            t = {f: texts[i].get(f) or "" for f in ("claim", "title", "summary")}
            given = langs[i] if langs is not None else None
            if tokens is not None:  # already tokenised (load): the language is only recorded
                lang, toks = normalize_language(given), dict(tokens[i])
            else:
                lang = normalize_language(given) or language_of(t["claim"])
                toks = {f: tokenize(t[f], lang) for f in ("claim", "title", "summary")}
            toks["all"] = toks["claim"] + toks["title"] + toks["summary"]
            tv = title_vecs[i] if title_vecs is not None else claim_vecs[i]
            row = self._rows.get(rid)
            day = dates[i].toordinal() if dates is not None and dates[i] is not None else 0
            if row is None:
                self._rows[rid] = len(self.ids_) + len(new_rows)
                new_rows.append(rid)
                self.texts_.append(t)
                self.langs_.append(lang)
                self.days_.append(day)
                for f in BM25_FIELDS:
                    self.tokens_[f].append(toks[f])
                new_claim.append(claim_vecs[i])
                new_title.append(tv)
            else:
                self.texts_[row] = t
                self.langs_[row] = lang
                self.days_[row] = day
                for f in BM25_FIELDS:
                    self.tokens_[f][row] = toks[f]
                self.claim_vecs_[row] = claim_vecs[i]
                if self.title_vecs_ is not None:
                    self.title_vecs_[row] = tv
        self.ids_.extend(new_rows)
        if new_rows:
            self.claim_vecs_ = np.vstack([self.claim_vecs_, np.asarray(new_claim, dtype=np.float32)])
            if self.title_vecs_ is not None or title_vecs is not None:
                base = self.title_vecs_ if self.title_vecs_ is not None else np.zeros((0, 384), np.float32)
                self.title_vecs_ = np.vstack([base, np.asarray(new_title, dtype=np.float32)])
        self._bm25 = None
        self._groups = None

    def _lexical(self) -> dict[str, bm25s.BM25]:
        if self._bm25 is None:
            self._bm25 = {}
            for f in BM25_FIELDS:
                model = bm25s.BM25(k1=BM25_K1, b=BM25_B)
                toks = [t if t else ["\x00empty"] for t in self.tokens_[f]]
                model.index(toks, show_progress=False)
                self._bm25[f] = model
        return self._bm25

    def _language_rows(self) -> dict[str | None, np.ndarray]:
        """The rows of each language the records were tokenised in."""
        if self._groups is None:
            groups: dict[str | None, list[int]] = {}
            for row, lang in enumerate(self.langs_):
                groups.setdefault(lang, []).append(row)
            self._groups = {lang: np.asarray(rows, dtype=np.int64) for lang, rows in groups.items()}
        return self._groups

    def query_tokens(self, query: str) -> dict[str | None, list[str]]:
        """The query's tokens in each language of the index (ISO 639-1, ``None``: unknown)."""
        return {lang: tokenize(query, lang) for lang in self._language_rows()}

    def _bm25_scores(self, model: bm25s.BM25, qtoks: dict[str | None, list[str]]) -> np.ndarray:
        """BM25 of every record, each scored with the query's tokens in its own language."""
        out = np.zeros(len(self.ids_), dtype=np.float32)
        for lang, rows in self._language_rows().items():
            if qtoks[lang]:
                out[rows] = model.get_scores(qtoks[lang])[rows]
        return out

    # -- searching ------------------------------------------------------------------

    def features(self, query: str, qvec: np.ndarray) -> tuple[np.ndarray, np.ndarray, dict[str | None, list[str]]]:
        """Candidate rows, their feature matrix (columns in :data:`FEATURES` order) and
        the query's tokens per language (:meth:`query_tokens`)."""
        n = len(self.ids_)
        if n == 0:
            return np.zeros(0, dtype=np.int64), np.zeros((0, len(FEATURES))), {}
        qtoks = self.query_tokens(query)
        bm = self._lexical()
        scores = {f: self._bm25_scores(bm[f], qtoks) for f in BM25_FIELDS}
        cos_c = self.claim_vecs_ @ qvec
        cos_t = self.title_vecs_ @ qvec if self.title_vecs_ is not None else cos_c
        cos_max = np.maximum(cos_c, cos_t)
        m = min(self.candidates, n)
        top_bm = _top(scores["all"], m)
        top_bm = top_bm[scores["all"][top_bm] > 0]
        top_dn = _top(cos_max, m)
        rank_bm = {int(r): i for i, r in enumerate(top_bm)}
        rank_dn = {int(r): i for i, r in enumerate(top_dn)}
        rows = np.array(sorted(set(rank_bm) | set(rank_dn)), dtype=np.int64)
        X = np.zeros((len(rows), len(FEATURES)), dtype=np.float64)
        qsets = {lang: set(toks) for lang, toks in qtoks.items()}
        qyears = {int(y) for y in _YEAR.findall(query)}
        qdays = [d.toordinal() for d in find_dates(query)]
        for name in ("all", "claim", "title", "summary"):
            mx = float(scores[name].max()) if n else 0.0
            X[:, FEATURES.index(f"bm25_{name}")] = scores[name][rows] / mx if mx > 0 else 0.0
        X[:, FEATURES.index("bm25_raw")] = np.log1p(scores["all"][rows])
        X[:, FEATURES.index("cos_claim")] = cos_c[rows]
        X[:, FEATURES.index("cos_title")] = cos_t[rows]
        X[:, FEATURES.index("cos_max")] = cos_max[rows]
        X[:, FEATURES.index("cos_gap")] = cos_max[rows] - cos_max[top_dn[0]]
        X[:, FEATURES.index("rr_bm25")] = [1.0 / (1 + rank_bm[r]) if r in rank_bm else 0.0 for r in rows.tolist()]
        X[:, FEATURES.index("rr_dense")] = [1.0 / (1 + rank_dn[r]) if r in rank_dn else 0.0 for r in rows.tolist()]
        for j, r in enumerate(rows.tolist()):
            dset = set(self.tokens_["claim"][r]) | set(self.tokens_["title"][r])
            qset = qsets[self.langs_[r]]
            shared = len(qset & dset)
            X[j, FEATURES.index("overlap")] = shared / max(1, len(dset))
            X[j, FEATURES.index("qcover")] = shared / max(1, len(qset))
            day = self.days_[r]
            if day:
                X[j, FEATURES.index("year_match")] = 1.0 if date.fromordinal(day).year in qyears else 0.0
                X[j, FEATURES.index("date_near")] = 1.0 if any(abs(day - q) <= DATE_NEAR_DAYS for q in qdays) else 0.0
        return rows, X, qtoks

    def search(
        self,
        queries: Sequence[str],
        *,
        k: int = 5,
        query_vectors: np.ndarray | None = None,
    ) -> list[list[Hit]]:
        """The ``k`` best records for each query, best first, each with its evidence."""
        if query_vectors is None:
            from narratrace.text.embeddings import embed_queries

            query_vectors = embed_queries(list(queries))
        out: list[list[Hit]] = []
        for query, qvec in zip(queries, np.asarray(query_vectors, dtype=np.float32), strict=True):
            rows, X, _ = self.features(query, qvec)
            if not len(rows):
                out.append([])
                continue
            if self.reranker is not None:
                score = self.reranker.decision(X)
                conf = self.reranker.confidence(X)
            else:
                score = rrf_scores(X)
                conf = rrf_confidence(X[:, FEATURES.index("cos_max")])
            order = np.argsort(-score, kind="stable")[:k]
            hits = []
            for j in order.tolist():
                r = int(rows[j])
                hits.append(
                    Hit(
                        row=r,
                        record_id=self.ids_[r],
                        score=float(score[j]),
                        confidence=float(conf[j]),
                        features={f: round(float(X[j, i]), 4) for i, f in enumerate(FEATURES)},
                        shared_terms=self._shared(query, r),
                    )
                )
            out.append(hits)
        return out

    def _shared(self, query: str, row: int) -> list[str]:
        """The query's words (unstemmed) whose stems in the record's language it contains."""
        lang = self.langs_[row]
        dset = set(self.tokens_["all"][row])
        seen: list[str] = []
        for w in words(query, lang):
            if stem(w, lang) in dset and w not in seen:
                seen.append(w)
        return seen

    # -- persistence ----------------------------------------------------------------

    def save(self, folder: Path, *, revision: str = "") -> None:
        """Write the index to ``folder``: texts with tokens, float16 vectors, BM25 matrices."""
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "state.json").unlink(missing_ok=True)  # invalid until fully written
        with (folder / "records.jsonl").open("w", encoding="utf-8") as fh:
            for row, (rid, t) in enumerate(zip(self.ids_, self.texts_, strict=True)):
                tok = {f: self.tokens_[f][row] for f in ("claim", "title", "summary")}
                rec = {"id": rid, **t, "tok": tok, "day": self.days_[row], "lang": self.langs_[row]}
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        np.save(folder / "claim_vecs.npy", self.claim_vecs_.astype(np.float16))
        if self.title_vecs_ is not None:
            np.save(folder / "title_vecs.npy", self.title_vecs_.astype(np.float16))
        elif (folder / "title_vecs.npy").exists():
            (folder / "title_vecs.npy").unlink()
        for name, model in self._lexical().items():
            model.save(str(folder / f"bm25_{name}"), show_progress=False)
        state = {"revision": revision, "count": len(self), "version": INDEX_VERSION}
        (folder / "state.json").write_text(json.dumps(state), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, **kwargs) -> FactCheckIndex:
        """Read an index written by :meth:`save` (no tokenising, no BM25 rebuild).

        Raises :class:`~narratrace.errors.StoreError` for an index of another
        :data:`INDEX_VERSION` (its tokens would not match the queries'), saying what rebuilds it.
        """
        version = cls.saved_version(folder)
        if version != INDEX_VERSION:
            raise StoreError(
                f"the fact-check index in {folder} was written by another narratrace (index version "
                f"{version or 1}, this one reads {INDEX_VERSION}) and is not used: {REBUILD_HINT}, "
                "or delete the folder"
            )
        idx = cls(**kwargs)
        ids, texts, toks, days, langs = [], [], [], [], []
        with (folder / "records.jsonl").open(encoding="utf-8") as fh:
            for line in fh:
                d = json.loads(line)
                ids.append(d.pop("id"))
                toks.append(d.pop("tok"))
                langs.append(d.pop("lang", None))
                day = d.pop("day", 0)
                days.append(date.fromordinal(day) if day else None)
                texts.append(d)
        claim = np.load(folder / "claim_vecs.npy").astype(np.float32)
        title = np.load(folder / "title_vecs.npy").astype(np.float32) if (folder / "title_vecs.npy").exists() else None
        idx.add(ids, texts, claim, title, tokens=toks, dates=days, langs=langs)
        try:
            idx._bm25 = {f: bm25s.BM25.load(str(folder / f"bm25_{f}"), show_progress=False) for f in BM25_FIELDS}
        except (OSError, ValueError) as exc:
            logger.warning("rebuilding BM25 of %s: %s", folder, exc)
            idx._bm25 = None
        return idx

    @staticmethod
    def _state(folder: Path) -> dict:
        try:
            state = json.loads((folder / "state.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return state if isinstance(state, dict) else {}

    @classmethod
    def saved_version(cls, folder: Path) -> int | None:
        """The :data:`INDEX_VERSION` of the index saved in ``folder`` (``None`` for version 1 or none)."""
        return cls._state(folder).get("version")

    @classmethod
    def saved_revision(cls, folder: Path) -> str | None:
        """The database revision the index in ``folder`` was saved at.

        ``None`` when there is none, or when it was written with other tokens
        (another :data:`INDEX_VERSION`): to its readers it is stale, and they rebuild it.
        """
        state = cls._state(folder)
        if state.get("version") != INDEX_VERSION:
            if state:
                logger.info("fact-check index in %s has index version %s, not %s: it is rebuilt", folder, state.get("version", 1), INDEX_VERSION)
            return None
        return state.get("revision")



def _top(scores: np.ndarray, m: int) -> np.ndarray:
    if m >= len(scores):
        idx = np.arange(len(scores))
    else:
        idx = np.argpartition(-scores, m - 1)[:m]
    return idx[np.argsort(-scores[idx], kind="stable")]
