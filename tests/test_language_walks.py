"""A whole assessment in Chinese, French and Spanish (issue 11): every screen, page, message and record in the
chosen language, with nothing left in English but the officer's own text, proper names and titles of works.

Each language gets one walk from the first screen to a finalised record, through the AppTest driver that the
English walks use, so that the screens, the checks and the record are the ones an officer meets.
"""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from tests.language_leaks import english_leaks, shown_texts
from tests.ui_driver import Wizard
from wizard import record
from wizard.guidance import load_guidance
from wizard.locale_format import date_text

pytestmark = pytest.mark.usefixtures("app_store_url", "fresh_guidance_cache")

PAGES = ["wizard/ui/pages/assessments.py", "wizard/ui/pages/history.py", "wizard/ui/pages/guidance.py",
         "wizard/ui/pages/about.py"]
# Officer's text in the walk's own language, so that the record must carry it exactly (the driver's English
# answers are kept as well: an officer may write in any language).
OWN = {"zh": "最终用户承诺：每批交付后六个月内接受现场核查。",
       "fr": "L’utilisateur final accepte une inspection sur place « à 6 mois » & à 18 mois.",
       "es": "El usuario final acepta inspecciones in situ a los 6 y 18 meses; «sin excepción»."}


def _leaks_on_every_screen(w: Wizard, lang: str) -> list[str]:
    g = load_guidance(lang)
    found = []
    for screen in g.meta.order:
        w.goto(screen)
        found += [f"{screen}: {leak}" for leak in english_leaks(shown_texts(w.at), lang, w.typed)]
    for page in PAGES:
        w.at.switch_page(page).run()
        w.ok()
        found += [f"{page}: {leak}" for leak in english_leaks(shown_texts(w.at), lang, w.typed)]
    return found


@pytest.mark.parametrize("lang", ["zh", "fr", "es"])
def test_a_whole_assessment_in_one_language_shows_no_english_and_records_in_it(lang, store):
    g = load_guidance(lang)
    w = Wizard.start(lang=lang)
    assert w.at.query_params["lang"] == lang
    w.fill_case().fill_article6().fill_evidence()
    w.fill_steps(serious=True, end_user_perpetrator=True, mitigation_credible=True)
    w.fill_determination(overriding="no", outcome="authorise_with_conditions", gbv_ground=False,
                         conditions=OWN[lang])
    a = store.get(w.aid).assessment
    assert a.language == lang and a.guidance_version.startswith(g.version), "it records the language it was made in"
    assert a.determination.conditions == OWN[lang]

    # The screens speak the language: the summary's verdicts are the language's own.
    w.goto("summary")
    assert g.t("summary_all_answered") in w.texts() and g.t("summary_no_warnings") in w.texts()
    assert _leaks_on_every_screen(w, lang) == []

    # The record: in the language, with its headings, the officer's text exactly, dates the language's way.
    pdf = record.build_pdf(a, g)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    flat = "".join(text.split())
    for heading in (g.t("record_title"), g.t("record_decision"), g.screen("prevalence").short_title,
                    g.screen("determination").short_title, g.t("translation_notice")):
        assert "".join(heading.split()) in flat, heading
    english = load_guidance("en")
    left = [v for k, v in english.ui.items() if k.startswith("record_") and len(v.split()) >= 3
            and "{" not in v and v != g.ui[k] and "".join(v.split()) in flat]
    assert left == [], "record labels still in English"
    assert "".join(OWN[lang].split()) in flat
    assert "".join(date_text(date(2027, 12, 1), lang).split()) in flat, "the review date, as the language writes it"
    assert record.verify_pdf(pdf).ok


def test_the_leak_finder_finds_english_and_spares_the_officer_and_titles_of_works():
    en, fr = load_guidance("en"), load_guidance("fr")
    # A sentence of the English interface, or an English literal no catalogue has, is found.
    assert english_leaks([en.t("summary_all_answered")], "fr")
    assert english_leaks(["Nothing to save: the assessment is closed for now"], "zh")
    assert english_leaks([f"{fr.t('next')} · Open the record from this page"], "fr")
    # The same words typed by the officer, or kept in French as a published title, are not a leak.
    typed = "Checked against the sanctions list of the region"
    assert english_leaks([f"{fr.t('reasons')}: {typed}"], "fr", typed=[typed]) == []
    kept = next(r.title for r in fr.references if r.title == next(e.title for e in en.references if e.id == r.id)
                and len(r.title.split()) >= 4)
    assert english_leaks([kept], "fr") == []
    assert english_leaks([fr.t("summary_all_answered"), fr.screen("prevalence").title], "fr") == []


def test_the_page_texts_include_labels_help_options_and_the_sidebar(store, make_assessment):
    fr = load_guidance("fr")
    w = Wizard.seed(store, make_assessment(), screen="mitigation")
    w.at.selectbox(key="lang_select").set_value("fr").run()
    shown = "\n".join(shown_texts(w.at))
    q = fr.screen("mitigation").question("residual_risk")
    for text in (fr.t("next"), q.label, q.help, q.options[0].label, fr.t("language_selector"), fr.t("screens_heading")):
        assert text in shown, text


@pytest.mark.parametrize("lang", ["zh", "fr", "es"])
def test_the_fact_sheet_in_each_language_has_its_headings_and_says_it_is_a_working_translation(lang):
    from wizard.factsheet import render_factsheet

    g, english = load_guidance(lang), load_guidance("en")
    text = "".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(render_factsheet(g).pdf)).pages).split())
    for heading in (g.meta.title, g.t("factsheet_header"), g.t("factsheet_order_heading"), g.t("translation_notice"),
                    *(s.title for s in g.screens if s.kind == "step")):
        assert "".join(heading.split()) in text, heading
    left = [v for k, v in english.ui.items() if k.startswith("factsheet_") and len(v.split()) >= 3 and "{" not in v
            and v != g.ui[k] and "".join(v.split()) in text]
    assert left == [], "fact sheet labels still in English"
