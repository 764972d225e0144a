"""The list shows which guidance version each assessment was made under (to mark older ones).

Adds ``assessments.guidance_version`` (a copy of the document's stamp, like the other list columns), filled in
from the stored documents, and widens the guard on final rows to keep it.

Revision ID: 0005
Revises: 0004
"""

import json

import sqlalchemy as sa
from alembic import op

from wizard.migrations import final_guards

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

ARCHIVE_KEEPS = ("id", "revision", "status", "training", "reference", "importing_state", "end_user", "officer",
                 "outcome", "created_at", "updated_at", "search", "guidance_version")


def upgrade() -> None:
    op.add_column("assessments", sa.Column("guidance_version", sa.String(2000), nullable=False, server_default=""))
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT assessment_id, body FROM documents")).all()
    for aid, body in rows:
        stamp = str(json.loads(body).get("guidance_version", ""))[:2000]
        # Only the new column changes: the guard on final rows lets that through (it is not yet among its keeps).
        bind.execute(sa.text("UPDATE assessments SET guidance_version = :v WHERE id = :id"), {"v": stamp, "id": aid})
    final_guards.assessment_guard(ARCHIVE_KEEPS)


def downgrade() -> None:
    final_guards.assessment_guard(ARCHIVE_KEEPS[:-1])
    op.drop_column("assessments", "guidance_version")
