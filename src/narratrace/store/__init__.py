"""Persistence: SQLAlchemy Core schema, Alembic migrations and repositories.

SQLite is the embedded default; PostgreSQL is selected by URL
(``postgresql+psycopg://user@host/db``).
"""

from narratrace.store.engine import as_engine, open_store

__all__ = ["as_engine", "open_store"]
