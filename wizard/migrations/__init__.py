"""Schema migrations (Alembic), run programmatically when a ``Store`` opens: no alembic.ini needed.

``upgrade(engine)`` brings a database of any earlier schema (or an empty one) to head inside one
transaction, holding a lock first, so two processes opening the same database at once cannot both migrate.
For a new schema change add a file to ``versions/`` whose ``down_revision`` is the current head.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

HERE = Path(__file__).resolve().parent
_PG_LOCK_KEY = 0x77697A617264  # "wizard": an arbitrary advisory-lock id shared by every process


def config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    return ScriptDirectory.from_config(config()).get_current_head()


def current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    with engine.connect() as conn:
        conn.execution_options(sqlite_begin="IMMEDIATE")  # SQLite: hold the write lock before reading
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
            command.upgrade(config(conn), revision)
