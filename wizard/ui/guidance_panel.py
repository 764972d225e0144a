"""The guidance shown beside a screen's questions, and the full guidance reader."""

from __future__ import annotations

import streamlit as st

from wizard.guidance import Guidance, Screen


def _bullets(items: tuple[str, ...]) -> None:
    st.markdown("\n".join(f"- {_md(i)}" for i in items))


def _md(text: str) -> str:
    """Guidance is plain text: keep Markdown from reinterpreting characters such as * _ # or $."""
    for ch in "\\`*_{}[]<>#+-!|$~":
        text = text.replace(ch, "\\" + ch)
    return text


def screen_guidance(g: Guidance, screen: Screen, *, expanded: bool = True) -> None:
    st.markdown(f"**{g.t('purpose')}**")
    st.markdown(_md(screen.purpose))
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
                st.markdown(_md(ex))
    if screen.cross_cutting:
        with st.expander(g.t("advice")):
            for aid in screen.cross_cutting:
                advice = g.cross_cutting(aid)
                st.markdown(f"**{_md(advice.title)}**  \n{_md(advice.text)}")


def panel(g: Guidance, screen: Screen) -> None:
    with st.container(border=True):
        st.markdown(f"#### {g.t('guidance_heading')}")
        screen_guidance(g, screen)
        st.caption(g.meta.disclaimer)
