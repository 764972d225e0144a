"""Backups, restores and moving the store (issue 14): a backup taken while officers save restores to a
consistent store; moving SQLite to PostgreSQL keeps every assessment, revision and event; a restore fills only
an empty store; the command line says what it did."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from wizard.cli import main
from wizard.store import Store
from wizard.store_backup import BackupError, backup, migrate, restore, verify


def _fill(store: Store, make_assessment, guidance, n: int = 6) -> list[str]:
    """Drafts, a finalised and reopened one (two revisions), edits, an archived one and a guidance comment."""
    ids = []
    for i in range(n):
        a = make_assessment()
        a.id, a.case.reference = f"bk-{i}", f"BK-2026-{i:04d}"
        stored = store.create(a, "Officer A")
        edited = stored.assessment.model_copy(deep=True)
        edited.case.end_user = f"Unit {i}"
        store.save(edited, stored.version, "Officer A")
        ids.append(a.id)
    s = store.get("bk-0")
    s = store.finalise("bk-0", s.version, "Officer A", guidance)
    store.reopen("bk-0", "Officer A", "New information (Art. 7(7)).")
    s = store.get("bk-0")
    store.finalise("bk-0", s.version, "Officer A", guidance)
    store.archive("bk-1", "Officer A")
    c = store.add_comment("screen:prevalence.purpose", "Clearer, please.", "Policy reviewer", guidance.version, "en")
    store.set_comment_status(c.id, "accepted", "Head of policy", "Rewritten in the next version.")
    return ids


def test_a_sqlite_backup_taken_during_writes_restores_to_a_consistent_store(tmp_path, make_assessment, guidance):
    url = f"sqlite:///{tmp_path / 'live.sqlite'}"
    store = Store(url)
    _fill(store, make_assessment, guidance)
    stop = threading.Event()
    saved = []

    def officer() -> None:  # keeps saving while the backup runs
        n = 0
        while not stop.is_set() and n < 200:
            s = store.get("bk-2")
            a = s.assessment.model_copy(deep=True)
            a.determination.conditions = f"Condition {n}"
            store.save(a, s.version, "Officer B")
            saved.append(n)
            n += 1

    writer = threading.Thread(target=officer)
    writer.start()
    try:
        copy = backup(url, tmp_path / "backup.sqlite")
    finally:
        stop.set()
        writer.join()
    assert saved, "the officer saved while the backup ran"
    target = f"sqlite:///{tmp_path / 'restored.sqlite'}"
    v = restore(copy, target)
    assert v.ok, v.problems
    restored = Store(target)
    a = restored.get("bk-2")
    # Consistent: the document, the row's version and the log agree with each other, at one moment.
    events = restored.events("bk-2")
    assert events[0].version == a.version
    logged = [e.new for e in events if e.path == "determination.conditions"]
    original = store.events("bk-2")[-1]  # the create
    assert a.assessment.determination.conditions == (logged[0] if logged else
                                                     make_assessment().determination.conditions), original
    assert [r.revision for r in restored.revisions("bk-0")] == [1, 2]
    assert restored.list_comments()[0].status == "accepted"
    restored.close()
    store.close()


def test_a_restore_fills_only_an_empty_store(tmp_path, make_assessment, guidance):
    url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    store = Store(url)
    _fill(store, make_assessment, guidance, n=2)
    copy = backup(url, tmp_path / "b.sqlite")
    with pytest.raises(BackupError, match="not empty"):
        restore(copy, url)
    with pytest.raises(BackupError, match="never overwrites"):
        backup(url, copy)
    store.close()


@pytest.mark.postgres
def test_moving_sqlite_to_postgresql_keeps_every_assessment_revision_and_event(tmp_path, make_assessment, guidance):
    from tests.conftest import postgres_url, reset_postgres

    url = f"sqlite:///{tmp_path / 'office.sqlite'}"
    store = Store(url)
    ids = _fill(store, make_assessment, guidance)
    pg = postgres_url()
    reset_postgres(pg)
    v = migrate(url, pg)
    assert v.ok, v.problems
    assert v.assessments == len(ids) and v.final_revisions == 2
    moved = Store(pg)
    for aid in ids:
        assert moved.get(aid).assessment == store.get(aid).assessment
        assert [e.action for e in moved.events(aid)] == [e.action for e in store.events(aid)]
    assert moved.get("bk-1").archived
    # The logs' ids go on after the copied ones: the next save is logged, not refused.
    s = moved.get("bk-3")
    a = s.assessment.model_copy(deep=True)
    a.case.exporter = "After the move"
    moved.save(a, s.version, "Officer A")
    assert moved.events("bk-3")[0].new == "After the move"
    assert verify(url, pg).problems  # the stores differ now, and verify says so
    moved.close()
    store.close()


@pytest.mark.postgres
def test_a_pg_dump_backup_is_checked_and_restores(tmp_path, make_assessment, guidance, capsys):
    import shutil

    from tests.conftest import postgres_url, reset_postgres

    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed here")
    pg = postgres_url()
    reset_postgres(pg)
    store = Store(pg)
    _fill(store, make_assessment, guidance, n=3)
    store.close()
    out = tmp_path / "office.dump"
    assert main(["--database-url", pg, "backup", "-o", str(out)]) == 0
    assert main(["check-backup", str(out)]) == 0
    assert "a pg_dump archive with the data of assessments, documents, revisions, events" in capsys.readouterr().out
    reset_postgres(pg)
    assert main(["restore", str(out), "--to", pg]) == 0
    assert Store(pg).get("bk-0").assessment.revision == 2


def test_the_command_line_backs_up_checks_and_restores(tmp_path, make_assessment, guidance, capsys):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    store = Store(url)
    _fill(store, make_assessment, guidance, n=3)
    store.close()
    out = tmp_path / "cli-backup.sqlite"
    assert main(["--database-url", url, "backup", "-o", str(out)]) == 0
    assert main(["check-backup", str(out)]) == 0
    assert "OK: " in capsys.readouterr().out
    target = f"sqlite:///{tmp_path / 'cli-restored.sqlite'}"
    assert main(["restore", str(out), "--to", target]) == 0
    printed = capsys.readouterr().out
    assert "3 assessment(s), 2 finalised revision(s) with matching fingerprints" in printed
    assert main(["restore", str(out), "--to", target]) == 1
    assert "not empty" in capsys.readouterr().err
    assert main(["check-backup", str(Path(__file__))]) == 1
