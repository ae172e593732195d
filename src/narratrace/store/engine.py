"""Open a store by URL, bring its schema up to date with Alembic, and write with retries.

Several processes may write one store at once (two ``ingest`` runs, ``analyze`` beside
``serve``). SQLite runs in WAL mode (readers never block the writer) with a busy timeout;
write transactions start with ``BEGIN IMMEDIATE``, so a transaction that will write takes
the write lock first instead of failing when it upgrades a stale read snapshot. Every write
goes through :func:`run_write`, which retries a transaction that lost a lock race (SQLite
"database is locked", PostgreSQL serialization failures, deadlocks and unique-key races)
with exponential backoff. Transactions are kept short: callers do slow work (analysis)
before opening one.

Examples
--------
>>> import tempfile
>>> from sqlalchemy import text
>>> engine = open_store(f"sqlite:///{tempfile.mkdtemp()}/db.sqlite")
>>> run_write(engine, lambda conn: conn.execute(text("SELECT 1")).scalar_one())
1
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError

from narratrace.errors import StoreError

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_ENGINES: dict[str, Engine] = {}
# Milliseconds SQLite's busy handler waits for a lock before an attempt fails: longer than
# any transaction narratrace holds (a batch of 50 articles commits in well under a second).
SQLITE_BUSY_TIMEOUT_MS = 30_000
# Attempts of one write transaction and the first backoff (doubled each time, with jitter,
# capped): six attempts span about 3 s of backoff on top of the busy timeout.
WRITE_ATTEMPTS = 6
BACKOFF_S = 0.1
MAX_BACKOFF_S = 2.0
# PostgreSQL SQLSTATEs worth a retry: serialization failure, deadlock, lock not available,
# unique violation (two writers inserted the same new key; the retry finds it stored).
_PG_RETRY_STATES = {"40001", "40P01", "55P03", "23505"}

T = TypeVar("T")


def _alembic_config(engine: Engine):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = None
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine) -> None:
    """Apply every pending migration (all branches: feature areas migrate independently).

    Concurrent first opens of one database are serialised: SQLite takes the write lock
    before reading the schema version, PostgreSQL an advisory lock.
    """
    from alembic import command

    cfg = _alembic_config(engine)

    def upgrade(connection: Connection) -> None:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7243051)")  # any fixed key
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "heads")

    run_write(engine, upgrade)


def _begin(connection: Connection) -> None:
    """Start a write transaction: on SQLite, take the write lock now (``BEGIN IMMEDIATE``)."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def is_transient(exc: BaseException) -> bool:
    """Whether ``exc`` is a lost lock race that a new attempt of the transaction can win."""
    if not isinstance(exc, DBAPIError):
        return False
    orig = exc.orig
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if state:
        return state in _PG_RETRY_STATES
    if isinstance(exc, OperationalError):
        message = str(orig).lower()
        return "locked" in message or "busy" in message
    return False


def run_write(engine: Engine, work: Callable[[Connection], T], *, attempts: int = WRITE_ATTEMPTS) -> T:
    """Run ``work(conn)`` in one short write transaction, retrying it when it loses a lock race.

    ``work`` must only touch the database (it may run more than once); the transaction
    is committed when it returns and rolled back when it raises.

    Raises
    ------
    StoreError
        When the database refuses the write, or stays locked or busy after every attempt;
        the message names the error class and the driver's first line, never the SQL
        statement or its parameters (article text).
    """
    for attempt in range(1, attempts + 1):
        try:
            with engine.connect() as conn:
                _begin(conn)
                result = work(conn)
                conn.commit()
                return result
        except SQLAlchemyError as exc:
            if not is_transient(exc):
                raise StoreError(f"database write failed: {describe_db_error(exc)}") from exc
            if attempt == attempts:
                raise StoreError(f"database busy after {attempts} attempts: {describe_db_error(exc)}") from None
            delay = min(MAX_BACKOFF_S, BACKOFF_S * 2 ** (attempt - 1)) * (0.5 + random.random())
            logger.info("write transaction lost a lock race (%s); retry %d in %.2fs", describe_db_error(exc), attempt, delay)
            time.sleep(delay)
    raise AssertionError("unreachable")


def describe_db_error(exc: BaseException) -> str:
    """One line about a database error without its SQL statement or parameters.

    SQLAlchemy's own message appends the statement and every bound value (article text
    included); only the class and the driver's first line are kept.
    """
    orig = getattr(exc, "orig", None)
    if orig is None:
        return exc.__class__.__name__
    first = (str(orig).splitlines() or [""])[0][:200]
    return f"{exc.__class__.__name__} ({orig.__class__.__name__}: {first})"


def open_store(url: str, *, create: bool = True) -> Engine:
    """Return an engine for ``url`` with the schema migrated; cached per URL.

    Parameters
    ----------
    url:
        SQLAlchemy URL, e.g. ``sqlite:///narratrace.db`` or
        ``postgresql+psycopg://user@localhost:5432/narratrace``.
    create:
        Run migrations (creating the schema in an empty database).

    Raises
    ------
    StoreError
        When the database cannot be reached or migrated.
    """
    if url in _ENGINES:
        return _ENGINES[url]
    try:
        if url.startswith("sqlite:///"):
            path = Path(url.removeprefix("sqlite:///"))
            if str(path) not in ("", ":memory:"):
                path.parent.mkdir(parents=True, exist_ok=True)
        sqlite = url.startswith("sqlite")
        engine = create_engine(url, future=True, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000} if sqlite else {})
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        if create:
            migrate(engine)
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot open database {_redact(url)}: {describe_db_error(exc) if isinstance(exc, DBAPIError) else exc.__class__.__name__}") from exc
    except ModuleNotFoundError as exc:
        raise StoreError(f"no driver for database {_redact(url)}: {exc}") from exc
    _ENGINES[url] = engine
    return engine


def as_engine(store: Engine | str) -> Engine:
    """The engine of ``store``: an engine is returned as is, a URL is opened with :func:`open_store`.

    >>> import tempfile
    >>> engine = as_engine(f"sqlite:///{tempfile.mkdtemp()}/db.sqlite")
    >>> as_engine(engine) is engine
    True
    """
    return open_store(store) if isinstance(store, str) else store


def store_url(engine: Engine) -> str:
    """The URL ``engine`` was opened with (password included: it names caches, never messages)."""
    return engine.url.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")  # first: the next pragma may wait for a lock
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _redact(url: str) -> str:
    """Hide a password in a URL before it reaches a message."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}"
    return url
