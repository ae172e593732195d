from datetime import UTC, datetime

import sqlalchemy as sa

from narratrace.model import Article, ImageRef
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
    with engine.begin() as conn:
        assert save_analysis(conn, "h" * 64, ["a", "b"], {"language": "en", "n": 1}, "1.0") is True
    with engine.begin() as conn:
        assert save_analysis(conn, "h" * 64, ["a", "b"], {"language": "en", "n": 2}, "1.0") is False
    assert load_analysis(engine, "h" * 64)["n"] == 2


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
