"""Training assessments in the store (issue 12): sessions with short codes, attempts listed by session, and a
training assessment that can never be finalised, imported as final or turned into a real one, refused by the
store and, underneath it, by the database itself."""

from __future__ import annotations

import pytest
from sqlalchemy import text, update

from wizard.model import Assessment
from wizard.store import CODE_ALPHABET, DatabaseError, ImportRefused, NotFound, StoreError, normalise_code
from wizard.store_schema import assessments


def test_a_session_has_a_short_code_that_joins_it_however_it_is_typed(db_store):
    s = db_store.create_training_session("quessa_brigade", "en", "Tuesday group", "Trainer T.")
    assert len(s.code) == 6 and set(s.code) <= set(CODE_ALPHABET)
    typed = " ".join(s.code.lower()[i:i + 3] for i in (0, 3))  # "k7m 2qx", as read out
    assert db_store.training_session(typed) == s == db_store.training_sessions()[0]
    assert normalise_code(typed) == s.code
    with pytest.raises(NotFound):
        db_store.training_session("ZZZZZZ")
    with pytest.raises(StoreError):
        db_store.create_training_session("", "en", "", "T")


def test_attempts_are_listed_by_their_session(db_store, make_assessment):
    one = db_store.create_training_session("quessa_brigade", "en", "A", "T")
    other = db_store.create_training_session("quessa_brigade", "en", "B", "T")
    for n, code in enumerate([one.code, one.code, other.code]):
        a = make_assessment()
        a.id = f"attempt-{n}"
        a.training, a.scenario, a.training_session, a.officer = True, "quessa_brigade", code, f"Trainee {n}"
        db_store.create(a, a.officer)
    db_store.create(make_assessment(), "real officer")  # a real one is never an attempt
    assert [s.assessment.officer for s in db_store.attempts(one.code)] == ["Trainee 0", "Trainee 1"]
    assert [s.assessment.officer for s in db_store.attempts(other.code.lower())] == ["Trainee 2"]


def _training(make_assessment) -> Assessment:
    a = make_assessment()  # a complete assessment: finalising it would pass every check
    a.training, a.scenario = True, "quessa_brigade"
    return a


def test_a_training_assessment_is_never_finalised(db_store, make_assessment, guidance):
    stored = db_store.create(_training(make_assessment), "Trainee")
    with pytest.raises(StoreError, match="never be finalised"):
        db_store.finalise(stored.assessment.id, stored.version, "Trainee", guidance)
    assert db_store.get(stored.assessment.id).assessment.status == "draft"


def test_a_save_cannot_make_a_training_assessment_real(db_store, make_assessment):
    stored = db_store.create(_training(make_assessment), "Trainee")
    attempt = stored.assessment.model_copy(update={"training": False, "scenario": None}, deep=True)
    with pytest.raises(StoreError, match="scenario is changed by the store"):
        db_store.save(attempt, stored.version, "Trainee")
    stored = db_store.create(make_case_training(make_assessment), "Trainer")
    real = stored.assessment.model_copy(update={"training": False}, deep=True)
    with pytest.raises(StoreError, match="never be finalised or become a real one"):
        db_store.save(real, stored.version, "Trainer")
    assert db_store.get(stored.assessment.id).assessment.training
    # The other way is allowed: a trainer marks a case set up by hand as training (the case screen's box).
    real_one = make_assessment()
    real_one.id = "real-one"
    plain_stored = db_store.create(real_one, "Officer")
    marked = plain_stored.assessment.model_copy(update={"training": True}, deep=True)
    assert db_store.save(marked, plain_stored.version, "Officer").assessment.training


def make_case_training(make_assessment) -> Assessment:
    """A case a trainer set up by hand and marked training (no scenario)."""
    a = make_assessment()
    a.id, a.training = "hand-made", True
    return a


def test_an_attempt_marked_real_is_refused_whole_on_import():
    import json

    from wizard.model import AssessmentFormatError, from_dict, to_json

    edited = json.loads(to_json(Assessment(training=True, scenario="quessa_brigade")))
    edited["training"] = False
    with pytest.raises(AssessmentFormatError, match="training"):
        from_dict(edited)


def test_a_final_training_assessment_is_not_imported(db_store, make_assessment, guidance):
    a = _training(make_assessment)
    a.status, a.finalised_at = "final", a.updated_at
    with pytest.raises(ImportRefused, match="never be finalised"):
        db_store.import_assessment(a, "Clerk", guidance)
    assert db_store.count() == 0


def test_the_database_itself_refuses_a_final_or_real_training_row(db_store, make_assessment):
    aid = db_store.create(_training(make_assessment), "Trainee").assessment.id
    with db_store.engine.begin() as conn, pytest.raises(Exception, match="never be finalised"):
        conn.execute(update(assessments).where(assessments.c.id == aid).values(status="final"))
    with db_store.engine.begin() as conn, pytest.raises(Exception, match="never become a real one"):
        conn.execute(update(assessments).where(assessments.c.id == aid).values(training=False))
    with db_store.engine.connect() as conn:
        assert conn.execute(text("SELECT status, training FROM assessments WHERE id = :i"), {"i": aid}).one() \
            in (("draft", True), ("draft", 1))
    assert DatabaseError  # the store wraps the same refusals when they come through it
