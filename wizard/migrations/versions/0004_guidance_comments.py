"""Reviewers' comments on guidance items, with an append-only log of every comment and status change.

``guidance_comments`` holds one row per comment: the item's address (``wizard.guidance_search``), the guidance
version stamp and language it was made on, the item's text as the reviewer saw it, author, time and text, and
the current status (open, accepted, declined) with who set it, when, and the resolution note.
``guidance_comment_events`` logs each comment ("add") and each status change ("status") with its actor, time,
old and new status and note; it is append-only (UPDATE, DELETE and, on PostgreSQL, TRUNCATE are refused).

The database keeps the comment itself unchanged too: a comment is never deleted, is inserted open, and an
UPDATE may change only its status columns, and only to what the newest log entry for the comment says (status,
actor, time and note), so a status is changed by logging the change first (``Store.set_comment_status``) and
the current status always agrees with the log.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

STATUSES = ("open", "accepted", "declined")
# What a comment keeps for good: everything but its status columns.
KEEPS = ("id", "item", "guidance_version", "language", "author", "created_at", "text", "item_text")

EVENTS = "guidance_comment_events"
NEVER_DELETED = "guidance comments are never deleted; decline a comment instead"
ONLY_STATUS = "a guidance comment cannot be rewritten; only its status changes, logged in guidance_comment_events"
NOT_LOGGED = "the status of a guidance comment changes only as its newest guidance_comment_events entry says"
BORN_OPEN = "a guidance comment is added open, with no status change recorded"
# The messages are written into SQL string literals: no apostrophes.


def _status_check(table: str, column: str) -> sa.CheckConstraint:
    listed = ", ".join(f"'{s}'" for s in STATUSES)
    return sa.CheckConstraint(f"{column} IN ({listed})", name=f"ck_{table}_{column}")


def upgrade() -> None:
    op.create_table(
        "guidance_comments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("item", sa.String(300), nullable=False),
        sa.Column("guidance_version", sa.String(200), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("item_text", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("status_by", sa.String(200)),
        sa.Column("status_at", sa.DateTime),
        sa.Column("resolution_note", sa.Text),
        _status_check("guidance_comments", "status"),
    )
    op.create_index("ix_guidance_comments_item", "guidance_comments", ["item", "id"])
    op.create_index("ix_guidance_comments_status", "guidance_comments", ["status", "id"])
    op.create_table(
        EVENTS,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("comment_id", sa.Integer, sa.ForeignKey("guidance_comments.id"), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("old_status", sa.String(16)),
        sa.Column("new_status", sa.String(16), nullable=False),
        sa.Column("note", sa.Text),
        _status_check(EVENTS, "new_status"),
    )
    op.create_index("ix_guidance_comment_events_comment", EVENTS, ["comment_id", "id"])
    if op.get_bind().dialect.name == "postgresql":
        _postgresql()
    else:
        _sqlite()


def _newest_event_matches(same: str) -> str:
    """SQL: the newest log entry of the comment records exactly the new status columns."""
    return (f"EXISTS (SELECT 1 FROM {EVENTS} e WHERE e.id = (SELECT max(id) FROM {EVENTS} WHERE comment_id = OLD.id) "
            f"AND e.new_status = NEW.status AND e.actor {same} NEW.status_by AND e.at {same} NEW.status_at "
            f"AND e.note {same} NEW.resolution_note)")


def _sqlite() -> None:
    for verb in ("UPDATE", "DELETE"):
        op.execute(f"CREATE TRIGGER {EVENTS}_no_{verb.lower()} BEFORE {verb} ON {EVENTS} "
                   f"BEGIN SELECT RAISE(ABORT, '{EVENTS} is append-only'); END")
    op.execute("CREATE TRIGGER guidance_comments_no_delete BEFORE DELETE ON guidance_comments "
               f"BEGIN SELECT RAISE(ABORT, '{NEVER_DELETED}'); END")
    op.execute("CREATE TRIGGER guidance_comments_insert_open BEFORE INSERT ON guidance_comments "
               "WHEN NEW.status != 'open' OR NEW.status_by IS NOT NULL OR NEW.status_at IS NOT NULL "
               f"OR NEW.resolution_note IS NOT NULL BEGIN SELECT RAISE(ABORT, '{BORN_OPEN}'); END")
    kept = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in KEEPS)
    op.execute("CREATE TRIGGER guidance_comments_keep_text BEFORE UPDATE ON guidance_comments "
               f"WHEN NOT ({kept}) BEGIN SELECT RAISE(ABORT, '{ONLY_STATUS}'); END")
    op.execute("CREATE TRIGGER guidance_comments_status_logged BEFORE UPDATE ON guidance_comments "
               f"WHEN NOT {_newest_event_matches('IS')} BEGIN SELECT RAISE(ABORT, '{NOT_LOGGED}'); END")


def _postgresql() -> None:
    # wizard_append_only() comes from 0001: it refuses whatever it is attached to, naming the table.
    op.execute(f"CREATE TRIGGER {EVENTS}_append_only BEFORE UPDATE OR DELETE ON {EVENTS} "
               "FOR EACH ROW EXECUTE FUNCTION wizard_append_only()")
    for table in (EVENTS, "guidance_comments"):
        op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION wizard_append_only()")
    new = ", ".join(f"NEW.{c}" for c in KEEPS)
    old = ", ".join(f"OLD.{c}" for c in KEEPS)
    op.execute(f"""
        CREATE OR REPLACE FUNCTION wizard_guidance_comment() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                RAISE EXCEPTION '{NEVER_DELETED}';
            END IF;
            IF TG_OP = 'INSERT' THEN
                IF NEW.status <> 'open' OR NEW.status_by IS NOT NULL OR NEW.status_at IS NOT NULL
                        OR NEW.resolution_note IS NOT NULL THEN
                    RAISE EXCEPTION '{BORN_OPEN}';
                END IF;
                RETURN NEW;
            END IF;
            IF ROW({new}) IS DISTINCT FROM ROW({old}) THEN
                RAISE EXCEPTION '{ONLY_STATUS}';
            END IF;
            IF NOT {_newest_event_matches('IS NOT DISTINCT FROM')} THEN
                RAISE EXCEPTION '{NOT_LOGGED}';
            END IF;
            RETURN NEW;
        END $$""")
    op.execute("CREATE TRIGGER guidance_comments_guard BEFORE INSERT OR UPDATE OR DELETE ON guidance_comments "
               "FOR EACH ROW EXECUTE FUNCTION wizard_guidance_comment()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS wizard_guidance_comment() CASCADE")
    # Dropping the tables drops their triggers (SQLite and PostgreSQL alike).
    op.drop_table(EVENTS)
    op.drop_table("guidance_comments")
