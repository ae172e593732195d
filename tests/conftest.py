"""Shared test fixtures: paths to ../shared/data, a throwaway database per test (SQLite
always, PostgreSQL when ``NARRATRACE_TEST_PG_URL`` points at a server), and isolation
from the user's own database."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("NARRATRACE_SHARED_DATA", REPO.parent / "shared" / "data"))
SEED = SHARED_DATA / "seed" / "000_73c1a39f5d570c75.txt"
EXAMPLES = REPO / "examples"
PG_URL = os.environ.get("NARRATRACE_TEST_PG_URL")

needs_shared = pytest.mark.skipif(
    not SHARED_DATA.is_dir(), reason=f"shared research data not found at {SHARED_DATA} (set NARRATRACE_SHARED_DATA)"
)


def pytest_configure(config: pytest.Config) -> None:
    """Point the user data directory and default database at a throwaway folder before any
    fixture (module- or session-scoped ones included) can create the user's real database."""
    import tempfile

    scratch = Path(tempfile.mkdtemp(prefix="narratrace-tests-"))
    os.environ["XDG_DATA_HOME"] = str(scratch / "data")
    os.environ.setdefault("NARRATRACE_DB", f"sqlite:///{scratch / 'session.db'}")
    os.environ["NARRATRACE_CONFIG"] = str(scratch / "config.toml")  # absent: the user's settings file is not read


@pytest.fixture(autouse=True)
def _isolated_db(tmp_path, monkeypatch):
    """Never touch the user's database: every test gets its own SQLite file by default."""
    monkeypatch.setenv("NARRATRACE_DB", f"sqlite:///{tmp_path / 'narratrace-test.db'}")


def _fresh_pg_database(base_url: str) -> tuple[str, str]:
    import sqlalchemy as sa

    name = f"nt_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base_url.rsplit("/", 1)[0] + f"/{name}", name


def _drop_pg_database(base_url: str, name: str) -> None:
    import sqlalchemy as sa

    admin = sa.create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A URL of an empty database, once for SQLite and once for PostgreSQL."""
    from narratrace.store import engine as store_engine

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
        yield url
        cached = store_engine._ENGINES.pop(url, None)
        if cached is not None:
            cached.dispose()
        return
    if not PG_URL:
        pytest.skip("PostgreSQL tests need NARRATRACE_TEST_PG_URL (.ci/run starts a throwaway server)")
    url, name = _fresh_pg_database(PG_URL)
    yield url
    cached = store_engine._ENGINES.pop(url, None)
    if cached is not None:
        cached.dispose()
    _drop_pg_database(PG_URL, name)


@pytest.fixture
def examples_dir() -> Path:
    return EXAMPLES


@pytest.fixture
def seed_path() -> Path:
    if not SEED.is_file():
        pytest.skip(f"seed article not found at {SEED}: ../shared is absent (set NARRATRACE_SHARED_DATA)")
    return SEED


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared research data not found at {SHARED_DATA} (set NARRATRACE_SHARED_DATA)")
    return SHARED_DATA
