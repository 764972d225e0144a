"""Typed text is saved before the officer leaves the field (issue 9, item 11), checked without a browser.

Text inputs commit after a pause (Streamlit's ``live``); text areas are committed by the page's one script,
wizard/ui/static/typing_guard.js, which also warns before a page with unsent text is left. The browser test
(tests/test_browser.py) proves both in Chromium; these tests hold the same rules on a machine without one.
"""

from __future__ import annotations

import re

import pytest

from tests.ui_driver import APP, Wizard
from wizard.ui import typing_guard

pytestmark = pytest.mark.usefixtures("app_store_url", "fresh_guidance_cache")

SCRIPT = typing_guard.SCRIPT.read_text(encoding="utf-8")


def _guards(at) -> list:
    return [e for e in at.sidebar if getattr(e, "type", None) == "bidi_component"]


def test_every_page_mounts_the_guard_once_with_the_pause_filled_in():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=30).run()
    guards = _guards(at)
    assert len(guards) == 1
    js = guards[0].proto.js_content
    assert "__PAUSE_MS__" not in js and "const PAUSE_MS = 1500;" in js
    assert guards[0].proto.component_name == "wizard_typing_guard"


def test_saved_text_inputs_commit_after_a_pause_and_text_areas_are_left_to_the_guard(store, make_assessment):
    w = Wizard.seed(store, make_assessment(), screen="case")
    live = {t.key: t.proto.live_debounce_ms for t in w.at.text_input}
    assert live and set(live.values()) == {1500}, live  # reference, exporter, ..., each item's currency
    assert w.at.text_input(key="actor_input").proto.live_debounce_ms == 1500  # the name box in the sidebar
    assert len(w.at.text_area) >= 2  # end use, Art. 8 documents, item descriptions: committed by the script
    assert len(_guards(w.at)) == 1


def test_the_script_sends_nothing_anywhere_and_commits_with_the_key_streamlit_listens_for():
    code = re.sub(r"//[^\n]*", "", SCRIPT)  # the comments may name what the code must not do
    for needle in ("http", "fetch", "XMLHttpRequest", "WebSocket", "sendBeacon", "import", "Storage",
                   "cookie", "eval", "Function(", "innerHTML", "postMessage", "open("):
        assert needle not in code, needle
    assert 'key: "Enter"' in code and "ctrlKey: true" in code  # Ctrl+Enter commits an st.text_area
    assert "HTMLTextAreaElement" in code and "isComposing" in code  # only text areas, never mid-IME word
    assert '"compositionstart"' in code and "composing.has(el)" in code  # a pause before a word is cancelled
    assert '"beforeunload"' in code and "timers.size === 0" in code  # asks only while text is unsent
    assert typing_guard._pause_ms() == 1500 and typing_guard.LIVE == typing_guard.PAUSE
