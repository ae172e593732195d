"""Alembic environment: runs on the connection that :func:`narratrace.store.engine.migrate` passes."""

from alembic import context

import narratrace.store.schema  # noqa: F401  (registers the foundation tables)

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=narratrace.store.schema.metadata)
with context.begin_transaction():
    context.run_migrations()
