"""Writers that meet: two ingest processes into one store both succeed; lock races are retried.

Runs on SQLite always and on PostgreSQL when ``NARRATRACE_TEST_PG_URL`` is set
(``scripts/with-postgres.sh``). Timeouts are hang guards only.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from narratrace.errors import StoreError
from narratrace.store import open_store
from narratrace.store.engine import describe_db_error, is_transient, run_write
from narratrace.store.schema import analyses, articles
from narratrace.store.schema_corpus import corpus_files, corpus_publications

# Each worker analyses slowly (as the real pipeline does) in small batches, so that the two
# processes' write transactions interleave many times.
WORKER = textwrap.dedent("""
    import sys, time
    from narratrace.corpus.ingest_corpus import ingest
    from narratrace.model import Analysis
    from narratrace.store import open_store

    def slow(article):
        time.sleep(0.02)
        return Analysis(article=article, stages=["slow.v1"])

    url, *folders = sys.argv[1:]
    report = ingest(folders, open_store(url), analyzer=slow, batch_size=3)
    print(report.usable + 10 * report.skipped_files, len(report.failures))
""")


def _corpus(folder: Path, prefix: str, n: int) -> Path:
    folder.mkdir()
    for part in range(2):
        lines = [json.dumps({"id": f"{prefix}-{part}-{i}", "text": f"{prefix} report {part}/{i}: officials denied the claim."})
                 for i in range(n)]
        (folder / f"{prefix}-{part}.jsonl").write_text("\n".join(lines), encoding="utf-8")
    return folder


@pytest.mark.timeout(300)
def test_two_concurrent_ingests_into_one_store_both_succeed(db_url, tmp_path):
    open_store(db_url)  # schema first, as a user's earlier run would have created it
    shared = _corpus(tmp_path / "shared", "shared", 10)  # both processes ingest these
    own = [_corpus(tmp_path / name, name, 15) for name in ("alpha", "beta")]
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, db_url, str(shared), str(folder)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for folder in own]
    results = [p.communicate(timeout=240) for p in procs]
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err[-2000:]
        # 20 shared + 30 own records stored, or the shared files found done by the other process
        assert out.split() == ["50", "0"]
    engine = open_store(db_url)
    with engine.connect() as conn:
        n_articles = conn.execute(select(func.count()).select_from(articles)).scalar_one()
        n_analyses = conn.execute(select(func.count()).select_from(analyses)).scalar_one()
        n_publications = conn.execute(select(func.count()).select_from(corpus_publications)).scalar_one()
        n_files = conn.execute(select(func.count()).select_from(corpus_files)).scalar_one()
    assert (n_articles, n_analyses, n_publications, n_files) == (80, 80, 80, 6)


@pytest.mark.timeout(120)
def test_concurrent_first_opens_migrate_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    code = "import sys; from narratrace.store import open_store; open_store(sys.argv[1]); print('ok')"
    procs = [subprocess.Popen([sys.executable, "-c", code, url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(3)]
    for proc in procs:
        out, err = proc.communicate(timeout=100)
        assert proc.returncode == 0 and out.strip() == "ok", err[-2000:]


def _locked() -> OperationalError:
    return OperationalError("INSERT INTO articles ...", {"text": "SECRET ARTICLE TEXT"}, sqlite3.OperationalError("database is locked"))


def test_run_write_retries_a_lost_lock_race(tmp_path):
    engine = open_store(f"sqlite:///{tmp_path / 'r.db'}")
    calls = []

    def work(conn):
        calls.append(1)
        if len(calls) < 3:
            raise _locked()
        return conn.execute(text("SELECT 7")).scalar_one()

    assert run_write(engine, work) == 7 and len(calls) == 3


def test_run_write_gives_up_with_a_store_error_without_sql_or_parameters(tmp_path):
    engine = open_store(f"sqlite:///{tmp_path / 'g.db'}")

    def always_locked(conn):
        raise _locked()

    with pytest.raises(StoreError) as info:
        run_write(engine, always_locked, attempts=2)
    message = str(info.value)
    assert "database is locked" in message and "SECRET" not in message and "INSERT" not in message


def test_errors_are_described_without_parameters():
    exc = IntegrityError("INSERT INTO articles (text) VALUES (?)", ("SECRET ARTICLE TEXT",), sqlite3.IntegrityError("UNIQUE constraint failed"))
    assert "SECRET" not in str(describe_db_error(exc)) and "UNIQUE" in describe_db_error(exc)
    assert not is_transient(exc) and is_transient(_locked())


def test_a_record_the_database_refuses_is_rolled_back_alone(tmp_path, monkeypatch):
    import narratrace.corpus.ingest_corpus as ic

    folder = _corpus(tmp_path / "in", "x", 4)
    engine = open_store(f"sqlite:///{tmp_path / 'one.db'}")
    real = ic._store_one

    def picky(conn, article, analysis, result):
        if article.id == "x-0-2":
            conn.execute(articles.insert().values(content_hash=None))  # violates NOT NULL
        return real(conn, article, analysis, result)

    monkeypatch.setattr(ic, "_store_one", picky)
    report = ic.ingest([folder], engine, analyze=False)
    assert report.new == 7 and [f.code for f in report.failures] == ["E200"]
    assert "x-0-2" in str(report.failures[0]) and "officials" not in str(report.failures[0])


def test_a_refused_write_is_a_store_error_without_the_article_text(tmp_path):
    engine = open_store(f"sqlite:///{tmp_path / 'w.db'}")

    def refused(conn):
        conn.execute(articles.insert().values(content_hash=None, text="SECRET ARTICLE TEXT"))

    with pytest.raises(StoreError) as info:
        run_write(engine, refused)
    assert "NOT NULL" in str(info.value) and "SECRET" not in str(info.value) and "INSERT" not in str(info.value)
