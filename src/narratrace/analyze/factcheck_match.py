"""Stage ``factcheck_match.v1``: attach fact-check matches to each claim.

For each :class:`~narratrace.model.Claim` in ``analysis.claims`` the stage looks up the
fact-checks of the store the pipeline was given (``Pipeline(store=...)``) and appends the
matches at or above the *suggested* threshold to ``Claim.matches`` as dicts (see
:meth:`narratrace.factcheck.matcher.Match.to_dict`). Without claims it matches the
sentences whose check-worthiness is at least :data:`CHECKWORTHY_MIN` (or every
sentence when no sentence has a score) and reports them in
``analysis.summaries["factcheck"]["sentences"]``. An empty database is recorded as
``{"database": "empty"}`` and a pipeline without a store as ``{"database": "none"}``,
never an error: the stage never opens a database of its own.

A match is ``same_claim`` only if both texts are full claims whose names and predicate
agree (see :mod:`narratrace.factcheck._claim`); fragments never get a match. Each match
names whose verdict it is (``verdict_by``), and the summary lists the publishers whose
verdicts were matched (``verdict_publishers``): one database's verdict is one source,
never enough alone to resolve a narrative.
"""

from __future__ import annotations

import logging

from narratrace.analyze.registry import Stage, register_stage
from narratrace.model import Analysis

logger = logging.getLogger(__name__)

#: Sentences at or above this check-worthiness are matched when the article has no
#: claims: 0.5 is the decision boundary of the check-worthiness classifier.
CHECKWORTHY_MIN = 0.5
#: Language confidence at which a claim's own language overrides the article's: short
#: English sentences get 0.6-0.75 for Dutch or Portuguese, German quotes 0.98-1.0.
OWN_LANGUAGE_MIN = 0.9
#: Matches kept per claim (the CheckThat task scores the top 5).
TOP_K = 5
#: Sentences matched at most per article when falling back to sentences.
MAX_SENTENCES = 200


def _language(text: str, article_language: str | None) -> str | None:
    """The text's own language when it is clear (a German quote in an English article), else the article's."""
    from narratrace.text.language import detect_language

    lang, confidence = detect_language(text)
    return lang if lang and confidence >= OWN_LANGUAGE_MIN else article_language


@register_stage("factcheck_match.v1", requires=("claims", "sentences"), assigns=("claims", "summaries"), order=400, reads_names=True)
class FactCheckMatch(Stage):
    """Match claims (or check-worthy sentences) against stored fact-checks."""

    def __call__(self, analysis: Analysis) -> Analysis:
        from narratrace.factcheck.matcher import LEVELS, match_claims
        from narratrace.factcheck.store import count_records
        from narratrace.store.engine import store_url

        engine = self.store
        if engine is None:
            analysis.summaries["factcheck"] = {"database": "none"}
            return analysis
        if count_records(engine) == 0:
            analysis.summaries["factcheck"] = {"database": "empty"}
            return analysis
        text = analysis.text
        if analysis.claims:
            items = [(c.text or text[c.start : c.end]) for c in analysis.claims]
            basis = "claims"
        else:
            scored = [s for s in analysis.sentences if s.checkworthiness is not None]
            chosen = [s for s in scored if s.checkworthiness >= CHECKWORTHY_MIN] if scored else list(analysis.sentences)
            chosen = chosen[:MAX_SENTENCES]
            items = [text[s.start : s.end] for s in chosen]
            basis = "checkworthy_sentences" if scored else "sentences"
        langs = [_language(t, analysis.language) for t in items]
        matches = match_claims(engine, store_url(engine), items, k=TOP_K, claim_date=analysis.article.published, langs=langs)
        kept = [[m.to_dict() for m in ms if m.level in LEVELS[:2]] for ms in matches]
        summary = {
            "database": "ok",
            "basis": basis,
            "matched": sum(1 for k in kept if k),
            "items": len(items),
            "verdict_publishers": sorted({m["verdict_by"]["publisher"] for ms in kept for m in ms}),
        }
        if basis == "claims":
            for claim, ms in zip(analysis.claims, kept, strict=True):
                claim.matches.extend(ms)
        else:
            summary["sentences"] = [
                {"start": s.start, "end": s.end, "text": t, "matches": ms}
                for s, t, ms in zip(chosen, items, kept, strict=True)
                if ms
            ]
        analysis.summaries["factcheck"] = summary
        return analysis
