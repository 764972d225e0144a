"""One outcome per item, or one for the whole licence: the model, the overall outcome, the rules, the record and
the screen (wizard/item_outcomes.py, wizard/ui/item_outcomes.py).

The Veloria case (tests/conftest.py) has two items: 0, "9 mm semi-automatic pistols", and 1, "9x19 mm ball
ammunition".
"""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader

from tests.ui_driver import Wizard
from wizard import flow
from wizard import item_outcomes as io_
from wizard.edits import Edit, apply
from wizard.model import (
    Assessment,
    AssessmentFormatError,
    Determination,
    ItemOutcome,
    from_dict,
    to_json,
)
from wizard.record import build_pdf

PISTOLS, AMMUNITION = "9 mm semi-automatic pistols", "9x19 mm ball ammunition"


def decide(a: Assessment, *outcomes: str, overall: str | None = "") -> Assessment:
    """Item i gets ``outcomes[i]``; ``overall`` restates the licence's outcome ("" leaves it)."""
    a.determination.item_outcomes = [ItemOutcome(item=i, outcome=o) for i, o in enumerate(outcomes)]
    if overall != "":
        a.determination.outcome = overall
    return a


def rules(guidance, a: Assessment) -> set[str]:
    return {f.rule for f in flow.check(guidance, a)}


def squash(text: str) -> str:
    return "".join(text.split())


def pdf_text(pdf: bytes) -> str:
    return squash("".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages))


# --- the model ------------------------------------------------------------------------------------------------


def test_item_outcomes_round_trip(make_assessment):
    a = make_assessment("refuse")
    a.determination.item_outcomes = [ItemOutcome(item=0, outcome="refuse", note="Standard arms of the unit."),
                                     ItemOutcome(item=1, outcome="refuse_other", note="National criterion 4.")]
    back = from_dict(json.loads(to_json(a)))
    assert back == a
    assert back.determination.item_outcomes[1] == ItemOutcome(item=1, outcome="refuse_other",
                                                              note="National criterion 4.")


def test_old_documents_have_one_outcome_for_the_licence(make_assessment):
    data = json.loads(to_json(make_assessment()))
    del data["determination"]["item_outcomes"]  # written before outcomes per item existed
    a = from_dict(data)
    assert a.determination.item_outcomes == []
    assert a.format_version == 1
    assert Determination().item_outcomes == []


@pytest.mark.parametrize(("entries", "says"), [
    ([{"item": 0, "outcome": "refuse"}, {"item": 0, "outcome": "authorise"}], "item 0 has more than one outcome"),
    ([{"item": -1, "outcome": "refuse"}], "determination.item_outcomes.0.item"),
    ([{"item": True, "outcome": "refuse"}], "determination.item_outcomes.0.item"),
    ([{"item": "1", "outcome": "refuse"}], "determination.item_outcomes.0.item"),
    ([{"item": 0, "outcome": "approve"}], "determination.item_outcomes.0.outcome"),
    ([{"item": 0}], "determination.item_outcomes.0.outcome"),
    ([{"item": 0, "outcome": "refuse", "colour": "red"}], "unknown field"),
])
def test_bad_item_outcomes_are_refused_with_their_path(make_assessment, entries, says):
    data = json.loads(to_json(make_assessment()))
    data["determination"]["item_outcomes"] = entries
    with pytest.raises(AssessmentFormatError, match=r"determination\.item_outcomes") as err:
        from_dict(data)
    assert says in str(err.value)


def test_item_outcomes_are_edited_by_path(make_assessment):
    a = make_assessment("refuse")
    a = apply(a, Edit("determination.item_outcomes", [{"item": 1, "outcome": "refuse"}], []))
    a = apply(a, Edit("determination.item_outcomes.0.outcome", "refuse_other", "refuse"))
    a = apply(a, Edit("determination.item_outcomes.0.note", "Criterion 4.", ""))
    assert a.determination.item_outcomes == [ItemOutcome(item=1, outcome="refuse_other", note="Criterion 4.")]


# --- the overall outcome ------------------------------------------------------------------------------------------


