"""Choosing the language (issue 11 groundwork), with a stand-in second language: a copy of the English
guidance in guidance/fr/ with a few strings changed, so that a test can tell the two apart.

The language comes from ``?lang=``, else the session's earlier choice, else the browser's, else English; a
selector on every page changes it and it sticks; the record can be downloaded in another language than the
assessment's. The translations themselves are not part of this: with English alone no selector is shown.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import english_with_stand_in
from tests.ui_driver import APP, Wizard
from wizard import guidance as guidance_module
from wizard import guidance_parity
from wizard.guidance import cached_guidance

pytestmark = pytest.mark.usefixtures("app_store_url")


@pytest.fixture
def two_languages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    root = english_with_stand_in(tmp_path / "guidance", "fr")
    ui = root / "fr" / "ui.yaml"
    text = ui.read_text(encoding="utf-8")
    for old, new in (('language_name: "English"', 'language_name: "Français"'),
                     ('next: "Next →"', 'next: "Suivant →"'),
                     ('language_selector: "Language"', 'language_selector: "Langue"')):
        assert old in text
        text = text.replace(old, new, 1)
    ui.write_text(text, encoding="utf-8")
    monkeypatch.setattr(guidance_module, "GUIDANCE_ROOT", root)
    monkeypatch.setattr(guidance_parity, "GUIDANCE_ROOT", root)
    cached_guidance.cache_clear()
    yield root
    cached_guidance.cache_clear()


def _next_label(w: Wizard) -> str:
    return w.at.button(key="next").label


def test_english_alone_shows_no_selector(tmp_path, monkeypatch, store, make_assessment):
    root = english_with_stand_in(tmp_path / "guidance", "fr")
    shutil.rmtree(root / "fr")
    monkeypatch.setattr(guidance_module, "GUIDANCE_ROOT", root)
    monkeypatch.setattr(guidance_parity, "GUIDANCE_ROOT", root)
    cached_guidance.cache_clear()
    try:
        w = Wizard.seed(store, make_assessment(), screen="case")
        assert not [s for s in w.at.sidebar.selectbox if s.key == "lang_select"]
    finally:
        cached_guidance.cache_clear()


def test_the_shipped_languages_are_offered_each_by_its_own_name(store, make_assessment):
    w = Wizard.seed(store, make_assessment(), screen="case")
    select = w.at.selectbox(key="lang_select")
    assert select.options == ["English", "Español", "Français", "中文"] and select.value == "en"


def test_the_url_chooses_and_the_choice_sticks(two_languages, store, make_assessment):
    stored = store.create(make_assessment(), "test")
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["aid"] = stored.assessment.id
    at.query_params["lang"] = "fr"
    at.query_params["screen"] = "case"
    at.run()
    at.switch_page("wizard/ui/pages/assessment.py").run()
    assert at.button(key="next").label == "Suivant →"
    assert at.selectbox(key="lang_select").value == "fr"
    assert at.selectbox(key="lang_select").label == "Langue"
    at.query_params.pop("lang")  # a link of the top bar drops the query: the session keeps the choice
    at.run()
    assert at.button(key="next").label == "Suivant →"


def test_the_selector_switches_mid_assessment_and_loses_nothing(two_languages, store, make_assessment):
    a = make_assessment()
    w = Wizard.seed(store, a, screen="case")
    assert _next_label(w) == "Next →"
    w.at.selectbox(key="lang_select").set_value("fr").run()
    w.ok()
    assert _next_label(w) == "Suivant →" and w.at.query_params["lang"] == "fr"
    assert store.get(w.aid).version == 1, "switching language saves nothing"
    assert w.at.text_input(key=w.key("case", "case.reference")).value == a.case.reference


def test_the_browser_language_is_the_default(two_languages, store, make_assessment):
    stored = store.create(make_assessment(), "test")
    at = AppTest.from_file(APP, default_timeout=30)
    at.context["locale"] = "fr-CH"
    at.query_params["aid"] = stored.assessment.id
    at.run()
    at.switch_page("wizard/ui/pages/assessment.py").run()
    assert at.button(key="next").label == "Suivant →"


def test_the_record_can_be_downloaded_in_another_language(two_languages, store, make_assessment):
    w = Wizard.seed(store, make_assessment(), screen="determination")
    choice = w.at.selectbox(key="pdf_lang_determination")
    assert choice.options == ["English", "Français"] and choice.value == "en"


def test_a_language_switch_redoes_the_checks_in_the_new_language(store, make_assessment):
    """The consistency findings and open items are worked out once per stored state; switching language
    changes their words, not the state, so they are worked out again in the new language."""
    from wizard import flow
    from wizard.guidance import load_guidance

    a = make_assessment("authorise")
    a.determination.reassessment_triggers = ""  # "Authorise" needs them: a blocking finding
    fr = load_guidance("fr")
    french = [f.message for f in flow.blocking(flow.check(fr, a))]
    assert french
    w = Wizard.seed(store, a, screen="summary")
    w.at.selectbox(key="lang_select").set_value("fr").run()
    w.ok()
    shown = w.texts()
    assert all(message in shown for message in french), (french, shown[:500])
