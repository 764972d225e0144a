"""The wizard: the screens in order with their completion marks, the questions, and the guidance beside them."""

from __future__ import annotations

import streamlit as st

from wizard import flow, service
from wizard.guidance_schema import Guidance, Screen
from wizard.locale_format import time_text
from wizard.store import StoreError
from wizard.ui import (
    flowchart_view,
    fragments,
    guidance_changes,
    guidance_panel,
    labels,
    review_panel,
    screens,
    session,
    training_panel,
)
from wizard.ui.session import OpenDoc
from wizard.ui.text import md, shorten


def _goto(screen_id: str) -> None:
    session.goto(screen_id)


def nav_label(g: Guidance, index: int, screen: Screen) -> str:
    """E.g. "6 · step 5 of the flowchart · Mitigation": both numberings, readable without a key."""
    title = screen.short_title or screen.title
    if screen.flowchart_step is None:
        return g.t("nav_screen", index=index, title=title)
    return g.t("nav_step", index=index, flowchart=screen.flowchart_step, title=title)


def _sidebar(g: Guidance, doc: OpenDoc, active: Screen) -> None:
    with st.sidebar:
        # A fragment: an answer whose mark changed redraws this, not the page (wizard/ui/fragments.py).
        fragments.run(fragments.MARKS, lambda: _screen_list(g, doc, active))
        with st.expander(g.t("order_heading")):
            st.caption(md(g.meta.order_reason))


def _screen_list(g: Guidance, doc: OpenDoc, active: Screen) -> None:
    open_items = doc.open_items(g)
    blockers = flow.blocking(doc.findings(g))
    st.markdown(f"**{g.t('screens_heading')}**")
    for pos in flow.positions(g):
        s = pos.screen
        label = f"{fragments.mark(g, open_items, blockers, s)} {md(nav_label(g, pos.index, s))}"
        st.button(label, key=f"nav_{s.id}", on_click=_goto, args=(s.id,), width="stretch",
                  type="primary" if s.id == active.id else "secondary")
    st.caption(md(g.t("marks_legend", complete=g.t("complete_mark"), open=g.t("open_mark"),
                      insufficient=g.t("insufficient_mark"), blocked=g.t("blocked_mark"))))
    # The five steps as a diagram: where the officer is, what is done, and the two steps in swapped order.
    flowchart_view.show(g, current=active.id, compact=True,
                        done={sid for sid, items in open_items.items() if not items})


def _header(g: Guidance, doc: OpenDoc) -> None:
    # The title, the last save and an error form a fragment that every answer redraws (wizard/ui/fragments.py).
    fragments.run(fragments.HEADER, lambda: _title(g, doc))
    if doc.conflict is not None:
        _conflict(g, doc)
    if doc.final:
        _locked(g, doc)
    elif not doc.editable:
        st.info(g.t("read_only_notice"))


def _title(g: Guidance, doc: OpenDoc) -> None:
    a = doc.assessment
    badges = [g.t("final_badge") if a.status == "final" else g.t("draft_badge")]
    if a.training:
        badges.append(g.t("training_badge"))
    ref = a.case.reference or a.id
    st.title(md(ref))
    saved = g.t("saved_at", time=time_text(doc.saved_at.astimezone(), g.language, seconds=True)) if doc.saved_at else \
        g.t("not_saved")
    st.caption(f"{' · '.join(badges)} · {g.t('revision_short', n=a.revision)} · {a.id} · {saved}")
    if doc.error:
        st.error(md(doc.error))


def _conflict(g: Guidance, doc: OpenDoc) -> None:
    c = doc.conflict
    assert c is not None
    with st.container(border=True):
        st.error(g.t("conflict_title"))
        st.write(g.t("conflict_body"))
        rows = [{g.t("col_where"): labels.where(g, ch.path), g.t("col_old"): shorten(labels.value(g, ch.path, ch.old)),
                 g.t("col_new"): shorten(labels.value(g, ch.path, ch.new)), g.t("col_who"): ch.actor}
                for ch in c.changes]
        if rows:
            st.dataframe(rows, hide_index=True, width="stretch")
        with st.expander(g.t("paths_heading")):  # for experts: what the store holds, by field path
            st.caption(g.t("conflict_versions", mine=doc.stored.version, theirs=c.current.version))
            st.dataframe([{g.t("col_path"): ch.path, g.t("col_old_stored"): shorten(ch.old),
                           g.t("col_new_stored"): shorten(ch.new)} for ch in c.changes],
                         hide_index=True, width="stretch")
        left, right = st.columns(2)
        left.button(g.t("conflict_keep_theirs"), key="conflict_theirs", on_click=session.resolve_conflict,
                    args=(doc, False))
        right.button(g.t("conflict_keep_mine"), key="conflict_mine", on_click=session.resolve_conflict,
                     args=(doc, True), disabled=not doc.pending)


