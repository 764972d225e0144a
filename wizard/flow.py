"""The order of screens, what is still open on each, and the consistency checks an experienced reviewer makes.

The order is data (``guidance/<lang>/meta.yaml``); this module reads it, never redefines it. Consistency rules
explain themselves: each finding carries the rule id, the screen to fix it on and a sentence for the officer.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Literal

from wizard.guidance_schema import Guidance, Question, Screen
from wizard.model import INSUFFICIENT, Answer, Assessment, Row

EVIDENCE_MAX_AGE_YEARS = 5
"""Evidence older than this, counted back from the assessment date, is flagged as possibly out of date."""


# ---------------------------------------------------------------------------------------------------------
# Order


@dataclass(frozen=True)
class Position:
    index: int  # 1-based place in the wizard
    total: int
    screen: Screen

    @property
    def flowchart_step(self) -> int | None:
        return self.screen.flowchart_step


def positions(guidance: Guidance) -> list[Position]:
    n = len(guidance.screens)
    return [Position(i + 1, n, s) for i, s in enumerate(guidance.screens)]


def step_positions(guidance: Guidance) -> list[Position]:
    """The five flowchart steps as the wizard shows them: (k of 5, flowchart step N)."""
    steps = [s for s in guidance.screens if s.kind == "step"]
    return [Position(i + 1, len(steps), s) for i, s in enumerate(steps)]


def screen_label(guidance: Guidance, screen: Screen) -> str:
    """E.g. "4 of 5 · flowchart step 5 · Mitigation" for steps; the plain title for other screens."""
    for p in step_positions(guidance):
        if p.screen.id == screen.id:
            return guidance.t("step_label", index=p.index, total=p.total, flowchart=screen.flowchart_step,
                              title=screen.short_title or screen.title)
    return screen.title


# ---------------------------------------------------------------------------------------------------------
# Table rows


def table_row_keys(guidance: Guidance, assessment: Assessment, question: Question) -> list[str] | None:
    """The fixed rows of a catalogue-backed table, in catalogue order; None for tables the officer fills."""
    if question.rows_from is None:
        return None
    keys = [f.id for f in guidance.catalogues.gbv_forms]
    if question.rows_where:
        screen_id, qid, column = question.rows_where.split(".")
        # An uncertain row is carried forward too, so that "insufficient information" never drops a form.
        marked = {row.get("row") for row in rows_of(assessment.answer(screen_id, qid))
                  if row.get(column) in ("yes", INSUFFICIENT)}
        keys = [k for k in keys if k in marked]
    return keys


def rows_of(answer: Answer) -> list[Row]:
    value = answer.value
    if isinstance(value, list) and all(isinstance(r, dict) for r in value):
        return value  # type: ignore[return-value]
    return []


def row_for(answer: Answer, key: str) -> Row:
    return next((r for r in rows_of(answer) if r.get("row") == key), {})


def _cell_empty(value: object) -> bool:
    return value in (None, "", [])


# ---------------------------------------------------------------------------------------------------------
# Completeness


@dataclass(frozen=True)
class Open:
    """A required question (or typed field) that is unanswered or answered "insufficient information"."""

    screen_id: str
    key: str
    label: str
    state: Literal["unanswered", "insufficient"]


def _question_state(guidance: Guidance, a: Assessment, screen: Screen, q: Question
                    ) -> Literal["answered", "unanswered", "insufficient"]:
    ans = a.answer(screen.id, q.id)
    if ans.insufficient:
        return "insufficient"
    if q.type != "table":
        return "unanswered" if ans.is_empty else "answered"
    keys = table_row_keys(guidance, a, q)
    rows = rows_of(ans)
    choice_cols = [c.id for c in q.columns if c.type == "choice"]
    if keys is None:
        if not rows:
            return "unanswered"
        cells = [r.get(c) for r in rows for c in choice_cols]
    else:
        if not keys:
            return "answered"  # nothing to judge: e.g. no form found prevalent
        by_key = {r.get("row"): r for r in rows}
        cells = []
        for k in keys:
            row = by_key.get(k, {})
            # The first choice column is the row's gate: a form found not prevalent needs nothing more.
            gate = row.get(choice_cols[0]) if choice_cols else None
            cells += [gate] if gate == "no" else [row.get(c) for c in choice_cols]
    if any(_cell_empty(v) for v in cells):
        return "unanswered"
    if any(v == INSUFFICIENT for v in cells):
        return "insufficient"
    return "answered"


def open_items(guidance: Guidance, a: Assessment, screen: Screen) -> list[Open]:
    """What is still open on one screen, in the order the screen shows it."""
    out: list[Open] = []

    def typed(key: str, value: object) -> None:
        if value is None or (isinstance(value, str) and not value.strip()):
            out.append(Open(screen.id, key, screen.field(key).label, "unanswered"))
        elif value == INSUFFICIENT:
            out.append(Open(screen.id, key, screen.field(key).label, "insufficient"))

    if screen.kind == "case":
        c = a.case
        for key in ("reference", "exporter", "importing_state", "end_user", "end_use"):
            typed(key, getattr(c, key))
        if not c.items or any(not i.description or i.category is None for i in c.items):
            out.append(Open(screen.id, "items", screen.field("items").label, "unanswered"))
    elif screen.kind == "article6":
        for key, part in a.article6.parts().items():
            typed(key, part.answer)
    elif screen.kind == "step":
        if a.article6.prohibited:
            return out  # Art. 6 prohibits the transfer: the Art. 7 steps do not apply
        for q in screen.questions:
            state = _question_state(guidance, a, screen, q)
            if state == "insufficient" or (state == "unanswered" and q.required):
                out.append(Open(screen.id, q.id, q.label, state))
        if screen.id == "overriding_risk":
            typed("overriding_risk", a.determination.overriding_risk)
    elif screen.kind == "evidence":
        if not a.evidence:
            out.append(Open(screen.id, "sources", screen.field("sources").label, "unanswered"))
    elif screen.kind == "determination":
        d = a.determination
        if not a.article6.prohibited:
            typed("overriding_risk", d.overriding_risk)
        typed("outcome", d.outcome)
        typed("gbv_ground", d.gbv_ground)
        typed("reasons", d.reasons)
        if d.outcome == "authorise_with_conditions":
            typed("conditions", d.conditions)
    return out


def all_open_items(guidance: Guidance, a: Assessment) -> list[Open]:
    return [o for s in guidance.screens for o in open_items(guidance, a, s)]


def is_complete(guidance: Guidance, a: Assessment, screen: Screen) -> bool:
    return not open_items(guidance, a, screen)


# ---------------------------------------------------------------------------------------------------------
# Consistency


@dataclass(frozen=True)
class Finding:
    rule: str
    screen_id: str
    message: str
    severity: Literal["error", "warning"] = "warning"


def _serious_forms(guidance: Guidance, a: Assessment) -> list[str]:
    try:
        q = guidance.screen("seriousness").question("forms")
    except KeyError:
        return []
    keys = table_row_keys(guidance, a, q) or []
    ans = a.answer("seriousness", "forms")
    return [k for k in keys if row_for(ans, k).get("serious") == "yes"]


def _first_choice_label(q: Question, row: Row) -> str:
    """How an officer-added row is named in messages: the label of its first choice (e.g. the measure)."""
    col = next((c for c in q.columns if c.type == "choice"), None)
    value = row.get(col.id) if col else None
    if not col or not isinstance(value, str):
        return "?"
    return next((o.label for o in col.options if o.id == value), value)


def form_label(guidance: Guidance, form_id: str) -> str:
    return next((f.label for f in guidance.catalogues.gbv_forms if f.id == form_id), form_id)


def visible_rows(guidance: Guidance | None, a: Assessment, screen_id: str, question_id: str) -> list[Row]:
    """The rows of a table answer that the wizard and the record show.

    Rows of a catalogue table that are out of scope now (a form no longer marked prevalent) stay stored, so
    that nothing is lost if the officer changes back, but nothing may count them: not the consistency checks,
    not the register's "used in".
    """
    rows = rows_of(a.answer(screen_id, question_id))
    if guidance is None:
        return rows
    try:
        question = guidance.screen(screen_id).question(question_id)
    except KeyError:
        return rows
    keys = table_row_keys(guidance, a, question)
    return rows if keys is None else [r for r in rows if r.get("row") in keys]


def _answer_citations(a: Assessment, guidance: Guidance | None = None) -> Iterator[tuple[str, str, list[str]]]:
    """Every evidence citation the officer can see: (screen id, where, cited source ids)."""
    for screen_id, answers in a.answers.items():
        for qid, ans in answers.items():
            yield screen_id, qid, ans.evidence
            for i, row in enumerate(visible_rows(guidance, a, screen_id, qid)):
                cited = row.get("evidence")
                if isinstance(cited, list):
                    yield screen_id, f"{qid} row {row.get('row') or i + 1}", cited


def cited_source_ids(a: Assessment, guidance: Guidance | None = None) -> dict[str, list[str]]:
    """Source id -> the screen ids that cite it, in first-cited order (visible rows only, given guidance)."""
    used: dict[str, list[str]] = {}
    for screen_id, _where, ids in _answer_citations(a, guidance):
        for sid in ids:
            screens = used.setdefault(sid, [])
            if screen_id not in screens:
                screens.append(screen_id)
    return used


def check(guidance: Guidance, a: Assessment, today: date | None = None) -> list[Finding]:
    """Every consistency finding, in screen order. The officer decides; these only explain."""
    today = today or a.updated_at.date()
    t = guidance.t
    d = a.determination
    out: list[Finding] = []

    # Art. 6: any "yes" prohibits the transfer outright; the Art. 7 path does not apply.
    if a.article6.prohibited and d.outcome not in (None, "refuse"):
        out.append(Finding("art6_prohibits", "determination", t("rule_art6_prohibits"), "error"))

    # Art. 7(3): an overriding risk means the export shall not be authorised.
    if d.overriding_risk == "yes" and d.outcome not in (None, "refuse"):
        out.append(Finding("overriding_requires_refusal", "determination", t("rule_overriding_requires_refusal"),
                           "error"))

    if d.outcome == "authorise_with_conditions" and not d.conditions.strip():
        out.append(Finding("conditions_missing", "determination", t("rule_conditions_missing"), "error"))

    if d.outcome == "refuse" and d.overriding_risk == "no" and not a.article6.prohibited:
        out.append(Finding("refusal_without_ground", "determination", t("rule_refusal_without_ground")))

    serious = _serious_forms(guidance, a)
    if d.overriding_risk == "yes" and not serious:
        out.append(Finding("overriding_without_serious_form", "overriding_risk",
                           t("rule_overriding_without_serious_form")))

    if d.outcome in ("authorise", "authorise_with_conditions"):
        insufficient = [o for o in all_open_items(guidance, a) if o.state == "insufficient"]
        if insufficient or d.overriding_risk == INSUFFICIENT:
            labels = "; ".join(o.label for o in insufficient[:5]) or screen_label_for(guidance, "overriding_risk")
            out.append(Finding("authorise_on_insufficient_information", "determination",
                               t("rule_authorise_on_insufficient_information", items=labels)))
        if d.overriding_risk is None:
            out.append(Finding("authorise_without_finding", "determination", t("rule_authorise_without_finding"),
                               "error"))

    if d.outcome == "suspend" and not a.gaps:
        out.append(Finding("suspend_without_gap", "evidence", t("rule_suspend_without_gap")))

    if d.outcome is not None and d.gbv_ground is None:
        out.append(Finding("gbv_ground_missing", "determination", t("rule_gbv_ground_missing")))
    if d.outcome == "refuse" and d.gbv_ground is True and d.overriding_risk != "yes":
        out.append(Finding("gbv_ground_without_finding", "determination", t("rule_gbv_ground_without_finding")))

    # Mitigation: credible measures need a means of verification and a named risk.
    measures = rows_of(a.answer("mitigation", "measures"))
    for i, m in enumerate(measures, start=1):
        if m.get("credible") == "yes" and _cell_empty((m.get("verification") or "").strip()
                                                       if isinstance(m.get("verification"), str) else None):
            out.append(Finding("credible_without_verification", "mitigation",
                               t("rule_credible_without_verification", n=i)))

    # The intended end user commits a serious form that no credible measure addresses.
    prevalence = a.answer("prevalence", "forms")
    addressed = {f for m in measures if m.get("credible") == "yes"
                 for f in (m.get("risks_addressed") or []) if isinstance(f, str)}
    for form in serious if d.outcome != "refuse" else []:  # moot once the export is refused
        perps = row_for(prevalence, form).get("perpetrators") or []
        if "intended_end_user" in perps and form not in addressed:
            out.append(Finding("end_user_risk_unmitigated", "mitigation",
                               t("rule_end_user_risk_unmitigated", form=form_label(guidance, form))))

    if d.outcome in ("authorise", "authorise_with_conditions") and serious and \
            a.answer("mitigation", "residual_risk").value == "high":
        out.append(Finding("authorise_with_high_residual_risk", "determination",
                           t("rule_authorise_with_high_residual_risk")))

    # Evidence: findings should rest on sources; citations must resolve; sources should be recent.
    known = set(a.source_ids())
    for screen_id, where, ids in _answer_citations(a, guidance):
        for sid in ids:
            if sid not in known:
                out.append(Finding("unknown_source", screen_id, t("rule_unknown_source", source=sid, where=where),
                                   "error"))
    for screen in guidance.screens:
        if screen.kind != "step":
            continue
        for q in screen.questions:
            ans = a.answer(screen.id, q.id)
            if ans.is_empty or ans.insufficient:
                continue
            if q.type == "table":
                has_evidence_col = any(c.type == "evidence" for c in q.columns)
                for row in visible_rows(guidance, a, screen.id, q.id):
                    judged = [row.get(c.id) for c in q.columns if c.type == "choice"]
                    if has_evidence_col and "yes" in judged and not row.get("evidence") and not ans.evidence:
                        name = form_label(guidance, row["row"]) if row.get("row") else _first_choice_label(q, row)
                        out.append(Finding("finding_without_evidence", screen.id,
                                           t("rule_finding_without_evidence", question=f"{q.label}: {name}")))
            elif q.type in ("choice", "multi") and q.ask_evidence and not ans.evidence:
                out.append(Finding("finding_without_evidence", screen.id,
                                   t("rule_finding_without_evidence", question=q.label)))
    for s in a.evidence:
        if s.info_date and (today - s.info_date).days > EVIDENCE_MAX_AGE_YEARS * 365:
            out.append(Finding("evidence_out_of_date", "evidence",
                               t("rule_evidence_out_of_date", source=s.id, years=EVIDENCE_MAX_AGE_YEARS)))
        if s.info_date and s.info_date > today:
            out.append(Finding("evidence_in_future", "evidence", t("rule_evidence_in_future", source=s.id)))

    if not a.consultations and d.outcome is not None:
        out.append(Finding("no_consultation", "evidence", t("rule_no_consultation")))

    if d.review_date and d.review_date <= today and a.status == "draft":
        out.append(Finding("review_date_past", "determination", t("rule_review_date_past")))
    if d.outcome in ("authorise", "authorise_with_conditions") and not d.reassessment_triggers.strip():
        out.append(Finding("no_reassessment_triggers", "determination", t("rule_no_reassessment_triggers")))

    order = {s.id: i for i, s in enumerate(guidance.screens)}
    return sorted(out, key=lambda f: order.get(f.screen_id, len(order)))


def screen_label_for(guidance: Guidance, screen_id: str) -> str:
    return screen_label(guidance, guidance.screen(screen_id))


def blocking(findings: list[Finding]) -> list[Finding]:
    """Findings that stop an assessment being finalised."""
    return [f for f in findings if f.severity == "error"]


# ---------------------------------------------------------------------------------------------------------
# What each outcome requires: one definition, used beside the outcome choice, by open_items and by check.

BEFORE_OUTCOME: tuple[str, ...] = ("overriding_risk", "gbv_ground", "reasons")
"""Determination fields every outcome needs (the overriding-risk finding only on the Art. 7 path)."""

OUTCOME_REQUIRES: dict[str, tuple[str, ...]] = {
    "refuse": BEFORE_OUTCOME,
    "authorise": (*BEFORE_OUTCOME, "reassessment_triggers"),
    "authorise_with_conditions": (*BEFORE_OUTCOME, "conditions", "reassessment_triggers"),
    "suspend": BEFORE_OUTCOME,
}


def outcome_requires(a: Assessment, outcome: str | None = None) -> tuple[str, ...]:
    """The determination fields the chosen (or given) outcome needs, in the order the screen shows them.

    Under an Article 6 prohibition the Art. 7 path does not apply, so no overriding-risk finding is needed.
    """
    outcome = outcome if outcome is not None else a.determination.outcome
    needed = OUTCOME_REQUIRES.get(outcome or "", BEFORE_OUTCOME)
    return tuple(n for n in needed if not (n == "overriding_risk" and a.article6.prohibited))
