"""PostgreSQL-only checks (the shared store tests in test_store.py also run here via their fixture).

Skipped, with the reason shown, when WIZARD_TEST_POSTGRES_URL is not set.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.conftest import postgres_url, reset_postgres
from tests.test_migrations import final_guards_cover_existing_finals, open_concurrently, upgrade_from_previous_schema
from tests.test_store import dump, make
from wizard.store import Store

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_url():
    url = postgres_url()
    reset_postgres(url)
    yield url
    reset_postgres(url)


def test_upgrade_from_previous_schema_with_data(pg_url):
    upgrade_from_previous_schema(pg_url)


def test_final_guards_cover_existing_finals(pg_url):
    final_guards_cover_existing_finals(pg_url)


def test_processes_opening_a_new_database_at_once(pg_url):
    open_concurrently(pg_url)


@pytest.mark.parametrize("table", ["events", "revisions"])
def test_truncate_is_refused(pg_url, guidance, table):
    store = Store(pg_url)
    v1 = store.create(make(), "alice")
    store.finalise(v1.assessment.id, 1, "alice", guidance)
    before = dump(store)
    with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {table} CASCADE"))
    assert dump(store) == before
    store.close()


def test_timestamps_survive_as_utc(pg_url):
    store = Store(pg_url)
    stored = store.create(make(), "alice")
    got = store.get(stored.assessment.id)
    assert got.saved_at == stored.saved_at and got.saved_at.utcoffset().total_seconds() == 0
    assert store.events(stored.assessment.id)[0].at.tzinfo is not None
    store.close()
