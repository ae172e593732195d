"""Speed of the claims stages, as a ratio to the spaCy English pipeline in the same run.

Run on one core::

    OMP_NUM_THREADS=1 taskset -c 0 python benchmarks/claims_speed.py [--docs 30]

Texts: PolNeAR dev articles from ``../shared/data`` (or ``NARRATRACE_SHARED_DATA``) when
present, else a built-in paragraph repeated. The spaCy baseline parses the texts
(``nlp.pipe``); the claims stages (attribution, stance, evidence, claims,
check-worthiness) then run on the cached parses, as they do in the pipeline. The ratio is
claims sentences/s over spaCy sentences/s: above 1 means the claims stages add less time
than parsing itself.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

FALLBACK = (
    "Officials said on Monday that the bridge had been closed. The ministry denied the report, "
    "calling it baseless. According to the agency, 300 people were evacuated in 2023. "
    "The newspaper also claims that the mayor resigned. \"We will rebuild,\" he said.\n\n"
)


def _texts(n: int) -> list[str]:
    base = Path(os.environ.get("NARRATRACE_SHARED_DATA", Path(__file__).resolve().parents[1].parent / "shared" / "data"))
    folder = base / "polnear" / "dev" / "text"
    if folder.is_dir():
        return [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))[:n]]
    return [FALLBACK * 10] * n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=30)
    args = parser.parse_args()
    from narratrace.analyze.claims.attribution import AttributionStage
    from narratrace.analyze.claims.checkworthiness import CheckworthinessStage
    from narratrace.analyze.claims.claims import ClaimsStage
    from narratrace.analyze.claims.evidence import EvidenceStage
    from narratrace.analyze.claims.stance import StanceStage
    from narratrace.model import Analysis, Article, Sentence
    from narratrace.text.nlp import english

    texts = _texts(args.docs)
    nlp = english()
    stages = [AttributionStage(), StanceStage(), EvidenceStage(), ClaimsStage(), CheckworthinessStage()]
    # warm-up: load models outside the timed region
    warm = Analysis(article=Article(text=FALLBACK), language="en")
    warm._cache["spacy_doc"] = nlp(FALLBACK)
    for st in stages:
        st(warm)

    t0 = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=16))
    t_spacy = time.perf_counter() - t0
    n_sents = sum(len(list(d.sents)) for d in docs)

    analyses = []
    for text, doc in zip(texts, docs, strict=True):
        a = Analysis(article=Article(text=text), language="en")
        a.sentences = [Sentence(s.start_char, s.end_char) for s in doc.sents]
        a._cache["spacy_doc"] = doc
        analyses.append(a)
    t0 = time.perf_counter()
    for a in analyses:
        for st in stages:
            st(a)
    t_claims = time.perf_counter() - t0
    spacy_sps = n_sents / t_spacy
    claims_sps = n_sents / t_claims
    print(f"docs={len(texts)} sentences={n_sents}")
    print(f"spacy en_core_web_sm: {spacy_sps:.1f} sentences/s ({t_spacy:.2f}s)")
    print(f"claims stages:        {claims_sps:.1f} sentences/s ({t_claims:.2f}s), "
          f"attributions={sum(len(a.attributions) for a in analyses)} claims={sum(len(a.claims) for a in analyses)}")
    print(f"ratio claims/spacy = {claims_sps / spacy_sps:.2f}")


if __name__ == "__main__":
    main()
