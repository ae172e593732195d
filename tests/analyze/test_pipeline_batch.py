"""``Pipeline.pipe`` runs each stage a batch at a time, with the same results as one by one."""

from __future__ import annotations

from narratrace.analyze.pipeline import Pipeline
from narratrace.model import Article

STAGES = ["language.v1", "names.v1", "segment.v1", "entities.v1"]
TEXTS = [
    "Mayor Ilse Varga opened the bridge in Velm on Monday. Crowds cheered.",
    "The ministry denied the report. It said troops never crossed the river.",
    "Floods closed three roads. Officials in Orsk asked residents to stay home.",
    "Der Bürgermeister eröffnete die Brücke. Viele Menschen kamen.",
    "Rain fell.",
]


def _view(analysis):
    return analysis.language, [(s.start, s.end) for s in analysis.sentences], [(e.start, e.end, e.label) for e in analysis.entities]


def test_batches_give_the_results_of_single_calls(monkeypatch):
    import narratrace.analyze.segment as segment

    pipeline = Pipeline(STAGES)
    one_by_one = [_view(pipeline(Article(text=t))) for t in TEXTS]
    calls: list[int] = []
    real = segment.pipe_english
    monkeypatch.setattr(segment, "pipe_english", lambda texts, **kw: (calls.append(len(texts)), real(texts, **kw))[1])
    batched = [_view(a) for a in pipeline.pipe(TEXTS, batch_size=2)]
    assert batched == one_by_one
    english = [lang == "en" for lang, _, _ in one_by_one]
    assert english[:4] == [True, True, True, False]
    assert calls == [2, 1, sum(english[4:])]  # one spaCy call per batch, for its English articles only
    assert [a.article.text for a in pipeline.pipe(iter(TEXTS), batch_size=4)] == TEXTS  # input order kept


def test_the_corpus_profile_is_the_default_pipeline_without_techniques_and_pictures():
    from narratrace.analyze.registry import default_stage_names
    from narratrace.corpus.ingest_corpus import CORPUS_PROFILE

    default = default_stage_names()
    assert list(CORPUS_PROFILE) == [s for s in default if s not in ("techniques.v1", "images.v1")]
