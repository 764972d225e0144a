"""Where assessments live: a SQL database through SQLAlchemy 2, with revisions, an event log and imports.

Which database, and the engine for it: ``wizard.store_config`` (``database_url``, ``make_engine``). Opening a
``Store`` migrates the schema to the newest version (``wizard.migrations``).

Concurrency is optimistic: every successful write bumps ``version``; a write based on another version is
refused with ``Conflict``, which says what the other writer changed. Nothing becomes final without the
finalise checks (``flow.blocking(flow.check(...))``), whether finalised here or imported final. Finalised
assessments are refused writes (``Locked``) here, whatever the caller sends, and the database refuses them
too (triggers, migration 0003): a final assessment's document and row cannot be changed except by archiving,
restoring or reopening it. Nothing is ever deleted: assessments are archived, and the event log and the
finalised snapshots are append-only (triggers refuse UPDATE and DELETE).
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from threading import Lock
from time import monotonic
from typing import Any

from sqlalchemy import (
    Connection,
    and_,
    bindparam,
    false,
    func,
    insert,
    literal,
    literal_column,
    select,
    table,
    true,
    update,
)
from sqlalchemy import text as sql_text
from sqlalchemy.exc import SQLAlchemyError

from wizard import access, flow, migrations
from wizard.access import AccessConfig, Principal, unverified
from wizard.guidance_schema import Guidance
from wizard.history import FieldChange, diff, squash
from wizard.model import Assessment, ReviewComment, content_sha256, new_id, to_json, utc_now
from wizard.store_config import database_url, make_engine
from wizard.store_schema import (
    UTCDateTime,
    assessments,
    documents,
    events,
    guidance_comment_events,
    guidance_comments,
    revisions,
    role_assignments,
    role_events,
    search_key,
    training_sessions,
)

MAX_PAGE_SIZE = 500
ACTOR_MAX = 200
# List columns keep at most this many characters: a PostgreSQL B-tree entry must stay under ~2.7 kB.
LIST_TEXT_MAX = 500
SEARCH_INDEX = "ix_assessments_search"  # SQLite only (migration 0002)
FTS_TABLE = "assessments_fts"  # SQLite's trigram index of the search column (migration 0008)
COUNT_CAP = 10_000  # a list counts its matches up to this many
TEXT_PLAN_SECONDS = 300.0  # how long a search text's plan is reused (Store._text_plan)
TEXT_PLANS_KEPT = 256
DOCUMENTS_KEPT = 128  # stored documents a store remembers for quick saves (Store.save): one per open assessment
TRIGRAM = 3  # shorter texts have no trigram to look up: they are found by scanning, as before
# Fields only the store changes (create, finalise, reopen, import); a save that changes them is refused.
STORE_OWNED = ("id", "revision", "status", "created_at", "finalised_at", "scenario", "training_session", "review",
               "officer_id", "identities_verified")


TRAINING_NEVER_FINAL = ("a training assessment is practice and can never be finalised or become a real one: "
                        "start a real assessment for a real case")

@dataclass(frozen=True)
class RoleGrant:
    member: str
    role: str
    added_by: str
    added_at: datetime


@dataclass(frozen=True)
class RoleEvent:
    at: datetime
    actor: str
    action: str
    member: str
    role: str


def _member(member: str) -> str:
    """An e-mail address in lower case, or "group:<name>" as given; anything else is refused."""
    member = (member or "").strip()
    if member.startswith("group:") and len(member) > 6:
        return member[:2000]
    if "@" in member and " " not in member:
        return member.lower()[:2000]
    raise StoreError(f"{member!r} is neither an e-mail address nor \"group:<name>\"")


# Session codes: six characters a trainer can read out, without 0/O or 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


def normalise_code(code: str) -> str:
    """A code as typed ("k7m 2qx") in the form it is stored ("K7M2QX")."""
    return "".join((code or "").split()).upper()[:16]


@dataclass(frozen=True)
class TrainingSession:
    code: str
    scenario: str
    language: str
    title: str
    trainer: str
    created_at: datetime


# --- errors -----------------------------------------------------------------------------------------------

class StoreError(Exception):
    """Any refusal by the store; ``str(err)`` is a message fit to show an officer."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(StoreError):
    pass


class AlreadyExists(StoreError):
    pass


class NotAllowed(StoreError):
    """The person's roles do not allow it (wizard/access.py); the message says what."""


class Locked(StoreError):
    """The assessment is final: reopen it (a new revision) to change it."""


class Archived(StoreError):
    """The assessment is archived: restore it to change it."""


class ImportRefused(StoreError):
    pass


class FinaliseRefused(StoreError):
    """The finalise checks found blocking problems: ``findings``, in screen order."""

    def __init__(self, findings: list[flow.Finding]):
        self.findings = findings
        super().__init__(f"not finalised: {_findings_text(findings)}")


def _findings_text(findings: list[flow.Finding]) -> str:
    shown = "; ".join(f.message for f in findings[:5])
    more = f"; and {len(findings) - 5} more" if len(findings) > 5 else ""
    return f"{len(findings)} blocking problem(s) remain: {shown}{more}"


def blocking_findings(guidance: Guidance, a: Assessment) -> list[flow.Finding]:
    """What stops ``a`` being final: the same checks wherever an assessment becomes final."""
    return flow.blocking(flow.check(guidance, a))


class DatabaseError(StoreError):
    """The database failed (unreachable, disk full, ...): nothing of the operation was stored."""


class Conflict(StoreError):
    """The save was based on ``base_version`` but someone else saved since.

    ``changes`` is what they changed (one entry per field path, first old value to last new value);
    ``events`` every log entry since ``base_version``, including finalise/archive and the like.
    """

    def __init__(self, current: Stored, changes: list[FieldChange], events: list[Event], base_version: int):
        self.current, self.changes, self.events, self.base_version = current, changes, events, base_version
        who = sorted({e.actor for e in events}) or ["someone"]
        what = ", ".join(c.path for c in changes[:5]) or ", ".join(e.action for e in events[:5]) or "it"
        more = f" and {len(changes) - 5} more" if len(changes) > 5 else ""
        super().__init__(
            f"not saved: {', '.join(who)} changed this assessment since you opened it "
            f"(your version {base_version}, now {current.version}): {what}{more}. "
            "Nothing was overwritten; choose which values to keep.")


# --- results ----------------------------------------------------------------------------------------------

@dataclass
class Stored:
    assessment: Assessment
    version: int
    archived: bool
    saved_at: datetime


