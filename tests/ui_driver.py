"""Drives the Streamlit app through AppTest the way an officer would: widget by widget, screen by screen.

Typing a whole assessment in (``fill_*``) takes a few hundred script runs; most tests instead store a complete
case (``make_assessment`` in tests/conftest.py) and open it with ``Wizard.seed``, then make only the changes
their assertions are about. One walk (tests/test_ui.py) still types a whole assessment in through the widgets.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "streamlit_app.py")
WIZARD_PAGE = "wizard/ui/pages/assessment.py"

PREVALENT = ["sexual_violence_security_forces", "intimate_partner_violence_femicide"]


def plain(markdown: str) -> str:
    """What a reader sees of text the app escaped for Markdown (wizard/ui/text.md)."""
    return re.sub(r"\\(.)", r"\1", markdown)


class Wizard:
    """One browser session. ``key(...)`` builds the widget keys that wizard/ui/session.widget_key makes."""

    def __init__(self, at: AppTest):
        self.at = at
        self.generation = 0
        self.typed: set[str] = set()  # the officer's own text, as typed: shown as it is in every language

    # -- starting -----------------------------------------------------------------------------------------

    @classmethod
    def start(cls, officer: str = "Officer Amina Diallo", training: bool = False, lang: str | None = None) -> Wizard:
        at = AppTest.from_file(APP, default_timeout=30)
        if lang:
            at.query_params["lang"] = lang
        at.run()
        at.text_input(key="actor_input").input(officer).run()
        if training:
            at.checkbox(key="new_training").check().run()
        at.button(key="create").click().run()
        w = cls(at)
        w.ok()
        assert "aid" in at.query_params, "creating an assessment puts its id in the URL"
        return w

    @classmethod
    def open(cls, aid: str, screen: str | None = None, officer: str = "Officer B") -> Wizard:
        """A fresh session (a refresh, a bookmark, a second tab) on the same URL."""
        at = AppTest.from_file(APP, default_timeout=30)
        at.query_params["aid"] = aid
        at.query_params["by"] = officer
        if screen:
            at.query_params["screen"] = screen
        at.run()
        at.switch_page(WIZARD_PAGE).run()
        w = cls(at)
        w.ok()
        return w

    @classmethod
    def seed(cls, store: Any, assessment: Any, screen: str | None = None, officer: str = "Officer B") -> Wizard:
        """Store ``assessment`` as it is (``store.create``) and open it in a fresh session at ``screen``."""
        stored = store.create(assessment, "test seed")
        return cls.open(stored.assessment.id, screen, officer=officer)

    @property
    def aid(self) -> str:
        return self.at.query_params["aid"]

    def key(self, *parts: object) -> str:
        return ":".join(["w", self.aid, str(self.generation), *(str(p) for p in parts)])

    def ok(self) -> Wizard:
        assert not self.at.exception, [e.value for e in self.at.exception]
        errors = [e.value for e in self.at.error]
        assert not any("NOT saved" in e or "could not be loaded" in e for e in errors), errors
        return self

    # -- primitive interactions -----------------------------------------------------------------------------

    def goto(self, screen: str) -> Wizard:
        self.at.button(key=f"nav_{screen}").click().run()
        assert self.at.query_params["screen"] == screen
        return self.ok()

    def next(self) -> Wizard:
        self.at.button(key="next").click().run()
        return self.ok()

    def back(self) -> Wizard:
        self.at.button(key="back").click().run()
        return self.ok()

    def text(self, *parts: object, value: str) -> Wizard:
        self.typed.add(value)
        key = self.key(*parts)
        try:
            self.at.text_area(key=key).input(value).run()
        except KeyError:
            self.at.text_input(key=key).input(value).run()
        return self.ok()

    def radio(self, *parts: object, value: str | None) -> Wizard:
        self.at.radio(key=self.key(*parts)).set_value(value).run()
        return self.ok()

    def select(self, *parts: object, value: str) -> Wizard:
        self.at.selectbox(key=self.key(*parts)).set_value(value).run()
        return self.ok()

    def multi(self, *parts: object, value: list[str]) -> Wizard:
        self.at.multiselect(key=self.key(*parts)).set_value(value).run()
        return self.ok()

    def number(self, *parts: object, value: float) -> Wizard:
        self.at.number_input(key=self.key(*parts)).set_value(value).run()
        return self.ok()

    def day(self, *parts: object, value: date) -> Wizard:
        self.at.date_input(key=self.key(*parts)).set_value(value).run()
        return self.ok()

    def check(self, *parts: object, value: bool = True) -> Wizard:
        self.at.checkbox(key=self.key(*parts)).set_value(value).run()
        return self.ok()

    def click(self, *parts: object) -> Wizard:
        self.at.button(key=self.key(*parts)).click().run()
        return self.ok()

    def texts(self) -> str:
        """Everything the page says in markdown, captions, alerts: for assertions on messages."""
        at = self.at
        parts: list[Any] = [*at.markdown, *at.caption, *at.error, *at.warning, *at.info, *at.success,
                            *at.subheader, *at.title]
        return "\n".join(plain(str(p.value)) for p in parts)

    # -- whole screens ----------------------------------------------------------------------------------------

    def fill_case(self, reference: str = "VEL-2026-0147") -> Wizard:
        self.goto("case")
        self.text("case", "case.reference", value=reference)
        self.text("case", "case.exporter", value="Northgate Arms Ltd")
        self.text("case", "case.importing_state", value="Republic of Veloria")
        self.text("case", "case.end_user", value="Velorian National Police, Public Order Division")
        self.text("case", "case.end_use", value="Replacement of service pistols for urban patrol units.")
        self.text("case", "case.art8_documents", value="End-user certificate no. 88/26 received 2026-10-02.")
        self.text("case", "case.protective_marking", value="OFFICIAL-SENSITIVE")
        self.click("case", "add_item")
        self.text("case", "item", 1, 0, "description", value="9 mm semi-automatic pistols")
        self.select("case", "item", 1, 0, "category", value="2(1)(h)")
        self.number("case", "item", 1, 0, "quantity", value=1200)
        self.number("case", "item", 1, 0, "value", value=540000.0)
        self.text("case", "item", 1, 0, "currency", value="EUR")
        return self

    def fill_article6(self, prohibited: bool = False) -> Wizard:
        self.goto("article6")
        for part in ("p1", "p2", "p3"):
            answer = "yes" if prohibited and part == "p1" else "no"
            self.radio("article6", part, value=answer)
            self.text("article6", part, "reasons", value=f"Checked against the sanctions list ({part}).")
        self.radio("article6", "p3_reading", value="substantial_grounds")
        return self

    def fill_evidence(self) -> Wizard:
        self.goto("evidence")
        for i, (title, kind) in enumerate([("CEDAW concluding observations on Veloria", "un"),
                                           ("Ombudsperson annual report", "nhri")]):
            self.click("evidence", "add_source")
            n = i + 1
            self.text("evidence", "source", n, i, "title", value=title)
            self.text("evidence", "source", n, i, "publisher", value="Publisher " + str(n))
            self.select("evidence", "source", n, i, "type", value=kind)
            self.day("evidence", "source", n, i, "info_date", value=date(2025, 6, 1))
            self.select("evidence", "source", n, i, "reliability", value="high")
        self.click("evidence", "add_consultation")
        self.text("evidence", "consultation", 1, 0, "who", value="Gender focal point, MFA")
        self.select("evidence", "consultation", 1, 0, "kind", value="gender_focal_point")
        self.text("evidence", "consultation", 1, 0, "advice", value="Look at detention practices.")
        return self

    def fill_steps(self, *, serious: bool, end_user_perpetrator: bool, mitigation_credible: bool,
                   residual: str = "low") -> Wizard:
        self.goto("prevalence")
        for form in PREVALENT:
            self.radio("prevalence", "forms", form, "prevalent", value="yes")
            perps = ["intended_end_user"] if end_user_perpetrator and form == PREVALENT[0] else ["private_persons"]
            self.multi("prevalence", "forms", form, "perpetrators", value=perps)
            self.radio("prevalence", "forms", form, "arms_involved", value="yes")
            self.multi("prevalence", "forms", form, "evidence", value=["S1"])
        from wizard.guidance import load_guidance

        for form in [f.id for f in load_guidance("en").catalogues.gbv_forms if f.id not in PREVALENT]:
            self.radio("prevalence", "forms", form, "prevalent", value="no")
        self.text("prevalence", "underreporting", "value", value="Survey data used; police data undercounts.")

        self.goto("seriousness")
        for form in PREVALENT:
            self.radio("seriousness", "forms", form, "serious", value="yes" if serious else "no")
            self.multi("seriousness", "forms", form, "evidence", value=["S1", "S2"])
        self.radio("seriousness", "end_user_listed", "value", value="no")
        self.multi("seriousness", "end_user_listed", "evidence", value=["S1"])

        self.goto("prevention")
        for qid, value in [("legal_framework", "partial"), ("institutions", "partial"),
                           ("accountability", "limited"), ("international_cooperation", "cooperates"),
                           ("effectiveness", "partly_effective")]:
            self.radio("prevention", qid, "value", value=value)
            self.multi("prevention", qid, "evidence", value=["S2"])

        self.goto("mitigation")
        self.click("mitigation", "measures", "add")
        row = ("mitigation", "measures", 1, 0)
        self.radio(*row, "measure", value="post_shipment_verification")
        self.text(*row, "implementer", value="Embassy defence attaché")
        self.text(*row, "verification", value="On-site inspection at 6 and 18 months")
        self.multi(*row, "risks_addressed", value=[PREVALENT[0]])
        self.radio(*row, "credible", value="yes" if mitigation_credible else "no")
        self.multi(*row, "evidence", value=["S2"])
        self.radio("mitigation", "residual_risk", "value", value=residual)
        self.multi("mitigation", "residual_risk", "evidence", value=["S2"])
        self.radio("mitigation", "past_compliance", "value", value="good")
        self.multi("mitigation", "past_compliance", "evidence", value=["S2"])

        self.goto("overriding_risk")
        self.text("overriding_risk", "pathway", "value", value="Pistols could be carried during abusive arrests.")
        self.radio("overriding_risk", "item_link", "value", value="direct")
        self.multi("overriding_risk", "item_link", "evidence", value=["S1"])
        self.radio("overriding_risk", "diversion_risk", "value", value="low")
        self.multi("overriding_risk", "diversion_risk", "evidence", value=["S2"])
        self.text("overriding_risk", "residual_after_mitigation", "value", value="Low after inspections.")
        self.radio("overriding_risk", "threshold", "value", value="clear_risk")
        self.multi("overriding_risk", "threshold", "evidence", value=["S1"])
        return self

    def fill_determination(self, *, overriding: str, outcome: str, gbv_ground: bool, conditions: str = "",
                           triggers: str = "New credible reports of abuse by the end user.") -> Wizard:
        self.goto("determination")
        self.radio("determination", "overriding_risk", value=overriding)
        self.radio("determination", "outcome", value=outcome)
        self.radio("determination", "gbv_ground", value="yes" if gbv_ground else "no")
        self.text("determination", "determination.reasons", value=f"Reasons for {outcome}: see steps 1 to 5.")
        if conditions:
            self.text("determination", "determination.conditions", value=conditions)
        self.day("determination", "review_date", value=date(2027, 12, 1))
        self.text("determination", "determination.reassessment_triggers", value=triggers)
        self.text("determination", "signoff.officer", value="Amina Diallo")
        self.day("determination", "officer_date", value=date(2026, 11, 27))
        return self
