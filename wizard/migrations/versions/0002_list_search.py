"""List page: a lower-cased search column (backfilled) and the indexes the filters and sorts use.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("assessments", sa.Column("search", sa.Text, nullable=False, server_default=""))
    # Lower-cased in Python, not SQL: SQLite's lower() only folds ASCII, and the store folds with str.lower.
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, reference, end_user FROM assessments")).all()
    for id_, reference, end_user in rows:
        bind.execute(sa.text("UPDATE assessments SET search = :s WHERE id = :id"),
                     {"s": f"{reference.lower()}\x1f{end_user.lower()}", "id": id_})

    # archived leads every index: every list query filters on it, and the counts are then index-only.
    op.create_index("ix_assessments_updated", "assessments", ["archived", "updated_at"])
    op.create_index("ix_assessments_status", "assessments", ["archived", "status", "updated_at"])
    op.create_index("ix_assessments_reference", "assessments", ["archived", "reference"])
    op.create_index("ix_assessments_state", "assessments", ["archived", "importing_state", "updated_at"])
    op.create_index("ix_assessments_officer", "assessments", ["archived", "officer", "updated_at"])
    op.create_index("ix_assessments_outcome", "assessments", ["archived", "outcome", "updated_at"])
    if bind.dialect.name == "sqlite":
        # A covering index for text search: a substring LIKE scans it (a few MB) instead of the table.
        # Not on PostgreSQL, whose B-tree entries are size-limited and whose sequential scan is fast enough.
        op.create_index("ix_assessments_search", "assessments",
                        ["archived", "search", "updated_at", "id", "reference", "importing_state", "status"])
