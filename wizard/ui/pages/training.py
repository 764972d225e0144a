"""Training (issue 12): a trainee joins a session by its code or link and starts the scenario; a trainer runs
sessions, sees for each question how many trainees matched the model answer, opens any attempt, and downloads
the session's debrief.

The URL ``?join=<code>`` opens this page with the code filled in (the link a trainer hands out).
"""

from __future__ import annotations

import altair as alt
import streamlit as st

from wizard import access, debrief, service
from wizard.guidance_schema import Guidance, GuidanceError
from wizard.locale_format import local_text
from wizard.scenarios import Scenario, cached_scenarios, scenario
from wizard.store import StoreError, TrainingSession
from wizard.ui import session
from wizard.ui.text import md

WIZARD_PAGE = "wizard/ui/pages/assessment.py"


def _start(g: Guidance, s: Scenario, code: str | None) -> None:
    if session.unnamed():
        st.session_state["training_error"] = g.t("training_needs_name")
        return
    try:
        stored = service.start_attempt(session.store(), g, s, code, session.actor())
    except StoreError as err:
        st.session_state["training_error"] = md(str(err))
        return
    session.open_assessment(stored)
    st.session_state["switch_to"] = (WIZARD_PAGE, {"aid": stored.assessment.id, "screen": g.screens[0].id})


def _create_session(g: Guidance) -> None:
    sid = st.session_state.get("new_session_scenario")
    if session.unnamed():
        st.session_state["training_error"] = g.t("training_needs_name")
        return
    try:
        made = session.store().create_training_session(sid or "", g.language,
                                                       st.session_state.get("new_session_title") or "",
                                                       session.actor())
    except StoreError as err:
        st.session_state["training_error"] = md(str(err))
        return
    st.session_state["training_notice"] = g.t("session_created", code=made.code)
    st.session_state["open_session"] = made.code


def _join(g: Guidance, scenarios: tuple[Scenario, ...]) -> None:
    st.subheader(g.t("join_heading"))
    if "join_code" not in st.session_state and st.query_params.get("join"):
        st.session_state["join_code"] = st.query_params.get("join")
    code = st.text_input(g.t("join_code"), key="join_code", help=g.t("join_code_help"), max_chars=16)
    if not (code or "").strip():
        return
    try:
        ts = session.store().training_session(code)
        s = scenario(scenarios, ts.scenario)
    except StoreError as err:
        st.error(md(str(err)))
        return
    except KeyError:
        st.error(g.t("scenario_missing", id=md(code)))
        return
    st.markdown(f"**{md(ts.title)}** · {md(s.title)} · {md(ts.trainer)}")
    st.button(g.t("start_scenario"), key="join_start", on_click=_start, args=(g, s, ts.code), type="primary")


def _practise(g: Guidance, scenarios: tuple[Scenario, ...]) -> None:
    st.subheader(g.t("practise_heading"))
    st.caption(g.t("practise_help"))
    for s in scenarios:
        with st.container(border=True):
            st.markdown(f"**{md(s.title)}** · {md(s.importing_state)}")
            st.button(g.t("start_scenario"), key=f"solo_{s.id}", on_click=_start, args=(g, s, None))


