"""Training in the wizard (issue 12), walked with AppTest: every scenario answered as its model says gets a
full match; a wrong answer shows its annotation; the information pack cites a document in one click; a trainee
joins a session by its code; the trainer's counts; a training attempt is never finalised."""

from __future__ import annotations

import pytest

from tests.training_driver import enter_model, start_alone
from tests.ui_driver import plain
from wizard import training
from wizard.guidance import load_guidance
from wizard.scenarios import load_scenarios

pytestmark = pytest.mark.usefixtures("app_store_url", "fresh_guidance_cache")

EN = load_guidance("en")
SCENARIOS = load_scenarios("en")


@pytest.mark.parametrize("s", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_each_scenario_answered_as_its_model_says_is_a_full_match(s, store):
    w = start_alone(s.id)
    a = store.get(w.aid).assessment
    assert a.training and a.scenario == s.id and a.case.importing_state == s.importing_state
    enter_model(w, s, EN)
    scores = training.compare(store.get(w.aid).assessment, s, EN)
    matched, scored = training.total(scores)
    assert scored > 0 and matched == scored, [(c.screen_id, c.question_id, c.differences)
                                              for x in scores for c in x.comparisons if not c.matched]
    w.goto("summary")
    text = w.texts()
    assert EN.t("feedback_end_heading") in text
    total = EN.t("feedback_total", matched=matched, scored=scored, percent=100)
    assert total in [str(m.value) for m in w.at.markdown], "the total in bold, as Markdown"


def _scenario(sid: str):
    return next(s for s in SCENARIOS if s.id == sid)


def test_a_wrong_answer_is_shown_beside_the_model_with_its_annotation(store):
    s = _scenario("quessa_brigade")
    w = start_alone(s.id)
    w.goto("prevention")
    model = s.answers["prevention"]["accountability"]
    wrong = "effective" if model.value != "effective" else "impunity"
    w.radio("prevention", "accountability", "value", value=wrong)
    expander = next(e for e in w.at.expander if e.label == EN.t("feedback_request"))
    shown = plain("\n".join(str(m.value) for m in expander.markdown))
    label = EN.screen("prevention").question("accountability").label
    assert f":red[✗] **{label}**" in shown
    assert model.annotation.split(".")[0] in shown, "the reasoning is shown"
    # Next from the step: the next screen opens with this step's comparison.
    w.next()
    assert EN.t("feedback_after", step=EN.screen("prevention").short_title, matched=0, scored=5) in plain(w.texts())
    w.back()
    assert EN.t("feedback_after", step=EN.screen("prevention").short_title, matched=0, scored=5) \
        not in plain(w.texts()), "Back shows no comparison"


def test_a_document_of_the_pack_joins_the_register_in_one_click_under_its_id(store):
    s = _scenario("tarvonia_police_vehicles")
    w = start_alone(s.id)
    w.goto("evidence")
    doc = s.documents[2]
    w.at.button(key=f"pack_add_{doc.id}").click().run()
    w.ok()
    a = store.get(w.aid).assessment
    (source,) = a.evidence
    assert (source.id, source.title, source.publisher, source.info_date) == (doc.id, doc.title, doc.author, doc.date)
    assert EN.t("pack_in_register", id=doc.id) in w.texts()
    assert not [b for b in w.at.button if b.key == f"pack_add_{doc.id}"], "added once"


def test_a_trainee_joins_a_session_by_its_code_and_the_attempt_belongs_to_it(store):
    from streamlit.testing.v1 import AppTest

    from tests.training_driver import TRAINING_PAGE
    from tests.ui_driver import APP

    ts = store.create_training_session("solmere_coastguard", "en", "Course 12", "Trainer Ines Okafor")
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["join"] = ts.code.lower()  # the link the trainer hands out
    at.run()
    at.text_input(key="actor_input").input("Trainee Lin Wei").run()
    at.switch_page(TRAINING_PAGE).run()
    assert at.text_input(key="join_code").value == ts.code.lower()
    assert any("Course 12" in str(m.value) for m in at.markdown)
    at.button(key="join_start").click().run()
    (attempt,) = store.attempts(ts.code)
    assert attempt.assessment.officer == "Trainee Lin Wei" and attempt.assessment.scenario == "solmere_coastguard"
    assert attempt.assessment.training_session == ts.code and attempt.assessment.training


def test_a_training_attempt_offers_no_finalising_and_is_listed_apart(store):
    s = _scenario("dravenia_embargo")
    w = start_alone(s.id)
    w.goto("determination")
    assert not [b for b in w.at.button if b.key == "finalise"]
    assert EN.t("training_never_final") in w.texts()
    assert EN.t("training_banner", title=s.title) in w.texts().replace("\\", "")
    w.at.switch_page("wizard/ui/pages/assessments.py").run()
    shown = plain("\n".join(str(m.value) for m in w.at.markdown))
    assert s.application.reference not in shown, "real assessments are listed by default, training apart"
    w.at.segmented_control(key="f_kind").set_value("training").run()
    shown = plain("\n".join(str(m.value) for m in w.at.markdown))
    assert s.application.reference in shown
