"""The service layer and the rules the store and the database enforce whoever calls them.

Imports are refused whole (the store unchanged) when answers do not fit the guidance or a "final" assessment
would not pass the finalise checks; the store itself refuses to finalise with a blocking finding; and the
database refuses raw SQL that would change a final assessment, on SQLite and (when WIZARD_TEST_POSTGRES_URL
is set) PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.test_store import dump
from wizard import answer_check, service
from wizard.guidance_schema import Guidance
from wizard.model import INSUFFICIENT, Assessment, canonical_json, to_json
from wizard.record import build_pdf
from wizard.store import FinaliseRefused, ImportRefused, Locked, Store

FINALISED = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)


@pytest.fixture
def sqlite_store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    yield s
    s.close()


@pytest.fixture
def doc(make_assessment) -> dict[str, Any]:
    """A complete, consistent draft as exported JSON (the Veloria case, authorised with conditions)."""
    return json.loads(to_json(make_assessment()))


def _import(db_store: Store, guidance: Guidance, document: dict[str, Any] | bytes, name: str = "case.json", **kw):
    data = document if isinstance(document, bytes) else json.dumps(document).encode()
    return service.import_file(db_store, guidance, name, data, "importer", **kw)


def _refused(db_store: Store, guidance: Guidance, document: dict[str, Any] | bytes, match: str,
             name: str = "case.json") -> ImportRefused:
    before, listed = dump(db_store), db_store.list().total
    with pytest.raises(ImportRefused, match=match) as info:
        _import(db_store, guidance, document, name)
    assert dump(db_store) == before and db_store.list().total == listed, "a refused import changes nothing"
    return info.value


def _final(document: dict[str, Any], revision: int = 7) -> dict[str, Any]:
    return {**document, "status": "final", "revision": revision, "finalised_at": FINALISED.isoformat()}


# --- answers checked against the guidance ----------------------------------------------------------------

Mutation = Callable[[dict[str, Any]], None]

ANSWER_REFUSALS: list[tuple[str, Mutation, str]] = [
    ("unknown screen", lambda d: d["answers"].update(nowhere={"q": {"value": "x"}}),
     r"answers\.nowhere: unknown screen id 'nowhere'"),
    ("screen without questions", lambda d: d["answers"].update(case={"reference": {"value": "x"}}),
     r"answers\.case\.reference: unknown question id 'reference'"),
    ("unknown question", lambda d: d["answers"]["prevention"].update(colour={"value": "red"}),
     r"answers\.prevention\.colour: unknown question id 'colour' on screen 'prevention'"),
    ("unknown option", lambda d: d["answers"]["prevention"]["legal_framework"].update(value="maybe"),
     r"answers\.prevention\.legal_framework: 'maybe' is not an option here \(one of: "),
    ("insufficient is a flag, not a choice",
     lambda d: d["answers"]["prevention"]["legal_framework"].update(value=INSUFFICIENT),
     r"answers\.prevention\.legal_framework: 'insufficient_information' is not an option"),
    ("text for a table", lambda d: d["answers"]["mitigation"]["measures"].update(value="three measures"),
     r"answers\.mitigation\.measures: expected a table \(list of rows\), got text"),
    ("list for a choice", lambda d: d["answers"]["prevention"]["legal_framework"].update(value=["partial"]),
     r"answers\.prevention\.legal_framework: expected one option id, got a list"),
    ("unknown column", lambda d: d["answers"]["mitigation"]["measures"]["value"][0].update(colour="red"),
     r"answers\.mitigation\.measures\.0\.colour: unknown column 'colour'"),
    ("unknown column option", lambda d: d["answers"]["mitigation"]["measures"]["value"][0].update(credible="sort of"),
     r"answers\.mitigation\.measures\.0\.credible: 'sort of' is not an option here"),
    ("unknown GBV form in options_from",
     lambda d: d["answers"]["mitigation"]["measures"]["value"][0].update(risks_addressed=["piracy"]),
     r"answers\.mitigation\.measures\.0\.risks_addressed\.0: 'piracy' is not an option here"),
    ("unknown catalogue row", lambda d: d["answers"]["prevalence"]["forms"]["value"][0].update(row="piracy"),
     r"answers\.prevalence\.forms\.0\.row: 'piracy' is not among the gbv_forms"),
    ("uncited source", lambda d: d["answers"]["prevention"]["institutions"].update(evidence=["S99"]),
     r"answers\.prevention\.institutions\.evidence\.0: source 'S99' is not in the evidence register"),
    ("uncited source in a cell", lambda d: d["answers"]["mitigation"]["measures"]["value"][0].update(evidence=["S99"]),
     r"answers\.mitigation\.measures\.0\.evidence\.0: source 'S99' is not in the evidence register"),
]


@pytest.mark.parametrize(("case", "mutate", "message"), ANSWER_REFUSALS, ids=[c[0] for c in ANSWER_REFUSALS])
def test_answers_that_do_not_fit_the_guidance_refuse_the_whole_import(sqlite_store, guidance, doc, case, mutate,
                                                                       message):
    mutate(doc)
    err = _refused(sqlite_store, guidance, doc, message)
    assert "the answers do not fit the guidance" in str(err)


def test_every_problem_is_named_at_once(guidance, make_assessment):
    a = make_assessment()
    a.answers["nowhere"] = {}
    a.answers["prevention"]["legal_framework"].value = "maybe"
    a.answers["prevention"]["institutions"].evidence = ["S99"]
    found = answer_check.problems(guidance, a)
    assert [p.split(":")[0] for p in found] == ["answers.prevention.legal_framework",
                                                 "answers.prevention.institutions.evidence.0", "answers.nowhere"]


def test_what_the_wizard_stores_is_accepted(sqlite_store, guidance, doc):
    """The insufficient marker in a choice cell, empty cells, rows the officer added, and every outcome."""
    rows = doc["answers"]["prevalence"]["forms"]["value"]
    rows[0]["prevalent"] = INSUFFICIENT
    rows[1]["perpetrators"] = None
    doc["answers"]["mitigation"]["measures"]["value"].append({})
    doc["answers"]["prevention"]["legal_framework"].update(value=None, insufficient=True)
    stored = _import(sqlite_store, guidance, doc)
    assert stored.assessment.answer("prevalence", "forms").value[0]["prevalent"] == INSUFFICIENT


@pytest.mark.parametrize("outcome", ["authorise", "authorise_with_conditions", "refuse", "suspend"])
def test_complete_assessments_fit_the_guidance(guidance, make_assessment, outcome):
    assert answer_check.problems(guidance, make_assessment(outcome)) == []


# --- final assessments --------------------------------------------------------------------------------------

def test_a_forged_final_is_refused(sqlite_store, guidance):
    forged = {"format_version": 1, "status": "final", "revision": 7}
    _refused(sqlite_store, guidance, forged, r"finalised_at: a final assessment must say when it was finalised")


def test_a_final_with_a_blocking_finding_is_refused(sqlite_store, guidance, doc):
    doc["determination"]["conditions"] = ""  # "authorise with conditions" without conditions: blocking
    err = _refused(sqlite_store, guidance, _final(doc), r"final, but finalising it would be refused")
    conditions = guidance.screen("determination").fields["conditions"].label
    assert f"needs \"{conditions}\"" in str(err)


def test_a_draft_that_claims_a_finalisation_time_is_refused(sqlite_store, guidance, doc):
    doc["finalised_at"] = FINALISED.isoformat()
    _refused(sqlite_store, guidance, doc, r"finalised_at: a draft has not been finalised")


def test_a_valid_final_is_imported_final_with_its_revision(sqlite_store, guidance, doc):
    stored = _import(sqlite_store, guidance, _final(doc))
    a = stored.assessment
    assert (a.status, a.revision, a.finalised_at) == ("final", 7, FINALISED)
    assert [(r.revision, r.status) for r in sqlite_store.revisions(a.id)] == [(7, "final")]
    with pytest.raises(Locked):
        sqlite_store.save(a, stored.version, "importer")
    reopened = service.reopen(sqlite_store, a.id, "importer", "new information")
    assert (reopened.assessment.status, reopened.assessment.revision) == ("draft", 8)


def test_a_pdf_record_imports_as_the_assessment_it_records(sqlite_store, guidance, doc, make_assessment):
    final = Assessment.model_validate(_final(doc, revision=2))
    pdf = build_pdf(final, guidance)
    stored = _import(sqlite_store, guidance, pdf, name="record.pdf")
    assert canonical_json(stored.assessment) == canonical_json(final)
    assert sqlite_store.events(final.id)[0].note == "imported from record.pdf"
    # the same checks apply to what a PDF carries: a record of an answer the guidance does not know is refused
    odd = make_assessment()
    odd.id = "odd-one"
    odd.answers["prevention"]["colour"] = odd.answers["prevention"]["institutions"]
    _refused(sqlite_store, guidance, build_pdf(odd, guidance), "unknown question id 'colour'", name="odd.pdf")
    _refused(sqlite_store, guidance, b"%PDF-1.4 not really", "no assessment could be read from the PDF record",
             name="fake.pdf")


def test_the_size_limit_is_checked_once_for_every_kind_of_file(sqlite_store, guidance):
    big = b" " * (service.MAX_IMPORT_BYTES + 1)
    for name in ("big.json", "big.pdf"):
        _refused(sqlite_store, guidance, big, "limit", name=name)


# --- finalising ---------------------------------------------------------------------------------------------

def test_the_store_refuses_to_finalise_with_a_blocking_finding(db_store, guidance, make_assessment):
    a = make_assessment()
    a.determination.conditions = ""
    v1 = db_store.create(a, "officer")
    with pytest.raises(FinaliseRefused, match="not finalised: 1 blocking problem") as info:
        db_store.finalise(a.id, v1.version, "officer", guidance)  # called directly, not through a page
    assert [f.rule for f in info.value.findings] == ["outcome_needs"]
    assert db_store.get(a.id).assessment.status == "draft" and db_store.get(a.id).version == 1
    assert [e.action for e in db_store.events(a.id)] == ["create"]
    with pytest.raises(FinaliseRefused):
        service.finalise(db_store, guidance, a.id, v1.version, "officer")

    fixed = db_store.get(a.id).assessment.model_copy(deep=True)
    fixed.determination.conditions = "Deliver in two tranches."
    saved = db_store.save(fixed, v1.version, "officer")
    final = service.finalise(db_store, guidance, a.id, saved.version, "officer")
    assert final.assessment.status == "final" and final.assessment.finalised_at is not None


# --- the database refuses to change a final assessment -----------------------------------------------------

@pytest.fixture
def final(db_store, guidance, make_assessment) -> Assessment:
    a = make_assessment("refuse")
    v1 = db_store.create(a, "officer")
    return db_store.finalise(a.id, v1.version, "officer", guidance).assessment


RAW_WRITES = [
    "UPDATE documents SET body = '{}' WHERE assessment_id = :id",
    "UPDATE documents SET body = body WHERE assessment_id = :id",
    "DELETE FROM documents WHERE assessment_id = :id",
    "UPDATE assessments SET reference = 'forged' WHERE id = :id",
    "UPDATE assessments SET status = 'draft' WHERE id = :id",
    "UPDATE assessments SET status = 'draft', revision = revision + 2 WHERE id = :id",
    "UPDATE assessments SET revision = revision + 1 WHERE id = :id",
    "UPDATE assessments SET archived = true, outcome = 'authorise' WHERE id = :id",
    "DELETE FROM assessments WHERE id = :id",
]


@pytest.mark.parametrize("sql", RAW_WRITES)
def test_raw_sql_cannot_change_a_final_assessment(db_store, final, sql):
    before = dump(db_store)
    with pytest.raises(DBAPIError, match="final assessment"), db_store.engine.begin() as conn:
        conn.execute(text(sql), {"id": final.id})
    assert dump(db_store) == before


def test_raw_sql_can_still_change_a_draft(db_store, make_assessment):
    a = make_assessment()
    db_store.create(a, "officer")
    with db_store.engine.begin() as conn:
        conn.execute(text("UPDATE assessments SET reference = 'R' WHERE id = :id"), {"id": a.id})
        conn.execute(text("UPDATE documents SET body = body WHERE assessment_id = :id"), {"id": a.id})


def test_a_final_can_still_be_archived_restored_and_reopened(db_store, guidance, final):
    archived = db_store.archive(final.id, "clerk")
    assert archived.archived and db_store.get(final.id).assessment.status == "final"
    db_store.restore(final.id, "clerk")
    reopened = service.reopen(db_store, final.id, "officer", "new information, Art. 7(7)")
    assert (reopened.assessment.status, reopened.assessment.revision) == ("draft", 2)
    draft = reopened.assessment.model_copy(deep=True)
    draft.determination.reasons += " Reviewed again."
    saved = db_store.save(draft, reopened.version, "officer")
    again = service.finalise(db_store, guidance, final.id, saved.version, "officer")
    assert again.assessment.revision == 2
    assert db_store.load_revision(final.id, 1).determination.reasons == final.determination.reasons
    assert [r.revision for r in db_store.revisions(final.id)] == [1, 2]
