"""Cards stay open while the officer fills them; sources are added where they are cited; step 2 shows step 1.

Found walking a realistic case in the browser: a prevalence row closed after its first answer, a source card
after its title was typed; a source could only be added on the Evidence screen; step 2 did not say what step 1
had recorded for each form.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.ui_driver import Wizard, plain
from wizard import flow
from wizard.guidance import load_guidance
from wizard.model import INSUFFICIENT, Source

pytestmark = pytest.mark.usefixtures("app_store_url", "fresh_guidance_cache")  # every session here has its own store

FORM = "forced_child_marriage"  # not prevalent in the seeded case




@pytest.fixture(scope="module")
def g():
    return load_guidance("en")


def _set_row(a, screen_id: str, qid: str, form: str, row: dict) -> None:
    ans = a.answer(screen_id, qid)
    rows = [{"row": form, **row} if r.get("row") == form else r for r in ans.value]
    a.set_answer(screen_id, qid, ans.model_copy(update={"value": rows}))


def _card(w: Wizard, words: str):
    """The one expander whose label holds ``words``."""
    found = [e for e in w.at.expander if words in plain(e.label)]
    assert len(found) == 1, [plain(e.label) for e in w.at.expander]
    return found[0]


# --- 1. cards stay open -------------------------------------------------------------------------------------------


def test_a_prevalence_row_stays_open_while_it_is_answered(store, make_assessment, g):
    a = make_assessment()
    _set_row(a, "prevalence", "forms", FORM, {})  # nothing answered yet
    w = Wizard.seed(store, a, "prevalence")
    form = flow.form_label(g, FORM)
    assert not _card(w, form).proto.expanded, "rows start closed"
    label = _card(w, form).label
    assert plain(label).startswith(g.t("open_mark"))

    w.at.session_state[w.key("prevalence", "forms", FORM, "card")] = True  # the officer opens the row
    w.at.run()
    assert _card(w, form).proto.expanded
    w.radio("prevalence", "forms", FORM, "prevalent", value="yes")
    assert _card(w, form).proto.expanded, "still open after the first answer"
    assert _card(w, form).label == label, "an open card keeps its label, so it stays the same element"
    w.multi("prevalence", "forms", FORM, "perpetrators", value=["private_persons"])
    w.radio("prevalence", "forms", FORM, "arms_involved", value="no")
    assert _card(w, form).proto.expanded
    saved = flow.row_for(store.get(w.aid).assessment.answer("prevalence", "forms"), FORM)
    assert (saved["prevalent"], saved["perpetrators"], saved["arms_involved"]) == ("yes", ["private_persons"], "no")

    # Away and back: Streamlit forgets the widgets of another screen, the card is still open.
    w.goto("seriousness")
    w.goto("prevalence")
    assert _card(w, form).proto.expanded

    # Once the officer closes it, the closed card shows the row's state.
    w.at.session_state[w.key("prevalence", "forms", FORM, "card")] = False
    w.at.run()
    closed = _card(w, form)
    assert not closed.proto.expanded
    assert plain(closed.label) == f"{form} · {g.screen('prevalence').question('forms').columns[0].label} Yes"


def test_a_source_card_stays_open_after_its_title_is_typed(store, make_assessment):
    a = make_assessment("authorise")
    a.evidence.append(Source(id="S8"))
    n, i = len(a.evidence), len(a.evidence) - 1
    w = Wizard.seed(store, a, "evidence")
    assert _card(w, "S8 ·").proto.expanded, "a new, empty source opens to be filled"
    assert not _card(w, "S1 ·").proto.expanded, "a filled-in source starts closed"
    label = _card(w, "S8 ·").label

    w.text("evidence", "source", n, i, "title", value="Police statistics 2025")
    assert _card(w, "S8 ·").proto.expanded, "still open after the title"
    assert _card(w, "S8 ·").label == label
    w.text("evidence", "source", n, i, "publisher", value="Ministry of the Interior")
    w.select("evidence", "source", n, i, "reliability", value="medium")
    assert _card(w, "S8 ·").proto.expanded
    assert store.get(w.aid).assessment.evidence[i].title == "Police statistics 2025"

    w.at.session_state[w.key("evidence", "card", "S8")] = False
    w.at.run()
    assert not _card(w, "S8 ·").proto.expanded
    assert "Police statistics 2025" in plain(_card(w, "S8 ·").label), "the closed card shows the title"


# --- 2. a new source where it is cited ----------------------------------------------------------------------------


def _open_new_source(w: Wizard, picker: str) -> None:
    """Click "New source": the box opens (its state is the popover's) and its form is drawn."""
    w.at.session_state[f"{picker}:new:box"] = True
    w.at.run()
    w.ok()


def _add_source(w: Wizard, picker: str, title: str) -> None:
    new = lambda name: f"{picker}:new:{name}"  # noqa: E731
    _open_new_source(w, picker)
    w.at.text_input(key=new("title")).input(title)
    w.at.text_input(key=new("publisher")).input("Veloria Women's Shelter Network")
    w.at.selectbox(key=new("type")).set_value("ngo")
    w.at.date_input(key=new("info_date")).set_value(date(2026, 5, 1))
    w.at.selectbox(key=new("reliability")).set_value("medium")
    w.at.button(key=new("add")).click().run()
    w.ok()


def test_a_source_added_in_step_1_is_in_the_register_and_cited_in_the_row(store, make_assessment, g):
    a = make_assessment()
    before = [s.id for s in a.evidence]
    w = Wizard.seed(store, a, "prevalence")
    picker = w.key("prevalence", "forms", "intimate_partner_violence_femicide", "evidence")
    cited = list(w.at.multiselect(key=picker).value)
    assert not [t for t in w.at.text_input if t.key == f"{picker}:new:title"], "a closed box draws no form"
    _add_source(w, picker, "Shelter intake figures <2025>")

    sid = a.next_source_id()
    stored = store.get(w.aid).assessment
    assert [s.id for s in stored.evidence] == [*before, sid], "in the register, saved"
    source = stored.evidence[-1]
    assert (source.title, source.publisher, source.type, source.info_date, source.reliability) == \
        ("Shelter intake figures <2025>", "Veloria Women's Shelter Network", "ngo", date(2026, 5, 1), "medium")
    row = flow.row_for(stored.answer("prevalence", "forms"), "intimate_partner_violence_femicide")
    assert row["evidence"] == [*cited, sid], "cited in that row"
    assert w.at.query_params["screen"] == "prevalence", "the officer is still on step 1"
    assert list(w.at.multiselect(key=picker).value) == [*cited, sid], "the picker shows it at once"
    assert g.t("new_source_added", id=sid) in w.texts()
    _open_new_source(w, picker)  # "Add and cite" closed the box
    assert w.at.text_input(key=f"{picker}:new:title").value == "", "the form is empty for the next source"

    # The register on the Evidence screen shows it as usual, with the step that cites it.
    w.goto("evidence")
    card = _card(w, f"{sid} ·")
    assert "Shelter intake figures <2025>" in plain(card.label)
    assert g.screen("prevalence").title in plain(card.label)
    n = len(stored.evidence)
    assert w.at.text_input(key=w.key("evidence", "source", n, n - 1, "title")).value == "Shelter intake figures <2025>"


def test_a_new_source_needs_a_title_and_a_question_picker_offers_it_too(store, make_assessment, g):
    a = make_assessment()
    w = Wizard.seed(store, a, "seriousness")
    picker = w.key("seriousness", "end_user_listed", "evidence")
    _open_new_source(w, picker)
    w.at.button(key=f"{picker}:new:add").click().run()
    w.ok()
    assert g.t("new_source_needs_title") in w.texts()
    assert len(store.get(w.aid).assessment.evidence) == len(a.evidence), "nothing added"

    cited = list(w.at.multiselect(key=picker).value)
    _add_source(w, picker, "UN list of parties, annex I")
    stored = store.get(w.aid).assessment
    sid = stored.evidence[-1].id
    assert stored.answer("seriousness", "end_user_listed").evidence == [*cited, sid]
    assert w.at.query_params["screen"] == "seriousness"


def test_a_final_assessment_offers_no_new_source(store, make_assessment):
    w = Wizard.seed(store, make_assessment("authorise"), "determination")
    w.at.checkbox(key="finalise_confirm").check().run()
    w.at.button(key="finalise").click().run()
    w.ok()
    w.goto("prevalence")
    picker = w.key("prevalence", "forms", "intimate_partner_violence_femicide", "evidence")
    w.at.session_state[f"{picker}:new:box"] = True  # even a box forced open (its button is disabled) ...
    w.at.run()
    w.ok()
    assert not [b for b in w.at.button if (b.key or "").startswith(f"{picker}:new:")], "... offers no form"


# --- 3. step 2 shows what step 1 recorded ------------------------------------------------------------------------


def test_step_2_rows_show_the_step_1_answer(store, make_assessment, g):
    a = make_assessment()
    ipv = "intimate_partner_violence_femicide"
    row = flow.row_for(a.answer("prevalence", "forms"), ipv)
    _set_row(a, "prevalence", "forms", ipv, {**{k: v for k, v in row.items() if k != "row"},
                                               "notes": "Femicides up 30 % in *2025*, mostly with firearms."})
    _set_row(a, "prevalence", "forms", FORM, {"prevalent": INSUFFICIENT, "perpetrators": ["unknown"],
                                               "arms_involved": None, "notes": ""})
    w = Wizard.seed(store, a, "seriousness")
    q = g.screen("prevalence").question("forms")
    col = {c.id: c for c in q.columns}
    perps = {o.id: o.label for o in col["perpetrators"].options}
    lines = [plain(c.value) for c in w.at.caption if plain(c.value).startswith("In ")]
    step1 = flow.screen_label_for(g, "prevalence")

    ipv_line = next(line for line in lines if "Femicides up 30 % in *2025*" in line)
    assert ipv_line.startswith(f"In {step1}: Prevalent? Yes · Perpetrators: ")
    assert ", ".join(perps[p] for p in row["perpetrators"]) in ipv_line
    assert "Arms involved? Yes" in ipv_line
    assert "What is known: Femicides up 30 % in *2025*, mostly with firearms." in ipv_line

    uncertain = next(line for line in lines if perps["unknown"] in line)
    assert uncertain == (f"In {step1}: Prevalent? {g.t('insufficient_information')} · "
                         f"Perpetrators: {perps['unknown']}")
    assert len(lines) == len(flow.table_row_keys(g, a, g.screen("seriousness").question("forms")))
