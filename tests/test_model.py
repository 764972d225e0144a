"""The assessment model: lossless, format-versioned JSON round trip and refusals that name the field."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wizard.formats import read_document
from wizard.model import (
    FORMAT_VERSION,
    INSUFFICIENT,
    Answer,
    Assessment,
    AssessmentFormatError,
    CaseDetails,
    Consultation,
    InformationGap,
    Item,
    Source,
    canonical_json,
    from_dict,
    to_json,
)

NASTY = ("<b>&amp; 'quoted' \"double\" </para> & < > \\ \u00a0\t\r\n 🛡️👩🏽‍⚖️ "
         "基于性别的暴力行为 高于一切的风险 \u202e")


def roundtrip(a: Assessment) -> Assessment:
    back = read_document(to_json(a))
    assert back == a
    assert canonical_json(back) == canonical_json(a)
    return back


# ---------------------------------------------------------------------------------------------------------
# Round trip


@pytest.mark.parametrize("outcome", ["authorise", "authorise_with_conditions", "refuse", "suspend"])
def test_factory_case_round_trips(make_assessment, outcome):
    a = make_assessment(outcome)
    back = roundtrip(a)
    assert back.answer("prevalence", "forms").value == a.answer("prevalence", "forms").value
    assert back.determination.outcome == outcome


def test_round_trip_through_compact_json_and_from_dict(make_assessment):
    a = make_assessment()
    assert read_document(to_json(a, indent=None)) == a
    assert from_dict(json.loads(to_json(a))) == a
    assert read_document(canonical_json(a)) == a  # bytes, sorted keys


def test_empty_assessment_round_trips():
    roundtrip(Assessment())


def test_markup_emoji_and_chinese_survive_in_every_kind_of_text(make_assessment):
    a = make_assessment()
    a.officer = NASTY
    a.case.reference = NASTY
    a.case.end_use = NASTY
    a.case.items[0].description = NASTY
    a.evidence[0].title = NASTY
    a.determination.reasons = NASTY
    a.set_answer("prevalence", "underreporting", Answer(value=NASTY, reasons=NASTY, evidence=["S1"]))
    rows = a.answer("seriousness", "forms").value
    rows[0]["reasons"] = NASTY
    a.set_answer("seriousness", "forms", Answer(value=rows))
    back = roundtrip(a)
    assert back.case.end_use == NASTY
    assert back.answer("seriousness", "forms").value[0]["reasons"] == NASTY
    # the canonical form keeps the characters themselves (ensure_ascii=False), in UTF-8
    assert "基于性别的暴力行为".encode() in canonical_json(back)
    assert "🛡".encode() in canonical_json(back)


def test_100000_character_text_round_trips(make_assessment):
    long = ("Zeugenaussage 证词 & <witness> " * 4000)[:100_000]
    assert len(long) == 100_000
    a = make_assessment()
    a.determination.reasons = long
    a.set_answer("overriding_risk", "pathway", Answer(value=long, reasons=long))
    back = roundtrip(a)
    assert back.determination.reasons == long
    assert back.answer("overriding_risk", "pathway").value == long


def test_whitespace_is_kept_exactly():
    a = Assessment(officer="  two leading, one trailing ", case=CaseDetails(end_use="\n\nline\r\n\t"))
    back = roundtrip(a)
    assert back.officer == "  two leading, one trailing "
    assert back.case.end_use == "\n\nline\r\n\t"


def test_insufficient_information_and_empty_answers_are_distinct_after_round_trip():
    a = Assessment()
    a.set_answer("prevention", "legal_framework", Answer(insufficient=True, reasons="No data."))
    a.set_answer("prevention", "institutions", Answer(value="no"))
    a.set_answer("prevention", "accountability", Answer(value=INSUFFICIENT))
    back = roundtrip(a)
    assert back.answer("prevention", "legal_framework").insufficient is True
    assert back.answer("prevention", "legal_framework").value is None
    assert back.answer("prevention", "institutions").value == "no"
    assert back.answer("prevention", "institutions").insufficient is False
    assert back.answer("prevention", "accountability").value == INSUFFICIENT


def test_answer_shapes_keep_their_types():
    a = Assessment()
    a.set_answer("s", "text", Answer(value="free text"))
    a.set_answer("s", "multi", Answer(value=["a", "b"]))
    a.set_answer("s", "empty_list", Answer(value=[]))
    a.set_answer("s", "table", Answer(value=[{"row": "x", "c": ["S1"], "d": None, "e": ""}]))
    back = roundtrip(a)
    assert back.answers["s"]["multi"].value == ["a", "b"]
    assert back.answers["s"]["empty_list"].value == []
    assert back.answers["s"]["table"].value == [{"row": "x", "c": ["S1"], "d": None, "e": ""}]


def test_datetimes_and_dates_round_trip_exactly():
    a = Assessment(created_at=datetime(2026, 2, 9, 9, 30, 15, 123456, tzinfo=UTC),
                   finalised_at=datetime(2026, 3, 1, tzinfo=UTC),
                   evidence=[Source(id="S1", info_date=date(2000, 2, 29))],
                   gaps=[InformationGap(sent_on=date(2026, 1, 1))],
                   consultations=[Consultation(on=date(2026, 1, 2))])
    back = roundtrip(a)
    assert back.created_at == datetime(2026, 2, 9, 9, 30, 15, 123456, tzinfo=UTC)
    assert back.evidence[0].info_date == date(2000, 2, 29)


def test_canonical_json_is_sorted_compact_and_stable(make_assessment):
    a = make_assessment()
    raw = canonical_json(a)
    data = json.loads(raw)
    assert raw == json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    assert canonical_json(make_assessment()) == raw  # same case, same bytes
    a.case.items[0].quantity = 501
    assert canonical_json(a) != raw


def test_to_json_carries_the_format_version(make_assessment):
    assert json.loads(to_json(make_assessment()))["format_version"] == FORMAT_VERSION == 1


# Text fields as (path, setter) for the property test.
TEXT_SETTERS = {
    "officer": lambda a, s: setattr(a, "officer", s),
    "case.reference": lambda a, s: setattr(a.case, "reference", s),
    "case.end_user": lambda a, s: setattr(a.case, "end_user", s),
    "case.end_use": lambda a, s: setattr(a.case, "end_use", s),
    "case.items.0.description": lambda a, s: setattr(a.case.items[0], "description", s),
    "article6.p3.reasons": lambda a, s: setattr(a.article6.p3, "reasons", s),
    "evidence.0.title": lambda a, s: setattr(a.evidence[0], "title", s),
    "evidence.0.findings": lambda a, s: setattr(a.evidence[0], "findings", s),
    "gaps.0.response": lambda a, s: setattr(a.gaps[0], "response", s),
    "consultations.0.advice": lambda a, s: setattr(a.consultations[0], "advice", s),
    "determination.reasons": lambda a, s: setattr(a.determination, "reasons", s),
    "determination.conditions": lambda a, s: setattr(a.determination, "conditions", s),
    "signoff.reviewer": lambda a, s: setattr(a.signoff, "reviewer", s),
    "answer.value": lambda a, s: a.set_answer("overriding_risk", "pathway", Answer(value=s, reasons=s)),
    "answer.table_cell": lambda a, s: a.set_answer("x", "t", Answer(value=[{"row": "r", "text": s}])),
    "answer.multi": lambda a, s: a.set_answer("x", "m", Answer(value=[s, s])),
}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(sorted(TEXT_SETTERS)), text=st.text(max_size=300))
def test_property_any_text_in_any_field_round_trips(make_assessment, field, text):
    a = make_assessment()
    TEXT_SETTERS[field](a, text)
    roundtrip(a)


@settings(max_examples=60, deadline=None)
@given(texts=st.dictionaries(st.sampled_from(["officer", "reference", "end_use", "reasons"]),
                             st.text(alphabet=st.characters(codec="utf-8"), max_size=50)),
       qty=st.none() | st.integers(min_value=0, max_value=10**12),
       value=st.none() | st.floats(min_value=0, max_value=1e15, allow_nan=False, allow_infinity=False))
def test_property_built_assessment_round_trips(texts, qty, value):
    a = Assessment(officer=texts.get("officer", ""),
                   case=CaseDetails(reference=texts.get("reference", ""), end_use=texts.get("end_use", ""),
                                    items=[Item(quantity=qty, value=value)]))
    a.determination.reasons = texts.get("reasons", "")
    roundtrip(a)


# ---------------------------------------------------------------------------------------------------------
# Refusals that name the field


def doc(make_assessment) -> dict:
    return json.loads(to_json(make_assessment()))


def refusal(data) -> str:
    with pytest.raises(AssessmentFormatError) as err:
        from_dict(data)
    return str(err.value)


def test_unknown_top_level_field_is_refused_by_name(make_assessment):
    d = doc(make_assessment)
    d["colour"] = "red"
    assert refusal(d) == "colour: unknown field"


def test_unknown_nested_field_is_refused_with_its_path(make_assessment):
    d = doc(make_assessment)
    d["case"]["items"][1]["calibre"] = "9 mm"
    assert refusal(d) == "case.items.1.calibre: unknown field"
    d = doc(make_assessment)
    d["answers"]["prevention"]["legal_framework"]["confidence"] = "high"
    assert refusal(d) == "answers.prevention.legal_framework.confidence: unknown field"


def test_wrong_type_names_the_field(make_assessment):
    d = doc(make_assessment)
    d["case"]["items"][0]["quantity"] = "five hundred"
    msg = refusal(d)
    assert msg.startswith("case.items.0.quantity: ")
    assert "integer" in msg


@pytest.mark.parametrize(("path", "bad", "named"), [
    (("case", "items", 0, "quantity"), -1, "case.items.0.quantity"),
    (("case", "items", 1, "category"), "2(1)(z)", "case.items.1.category"),
    (("case", "items", 0, "value"), "lots", "case.items.0.value"),
    (("determination", "outcome"), "approve", "determination.outcome"),
    (("determination", "overriding_risk"), "maybe", "determination.overriding_risk"),
    (("determination", "review_date"), "next spring", "determination.review_date"),
    (("article6", "p1", "answer"), True, "article6.p1.answer"),
    (("evidence", 2, "type"), "blog", "evidence.2.type"),
    (("evidence", 0, "info_date"), "2024-13-45", "evidence.0.info_date"),
    (("status",), "finalised", "status"),
    (("revision",), 0, "revision"),
    (("id",), "has space", "id"),
    (("answers", "prevention", "legal_framework", "evidence"), "S1", "answers.prevention.legal_framework"
                                                                     ".evidence"),
    (("answers", "prevention", "legal_framework", "insufficient"), "perhaps",
     "answers.prevention.legal_framework.insufficient"),
    (("case",), [], "case"),
])
def test_invalid_values_are_refused_naming_the_path(make_assessment, path, bad, named):
    d = doc(make_assessment)
    target = d
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = bad
    msg = refusal(d)
    assert any(part.startswith(named + ": ") or part.startswith(named + ".") for part in msg.split("; ")), msg


def test_every_problem_is_listed_not_only_the_first(make_assessment):
    d = doc(make_assessment)
    d["case"]["items"][0]["quantity"] = "x"
    d["determination"]["outcome"] = "approve"
    d["bogus"] = 1
    msg = refusal(d)
    assert "case.items.0.quantity: " in msg
    assert "determination.outcome: " in msg
    assert "bogus: unknown field" in msg


def test_text_over_the_limit_is_refused_naming_the_field():
    msg = refusal({"format_version": 1, "case": {"reference": "x" * 2001}})
    assert msg.startswith("case.reference: ")
    msg = refusal({"format_version": 1, "determination": {"reasons": "x" * 200_001}})
    assert msg.startswith("determination.reasons: ")


def test_duplicate_source_ids_are_refused(make_assessment):
    d = doc(make_assessment)
    d["evidence"][3]["id"] = "S1"
    msg = refusal(d)
    assert msg.startswith("evidence: ")
    assert "'S1'" in msg and "twice" in msg


def test_duplicate_source_ids_are_refused_on_assignment_too(make_assessment):
    a = make_assessment()
    with pytest.raises(ValueError, match="twice"):
        a.evidence = [Source(id="S1"), Source(id="S1")]


def test_empty_source_id_is_refused():
    assert refusal({"format_version": 1, "evidence": [{"id": ""}]}).startswith("evidence.0.id: ")


@pytest.mark.parametrize("version", [2, 0, 99, "1", "v1"])
def test_unknown_format_version_is_refused(make_assessment, version):
    d = doc(make_assessment)
    d["format_version"] = version
    assert refusal(d) == (f"format_version: {version!r} is not a known format version (this tool reads 1)")


def test_boolean_format_version_is_refused(make_assessment):
    d = doc(make_assessment)
    d["format_version"] = True
    refusal(d)


def test_missing_format_version_is_refused(make_assessment):
    d = doc(make_assessment)
    del d["format_version"]
    assert refusal(d) == "format_version: missing"
    assert refusal({}) == "format_version: missing"
    assert refusal({"format_version": None}) == "format_version: missing"


@pytest.mark.parametrize("text", ["[]", "[{\"format_version\": 1}]", "\"assessment\"", "42", "null", "true"])
def test_json_that_is_not_an_object_is_refused(text):
    with pytest.raises(AssessmentFormatError, match="must be a JSON object"):
        read_document(text)


@pytest.mark.parametrize("text", ["", "{", "{'format_version': 1}", "{\"format_version\": 1,}", "not json",
                                  b"\xff\xfe{}"])
def test_invalid_json_is_refused(text):
    with pytest.raises(AssessmentFormatError, match=r"^not valid JSON: "):
        read_document(text)


def test_refusal_is_a_value_error_and_hides_pydantic():
    with pytest.raises(ValueError) as err:
        from_dict({"format_version": 1, "x": 1})
    assert err.value.__cause__ is None
    assert err.value.__suppress_context__


def test_lone_surrogate_is_refused_with_the_field_named():
    # JSON can encode a lone surrogate ("\ud800"), UTF-8 cannot: it must not get past import.
    with pytest.raises(AssessmentFormatError, match=r"^officer: "):
        read_document('{"format_version": 1, "officer": "\\ud800"}')


def test_infinite_value_is_refused_or_round_trips():
    try:
        a = Assessment(case=CaseDetails(items=[Item(value=float("inf"))]))
    except ValueError:
        return
    assert read_document(to_json(a)) == a


def test_assessment_helpers(make_assessment):
    a = make_assessment()
    assert a.source_ids() == ["S1", "S2", "S3", "S4", "S5", "S6", "S7"]
    assert a.next_source_id() == "S8"
    a.evidence = [Source(id="S2")]
    assert a.next_source_id() == "S3"  # never an id in use, never below the count
    a.evidence = [Source(id="S1"), Source(id="S2"), Source(id="S4")]
    assert a.next_source_id() == "S5"
    assert a.answer("nowhere", "nothing") == Answer()
    assert "nowhere" not in a.answers  # reading does not store
    assert Answer().is_empty and Answer(value=[]).is_empty and Answer(value="").is_empty
    assert not Answer(insufficient=True).is_empty
    assert not Answer(value="no").is_empty


def test_article6_any_yes_prohibits():
    a = Assessment()
    assert not a.article6.prohibited
    a.article6.p3.answer = INSUFFICIENT
    assert not a.article6.prohibited
    a.article6.p2.answer = "yes"
    assert a.article6.prohibited


def test_validate_assignment_refuses_bad_values(make_assessment):
    a = make_assessment()
    with pytest.raises(ValueError):
        a.determination.outcome = "approve"  # type: ignore[assignment]
    with pytest.raises(ValueError):
        a.case.items[0].quantity = -5
