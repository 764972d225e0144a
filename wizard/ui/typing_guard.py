"""Nothing typed is lost before it is saved: text areas commit after a pause, and leaving the page with text
not yet sent asks first (issue 9, item 11). Text inputs use Streamlit's own ``live`` commit (``LIVE``).

Streamlit 1.67 has no "commit as you type" for ``st.text_area``, and nothing that warns before a page is
left. A page script is the only way to do either, so this is the app's one script: ``static/typing_guard.js``,
mounted once per page as an ``st.components.v2`` component (no iframe, nothing fetched). It reads and changes
nothing but the page; tests/test_config.py checks that it asks no other host for anything.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

PAUSE = "1.5s"
"""How long a pause in typing commits the field (and so saves it): short enough that little can be lost,
long enough that the event log gets a handful of entries per answer rather than one per word."""
LIVE = PAUSE  # the ``live=`` of every st.text_input whose value is saved

SCRIPT = Path(__file__).parent / "static" / "typing_guard.js"


def _pause_ms() -> int:
    return int(float(PAUSE.removesuffix("s")) * 1000)


def _script() -> str:
    return SCRIPT.read_text(encoding="utf-8").replace("__PAUSE_MS__", str(_pause_ms()))


@st.cache_resource(show_spinner=False)
def _component() -> Callable[..., Any]:
    return st.components.v2.component("wizard_typing_guard", js=_script())


def mount() -> None:
    """Put the guard on the page; call it once per run, from the entry script."""
    _component()(key="typing_guard")
