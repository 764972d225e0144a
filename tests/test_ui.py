"""Assessments walked through the Streamlit app with AppTest, as an officer would.

One walk types a whole assessment in through the widgets and finalises it. The other tests start from a
complete case stored as it is (``make_assessment`` in tests/conftest.py, opened with ``Wizard.seed``), changed
beforehand only where their point needs it, and make through the widgets the changes their assertions are about.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.ui_driver import APP, PREVALENT, Wizard, plain
from wizard import flow
from wizard.guidance import cached_guidance, load_guidance
from wizard.model import INSUFFICIENT, Answer, Assessment, Determination
from wizard.store import Locked, Store

# Every session here, seeded or not, has its own store, and reads the guidance as the files are now.
pytestmark = pytest.mark.usefixtures("app_store_url", "fresh_guidance_cache")



def _finalise(w: Wizard) -> None:
    w.goto("determination")
    w.at.checkbox(key="finalise_confirm").check().run()
    w.at.button(key="finalise").click().run()
    w.ok()
    w.generation += 1  # the locked model is re-read, so the widgets are made afresh


def _findings(store: Store, aid: str) -> set[str]:
    return {f.rule for f in flow.check(load_guidance("en"), store.get(aid).assessment)}


# --- changes made to a seeded case before it is opened ---------------------------------------------------------


def _undecided(a: Assessment, reasons: str = "") -> Assessment:
    """No finding of overriding risk, no outcome and no ground chosen yet; the rest of the determination stays."""
    a.determination = Determination(reasons=reasons or a.determination.reasons, review_date=a.determination.review_date,
                                    reassessment_triggers=a.determination.reassessment_triggers)
    return a


def _nothing_serious(a: Assessment) -> Assessment:
    """Step 2: no form found serious."""
    ans = a.answer("seriousness", "forms")
    rows = [{**row, "serious": "no", "criteria": []} for row in ans.value]
    a.set_answer("seriousness", "forms", ans.model_copy(update={"value": rows}))
    return a


def _no_credible_measure(a: Assessment) -> Assessment:
    """Step 5: no measure is credible, and the residual risk is high."""
    ans = a.answer("mitigation", "measures")
    rows = [{**row, "credible": "no"} for row in ans.value]
    a.set_answer("mitigation", "measures", ans.model_copy(update={"value": rows}))
    residual = a.answer("mitigation", "residual_risk")
    a.set_answer("mitigation", "residual_risk", residual.model_copy(update={"value": "high"}))
    return a


def test_walk_to_authorise_with_conditions_then_finalise(store):
    w = Wizard.start()
    w.fill_case().fill_article6().fill_evidence()
    w.fill_steps(serious=True, end_user_perpetrator=True, mitigation_credible=True)
    w.fill_determination(overriding="no", outcome="authorise_with_conditions", gbv_ground=False,
                         conditions="Post-shipment inspection at 6 and 18 months.")
    a = store.get(w.aid).assessment
    assert a.case.reference == "VEL-2026-0147"
    assert a.case.items[0].category == "2(1)(h)" and a.case.items[0].quantity == 1200
    assert a.determination.outcome == "authorise_with_conditions"
    assert a.answer("mitigation", "residual_risk").value == "low"
    assert flow.all_open_items(load_guidance("en"), a) == []

    w.goto("summary")
    text = w.texts()
    assert "Every required question has an answer." in text
    assert "No consistency problems found." in text
    assert w.at.get("download_button"), "the PDF is downloadable from the summary"

    _finalise(w)
    stored = store.get(w.aid)
    assert stored.assessment.status == "final"
    assert "final and locked" in w.texts()
    w.goto("case")
    assert w.at.text_input(key=w.key("case", "case.reference")).disabled


def test_walk_to_refusal_on_overriding_risk(store, make_assessment):
    # The end user abuses a serious form and no credible measure addresses it (seeded): flagged while undecided...
    w = Wizard.seed(store, _undecided(_no_credible_measure(make_assessment("authorise_with_conditions")),
                                      reasons="Overriding risk of serious sexual violence by the end user."),
                    "determination")
    assert "end_user_risk_unmitigated" in _findings(store, w.aid)
    w.radio("determination", "overriding_risk", value="yes")
    w.radio("determination", "outcome", value="refuse")
    w.radio("determination", "gbv_ground", value="yes")
    a = store.get(w.aid).assessment
    assert (a.determination.overriding_risk, a.determination.outcome, a.determination.gbv_ground) == \
        ("yes", "refuse", True)
    # ...and moot once the export is refused.
    assert "end_user_risk_unmitigated" not in _findings(store, w.aid)
    assert not flow.blocking(flow.check(load_guidance("en"), a))
    _finalise(w)
    assert store.get(w.aid).assessment.status == "final"


def test_walk_to_plain_authorisation_when_nothing_is_serious(store, make_assessment):
    w = Wizard.seed(store, _undecided(_nothing_serious(make_assessment("authorise"))), "determination")
    w.radio("determination", "overriding_risk", value="no")
    w.radio("determination", "outcome", value="authorise")
    w.radio("determination", "gbv_ground", value="no")
    a = store.get(w.aid).assessment
    assert a.determination.outcome == "authorise"
    assert _findings(store, w.aid) == set()
    _finalise(w)
    assert store.get(w.aid).assessment.status == "final"


def test_walk_to_suspension_pending_information(store, make_assessment):
    a = make_assessment("suspend")
    a.gaps = []  # no Art. 8(1) request yet
    a.set_answer("prevention", "accountability", Answer(value="limited", evidence=["S2", "S3"]))
    w = Wizard.seed(store, a, "prevention")
    w.radio("prevention", "accountability", "value", value=INSUFFICIENT)
    assert store.get(w.aid).assessment.answer("prevention", "accountability").insufficient
    assert "suspend_without_gap" in _findings(store, w.aid)
    w.goto("evidence")
    w.click("evidence", "add_gap")
    w.text("evidence", "gap", 1, 0, "description", value="Prosecution figures for 2024-2025.")
    w.text("evidence", "gap", 1, 0, "asked_of", value="Embassy of Veloria")
    w.check("evidence", "gap", 1, 0, "art8")
    w.day("evidence", "gap", 1, 0, "sent_on", value=date(2026, 11, 20))
    a = store.get(w.aid).assessment
    assert a.gaps[0].art8_request and a.gaps[0].sent_on == date(2026, 11, 20)
    assert "suspend_without_gap" not in _findings(store, w.aid)
    w.goto("summary")
    text = w.texts()
    assert "Answered \"insufficient information\"" in text
    assert "Accountability" in text or "accountab" in text.lower()


def test_article6_yes_forces_refusal(store, make_assessment):
    w = Wizard.seed(store, make_assessment("authorise"), "article6")  # decided: authorise
    w.radio("article6", "p1", value="yes")
    w.text("article6", "p1", "reasons", value="UN Security Council arms embargo on Veloria (fictional).")
    assert "the transfer is prohibited" in w.texts()
    w.goto("determination")
    assert "art6_prohibits" in _findings(store, w.aid)
    refuse_art6 = load_guidance("en").catalogues.outcomes["refuse_art6"]
    assert f"must be \"{refuse_art6}\"" in w.texts()
    assert w.at.button(key="finalise").disabled, "an Art. 6 prohibition blocks finalising an authorisation"
    w.radio("determination", "outcome", value="refuse")  # a refusal under 7(3) names the wrong legal basis
    assert "art6_prohibits" in _findings(store, w.aid)
    w.radio("determination", "outcome", value="refuse_art6")
    assert "art6_prohibits" not in _findings(store, w.aid)


def test_summary_lists_open_items_and_every_warning(store, make_assessment):
    a = _nothing_serious(make_assessment("authorise"))
    a.determination = a.determination.model_copy(update={"overriding_risk": "yes", "gbv_ground": True,
                                                         "reassessment_triggers": ""})
    w = Wizard.seed(store, a, "prevention")
    w.radio("prevention", "effectiveness", "value", value=INSUFFICIENT)
    w.goto("summary")
    text = w.texts()
    g = load_guidance("en")
    for rule in ("overriding_requires_refusal", "overriding_without_serious_form", "outcome_needs",
                 "authorise_on_insufficient_information"):
        assert rule in _findings(store, w.aid)
    assert g.t("rule_overriding_requires_refusal") in [plain(e.value).split(": ", 1)[-1] for e in w.at.error]
    assert g.t("rule_overriding_without_serious_form") in text
    effectiveness = g.screen("prevention").question("effectiveness").label
    assert effectiveness in text, "an insufficient-information answer is listed on the summary"


def test_back_and_change_an_answer_keeps_every_other_answer(store, make_assessment):
    w = Wizard.seed(store, make_assessment("authorise"), "prevalence")
    assert w.at.radio(key=w.key("prevalence", "forms", PREVALENT[1], "prevalent")).value == "yes"
    w.goto("overriding_risk")
    before = store.get(w.aid).assessment
    # Back through the steps to flowchart step 1: the widget state of other screens is gone, the model is not.
    for _ in range(4):
        w.back()
    assert w.at.query_params["screen"] == "prevalence"
    radio = w.at.radio(key=w.key("prevalence", "forms", PREVALENT[1], "prevalent"))
    assert radio.value == "yes", "the answer given earlier is shown again"
    w.radio("prevalence", "forms", PREVALENT[1], "prevalent", value="no")
    after = store.get(w.aid).assessment
    assert after.answer("mitigation", "measures") == before.answer("mitigation", "measures")
    assert after.case == before.case
    # The seriousness table now only lists the forms still marked prevalent.
    w.goto("seriousness")
    assert w.at.radio(key=w.key("seriousness", "forms", PREVALENT[0], "serious")).value == "yes"
    with pytest.raises(KeyError):
        w.at.radio(key=w.key("seriousness", "forms", PREVALENT[1], "serious"))


def test_fresh_session_on_the_same_url_finds_everything_at_the_same_screen(store, make_assessment):
    a = make_assessment()
    a.article6.p1.answer = None
    w = Wizard.seed(store, a, "article6")
    w.radio("article6", "p1", value="no")
    w.text("article6", "p3", "reasons", value="No knowledge of use in atrocity crimes <b>&</b> 🙂 无")
    again = Wizard.open(w.aid, screen="article6")
    assert again.at.query_params["screen"] == "article6"
    assert again.at.radio(key=again.key("article6", "p1")).value == "no"
    assert again.at.text_area(key=again.key("article6", "p3", "reasons")).value == \
        "No knowledge of use in atrocity crimes <b>&</b> 🙂 无"
    again.goto("case")
    assert again.at.text_input(key=again.key("case", "case.reference")).value == a.case.reference


def test_two_sessions_editing_the_same_assessment_get_a_conflict(store, make_assessment):
    a = Wizard.seed(store, make_assessment(), "case")
    b = Wizard.open(a.aid, screen="case")
    a.text("case", "case.exporter", value="Exporter set in tab A")
    b.text("case", "case.end_user", value="End user typed in tab B")  # b's copy is stale
    assert "Someone else changed this assessment" in b.texts()
    stored = store.get(a.aid).assessment
    assert stored.case.exporter == "Exporter set in tab A"
    assert stored.case.end_user != "End user typed in tab B", "a stale save never overwrites"
    assert any(ch.path == "case.exporter" for ch in b.at.session_state["doc"].conflict.changes)
    b.at.button(key="conflict_mine").click().run()
    b.ok()
    stored = store.get(a.aid).assessment
    assert stored.case.exporter == "Exporter set in tab A" and stored.case.end_user == "End user typed in tab B"


def test_final_assessment_cannot_change_and_reopens_as_a_new_revision(store, make_assessment):
    w = Wizard.seed(store, make_assessment("authorise"), "determination")
    _finalise(w)
    final = store.get(w.aid)
    assert final.assessment.status == "final"
    with pytest.raises(Locked):
        store.save(final.assessment.model_copy(update={"officer": "someone"}), final.version, "x")
    w.goto("case")
    w.at.text_input(key="reopen_reason").input("New NGO report received (Art. 7(7)).").run()
    w.at.button(key="reopen").click().run()
    w.ok()
    reopened = store.get(w.aid).assessment
    assert (reopened.status, reopened.revision) == ("draft", 2)
    assert store.load_revision(w.aid, 1).status == "final"
    w.generation += 1
    w.text("case", "case.end_use", value="Changed after reopening.")
    assert store.get(w.aid).assessment.case.end_use == "Changed after reopening."
    assert store.load_revision(w.aid, 1).case.end_use != "Changed after reopening."


def test_a_failed_save_says_so_and_keeps_the_typed_text(store, monkeypatch):
    w = Wizard.start()
    w.goto("case")

    def broken(*_args, **_kwargs):
        from wizard.store import DatabaseError

        raise DatabaseError("database is locked")

    monkeypatch.setattr(Store, "save", broken)
    w.at.text_input(key=w.key("case", "case.reference")).input("typed while the database is down").run()
    assert any("NOT saved" in e.value for e in w.at.error)
    assert w.at.text_input(key=w.key("case", "case.reference")).value == "typed while the database is down"
    monkeypatch.undo()
    assert store.get(w.aid).assessment.case.reference == ""


def test_the_step_list_shows_both_numberings_and_marks_completion(store):
    w = Wizard.start()
    w.goto("mitigation")
    assert "4 of 5 · flowchart step 5" in w.texts()
    w.goto("overriding_risk")
    assert "5 of 5 · flowchart step 4" in w.texts()
    labels = [plain(b.label) for b in w.at.button if (b.key or "").startswith("nav_")]
    mitigation = next(x for x in labels if "6 · step 5 of the flowchart · " in x)
    overriding = next(x for x in labels if "7 · step 4 of the flowchart · " in x)
    assert labels.index(mitigation) < labels.index(overriding)
    w.fill_article6()
    labels = {b.key: b.label for b in w.at.button if (b.key or "").startswith("nav_")}
    assert labels["nav_article6"].startswith("✓") and labels["nav_prevalence"].startswith("○")


def test_guidance_that_fails_to_load_gives_an_error_page_not_a_traceback(tmp_path, monkeypatch):
    import shutil

    import wizard.guidance as guidance_module

    broken = tmp_path / "guidance"
    shutil.copytree(guidance_module.GUIDANCE_ROOT, broken)
    (broken / "en" / "meta.yaml").write_text("version: [unclosed\n")
    monkeypatch.setattr(guidance_module, "GUIDANCE_ROOT", broken)
    cached_guidance.cache_clear()
    try:
        from streamlit.testing.v1 import AppTest

        at = AppTest.from_file(APP, default_timeout=30).run()
        assert not at.exception
        assert any("could not be loaded" in e.value for e in at.error)
        assert "meta.yaml, line 2: not valid YAML" in at.code[0].value  # the parser stops at the end
    finally:
        cached_guidance.cache_clear()


def test_assessments_page_filters_archives_restores_and_duplicates(store, make_assessment):
    from streamlit.testing.v1 import AppTest

    first, second = make_assessment(), make_assessment()
    first.id, first.case.reference = "ui-list-0001", "VEL-A-1"
    second.id, second.case.reference = "ui-list-0002", "EAST-B-2"
    store.create(first, "test seed")
    store.create(second, "test seed")
    at = AppTest.from_file(APP, default_timeout=30).run()  # the list of assessments is the start page
    at.text_input(key="f_text").input("EAST").run()
    assert any(c.value.endswith("· 1 assessment") for c in at.caption), "one assessment, in the singular"
    at.button(key=f"archive_{second.id}").click().run()
    at.button(key=f"archive_yes_{second.id}").click().run()
    assert store.get(second.id).archived
    assert "0 assessments" in "\n".join(c.value for c in at.caption)
    at.selectbox(key="f_show").set_value("archived").run()
    at.button(key=f"restore_{second.id}").click().run()
    assert not store.get(second.id).archived
    at.text_input(key="f_text").input("VEL-A").run()
    at.selectbox(key="f_show").set_value("active").run()
    at.button(key=f"dup_{first.id}").click().run()
    at.text_input(key="f_text").input("VEL-A-1").run()
    assert "2 assessments" in "\n".join(c.value for c in at.caption)
    assert not at.exception


def test_the_assessments_page_reads_its_rows_and_counts_in_one_statement(store, make_assessment):
    """Issue 14: a rerun of the list (typing in a filter, paging) costs the database one statement."""
    from sqlalchemy.engine import Engine
    from streamlit.testing.v1 import AppTest

    from tests.conftest import statements_sent

    for n in range(30):
        a = make_assessment()
        a.id, a.case.reference = f"ui-one-{n:04d}", f"ONE-{n:04d}"
        store.create(a, "test seed")
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.text_input(key="f_text").input("one-0").run()  # the text's plan is worked out on its first search
    with statements_sent(Engine) as sent:
        at.run()
        rerun = list(sent)
        at.button(key="next_page").click().run()
    assert len(rerun) == 1 and "FROM assessments" in rerun[0][0], rerun
    assert len(sent) == 2, sent
    assert not at.exception and "Page 2 of 2 · 30 assessments" in "\n".join(c.value for c in at.caption)
    # Another search starts at its first page, not at the page the previous list was on
    at.text_input(key="f_text").input("one-00").run()
    assert "Page 1 of 2 · 30 assessments" in "\n".join(c.value for c in at.caption)


def test_history_page_shows_who_changed_what(store, make_assessment):
    w = Wizard.seed(store, make_assessment(), "case", officer="Officer Lin")
    w.text("case", "case.reference", value="VEL-2026-0147")
    w.at.switch_page("wizard/ui/pages/history.py").run()
    assert not w.at.exception
    table = w.at.dataframe[0].value
    g = load_guidance("en")
    assert f"Case › {g.screen('case').field('reference').label}" in set(table[g.t("col_where")])
    assert "case.reference" not in set(table[g.t("col_where")]), "paths only in the experts' fold"
    assert "Officer Lin" in set(table[g.t("col_who")])
    assert "case.reference" in set(w.at.dataframe[1].value[g.t("col_path")])


def test_training_assessment_is_marked(store):
    w = Wizard.start(training=True)
    assert store.get(w.aid).assessment.training
    assert "TRAINING" in w.texts()



def test_a_change_that_would_land_on_another_row_is_not_reapplied(store, make_assessment):
    seeded = make_assessment()
    assert len(seeded.case.items) == 2
    a = Wizard.seed(store, seeded, "case")
    a.text("case", "item", 2, 1, "description", value="Second item")
    b = Wizard.open(a.aid, screen="case")
    a.click("case", "item", 2, 0, "remove")  # tab A removes the first item: the second moves up
    b.text("case", "item", 2, 1, "description", value="Edited in tab B")
    assert "Someone else changed this assessment" in b.texts()
    b.text("case", "case.exporter", value="Exporter typed while the conflict waits")  # held, not saved
    assert store.get(a.aid).assessment.case.exporter == seeded.case.exporter
    b.at.button(key="conflict_mine").click().run()
    assert "1 of your changes were not applied" in b.texts()
    stored = store.get(a.aid).assessment
    assert [i.description for i in stored.case.items] == ["Second item"], "nothing was written to the wrong item"
    assert stored.case.exporter == "Exporter typed while the conflict waits", "the held change that fits is saved"
