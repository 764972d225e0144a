"""A final assessment cannot be changed in the database either, only archived, restored or reopened.

The guards themselves are in ``wizard/migrations/final_guards.py``: no change to a final assessment's document,
and no change to its row other than archiving, restoring or reopening it as a new revision. The store therefore
writes a finalised document before marking its row final, and marks a reopened row draft before writing its
document (``Store._write_current``).

Revision ID: 0003
Revises: 0002
"""

from wizard.migrations import final_guards

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Archiving and restoring change ``archived`` and ``version`` only: every other column stays.
ARCHIVE_KEEPS = ("id", "revision", "status", "training", "reference", "importing_state", "end_user", "officer",
                 "outcome", "created_at", "updated_at", "search")


def upgrade() -> None:
    final_guards.document_guard()
    final_guards.assessment_guard(ARCHIVE_KEEPS)


def downgrade() -> None:
    final_guards.drop_guards()
