"""Training: a trainee's answers beside a scenario's model answers, question by question (issue 12).

Plain functions on the assessment and the scenario; no I/O. What is compared:

- a choice (one option) matches when it is the same option;
- a multi (several options) matches when it is the same set;
- a catalogue table matches row by row, on each choice and multi column the model fills (notes, reasons and
  evidence are the trainee's words and are shown, not scored);
- the mitigation table matches when, for each measure the model lists, the trainee has a row with that measure
  and the same judgement of its credibility;
- text answers are shown beside the model's and not scored;
- Article 6 matches part by part, and the determination on the overriding-risk finding, the outcome and
  whether GBV/VAWC is a ground.

A step's score is the share of its scored questions that match; a question's annotation is shown whatever the
trainee answered, and a difference is highlighted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wizard.guidance_schema import Guidance, Question
from wizard.model import (
    INSUFFICIENT,
    Answer,
    Article6Answer,
    Article6Screen,
    Assessment,
    CaseDetails,
    Consultation,
    Determination,
    InformationGap,
    Item,
    Source,
)
from wizard.scenarios import SOURCE_TYPE, ModelAnswer, Scenario

ARTICLE6 = "article6"
DETERMINATION = "determination"


# --- the model as an assessment -------------------------------------------------------------------------------


def case_of(s: Scenario, reference: str | None = None) -> CaseDetails:
    """The case screen as the trainee starts it: the application, filled in from the scenario."""
    app = s.application
    return CaseDetails(reference=reference or app.reference, exporter=app.exporter,
                       importing_state=s.importing_state, end_user=app.end_user, end_use=app.end_use,
                       art8_documents=app.art8_documents,
                       items=[Item(description=i.description, category=i.category, quantity=i.quantity,
                                   value=i.value, currency=i.currency) for i in app.items])


def source_of(s: Scenario, doc_id: str, reliability: str = "unknown") -> Source:
    """A document of the pack as a source in the evidence register, under its pack id (D3)."""
    d = next(d for d in s.documents if d.id == doc_id)
    return Source(id=d.id, title=d.title, publisher=d.author, type=SOURCE_TYPE[d.kind],  # type: ignore[arg-type]
                  info_date=d.date, reliability=reliability)  # type: ignore[arg-type]


def stored_value(q: Question, value: Any) -> Any:
    """A model value in the shape the assessment stores it (a catalogue table: a list of rows with ``row``)."""
    if q.type == "table" and q.rows_from and isinstance(value, dict):
        return [{"row": form, **cells} for form, cells in value.items()]
    return value


def model_assessment(s: Scenario, g: Guidance) -> Assessment:
    """The scenario answered as its model says: what a trainee who matched everything would have stored."""
    a = Assessment(language=g.language, training=True, case=case_of(s))  # type: ignore[arg-type]
    a.article6 = Article6Screen(
        p1=Article6Answer(answer=s.article6.p1, reasons=s.article6.annotation),
        p2=Article6Answer(answer=s.article6.p2, reasons=s.article6.annotation),
        p3=Article6Answer(answer=s.article6.p3, reasons=s.article6.annotation),
        p3_reading=s.article6.p3_reading)
    a.evidence = [source_of(s, d.id, s.sources[d.id].reliability) for d in s.documents]
    a.gaps = [InformationGap(description=gap.description, asked_of=gap.asked_of,
                             art8_request=gap.art8_request) for gap in s.gaps]
    a.consultations = [Consultation(who=c.who, kind=c.kind, advice=c.advice) for c in s.consultations]
    for screen in g.screens:
        for q in screen.questions if screen.kind == "step" else ():
            m = s.answers.get(screen.id, {}).get(q.id)
            if m is None or m.value is None:
                continue
            a.set_answer(screen.id, q.id, Answer(value=stored_value(q, m.value), reasons=m.annotation,
                                                 evidence=list(m.cites)))
    d = s.determination
    a.determination = Determination(overriding_risk=d.overriding_risk, outcome=d.outcome, gbv_ground=d.gbv_ground,
                                    reasons=d.annotation, conditions=d.conditions,
                                    reassessment_triggers=d.reassessment_triggers)
    return a


# --- comparing ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    """One place where the trainee's answer differs from the model's: a row (form id or measure), a column."""

    where: tuple[str, ...]
    theirs: Any
    model: Any


@dataclass(frozen=True)
class Comparison:
    screen_id: str
    question_id: str
    scored: bool  # False: a text answer, shown beside the model's
    matched: bool
    theirs: Any
    model: Any
    annotation: str
    indicators: tuple[str, ...] = ()
    cites: tuple[str, ...] = ()
    differences: tuple[Difference, ...] = ()


@dataclass(frozen=True)
class StepScore:
    screen_id: str
    matched: int
    scored: int
    comparisons: tuple[Comparison, ...] = field(default=())

    @property
    def percent(self) -> int:
        return round(100 * self.matched / self.scored) if self.scored else 100


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, list) or isinstance(b, list):
        return sorted(a or []) == sorted(b or [])
    return a == b


def _table_differences(q: Question, theirs: Any, model: Any) -> list[Difference]:
    scored_cols = [c.id for c in q.columns if c.type in ("choice", "multi")]
    rows = theirs if isinstance(theirs, list) else []
    out: list[Difference] = []
    if q.rows_from:
        by_form = {r.get("row"): r for r in rows if isinstance(r, dict)}
        for form, cells in (model or {}).items():
            mine = by_form.get(form, {})
            for col in scored_cols:
                if col in cells and not _same(mine.get(col), cells[col]):
                    out.append(Difference((form, col), mine.get(col), cells[col]))
        return out
    # Rows the officer adds (mitigation measures): each model measure needs a row with its judgement.
    for cells in model or []:
        measure = cells.get("measure")
        candidates = [r for r in rows if isinstance(r, dict) and r.get("measure") == measure]
        wanted = {col: cells[col] for col in scored_cols if col in cells and col != "measure"}
        if not any(all(_same(r.get(col), v) for col, v in wanted.items()) for r in candidates):
            found = candidates[0] if candidates else None
            out.append(Difference((str(measure),), {k: found.get(k) for k in wanted} if found else None, wanted))
    return out


ROW = ":"  # a table's rows are scored one by one: "forms:sexual_violence_security_forces", "measures:vetted_units"


def compare_question(q: Question, screen_id: str, answer: Answer, m: ModelAnswer) -> list[Comparison]:
    """One comparison for a choice, multi or text question; one per row the model fills for a table (a form of
    violence, a measure), so that the trainer sees which rows were missed."""
    theirs = "insufficient_information" if answer.insufficient else answer.value
    common = dict(screen_id=screen_id, theirs=theirs, annotation=m.annotation, indicators=m.indicators,
                  cites=m.cites)
    if m.value is None or q.type in ("text", "date"):
        return [Comparison(question_id=q.id, scored=False, matched=True, model=m.value, **common)]
    if q.type == "table":
        rows = m.value.items() if isinstance(m.value, dict) else \
            [(str(cells.get("measure")), [cells]) for cells in m.value or []]
        out = []
        for key, cells in rows:
            model = {key: cells} if q.rows_from else cells
            diffs = _table_differences(q, theirs, model)
            out.append(Comparison(question_id=f"{q.id}{ROW}{key}", scored=True, matched=not diffs, model=model,
                                  differences=tuple(diffs), **common))
        return out
    matched = _same(theirs, m.value)
    return [Comparison(question_id=q.id, scored=True, matched=matched, model=m.value,
                       differences=() if matched else (Difference((), theirs, m.value),), **common)]


def _article6(a: Assessment, s: Scenario) -> StepScore:
    comparisons = []
    for part in ("p1", "p2", "p3"):
        theirs, model = getattr(a.article6, part).answer, getattr(s.article6, part)
        comparisons.append(Comparison(ARTICLE6, part, True, theirs == model, theirs, model, s.article6.annotation,
                                      cites=s.article6.cites,
                                      differences=() if theirs == model else (Difference((), theirs, model),)))
    return _score(ARTICLE6, comparisons)


def _determination(a: Assessment, s: Scenario) -> StepScore:
    d, m = a.determination, s.determination
    comparisons = []
    for name in ("overriding_risk", "outcome", "gbv_ground"):
        theirs, model = getattr(d, name), getattr(m, name)
        if model is None and name != "gbv_ground":
            continue  # not asked on this path (an Article 6 prohibition has no overriding-risk finding)
        comparisons.append(Comparison(DETERMINATION, name, True, theirs == model, theirs, model, m.annotation,
                                      differences=() if theirs == model else (Difference((), theirs, model),)))
    return _score(DETERMINATION, comparisons)


def _score(screen_id: str, comparisons: list[Comparison]) -> StepScore:
    scored = [c for c in comparisons if c.scored]
    return StepScore(screen_id, sum(c.matched for c in scored), len(scored), tuple(comparisons))


def compare(a: Assessment, s: Scenario, g: Guidance) -> list[StepScore]:
    """Every step of the assessment beside the model: Article 6, each step screen, the determination."""
    out = [_article6(a, s)]
    for screen in g.screens:
        if screen.kind != "step":
            continue
        given = s.answers.get(screen.id, {})
        out.append(_score(screen.id, [c for q in screen.questions if q.id in given
                                      for c in compare_question(q, screen.id, a.answer(screen.id, q.id), given[q.id])]))
    out.append(_determination(a, s))
    return out


def total(scores: list[StepScore]) -> tuple[int, int]:
    """Matched and scored questions over the whole assessment."""
    return sum(x.matched for x in scores), sum(x.scored for x in scores)


# --- answers in words (the feedback on screen and the debrief) ------------------------------------------------


def option_labels(g: Guidance, screen_id: str, question_id: str, column: str | None = None) -> dict[str, str]:
    """The labels of the options one answer is chosen from, by id: the question's own (an id such as "partial"
    means something else in another question), or one of its table's columns; with yes, no and insufficient
    information, and for Article 6 and the determination the labels their fields use."""
    answers = dict(g.catalogues.answers) | {"yes": g.t("yes"), "no": g.t("no"),
                                            INSUFFICIENT: g.t("insufficient_information")}
    if screen_id == ARTICLE6:
        return answers | dict(g.catalogues.knowledge_readings)
    if screen_id == DETERMINATION:
        return answers | dict(g.catalogues.outcomes)
    q = g.screen(screen_id).question(question_id.partition(ROW)[0])
    if column is None:
        return answers | {o.id: o.label for o in q.options}
    col = next((x for x in q.columns if x.id == column), None)
    if col is None:
        return answers
    if col.options_from == "gbv_forms":
        return answers | {f.id: f.label for f in g.catalogues.gbv_forms}
    return answers | {o.id: o.label for o in col.options}


def in_words(g: Guidance, labels: dict[str, str], value: Any) -> str:
    """A value as the screens say it: option labels from ``labels``, lists and rows joined as the language joins
    them, "—" for nothing."""
    if value is None or value == [] or value == {}:
        return g.t("none_option")
    if isinstance(value, bool):
        return g.t("yes") if value else g.t("no")
    if isinstance(value, list):
        return g.t("comma_separator").join(in_words(g, labels, v) for v in value)
    if isinstance(value, dict):
        return g.t("list_separator").join(g.t("label_value", label=k, value=in_words(g, labels, v))
                                          for k, v in value.items())
    return labels.get(str(value), str(value))


def cells_in_words(g: Guidance, screen_id: str, question_id: str, cells: dict[str, Any] | None) -> str:
    """A table row's chosen cells ("Prevalent: Yes; Perpetrators: State security forces"); words the officer
    typed (notes, reasons) and cited sources are left out."""
    if cells is None:
        return g.t("none_option")
    q = g.screen(screen_id).question(question_id.partition(ROW)[0])
    chosen = {c.id: c.label for c in q.columns if c.type in ("choice", "multi")}
    return g.t("list_separator").join(
        g.t("label_value", label=chosen[k], value=in_words(g, option_labels(g, screen_id, question_id, k), x))
        for k, x in cells.items() if k in chosen)


def answer_in_words(g: Guidance, screen_id: str, question_id: str, value: Any) -> str:
    """A model answer, as the debrief prints it: a table row by its chosen cells, anything else by its labels."""
    screen = g.screen(screen_id)
    if screen.kind == "step" and isinstance(value, dict):
        q = screen.question(question_id.partition(ROW)[0])
        if q.type == "table":
            return cells_in_words(g, screen_id, question_id, next(iter(value.values())) if q.rows_from else value)
    return in_words(g, option_labels(g, screen_id, question_id), value)
