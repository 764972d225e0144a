"""Two tabs on one assessment, walked with AppTest: "apply my changes" after a save conflict (wizard/edits.merge)."""

from __future__ import annotations

import pytest

from tests.ui_driver import Wizard

CONFLICT = "Someone else changed this assessment"
NOT_APPLIED = "of your changes were not applied"


# Every session here, seeded or not, has its own store, and reads the guidance as the files are now.
pytestmark = pytest.mark.usefixtures("app_store_url", "fresh_guidance_cache")




def _apply_mine(b: Wizard) -> None:
    b.at.button(key="conflict_mine").click().run()
    b.ok()
    b.generation += 1  # their version is loaded, so the widgets are made afresh


def test_my_reason_for_a_question_nobody_had_answered_survives_apply_my_changes(store):
    a = Wizard.start()
    a.goto("prevention")
    b = Wizard.open(a.aid, screen="prevention")
    a.text("prevention", "legal_framework", "reasons", value="Reason typed in tab A")
    b.text("prevention", "legal_framework", "reasons", value="Reason typed in tab B")  # b's copy is stale
    assert CONFLICT in b.texts()
    assert store.get(a.aid).assessment.answer("prevention", "legal_framework").reasons == "Reason typed in tab A"

    _apply_mine(b)
    assert NOT_APPLIED not in b.texts(), "nothing was left out, so no row can have moved"
    assert CONFLICT not in b.texts()
    assert store.get(a.aid).assessment.answer("prevention", "legal_framework").reasons == "Reason typed in tab B"
    assert b.at.text_area(key=b.key("prevention", "legal_framework", "reasons")).value == "Reason typed in tab B"


def test_apply_my_changes_keeps_their_other_answers_and_mine(store):
    a = Wizard.start()
    a.goto("prevention")
    a.radio("prevention", "legal_framework", "value", value="partial")
    b = Wizard.open(a.aid, screen="prevention")
    a.radio("prevention", "legal_framework", "value", value="inadequate")
    a.text("prevention", "legal_framework", "reasons", value="Reason typed in tab A")
    b.text("prevention", "legal_framework", "reasons", value="Reason typed in tab B")
    b.radio("prevention", "institutions", "value", value="adequate")  # held while the choice waits
    assert store.get(a.aid).assessment.answer("prevention", "institutions").value is None

    _apply_mine(b)
    assert NOT_APPLIED not in b.texts()
    stored = store.get(a.aid).assessment
    assert stored.answer("prevention", "legal_framework").value == "inadequate", "their choice stays"
    assert stored.answer("prevention", "legal_framework").reasons == "Reason typed in tab B", "my value wins"
    assert stored.answer("prevention", "institutions").value == "adequate"


def test_an_edit_to_a_row_that_moved_is_reported_with_its_field(store):
    a = Wizard.start()
    a.goto("mitigation")
    a.click("mitigation", "measures", "add")
    a.click("mitigation", "measures", "add")
    a.text("mitigation", "measures", 2, 0, "implementer", value="Embassy")
    a.text("mitigation", "measures", 2, 1, "implementer", value="Customs")
    b = Wizard.open(a.aid, screen="mitigation")
    a.click("mitigation", "measures", "remove", 0)  # the Customs row moves up
    b.text("mitigation", "measures", 2, 1, "verification", value="Checked at the border")
    assert CONFLICT in b.texts()

    _apply_mine(b)
    text = b.texts()
    assert f"1 {NOT_APPLIED} (Mitigation › " in text and "Row 2 › How it is verified)" in text
    assert "answers.mitigation" not in text, "officers see the screens' words, not field paths"
    rows = store.get(a.aid).assessment.answer("mitigation", "measures").value
    assert rows == [{"implementer": "Customs"}], "nothing was written to another row"