def test_overall_follows_when_every_item_agrees(guidance, make_assessment):
    a = decide(make_assessment("refuse"), "refuse", "refuse", overall=None)
    assert io_.overall_from_items(a) == "refuse"
    assert io_.overall_outcome(a) == "refuse"
    assert flow.check(guidance, a) == []  # no "no outcome": it follows from the items
    assert flow.outcome_requires(a) == flow.outcome_requires(a, "refuse")
    assert not [o for o in flow.open_items(guidance, a, guidance.screen("determination"))]


def test_no_overall_from_items_that_differ_or_are_undecided(make_assessment):
    a = make_assessment()
    assert io_.overall_from_items(a) is None  # one outcome for the licence: nothing follows
    assert io_.overall_from_items(decide(make_assessment(), "refuse", "authorise")) is None
    assert io_.overall_from_items(decide(make_assessment(), "refuse")) is None  # item 2 undecided
    b = decide(make_assessment(), "authorise", "authorise")
    b.case.items = []
    assert io_.overall_from_items(b) is None  # outcomes of items the case no longer has


def test_disagreeing_items_need_a_stated_overall(guidance, make_assessment):
    a = decide(make_assessment("authorise_with_conditions"), "authorise_with_conditions", "authorise",
               overall=None)
    assert "no_outcome" in {f.rule for f in flow.blocking(flow.check(guidance, a))}
    a.determination.outcome = "authorise_with_conditions"
    assert flow.check(guidance, a) == []


@pytest.mark.parametrize(("overall", "items", "contradicts"), [
    ("authorise_with_conditions", ["authorise_with_conditions", "authorise"], False),
    ("authorise", ["authorise_with_conditions", "authorise"], True),  # a plain "authorise" hides conditions
    ("authorise", ["authorise", "authorise"], False),
    ("authorise", ["refuse", "authorise"], True),  # an authorisation while an item is refused
    ("authorise_with_conditions", ["authorise_with_conditions", "suspend"], True),
    ("refuse", ["refuse", "authorise"], False),  # the rifles refused, the ammunition authorised
    ("refuse_other", ["refuse", "authorise"], True),  # no item is refused on that ground
    ("suspend", ["suspend", "authorise"], False),
    ("suspend", ["refuse", "authorise"], True),
    ("refuse", ["refuse", "refuse"], False),
    ("refuse_other", ["refuse", "refuse"], True),  # every item agrees: the overall is theirs
    (None, ["refuse", "authorise"], False),  # nothing stated: "no outcome" says so instead
    ("refuse", [], False),  # one outcome for the licence
])
def test_what_contradicts_the_items(overall, items, contradicts):
    assert io_.contradicts(overall, items) is contradicts


def test_overall_contradicting_the_items_is_blocking(guidance, make_assessment):
    a = decide(make_assessment("refuse"), "refuse", "authorise_with_conditions", overall="refuse")
    a.determination.overriding_risk = "no"
    a.determination.outcome = "refuse_other"
    found = [f for f in flow.check(guidance, a) if f.rule == "item_outcomes_disagree_with_overall"]
    assert [f.severity for f in found] == ["error"]
    assert "Refuse on another ground" in found[0].message
    assert f"Item 1 ({PISTOLS}): Refuse: overriding risk (Art. 7(3))" in found[0].message
    assert f"Item 2 ({AMMUNITION}): Authorise with conditions" in found[0].message


def test_a_mixed_decision_can_be_clean(guidance, make_assessment):
    # The pistols refused on national criteria, the ammunition authorised with conditions: the licence is
    # refused on that ground, and nothing contradicts.
    a = decide(make_assessment("authorise_with_conditions"), "refuse_other", "authorise_with_conditions",
               overall="refuse_other")
    assert flow.check(guidance, a) == []


