"""A training attempt on the wizard's page (issue 12): the banner, the information pack beside the questions
(a document joins the evidence register in one click), and the trainee's answers beside the model answers:
after each step, on request on any step, and in full at the end."""

from __future__ import annotations

import streamlit as st

from wizard import training
from wizard.edits import Edit
from wizard.guidance_schema import Guidance, GuidanceError, Screen
from wizard.locale_format import date_text
from wizard.model import Source
from wizard.scenarios import Scenario, cached_scenarios, scenario
from wizard.training import Comparison, StepScore
from wizard.ui import session
from wizard.ui.session import OpenDoc
from wizard.ui.text import md

FEEDBACK_AFTER = "training_feedback_after"  # session state: (assessment id, the step just left)
STEP_KINDS = ("article6", "step", "determination")


def scenario_of(g: Guidance, doc: OpenDoc) -> Scenario | None:
    """The scenario of a training attempt, in the language shown (None for other assessments, or when the
    scenario is not in this installation's packs any more)."""
    sid = doc.assessment.scenario
    if not sid:
        return None
    try:
        return scenario(cached_scenarios(g.language), sid)
    except (KeyError, GuidanceError):
        return None


def banner(g: Guidance, doc: OpenDoc, s: Scenario | None) -> None:
    if not doc.assessment.training:
        return
    st.warning(g.t("training_banner", title=md(s.title) if s else "—"))


# --- the information pack ----------------------------------------------------------------------------------


def _add_document(doc: OpenDoc, s: Scenario, doc_id: str) -> None:
    """One click: the document joins the evidence register under its pack id, ready to cite."""
    a = doc.assessment
    if doc_id in a.source_ids():
        return
    i, appended = len(a.evidence), a.next_source_id()  # what Edit.append_to("evidence") makes on this version
    for edit in (Edit.append_to("evidence"), Edit(f"evidence.{i}", training.source_of(s, doc_id), Source(id=appended))):
        if not session.commit(doc, edit) and doc.conflict is None:
            return


def information_pack(g: Guidance, doc: OpenDoc, s: Scenario) -> None:
    in_register = set(doc.assessment.source_ids())
    kinds = g.ui
    with st.expander(g.t("pack_heading", n=len(s.documents)), expanded=False):
        st.caption(md(g.t("pack_help")))
        for d in s.documents:
            with st.container(border=True):
                kind = kinds.get(f"pack_kind_{d.kind}", d.kind)
                st.markdown(f"**{d.id} · {md(d.title)}**  \n"
                            f"{md(kind)} · {md(d.author)} · {date_text(d.date, g.language)}")
                with st.expander(g.t("pack_read"), expanded=False):
                    # every line break is a paragraph (a folded YAML block keeps single breaks)
                    st.markdown(md(d.text).replace("\n", "\n\n"))
                if d.id in in_register:
                    st.caption(md(g.t("pack_in_register", id=d.id)))
                else:
                    st.button(g.t("pack_add", id=d.id), key=f"pack_add_{d.id}", on_click=_add_document,
                              args=(doc, s, d.id), disabled=doc.locked)


# --- the model answers ------------------------------------------------------------------------------------------


def _question_title(g: Guidance, c: Comparison) -> str:
    from wizard.debrief import question_title

    return question_title(g, c.screen_id, c.question_id)


def _difference_text(g: Guidance, c: Comparison) -> str:
    """Each differing cell of a table: the row (a form, or a measure), the column, yours and the model's."""
    parts = []
    q = g.screen(c.screen_id).question(c.question_id.partition(training.ROW)[0])
    forms = {f.id: f.label for f in g.catalogues.gbv_forms}
    columns = {col.id: col.label for col in q.columns}
    measures = training.option_labels(g, c.screen_id, c.question_id, "measure")
    for d in c.differences:
        if q.rows_from:
            form, column = d.where
            where = f"{forms.get(form, form)} › {columns.get(column, column)}"
            labels = training.option_labels(g, c.screen_id, c.question_id, column)
            theirs, model = training.in_words(g, labels, d.theirs), training.in_words(g, labels, d.model)
        else:  # a measure the model lists: the trainee's row for it, judged as the model judges it
            where = measures.get(d.where[0], d.where[0])
            theirs = training.cells_in_words(g, c.screen_id, c.question_id, d.theirs)
            model = training.cells_in_words(g, c.screen_id, c.question_id, d.model)
        parts.append(f"- {md(where)}: {md(g.t('feedback_yours'))} :red[{md(theirs)}] · "
                     f"{md(g.t('feedback_model'))} :green[{md(model)}]")
    return "\n".join(parts)


