"""What an officer met walking a realistic case in the browser, walked again with AppTest.

Navigation keeps the open assessment; the name box and Create agree; the step list's marks mean what the legend
says; every open item names its screen, row and column and goes there; the summary puts what blocks first; the
log and the conflict box speak the screens' words; two drafts never download under the same name.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from tests.ui_driver import APP, WIZARD_PAGE, Wizard, plain
from wizard import flow
from wizard.guidance import load_guidance
from wizard.model import INSUFFICIENT, Source
from wizard.ui import labels

pytestmark = pytest.mark.usefixtures("app_store_url", "fresh_guidance_cache")  # every session here has its own store

HISTORY_PAGE = "wizard/ui/pages/history.py"
LIST_PAGE = "wizard/ui/pages/assessments.py"




@pytest.fixture(scope="module")
def g():
    return load_guidance("en")


def _top_bar(w: Wizard, page: str) -> None:
    """A click on a page in the top bar: the browser goes to the page's own URL, without the query."""
    w.at.query_params.clear()
    w.at.switch_page(page).run()
    w.ok()


def _nav_labels(w: Wizard) -> dict[str, str]:
    return {b.key[len("nav_"):]: plain(b.label) for b in w.at.button if (b.key or "").startswith("nav_")}


def _in_order(at: AppTest) -> list[tuple[str, str]]:
    """(element type, text) for every element of the page, in the order the page shows them."""
    out: list[tuple[str, str]] = []

    def walk(node: Any) -> None:
        children = getattr(node, "children", None)
        if children:
            for k in sorted(children):
                walk(children[k])
            return
        value = getattr(node, "value", None)
        out.append((type(node).__name__, plain(value) if isinstance(value, str) else ""))

    walk(at.main)
    return out


# --- 1. navigation ---------------------------------------------------------------------------------------------------


def test_the_top_bar_keeps_the_open_assessment_on_every_page(store, make_assessment):
    w = Wizard.seed(store, make_assessment(), "mitigation", officer="A. Officer")
    aid = w.aid
    g = load_guidance("en")
    _top_bar(w, HISTORY_PAGE)
    assert g.t("no_assessment_open") not in w.texts()
    assert "EXP-2026-0042" in w.texts()
    assert (w.at.query_params["aid"], w.at.query_params["by"]) == (aid, "A. Officer"), "a refresh still works"

    _top_bar(w, LIST_PAGE)
    _top_bar(w, WIZARD_PAGE)
    assert g.t("no_assessment_open") not in w.texts()
    assert w.at.query_params["aid"] == aid and w.at.query_params["screen"] == "mitigation", \
        "back on the screen last shown"
    assert w.at.query_params["by"] == "A. Officer"

    # A refresh of the history page's URL (a new session) opens the same assessment.
    fresh = AppTest.from_file(APP, default_timeout=30)
    fresh.query_params.update(aid=aid, by="A. Officer")
    fresh.run()
    fresh.switch_page(HISTORY_PAGE).run()
    assert not fresh.exception
    assert "EXP-2026-0042" in "\n".join(plain(t.value) for t in fresh.title)


def test_opening_another_assessment_from_the_list_switches_to_it(store, make_assessment):
    first, second = make_assessment(), make_assessment()
    second.id, second.case.reference = "walk-second", "EXP-2026-0099"
    store.create(second, "test seed")
    w = Wizard.seed(store, first, "prevention")
    _top_bar(w, LIST_PAGE)
    w.at.button(key=f"open_{second.id}").click().run()
    w.at.run()  # the list page switches on the next run
    assert w.at.query_params["aid"] == second.id
    assert "EXP-2026-0099" in w.texts()
    assert w.at.query_params["screen"] == "case", "another assessment starts at its first screen"


# --- 2. the name box and Create ---------------------------------------------------------------------------------------


def test_the_name_in_the_url_enables_create_on_every_page(store, make_assessment):
    w = Wizard.seed(store, make_assessment(), "case", officer="A. Officer")
    _top_bar(w, LIST_PAGE)
    assert w.at.text_input(key="actor_input").value == "A. Officer"
    assert not w.at.button(key="create").disabled, "the name shown is the name used"
    assert w.at.query_params["by"] == "A. Officer"


def test_create_without_a_name_says_what_it_waits_for(store):
    g = load_guidance("en")
    at = AppTest.from_file(APP, default_timeout=30).run()
    create = at.button(key="create")
    assert create.disabled
    assert create.help == g.t("create_needs_name")
    assert g.t("create_needs_name") in [c.value for c in at.caption]
    at.text_input(key="actor_input").input("  Officer Nkosi ").run()
    assert not at.button(key="create").disabled
    assert g.t("create_needs_name") not in [c.value for c in at.caption]
    assert at.query_params["by"] == "Officer Nkosi"
    at.text_input(key="actor_input").input("").run()
    assert at.button(key="create").disabled and "by" not in at.query_params