def _reopen(doc: OpenDoc) -> None:
    g = session.guidance()
    reason = (st.session_state.get("reopen_reason") or "").strip()
    if not reason:
        doc.error = g.t("reopen_reason_needed")
        return
    try:
        doc.stored = service.reopen(session.store(), doc.assessment.id, session.actor(), reason)
    except StoreError as err:  # shown to the officer, never a traceback
        doc.error = str(err)
        return
    doc.error = None
    doc.saved_at = doc.stored.saved_at
    doc.generation += 1


def _locked(g: Guidance, doc: OpenDoc) -> None:
    st.info(g.t("locked_notice"))
    with st.expander(g.t("reopen")):
        st.text_input(g.t("reopen_reason"), key="reopen_reason")
        st.button(g.t("reopen"), key="reopen", on_click=_reopen, args=(doc,))


def _finalise(doc: OpenDoc) -> None:
    g = session.guidance()
    if not st.session_state.get("finalise_confirm"):
        return
    try:  # the store runs the finalise checks itself; the box below only hides what it would refuse
        doc.stored = service.finalise(session.store(), g, doc.assessment.id, doc.stored.version, session.actor())
    except StoreError as err:  # a blocking finding, a conflict or a lock is explained, not raised
        doc.error = str(err)
        return
    doc.error = None
    doc.saved_at = doc.stored.saved_at
    doc.generation += 1


def _finalise_box(g: Guidance, doc: OpenDoc) -> None:
    if doc.locked:
        return
    if doc.assessment.training:  # practice is never final (the store and the database refuse it too)
        st.info(g.t("training_never_final"))
        return
    blockers = flow.blocking(doc.findings(g))
    with st.container(border=True):
        st.markdown(f"**{g.t('finalise')}**")
        if blockers:
            st.write(g.t("finalise_blocked"))
            for b in blockers:
                st.markdown(f"- {md(b.message)}")
        st.checkbox(g.t("finalise_confirm"), key="finalise_confirm", disabled=bool(blockers))
        st.button(g.t("finalise"), key="finalise", on_click=_finalise, args=(doc,),
                  disabled=bool(blockers), type="primary")


def _next(doc: OpenDoc, g: Guidance, screen: Screen, target: str) -> None:
    training_panel.note_step_left(doc, g, screen)  # a training attempt shows the step just left beside the model
    _goto(target)


def _nav(g: Guidance, doc: OpenDoc, screen: Screen) -> None:
    ids = [s.id for s in g.screens]
    i = ids.index(screen.id)
    left, _, right = st.columns([1, 3, 1])
    if i > 0:
        left.button(g.t("back"), key="back", on_click=_goto, args=(ids[i - 1],), width="stretch")
    if i < len(ids) - 1:
        right.button(g.t("next"), key="next", on_click=_next, args=(doc, g, screen, ids[i + 1]), width="stretch",
                     type="primary")


def main() -> None:
    g = session.guidance_or_error()
    if g is None:
        return
    doc = session.current()
    if doc is None:
        aid = st.query_params.get("aid")
        st.info(g.t("not_found", id=aid) if aid else g.t("no_assessment_open"))
        st.page_link("wizard/ui/pages/assessments.py", label=g.t("nav_assessments"))
        return
    screen = g.screen(session.current_screen([s.id for s in g.screens]))
    _sidebar(g, doc, screen)
    _header(g, doc)
    practice = training_panel.scenario_of(g, doc)
    training_panel.banner(g, doc, practice)
    if practice is not None:
        training_panel.after_step(g, doc, practice)

    pos = next(p for p in flow.positions(g) if p.screen.id == screen.id)
    st.subheader(flow.screen_label(g, screen))
    st.caption(g.t("screen_of", index=pos.index, total=pos.total) + (f" · {screen.legal_basis}"
                                                                      if screen.legal_basis else ""))
    guidance_changes.since_assessment(g, doc.assessment, screen)  # made under older guidance: what changed
    questions, guide = st.columns([3, 2], gap="large")
    with questions:
        screens.RENDERERS[screen.kind](doc, g, screen)
        review_panel.comments(g, doc, screen)  # a reviewer's comments on this screen
        if screen.kind in ("summary", "determination"):
            review_panel.status_box(g, doc)
        if practice is not None:
            training_panel.on_request(g, doc, practice, screen)
            if screen.kind == "summary":
                training_panel.at_the_end(g, doc, practice)
        if screen.kind == "determination":
            _finalise_box(g, doc)
        _nav(g, doc, screen)
    with guide:
        if practice is not None:
            training_panel.information_pack(g, doc, practice)
        guidance_panel.panel(g, screen)


main()
