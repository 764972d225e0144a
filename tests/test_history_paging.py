"""A long audit log is read a page at a time (issue 14): the store reads one page, the history page shows it
and moves between pages."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui_driver import APP
from wizard.guidance import load_guidance

pytestmark = pytest.mark.usefixtures("app_store_url", "fresh_guidance_cache")


def test_the_history_of_a_long_log_pages(store, make_assessment):
    a = make_assessment()
    stored = store.create(a, "Officer")
    for n in range(449):  # 450 entries with the create
        edited = stored.assessment.model_copy(deep=True)
        edited.determination.conditions = f"Condition {n}"
        stored = store.save(edited, stored.version, "Officer")
    assert store.event_count(a.id) == 450
    page2 = store.events(a.id, limit=200, offset=200)
    assert len(page2) == 200 and page2[0].new == "Condition 248" and page2[-1].new == "Condition 49"
    assert len(store.events(a.id, limit=200, offset=400)) == 50

    g = load_guidance("en")
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["aid"] = a.id
    at.run()
    at.switch_page("wizard/ui/pages/history.py").run()
    assert "Page 1 of 3 · 450 changes" in [c.value for c in at.caption]  # changes, not "assessments"
    assert len(at.dataframe[0].value) == 200
    at.button(key="history_next").click().run()
    assert g.t("history_page_of", page=2, pages=3, total=450) in [c.value for c in at.caption]