# --- 3. marks and the legend ------------------------------------------------------------------------------------------


def test_marks_mean_what_the_legend_says(store, make_assessment, g):
    w = Wizard.seed(store, make_assessment("authorise"), "summary")
    marks = _nav_labels(w)
    assert all(label.startswith(g.t("complete_mark")) for label in marks.values()), marks
    assert marks["mitigation"].endswith("6 · step 5 of the flowchart · " + g.screen("mitigation").short_title)
    legend = plain(g.t("marks_legend", complete=g.t("complete_mark"), open=g.t("open_mark"),
                       insufficient=g.t("insufficient_mark"), blocked=g.t("blocked_mark")))
    assert legend in w.texts() or legend in "\n".join(plain(c.value) for c in w.at.sidebar.caption)


def test_an_empty_source_leaves_the_evidence_screen_open(store, make_assessment, g):
    a = make_assessment("authorise")
    a.evidence.append(Source(id="S8"))
    w = Wizard.seed(store, a, "evidence")
    assert _nav_labels(w)["evidence"].startswith(g.t("open_mark"))
    assert not _nav_labels(w)["summary"].startswith(g.t("complete_mark"))
    w.text("evidence", "source", 8, 7, "title", value="Police statistics 2025")
    assert _nav_labels(w)["evidence"].startswith(g.t("complete_mark"))


def test_a_blocking_finding_keeps_the_determination_and_summary_from_done(store, make_assessment, g):
    a = make_assessment("authorise")
    a.determination.overriding_risk = "yes"  # an overriding risk, yet "authorise": Art. 7(3) forbids it
    assert any(f.screen_id == "determination" for f in flow.blocking(flow.check(g, a)))
    assert not flow.open_items(g, a, g.screen("determination"))
    w = Wizard.seed(store, a, "determination")
    marks = _nav_labels(w)
    assert marks["determination"].startswith(g.t("blocked_mark"))
    assert marks["summary"].startswith(g.t("blocked_mark"))


# --- 4. open items --------------------------------------------------------------------------------------------------


def _set_row(a, screen_id: str, qid: str, form: str, **cells: object) -> None:
    ans = a.answer(screen_id, qid)
    rows = [{**r, **cells} if r.get("row") == form else r for r in ans.value]
    a.set_answer(screen_id, qid, ans.model_copy(update={"value": rows}))


def test_open_items_name_row_and_column_and_go_there(store, make_assessment, g):
    a = make_assessment("authorise")
    _set_row(a, "prevalence", "forms", "forced_child_marriage", prevalent=INSUFFICIENT, arms_involved=None)
    w = Wizard.seed(store, a, "summary")
    q = g.screen("prevalence").question("forms")
    col = {c.id: c.label for c in q.columns}
    form = flow.form_label(g, "forced_child_marriage")
    where = labels.SEP.join([flow.screen_label_for(g, "prevalence"), q.label, form])
    text = w.texts()
    assert f"{where}{labels.SEP}{col['arms_involved']}" in text, "the unanswered cell, by row and column"
    assert f"{where}{labels.SEP}{col['prevalent']}" in text, "the insufficient cell, by row and column"
    go = next(b for b in w.at.button if (b.key or "").startswith("unanswered_") and b.key.endswith("_prevalence"))
    go.click().run()
    w.ok()
    assert w.at.query_params["screen"] == "prevalence"


def test_summary_puts_blocking_findings_first(store, make_assessment, g):
    a = make_assessment("authorise")
    a.determination.overriding_risk = "yes"
    w = Wizard.seed(store, a, "summary")
    shown = _in_order(w.at)
    blocking = g.t("rule_overriding_requires_refusal")
    first_error = next(i for i, (_kind, text) in enumerate(shown) if blocking in text)
    answered = next(i for i, (_kind, text) in enumerate(shown) if g.t("summary_all_answered") in text)
    assert first_error < answered
    assert any(blocking in plain(e.value) for e in w.at.error), "in red"
    assert not any(blocking in plain(x.value) for x in w.at.warning)


def test_the_outcome_caption_lists_only_what_is_missing(store, make_assessment, g):
    a = make_assessment("authorise_with_conditions")
    a.determination.reasons = ""
    a.determination.conditions = ""
    w = Wizard.seed(store, a, "determination")
    f = g.screen("determination").field
    needs = [c.value for c in w.at.caption if c.value.startswith(g.t("outcome_requires", fields="").strip())]
    assert [plain(n) for n in needs] == [g.t("outcome_requires", fields=f"{f('reasons').label}, "
                                                                  f"{f('conditions').label}")]
    w.text("determination", "determination.reasons", value="Vetting and inspections keep the risk low.")
    needs = [plain(c.value) for c in w.at.caption if "still needs" in c.value]
    assert needs == [g.t("outcome_requires", fields=f("conditions").label)]
    w.text("determination", "determination.conditions", value="Delivery in two tranches.")
    assert not [c for c in w.at.caption if "still needs" in c.value]


