"""Backups, restores and moving the store to another database (issue 14).

- ``backup(url, path)`` writes a consistent copy while the app runs: SQLite's online backup API (pages copied
  under a read snapshot), or PostgreSQL's ``pg_dump --format=custom`` (one snapshot), whichever the store is.
- ``restore(path, url)`` restores such a copy into an **empty** store (it refuses a store that holds anything),
  then verifies it.
- ``migrate(source_url, target_url)`` copies every row of every table from one store to an empty other one,
  for example from SQLite to PostgreSQL, in one read snapshot, then verifies.
- ``verify(source_url, target_url)`` compares two stores: the rows of every table, the current document of
  every assessment, and the fingerprint of every finalised revision (the SHA-256 its record prints).

Row ids (the logs' autoincrement ids) are copied as they are, and PostgreSQL's sequences are moved past them.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, Table, func, insert, select, text
from sqlalchemy.engine import make_url

from wizard import migrations
from wizard.model import Assessment, canonical_json
from wizard.store_config import make_engine
from wizard.store_schema import metadata

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
# Parents before children: the order rows are copied in (and counted).
TABLE_ORDER = ("assessments", "documents", "revisions", "events", "guidance_comments", "guidance_comment_events",
               "training_sessions", "role_assignments", "role_events")
BATCH = 2_000
COMMENT_DECISION = ("status", "status_by", "status_at", "resolution_note")


class BackupError(Exception):
    """A backup, restore or move that could not be done; the message says why, and nothing was half-done."""


@dataclass
class Verification:
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)  # table -> (source, target)
    assessments: int = 0
    final_revisions: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _backend(url: str) -> str:
    return make_url(url).get_backend_name()


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite store has nothing on disk to back up")
    return Path(database).expanduser()


def _libpq(url: str) -> str:
    """The libpq form of a SQLAlchemy PostgreSQL URL (pg_dump and pg_restore read it)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


# --- backup ---------------------------------------------------------------------------------------------------


