"""Open a store by URL and bring its schema up to date with Alembic."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import SQLAlchemyError

from narratrace.errors import StoreError

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_ENGINES: dict[str, Engine] = {}


def _alembic_config(engine: Engine):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = None
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine) -> None:
    """Apply every pending migration (all branches: feature areas migrate independently)."""
    from alembic import command

    cfg = _alembic_config(engine)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "heads")


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
        engine = create_engine(url, future=True)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        if create:
            migrate(engine)
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot open database {_redact(url)}: {exc.__class__.__name__}: {str(exc).splitlines()[0]}") from exc
    except ModuleNotFoundError as exc:
        raise StoreError(f"no driver for database {_redact(url)}: {exc}") from exc
    _ENGINES[url] = engine
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _redact(url: str) -> str:
    """Hide a password in a URL before it reaches a message."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}"
    return url
