"""Indexed text search (issue 14): the list's search no longer scans every row.

SQLite: an FTS5 table with the trigram tokenizer over ``assessments.search`` (external content, kept in step by
triggers), so a substring of three characters or more is found through the index. PostgreSQL: a trigram GIN
index (``pg_trgm``) on the same column, which the planner uses for ``LIKE '%...%'``. The results are the same as
the substring search they replace (tests/test_search_index.py compares them).

Revision ID: 0008
Revises: 0007
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

FTS = "assessments_fts"


def upgrade() -> None:
    # The officer and outcome filters together: one index, instead of the officer's rows read one by one.
    op.create_index("ix_assessments_officer_outcome", "assessments", ["archived", "officer", "outcome", "updated_at"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_assessments_search_trgm ON assessments USING gin (search gin_trgm_ops)")
        return
    # The trigram tokenizer folds case itself; the column is already lower-cased (str.lower, all of Unicode).
    op.execute(f"CREATE VIRTUAL TABLE {FTS} USING fts5(search, content='assessments', content_rowid='rowid', "
               "tokenize='trigram')")
    op.execute(f"INSERT INTO {FTS}(rowid, search) SELECT rowid, search FROM assessments")
    op.execute(f"CREATE TRIGGER {FTS}_insert AFTER INSERT ON assessments BEGIN "
               f"INSERT INTO {FTS}(rowid, search) VALUES (new.rowid, new.search); END")
    op.execute(f"CREATE TRIGGER {FTS}_delete AFTER DELETE ON assessments BEGIN "
               f"INSERT INTO {FTS}({FTS}, rowid, search) VALUES ('delete', old.rowid, old.search); END")
    op.execute(f"CREATE TRIGGER {FTS}_update AFTER UPDATE OF search ON assessments BEGIN "
               f"INSERT INTO {FTS}({FTS}, rowid, search) VALUES ('delete', old.rowid, old.search); "
               f"INSERT INTO {FTS}(rowid, search) VALUES (new.rowid, new.search); END")


def downgrade() -> None:
    op.drop_index("ix_assessments_officer_outcome", "assessments")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_assessments_search_trgm")
        return
    for suffix in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS {FTS}_{suffix}")
    op.execute(f"DROP TABLE IF EXISTS {FTS}")