@dataclass(frozen=True)
class Event:
    revision: int
    version: int
    at: datetime
    actor: str
    action: str
    path: str | None
    old: Any
    new: Any
    note: str | None


@dataclass(frozen=True)
class RevisionInfo:
    revision: int
    status: str
    finalised_at: datetime | None
    actor: str


Match = str | Sequence[str] | None  # one value, any of several, or no filter


@dataclass
class ListFilter:
    status: Match = None
    importing_state: Match = None
    officer: Match = None
    outcome: Match = None
    date_from: date | None = None  # on the date (UTC) of updated_at, inclusive
    date_to: date | None = None
    text: str | None = None  # case-insensitive substring of reference or end user
    include_archived: bool = False
    only_archived: bool = False
    training: bool | None = None
    review_status: Match = None  # the reviewers' queue: "submitted"; what came back: "returned"
    officer_id: str | None = None  # one officer's own assessments


@dataclass(frozen=True)
class ListRow:
    id: str
    reference: str
    importing_state: str
    end_user: str
    officer: str
    status: str
    outcome: str | None
    revision: int
    version: int
    updated_at: datetime
    archived: bool
    training: bool
    guidance_version: str  # the stamp the assessment was made under
    review_status: str = "none"


@dataclass
class ListPage:
    rows: list[ListRow]
    total: int
    page: int
    page_size: int
    exact: bool = True  # False: at least ``total`` match (counting stops at COUNT_CAP, see Store.list)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


A = assessments.c
SORTS = {
    "updated_desc": (A.updated_at.desc(), A.id.desc()),
    "updated_asc": (A.updated_at.asc(), A.id.asc()),
    "reference": (A.reference.asc(), A.id.asc()),
    "importing_state": (A.importing_state.asc(), A.updated_at.desc(), A.id.desc()),
    "status": (A.status.asc(), A.updated_at.desc(), A.id.desc()),
}
LIST_COLUMNS = (A.id, A.reference, A.importing_state, A.end_user, A.officer, A.status, A.outcome, A.revision,
                A.version, A.updated_at, A.archived, A.training, A.guidance_version, A.review_status)


Actor = str | Principal
"""Who acts: a signed-in ``Principal``, or a typed name (identities not verified: every role)."""


def who(actor: Actor) -> Principal:
    return actor if isinstance(actor, Principal) else unverified(actor)


def _actor(actor: Actor) -> str:
    return ((actor.actor if isinstance(actor, Principal) else actor) or "unknown")[:ACTOR_MAX]


def _match(column, value: Match):
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return column == value[:LIST_TEXT_MAX]
    return column.in_([v[:LIST_TEXT_MAX] for v in value])


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(frozen=True)
class TextPlan:
    """How a list finds the rows whose search column holds a text. Every plan finds exactly the rows a
    substring test finds (tests/test_search_index.py); they differ in speed only."""
    common: bool = False  # more than COUNT_CAP rows hold it: walk the sort order, testing each row
    probe: str | None = None  # the part of the text the trigram index looks up
    scan: bool = False  # no trigram to look up (under three characters): SQLite scans its covering index


def _contains(text: str) -> str:
    """The LIKE pattern (escape character ``\\``) of a search column holding ``text``."""
    return f"%{_like_escape(text)}%"


def _fts_hits(text: str):
    """The rowids SQLite's trigram table holds ``text`` in (as a phrase: its characters in a row)."""
    phrase = '"' + text.replace('"', '""') + '"'
    return select(literal_column("rowid")).select_from(table(FTS_TABLE)).where(
        literal_column(FTS_TABLE).op("MATCH")(phrase))


def _sqlite_text_plan(conn: Connection, text: str) -> TextPlan:
    if len(text) < TRIGRAM:
        return TextPlan(scan=True)
    hits = _fts_hits(text).limit(COUNT_CAP + 1)
    common = conn.execute(select(func.count()).select_from(hits.subquery())).scalar_one() > COUNT_CAP
    return TextPlan(common=common, probe=None if common else text)


ESTIMATE = sql_text("EXPLAIN (FORMAT JSON) SELECT 1 FROM assessments WHERE search LIKE :pattern ESCAPE '\\'")


def _postgresql_text_plan(conn: Connection, text: str) -> TextPlan:
    """The planner's estimate, from the column's statistics, of how many rows hold the text and each of its
    words. The trigram index reads every trigram's whole list of rows, so "lic-2024-0421" (whose "lic" and
    "202" are in every reference) is looked up by its cheapest part, "0421", and then tested whole."""
    parts = [text] + [w for w in dict.fromkeys(re.findall(r"[^\W_]{3,}", text)) if w != text]
    estimates = {}
    for part in parts:
        plan = conn.execute(ESTIMATE, {"pattern": _contains(part)}).scalar_one()[0]["Plan"]
        estimates[part] = (plan["Total Cost"], plan["Plan Rows"])
    if estimates[text][1] > COUNT_CAP:
        return TextPlan(common=True)
    probe = min(parts, key=lambda p: (*estimates[p], len(p)))  # cheapest, then rarest, then fewest trigrams
    return TextPlan(probe=probe if len(probe) >= TRIGRAM else None)


def _text_conditions(dialect: str, text: str, plan: TextPlan) -> list:
    if dialect == "sqlite":
        like = A.search.like(_contains(text), escape="\\")
        if plan.probe is None:
            return [like]
        return [like, literal_column("assessments.rowid").in_(_fts_hits(plan.probe))]
    # PostgreSQL would hand every LIKE on the column to the trigram index; strpos is the same substring test
    # kept out of the index, so the index looks up the probe alone (or nothing, for a common text).
    exact = func.strpos(A.search, text) > 0
    if plan.probe is None:
        return [exact]
    return [A.search.like(_contains(plan.probe), escape="\\"), exact]


# Statements an autosave sends, built once (building one costs about as much as the database takes to run it).
TOUCH_ROW = (update(assessments).where(A.id == bindparam("b_id"), A.version == bindparam("b_base"))
             .values(version=bindparam("b_version"), updated_at=bindparam("b_at")))
WRITE_DOCUMENT = update(documents).where(documents.c.assessment_id == bindparam("b_id")).values(
    body=bindparam("b_body"))
