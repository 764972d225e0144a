"""Rerun only what an answer changed (issue 9, item 14).

A full rerun of a step screen rebuilds every row of every table: 30 to 70 ms of server time with a full
assessment, and a visibly slow page in the browser. So each question of a step screen, each row card of a
catalogue table and each card of the evidence screen is an ``st.fragment``: a change inside one reruns that
one. What the page shows outside it is brought up to date by naming it in ``st.rerun`` from the callback:

- the header (the time of the last save, an error): always;
- the sidebar's marks and flowchart: when a mark changed;
- the whole page: when anything else shown outside the fragment changed (``Outside.page``): the order of
  rows and sources, a source's title (shown in every picker), the Art. 6 prohibition, a conflict, a lock.

The rule that decides is ``rerun_after`` (a plain function of two ``Outside`` values), tested without a
browser in tests/test_fragments.py; the browser walks check the page a person sees.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import streamlit as st

from wizard import flow
from wizard.guidance_schema import Guidance, Screen

HEADER = "page_header"
MARKS = "page_marks"

_CURRENT: ContextVar[str | None] = ContextVar("wizard_fragment", default=None)


def run(key: str, body: Callable[[], None]) -> None:
    """Draw ``body`` as the fragment ``key``; the widgets inside learn their fragment through ``here()``."""

    def fragment_body() -> None:
        with _inside(key):
            body()

    st.fragment(fragment_body, key=key)()


@contextmanager
def _inside(key: str) -> Iterator[None]:
    token = _CURRENT.set(key)
    try:
        yield
    finally:
        _CURRENT.reset(token)


def here() -> dict[str, Any]:
    """Callback keyword arguments naming the fragment being drawn (none outside a fragment)."""
    key = _CURRENT.get()
    return {"fragment": key} if key else {}


# ---------------------------------------------------------------------------------------------------------
# What the page shows outside a fragment


def mark(g: Guidance, open_items: dict[str, list[flow.Open]], blockers: list[flow.Finding], screen: Screen) -> str:
    """One mark per screen, as the legend under the screen list explains it."""
    if screen.kind == "summary":  # nothing to answer here: it is done when the whole assessment is
        if blockers:
            return g.t("blocked_mark")
        return g.t("complete_mark") if not any(open_items.values()) else g.t("open_mark")
    if any(b.screen_id == screen.id for b in blockers):
        return g.t("blocked_mark")
    items = open_items[screen.id]
    if not items:
        return g.t("complete_mark")
    if all(o.state == "insufficient" for o in items):
        return g.t("insufficient_mark")
    return g.t("open_mark")


@dataclass(frozen=True)
class Outside:
    """What an answer given inside a fragment may change outside it."""

    marks: tuple[str, ...]  # the sidebar: each screen's mark (the flowchart's finished steps follow them)
    page: tuple[Any, ...]  # everything else shown outside fragments that an answer can change
    conflict: bool = False  # a save conflict is open: its box is outside every fragment


def outside(g: Guidance, open_items: dict[str, list[flow.Open]], findings: list[flow.Finding], a: Any,
            *, conflict: bool, pending: bool) -> Outside:
    blockers = flow.blocking(findings)
    marks = tuple(mark(g, open_items, blockers, s) for s in g.screens)
    page = (
        a.status, a.revision, a.training, a.case.reference, a.article6.prohibited,
        tuple((s.id, s.title, s.publisher) for s in a.evidence),  # every picker lists them
        len(a.case.items), len(a.gaps), len(a.consultations),
        tuple((b.rule, b.screen_id, b.message) for b in blockers),  # the finalise box, the summary
        conflict, pending,  # the conflict box, and whether "apply my changes" has anything to apply
    )
    return Outside(marks, page, conflict)


def rerun_after(fragment: str | None, before: Outside, after: Outside) -> str | list[str] | None:
    """What to rerun after an answer given in ``fragment``: None (Streamlit's default), "app", or fragment keys.

    Outside a fragment the default is the whole page already. Inside one, the default would leave the header
    and the sidebar as they were.
    """
    if fragment is None:
        return None
    if after.conflict or after.page != before.page:
        # While a conflict is open every answer is held, not saved: the whole page, with the conflict box,
        # is drawn each time, never a fragment that would look as if it had saved.
        return "app"
    return [fragment, HEADER] + ([MARKS] if after.marks != before.marks else [])
