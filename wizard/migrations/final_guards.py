"""The database's guard on final assessments, shared by the migrations that create or widen it.

``documents``: no UPDATE or DELETE of the document while its assessment's status is 'final'.
``assessments``: a row whose status is 'final' cannot be deleted, and an UPDATE of it is refused unless it is
(a) archiving or restoring: only ``archived`` and ``version`` change (every column in ``archive_keeps`` stays);
or (b) reopening: ``status`` becomes 'draft' and ``revision`` the old revision + 1, ``id``, ``created_at`` and
``archived`` stay; the list columns, copies of the document's fields, are written again with it.
A column added to ``assessments`` belongs in ``archive_keeps``: its migration calls ``assessment_guard`` again.
"""

from __future__ import annotations

from alembic import op

REOPEN_KEEPS = ("id", "created_at", "archived")
DOCUMENT_MESSAGE = "the document of a final assessment cannot be changed; reopen it as a new revision"
ROW_MESSAGE = "a final assessment cannot be changed; archive, restore or reopen it"


def _sqlite_unchanged(columns: tuple[str, ...]) -> str:
    return " AND ".join(f"NEW.{c} IS OLD.{c}" for c in columns)


def _pg_unchanged(columns: tuple[str, ...]) -> str:
    new = ", ".join(f"NEW.{c}" for c in columns)
    old = ", ".join(f"OLD.{c}" for c in columns)
    return f"ROW({new}) IS NOT DISTINCT FROM ROW({old})"


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def document_guard() -> None:
    if _postgresql():
        op.execute(f"""
            CREATE OR REPLACE FUNCTION wizard_final_document() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF EXISTS (SELECT 1 FROM assessments WHERE id = OLD.assessment_id AND status = 'final') THEN
                    RAISE EXCEPTION '{DOCUMENT_MESSAGE}';
                END IF;
                IF TG_OP = 'DELETE' THEN
                    RETURN OLD;
                END IF;
                RETURN NEW;
            END $$""")
        op.execute("CREATE TRIGGER documents_final_guard BEFORE UPDATE OR DELETE ON documents "
                   "FOR EACH ROW EXECUTE FUNCTION wizard_final_document()")
        return
    final_document = "(SELECT status FROM assessments WHERE id = OLD.assessment_id) = 'final'"
    for verb in ("UPDATE", "DELETE"):
        op.execute(f"CREATE TRIGGER documents_final_no_{verb.lower()} BEFORE {verb} ON documents "
                   f"WHEN {final_document} BEGIN SELECT RAISE(ABORT, '{DOCUMENT_MESSAGE}'); END")


def assessment_guard(archive_keeps: tuple[str, ...]) -> None:
    """Create, or replace, the guard on final assessment rows."""
    if _postgresql():
        archive = _pg_unchanged(archive_keeps)
        reopen = f"NEW.status = 'draft' AND NEW.revision = OLD.revision + 1 AND {_pg_unchanged(REOPEN_KEEPS)}"
        op.execute(f"""
            CREATE OR REPLACE FUNCTION wizard_final_assessment() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'UPDATE' AND (({archive}) OR ({reopen})) THEN
                    RETURN NEW;
                END IF;
                RAISE EXCEPTION '{ROW_MESSAGE}';
            END $$""")
        op.execute("DROP TRIGGER IF EXISTS assessments_final_guard ON assessments")
        op.execute("CREATE TRIGGER assessments_final_guard BEFORE UPDATE OR DELETE ON assessments "
                   "FOR EACH ROW WHEN (OLD.status = 'final') EXECUTE FUNCTION wizard_final_assessment()")
        return
    archive = _sqlite_unchanged(archive_keeps)
    reopen = f"NEW.status = 'draft' AND NEW.revision = OLD.revision + 1 AND {_sqlite_unchanged(REOPEN_KEEPS)}"
    op.execute("DROP TRIGGER IF EXISTS assessments_final_no_update")
    op.execute("CREATE TRIGGER assessments_final_no_update BEFORE UPDATE ON assessments "
               f"WHEN OLD.status = 'final' AND NOT (({archive}) OR ({reopen})) "
               f"BEGIN SELECT RAISE(ABORT, '{ROW_MESSAGE}'); END")
    op.execute("DROP TRIGGER IF EXISTS assessments_final_no_delete")
    op.execute("CREATE TRIGGER assessments_final_no_delete BEFORE DELETE ON assessments "
               f"WHEN OLD.status = 'final' BEGIN SELECT RAISE(ABORT, '{ROW_MESSAGE}'); END")


def drop_guards() -> None:
    if _postgresql():
        op.execute("DROP TRIGGER IF EXISTS documents_final_guard ON documents")
        op.execute("DROP TRIGGER IF EXISTS assessments_final_guard ON assessments")
        op.execute("DROP FUNCTION IF EXISTS wizard_final_document()")
        op.execute("DROP FUNCTION IF EXISTS wizard_final_assessment()")
        return
    for name in ("documents_final_no_update", "documents_final_no_delete", "assessments_final_no_update",
                 "assessments_final_no_delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
