"""What is still open on each screen, and what each outcome requires (one definition for the page, the open
items and the consistency rules).

An item is open when a required question or typed field is unanswered, or answered "insufficient
information" (a state of its own: it is listed, but it is an answer).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from wizard import contract as c
from wizard import item_outcomes as io
from wizard.guidance_schema import Guidance, Question, Screen
from wizard.model import INSUFFICIENT, Assessment
from wizard.tables import cell_empty, form_label, rows_of, table_row_keys

State = Literal["answered", "unanswered", "insufficient"]


@dataclass(frozen=True)
class Open:
    """A required question (or typed field) that is unanswered or answered "insufficient information"."""

    screen_id: str
    key: str
    label: str
    state: Literal["unanswered", "insufficient"]
    row: str | None = None  # the row's label (a form of violence, "Row 2", "Source S3"), for a table
    column: str | None = None  # the column's (or a row's field's) label
    # For a table or list: each open cell with its own row, column and state (the first names ``row``/``column``).
    cells: tuple[Open, ...] = field(default=(), compare=False)

    def each(self) -> tuple[Open, ...]:
        """The item cell by cell: what an officer has to answer, one place each."""
        return self.cells or (self,)


def _with_cells(screen_id: str, key: str, label: str, state: Literal["unanswered", "insufficient"],
                cells: list[Open]) -> Open:
    first = cells[0] if cells else None
    return Open(screen_id, key, label, state, first.row if first else None, first.column if first else None,
                tuple(cells))


# --- what each outcome requires ------------------------------------------------------------------------------

BEFORE_OUTCOME: tuple[str, ...] = ("overriding_risk", "gbv_ground", "reasons")
"""Determination fields every outcome needs (the overriding-risk finding only on the Art. 7 path)."""

OUTCOME_REQUIRES: dict[str, tuple[str, ...]] = {
    "refuse_art6": ("gbv_ground", "reasons"),  # Art. 6 prohibits: the Art. 7 finding does not apply
    "refuse": BEFORE_OUTCOME,
    "refuse_other": BEFORE_OUTCOME,
    "authorise": (*BEFORE_OUTCOME, "reassessment_triggers"),
    "authorise_with_conditions": (*BEFORE_OUTCOME, "conditions", "reassessment_triggers"),
    "suspend": BEFORE_OUTCOME,
}


def outcome_requires(a: Assessment, outcome: str | None = None) -> tuple[str, ...]:
    """The determination fields the chosen (or given) outcome needs, in the order the screen shows them.

    Under an Article 6 prohibition the Art. 7 path does not apply, so no overriding-risk finding is needed.
    The outcome is the licence's: the one stated, else the one every item shares (``item_outcomes``).
    """
    outcome = outcome if outcome is not None else io.overall_outcome(a)
    needed = OUTCOME_REQUIRES.get(outcome or "", BEFORE_OUTCOME)
    return tuple(n for n in needed if not (n == "overriding_risk" and a.article6.prohibited))


ITEM_OUTCOMES_LABEL = "item_outcomes_label"
"""The ui.yaml key naming the outcomes decided item by item (open items, findings, the screen, the record)."""


# --- open items ----------------------------------------------------------------------------------------------


def question_state(guidance: Guidance, a: Assessment, screen: Screen, q: Question) -> State:
    ans = a.answer(screen.id, q.id)
    if ans.insufficient:
        return "insufficient"
    if q.type != "table":
        return "unanswered" if ans.is_empty else "answered"
    keys = table_row_keys(guidance, a, q)
    rows = rows_of(ans)
    choice_cols = [col.id for col in q.columns if col.type == "choice"]
    if keys is None:
        if not rows:
            return "unanswered"
        cells = [r.get(col) for r in rows for col in choice_cols]
    else:
        if not keys:
            return "answered"  # nothing to judge: e.g. no form found prevalent
        by_key = {r.get("row"): r for r in rows}
        cells = []
        for k in keys:
            row = by_key.get(k, {})
            # The first choice column is the row's gate: a form found not prevalent needs nothing more.
            gate = row.get(choice_cols[0]) if choice_cols else None
            cells += [gate] if gate == "no" else [row.get(col) for col in choice_cols]
    if any(cell_empty(v) for v in cells):
        return "unanswered"
    if any(v == INSUFFICIENT for v in cells):
        return "insufficient"
    return "answered"


def open_cells(guidance: Guidance, a: Assessment, screen: Screen, q: Question) -> list[Open]:
    """The open cells of a table question, row by row in screen order, each with its row and column label.

    The same reading as ``question_state``: every choice column of a row in scope, except that a row whose
    first choice (its gate) is "no" needs nothing more.
    """
    ans = a.answer(screen.id, q.id)
    if q.type != "table" or ans.insufficient:
        return []
    choice_cols = [col for col in q.columns if col.type == "choice"]
    keys = table_row_keys(guidance, a, q)
    if keys is None:
        labelled = [(guidance.t("row_n", n=i + 1), r) for i, r in enumerate(rows_of(ans))]
    else:
        by_key = {r.get("row"): r for r in rows_of(ans)}
        labelled = [(form_label(guidance, k), by_key.get(k, {})) for k in keys]
    out: list[Open] = []
    for row_label, row in labelled:
        gate = row.get(choice_cols[0].id) if choice_cols else None
        for col in choice_cols[:1] if gate == "no" else choice_cols:
            value = row.get(col.id)
            if cell_empty(value):
                out.append(Open(screen.id, q.id, q.label, "unanswered", row_label, col.label))
            elif value == INSUFFICIENT:
                out.append(Open(screen.id, q.id, q.label, "insufficient", row_label, col.label))
    return out


def open_items(guidance: Guidance, a: Assessment, screen: Screen) -> list[Open]:
    """What is still open on one screen, in the order the screen shows it."""
    out: list[Open] = []

    def typed(key: str, value: object) -> None:
        if value is None or (isinstance(value, str) and not value.strip()):
            out.append(Open(screen.id, key, screen.field(key).label, "unanswered"))
        elif value == INSUFFICIENT:
            out.append(Open(screen.id, key, screen.field(key).label, "insufficient"))

    if screen.kind == c.CASE.kind:
        case = a.case
        for field in c.CASE_FIELDS:
            if field.id != "items":
                typed(field.id, getattr(case, field.id))
        item_cells = [Open(screen.id, "items", screen.field("items").label, "unanswered",
                           guidance.t("item_n", n=n + 1), screen.field(name).label)
                       for n, i in enumerate(case.items)
                       for name, empty in (("item_description", not (i.description or "").strip()),
                                           ("item_category", i.category is None)) if empty]
        if not case.items or item_cells:
            out.append(_with_cells(screen.id, "items", screen.field("items").label, "unanswered", item_cells))
    elif screen.kind == c.ARTICLE6.kind:
        for key, part in a.article6.parts().items():
            typed(key, part.answer)
        typed("p3_reading", a.article6.p3_reading)  # the answer to 6(3) is given on a stated reading
    elif screen.kind == "step":
        if a.article6.prohibited:
            return out  # Art. 6 prohibits the transfer: the Art. 7 steps do not apply
        for q in screen.questions:
            state = question_state(guidance, a, screen, q)
            if state == "insufficient" or (state == "unanswered" and q.required):
                cells = [o for o in open_cells(guidance, a, screen, q) if q.required or o.state == "insufficient"]
                out.append(_with_cells(screen.id, q.id, q.label, state, cells))
        if screen.id == c.OVERRIDING_RISK.id:
            typed(c.OVERRIDING_FINDING.id, a.determination.overriding_risk)
    elif screen.kind == c.EVIDENCE.kind:
        # A source with no title is not a source yet: it neither completes the register nor goes unnoticed.
        label = screen.field(c.SOURCES.id).label
        untitled = [Open(screen.id, c.SOURCES.id, label, "unanswered", guidance.t("source_row", id=s.id),
                         screen.field("title").label) for s in a.evidence if not (s.title or "").strip()]
        if untitled or not a.evidence:
            out.append(_with_cells(screen.id, c.SOURCES.id, label, "unanswered", untitled))
    elif screen.kind == c.DETERMINATION.kind:
        d = a.determination
        needed = outcome_requires(a)
        if "overriding_risk" in needed:  # asked first on the screen
            typed("overriding_risk", d.overriding_risk)
        typed("outcome", io.overall_outcome(a))
        pending = io.undecided(a)  # deciding item by item: every item needs its own outcome
        if pending:
            label = guidance.t(ITEM_OUTCOMES_LABEL)
            out.append(_with_cells(screen.id, "item_outcomes", label, "unanswered",
                                   [Open(screen.id, "item_outcomes", label, "unanswered",
                                         guidance.t("item_n", n=i + 1), screen.field("outcome").label)
                                    for i in pending]))
        for name in needed:
            if name != "overriding_risk":
                typed(name, getattr(d, name))
    return out


def all_open_items(guidance: Guidance, a: Assessment) -> list[Open]:
    return [o for s in guidance.screens for o in open_items(guidance, a, s)]