INSERT_EVENTS = insert(events)
# PostgreSQL runs the sub-statements of a WITH together: the row moves on only from the version the save was
# based on, the document is written only if it did, and the log entries only if the document was.
AUTOSAVE_POSTGRESQL = sql_text("""
WITH moved AS (
    UPDATE assessments SET version = CAST(:version AS integer), updated_at = :at
    WHERE id = :id AND version = CAST(:base AS integer) RETURNING id),
written AS (
    UPDATE documents SET body = :body FROM moved WHERE documents.assessment_id = moved.id
    RETURNING documents.assessment_id)
INSERT INTO events (assessment_id, revision, version, at, actor, action, path, old, new, note)
SELECT written.assessment_id, CAST(:revision AS integer), CAST(:version AS integer), :at, :actor, 'edit',
       c.value ->> 0, c.value ->> 1, c.value ->> 2, NULL
FROM written, jsonb_array_elements(CAST(:changes AS jsonb)) WITH ORDINALITY AS c(value, n)
ORDER BY c.n
""").bindparams(bindparam("at", type_=UTCDateTime))


# --- the store --------------------------------------------------------------------------------------------

class Store:
    def __init__(self, url: str | None = None, access: AccessConfig | None = None):
        self.url = url or database_url()
        self.access = access or AccessConfig()
        self.engine = make_engine(self.url)
        self._text_plans: dict[str, tuple[float, TextPlan]] = {}
        self._known: dict[str, tuple[int, bool, str]] = {}  # id: (version, archived, document)
        self._kept = Lock()  # one store serves every session of an app server, each in a thread of its own
        try:
            migrations.upgrade(self.engine)
        except SQLAlchemyError as err:
            self.engine.dispose()
            raise DatabaseError(f"could not open the database: {getattr(err, 'orig', None) or err}") from err

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def _tx(self, write: bool = False) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                if write:
                    conn.execution_options(sqlite_begin="IMMEDIATE")
                with conn.begin():
                    yield conn
        except SQLAlchemyError as err:
            raise DatabaseError(
                f"the database refused the operation, nothing was stored: {getattr(err, 'orig', None) or err}"
            ) from err

    # --- reading ---

    def _load(self, conn: Connection, id: str, *, lock: bool = False) -> Stored:
        q = (select(A.version, A.archived, A.updated_at, documents.c.body)
             .join(documents, documents.c.assessment_id == A.id).where(A.id == id))
        row = conn.execute(q.with_for_update(of=assessments) if lock else q).one_or_none()
        if row is None:
            raise NotFound(f"no assessment with id {id!r}")
        self._remember(id, row.version, row.archived, row.body)
        return Stored(Assessment.model_validate_json(row.body), row.version, row.archived, row.updated_at)

    def get(self, id: str, as_: Actor | None = None) -> Stored:
        """The assessment; with ``as_``, only if that person may read it."""
        with self._tx() as conn:
            stored = self._load(conn, id)
        if as_ is not None:
            self._allow(access.may_read(who(as_), stored.assessment, self.access),
                        f"assessment {id!r} is not yours to read")
        return stored

    def _allow(self, allowed: bool, what: str) -> None:
        if not allowed:
            raise NotAllowed(f"not allowed: {what}")

    def count(self, *, include_archived: bool = True) -> int:
        with self._tx() as conn:
            q = select(func.count()).select_from(assessments)
            return conn.execute(q if include_archived else q.where(A.archived.is_(False))).scalar_one()

    def events(self, id: str, limit: int | None = None, offset: int = 0) -> list[Event]:
        """The log of one assessment, newest first; ``limit`` and ``offset`` read it a page at a time."""
        with self._tx() as conn:
            self._require(conn, id)
            q = select(events).where(events.c.assessment_id == id).order_by(events.c.id.desc())
            if limit:
                q = q.limit(limit).offset(max(0, offset))
            return [_event(r) for r in conn.execute(q)]

    def event_count(self, id: str) -> int:
        with self._tx() as conn:
            return conn.execute(select(func.count()).select_from(events)
                                .where(events.c.assessment_id == id)).scalar_one()

    def revisions(self, id: str) -> list[RevisionInfo]:
        """Every stored edition, oldest first: the finalised snapshots, then the current draft if any."""
        with self._tx() as conn:
            current = self._load(conn, id).assessment
            out = [RevisionInfo(r.revision, r.status, r.finalised_at, r.actor) for r in conn.execute(
                select(revisions).where(revisions.c.assessment_id == id).order_by(revisions.c.revision))]
            if not out or out[-1].revision != current.revision:
                first = conn.execute(
                    select(events.c.actor).where(events.c.assessment_id == id,
                                                 events.c.revision == current.revision)
                    .order_by(events.c.id).limit(1)).scalar_one_or_none()
                out.append(RevisionInfo(current.revision, current.status, current.finalised_at, first or ""))
            return out

    def load_revision(self, id: str, revision: int) -> Assessment:
        """The assessment exactly as it was finalised in ``revision`` (or the current one, if draft)."""
        with self._tx() as conn:
            body = conn.execute(select(revisions.c.body).where(
                revisions.c.assessment_id == id, revisions.c.revision == revision)).scalar_one_or_none()
            if body is not None:
                return Assessment.model_validate_json(body)
            current = self._load(conn, id).assessment
            if current.revision == revision:
                return current
            raise NotFound(f"assessment {id!r} has no stored revision {revision}")

    def list(self, filters: ListFilter | None = None, sort: str = "updated_desc", page: int = 1,
             page_size: int = 25) -> ListPage:
        """One page of the list and how many match, read in one statement (two more only for a page past the
        end, which is answered with the last page)."""
        f = filters or ListFilter()
        if sort not in SORTS:
            raise StoreError(f"unknown sort {sort!r}; use one of {', '.join(SORTS)}")
        page_size = min(max(1, page_size), MAX_PAGE_SIZE)
        conds = [c for c in (
            _match(A.status, f.status), _match(A.importing_state, f.importing_state),
            _match(A.officer, f.officer), _match(A.outcome, f.outcome)) if c is not None]
        if f.only_archived:
            conds.append(A.archived == true())
        elif not f.include_archived:
            conds.append(A.archived == false())
        if f.training is not None:
            conds.append(A.training.is_(f.training))
        if (review := _match(A.review_status, f.review_status)) is not None:
            conds.append(review)
        if f.officer_id:
            conds.append(A.officer_id == f.officer_id[:2000])
        if f.date_from:
            conds.append(A.updated_at >= datetime.combine(f.date_from, time(), UTC))
        if f.date_to:
            conds.append(A.updated_at < datetime.combine(f.date_to + timedelta(days=1), time(), UTC))
        text = (f.text or "").strip().lower()
        plan = self._text_plan(text) if text else None
        if plan is not None:
            conds.extend(_text_conditions(self.engine.dialect.name, text, plan))
        where = and_(True, *conds)
        ids = select(A.id).where(where).order_by(*SORTS[sort])
        # Counting stops at COUNT_CAP + 1 matches: an exact count of a million rows costs as much as reading
        # them, and "more than 10,000" is all a list page needs to say.
        matching = select(literal_column("1")).select_from(assessments).where(where).limit(COUNT_CAP + 1)
        hint = None
        if plan is not None and plan.scan:
            # SQLite's planner would walk the updated_at index and visit every row; the covering index is
            # ten times faster for a substring search with no trigram to look up.
            hint = f"INDEXED BY {SEARCH_INDEX}"
        elif plan is not None and plan.probe is not None:
            # Left to itself, SQLite walks the sort order's index to spare a sort, testing every row against
            # the trigram table's list (18 ms at 100,000 rows, growing with them); fetched by rowid from that
            # list, the rows are read at once and the few found are sorted.
            hint = "NOT INDEXED"
        if hint:
            matching = matching.with_hint(assessments, hint, "sqlite")
            ids = ids.with_hint(assessments, hint, "sqlite")
        count = select(func.count()).select_from(matching.subquery())
        # A common text and no other filter: more match than are counted, said without counting.
        uncounted = plan is not None and plan.common and len(conds) == 2 and not f.include_archived
        counted = literal(COUNT_CAP + 1) if uncounted else count.scalar_subquery()

        def read(page: int) -> tuple[list[ListRow], int | None]:
            # The page's ids first (index-only), then just those rows, with the count beside them.
            page_ids = ids.limit(page_size).offset((page - 1) * page_size)
            q = select(*LIST_COLUMNS, counted.label("counted")).where(A.id.in_(page_ids)).order_by(*SORTS[sort])
            rows = conn.execute(q).all()
            return [ListRow(*r[:-1]) for r in rows], (rows[0].counted if rows else None)

        page = max(1, page)
        with self._tx() as conn:
            rows, found = read(page)
            if found is None:  # nothing on this page: none match, or the page is past the end
                found = 0 if page == 1 else (COUNT_CAP + 1 if uncounted else conn.execute(count).scalar_one())
                last = max(1, -(-min(found, COUNT_CAP) // page_size))
                if found and found <= COUNT_CAP and page > last:  # past the last page: the last page
                    page = last
                    rows, _ = read(page)
        return ListPage(rows, min(found, COUNT_CAP), page, page_size, found <= COUNT_CAP)

    def _text_plan(self, text: str) -> TextPlan:
        """How to find the rows holding ``text``, kept for a few minutes per text: a list rerun with the same
        search then costs one statement. The rows found are the same whatever the plan; only the speed varies."""
        now = monotonic()
        kept = self._text_plans.get(text)
        if kept and now - kept[0] < TEXT_PLAN_SECONDS:
            return kept[1]
        with self._tx() as conn:
            plan = (_sqlite_text_plan if conn.dialect.name == "sqlite" else _postgresql_text_plan)(conn, text)
        with self._kept:
            _keep(self._text_plans, text, (now, plan), TEXT_PLANS_KEPT)
        return plan

    # --- writing ---

    def create(self, a: Assessment, actor: Actor) -> Stored:
        p = who(actor)
        self._allow(p.has("officer") or (a.training and p.has("trainer")),
                    "creating an assessment needs the officer role")
        a = a.model_copy(deep=True)
        a.updated_at = utc_now()
        a.officer_id = a.officer_id or p.subject  # whose it is: the rules on editing and reviewing follow it
        a.identities_verified = p.verified
        with self._tx(write=True) as conn:
            if conn.execute(select(A.id).where(A.id == a.id)).first():
                raise AlreadyExists(f"an assessment with id {a.id!r} already exists")
            self._insert(conn, a, actor, "create", None)
        return Stored(a, 1, False, a.updated_at)

    def save(self, a: Assessment, base_version: int, actor: Actor) -> Stored:
        """Store ``a`` if ``base_version`` is the stored version; one "edit" event per changed field. A change
        of the content a reviewer approved voids the approval (a "void" event says so).

        An autosave is the commonest write, so it does without reading the assessment back when this store
        already holds the stored document of ``base_version`` (it wrote or read it): every write bumps the
        version, so that document is what the database holds as long as the version is unchanged, which the
        row's UPDATE checks itself. A row that has moved on is read as usual, and the conflict raised."""
        known = self._known.get(a.id)
        with self._tx(write=True) as conn:
            cur, before = None, None
            if known is not None and known[0] == base_version:
                before = json.loads(known[2])
                cur = Stored(Assessment.model_validate_json(known[2]), known[0], known[1], a.updated_at)
                if cur.archived or cur.assessment.status == "final":
                    cur, before = None, None  # read as usual: it says why the assessment cannot be changed
            checked = cur is not None  # the row's version is still to be checked, by its UPDATE below
            if cur is None:
                cur = self._writable(conn, a.id, base_version)
            self._allow(access.may_edit(who(actor), cur.assessment),
                        "only the assessment's own officer changes its answers")
            for name in STORE_OWNED:
                if getattr(a, name) != getattr(cur.assessment, name):
                    raise StoreError(f"not saved: {name} is changed by the store (finalise, reopen, import), "
                                     "not by a save")
            if cur.assessment.training and not a.training:
                raise StoreError(f"not saved: {TRAINING_NEVER_FINAL}")
            changes = diff(before if before is not None else cur.assessment, a)
            if not changes:
                return self._writable(conn, a.id, base_version) if checked else cur  # unchanged, if current
            update_with: dict[str, Any] = {"updated_at": utc_now()}
            voided = cur.assessment.review.status == "approved" and \
                content_sha256(a) != cur.assessment.review.approved_sha256
            if voided:
                update_with["review"] = a.review.model_copy(update={"status": "voided"})
            body = to_json(a.model_copy(update=update_with), indent=None)  # shallow: only these two are new
            new = Assessment.model_validate_json(body)  # the caller's object stays the caller's
            version = cur.version + 1
            # Only the list columns that changed are set: an index is written only when a column of it changed.
            before_columns = _columns(cur.assessment)
            columns = {k: v for k, v in _columns(new).items() if before_columns[k] != v}
            if checked and not voided and not columns and conn.dialect.name == "postgresql":
                # The usual autosave on PostgreSQL: row, document and log in one statement, one round trip.
                written = conn.execute(AUTOSAVE_POSTGRESQL, dict(
                    id=a.id, base=base_version, version=version, at=new.updated_at, body=body,
                    revision=new.revision, actor=_actor(actor), changes=json.dumps(
                        [[c.path, _json_text(c.old), _json_text(c.new)] for c in changes], ensure_ascii=False),
                )).rowcount == len(changes)
            else:
                written = self._write_current(conn, new, version, body=body, columns=columns,
                                              base_version=base_version if checked else None)
                if written:
                    conn.execute(INSERT_EVENTS, [
                        _event_row(new, version, actor, "edit", path=c.path, old=c.old, new=c.new) for c in changes])
            if not written:
                self._writable(conn, a.id, base_version)  # moved on since: raises the conflict, with what changed
                raise StoreError(f"not saved: assessment {a.id!r} changed while it was being saved")
            if voided:
                conn.execute(insert(events).values(_event_row(
                    new, version, actor, "void", path="review.status", old="approved", new="voided",
                    note="the approved content changed")))
        self._remember(new.id, version, False, body)
        a.updated_at = new.updated_at
        return Stored(new, version, False, new.updated_at)

    def finalise(self, id: str, base_version: int, actor: Actor, guidance: Guidance) -> Stored:
        """Lock the current draft as final, if the finalise checks against ``guidance`` find nothing blocking.

        The checks run on the row as it is locked here, so nothing saved since the caller looked can slip
        through; ``FinaliseRefused`` names what blocks.
        """
        with self._tx(write=True) as conn:
            cur = self._writable(conn, id, base_version)
            if cur.assessment.training:
                raise StoreError(TRAINING_NEVER_FINAL)
            allowed, why = access.may_finalise(who(actor), cur.assessment, self.access)
            self._allow(allowed, why)
            blockers = blocking_findings(guidance, cur.assessment)
            if blockers:
                raise FinaliseRefused(blockers)
            new = cur.assessment.model_copy(deep=True)
            new.status, new.finalised_at = "final", utc_now()
            new.updated_at = new.finalised_at
            version = cur.version + 1
            self._write_current(conn, new, version)
            conn.execute(insert(events).values(
                _event_row(new, version, actor, "finalise", path="status", old="draft", new="final")))
            self._snapshot(conn, new, actor)
        return Stored(new, version, False, new.updated_at)

    def reopen(self, id: str, actor: Actor, reason: str) -> Stored:
        """Make a final assessment a draft again as a new revision; the finalised one stays readable. Its
        approval belongs to the finalised revision: the new one needs approving again."""
        if not reason or not reason.strip():
            raise StoreError("give the reason for reopening (e.g. new information, Art. 7(7))")
        with self._tx(write=True) as conn:
            cur = self._load(conn, id, lock=True)
            if cur.assessment.status != "final":
                raise StoreError(f"assessment {id!r} is a draft; only a final assessment can be reopened")
            self._allow(access.may_edit(who(actor), cur.assessment), "only the assessment's own officer reopens it")
            new = cur.assessment.model_copy(deep=True)
            new.status, new.revision, new.finalised_at = "draft", new.revision + 1, None
            new.review = new.review.model_copy(update={"status": "none", "approved_sha256": "", "approved_at": None})
            new.updated_at = utc_now()
            version = cur.version + 1
            self._write_current(conn, new, version)
            conn.execute(insert(events).values(_event_row(
                new, version, actor, "reopen", path="revision", old=new.revision - 1, new=new.revision,
                note=reason.strip())))
        return Stored(new, version, cur.archived, new.updated_at)

    # --- the four-eyes review (issue 13) ---

    def submit(self, id: str, base_version: int, actor: Actor) -> Stored:
        """The officer sends the assessment for review; it joins the reviewers' queue."""
        p = who(actor)

        def change(a: Assessment) -> tuple[str, str | None]:
            self._allow(access.may_edit(p, a) and not a.training, "only the assessment's own officer submits it")
            if a.review.status == "submitted":
                raise StoreError("the assessment is already waiting for review")
            if a.review.status == "approved":
                raise StoreError("the assessment is approved as it is: there is nothing new to review")
            a.review = a.review.model_copy(update={"status": "submitted", "submitted_by": _actor(p),
                                                   "submitted_at": utc_now()})
            return "submit", None
        return self._review_step(id, base_version, change, actor)

    def comment(self, id: str, base_version: int, actor: Actor, screen: str, text: str) -> Stored:
        """A reviewer's comment on one screen (``screen`` empty: on the whole assessment)."""
        p = who(actor)
        text = (text or "").strip()
        if not text:
            raise StoreError("write the comment first")

        def change(a: Assessment) -> tuple[str, str | None]:
            self._allow(access.may_review(p, a), _review_refusal(p, a))
            a.review = a.review.model_copy(update={"comments": [
                *a.review.comments, ReviewComment(screen=screen, text=text, by=_actor(p), at=utc_now())]})
            return "comment", f"{screen}: {text}" if screen else text
        return self._review_step(id, base_version, change, actor)

    def return_for_changes(self, id: str, base_version: int, actor: Actor, text: str = "") -> Stored:
        """The reviewer sends it back to the officer, with a comment."""
        p = who(actor)

        def change(a: Assessment) -> tuple[str, str | None]:
            self._allow(access.may_review(p, a), _review_refusal(p, a))
            if a.review.status not in ("submitted", "approved", "voided"):
                raise StoreError("only an assessment submitted for review can be returned")
            comments = a.review.comments + ([ReviewComment(text=text.strip(), by=_actor(p), at=utc_now())]
                                            if (text or "").strip() else [])
            a.review = a.review.model_copy(update={"status": "returned", "comments": comments,
                                                   "approved_sha256": "", "approved_at": None})
            return "return", (text or "").strip() or None
        return self._review_step(id, base_version, change, actor)

    def approve(self, id: str, base_version: int, actor: Actor) -> Stored:
        """The reviewer approves the content as it is now: its SHA-256 is stored, and any later change of the
        content voids the approval."""
        p = who(actor)

        def change(a: Assessment) -> tuple[str, str | None]:
            self._allow(access.may_review(p, a), _review_refusal(p, a))
            if a.review.status not in ("submitted", "voided"):
                raise StoreError("only an assessment submitted for review can be approved")
            digest = content_sha256(a)
            a.review = a.review.model_copy(update={"status": "approved", "reviewer": _actor(p),
                                                   "reviewer_id": p.subject, "approved_at": utc_now(),
                                                   "approved_sha256": digest})
            return "approve", f"SHA-256 {digest}"
        return self._review_step(id, base_version, change, actor)

    def _review_step(self, id: str, base_version: int, change: Any, actor: Actor) -> Stored:
        with self._tx(write=True) as conn:
            cur = self._writable(conn, id, base_version)
            new = cur.assessment.model_copy(deep=True)
            old_status = new.review.status
            action, note = change(new)
            new.updated_at = utc_now()
            version = cur.version + 1
            self._write_current(conn, new, version)
            conn.execute(insert(events).values(_event_row(new, version, actor, action, path="review.status",
                                                          old=old_status, new=new.review.status, note=note)))
        return Stored(new, version, False, new.updated_at)

    def archive(self, id: str, actor: Actor) -> Stored:
        self._allow(access.may_archive(who(actor)), "archiving needs the administrator role")
        return self._set_archived(id, actor, True)

    def restore(self, id: str, actor: Actor) -> Stored:
        self._allow(access.may_archive(who(actor)), "restoring needs the administrator role")
        return self._set_archived(id, actor, False)

    def duplicate(self, id: str, actor: Actor) -> Stored:
        """A new draft (new id, revision 1) with the same content, the duplicating officer's, not reviewed; the
        reference gets " (copy)"."""
        p = who(actor)
        src = self.get(id, as_=p).assessment
        self._allow(p.has("officer") or (src.training and p.has("trainer")), "duplicating needs the officer role")
        new = src.model_copy(deep=True)
        new.id, new.status, new.revision, new.finalised_at = new_id(), "draft", 1, None
        new.officer_id, new.identities_verified = p.subject, p.verified
        new.review = type(new.review)()
        new.created_at = new.updated_at = utc_now()
        new.case.reference = new.case.reference[:2000 - 7] + " (copy)"
        with self._tx(write=True) as conn:
            self._insert(conn, new, actor, "duplicate", f"duplicated from {id}")
        return Stored(new, 1, False, new.updated_at)

    # --- import and export ---

    def export_json(self, id: str) -> str:
        return to_json(self.get(id).assessment)

    def import_assessment(self, a: Assessment, actor: Actor, guidance: Guidance, *, as_new: bool = False,
                          source: str | None = None) -> Stored:
        """Store an assessment read from elsewhere (``wizard.service.import_file`` reads and checks files).

        A final assessment is imported final, with its revision, only if it has the time it was finalised
        and the finalise checks against ``guidance`` find nothing blocking; otherwise it is refused
        (``ImportRefused``) and nothing is stored. An id that exists is never overwritten: import it
        ``as_new`` for a copy with a fresh id. ``source`` (e.g. the file name) is recorded in the log.
        """
        self._allow(who(actor).has("officer"), "importing needs the officer role")
        a = a.model_copy(deep=True)
        if a.training and a.status == "final":
            raise ImportRefused(f"{TRAINING_NEVER_FINAL}; nothing was imported")
        if a.status == "final":
            if a.finalised_at is None:
                raise ImportRefused("finalised_at: a final assessment must say when it was finalised; "
                                    "nothing was imported")
            blockers = blocking_findings(guidance, a)
            if blockers:
                raise ImportRefused(f"the assessment is final, but finalising it would be refused: "
                                    f"{_findings_text(blockers)}; nothing was imported")
        elif a.finalised_at is not None:
            raise ImportRefused("finalised_at: a draft has not been finalised; nothing was imported")
        origin = f"imported from {source}" if source else "imported"
        if as_new:
            origin += f" id {a.id}"
            a.id, a.revision = new_id(), 1
            a.created_at = a.updated_at = utc_now()
        with self._tx(write=True) as conn:
            if conn.execute(select(A.id).where(A.id == a.id)).first():
                stored = self._load(conn, a.id).assessment
                same = "identical to" if not diff(stored, a) else "different from"
                raise ImportRefused(
                    f"an assessment with id {a.id} already exists (reference {stored.case.reference!r}), "
                    f"{same} the one imported; nothing was imported or overwritten. "
                    "To keep both, import it as a new copy (command line: --as-new).")
            self._insert(conn, a, actor, "import", origin)
        return Stored(a, 1, False, a.updated_at)

    # --- roles granted in the app (issue 13) ---

    def role_grants(self) -> list[RoleGrant]:
        with self._tx() as conn:
            rows = conn.execute(select(role_assignments).order_by(role_assignments.c.role,
                                                                  role_assignments.c.member)).all()
        return [RoleGrant(r.member, r.role, r.added_by, r.added_at) for r in rows]

    def role_log(self) -> list[RoleEvent]:
        """Every grant and revocation, newest first."""
        with self._tx() as conn:
            rows = conn.execute(select(role_events).order_by(role_events.c.id.desc())).all()
        return [RoleEvent(r.at, r.actor, r.action, r.member, r.role) for r in rows]

    def grant_role(self, member: str, role: str, actor: Actor) -> None:
        """An administrator gives ``member`` (an e-mail address or "group:<name>") a role; logged."""
        member = _member(member)
        self._allow(access.may_manage_roles(who(actor)), "managing roles needs the administrator role")
        if role not in access.ROLES:
            raise StoreError(f"unknown role {role!r}; the roles are {', '.join(access.ROLES)}")
        with self._tx(write=True) as conn:
            exists = conn.execute(select(role_assignments.c.role).where(
                role_assignments.c.member == member, role_assignments.c.role == role)).first()
            if exists:
                return
            now = utc_now()
            conn.execute(insert(role_assignments).values(member=member, role=role, added_by=_actor(actor),
                                                         added_at=now))
            conn.execute(insert(role_events).values(at=now, actor=_actor(actor), action="grant", member=member,
                                                    role=role))

    def revoke_role(self, member: str, role: str, actor: Actor) -> None:
        member = _member(member)
        p = who(actor)
        self._allow(access.may_manage_roles(p), "managing roles needs the administrator role")
        with self._tx(write=True) as conn:
            gone = conn.execute(role_assignments.delete().where(
                role_assignments.c.member == member, role_assignments.c.role == role)).rowcount
            if gone:
                conn.execute(insert(role_events).values(at=utc_now(), actor=_actor(actor), action="revoke",
                                                        member=member, role=role))

    # --- training sessions (issue 12) ---

    def create_training_session(self, scenario: str, language: str, title: str, trainer: Actor) -> TrainingSession:
        """A new session on ``scenario``, with a short code trainees type to join (letters and digits that
        cannot be mistaken for each other)."""
        self._allow(access.may_run_training(who(trainer)), "running a training session needs the trainer role")
        title, trainer = (title or "").strip()[:LIST_TEXT_MAX], _actor(trainer)
        if not scenario:
            raise StoreError("choose the scenario of the session")
        for _ in range(20):
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            with self._tx(write=True) as conn:
                if conn.execute(select(training_sessions.c.code).where(training_sessions.c.code == code)).first():
                    continue
                session = TrainingSession(code, scenario, language, title or scenario, trainer, utc_now())
                conn.execute(insert(training_sessions).values(
                    code=code, scenario=scenario, language=language, title=session.title, trainer=trainer,
                    created_at=session.created_at))
                return session
        raise StoreError("no free session code was found; try again")

    def training_session(self, code: str) -> TrainingSession:
        wanted = normalise_code(code)
        with self._tx() as conn:
            row = conn.execute(select(training_sessions).where(training_sessions.c.code == wanted)).one_or_none()
        if row is None:
            raise NotFound(f"no training session with code {code.strip()!r}")
        return TrainingSession(row.code, row.scenario, row.language, row.title, row.trainer, row.created_at)

    def training_sessions(self) -> list[TrainingSession]:
        with self._tx() as conn:
            rows = conn.execute(select(training_sessions).order_by(training_sessions.c.created_at.desc())).all()
        return [TrainingSession(r.code, r.scenario, r.language, r.title, r.trainer, r.created_at) for r in rows]

    def attempts(self, code: str, as_: Actor | None = None) -> list[Stored]:
        """The training assessments started in a session, oldest first (archived ones too: the trainer counts
        what was done); with ``as_``, only for a trainer."""
        if as_ is not None:
            self._allow(access.may_run_training(who(as_)), "a session's attempts are for its trainers")
        q = (select(A.version, A.archived, A.updated_at, documents.c.body)
             .join(documents, documents.c.assessment_id == A.id)
             .where(A.training_session == normalise_code(code), A.training.is_(True)).order_by(A.created_at))
        with self._tx() as conn:
            rows = conn.execute(q).all()
        return [Stored(Assessment.model_validate_json(r.body), r.version, r.archived, r.updated_at) for r in rows]

    # --- reviewers' comments on the guidance ---
    # Kept apart from the assessments: ``guidance_comments`` (one row per comment, its current status) and
    # ``guidance_comment_events``, the append-only log of each comment and status change (revision 0004: the
    # database refuses to delete a comment, to change anything of it but its status, and to change that other
    # than as the newest log entry says).

    def add_comment(self, item: str, text: str, author: str, guidance_version: str, language: str,
                    item_text: str = "") -> GuidanceComment:
        """A new open comment on the guidance item at address ``item``; logged as "add"."""
        text, author, item = (text or "").strip(), (author or "").strip(), (item or "").strip()
        if not text:
            raise StoreError("an empty comment is not saved: write the comment first")
        if len(text) > COMMENT_MAX:
            raise StoreError(f"a comment may have at most {COMMENT_MAX:,} characters; this one has {len(text):,}")
        if not author:
            raise StoreError("a comment needs its reviewer's name")
        if not COMMENT_ITEM.fullmatch(item):
            raise StoreError(f"{item[:80]!r} is not the address of a guidance item")
        at = utc_now()
        row = dict(item=item, guidance_version=guidance_version[:200], language=language[:8], author=_actor(author),
                   created_at=at, text=text, item_text=item_text or "", status="open")
        with self._tx(write=True) as conn:
            id = conn.execute(insert(guidance_comments).values(row).returning(guidance_comments.c.id)).scalar_one()
            conn.execute(insert(guidance_comment_events).values(
                comment_id=id, at=at, actor=row["author"], action="add", new_status="open"))
            return _comment(conn.execute(select(guidance_comments).where(guidance_comments.c.id == id)).one())

    def list_comments(self, item: str | None = None, status: str | None = None) -> list[GuidanceComment]:
        """Comments, oldest first; only those on ``item`` and with ``status`` when given."""
        if status is not None and status not in COMMENT_STATUSES:
            raise StoreError(f"unknown comment status {status!r}; use one of {', '.join(COMMENT_STATUSES)}")
        q = select(guidance_comments).order_by(guidance_comments.c.id)
        if item is not None:
            q = q.where(guidance_comments.c.item == item)
        if status is not None:
            q = q.where(guidance_comments.c.status == status)
        with self._tx() as conn:
            return [_comment(r) for r in conn.execute(q)]

    def set_comment_status(self, id: int, status: str, actor: str, note: str | None = None) -> GuidanceComment:
        """Accept, decline or reopen comment ``id``: logged first, then the comment's status follows the log."""
        if status not in COMMENT_STATUSES:
            raise StoreError(f"unknown comment status {status!r}; use one of {', '.join(COMMENT_STATUSES)}")
        actor, note = (actor or "").strip(), (note or "").strip() or None
        if not actor:
            raise StoreError("a decision on a comment needs the reviewer's name")
        with self._tx(write=True) as conn:
            c = guidance_comments.c
            row = conn.execute(select(guidance_comments).where(c.id == id).with_for_update()).one_or_none()
            if row is None:
                raise NotFound(f"no guidance comment with id {id!r}")
            if row.status == status:
                raise StoreError(f"comment {id} is already {status}")
            at = utc_now()
            conn.execute(insert(guidance_comment_events).values(
                comment_id=id, at=at, actor=_actor(actor), action="status", old_status=row.status,
                new_status=status, note=note))
            conn.execute(update(guidance_comments).where(c.id == id).values(
                status=status, status_by=_actor(actor), status_at=at, resolution_note=note))
            return _comment(conn.execute(select(guidance_comments).where(c.id == id)).one())

    def comment_history(self, id: int) -> list[CommentEvent]:
        """The log of comment ``id``, oldest first: its adding, then each status change."""
        e = guidance_comment_events.c
        with self._tx() as conn:
            rows = conn.execute(select(guidance_comment_events).where(e.comment_id == id).order_by(e.id)).all()
        if not rows:
            raise NotFound(f"no guidance comment with id {id!r}")
        return [CommentEvent(r.comment_id, r.at, r.actor, r.action, r.old_status, r.new_status, r.note)
                for r in rows]

    # --- internals ---

    def _require(self, conn: Connection, id: str) -> None:
        if conn.execute(select(A.id).where(A.id == id)).first() is None:
            raise NotFound(f"no assessment with id {id!r}")

    def _writable(self, conn: Connection, id: str, base_version: int) -> Stored:
        cur = self._load(conn, id, lock=True)
        if cur.assessment.status == "final":
            raise Locked(f"assessment {id!r} (revision {cur.assessment.revision}) is final and cannot be "
                         "changed; reopen it to make a new revision")
        if cur.archived:
            raise Archived(f"assessment {id!r} is archived; restore it before changing it")
        if base_version != cur.version:
            log = [_event(r) for r in conn.execute(
                select(events).where(events.c.assessment_id == id, events.c.version > base_version)
                .order_by(events.c.id))]
            edits = (FieldChange(e.path, e.old, e.new, e.actor, e.at) for e in log if e.action == "edit")
            changes = squash(edits)
            raise Conflict(cur, changes, log, base_version)
        return cur

    def _insert(self, conn: Connection, a: Assessment, actor: str, action: str, note: str | None) -> None:
        conn.execute(insert(assessments).values(id=a.id, version=1, archived=False, created_at=a.created_at,
                                                updated_at=a.updated_at, **_columns(a)))
        conn.execute(insert(documents).values(assessment_id=a.id, body=to_json(a, indent=None)))
        conn.execute(insert(events).values(_event_row(a, 1, actor, action, note=note)))
        if a.status == "final":
            self._snapshot(conn, a, actor)

    def _write_current(self, conn: Connection, a: Assessment, version: int, *, body: str | None = None,
                       base_version: int | None = None, columns: dict[str, Any] | None = None) -> bool:
        """Write the row and the document; with ``base_version``, only if the row is still at that version
        (False if not, and nothing written). ``columns``: the list columns to set (default: all of them)."""
        # The database refuses to change the document of a final row (migration 0003), so the document is
        # written while the row is a draft: before the row when finalising, after it when reopening.
        columns = _columns(a) if columns is None else columns
        if base_version is not None and not columns:  # the usual autosave: a statement built once
            row, row_values = TOUCH_ROW, dict(b_id=a.id, b_base=base_version, b_version=version, b_at=a.updated_at)
        else:
            row = (update(assessments).where(A.id == a.id)
                   .values(version=version, updated_at=a.updated_at, **columns))
            if base_version is not None:
                row = row.where(A.version == base_version)
            row_values = {}
        document = (WRITE_DOCUMENT, dict(b_id=a.id, b_body=body or to_json(a, indent=None)))
        for statement, values in (document, (row, row_values)) if a.status == "final" else ((row, row_values),
                                                                                          document):
            written = conn.execute(statement, values).rowcount
            if statement is row and base_version is not None and not written:
                return False
        return True

    def _remember(self, id: str, version: int, archived: bool, body: str) -> None:
        """The stored document of ``id`` at ``version``, for the next save's check (see save)."""
        with self._kept:
            _keep(self._known, id, (version, archived, body), DOCUMENTS_KEPT)

    def _snapshot(self, conn: Connection, a: Assessment, actor: str) -> None:
        conn.execute(insert(revisions).values(assessment_id=a.id, revision=a.revision, status=a.status,
                                              finalised_at=a.finalised_at, actor=_actor(actor),
                                              body=to_json(a, indent=None)))

    def _set_archived(self, id: str, actor: str, archived: bool) -> Stored:
        with self._tx(write=True) as conn:
            cur = self._load(conn, id, lock=True)
            if cur.archived == archived:
                return cur
            version = cur.version + 1
            at = utc_now()
            conn.execute(update(assessments).where(A.id == id).values(archived=archived, version=version))
            conn.execute(insert(events).values(_event_row(
                cur.assessment, version, actor, "archive" if archived else "restore",
                path="archived", old=not archived, new=archived, at=at)))
        return Stored(cur.assessment, version, archived, cur.saved_at)


def _review_refusal(p: Principal, a: Assessment) -> str:
    if access.owns(p, a):
        return "an officer never reviews or approves their own assessment"
    if a.training:
        return "training assessments are not reviewed"
    return "reviewing needs the reviewer role"


def _columns(a: Assessment) -> dict[str, Any]:
    c, cut = a.case, LIST_TEXT_MAX
    return dict(revision=a.revision, status=a.status, training=a.training, training_session=a.training_session,
                reference=c.reference[:cut],
                importing_state=c.importing_state[:cut], end_user=c.end_user[:cut], officer=a.officer[:cut],
                outcome=a.determination.outcome, search=search_key(c.reference, c.end_user),
                guidance_version=a.guidance_version[:cut], review_status=a.review.status,
                officer_id=(a.officer_id or f"name:{a.officer}")[:2000])


def _event_row(a: Assessment, version: int, actor: str, action: str, *, path: str | None = None,
               old: Any = None, new: Any = None, note: str | None = None, at: datetime | None = None) -> dict:
    with_values = path is not None
    return dict(assessment_id=a.id, revision=a.revision, version=version, at=at or utc_now(),
                actor=_actor(actor), action=action, path=path,
                old=json.dumps(old, ensure_ascii=False) if with_values else None,
                new=json.dumps(new, ensure_ascii=False) if with_values else None, note=note)


def _keep(kept: dict, key: Any, value: Any, most: int) -> None:
    """Keep ``value`` under ``key``, dropping the oldest entry when ``most`` are kept."""
    kept.pop(key, None)
    if len(kept) >= most:
        kept.pop(next(iter(kept)))
    kept[key] = value


def _json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _event(r) -> Event:
    return Event(r.revision, r.version, r.at, r.actor, r.action, r.path,
                 None if r.old is None else json.loads(r.old), None if r.new is None else json.loads(r.new),
                 r.note)


# --- reviewers' comments on the guidance ----------------------------------------------------------------------

COMMENT_STATUSES = ("open", "accepted", "declined")
COMMENT_MAX = 20_000
COMMENT_ITEM = re.compile(r"[a-z]+:[a-z0-9_]+(?:[.:][a-z0-9_]+)*")  # e.g. screen:mitigation.indicators.2


@dataclass(frozen=True)
class GuidanceComment:
    id: int
    item: str
    guidance_version: str
    language: str
    author: str
    created_at: datetime
    text: str
    item_text: str
    status: str
    status_by: str | None
    status_at: datetime | None
    resolution_note: str | None


@dataclass(frozen=True)
class CommentEvent:
    comment_id: int
    at: datetime
    actor: str
    action: str  # add, status
    old_status: str | None
    new_status: str
    note: str | None


def _comment(r) -> GuidanceComment:
    return GuidanceComment(r.id, r.item, r.guidance_version, r.language, r.author, r.created_at, r.text, r.item_text,
                           r.status, r.status_by, r.status_at, r.resolution_note)