def backup(url: str, out: Path) -> Path:
    """A consistent copy of the store at ``url``, taken while it is in use, written to ``out``."""
    out = Path(out)
    if out.exists():
        raise BackupError(f"{out} exists: a backup never overwrites a file")
    out.parent.mkdir(parents=True, exist_ok=True)
    if _backend(url) == "sqlite":
        source = sqlite3.connect(_sqlite_path(url), timeout=30)
        target = sqlite3.connect(out)
        try:
            source.backup(target)  # the online backup API: a consistent snapshot, writers keep writing
        finally:
            target.close()
            source.close()
        return out
    if _backend(url) == "postgresql":
        tool = shutil.which("pg_dump")
        if tool is None:
            raise BackupError("pg_dump is not on the PATH: install PostgreSQL's client tools (Debian: "
                              "postgresql-client) of the server's major version")
        done = subprocess.run([tool, "--format=custom", "--no-owner", "--file", str(out), _libpq(url)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            out.unlink(missing_ok=True)
            raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
        return out
    raise BackupError(f"cannot back up a {_backend(url)} store")


# --- copying between stores --------------------------------------------------------------------------------------


def _tables() -> dict[str, Table]:
    """The store's tables, parents before children (the same in every store: the migrations make them)."""
    return {name: metadata.tables[name] for name in TABLE_ORDER}


def _count(engine: Engine, table: Table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def _require_empty(engine: Engine, url: str) -> None:
    filled = [name for name, table in _tables().items() if _count(engine, table)]
    if filled:
        raise BackupError(f"the target store {make_url(url).render_as_string(hide_password=True)} is not empty "
                          f"({', '.join(filled)}): a restore or a move only fills an empty store")


def _copy(source: Engine, target: Engine) -> None:
    """Every row of every table, in one read snapshot of the source and one transaction on the target."""
    with source.connect() as src, target.connect() as dst:
        if source.dialect.name == "postgresql":
            src.execution_options(isolation_level="REPEATABLE READ")
        with src.begin(), dst.begin():
            decided: list[dict] = []
            for name, table in _tables().items():
                result = src.execution_options(stream_results=True).execute(select(table))
                while rows := result.fetchmany(BATCH):
                    batch = [dict(r._mapping) for r in rows]
                    if name == "guidance_comments":
                        # The database lets a comment be born only open, and change status only as its log
                        # says (revision 0004): copied open, its decision is replayed once its log is in.
                        decided += [{k: row[k] for k in ("id", *COMMENT_DECISION)} for row in batch
                                    if row["status"] != "open"]
                        batch = [{**row, "status": "open", **dict.fromkeys(COMMENT_DECISION[1:])} for row in batch]
                    dst.execute(insert(table), batch)
            comments = metadata.tables["guidance_comments"]
            for row in decided:
                dst.execute(comments.update().where(comments.c.id == row["id"])
                            .values({k: row[k] for k in COMMENT_DECISION}))
            if target.dialect.name == "postgresql":
                for name, table in _tables().items():
                    if "id" in table.c and table.c.id.autoincrement is True:
                        dst.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                         f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"))


def _open_target(url: str) -> Engine:
    engine = make_engine(url)
    migrations.upgrade(engine)  # an empty store with the current tables (and its guards)
    return engine


def migrate(source_url: str, target_url: str) -> Verification:
    """Copy the whole store at ``source_url`` into the empty store at ``target_url`` and verify the copy."""
    source = make_engine(source_url)
    migrations.upgrade(source)
    target = _open_target(target_url)
    try:
        _require_empty(target, target_url)
        _copy(source, target)
    finally:
        source.dispose()
        target.dispose()
    return verify(source_url, target_url)


# --- restore ----------------------------------------------------------------------------------------------------


def restore(path: Path, target_url: str) -> Verification:
    """Restore a backup file (SQLite or pg_dump) into the empty store at ``target_url``, then verify it against
    the file."""
    path = Path(path)
    try:
        head = path.read_bytes()[:16]
    except OSError as err:
        raise BackupError(f"cannot read {path}: {err.strerror or err}") from None
    if head.startswith(SQLITE_MAGIC):
        source_url = f"sqlite:///{path.resolve()}"
        return migrate(source_url, target_url)
    if head.startswith(PG_DUMP_MAGIC):
        if _backend(target_url) != "postgresql":
            raise BackupError("a pg_dump backup restores into PostgreSQL; to move to SQLite, restore it into "
                              "PostgreSQL and use migrate-store")
        target = make_engine(target_url)
        try:
            with target.connect() as conn:
                existing = conn.execute(text("SELECT count(*) FROM information_schema.tables "
                                             "WHERE table_schema = 'public'")).scalar_one()
            if existing:
                raise BackupError("the target database is not empty: pg_restore fills an empty database")
        finally:
            target.dispose()
        tool = shutil.which("pg_restore")
        if tool is None:
            raise BackupError("pg_restore is not on the PATH: install PostgreSQL's client tools")
        done = subprocess.run([tool, "--no-owner", "--exit-on-error", "--dbname", _libpq(target_url), str(path)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise BackupError(f"pg_restore failed: {done.stderr.strip()}")
        return verify_alone(target_url)
    raise BackupError(f"{path} is neither a SQLite backup nor a pg_dump archive")


# --- verification -----------------------------------------------------------------------------------------------


def _documents(engine: Engine) -> dict[str, str]:
    docs = metadata.tables["documents"]
    with engine.connect() as conn:
        return {r.assessment_id: r.body for r in conn.execute(select(docs.c.assessment_id, docs.c.body))}


def _final_fingerprints(engine: Engine) -> dict[tuple[str, int], str]:
    import hashlib

    revs = metadata.tables["revisions"]
    with engine.connect() as conn:
        rows = conn.execute(select(revs.c.assessment_id, revs.c.revision, revs.c.body)
                            .where(revs.c.status == "final")).all()
    return {(r.assessment_id, r.revision): hashlib.sha256(canonical_json(Assessment.model_validate_json(r.body)))
            .hexdigest() for r in rows}


def verify(source_url: str, target_url: str) -> Verification:
    """The target holds exactly what the source holds: the same number of rows in every table, the same current
    document for every assessment, and for every finalised revision the same record fingerprint."""
    source, target = make_engine(source_url), make_engine(target_url)
    v = Verification()
    try:
        for name, table in _tables().items():
            a, b = _count(source, table), _count(target, table)
            v.counts[name] = (a, b)
            if a != b:
                v.problems.append(f"{name}: {a} row(s) in the source, {b} in the copy")
        mine, theirs = _documents(source), _documents(target)
        v.assessments = len(theirs)
        v.problems += [f"assessment {aid}: its current document differs in the copy"
                       for aid, body in mine.items() if theirs.get(aid) is None or
                       canonical_json(Assessment.model_validate_json(theirs[aid])) !=
                       canonical_json(Assessment.model_validate_json(body))]
        fa, fb = _final_fingerprints(source), _final_fingerprints(target)
        v.final_revisions = len(fb)
        v.problems += [f"assessment {aid} revision {rev}: fingerprint {fp[:12]}… in the source, "
                       f"{(fb.get((aid, rev)) or 'none')[:12]}… in the copy"
                       for (aid, rev), fp in fa.items() if fb.get((aid, rev)) != fp]
    finally:
        source.dispose()
        target.dispose()
    return v


def verify_alone(url: str) -> Verification:
    """A restored store on its own: every document and every finalised revision reads as an assessment."""
    engine = make_engine(url)
    v = Verification()
    try:
        for name, table in _tables().items():
            n = _count(engine, table)
            v.counts[name] = (n, n)
        docs = _documents(engine)
        v.assessments = len(docs)
        for aid, body in docs.items():
            try:
                Assessment.model_validate_json(body)
            except ValueError as err:
                v.problems.append(f"assessment {aid}: its document does not read: {err}")
        v.final_revisions = len(_final_fingerprints(engine))
    finally:
        engine.dispose()
    return v


def describe(v: Verification) -> str:
    rows = ", ".join(f"{name} {b}" for name, (_a, b) in v.counts.items())
    return (f"{v.assessments} assessment(s), {v.final_revisions} finalised revision(s) with matching fingerprints; "
            f"rows: {rows}")


__all__ = ["BackupError", "Verification", "backup", "describe", "migrate", "restore", "verify", "verify_alone"]
