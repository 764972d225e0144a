"""Read all the guidance and the glossary, in wizard order (for officers, trainers and policy reviewers)."""

from __future__ import annotations

import streamlit as st

from wizard import flow
from wizard.ui import guidance_panel, session
from wizard.ui.text import md

g = session.guidance_or_error()
if g is not None:
    st.title(g.meta.title)
    st.caption(f"{g.t('nav_guidance')} · {g.stamp}")
    st.info(g.meta.disclaimer)
    st.markdown(f"**{g.t('order_heading')}**  \n{md(g.meta.order_reason)}")
    tabs = st.tabs([*(s.short_title or s.title for s in g.screens), g.t("glossary")])
    for tab, screen in zip(tabs, g.screens, strict=False):
        with tab:
            st.subheader(flow.screen_label(g, screen))
            if screen.legal_basis:
                st.caption(screen.legal_basis)
            guidance_panel.screen_guidance(g, screen, expanded=True)
            for q in screen.questions:
                st.markdown(f"- **{md(q.label)}** {md(q.help)}")
    with tabs[-1]:
        for term in sorted(g.glossary, key=lambda t: t.term.lower()):
            st.markdown(f"**{md(term.term)}**  \n{md(term.definition)}")
    st.subheader(g.t("advice"))
    for advice in g.meta.cross_cutting:
        st.markdown(f"**{md(advice.title)}**  \n{md(advice.text)}")
