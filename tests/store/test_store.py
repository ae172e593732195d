from dataclasses import replace
from datetime import UTC, datetime

import sqlalchemy as sa

from narratrace.model import (
    Analysis,
    Article,
    Attribution,
    Claim,
    Entity,
    ImageRef,
    Marker,
    Paragraph,
    Quote,
    Sentence,
    Source,
    SourceKind,
    Span,
    TechniqueSpan,
)
from narratrace.store import open_store
from narratrace.store.articles import (
    count_articles,
    get_article,
    load_analysis,
    save_analysis,
    save_article,
)


def _article(text="The ministry denied the report.") -> Article:
    return Article(text=text, id="a-1", url="https://x.example/1", title="T", outlet="X",
                   authors=["A B"], published=datetime(2025, 3, 1, 12, tzinfo=UTC),
                   images=[ImageRef(credit="NYT", kind="screenshot", start=1, end=5)], metadata={"k": [1, 2]})


def test_save_is_idempotent_by_content_hash(db_url):
    engine = open_store(db_url)
    article = _article()
    with engine.begin() as conn:
        assert save_article(conn, article) is True
    with engine.begin() as conn:
        assert save_article(conn, article) is False
        assert save_article(conn, _article("Different text.")) is True
    assert count_articles(engine) == 2


def test_round_trip(db_url):
    engine = open_store(db_url)
    article = _article()
    with engine.begin() as conn:
        save_article(conn, article)
    loaded = get_article(engine, "a-1")
    assert loaded is not None
    assert (loaded.text, loaded.url, loaded.authors, loaded.metadata) == (article.text, article.url, ["A B"], {"k": [1, 2]})
    assert loaded.published == article.published
    assert loaded.images[0].credit == "NYT"
    assert get_article(engine, article.content_hash).id == "a-1"


def test_analysis_stored_once_per_pipeline(db_url):
    engine = open_store(db_url)
    article = _article()
    first = Analysis(article=article, language="en", stages=["a", "b"], summaries={"n": 1})
    second = Analysis(article=article, language="de", stages=["a", "b"], summaries={"n": 2})
    with engine.begin() as conn:
        save_article(conn, article)
        assert save_analysis(conn, first) is True
    with engine.begin() as conn:
        assert save_analysis(conn, second) is False
    assert load_analysis(engine, "a-1").summaries == {"n": 2}


def _rich_analysis() -> Analysis:
    """An analysis with every kind of record the pipeline writes (nested spans, enums, dates)."""
    article = _article("Officials in Velm reportedly denied that troops shelled the dam, said Ana Roe.")
    attribution = Attribution(cue=Span(27, 33, "cue"), content=Span(39, 64), source=Span(0, 9), source_name="Officials",
                              source_kind="government", stance="denies", author_stance_cues=[Span(18, 26)],
                              evidence=["named_official"], sentence=0, lang="en", confidence=0.75)
    claim = Claim(39, 64, "troops shelled the dam", sentence=0, attribution=attribution, evidence=["none"],
                  hedges=[Span(18, 26, "hedge")], checkworthiness=0.8, normalized={"who": "troops", "action": "shelled"},
                  entities=["Velm"], dates=["2025-03-01"], quantities=[], matches=[{"verdict": "False", "score": 0.9}])
    return Analysis(
        article=article, language="en", language_confidence=0.99,
        paragraphs=[Paragraph(0, len(article.text), "en", 0.99)],
        sentences=[Sentence(0, len(article.text), 0, "en", 0.8)],
        entities=[Entity(13, 17, "GPE", "Velm")],
        sources=[Source("Officials", SourceKind.GOVERNMENT.value, [Span(0, 9)], cited=True, reasons=["cue"])],
        quotes=[Quote(39, 64, speaker="Ana Roe", speaker_start=71, speaker_end=78, cue="said")],
        markers=[Marker(18, 26, "hedge", "reportedly", "en", "distance")],
        attributions=[attribution], claims=[claim],
        techniques=[TechniqueSpan(39, 64, "Loaded language", 0.6, "a reason", "emotion", 0, None)],
        paragraph_techniques=[["Loaded language"]],
        summaries={"techniques": {"count": 1, "families": {"emotion": 1}}},
        unsupported={"x.v1": "no model for en"}, errors={"y.v1": "failed"}, stages=["a.v1", "b.v1"],
        extras={"note": [1, 2]},
    )


def test_typed_round_trip_analyse_store_load_is_equal(db_url):
    engine = open_store(db_url)
    analysis = _rich_analysis()
    with engine.begin() as conn:
        save_article(conn, analysis.article)
        save_analysis(conn, analysis)
    loaded = load_analysis(engine, analysis.article.content_hash)
    assert isinstance(loaded.claims[0].attribution.cue, Span) and isinstance(loaded.sources[0].mentions[0], Span)
    assert replace(loaded, article=analysis.article) == analysis  # every analysis field comes back
    assert loaded.article.content_hash == analysis.article.content_hash and loaded.article.id == "a-1"
    assert loaded.article.published == analysis.article.published


def test_old_report_rows_load_as_models(db_url):
    """Rows written before the typed form held the JSON report (a header plus the same fields)."""
    from narratrace.report.json_report import analysis_to_dict
    from narratrace.store.schema import analyses

    engine = open_store(db_url)
    analysis = _rich_analysis()
    with engine.begin() as conn:
        save_article(conn, analysis.article)
        conn.execute(analyses.insert().values(content_hash=analysis.article.content_hash, pipeline="old", schema_version="1.0",
                                              language="en", result=analysis_to_dict(analysis), created_at=datetime.now(UTC)))
    assert load_analysis(engine, "a-1").claims == analysis.claims


def test_failed_transaction_writes_nothing(db_url):
    engine = open_store(db_url)
    try:
        with engine.begin() as conn:
            save_article(conn, _article())
            raise RuntimeError("interrupted")
    except RuntimeError:
        pass
    assert count_articles(engine) == 0


def test_migrations_are_recorded_and_rerunnable(db_url):
    engine = open_store(db_url)
    from narratrace.store.engine import migrate

    migrate(engine)  # running again is a no-op
    from alembic.script import ScriptDirectory

    from narratrace.store.engine import MIGRATIONS_DIR, _alembic_config

    heads = set(ScriptDirectory.from_config(_alembic_config(engine)).get_heads())
    with engine.connect() as conn:
        versions = {r[0] for r in conn.execute(sa.text("SELECT version_num FROM alembic_version"))}
    assert versions == heads  # every feature branch is at its head
    assert MIGRATIONS_DIR.is_dir()
    assert sa.inspect(engine).has_table("articles") and sa.inspect(engine).has_table("analyses")
