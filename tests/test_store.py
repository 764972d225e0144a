"""The store's behaviour, run against SQLite and (when WIZARD_TEST_POSTGRES_URL is set) PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from wizard.formats import read_document
from wizard.history import FieldChange, diff, diff_data, squash
from wizard.model import Assessment, CaseDetails, Determination, Item, canonical_json
from wizard.store import (
    AlreadyExists,
    Archived,
    Conflict,
    ListFilter,
    Locked,
    NotFound,
    Store,
    StoreError,
)
from wizard.store_schema import metadata


def make(reference="REF-1", state="Atlantis", end_user="Ministry of Defence", officer="A. Officer",
         outcome="suspend", training=False, **kw) -> Assessment:
    """A small assessment whose determination has what its outcome requires, so that it can be finalised."""
    determination = Determination(
        outcome=outcome, overriding_risk="yes" if outcome == "refuse" else "no", gbv_ground=False,
        reasons="Reasons as recorded.", conditions="Conditions as recorded.", reassessment_triggers="New reports.",
    ) if outcome else Determination()
    return Assessment(case=CaseDetails(reference=reference, importing_state=state, end_user=end_user),
                      officer=officer, determination=determination, training=training, **kw)


def dump(db_store: Store) -> dict[str, list[tuple]]:
    with db_store.engine.connect() as conn:
        return {t.name: sorted(map(tuple, conn.execute(select(t))), key=repr) for t in metadata.sorted_tables}


# --- create, get, save ---

def test_create_and_get_round_trip(db_store):
    a = make()
    a.case.items = [Item(description="rifles", category="2(1)(h)", quantity=10, value=1.5, currency="EUR")]
    stored = db_store.create(a, "alice")
    assert stored.version == 1 and not stored.archived
    got = db_store.get(a.id)
    assert canonical_json(got.assessment) == canonical_json(stored.assessment)
    assert got.version == 1 and got.saved_at == stored.saved_at
    assert [e.action for e in db_store.events(a.id)] == ["create"]
    with pytest.raises(AlreadyExists):
        db_store.create(a, "alice")
    with pytest.raises(NotFound):
        db_store.get("nope")


def test_save_records_one_event_per_changed_field(db_store):
    a = make()
    v1 = db_store.create(a, "alice")
    edited = v1.assessment.model_copy(deep=True)
    edited.case.end_user = "Police"
    edited.case.items = [Item(quantity=3)]
    v2 = db_store.save(edited, v1.version, "bob")
    assert v2.version == 2
    assert edited.updated_at == v2.assessment.updated_at  # the caller's object learns the save time
    assert db_store.get(a.id).assessment.case.end_user == "Police"
    edits = [e for e in db_store.events(a.id) if e.action == "edit"]
    assert sorted(((e.path, e.old, e.new, e.actor, e.version) for e in edits), key=lambda t: t[0]) == [
        ("case.end_user", "Ministry of Defence", "Police", "bob", 2),
        ("case.items.0", None, Item(quantity=3).model_dump(mode="json"), "bob", 2),
    ]


def test_noop_save_keeps_version_and_log(db_store):
    v1 = db_store.create(make(), "alice")
    again = db_store.save(v1.assessment.model_copy(deep=True), v1.version, "alice")
    assert again.version == 1
    assert len(db_store.events(v1.assessment.id)) == 1


def test_save_cannot_change_store_owned_fields(db_store):
    v1 = db_store.create(make(), "alice")
    sneaky = v1.assessment.model_copy(deep=True)
    sneaky.status = "final"
    with pytest.raises(StoreError, match="status"):
        db_store.save(sneaky, v1.version, "alice")
    assert db_store.get(v1.assessment.id).assessment.status == "draft"


# --- conflicts ---

def test_stale_save_is_refused_and_says_what_changed(db_store):
    v1 = db_store.create(make(), "alice")
    tab_a = v1.assessment.model_copy(deep=True)
    tab_b = v1.assessment.model_copy(deep=True)
    tab_a.case.end_user = "Navy"
    db_store.save(tab_a, 1, "alice")
    tab_a.case.end_user = "Army"
    db_store.save(tab_a, 2, "alice")
    tab_b.officer = "B. Officer"
    with pytest.raises(Conflict) as info:
        db_store.save(tab_b, 1, "bob")
    err = info.value
    assert err.current.version == 3
    assert err.changes == [FieldChange("case.end_user", "Ministry of Defence", "Army", "alice",
                                       err.changes[0].at)]
    assert "alice" in str(err) and "case.end_user" in str(err)
    stored = db_store.get(v1.assessment.id)
    assert stored.assessment.case.end_user == "Army" and stored.assessment.officer == "A. Officer"
    # choosing knowingly: re-based on the current version, the save goes through
    rebased = err.current.assessment.model_copy(deep=True)
    rebased.officer = "B. Officer"
    assert db_store.save(rebased, err.current.version, "bob").version == 4


@pytest.mark.parametrize("read_first", [False, True], ids=["unread", "read first"])
def test_concurrent_saves_on_one_version_exactly_one_wins(store_url, read_first):
    """Four app servers save on one version at once: one wins. Having read the assessment first, each server
    saves without reading it again (its row's UPDATE checks the version), and still only one wins."""
    setup = Store(store_url)
    v1 = setup.create(make(), "alice")
    results: list[str] = []
    barrier = threading.Barrier(4)

    def writer(n: int) -> None:
        s = Store(store_url)
        if read_first:
            s.get(v1.assessment.id)
        a = v1.assessment.model_copy(deep=True)
        a.case.end_user = f"writer {n}"
        barrier.wait()
        try:
            s.save(a, 1, f"w{n}")
            results.append("saved")
        except Conflict:
            results.append("conflict")
        finally:
            s.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict"] * 3 + ["saved"]
    assert setup.get(v1.assessment.id).version == 2
    setup.close()


def test_a_save_on_what_another_server_changed_is_refused_though_this_one_knew_the_document(store_url):
    here, there = Store(store_url), Store(store_url)
    v1 = here.create(make(), "alice")
    mine = here.get(v1.assessment.id).assessment  # this server holds version 1's document
    theirs = there.get(v1.assessment.id).assessment
    theirs.case.end_user = "Navy"
    there.save(theirs, 1, "bob")
    mine.case.importing_state = "Borduria"
    with pytest.raises(Conflict) as info:
        here.save(mine, 1, "alice")
    assert info.value.current.version == 2
    assert [c.path for c in info.value.changes] == ["case.end_user"]
    stored = here.get(v1.assessment.id)
    assert (stored.assessment.case.end_user, stored.assessment.case.importing_state) == ("Navy", "Atlantis")
    assert [e.action for e in here.events(v1.assessment.id)] == ["edit", "create"]
    # Unchanged but stale: refused too, as before
    with pytest.raises(Conflict):
        here.save(v1.assessment, 1, "alice")
    here.close(), there.close()


def test_an_autosave_does_not_read_back_what_the_store_wrote(db_store):
    from tests.conftest import statements_sent

    a = db_store.create(make(), "alice").assessment
    a.case.end_use = "first"
    saved = db_store.save(a, 1, "alice")
    with statements_sent(db_store.engine) as statements:
        again = saved.assessment.model_copy(deep=True)
        again.case.end_use = "second"
        saved = db_store.save(again, saved.version, "alice")
    sent = [statement.split(None, 1)[0].upper() for statement, _ in statements]
    # PostgreSQL: row, document and log entry in one statement; SQLite: three (no round trips to save there)
    expected = ["WITH"] if db_store.engine.dialect.name == "postgresql" else ["UPDATE", "UPDATE", "INSERT"]
    assert sent == expected, sent
    assert db_store.get(a.id).assessment.case.end_use == "second" and saved.version == 3
    saved.assessment.case.end_use = "changed by the caller, not saved"  # the store keeps its own copy
    later = db_store.get(a.id).assessment
    later.case.end_use = "third"
    assert db_store.save(later, 3, "alice").assessment.case.end_use == "third"
    assert [(e.old, e.new) for e in db_store.events(a.id, limit=1)] == [("second", "third")]


# --- finalise, lock, reopen, revisions ---

def test_final_is_locked_at_store_level(db_store, guidance):
    v1 = db_store.create(make(), "alice")
    final = db_store.finalise(v1.assessment.id, v1.version, "alice", guidance)
    assert final.assessment.status == "final" and final.assessment.finalised_at is not None
    attempt = final.assessment.model_copy(deep=True)
    attempt.case.end_user = "changed"
    with pytest.raises(Locked):
        db_store.save(attempt, final.version, "alice")
    attempt.status = "draft"  # pretending it is a draft does not help
    with pytest.raises(Locked):
        db_store.save(attempt, final.version, "alice")
    with pytest.raises(Locked):
        db_store.finalise(v1.assessment.id, final.version, "alice", guidance)
    assert db_store.get(v1.assessment.id).assessment.case.end_user == "Ministry of Defence"


def test_finalise_needs_current_version(db_store, guidance):
    v1 = db_store.create(make(), "alice")
    edited = v1.assessment.model_copy(deep=True)
    edited.officer = "X"
    db_store.save(edited, 1, "bob")
    with pytest.raises(Conflict):
        db_store.finalise(v1.assessment.id, 1, "alice", guidance)
    assert db_store.get(v1.assessment.id).assessment.status == "draft"


def test_reopen_makes_new_revision_and_keeps_the_old_one(db_store, guidance):
    v1 = db_store.create(make(outcome="suspend"), "alice")
    aid = v1.assessment.id
    final1 = db_store.finalise(aid, 1, "alice", guidance)
    with pytest.raises(StoreError, match="reason"):
        db_store.reopen(aid, "bob", "  ")
    reopened = db_store.reopen(aid, "bob", "new information, Art. 7(7)")
    assert reopened.assessment.revision == 2 and reopened.assessment.status == "draft"
    assert reopened.assessment.finalised_at is None
    with pytest.raises(StoreError, match="draft"):
        db_store.reopen(aid, "bob", "again")
    edited = reopened.assessment.model_copy(deep=True)
    edited.determination.outcome = "refuse"
    edited.determination.overriding_risk = "yes"  # an Art. 7(3) refusal rests on an overriding risk
    saved = db_store.save(edited, reopened.version, "bob")
    db_store.finalise(aid, saved.version, "carol", guidance)

    assert canonical_json(db_store.load_revision(aid, 1)) == canonical_json(final1.assessment)
    rev2 = db_store.load_revision(aid, 2)
    assert rev2.determination.outcome == "refuse" and rev2.revision == 2 and rev2.status == "final"
    infos = db_store.revisions(aid)
    assert [(r.revision, r.status, r.actor) for r in infos] == [(1, "final", "alice"), (2, "final", "carol")]
    with pytest.raises(NotFound):
        db_store.load_revision(aid, 3)
    reopen_event = next(e for e in db_store.events(aid) if e.action == "reopen")
    assert reopen_event.note == "new information, Art. 7(7)"
    assert (reopen_event.old, reopen_event.new) == (1, 2)


def test_revisions_lists_the_current_draft(db_store):
    v1 = db_store.create(make(), "alice")
    infos = db_store.revisions(v1.assessment.id)
    assert [(r.revision, r.status, r.actor) for r in infos] == [(1, "draft", "alice")]
    assert db_store.load_revision(v1.assessment.id, 1).id == v1.assessment.id


# --- the event log is append-only ---

@pytest.mark.parametrize("sql", ["UPDATE events SET actor = 'mallory'", "DELETE FROM events",
                                 "UPDATE revisions SET body = '{}'", "DELETE FROM revisions"])
def test_log_and_snapshots_refuse_rewrites(db_store, guidance, sql):
    v1 = db_store.create(make(), "alice")
    db_store.finalise(v1.assessment.id, 1, "alice", guidance)
    before = dump(db_store)
    with pytest.raises(DBAPIError, match="append-only"), db_store.engine.begin() as conn:
        conn.execute(text(sql))
    assert dump(db_store) == before


# --- archive, restore, duplicate ---

def test_archive_hides_and_restore_brings_back(db_store):
    keep = db_store.create(make(reference="KEEP"), "alice")
    gone = db_store.create(make(reference="GONE"), "alice")
    archived = db_store.archive(gone.assessment.id, "alice")
    assert archived.archived and archived.version == 2
    assert [r.reference for r in db_store.list().rows] == ["KEEP"]
    assert {r.reference for r in db_store.list(ListFilter(include_archived=True)).rows} == {"KEEP", "GONE"}
    assert [r.reference for r in db_store.list(ListFilter(only_archived=True)).rows] == ["GONE"]
    with pytest.raises(Archived):
        db_store.save(archived.assessment, archived.version, "alice")
    restored = db_store.restore(gone.assessment.id, "bob")
    assert not restored.archived
    assert {r.reference for r in db_store.list().rows} == {"KEEP", "GONE"}
    assert [e.action for e in db_store.events(gone.assessment.id)] == ["restore", "archive", "create"]
    assert db_store.get(keep.assessment.id).version == 1


def test_duplicate_is_a_new_draft(db_store, guidance):
    v1 = db_store.create(make(reference="R-9", outcome="refuse"), "alice")
    db_store.finalise(v1.assessment.id, 1, "alice", guidance)
    db_store.reopen(v1.assessment.id, "alice", "new facts")
    copy = db_store.duplicate(v1.assessment.id, "bob")
    c = copy.assessment
    assert c.id != v1.assessment.id
    assert (c.status, c.revision, c.finalised_at, c.case.reference) == ("draft", 1, None, "R-9 (copy)")
    assert c.determination.outcome == "refuse"
    assert db_store.get(c.id).assessment.case.reference == "R-9 (copy)"
    assert db_store.events(c.id)[0].note == f"duplicated from {v1.assessment.id}"
    assert db_store.revisions(c.id)[0].revision == 1


# --- the list page ---

@pytest.fixture
def populated(db_store, guidance):
    rows = [
        ("A-001", "Atlantis", "Ministry of Defence", "ann", "authorise", False, "2024-01-10"),
        ("A-002", "Atlantis", "National Police", "ann", "refuse", False, "2024-02-10"),
        ("B-100", "Borduria", "Border Guard 100%", "bob", None, False, "2024-03-10"),
        ("B-101", "Borduria", "Ministère de l'Intérieur", "bob", "refuse", True, "2024-04-10"),
        ("C_7", "Carpania", "Navy", "cat", "suspend", False, "2024-05-10"),
    ]
    ids = {}
    for ref, state, eu, officer, outcome, training, day in rows:
        when = datetime.fromisoformat(day + "T12:00:00+00:00")
        a = make(reference=ref, state=state, end_user=eu, officer=officer, outcome=outcome, training=training,
                 created_at=when, updated_at=when)
        ids[ref] = db_store.import_assessment(a, "loader", guidance).assessment.id
    db_store.finalise(ids["A-002"], 1, "ann", guidance)
    db_store.archive(ids["C_7"], "cat")
    return db_store, ids


def refs(page):
    return [r.reference for r in page.rows]


def test_list_filters(populated):
    db_store, _ = populated
    L = db_store.list
    assert L().total == 4
    assert refs(L(ListFilter(status="final"))) == ["A-002"]
    assert sorted(refs(L(ListFilter(importing_state="Borduria")))) == ["B-100", "B-101"]
    assert sorted(refs(L(ListFilter(officer="ann")))) == ["A-001", "A-002"]
    assert sorted(refs(L(ListFilter(outcome="refuse")))) == ["A-002", "B-101"]
    assert sorted(refs(L(ListFilter(outcome=["refuse", "authorise"])))) == ["A-001", "A-002", "B-101"]
    assert refs(L(ListFilter(training=True))) == ["B-101"]
    assert refs(L(ListFilter(date_from=date(2024, 1, 10), date_to=date(2024, 3, 10)))) == ["B-100", "A-001"]
    assert refs(L(ListFilter(date_from=date(2024, 3, 11), date_to=date(2024, 4, 10)))) == ["B-101"]
    assert refs(L(ListFilter(text="b-10", outcome="refuse"))) == ["B-101"]
    assert refs(L(ListFilter(text="POLICE"))) == ["A-002"]  # end user, case-insensitive
    assert refs(L(ListFilter(text="intérieur"))) == ["B-101"]  # non-ASCII folds too
    assert refs(L(ListFilter(text="100%"))) == ["B-100"]  # a literal %, not a wildcard
    assert refs(L(ListFilter(text="c_7", include_archived=True))) == ["C_7"]  # a literal _
    assert refs(L(ListFilter(text="C-7", include_archived=True))) == []
    assert refs(L(ListFilter(only_archived=True))) == ["C_7"]
    row = L(ListFilter(status="final")).rows[0]
    summary = (row.officer, row.outcome, row.version, row.revision, row.archived)
    assert summary == ("ann", "refuse", 2, 1, False)


def test_list_sorts_and_pages(populated):
    db_store, _ = populated
    # finalising A-002 made it the most recently updated
    assert refs(db_store.list(sort="updated_asc")) == ["A-001", "B-100", "B-101", "A-002"]
    assert refs(db_store.list(sort="updated_desc"))[0] == "A-002"
    assert refs(db_store.list(sort="reference")) == ["A-001", "A-002", "B-100", "B-101"]
    assert [r.importing_state for r in db_store.list(sort="importing_state").rows] == [
        "Atlantis", "Atlantis", "Borduria", "Borduria"]
    assert refs(db_store.list(sort="status"))[-1] == "A-002"
    p2 = db_store.list(sort="reference", page=2, page_size=3)
    assert (refs(p2), p2.total, p2.page, p2.pages) == (["B-101"], 4, 2, 2)
    assert db_store.list(sort="reference", page=9, page_size=3).page == 2  # clamped to the last page
    with pytest.raises(StoreError, match="unknown sort"):
        db_store.list(sort="random")


# --- export / import through the store ---

def test_export_import_round_trip(db_store, guidance, tmp_path):
    a = make(outcome="refuse")
    a.case.items = [Item(description="radios", quantity=4)]
    v1 = db_store.create(a, "alice")
    db_store.finalise(a.id, v1.version, "alice", guidance)
    exported = db_store.export_json(a.id)
    other = Store(f"sqlite:///{tmp_path / 'other.sqlite'}")
    imported = other.import_assessment(read_document(exported), "bob", guidance, source="x.json")
    assert canonical_json(imported.assessment) == canonical_json(db_store.get(a.id).assessment)
    assert other.export_json(a.id) == exported
    assert imported.assessment.status == "final"
    with pytest.raises(Locked):  # a final import is final here too
        other.save(imported.assessment, imported.version, "bob")
    assert other.load_revision(a.id, 1).status == "final"
    other.close()


# --- history (pure functions) ---

def test_diff_paths():
    a, b = make(), make()
    b.id = a.id
    b.created_at = a.created_at
    b.updated_at = datetime(2030, 1, 1, tzinfo=UTC)  # store-managed: not a change
    assert diff(a, b) == []
    b.case.items = [Item(quantity=1), Item(quantity=2)]
    a.case.items = [Item(quantity=1)]
    b.answers = {"step1": {"q1": b.answer("step1", "q1")}}
    changes = {c.path: (c.old, c.new) for c in diff(a, b)}
    assert set(changes) == {"case.items.1", "answers.step1"}
    assert changes["case.items.1"][0] is None


def test_diff_data_type_change_and_removal():
    assert diff_data({"x": [1, 2]}, {"x": [1]}) == [FieldChange("x.1", 2, None)]
    assert diff_data({"x": 1}, {"x": 1.0}) == [FieldChange("x", 1, 1.0)]
    assert diff_data({"x": {"y": 1}}, {"x": None}) == [FieldChange("x", {"y": 1}, None)]


def test_squash_keeps_first_old_and_last_new_and_drops_round_trips():
    out = squash([FieldChange("a", 1, 2, "x"), FieldChange("b", 1, 2, "x"), FieldChange("a", 2, 3, "y"),
                  FieldChange("b", 2, 1, "x")])
    assert [(c.path, c.old, c.new, c.actor) for c in out] == [("a", 1, 3, "x, y")]
