"""Enter a scenario's model answers through the wizard's screens, as a trainee who knew them would."""

from __future__ import annotations

from typing import Any

from tests.ui_driver import Wizard
from wizard.guidance_schema import Guidance, Question
from wizard.scenarios import Scenario

TRAINING_PAGE = "wizard/ui/pages/training.py"
WIZARD_PAGE = "wizard/ui/pages/assessment.py"


def _cells(w: Wizard, screen_id: str, q: Question, row_key: tuple[Any, ...], cells: dict[str, Any]) -> None:
    for col in q.columns:
        if col.id not in cells or cells[col.id] is None:
            continue
        value = cells[col.id]
        if col.type == "choice":
            w.radio(screen_id, q.id, *row_key, col.id, value=value)
        elif col.type == "multi":
            w.multi(screen_id, q.id, *row_key, col.id, value=list(value))
        elif col.type == "text":
            w.text(screen_id, q.id, *row_key, col.id, value=value)
        # evidence cells cite sources of the register: not scored, left to the trainee


def enter_model(w: Wizard, s: Scenario, g: Guidance) -> Wizard:
    w.goto("article6")
    for part in ("p1", "p2", "p3"):
        w.radio("article6", part, value=getattr(s.article6, part))
    if s.article6.p3_reading:
        w.radio("article6", "p3_reading", value=s.article6.p3_reading)
    for screen in g.screens:
        if screen.kind != "step":
            continue
        w.goto(screen.id)
        for q in screen.questions:
            m = s.answers[screen.id][q.id]
            if m.value is None:
                continue
            if q.type == "choice":
                w.radio(screen.id, q.id, "value", value=m.value)
            elif q.type == "multi":
                w.multi(screen.id, q.id, "value", value=list(m.value))
            elif q.type == "text":
                w.text(screen.id, q.id, "value", value=m.value)
            elif q.rows_from:
                for form, cells in m.value.items():
                    _cells(w, screen.id, q, (form,), cells)
            else:
                for i, cells in enumerate(m.value):
                    w.click(screen.id, q.id, "add")
                    _cells(w, screen.id, q, (i + 1, i), cells)  # keys carry the row count, then the index
    w.goto("determination")
    d = s.determination
    if d.overriding_risk is not None:
        w.radio("determination", "overriding_risk", value=d.overriding_risk)
    w.radio("determination", "outcome", value=d.outcome)
    if d.gbv_ground is not None:
        w.radio("determination", "gbv_ground", value="yes" if d.gbv_ground else "no")
    return w


def start_alone(scenario_id: str, officer: str = "Trainee Tomás Reyes", lang: str | None = None) -> Wizard:
    """Open the Training page, give a name, start a scenario outside any session."""
    from streamlit.testing.v1 import AppTest

    from tests.ui_driver import APP

    at = AppTest.from_file(APP, default_timeout=30)
    if lang:
        at.query_params["lang"] = lang
    at.run()
    at.text_input(key="actor_input").input(officer).run()
    at.switch_page(TRAINING_PAGE).run()
    at.button(key=f"solo_{scenario_id}").click().run()
    assert "aid" in at.query_params, "starting a scenario opens the attempt"
    # AppTest keeps running the page it was switched to; a browser follows the app's own switch_page.
    at.switch_page(WIZARD_PAGE).run()
    w = Wizard(at)
    w.ok()
    return w
