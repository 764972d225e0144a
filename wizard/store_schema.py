"""The store's tables, as the newest migration leaves them (the migrations own the DDL; this is for queries).

``assessments`` holds the current state's list columns and the optimistic-concurrency ``version``;
``documents`` the current JSON (kept apart so list scans stay narrow); ``revisions`` one immutable snapshot
per finalised edition; ``events`` the append-only log. ``guidance_comments`` holds reviewers' comments on guidance
items and ``guidance_comment_events`` the append-only log of each comment and status change (revision 0004).
"""

from __future__ import annotations

from datetime import UTC

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
)


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in and out, on SQLite (which has no time zones) as on PostgreSQL."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData()

assessments = Table(
    "assessments", metadata,
    Column("id", String(64), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("archived", Boolean, nullable=False),
    Column("training", Boolean, nullable=False),
    Column("reference", String(2000), nullable=False),
    Column("importing_state", String(2000), nullable=False),
    Column("end_user", String(2000), nullable=False),
    Column("officer", String(2000), nullable=False),
    Column("outcome", String(40)),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    # lower-cased "reference \x1f end_user": text search is one LIKE on one column (added by revision 0002)
    Column("search", Text, nullable=False),
    # the guidance version the assessment was made under, to mark older ones in the list (revision 0005)
    Column("guidance_version", String(2000), nullable=False),
    # the training session a training attempt belongs to: the trainer's view lists them (revision 0006)
    Column("training_session", String(16)),
    # the four-eyes review's status and the officer's identity: the reviewers' queue (revision 0007)
    Column("review_status", String(16), nullable=False),
    Column("officer_id", String(2000), nullable=False),
)

# Roles granted in the app and their append-only log (revision 0007).
role_assignments = Table(
    "role_assignments", metadata,
    Column("member", String(2000), primary_key=True),  # an e-mail address (lower case) or "group:<name>"
    Column("role", String(20), primary_key=True),
    Column("added_by", String(2000), nullable=False),
    Column("added_at", UTCDateTime, nullable=False),
)
role_events = Table(
    "role_events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(2000), nullable=False),
    Column("action", String(16), nullable=False),  # grant or revoke
    Column("member", String(2000), nullable=False),
    Column("role", String(20), nullable=False),
)

# Training sessions (revision 0006): a trainer's session on one scenario, joined by its short code.
training_sessions = Table(
    "training_sessions", metadata,
    Column("code", String(16), primary_key=True),
    Column("scenario", String(60), nullable=False),
    Column("language", String(8), nullable=False),
    Column("title", String(2000), nullable=False),
    Column("trainer", String(2000), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

documents = Table(
    "documents", metadata,
    Column("assessment_id", String(64), ForeignKey("assessments.id"), primary_key=True),
    Column("body", Text, nullable=False),
)

revisions = Table(
    "revisions", metadata,
    Column("assessment_id", String(64), ForeignKey("assessments.id"), primary_key=True),
    Column("revision", Integer, primary_key=True),
    Column("status", String(16), nullable=False),
    Column("finalised_at", UTCDateTime),
    Column("actor", String(200), nullable=False),
    Column("body", Text, nullable=False),
)

events = Table(
    "events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("assessment_id", String(64), ForeignKey("assessments.id"), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(40), nullable=False),
    Column("path", Text),
    Column("old", Text),  # JSON; NULL when the field did not exist before
    Column("new", Text),  # JSON; NULL when the field was removed
    Column("note", Text),
)

guidance_comments = Table(
    "guidance_comments", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("item", String(300), nullable=False),  # the item's address (wizard.guidance_search)
    Column("guidance_version", String(200), nullable=False),  # the stamp of the guidance commented on
    Column("language", String(8), nullable=False),
    Column("author", String(200), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("text", Text, nullable=False),
    Column("item_text", Text, nullable=False),  # the item's text as the reviewer saw it
    Column("status", String(16), nullable=False),  # open, accepted, declined
    Column("status_by", String(200)),
    Column("status_at", UTCDateTime),
    Column("resolution_note", Text),
)

guidance_comment_events = Table(
    "guidance_comment_events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("comment_id", Integer, ForeignKey("guidance_comments.id"), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(16), nullable=False),  # add, status
    Column("old_status", String(16)),
    Column("new_status", String(16), nullable=False),
    Column("note", Text),
)


def search_key(reference: str, end_user: str) -> str:
    return f"{reference.lower()}\x1f{end_user.lower()}"
