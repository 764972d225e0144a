"""Alembic environment: always given an open connection (inside a transaction) by ``wizard.migrations``."""

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through wizard.migrations.upgrade(engine)")

context.configure(connection=connection, target_metadata=None)
with context.begin_transaction():
    context.run_migrations()
