"""Edits as data (wizard/edits.py): applying one, and merging held edits onto another writer's version."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from wizard import edits
from wizard.edits import Edit, NoSuchPath, Stale, apply, merge
from wizard.model import INSUFFICIENT, Answer, Assessment, Item, Row, Source

REASONS = "answers.prevention.legal_framework.reasons"
MEASURES = "answers.mitigation.measures.value"
FORMS = "answers.prevalence.forms.value"


def _measure(implementer: str, measure: str = "post_shipment_verification") -> Row:
    return {"measure": measure, "implementer": implementer, "verification": f"Checked by {implementer}"}


def _with_rows(path: str, rows: list[Row]) -> Assessment:
    _answers, screen_id, question_id, _value = path.split(".")
    return Assessment(answers={screen_id: {question_id: Answer(value=rows)}})


def _items(*descriptions: str) -> Assessment:
    return Assessment(case={"items": [Item(description=d, quantity=10) for d in descriptions]})


def _rows(a: Assessment, path: str = MEASURES) -> list[Row]:
    _answers, screen_id, question_id, _value = path.split(".")
    value = a.answer(screen_id, question_id).value
    return value if isinstance(value, list) else []  # type: ignore[return-value]


# ---------------------------------------------------------------------------------------------------------
# apply


def test_an_edit_is_a_frozen_value():
    edit = Edit("case.reference", "VEL-1", "")
    with pytest.raises(dataclasses.FrozenInstanceError):
        edit.new = "other"  # type: ignore[misc]
    assert edit == Edit("case.reference", "VEL-1", "")


def test_apply_returns_a_validated_copy_and_leaves_the_original_alone():
    a = _items("pistols")
    b = apply(a, Edit("case.items.0.quantity", 1200, 10))
    assert b.case.items[0].quantity == 1200
    assert a.case.items[0].quantity == 10
    c = apply(b, Edit("determination.gbv_ground", True, None))
    assert c.determination.gbv_ground is True
    d = apply(c, Edit("evidence", [Source(id="S1", info_date=date(2025, 6, 1))], []))
    assert d.evidence[0].info_date == date(2025, 6, 1), "models and dates become the model's own types again"


def test_apply_answers_a_question_that_has_no_stored_answer():
    a = Assessment()
    b = apply(a, Edit(REASONS, "Partial legal framework.", ""))
    assert b.answer("prevention", "legal_framework") == Answer(reasons="Partial legal framework.")
    assert "prevention" not in a.answers


def test_the_choice_of_a_question_sets_value_and_insufficient_together():
    a = apply(Assessment(), Edit("answers.prevention.legal_framework.choice", "partial", None))
    assert (a.answer("prevention", "legal_framework").value, a.answer("prevention", "legal_framework").insufficient) \
        == ("partial", False)
    b = apply(a, Edit("answers.prevention.legal_framework.choice", INSUFFICIENT, "partial"))
    assert (b.answer("prevention", "legal_framework").value, b.answer("prevention", "legal_framework").insufficient) \
        == (None, True)


def test_catalogue_cells_are_addressed_by_form_id_and_added_rows_by_index():
    a = apply(Assessment(), Edit(f"{FORMS}.forced_child_marriage.prevalent", "yes", None))
    assert _rows(a, FORMS) == [{"row": "forced_child_marriage", "prevalent": "yes"}]
    a = apply(a, Edit(f"{FORMS}.harmful_practices.prevalent", "no", None))
    a = apply(a, Edit(f"{FORMS}.forced_child_marriage.evidence", ["S1"], None))
    assert _rows(a, FORMS)[0] == {"row": "forced_child_marriage", "prevalent": "yes", "evidence": ["S1"]}

    b = apply(Assessment(), Edit.append_to(MEASURES))
    b = apply(b, Edit(f"{MEASURES}.0.implementer", "Embassy", None))
    assert _rows(b) == [{"implementer": "Embassy"}]
    with pytest.raises(NoSuchPath, match="there is no row 2"):
        apply(b, Edit(f"{MEASURES}.1.implementer", "Embassy", None))


def test_append_makes_an_element_of_the_list_s_own_kind():
    a = apply(apply(Assessment(), Edit.append_to("evidence")), Edit.append_to("evidence"))
    assert a.source_ids() == ["S1", "S2"], "each new source gets a fresh id from the version it is added to"
    a = apply(apply(apply(a, Edit.append_to("case.items")), Edit.append_to("gaps")), Edit.append_to("consultations"))
    assert (len(a.case.items), len(a.gaps), len(a.consultations)) == (1, 1, 1)
    with pytest.raises(NoSuchPath):
        apply(a, Edit.append_to("case.reference"))


def test_remove_takes_the_element_only_while_it_holds_what_was_shown():
    a = _items("pistols", "rifles")
    b = apply(a, Edit.remove_at("case.items.0", a.case.items[0]))
    assert [i.description for i in b.case.items] == ["rifles"]
    with pytest.raises(Stale):  # a second click on the same button: row 1 is now another item
        apply(b, Edit.remove_at("case.items.0", a.case.items[0]))
    rows = _with_rows(MEASURES, [_measure("Embassy"), _measure("Attaché")])
    assert _rows(apply(rows, Edit.remove_at(f"{MEASURES}.1", _measure("Attaché")))) == [_measure("Embassy")]


@pytest.mark.parametrize("edit", [
    Edit("case.items.0.quantity", -1, 10),
    Edit("case.items.0.quantity", 1.5, 10),
    Edit("case.items.0.value", float("nan"), None),
    Edit("case.items.0.category", "2(1)(z)", None),
    Edit("determination.outcome", "maybe", None),
    Edit("case.reference", "x" * 3000, ""),
    Edit("evidence", [{"id": "S1"}, {"id": "S1"}], []),
    Edit("case.reference", object(), ""),
])
def test_invalid_values_are_refused_with_the_field_named(edit):
    with pytest.raises(edits.InvalidValue) as err:
        apply(_items("pistols"), edit)
    assert str(err.value).startswith(f"{edit.path}: ")


@pytest.mark.parametrize("path", ["case.nope", "case.items.3.quantity", "answers.prevention", "nope",
                                  "answers.prevention.legal_framework.colour", "case..reference", "id", "status",
                                  "answers.prevention.legal_framework.reasons.0"])
def test_paths_that_do_not_exist_are_refused(path):
    with pytest.raises(NoSuchPath):
        apply(_items("pistols"), Edit(path, "x", None))


def test_a_table_cell_on_an_answer_that_is_not_a_table_is_refused():
    a = apply(Assessment(), Edit("answers.prevalence.forms.value", "some text", None))
    with pytest.raises(NoSuchPath, match="not a table"):
        apply(a, Edit(f"{FORMS}.harmful_practices.prevalent", "yes", None))


# ---------------------------------------------------------------------------------------------------------
# merge


def test_merge_applies_my_reason_when_the_question_had_no_answer_before_both_tabs_opened():
    base = Assessment()
    theirs = apply(base, Edit(REASONS, "Reason typed in tab A", ""))
    result = merge(base, [Edit(REASONS, "Reason typed in tab B", "")], theirs)
    assert result.assessment.answer("prevention", "legal_framework").reasons == "Reason typed in tab B"
    assert result.applied == (Edit(REASONS, "Reason typed in tab B", ""),)
    assert result.not_applied == ()


def test_merge_applies_my_reason_when_the_question_had_an_answer():
    base = apply(Assessment(), Edit("answers.prevention.legal_framework.choice", "partial", None))
    base = apply(base, Edit(REASONS, "First reason", ""))
    theirs = apply(base, Edit(REASONS, "Reason typed in tab A", "First reason"))
    theirs = apply(theirs, Edit("answers.prevention.legal_framework.choice", "inadequate", "partial"))
    result = merge(base, [Edit(REASONS, "Reason typed in tab B", "First reason")], theirs)
    answer = result.assessment.answer("prevention", "legal_framework")
    assert (answer.reasons, answer.value) == ("Reason typed in tab B", "inadequate"), "their other change stays"
    assert len(result.applied) == 1


def test_merge_does_not_apply_a_cell_edit_when_a_row_was_inserted_before_it():
    base = _with_rows(MEASURES, [_measure("Embassy"), _measure("Attaché")])
    theirs = _with_rows(MEASURES, [_measure("Inserted", "end_use_monitoring"), _measure("Embassy"),
                                   _measure("Attaché")])
    mine = Edit(f"{MEASURES}.1.implementer", "Defence attaché", "Attaché")
    result = merge(base, [mine], theirs)
    assert result.applied == ()
    assert [(n.edit, n.reason) for n in result.not_applied] == [(mine, "moved")]
    assert "row 2 is row 3 in their version" in result.not_applied[0].detail
    assert _rows(result.assessment) == _rows(theirs), "nothing landed on the row now at index 1"


def test_merge_does_not_apply_edits_to_a_removed_row_or_to_one_that_moved_up():
    base = _items("pistols", "rifles")
    theirs = _items("rifles")  # tab A removed the pistols
    to_removed = Edit("case.items.0.description", "9 mm pistols", "pistols")
    to_moved = Edit("case.items.1.quantity", 20, 10)
    result = merge(base, [to_removed, to_moved], theirs)
    assert [(n.edit, n.reason) for n in result.not_applied] == [(to_removed, "removed"), (to_moved, "moved")]
    assert result.assessment.case.items == theirs.case.items


def test_a_remove_never_deletes_another_row():
    base = _items("pistols", "rifles")
    theirs = _items("rifles")  # the item I remove is already gone; "rifles" now sits at index 0
    gone = Edit.remove_at("case.items.0", base.case.items[0])
    result = merge(base, [gone], theirs)
    assert [(n.edit, n.reason) for n in result.not_applied] == [(gone, "removed")]
    assert [i.description for i in result.assessment.case.items] == ["rifles"]

    changed = apply(base, Edit("case.items.0.description", "pistols, 9 mm", "pistols"))  # they changed my row
    result = merge(base, [gone], changed)
    assert [n.reason for n in result.not_applied] == ["changed"]
    assert len(result.assessment.case.items) == 2


def test_edits_to_a_row_they_changed_in_place_are_applied():
    base = _items("pistols", "rifles")
    theirs = apply(base, Edit("case.items.1.description", "assault rifles", "rifles"))
    quantity = Edit("case.items.1.quantity", 40, 10)
    description = Edit("case.items.1.description", "rifles, 5.56 mm", "rifles")
    result = merge(base, [quantity, description], theirs)
    assert result.applied == (quantity, description)
    assert result.assessment.case.items[1] == Item(description="rifles, 5.56 mm", quantity=40), "my value wins"
    assert result.assessment.case.items[0] == base.case.items[0]


def test_rows_that_were_removed_added_and_all_changed_are_paired_by_likeness_not_position():
    base = _with_rows(MEASURES, [_measure("Embassy"), _measure("Attaché"), _measure("Customs")])
    # Tab A removed the first row, changed both others and added one: three rows again, none unchanged.
    theirs = _with_rows(MEASURES, [_measure("Attaché") | {"credible": "yes"}, _measure("Customs") | {"credible": "no"},
                                   _measure("Police", "training")])
    mine = Edit(f"{MEASURES}.1.verification", "Twice a year", "Checked by Attaché")
    result = merge(base, [mine], theirs)
    assert [n.reason for n in result.not_applied] == ["moved"]
    assert _rows(result.assessment)[1]["verification"] == "Checked by Customs"


def test_catalogue_rows_merge_by_form_id_whatever_their_order():
    base = _with_rows(FORMS, [{"row": "harmful_practices", "prevalent": "no"},
                              {"row": "forced_child_marriage", "prevalent": "yes"}])
    theirs = _with_rows(FORMS, [{"row": "forced_child_marriage", "prevalent": "yes", "evidence": ["S1"]},
                                {"row": "trafficking_sexual_exploitation", "prevalent": "yes"},
                                {"row": "harmful_practices", "prevalent": "no"}])
    mine = [Edit(f"{FORMS}.harmful_practices.prevalent", "yes", "no"),
            Edit(f"{FORMS}.forced_child_marriage.perpetrators", ["intended_end_user"], None)]
    result = merge(base, mine, theirs)
    assert result.applied == tuple(mine)
    rows = {r["row"]: r for r in _rows(result.assessment, FORMS)}
    assert rows["harmful_practices"]["prevalent"] == "yes"
    assert rows["forced_child_marriage"] == {"row": "forced_child_marriage", "prevalent": "yes", "evidence": ["S1"],
                                             "perpetrators": ["intended_end_user"]}


def test_merge_reports_values_their_version_does_not_accept():
    base = Assessment(evidence=[Source(id="S1")])
    theirs = base.model_copy(update={"evidence": [Source(id="S1"), Source(id="S2", title="Added in tab A")]})
    renamed = Edit("evidence.0.id", "S2", "S1")
    added = Edit.append_to("evidence")
    result = merge(base, [renamed, added], theirs)
    assert [(n.edit, n.reason) for n in result.not_applied] == [(renamed, "invalid")]
    assert "used twice" in result.not_applied[0].detail
    assert result.assessment.source_ids() == ["S1", "S2", "S3"], "my new source gets an id free in their version"


def test_sources_with_different_ids_are_never_the_same_row():
    base = Assessment(evidence=[Source(id="S1", title="CEDAW")])
    theirs = Assessment(evidence=[Source(id="S2", title="CEDAW")])  # S1 removed, S2 added with the same title
    result = merge(base, [Edit("evidence.0.publisher", "UN", "")], theirs)
    assert [n.reason for n in result.not_applied] == ["removed"]


def test_my_later_edits_are_judged_against_my_earlier_ones():
    base = _with_rows(MEASURES, [_measure("Embassy")])
    theirs = apply(base, Edit(f"{MEASURES}.0.credible", "yes", None))
    mine = [Edit(f"{MEASURES}.0.implementer", "Embassy staff", "Embassy"),
            Edit(f"{MEASURES}.0.verification", "Yearly", "Checked by Embassy")]
    result = merge(base, mine, theirs)
    assert result.applied == tuple(mine)
    assert _rows(result.assessment) == [{"measure": "post_shipment_verification", "implementer": "Embassy staff",
                                         "verification": "Yearly", "credible": "yes"}]


def test_removing_an_item_takes_its_outcome_with_it_and_moves_the_others_up():
    from wizard.model import Assessment, Item, ItemOutcome

    a = Assessment()
    a.case.items = [Item(description="rifles"), Item(description="ammunition"), Item(description="scopes")]
    a.determination.item_outcomes = [ItemOutcome(item=0, outcome="refuse"), ItemOutcome(item=1, outcome="suspend"),
                                     ItemOutcome(item=2, outcome="authorise")]
    after = apply(a, Edit.remove_at("case.items.1", a.case.items[1]))
    assert [i.description for i in after.case.items] == ["rifles", "scopes"]
    assert [(o.item, o.outcome) for o in after.determination.item_outcomes] == [(0, "refuse"), (1, "authorise")]
