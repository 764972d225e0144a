"""An assessment's revisions and its audit log: who changed what, when."""

from __future__ import annotations

import streamlit as st

from wizard import service
from wizard.locale_format import local_text, number_text
from wizard.store import StoreError
from wizard.ui import labels, session
from wizard.ui.text import md, shorten

EVENTS_PAGE = 200  # log entries per page


def main() -> None:
    g = session.guidance_or_error()
    if g is None:
        return
    doc = session.current()
    if doc is None:
        st.info(g.t("no_assessment_open"))
        return
    a = doc.assessment
    st.title(g.t("history_title", ref=md(a.case.reference or a.id)))
    store = session.store()
    try:
        revisions = store.revisions(a.id)
        total = store.event_count(a.id)
        # A long log is read a page at a time: the newest page first.
        pages = max(1, -(-total // EVENTS_PAGE))
        page = min(int(st.session_state.get("history_page", 1)), pages)
        events = store.events(a.id, limit=EVENTS_PAGE, offset=(page - 1) * EVENTS_PAGE)
    except StoreError as err:
        st.error(md(str(err)))
        return
    st.subheader(g.t("revisions_heading"))
    for rev in revisions:
        with st.container(border=True):
            when = local_text(rev.finalised_at, g.language)
            st.markdown(f"**{g.t('revision_short', n=rev.revision)}** · {g.t(f'status_{rev.status}')} · {when} · "
                        f"{md(rev.actor or '—')}")
            if rev.status == "final":
                st.download_button(g.t("view_revision", n=rev.revision),
                                   data=lambda r=rev.revision: service.render_pdf(g, store.load_revision(a.id, r)),
                                   file_name=labels.record_file_name(g, a.case.reference, a.id, rev.revision,
                                                                     "final", rev.finalised_at),
                                   mime="application/pdf", on_click="ignore", key=f"rev_pdf_{rev.revision}")
    st.subheader(g.t("events_heading"))
    # Newest first, as the heading promises (the store gives the log newest first), in the screens' words.
    shown = [{g.t("col_when"): local_text(e.at, g.language, seconds=True), g.t("col_who"): e.actor,
              g.t("col_action"): g.ui.get(f"action_{e.action}", e.action), g.t("col_revision"): e.revision,
              g.t("col_where"): labels.where(g, e.path),
              g.t("col_old"): shorten(labels.value(g, e.path, e.old) if e.path else "", 200),
              g.t("col_new"): shorten(labels.value(g, e.path, e.new) if e.path else (e.note or ""), 200)}
             for e in events]
    st.dataframe(shown, hide_index=True, width="stretch", key="history_events")
    if pages > 1:
        st.caption(g.t("history_page_of", page=number_text(page, g.language), pages=number_text(pages, g.language),
                       total=number_text(total, g.language)))
        prev, _, nxt = st.columns([1, 3, 1])
        prev.button(g.t("prev_page"), key="history_prev", disabled=page <= 1,
                    on_click=lambda: st.session_state.update(history_page=page - 1))
        nxt.button(g.t("next_page"), key="history_next", disabled=page >= pages,
                   on_click=lambda: st.session_state.update(history_page=page + 1))
    with st.expander(g.t("paths_heading")):  # for experts: the stored paths and values, as the log keeps them
        st.dataframe([{g.t("col_when"): local_text(e.at, g.language, seconds=True), g.t("col_path"): e.path or "",
                       g.t("col_old_stored"): shorten(e.old, 200), g.t("col_new_stored"): shorten(e.new or e.note, 200)}
                      for e in events], hide_index=True, width="stretch", key="history_paths")


main()
