"""Persistence: SQLAlchemy Core schema, Alembic migrations and repositories.

SQLite is the embedded default; PostgreSQL is selected by URL
(``postgresql+psycopg://user@host/db``).
"""

from narratrace.store.engine import open_store

__all__ = ["open_store"]
