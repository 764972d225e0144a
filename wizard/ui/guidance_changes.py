"""What changed in a screen's guidance since the assessment was made under an older guidance version."""

from __future__ import annotations

import streamlit as st

from wizard import guidance_versions as versions
from wizard.guidance_schema import Guidance, Screen
from wizard.model import Assessment
from wizard.ui.text import md

MAX_LABEL = 80
KIND_KEYS = {"added": "versions_added", "removed": "versions_removed", "changed": "versions_changed_item"}


def _label(g: Guidance, screen: Screen, address: str) -> str:
    """Where an item is, in the words of the screen: "Indicators to look for 3", "Question: <label> · options"."""
    parts = address.split(".")
    head, rest = parts[0], parts[1:]
    if head == "questions" and rest:
        name = next((q.label for q in screen.questions if q.id == rest[0]), rest[0])
        name = name if len(name) <= MAX_LABEL else name[:MAX_LABEL - 1] + "…"
        return g.t("versions_question", question=name) + (f" · {' › '.join(rest[1:])}" if rest[1:] else "")
    if head == "fields" and rest:
        return screen.field(rest[0]).label
    base = g.t(head) if head in g.ui else head.replace("_", " ").capitalize()
    return f"{base} {' › '.join(rest)}" if rest else base


def _words(change: versions.TextChange) -> str:
    out = []
    for op, text in change.words():
        if not text:
            continue
        if op == "removed":
            out.append(f":red[~~{md(text)}~~]")
        elif op == "added":
            out.append(f":green[**{md(text)}**]")
        else:
            out.append(md(text))
    return " ".join(out)


def since_assessment(g: Guidance, a: Assessment, screen: Screen) -> None:
    """An expander on a screen whose guidance changed since the assessment's version (nothing otherwise)."""
    since = versions.changes_since(a.guidance_version, g, f"screen:{screen.id}")
    if since is None:
        return
    if not since.on_record:
        st.caption(g.t("versions_not_on_record", then=md(since.then), now=md(since.now)))
        return
    if not since.changes:
        st.caption(g.t("versions_unchanged", then=md(since.then), now=md(since.now)))
        return
    title = g.t("versions_changed", then=since.then, now=since.now, n=len(since.changes))
    with st.expander(title, expanded=False):
        st.caption(g.t("versions_legend"))
        for change in since.changes:
            where = md(_label(g, screen, change.address))
            st.markdown(f"**{where}** · {g.t(KIND_KEYS[change.kind])}")
            st.markdown(_words(change))