def _chart(g: Guidance, rows: list[dict]) -> alt.Chart:
    """Per question: how many trainees matched the model answer (and how many did not)."""
    data = [{"question": r["question"], "step": r["step"], "result": g.t("session_matched"), "n": r["matched"]}
            for r in rows] + [{"question": r["question"], "step": r["step"], "result": g.t("session_missed"),
                               "n": r["attempts"] - r["matched"]} for r in rows]
    return alt.Chart(alt.Data(values=data)).mark_bar().encode(
        y=alt.Y("question:N", sort=None, title=None, axis=alt.Axis(labelLimit=420)),
        x=alt.X("n:Q", stack="zero", title=g.t("session_trainees"), axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("result:N", title=None, scale=alt.Scale(range=["#2e7d32", "#c62828"])),
        tooltip=["step:N", "question:N", "result:N", "n:Q"],
    ).properties(height=alt.Step(18))


def _session_view(g: Guidance, ts: TrainingSession, scenarios: tuple[Scenario, ...]) -> None:
    try:
        s = scenario(scenarios, ts.scenario)
    except KeyError:
        st.error(g.t("scenario_missing", id=md(ts.scenario)))
        return
    attempts = [x.assessment for x in session.store().attempts(ts.code, as_=session.actor())]
    link = f"?join={ts.code}"
    st.markdown(g.t("session_share", code=md(ts.code)) + f" `{link}`")  # the string carries its own bold
    st.caption(md(s.summary))
    if not attempts:
        st.info(g.t("session_no_attempts"))
        return
    view = debrief.session_view(g, s, attempts)
    st.altair_chart(_chart(g, view.rows), width="stretch")
    st.markdown(f"**{md(g.t('session_attempts', n=len(attempts)))}**")
    for row in view.attempts:
        c1, c2 = st.columns([4, 1])
        c1.markdown(f"{md(row.trainee)} · {row.matched}/{row.scored} ({row.percent}%) · "
                    f"{local_text(row.updated_at, g.language)}")
        c2.button(g.t("open"), key=f"open_attempt_{row.id}", on_click=st.session_state.update,
                  kwargs={"switch_to": (WIZARD_PAGE, {"aid": row.id})})
    st.download_button(g.t("debrief_download"), data=lambda: debrief.debrief_pdf(g, s, ts, attempts),
                       file_name=f"debrief-{ts.code}.pdf", mime="application/pdf", key=f"debrief_{ts.code}",
                       on_click="ignore")


def _trainer(g: Guidance, scenarios: tuple[Scenario, ...]) -> None:
    st.subheader(g.t("trainer_heading"))
    with st.container(border=True):
        st.markdown(f"**{g.t('new_session')}**")
        st.selectbox(g.t("session_scenario"), [s.id for s in scenarios], key="new_session_scenario",
                     format_func=lambda sid: scenario(scenarios, sid).title)
        st.text_input(g.t("session_title"), key="new_session_title")
        st.button(g.t("create_session"), key="create_session", on_click=_create_session, args=(g,),
                  type="primary")
    try:
        sessions = session.store().training_sessions()
    except StoreError as err:
        st.error(md(str(err)))
        return
    opened = st.session_state.get("open_session")
    for ts in sessions:
        with st.expander(f"{ts.code} · {ts.title} · {local_text(ts.created_at, g.language)}",
                         expanded=ts.code == opened):
            _session_view(g, ts, scenarios)


def main() -> None:
    g = session.guidance_or_error()
    if g is None:
        return
    session.follow_switch()  # a button asked for another page (set in its callback)
    st.title(g.t("training_title"))
    st.caption(g.t("training_intro"))
    session.show_left_messages("training_error", "training_notice")
    try:
        scenarios = cached_scenarios(g.language)
    except GuidanceError as err:
        st.error(g.t("scenarios_broken"))
        st.code("\n".join(err.problems), language=None)
        return
    if not scenarios:
        st.info(g.t("no_scenarios"))
        return
    # Each person sees the tabs of their roles: officers practise, trainers run sessions (the store refuses the
    # rest anyway).
    p = session.actor()
    parts = [(g.t("tab_trainee"), lambda: (_join(g, scenarios), _practise(g, scenarios)))] if p.has("officer") else []
    if access.may_run_training(p):
        parts.append((g.t("tab_trainer"), lambda: _trainer(g, scenarios)))
    if not parts:
        st.info(g.t("role_none"))
        return
    for tab, draw in zip(st.tabs([name for name, _ in parts]), (draw for _, draw in parts), strict=True):
        with tab:
            draw()


main()