# --- 5. the screens' words ----------------------------------------------------------------------------------------


def test_history_is_newest_first_in_the_screens_words(store, make_assessment, g):
    w = Wizard.seed(store, make_assessment("authorise"), "case", officer="Officer Lin")
    w.text("case", "case.reference", value="EXP-2026-0417")
    w.goto("determination")
    w.radio("determination", "outcome", value="suspend")
    _top_bar(w, HISTORY_PAGE)
    table = w.at.dataframe[0].value
    where = list(table[g.t("col_where")])
    outcome_at = where.index(f"{g.screen('determination').short_title or g.screen('determination').title}"
                             f"{labels.SEP}{g.screen('determination').field('outcome').label}")
    reference_at = where.index(f"{g.screen('case').short_title or g.screen('case').title}"
                               f"{labels.SEP}{g.screen('case').field('reference').label}")
    assert outcome_at < reference_at, "newest first"
    row = table.iloc[outcome_at]
    assert (row[g.t("col_old")], row[g.t("col_new")]) == (g.catalogues.outcomes["authorise"],
                                                          g.catalogues.outcomes["suspend"])
    assert not any("." in w_ and w_.startswith(("case.", "determination.")) for w_ in where)
    assert not any(str(v).startswith("{") for v in table[g.t("col_new")]), "no raw dicts"
    experts = w.at.dataframe[1].value
    assert "determination.outcome" in set(experts[g.t("col_path")])
    assert [e.label for e in w.at.expander if e.label == g.t("paths_heading")], "the paths are folded away"


def test_the_conflict_box_names_fields_as_the_screens_do(store, make_assessment, g):
    a = Wizard.seed(store, make_assessment(), "determination")
    b = Wizard.open(a.aid, screen="determination")
    a.text("determination", "determination.conditions", value="Issue only to vetted units.")
    b.text("determination", "determination.reasons", value="Typed in tab B.")
    text = b.texts()
    assert "Someone else changed this assessment" in text
    assert "version" not in plain(g.t("conflict_body")).lower()
    table = b.at.dataframe[0].value
    det = g.screen("determination")
    conditions = f"{det.short_title or det.title}{labels.SEP}{det.field('conditions').label}"
    assert list(table[g.t("col_where")]) == [conditions]
    assert "determination.conditions" in set(b.at.dataframe[1].value[g.t("col_path")])


# --- 6. downloads ---------------------------------------------------------------------------------------------------


def test_two_drafts_download_under_different_names(store, make_assessment, monkeypatch):
    names: list[str] = []
    original = streamlit.download_button

    def spy(*args: Any, **kwargs: Any) -> Any:
        names.append(kwargs.get("file_name", ""))
        return original(*args, **kwargs)

    monkeypatch.setattr(streamlit, "download_button", spy)
    a = make_assessment()
    a.case.reference = "EXP/2026 0417"
    w = Wizard.seed(store, a, "summary")
    first = names[-1]
    time.sleep(1.1)  # the next save is at least a second later
    w.goto("case")
    w.text("case", "case.exporter", value="Northbrook Precision Arms plc")
    w.goto("summary")
    second = names[-1]
    assert first != second
    for name in (first, second):
        assert name.startswith("EXP-2026-0417-rev1-draft-") and name.endswith("Z.pdf"), name
        assert "/" not in name and " " not in name


def test_a_final_record_does_not_promise_itself_for_later(store, make_assessment, g):
    w = Wizard.seed(store, make_assessment("authorise"), "determination")
    help_text = g.screen("summary").field("record").help
    assert help_text in w.texts()
    w.at.checkbox(key="finalise_confirm").check().run()
    w.at.button(key="finalise").click().run()
    w.ok()
    assert store.get(w.aid).assessment.status == "final"
    assert help_text not in w.texts()
    assert "final record of revision 1" in w.texts()


def test_record_file_names_are_safe_and_carry_the_time(g):
    from datetime import UTC, datetime

    when = datetime(2026, 11, 30, 15, 12, 3, tzinfo=UTC)
    name = labels.record_file_name(g, "EXP/2026:0417 ✓", "id-1", 2, "draft", when)
    assert name == "EXP-2026-0417-rev2-draft-20261130T151203Z.pdf"
    assert labels.record_file_name(g, "", "abc123", 1, "final", None).startswith("abc123-rev1-final-")


def test_import_errors_name_fields_as_the_screens_do(guidance):
    from wizard.ui.labels import in_words

    raw = ("the answers do not fit the guidance (x): answers.mitigation.measures: expected a table (list of rows), "
           "got text; case.items.0.category: Input should be '2(1)(a)'")
    said = in_words(guidance, raw)
    assert "answers.mitigation" not in said and "case.items.0" not in said
    assert "Mitigation › " in said and "Case › Items › Item 1 › ATT category: Input should be" in said
    assert in_words(guidance, "format_version: missing") == "format_version: missing"  # not a field: as it is
