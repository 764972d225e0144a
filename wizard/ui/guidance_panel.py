"""The guidance shown beside a screen's questions, and the full guidance reader."""

from __future__ import annotations

import streamlit as st

from wizard.guidance_schema import Guidance, Screen
from wizard.ui.text import md


def _bullets(items: tuple[str, ...]) -> None:
    st.markdown("\n".join(f"- {md(i)}" for i in items))


def screen_guidance(g: Guidance, screen: Screen, *, expanded: bool = True) -> None:
    st.markdown(f"**{g.t('purpose')}**")
    st.markdown(md(screen.purpose))
    if screen.order_note:
        st.info(f"**{g.t('order_heading')}** · {screen.order_note}")
    sections = [("guiding_questions", screen.guiding_questions), ("indicators", screen.indicators),
                ("information_sources", screen.information_sources)]
    for key, items in sections:
        if items:
            with st.expander(g.t(key), expanded=expanded and key == "guiding_questions"):
                _bullets(items)
    if screen.examples:
        with st.expander(g.t("examples")):
            for ex in screen.examples:
                st.markdown(md(ex))
    if screen.cross_cutting:
        with st.expander(g.t("advice")):
            for aid in screen.cross_cutting:
                advice = g.cross_cutting(aid)
                st.markdown(f"**{md(advice.title)}**  \n{md(advice.text)}")


def panel(g: Guidance, screen: Screen) -> None:
    with st.container(border=True):
        st.markdown(f"#### {g.t('guidance_heading')}")
        screen_guidance(g, screen)
        st.caption(g.meta.disclaimer)
