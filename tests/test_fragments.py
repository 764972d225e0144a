"""What an answer given inside a fragment reruns (issue 9, item 14), checked without a browser.

AppTest reruns the whole script on every interaction, so the choice between "this fragment and the header",
"also the sidebar's marks" and "the whole page" is tested here as the plain rule it is
(``fragments.outside`` and ``fragments.rerun_after``) on real assessments and real edits. The browser walks
(tests/test_browser.py) see the page that results; bench/ui_browser.py times it.
"""

from __future__ import annotations

import pytest

from wizard import edits, flow
from wizard.edits import Edit
from wizard.guidance import load_guidance
from wizard.model import Assessment
from wizard.ui import fragments

FRAGMENT = "w:x:0:prevalence:forms:sexual_violence_security_forces:fragment"
FORM = "sexual_violence_security_forces"


@pytest.fixture(scope="module")
def g():
    return load_guidance("en")


def _outside(g, a: Assessment, *, conflict: bool = False, pending: bool = False) -> fragments.Outside:
    open_items = {s.id: flow.open_items(g, a, s) for s in g.screens}
    return fragments.outside(g, open_items, flow.check(g, a), a, conflict=conflict, pending=pending)


def _after(g, a: Assessment, *made: Edit) -> str | list[str] | None:
    b = a
    for edit in made:
        b = edits.apply(b, edit)
    return fragments.rerun_after(FRAGMENT, _outside(g, a), _outside(g, b))


def _row_path(form: str, column: str) -> str:
    return f"answers.prevalence.forms.value.{form}.{column}"


def test_outside_any_fragment_the_default_full_run_stands(g, make_assessment):
    a = make_assessment()
    assert fragments.rerun_after(None, _outside(g, a), _outside(g, a)) is None


def test_an_answer_that_changes_no_mark_reruns_its_fragment_and_the_header(g, make_assessment):
    a = make_assessment()
    row = flow.row_for(a.answer("prevalence", "forms"), FORM)
    flipped = "no" if row["arms_involved"] == "yes" else "yes"
    assert _after(g, a, Edit(_row_path(FORM, "arms_involved"), flipped, row["arms_involved"])) == \
        [FRAGMENT, fragments.HEADER]
    reasons = "answers.prevalence.forms.reasons"
    assert _after(g, a, Edit(reasons, "Reworded <&> 中文", a.answer("prevalence", "forms").reasons)) == \
        [FRAGMENT, fragments.HEADER]


def test_an_answer_that_opens_or_closes_a_screen_also_reruns_the_marks(g, make_assessment):
    a = make_assessment()
    row = flow.row_for(a.answer("prevalence", "forms"), FORM)
    # Emptying a required cell opens the screen again: its mark in the sidebar changes.
    scope = _after(g, a, Edit(_row_path(FORM, "arms_involved"), None, row["arms_involved"]))
    assert scope == [FRAGMENT, fragments.HEADER, fragments.MARKS]
    opened = edits.apply(a, Edit(_row_path(FORM, "arms_involved"), None, row["arms_involved"]))
    # ... and answering it again closes it.
    assert fragments.rerun_after(FRAGMENT, _outside(g, opened), _outside(g, a)) == \
        [FRAGMENT, fragments.HEADER, fragments.MARKS]


@pytest.mark.parametrize("change", ["source_title", "new_source", "art6", "reference", "training", "new_item"])
def test_what_other_parts_of_the_page_show_reruns_the_whole_page(g, make_assessment, change):
    a = make_assessment()
    made = {
        "source_title": [Edit("evidence.0.title", "A new title", a.evidence[0].title)],  # every picker shows it
        "new_source": [Edit.append_to("evidence")],
        "art6": [Edit("article6.p1.answer", "yes", a.article6.p1.answer)],  # the prohibition banner
        "reference": [Edit("case.reference", "EXP-2", a.case.reference)],  # the page title
        "training": [Edit("training", not a.training, a.training)],  # the badge
        "new_item": [Edit.append_to("case.items")],
    }[change]
    assert _after(g, a, *made) == "app"


def test_a_conflict_or_held_edits_rerun_the_whole_page(g, make_assessment):
    a = make_assessment()
    calm = _outside(g, a)
    assert fragments.rerun_after(FRAGMENT, calm, _outside(g, a, conflict=True, pending=True)) == "app"
    assert fragments.rerun_after(FRAGMENT, _outside(g, a, conflict=True),
                                 _outside(g, a, conflict=True, pending=True)) == "app"
    # While the conflict stays open, every answer redraws the page (its box says nothing is saved).
    still = _outside(g, a, conflict=True, pending=True)
    assert fragments.rerun_after(FRAGMENT, still, still) == "app"


def test_the_marks_are_the_ones_the_sidebar_shows(g, make_assessment):
    a = make_assessment()
    marks = _outside(g, a).marks
    assert len(marks) == len(g.screens)
    assert set(marks) <= {g.t("complete_mark"), g.t("open_mark"), g.t("insufficient_mark"), g.t("blocked_mark")}
    empty = _outside(g, Assessment(guidance_version=g.stamp)).marks
    assert empty != marks and g.t("open_mark") in empty