def test_every_item_needs_an_outcome_once_decided_item_by_item(guidance, make_assessment):
    a = decide(make_assessment("refuse"), "refuse", overall="refuse")
    screen = guidance.screen("determination")
    [open_item] = [o for o in flow.open_items(guidance, a, screen) if o.key == "item_outcomes"]
    assert open_item.label == guidance.t("item_outcomes_label")
    assert [c.row for c in open_item.each()] == ["Item 2"]
    needs = [f.message for f in flow.check(guidance, a) if f.rule == "outcome_needs"]
    assert needs == [f'"Refuse: overriding risk (Art. 7(3))" needs "Outcome item by item: Item 2 ({AMMUNITION})",'
                     " which is not recorded yet."]
    decide(a, "refuse", "refuse")
    assert flow.check(guidance, a) == []


def test_an_index_with_no_item(guidance, make_assessment):
    a = make_assessment("refuse")
    a.determination.item_outcomes = [ItemOutcome(item=4, outcome="refuse")]
    found = [f for f in flow.check(guidance, a) if f.rule == "item_outcome_unknown_item"]
    assert [(f.severity, f.screen_id) for f in found] == [("error", "determination")]
    assert "item 5" in found[0].message and "2 item(s)" in found[0].message
    assert io_.known(a) == [] and io_.unknown(a) == a.determination.item_outcomes


# --- Art. 6 and Art. 7(3), item by item ----------------------------------------------------------------------------


def test_under_article6_every_item_is_refused_under_article6(guidance, make_assessment):
    a = decide(make_assessment("refuse", prohibited=True), "refuse_art6", "refuse_art6")
    assert flow.check(guidance, a) == []
    decide(a, "refuse_art6", "suspend")
    found = [f for f in flow.check(guidance, a) if f.rule == "item_art6_prohibits"]
    assert len(found) == 1 and found[0].severity == "error"
    assert f"Item 2 ({AMMUNITION})" in found[0].message and "Suspend pending information" in found[0].message
    decide(a, "refuse", "refuse", overall="refuse_art6")  # every item on the wrong basis: each is named
    found = [f.rule for f in flow.check(guidance, a)]
    assert found.count("item_art6_prohibits") == 2
    assert "item_outcomes_disagree_with_overall" in found  # and the overall is no item's outcome


def test_an_item_refused_under_article6_needs_a_prohibition(guidance, make_assessment):
    a = decide(make_assessment("refuse"), "refuse_art6", "refuse")
    assert "item_art6_refusal_without_prohibition" in rules(guidance, a)


def test_with_an_overriding_risk_no_item_is_authorised(guidance, make_assessment):
    a = decide(make_assessment("refuse"), "refuse", "refuse_other")
    assert flow.check(guidance, a) == []  # the ammunition refused on another ground as well: consistent
    for authorised in ("authorise", "authorise_with_conditions"):
        decide(a, "refuse", authorised)
        found = [f for f in flow.check(guidance, a) if f.rule == "item_overriding_requires_refusal"]
        assert [f.severity for f in found] == ["error"], authorised
        assert f"Item 2 ({AMMUNITION})" in found[0].message


def test_an_item_refused_under_art7_3_needs_the_finding(guidance, make_assessment):
    a = decide(make_assessment("refuse"), "refuse", "refuse")
    for finding in ("no", "insufficient_information"):
        a.determination.overriding_risk = finding
        found = {f.rule for f in flow.check(guidance, a)}
        assert "item_refusal_without_ground" in found, finding


# --- the record ---------------------------------------------------------------------------------------------------


def test_record_prints_each_items_outcome_and_the_overall(guidance, make_assessment):
    a = decide(make_assessment("authorise_with_conditions"), "refuse_other", "authorise_with_conditions",
               overall="refuse_other")
    a.determination.item_outcomes[0].note = "Criterion 7 of the national policy."
    text = pdf_text(build_pdf(a, guidance))
    cover = squash(PdfReader(io.BytesIO(build_pdf(a, guidance))).pages[0].extract_text() or "")
    bases = guidance.catalogues.legal_bases
    for where in (cover, text):
        assert squash(f"Item 1 ({PISTOLS}): Refuse on another ground (national criteria)") in where
        assert squash(f"Item 2 ({AMMUNITION}): Authorise with conditions") in where
        assert squash("Refuse on another ground (national criteria)") in where
        assert squash(bases["authorise_with_conditions"]) in where
    assert squash("Outcome item by item") in text
    assert squash("Criterion 7 of the national policy.") in text
    assert text.count(squash(bases["refuse_other"])) >= 3  # the overall and item 1, on the cover and after


