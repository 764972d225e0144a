"""Which database the store uses, and the SQLAlchemy engine for it.

``database_url(secrets)``, first match wins:

1. the environment variable ``WIZARD_DATABASE_URL`` (any SQLAlchemy URL, e.g.
   ``postgresql+psycopg://user:password@host:5432/wizard``);
2. ``secrets["database_url"]``: the caller's secrets, if it has any (the Streamlit app passes ``st.secrets``,
   i.e. ``.streamlit/secrets.toml``; this module never reads that file itself);
3. a SQLite file ``assessments.sqlite`` in ``$WIZARD_DATA_DIR``, or in ``data/`` at the repository root;
   the folder is created when the engine is made.

SQLite runs in WAL mode with ``synchronous=FULL``: a save that has returned survives a killed process and a
power cut.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

REPO_ROOT = Path(__file__).resolve().parent.parent
ENV_URL = "WIZARD_DATABASE_URL"
ENV_DATA_DIR = "WIZARD_DATA_DIR"
SECRETS_KEY = "database_url"
DB_FILENAME = "assessments.sqlite"


def data_dir() -> Path:
    return Path(os.environ.get(ENV_DATA_DIR) or REPO_ROOT / "data")


def database_url(secrets: Mapping[str, Any] | None = None) -> str:
    if url := os.environ.get(ENV_URL, "").strip():
        return url
    value = secrets.get(SECRETS_KEY) if secrets is not None else None
    if isinstance(value, str) and value.strip():
        return value.strip()
    return f"sqlite:///{data_dir() / DB_FILENAME}"


def describe(url: str) -> str:
    """The URL fit to show on screen: the password is never shown."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(not a valid database URL)"


def make_engine(url: str) -> Engine:
    u = make_url(url)
    if u.get_backend_name() != "sqlite":
        return create_engine(u, pool_pre_ping=True)
    if u.database and u.database != ":memory:" and not u.database.startswith("file:"):
        Path(u.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(u, connect_args={"timeout": 30})

    class _Compiler(engine.dialect.statement_compiler):
        def get_from_hint_text(self, table, text):
            return text  # SQLAlchemy drops table hints on SQLite; the list needs "INDEXED BY" (see Store.list)

    engine.dialect.statement_compiler = _Compiler

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # the "begin" hook below issues BEGIN itself
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")  # durable across power loss, not only a killed process
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # Writers take the write lock up front, so a read-then-write never dies half-way on SQLITE_BUSY.
        conn.exec_driver_sql(f"BEGIN {conn.get_execution_options().get('sqlite_begin', 'DEFERRED')}")

    return engine
