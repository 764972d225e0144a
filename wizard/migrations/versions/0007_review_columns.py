"""The four-eyes review in the list, and roles granted in the app (issue 13).

Each assessment's review status and its officer's identity become list columns, so that the reviewers' queue and
"what came back to me" are one indexed query. ``role_assignments`` holds the roles administrators grant in the app
(besides those of the configuration file), and ``role_events`` the append-only log of every grant and revocation.

Filled in from the stored documents (an assessment made before has no review: "none"; its officer's id is the
typed name, as ``access.unverified`` makes it). The guard on final rows keeps both.

Revision ID: 0007
Revises: 0006
"""

import json

import sqlalchemy as sa
from alembic import op

from wizard.migrations import final_guards

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

ARCHIVE_KEEPS = ("id", "revision", "status", "training", "reference", "importing_state", "end_user", "officer",
                 "outcome", "created_at", "updated_at", "search", "guidance_version", "training_session",
                 "review_status", "officer_id")


def upgrade() -> None:
    op.add_column("assessments", sa.Column("review_status", sa.String(16), nullable=False, server_default="none"))
    op.add_column("assessments", sa.Column("officer_id", sa.String(2000), nullable=False, server_default=""))
    op.create_index("ix_assessments_review_status", "assessments", ["review_status"])
    bind = op.get_bind()
    for aid, body in bind.execute(sa.text("SELECT assessment_id, body FROM documents")).all():
        doc = json.loads(body)
        officer_id = doc.get("officer_id") or f"name:{(doc.get('officer') or '').strip()}"
        status = (doc.get("review") or {}).get("status", "none")
        # Only the new columns change: the guard on final rows lets that through (they are not yet kept).
        bind.execute(sa.text("UPDATE assessments SET review_status = :s, officer_id = :o WHERE id = :id"),
                     {"s": status, "o": officer_id[:2000], "id": aid})
    final_guards.assessment_guard(ARCHIVE_KEEPS)
    op.create_table(
        "role_assignments",
        sa.Column("member", sa.String(2000), primary_key=True),
        sa.Column("role", sa.String(20), primary_key=True),
        sa.Column("added_by", sa.String(2000), nullable=False),
        sa.Column("added_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "role_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("actor", sa.String(2000), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("member", sa.String(2000), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
    )
    append_only("role_events")


def append_only(table: str) -> None:
    """The log of role changes is never rewritten: the database refuses UPDATE and DELETE."""
    message = f"{table} is append-only"
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE OR REPLACE FUNCTION wizard_{table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '{message}'; END $$""")
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION wizard_{table}_append_only()")
        return
    for verb in ("UPDATE", "DELETE"):
        op.execute(f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                   f"BEGIN SELECT RAISE(ABORT, '{message}'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS role_events_append_only ON role_events")
        op.execute("DROP FUNCTION IF EXISTS wizard_role_events_append_only()")
    op.drop_table("role_events")
    op.drop_table("role_assignments")
    final_guards.assessment_guard(ARCHIVE_KEEPS[:-2])
    op.drop_index("ix_assessments_review_status", "assessments")
    op.drop_column("assessments", "officer_id")
    op.drop_column("assessments", "review_status")