def step_feedback(g: Guidance, score: StepScore) -> None:
    """One step's comparison: the score, then each question: yours, the model's, the differences, why."""
    st.markdown(f"**{md(g.t('feedback_score', matched=score.matched, scored=score.scored, percent=score.percent))}**")
    for c in score.comparisons:
        mark = "✓" if c.matched else "✗"
        title = _question_title(g, c)
        with st.container(border=True):
            if not c.scored:
                st.markdown(f"**{md(title)}** · {md(g.t('feedback_not_scored'))}")
            elif c.matched:
                st.markdown(f":green[{mark}] **{md(title)}**")
            else:
                st.markdown(f":red[{mark}] **{md(title)}**")
            if c.scored and not c.matched:
                if c.differences and c.differences[0].where:
                    st.markdown(_difference_text(g, c))
                else:
                    labels = training.option_labels(g, c.screen_id, c.question_id)
                    st.markdown(f"{md(g.t('feedback_yours'))} :red[{md(training.in_words(g, labels, c.theirs))}] · "
                                f"{md(g.t('feedback_model'))} :green[{md(training.in_words(g, labels, c.model))}]")
            elif not c.scored and isinstance(c.model, str) and c.model:
                st.caption(md(g.t("feedback_model_text")))
                st.markdown(md(c.model))
            st.markdown(f"*{md(g.t('feedback_why'))}* {md(c.annotation)}")
            if c.indicators:
                st.caption("\n".join([md(g.t("feedback_indicators")), *(f"- {md(i)}" for i in c.indicators)]))


def _scores(g: Guidance, doc: OpenDoc, s: Scenario) -> list[StepScore]:
    """Once per stored state: the comparison is drawn up to three times a run (after a step, on request, at
    the end)."""
    return doc.memo("training", g, lambda: training.compare(doc.assessment, s, g))


def on_request(g: Guidance, doc: OpenDoc, s: Scenario, screen: Screen) -> None:
    """On a step: the model answers for this step, when the trainee asks."""
    if screen.kind not in STEP_KINDS:
        return
    score = next(x for x in _scores(g, doc, s) if x.screen_id == screen.id)
    with st.expander(g.t("feedback_request"), expanded=False):
        step_feedback(g, score)


def note_step_left(doc: OpenDoc, g: Guidance, screen: Screen) -> None:
    """Next from a step of a training attempt: the next screen opens with this step's comparison."""
    if doc.assessment.training and doc.assessment.scenario and screen.kind in STEP_KINDS:
        st.session_state[FEEDBACK_AFTER] = (doc.assessment.id, screen.id)


def after_step(g: Guidance, doc: OpenDoc, s: Scenario) -> None:
    left = st.session_state.pop(FEEDBACK_AFTER, None)
    if not left or left[0] != doc.assessment.id:
        return
    score = next((x for x in _scores(g, doc, s) if x.screen_id == left[1]), None)
    if score is None:
        return
    with st.container(border=True):
        st.info(md(g.t("feedback_after", step=g.screen(left[1]).short_title or g.screen(left[1]).title,
                       matched=score.matched, scored=score.scored)))
        with st.expander(g.t("feedback_show"), expanded=False):
            step_feedback(g, score)


def at_the_end(g: Guidance, doc: OpenDoc, s: Scenario) -> None:
    """The summary of a training attempt: every step's score, and each step's comparison."""
    scores = _scores(g, doc, s)
    matched, scored = training.total(scores)
    st.subheader(g.t("feedback_end_heading"))
    st.markdown(g.t("feedback_total", matched=matched, scored=scored,  # the string carries its own bold
                    percent=round(100 * matched / scored) if scored else 100))
    st.dataframe([{g.t("feedback_col_step"): g.screen(x.screen_id).short_title or g.screen(x.screen_id).title,
                   g.t("feedback_col_matched"): f"{x.matched}/{x.scored}", g.t("feedback_col_percent"): x.percent}
                  for x in scores], hide_index=True, width="stretch")
    for x in scores:
        with st.expander(g.t("feedback_step", step=g.screen(x.screen_id).short_title or g.screen(x.screen_id).title,
                             matched=x.matched, scored=x.scored)):
            step_feedback(g, x)
    st.markdown(f"**{md(g.t('feedback_model_determination'))}** {md(s.determination.annotation)}")
