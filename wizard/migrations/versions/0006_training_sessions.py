"""Training sessions (issue 12): the sessions trainers run, each attempt's session, and the database's refusal
to let a training assessment become final or real.

Adds ``training_sessions`` (code, scenario, language, title, trainer, created) and
``assessments.training_session`` (the code, kept by the guard on final rows like the other list columns), and
triggers that refuse, whatever the code does: a training row becoming final (by update or insert), and a
training row becoming a real one. A training assessment finalised before this revision stays as it was.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from wizard.migrations import final_guards

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

ARCHIVE_KEEPS = ("id", "revision", "status", "training", "reference", "importing_state", "end_user", "officer",
                 "outcome", "created_at", "updated_at", "search", "guidance_version", "training_session")
NEVER_FINAL = "a training assessment can never be finalised"
STAYS_TRAINING = "a training assessment can never become a real one"


def upgrade() -> None:
    op.add_column("assessments", sa.Column("training_session", sa.String(16)))
    op.create_index("ix_assessments_training_session", "assessments", ["training_session"])
    op.create_table(
        "training_sessions",
        sa.Column("code", sa.String(16), primary_key=True),
        sa.Column("scenario", sa.String(60), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("title", sa.String(2000), nullable=False),
        sa.Column("trainer", sa.String(2000), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    final_guards.assessment_guard(ARCHIVE_KEEPS)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE OR REPLACE FUNCTION wizard_training_guard() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.training AND NEW.status = 'final'
                   AND (TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM 'final') THEN
                    RAISE EXCEPTION '{NEVER_FINAL}';
                END IF;
                IF TG_OP = 'UPDATE' AND OLD.training AND NOT NEW.training THEN
                    RAISE EXCEPTION '{STAYS_TRAINING}';
                END IF;
                RETURN NEW;
            END $$""")
        op.execute("CREATE TRIGGER assessments_training_guard BEFORE INSERT OR UPDATE ON assessments "
                   "FOR EACH ROW EXECUTE FUNCTION wizard_training_guard()")
        return
    op.execute("CREATE TRIGGER assessments_training_never_final_insert BEFORE INSERT ON assessments "
               f"WHEN NEW.training AND NEW.status = 'final' BEGIN SELECT RAISE(ABORT, '{NEVER_FINAL}'); END")
    op.execute("CREATE TRIGGER assessments_training_never_final_update BEFORE UPDATE ON assessments "
               "WHEN NEW.training AND NEW.status = 'final' AND OLD.status <> 'final' "
               f"BEGIN SELECT RAISE(ABORT, '{NEVER_FINAL}'); END")
    op.execute("CREATE TRIGGER assessments_training_stays_training BEFORE UPDATE ON assessments "
               f"WHEN OLD.training AND NOT NEW.training BEGIN SELECT RAISE(ABORT, '{STAYS_TRAINING}'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS assessments_training_guard ON assessments")
        op.execute("DROP FUNCTION IF EXISTS wizard_training_guard()")
    else:
        for name in ("assessments_training_never_final_insert", "assessments_training_never_final_update",
                     "assessments_training_stays_training"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    final_guards.assessment_guard(ARCHIVE_KEEPS[:-1])
    op.drop_table("training_sessions")
    op.drop_index("ix_assessments_training_session", "assessments")
    op.drop_column("assessments", "training_session")