def test_record_says_when_the_overall_follows_from_the_items(guidance, make_assessment):
    a = decide(make_assessment("refuse"), "refuse", "refuse", overall=None)
    text = pdf_text(build_pdf(a, guidance))
    assert squash("Refuse: overriding risk (Art. 7(3)) (follows from the items)") in text
    assert squash(guidance.catalogues.legal_bases["refuse"]) in text


def test_record_of_one_outcome_for_the_licence_is_unchanged(guidance, make_assessment):
    text = pdf_text(build_pdf(make_assessment("refuse"), guidance))
    assert squash("Outcome item by item") not in text
    assert squash("follows from the items") not in text


def test_record_names_undecided_and_unknown_items(guidance, make_assessment):
    a = make_assessment("refuse")
    a.determination.item_outcomes = [ItemOutcome(item=0, outcome="refuse"), ItemOutcome(item=6, outcome="refuse")]
    text = pdf_text(build_pdf(a, guidance))
    assert squash(f"Item 2 ({AMMUNITION}): (no outcome yet)") in text
    assert squash("Item 7 (not in the case)") in text


# --- the screen -----------------------------------------------------------------------------------------------------


def test_deciding_item_by_item_on_the_screen_is_saved(app_store, make_assessment):
    w = Wizard.seed(app_store, make_assessment("authorise_with_conditions"), "determination")
    toggle = w.key("determination", "item_outcomes", "on")
    assert w.at.toggle(key=toggle).value is False
    w.at.toggle(key=toggle).set_value(True).run()
    w.ok()
    w.radio("determination", "item_outcome", 1, value="authorise")
    saved = app_store.get(w.aid).assessment.determination
    assert saved.item_outcomes == [ItemOutcome(item=1, outcome="authorise")]
    w.radio("determination", "item_outcome", 0, value="refuse_other")
    w.radio("determination", "item_outcome", 1, value="authorise_with_conditions")  # changes, not adds
    w.text("determination", "item_outcome_note", 0, value="Criterion 7 of the national policy.")
    saved = app_store.get(w.aid).assessment.determination
    assert saved.item_outcomes == [
        ItemOutcome(item=0, outcome="refuse_other", note="Criterion 7 of the national policy."),
        ItemOutcome(item=1, outcome="authorise_with_conditions")]
    assert saved.outcome == "authorise_with_conditions"
    # The overall authorisation now contradicts the refused pistols: the screen says so.
    assert "contradicts the outcomes decided item by item" in w.texts()
    w.radio("determination", "outcome", value="refuse_other")
    assert "contradicts" not in w.texts()

    # A fresh session shows the decisions as saved.
    again = Wizard.open(w.aid, "determination")
    assert again.at.toggle(key=again.key("determination", "item_outcomes", "on")).value is True
    assert again.at.radio(key=again.key("determination", "item_outcome", 0)).value == "refuse_other"

    # Off: one outcome for the whole licence again.
    w.at.toggle(key=toggle).set_value(False).run()
    w.ok()
    assert app_store.get(w.aid).assessment.determination.item_outcomes == []


def test_agreeing_items_show_the_overall_that_follows(app_store, make_assessment):
    a = make_assessment("refuse")
    a.determination.outcome = None
    w = Wizard.seed(app_store, a, "determination")
    w.at.toggle(key=w.key("determination", "item_outcomes", "on")).set_value(True).run()
    w.radio("determination", "item_outcome", 0, value="refuse")
    assert "No outcome is recorded yet" in w.texts()
    w.radio("determination", "item_outcome", 1, value="refuse")
    assert 'the overall outcome follows from the items' in w.texts()
    assert "No outcome is recorded yet" not in w.texts()
    assert io_.overall_outcome(app_store.get(w.aid).assessment) == "refuse"
