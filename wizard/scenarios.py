"""Training scenarios: a fictional case, its information pack and the model answers (issue 12).

A scenario is a YAML file, ``guidance/scenarios/<lang>/<id>.yaml``, one per language with the same ids and
shape (the parity check covers them as it covers the guidance). It holds:

- the export application (the case screen's fields and items) and the fictional importing State;
- the information pack: dated documents, each of a kind (treaty body, NGO, media, embassy cable, statistics,
  assurance ...), that a trainee reads beside the wizard and can cite as sources in one click;
- the model answers: for every question of every screen a value (or ``null`` where the scenario's path does
  not ask it), an annotation with the reasoning, and the indicators the trainee should have noticed;
- the model determination.

``load_scenarios`` reads and checks them against the guidance: an unknown screen, question, column or option id,
a question without a model answer, a document cited but not in the pack, a date in the future. Every problem
names the file, the line and the key, as for the guidance.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field

from wizard.guidance import GUIDANCE_ROOT, _read_yaml, _validate, load_guidance
from wizard.guidance_schema import Guidance, GuidanceError, Id, Question, Schema, Text
from wizard.model import (
    INSUFFICIENT,
    ConsultationKind,
    ItemCategory,
    KnowledgeReading,
    Outcome,
    Reliability,
    TriState,
)

SCENARIOS = "scenarios"

DocumentKind = Literal["treaty_body", "un_report", "nhri", "ngo", "media", "embassy_cable", "statistics",
                       "assurance", "academic", "government"]
# The evidence register's source type for each kind of document (wizard/model.SourceType).
SOURCE_TYPE: dict[str, str] = {"treaty_body": "un", "un_report": "un", "nhri": "nhri", "ngo": "ngo",
                               "media": "media", "embassy_cable": "diplomatic", "statistics": "government",
                               "assurance": "government", "academic": "academic", "government": "government"}
Path_ = Literal["article6_prohibited", "no_serious_violence", "authorise_with_conditions", "refuse",
                "suspend", "civilian_firearms"]
DocId = Annotated[str, Field(pattern=r"^D[0-9]{1,3}$")]
Value = str | list[str] | dict[str, dict[str, Any]] | list[dict[str, Any]] | None


class ScenarioItem(Schema):
    description: Text
    category: ItemCategory
    quantity: int = Field(ge=0)
    value: float | None = Field(default=None, ge=0)
    currency: str = ""


class Application(Schema):
    reference: Text
    exporter: Text
    end_user: Text
    end_use: Text
    art8_documents: Text
    """The documents the importing State provided under Art. 8(1) (end-user certificate ...)."""
    items: tuple[ScenarioItem, ...] = Field(min_length=1)


class Document(Schema):
    id: DocId
    """D1, D2 ...: the id a trainee sees and a model answer cites."""
    kind: DocumentKind
    title: Text
    author: Text
    """Who wrote or published it (fictional for the scenario's own actors)."""
    date: date
    text: Text
    """The document itself, as the trainee reads it."""


class ModelAnswer(Schema):
    value: Value = None
    """The model answer: an option id, a list of option ids, rows (a table), or text; null where this
    scenario's path does not ask the question."""
    annotation: Text
    """Why: the reasoning a trainer would give."""
    indicators: tuple[str, ...] = ()
    """What in the pack the trainee should have noticed."""
    cites: tuple[DocId, ...] = ()
    """The documents this answer rests on."""


class ModelArticle6(Schema):
    p1: TriState
    p2: TriState
    p3: TriState
    p3_reading: KnowledgeReading | None = None
    annotation: Text
    cites: tuple[DocId, ...] = ()


class ModelSource(Schema):
    reliability: Reliability
    annotation: Text
    """Why this document is (un)reliable, stale or contradicted."""


class ModelGap(Schema):
    description: Text
    """What is missing and why it matters."""
    asked_of: Text
    """Whom to ask (the importing State under Art. 8(1), an embassy ...)."""
    art8_request: bool = False
    """Whether it is a request to the importing State under Art. 8(1)."""


class ModelConsultation(Schema):
    who: Text
    kind: ConsultationKind
    advice: Text
    """What the expert or focal point advised, as the officer records it."""


class ModelDetermination(Schema):
    overriding_risk: TriState | None
    outcome: Outcome
    gbv_ground: bool | None
    conditions: str = ""
    reassessment_triggers: str = ""
    """What would make the authority look again (Art. 7(7)); needed for an authorisation."""
    annotation: Text


class Scenario(Schema):
    id: Id
    title: Text
    teaches: Path_
    """The path through the assessment this scenario teaches."""
    summary: Text
    """For the trainer: what the scenario is about and what it teaches."""
    importing_state: Text
    """A fictional State."""
    application: Application
    documents: tuple[Document, ...] = Field(min_length=3)
    sources: dict[DocId, ModelSource]
    """The model reliability of each document."""
    article6: ModelArticle6
    answers: dict[Id, dict[Id, ModelAnswer]]
    """Screen id -> question id -> model answer, for every question of every step screen."""
    gaps: tuple[ModelGap, ...] = ()
    """The information gaps a careful officer records (and, where the pack is too thin, asks to close)."""
    consultations: tuple[ModelConsultation, ...] = ()
    """Whom a careful officer consults (a GBV expert, the gender focal point ...) and what they advise."""
    determination: ModelDetermination


# --- loading and checking ------------------------------------------------------------------------------------


def scenario_dir(language: str, root: Path | None = None) -> Path:
    return (root or GUIDANCE_ROOT) / SCENARIOS / language


def load_scenarios(language: str = "en", root: Path | None = None, today: date | None = None) -> tuple[Scenario, ...]:
    """Every scenario of a language, checked against that language's guidance; raises GuidanceError naming
    each problem with its file, line and key."""
    root = root or GUIDANCE_ROOT
    guidance = load_guidance(language, root)
    folder = scenario_dir(language, root)
    if not folder.is_dir():
        return ()
    problems: list[str] = []
    found: list[Scenario] = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            data, where = _read_yaml(path, root)
            scenario = _validate(Scenario, data, where)
        except GuidanceError as err:
            problems += err.problems
            continue
        if scenario.id != path.stem:
            problems.append(f"{where.path}, line {where.line_of(('id',))}, key id: {scenario.id!r} differs from "
                            f"the file name {path.stem!r}")
        problems += [f"{where.path}, line {where.line_of(loc)}, key {'.'.join(map(str, loc))}: {what}"
                     for loc, what in _semantic_problems(scenario, guidance, today or date.today())]
        found.append(scenario)
    if problems:
        raise GuidanceError(problems)
    return tuple(found)


@cache
def cached_scenarios(language: str = "en") -> tuple[Scenario, ...]:
    return load_scenarios(language)


def scenario(scenarios: tuple[Scenario, ...], scenario_id: str) -> Scenario:
    for s in scenarios:
        if s.id == scenario_id:
            return s
    raise KeyError(scenario_id)


Loc = tuple[Any, ...]


def _semantic_problems(s: Scenario, g: Guidance, today: date) -> list[tuple[Loc, str]]:
    out: list[tuple[Loc, str]] = []
    pack = {d.id for d in s.documents}
    seen: set[str] = set()
    for i, d in enumerate(s.documents):
        if d.id in seen:
            out.append((("documents", i, "id"), f"{d.id} appears twice in the pack"))
        seen.add(d.id)
        if d.date > today:
            out.append((("documents", i, "date"), f"{d.date.isoformat()} is in the future"))
    for doc_id in pack - set(s.sources):
        out.append((("sources",), f"no model reliability for {doc_id}"))
    for doc_id in set(s.sources) - pack:
        out.append((("sources", doc_id), f"{doc_id} is not in the information pack"))
    out += [(("article6", "cites"), f"{c} is not in the information pack") for c in s.article6.cites
            if c not in pack]
    steps = [screen for screen in g.screens if screen.kind == "step"]
    for screen_id in s.answers:
        if screen_id not in {x.id for x in steps}:
            out.append((("answers", screen_id), f"unknown step screen {screen_id!r}"))
    for screen in steps:
        given = s.answers.get(screen.id)
        if given is None:
            out.append((("answers",), f"no model answers for screen {screen.id!r}"))
            continue
        ids = {q.id for q in screen.questions}
        for qid in given:
            if qid not in ids:
                out.append((("answers", screen.id, qid), f"unknown question {qid!r} on screen {screen.id!r}"))
        for q in screen.questions:
            answer = given.get(q.id)
            if answer is None:
                out.append((("answers", screen.id), f"no model answer for question {q.id!r}"))
                continue
            loc = ("answers", screen.id, q.id)
            out += [((*loc, "cites"), f"{c} is not in the information pack") for c in answer.cites if c not in pack]
            out += [((*loc, "value", *sub), what) for sub, what in _value_problems(g, q, answer.value, pack)]
    return out


def _options(g: Guidance, options: tuple[Any, ...], options_from: str | None) -> set[str]:
    if options_from == "gbv_forms":
        return {f.id for f in g.catalogues.gbv_forms}
    return {o.id for o in options}


def _value_problems(g: Guidance, q: Question, value: Value, pack: set[str]) -> list[tuple[Loc, str]]:
    if value is None:
        return []
    if q.type == "choice":
        allowed = {o.id for o in q.options} | {INSUFFICIENT}
        return [] if isinstance(value, str) and value in allowed else \
            [((), f"{value!r} is not an option here ({', '.join(sorted(allowed))})")]
    if q.type == "multi":
        allowed = {o.id for o in q.options}
        if not isinstance(value, list):
            return [((), "expected a list of option ids")]
        return [((i,), f"{v!r} is not an option here") for i, v in enumerate(value) if v not in allowed]
    if q.type in ("text", "date"):
        return [] if isinstance(value, str) else [((), "expected text")]
    # A table: rows keyed by catalogue form id (rows_from), or a list of rows the officer adds.
    if q.rows_from:
        if not isinstance(value, dict):
            return [((), "expected rows keyed by form id")]
        forms = _options(g, (), q.rows_from)
        out = [((key,), f"unknown form {key!r}") for key in value if key not in forms]
        return out + [((key, *sub), what) for key, row in value.items() for sub, what in _row_problems(g, q, row, pack)]
    if not isinstance(value, list):
        return [((), "expected a list of rows")]
    return [((i, *sub), what) for i, row in enumerate(value) for sub, what in _row_problems(g, q, row, pack)]


def _row_problems(g: Guidance, q: Question, row: Any, pack: set[str]) -> list[tuple[Loc, str]]:
    if not isinstance(row, dict):
        return [((), "expected a row (column id: value)")]
    columns = {c.id: c for c in q.columns}
    out: list[tuple[Loc, str]] = []
    for col_id, cell in row.items():
        col = columns.get(col_id)
        if col is None:
            out.append(((col_id,), f"unknown column {col_id!r} of question {q.id!r}"))
            continue
        allowed = _options(g, col.options, col.options_from) | ({INSUFFICIENT} if col.type == "choice" else set())
        if col.type == "choice" and cell is not None and cell not in allowed:
            out.append(((col_id,), f"{cell!r} is not an option of column {col_id!r}"))
        elif col.type in ("multi", "evidence"):
            if not isinstance(cell, list):
                out.append(((col_id,), "expected a list"))
                continue
            ok = pack if col.type == "evidence" else allowed
            what = "is not in the information pack" if col.type == "evidence" else f"is not an option of {col_id!r}"
            out += [((col_id, i), f"{v!r} {what}") for i, v in enumerate(cell) if v not in ok]
    return out


# --- parity between languages --------------------------------------------------------------------------------

# Values that are ids, numbers, dates or settings: the same in every language's copy of a scenario.
_ID_KEYS = frozenset({"id", "teaches", "reference", "category", "quantity", "currency", "kind", "date",
                      "reliability", "art8_request"})
_DECISIONS = {"article6": {"p1", "p2", "p3", "p3_reading"}, "determination": {"overriding_risk", "outcome",
                                                                             "gbv_ground"}}


def untranslated(guidance: Guidance) -> Any:
    """Which paths of a scenario hold ids, numbers, dates or settings rather than words."""
    questions: dict[tuple[str, str], Question] = {(s.id, q.id): q for s in guidance.screens for q in s.questions}

    def is_id(path: tuple[Any, ...]) -> bool:
        keys = [k for k in path if isinstance(k, str)]
        if not keys:
            return False
        if "cites" in keys or keys[-1] in _ID_KEYS:
            return True
        if path[0] == "application" and keys[-1] == "value":  # an item's value, a number
            return True
        if path[0] in _DECISIONS and len(path) == 2:
            return path[1] in _DECISIONS[path[0]]
        if path[0] == "answers" and len(path) >= 4 and path[3] == "value":
            q = questions.get((path[1], path[2]))
            if q is None or q.type in ("text", "date"):
                return False
            if q.type == "table":  # a cell: words in a text column, ids in the others
                column = next((c for c in q.columns if c.id == keys[-1]), None)
                return column is None or column.type != "text"
            return True
        return False

    return is_id


def parity_problems(root: Path | None = None) -> list[str]:
    """Every scenario of English exists in each other language with the same shape and the same ids, dates,
    numbers and model choices; only the words differ. Named by language, file, line and key."""
    from wizard.guidance_parity import REFERENCE, _compare, _key, _load, languages

    root = root or GUIDANCE_ROOT
    base = scenario_dir(REFERENCE, root)
    if not base.is_dir():
        return []
    is_id = untranslated(load_guidance(REFERENCE, root))
    ours_files = sorted(p.name for p in base.glob("*.yaml"))
    out: list[str] = []
    for lang in languages(root)[1:]:
        folder = scenario_dir(lang, root)
        theirs_files = sorted(p.name for p in folder.glob("*.yaml")) if folder.is_dir() else []
        rel = f"guidance/{SCENARIOS}"
        out += [f"{lang}: {rel}/{lang}/{name}: missing ({rel}/{REFERENCE}/{name} has it)"
                for name in ours_files if name not in theirs_files]
        out += [f"{lang}: {rel}/{lang}/{name}: no such scenario in {rel}/{REFERENCE}"
                for name in theirs_files if name not in ours_files]
        for name in sorted(set(ours_files) & set(theirs_files)):
            try:
                ours, _ = _load(base / name, root)
                data, where = _load(folder / name, root)
            except Exception as err:  # unreadable YAML: load_scenarios names the line
                out.append(f"{lang}: {rel}/{lang}/{name}: cannot be compared ({err})")
                continue
            out += [f"{lang}: {where.path}, line {where.line_of(path)}, key {_key(path)}: {what}"
                    for path, what in _compare(ours, data, (), is_id=is_id)]
    return out
