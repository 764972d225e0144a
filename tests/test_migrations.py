"""Schema migrations: from an empty database, from the previous schema with data in it, and concurrently."""

from __future__ import annotations

import json
import multiprocessing
from datetime import datetime

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from tests.test_store import make
from wizard import migrations
from wizard.model import to_json
from wizard.store import ListFilter, Store
from wizard.store_config import make_engine

LIST_INDEXES = {"ix_assessments_updated", "ix_assessments_status", "ix_assessments_reference",
                "ix_assessments_state", "ix_assessments_officer", "ix_assessments_outcome"}


def version_rows(engine) -> list[str]:
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))]


def test_empty_database_is_brought_to_head(tmp_path):
    url = f"sqlite:///{tmp_path / 'new' / 'store.sqlite'}"  # the folder does not exist yet
    store = Store(url)
    insp = inspect(store.engine)
    tables = {"assessments", "documents", "revisions", "events", "alembic_version"}
    assert set(insp.get_table_names()) >= tables
    assert {ix["name"] for ix in insp.get_indexes("assessments")} >= LIST_INDEXES
    assert "search" in {c["name"] for c in insp.get_columns("assessments")}
    assert version_rows(store.engine) == [migrations.head()] == ["0008"]
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    store.close()
    Store(url).close()  # reopening is a no-op
    assert version_rows(make_engine(url)) == [migrations.head()]


def _insert_v1_rows(engine, assessment) -> None:
    """Data as the 0001 schema stored it (no search column)."""
    c = assessment.case
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO assessments (id, version, revision, status, archived, training, reference, "
            "importing_state, end_user, officer, outcome, created_at, updated_at) VALUES "
            "(:id, 3, 1, 'draft', false, false, :ref, :state, :eu, :officer, NULL, :t, :t)"),
            {"id": assessment.id, "ref": c.reference, "state": c.importing_state, "eu": c.end_user,
             "officer": assessment.officer, "t": datetime(2024, 5, 1, 9, 30)})
        conn.execute(text("INSERT INTO documents (assessment_id, body) VALUES (:id, :body)"),
                     {"id": assessment.id, "body": to_json(assessment, indent=None)})
        conn.execute(text(
            "INSERT INTO events (assessment_id, revision, version, at, actor, action, path, old, new) VALUES "
            "(:id, 1, 3, :t, 'old-officer', 'edit', 'case.end_user', :old, :new)"),
            {"id": assessment.id, "t": datetime(2024, 5, 1, 9, 30), "old": json.dumps(""),
             "new": json.dumps(c.end_user)})


def upgrade_from_previous_schema(url: str) -> None:
    engine = make_engine(url)
    migrations.upgrade(engine, "0001")
    assert version_rows(engine) == ["0001"]
    assert "search" not in {c["name"] for c in inspect(engine).get_columns("assessments")}
    old = make(reference="ÜBER-7", end_user="Garde Républicaine", guidance_version="2026.11-en.1 (b6acd87cee7a)")
    _insert_v1_rows(engine, old)
    engine.dispose()

    store = Store(url)  # upgrades in place
    assert version_rows(store.engine) == [migrations.head()]
    assert {ix["name"] for ix in inspect(store.engine).get_indexes("assessments")} >= LIST_INDEXES
    got = store.get(old.id)
    assert got.version == 3 and got.assessment.case.reference == "ÜBER-7"
    # the new column was backfilled: text search (which only uses it) finds the old row, Unicode-folded
    assert [r.id for r in store.list(ListFilter(text="über")).rows] == [old.id]
    assert [r.id for r in store.list(ListFilter(text="républicaine")).rows] == [old.id]
    # so was the guidance version the list shows (0005), from the stored document
    assert [r.guidance_version for r in store.list().rows] == ["2026.11-en.1 (b6acd87cee7a)"]
    events = store.events(old.id)
    assert [(e.actor, e.path, e.new) for e in events] == [
        ("old-officer", "case.end_user", "Garde Républicaine")]
    edited = got.assessment.model_copy(deep=True)
    edited.officer = "new"
    assert store.save(edited, 3, "me").version == 4
    store.close()


def test_upgrade_from_previous_schema_with_data(tmp_path):
    upgrade_from_previous_schema(f"sqlite:///{tmp_path / 'old.sqlite'}")


def final_guards_cover_existing_finals(url: str) -> None:
    """A final assessment stored before 0003 is guarded once the store has upgraded, and still reopens."""
    engine = make_engine(url)
    migrations.upgrade(engine, "0002")
    old = make(reference="FINAL-BEFORE-0003", status="final", finalised_at=datetime(2024, 5, 1, 9, 30))
    _insert_v1_rows(engine, old)
    with engine.begin() as conn:
        conn.execute(text("UPDATE assessments SET status = 'final' WHERE id = :id"), {"id": old.id})
    engine.dispose()

    store = Store(url)
    assert version_rows(store.engine) == [migrations.head()]
    for sql in ("UPDATE documents SET body = '{}'", "UPDATE assessments SET reference = 'forged'",
                "UPDATE assessments SET guidance_version = 'forged'"):
        with pytest.raises(DBAPIError, match="final assessment"), store.engine.begin() as conn:
            conn.execute(text(sql))
    reopened = store.reopen(old.id, "me", "new information")
    assert (reopened.assessment.status, reopened.assessment.revision) == ("draft", 2)
    assert store.get(old.id).assessment.case.reference == "FINAL-BEFORE-0003"
    store.close()


def test_final_guards_cover_existing_finals(tmp_path):
    final_guards_cover_existing_finals(f"sqlite:///{tmp_path / 'final.sqlite'}")


def _open(url: str, queue) -> None:
    try:
        Store(url).close()
        queue.put("ok")
    except Exception as err:  # reported to the parent, which fails the test
        queue.put(repr(err))


def open_concurrently(url: str, n: int = 4) -> None:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_open, args=(url, queue)) for _ in range(n)]
    for p in procs:
        p.start()
    results = [queue.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert results == ["ok"] * n
    assert version_rows(make_engine(url)) == [migrations.head()]


def test_processes_opening_a_new_database_at_once(tmp_path):
    open_concurrently(f"sqlite:///{tmp_path / 'race.sqlite'}")


def test_sqlite_triggers_exist_after_upgrade(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 's.sqlite'}")
    with store.engine.connect() as conn:
        names = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))}
    assert names == {"events_no_update", "events_no_delete", "revisions_no_update", "revisions_no_delete",
                     "documents_final_no_update", "documents_final_no_delete", "assessments_final_no_update",
                     "assessments_final_no_delete", "guidance_comment_events_no_update",
                     "guidance_comment_events_no_delete", "guidance_comments_no_delete",
                     "guidance_comments_insert_open", "guidance_comments_keep_text",
                     "guidance_comments_status_logged", "assessments_training_never_final_insert",
                     "assessments_training_never_final_update", "assessments_training_stays_training",
                     "role_events_no_update", "role_events_no_delete", "assessments_fts_insert",
                     "assessments_fts_delete", "assessments_fts_update"}
    store.close()


@pytest.mark.parametrize("revision", ["0001", "0002", "0003"])
def test_stepwise_upgrade_is_idempotent(tmp_path, revision):
    url = f"sqlite:///{tmp_path / 'step.sqlite'}"
    engine = make_engine(url)
    migrations.upgrade(engine, revision)
    migrations.upgrade(engine, revision)
    assert version_rows(engine) == [revision]
    engine.dispose()
