"""The contract between the guidance text and the code: every guidance id the code relies on, declared once.

The guidance YAML is both the product's text and the schema the code runs on. A reviewer may reword anything,
but the ids below are read by the consistency rules, the completeness check, the screens and the record;
renaming or retyping one would make a rule stop firing, or fire falsely, without any error. So the loader
checks the guidance against this contract (``check``) and names the file, line and key of what is missing,
and which rule or module needs it.

Refs are plain values: ``rules.py`` lists the refs each rule reads, and ``MODULE_NEEDS`` the refs other
modules read. Code reads answers through these refs (``ref.screen_id``, ``ref.id``), never through literals.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from wizard.guidance_schema import Column, ColumnType, Guidance, Question, QuestionType, ScreenKind


@dataclass(frozen=True)
class ScreenRef:
    id: str
    kind: ScreenKind

    @property
    def screen_id(self) -> str:
        return self.id

    def __str__(self) -> str:
        return f"screen {self.id!r} (kind {self.kind})"


@dataclass(frozen=True)
class QuestionRef:
    screen: ScreenRef
    id: str
    type: QuestionType

    @property
    def screen_id(self) -> str:
        return self.screen.id

    def __str__(self) -> str:
        return f"question {self.id!r} (type {self.type}) on screen {self.screen.id!r}"


@dataclass(frozen=True)
class ColumnRef:
    question: QuestionRef
    id: str
    type: ColumnType
    options_from: str | None = None  # the column must list the catalogue's ids, e.g. "gbv_forms"

    @property
    def screen_id(self) -> str:
        return self.question.screen.id

    def __str__(self) -> str:
        source = f", options from {self.options_from}" if self.options_from else ""
        return f"column {self.id!r} (type {self.type}{source}) of question {self.question.id!r}"


@dataclass(frozen=True)
class OptionRef:
    owner: QuestionRef | ColumnRef
    id: str

    @property
    def screen_id(self) -> str:
        return self.owner.screen_id

    def __str__(self) -> str:
        return f"option {self.id!r} of {self.owner}"


@dataclass(frozen=True)
class FieldRef:
    """Label and help of a field of the model shown on a screen (``fields:`` in the screen's file)."""

    screen: ScreenRef
    id: str

    @property
    def screen_id(self) -> str:
        return self.screen.id

    def __str__(self) -> str:
        return f"field {self.id!r} on screen {self.screen.id!r}"


@dataclass(frozen=True)
class UiRef:
    """A string in ``ui.yaml`` (e.g. a rule's explanation)."""

    key: str

    def __str__(self) -> str:
        return f"string {self.key!r}"


Ref = ScreenRef | QuestionRef | ColumnRef | OptionRef | FieldRef | UiRef


# --- the ids -------------------------------------------------------------------------------------------------

CASE = ScreenRef("case", "case")
ARTICLE6 = ScreenRef("article6", "article6")
PREVALENCE = ScreenRef("prevalence", "step")
SERIOUSNESS = ScreenRef("seriousness", "step")
MITIGATION = ScreenRef("mitigation", "step")
OVERRIDING_RISK = ScreenRef("overriding_risk", "step")
EVIDENCE = ScreenRef("evidence", "evidence")
SUMMARY = ScreenRef("summary", "summary")
DETERMINATION = ScreenRef("determination", "determination")

PREVENTION = ScreenRef("prevention", "step")

PREVALENCE_FORMS = QuestionRef(PREVALENCE, "forms", "table")
PREVALENT = ColumnRef(PREVALENCE_FORMS, "prevalent", "choice")
PREVALENT_YES = OptionRef(PREVALENT, "yes")
EFFECTIVENESS = QuestionRef(PREVENTION, "effectiveness", "choice")
PERPETRATORS = ColumnRef(PREVALENCE_FORMS, "perpetrators", "multi")
INTENDED_END_USER = OptionRef(PERPETRATORS, "intended_end_user")

SERIOUSNESS_FORMS = QuestionRef(SERIOUSNESS, "forms", "table")
SERIOUS = ColumnRef(SERIOUSNESS_FORMS, "serious", "choice")
SERIOUS_YES = OptionRef(SERIOUS, "yes")

MEASURES = QuestionRef(MITIGATION, "measures", "table")
CREDIBLE = ColumnRef(MEASURES, "credible", "choice")
CREDIBLE_YES = OptionRef(CREDIBLE, "yes")
VERIFICATION = ColumnRef(MEASURES, "verification", "text")
RISKS_ADDRESSED = ColumnRef(MEASURES, "risks_addressed", "multi", options_from="gbv_forms")
RESIDUAL_RISK = QuestionRef(MITIGATION, "residual_risk", "choice")
RESIDUAL_HIGH = OptionRef(RESIDUAL_RISK, "high")

CONSEQUENCES = QuestionRef(OVERRIDING_RISK, "consequences", "multi")  # which Art. 7(1) consequence(s)

# Typed fields of the model whose labels the completeness check, the screens and the record show.
CASE_FIELDS = tuple(FieldRef(CASE, f) for f in ("reference", "exporter", "importing_state", "end_user", "end_use",
                                                 "items"))
ARTICLE6_FIELDS = tuple(FieldRef(ARTICLE6, f) for f in ("p1", "p2", "p3", "p3_reading"))
OVERRIDING_FINDING = FieldRef(OVERRIDING_RISK, "overriding_risk")
SOURCES = FieldRef(EVIDENCE, "sources")
DETERMINATION_FIELDS = {f: FieldRef(DETERMINATION, f) for f in (
    "overriding_risk", "outcome", "gbv_ground", "reasons", "conditions", "reassessment_triggers")}
RECORD = FieldRef(SUMMARY, "record")
# Outcomes decided item by item (wizard/item_outcomes.py): the strings the screen, the checks and the record show.
ITEM_OUTCOME_STRINGS = {
    UiRef("item_outcomes_label"): ("completeness", "rule outcome_needs", "ui item outcomes"),
    UiRef("item_named"): ("rules on item outcomes",),
    **{UiRef(k): ("ui item outcomes",) for k in ("item_outcomes_toggle", "item_outcomes_toggle_help",
                                                  "item_outcome_note", "item_outcomes_follow",
                                                  "item_outcomes_state_overall", "item_outcomes_no_items")},
    **{UiRef(f"record_{k}"): ("record",) for k in ("item_outcomes", "item_outcome", "item_note", "item_follows",
                                                    "item_undecided", "item_unknown")},
}

MODULE_NEEDS: dict[Ref, tuple[str, ...]] = {
    CASE: ("completeness", "ui screens", "record"),
    ARTICLE6: ("completeness", "ui screens", "record"),
    OVERRIDING_RISK: ("completeness (the finding is asked on this step)", "ui screens", "record"),
    EVIDENCE: ("completeness", "ui screens", "record"),
    SUMMARY: ("ui screens", "record"),
    DETERMINATION: ("completeness", "ui screens", "record"),
    **{f: ("completeness",) for f in (*CASE_FIELDS, *ARTICLE6_FIELDS, OVERRIDING_FINDING, SOURCES,
                                       *DETERMINATION_FIELDS.values())},
    RECORD: ("ui screens (record download)",),
    # Page 1 of the record gives each step's finding from these (record_sections.step_findings).
    **{ref: ("record (page 1: each step's finding)",) for ref in (PREVALENT_YES, SERIOUS_YES, EFFECTIVENESS,
                                                                 RESIDUAL_RISK)},
    **ITEM_OUTCOME_STRINGS,
}


# --- checking ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Breach:
    """One unmet need: where in which file (``screen_id`` None: meta.yaml; ``ui``: ui.yaml), and what."""

    screen_id: str | None
    loc: tuple[str | int, ...]
    message: str
    file: str = "screen"  # "screen", "meta" or "ui"


def check(guidance: Guidance, users: Mapping[Ref, Iterable[str]]) -> list[Breach]:
    """Every need in ``users`` that the guidance does not meet, with who needs it.

    A need whose parent is missing (a column of a missing question) is reported once, as the parent's.
    """
    grouped: dict[Breach, set[str]] = {}
    for ref, who in users.items():
        breach = _breach(guidance, ref)
        if breach is not None:
            grouped.setdefault(breach, set()).update(who)
    return [Breach(b.screen_id, b.loc, f"{b.message}; needed by {', '.join(sorted(who))}", b.file)
            for b, who in grouped.items()]


def _breach(g: Guidance, ref: Ref) -> Breach | None:
    if isinstance(ref, UiRef):
        return None if ref.key in g.ui else Breach(None, ("strings",), f"missing {ref}", "ui")
    if isinstance(ref, ScreenRef):
        screen = next((s for s in g.screens if s.id == ref.id), None)
        if screen is None:
            return Breach(None, ("order",), f"missing {ref}", "meta")
        if screen.kind != ref.kind:
            return Breach(ref.id, ("kind",), f"{ref} has kind {screen.kind}")
        return None
    if isinstance(ref, FieldRef):
        if (b := _breach(g, ref.screen)) is not None:
            return b
        return None if ref.id in g.screen(ref.screen.id).fields else Breach(ref.screen.id, ("fields",),
                                                                             f"missing {ref}")
    if isinstance(ref, QuestionRef):
        if (b := _breach(g, ref.screen)) is not None:
            return b
        screen = g.screen(ref.screen.id)
        qi = next((i for i, q in enumerate(screen.questions) if q.id == ref.id), None)
        if qi is None:
            return Breach(ref.screen.id, ("questions",), f"missing {ref}")
        if screen.questions[qi].type != ref.type:
            return Breach(ref.screen.id, ("questions", qi, "type"),
                          f"{ref} has type {screen.questions[qi].type}")
        return None
    if isinstance(ref, ColumnRef):
        if (b := _breach(g, ref.question)) is not None:
            return b
        qi, q = _question(g, ref.question)
        ci = next((i for i, c in enumerate(q.columns) if c.id == ref.id), None)
        base = ("questions", qi, "columns")
        if ci is None:
            return Breach(ref.screen_id, base, f"missing {ref}")
        col = q.columns[ci]
        if col.type != ref.type:
            return Breach(ref.screen_id, (*base, ci, "type"), f"{ref} has type {col.type}")
        if ref.options_from and col.options_from != ref.options_from:
            return Breach(ref.screen_id, (*base, ci), f"{ref} must take its options from {ref.options_from}")
        return None
    # OptionRef
    if (b := _breach(g, ref.owner)) is not None:
        return b
    owner, loc = _owner(g, ref.owner)
    if any(o.id == ref.id for o in owner.options):
        return None
    return Breach(ref.screen_id, (*loc, "options"), f"missing {ref}")


def _question(g: Guidance, ref: QuestionRef) -> tuple[int, Question]:
    screen = g.screen(ref.screen.id)
    qi = next(i for i, q in enumerate(screen.questions) if q.id == ref.id)
    return qi, screen.questions[qi]


def _owner(g: Guidance, ref: QuestionRef | ColumnRef) -> tuple[Question | Column, tuple[str | int, ...]]:
    if isinstance(ref, QuestionRef):
        qi, q = _question(g, ref)
        return q, ("questions", qi)
    qi, q = _question(g, ref.question)
    ci = next(i for i, c in enumerate(q.columns) if c.id == ref.id)
    return q.columns[ci], ("questions", qi, "columns", ci)
