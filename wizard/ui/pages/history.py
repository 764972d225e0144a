"""An assessment's revisions and its audit log: who changed what, when."""

from __future__ import annotations

import streamlit as st

from wizard.store import StoreError
from wizard.ui import session
from wizard.ui.text import md, shorten


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
        events = store.events(a.id)
    except StoreError as err:
        st.error(md(str(err)))
        return
    st.subheader(g.t("revisions_heading"))
    for rev in revisions:
        with st.container(border=True):
            when = f"{rev.finalised_at:%Y-%m-%d %H:%M}" if rev.finalised_at else "—"
            st.markdown(f"**rev. {rev.revision}** · {rev.status} · {when} · {md(rev.actor or '—')}")
            if rev.status == "final":
                from wizard import record

                st.download_button(g.t("view_revision", n=rev.revision),
                                   data=lambda r=rev.revision: record.build_pdf(store.load_revision(a.id, r), g),
                                   file_name=f"{a.case.reference or a.id}-rev{rev.revision}-final.pdf",
                                   mime="application/pdf", on_click="ignore", key=f"rev_pdf_{rev.revision}")
    st.subheader(g.t("events_heading"))
    rows = [{g.t("col_when"): f"{e.at:%Y-%m-%d %H:%M:%S}", g.t("col_who"): e.actor, g.t("col_action"): e.action,
             "rev.": e.revision, g.t("col_field"): e.path or "", g.t("col_old"): shorten(e.old, 200),
             g.t("col_new"): shorten(e.new or e.note, 200)} for e in reversed(events)]
    st.dataframe(rows, hide_index=True, width="stretch")


main()
