"""The determination's per-item section: "decide item by item", then an outcome and a note for each item.

Shown right after the overall outcome. Off (the default), the licence has one outcome, as always. On, each item
of the case gets an outcome radio and, once decided, a note; every change is an ``Edit`` committed at once:

- the first outcome of an item sets the list ``determination.item_outcomes`` (the item's entry added, in item
  order); a later change sets ``determination.item_outcomes.<n>.outcome``, a note ``...<n>.note``;
- turning the toggle off sets ``determination.item_outcomes`` to the empty list (one outcome for the licence).

What the overall outcome is, and when it contradicts the items, is ``wizard.item_outcomes``.
"""

from __future__ import annotations

from typing import Any

import streamlit as st
from pydantic_core import to_jsonable_python

from wizard import item_outcomes as io
from wizard.edits import Edit
from wizard.guidance_schema import Guidance, Screen
from wizard.model import LONG_TEXT_MAX, OUTCOMES, ItemOutcome
from wizard.ui.session import OpenDoc, commit, on_widget_change, widget_key
from wizard.ui.text import md
from wizard.ui.typing_guard import LIVE

PATH = "determination.item_outcomes"


def _shown(doc: OpenDoc) -> list[Any]:
    """The item outcomes as the officer sees them now (JSON form): the ``old`` of a list edit."""
    return to_jsonable_python(doc.assessment.determination.item_outcomes)


def _toggled(doc: OpenDoc, key: str) -> None:
    """Off: one outcome for the whole licence again (the per-item outcomes are removed). On: nothing yet."""
    if not st.session_state.get(key) and doc.assessment.determination.item_outcomes:
        commit(doc, Edit(PATH, [], _shown(doc)))


def _item_changed(doc: OpenDoc, key: str, item: int, shown: str | None) -> None:
    """An item's outcome radio: change the item's entry, or add one (the list kept in item order)."""
    outcome = st.session_state.get(key)
    if outcome is None:
        return
    current = doc.assessment.determination.item_outcomes
    pos = next((n for n, o in enumerate(current) if o.item == item), None)
    if pos is not None:
        commit(doc, Edit(f"{PATH}.{pos}.outcome", outcome, shown))
        return
    new = sorted([*current, ItemOutcome(item=item, outcome=outcome)], key=lambda o: o.item)
    commit(doc, Edit(PATH, to_jsonable_python(new), _shown(doc)))


def section(doc: OpenDoc, g: Guidance, screen: Screen) -> None:
    a = doc.assessment
    d = a.determination
    key = widget_key(doc, screen.id, "item_outcomes", "on")
    has = bool(d.item_outcomes)
    if key not in st.session_state or (has and not st.session_state[key]):
        st.session_state[key] = has  # seeded from the model; on while any item outcome is recorded
    st.toggle(g.t("item_outcomes_toggle"), key=key, help=g.t("item_outcomes_toggle_help"), disabled=doc.locked,
              on_change=_toggled, args=(doc, key))
    if not st.session_state[key]:
        return
    if not a.case.items:
        st.caption(g.t("item_outcomes_no_items"))
        return
    labels = g.catalogues.outcomes
    have = {o.item: (n, o) for n, o in enumerate(d.item_outcomes)}
    for i, item in enumerate(a.case.items):
        name = g.t("item_named", n=i + 1, description=item.description.strip() or "—")
        pos, entry = have.get(i, (None, None))
        current = entry.outcome if entry else None
        radio_key = widget_key(doc, screen.id, "item_outcome", i)
        st.radio(md(name), list(OUTCOMES), index=OUTCOMES.index(current) if current in OUTCOMES else None,
                 key=radio_key, format_func=lambda o: labels.get(o, o), horizontal=True, disabled=doc.locked,
                 on_change=_item_changed, args=(doc, radio_key, i, current))
        if entry is not None:
            note_key = widget_key(doc, screen.id, "item_outcome_note", i)
            st.text_input(g.t("item_outcome_note"), value=entry.note, key=note_key, max_chars=LONG_TEXT_MAX,
                          disabled=doc.locked, live=LIVE, on_change=on_widget_change,
                          args=(doc, note_key, f"{PATH}.{pos}.note", entry.note))
    follows = io.overall_from_items(a)
    if follows is not None and d.outcome is None:
        st.caption(g.t("item_outcomes_follow", outcome=md(labels.get(follows, follows))))
    elif follows is None and len(io.by_item(a)) == len(a.case.items) and d.outcome is None:
        st.caption(g.t("item_outcomes_state_overall"))
