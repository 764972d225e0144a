"""Whether an assessment's answers fit the guidance: the screens, questions, columns and options it names exist.

The model checks the shape every assessment has; the questions come from the guidance, so only the guidance
can say whether ``answers.mitigation.measures`` should be a table, or whether ``"maybe"`` is one of a
question's options. ``problems`` lists every mismatch, each naming its path, so that an import is refused
whole with the reasons rather than stored with answers no screen can show.

What the wizard stores (see ``wizard/ui/inputs.py``): a choice question holds one option id ("insufficient
information" is the answer's ``insufficient`` flag, not a value); a multi question a list of option ids; a
text or date question text (dates as ISO ``YYYY-MM-DD``); a table a list of rows, each a mapping of column
id to cell, plus ``row`` (the catalogue id) in tables whose rows come from a catalogue. A choice cell holds
one option id or ``insufficient_information``; a multi cell a list of option ids; an evidence cell a list of
source ids from the register; a text cell text. Every value may also be empty (null).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from wizard.guidance_schema import Column, Guidance, Option, Question
from wizard.model import INSUFFICIENT, Assessment

ROW_KEY = "row"
"""The key of a catalogue-backed table's row that names its catalogue entry (e.g. a GBV form id)."""


def problems(guidance: Guidance, assessment: Assessment) -> list[str]:
    """Every answer that does not fit the guidance, as ``path: what is wrong``; empty when all fit."""
    out: list[str] = []
    sources = set(assessment.source_ids())
    screens = {s.id: s for s in guidance.screens}
    for screen_id, answers in assessment.answers.items():
        path = f"answers.{screen_id}"
        screen = screens.get(screen_id)
        if screen is None:
            out.append(f"{path}: unknown screen id {screen_id!r}")
            continue
        questions = {q.id: q for q in screen.questions}
        for question_id, answer in answers.items():
            q_path = f"{path}.{question_id}"
            question = questions.get(question_id)
            if question is None:
                out.append(f"{q_path}: unknown question id {question_id!r} on screen {screen_id!r}")
                continue
            out += _value(guidance, question, answer.value, q_path, sources)
            out += _citations(answer.evidence, f"{q_path}.evidence", sources)
    return out


def _value(guidance: Guidance, q: Question, value: Any, path: str, sources: set[str]) -> list[str]:
    if value is None:
        return []
    if q.type == "choice":
        return _one_of(value, _ids(q.options), path, insufficient=False)
    if q.type == "multi":
        return _some_of(value, _ids(q.options), path)
    if q.type == "date":
        return _date(value, path)
    if q.type == "text":
        return [] if isinstance(value, str) else [f"{path}: expected text, got {_kind(value)}"]
    return _table(guidance, q, value, path, sources)


def _table(guidance: Guidance, q: Question, value: Any, path: str, sources: set[str]) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(r, dict) for r in value):
        return [f"{path}: expected a table (list of rows), got {_kind(value)}"]
    out: list[str] = []
    columns = {c.id: c for c in q.columns}
    catalogue = _catalogue_ids(guidance, q.rows_from) if q.rows_from else None
    seen: set[str] = set()
    for i, row in enumerate(value):
        row_path = f"{path}.{i}"
        if catalogue is not None:
            key = row.get(ROW_KEY)
            if not isinstance(key, str):
                out.append(f"{row_path}.{ROW_KEY}: expected the id of a {q.rows_from} entry, got {_kind(key)}")
            elif key not in catalogue:
                out.append(f"{row_path}.{ROW_KEY}: {key!r} is not among the {q.rows_from} "
                           f"({_listing(catalogue)})")
            elif key in seen:
                out.append(f"{row_path}.{ROW_KEY}: {key!r} has two rows")
            else:
                seen.add(key)
        for name, cell in row.items():
            if name == ROW_KEY and catalogue is not None:
                continue
            column = columns.get(name)
            if column is None:
                out.append(f"{row_path}.{name}: unknown column {name!r}")
            elif cell is not None:
                out += _cell(guidance, column, cell, f"{row_path}.{name}", sources)
    return out


def _cell(guidance: Guidance, column: Column, cell: Any, path: str, sources: set[str]) -> list[str]:
    options = (_catalogue_ids(guidance, column.options_from) if column.options_from
               else _ids(column.options))
    if column.type == "choice":
        return _one_of(cell, options, path, insufficient=True)
    if column.type == "multi":
        return _some_of(cell, options, path)
    if column.type == "evidence":
        if not isinstance(cell, list) or not all(isinstance(s, str) for s in cell):
            return [f"{path}: expected a list of source ids, got {_kind(cell)}"]
        return _citations(cell, path, sources)
    return [] if isinstance(cell, str) else [f"{path}: expected text, got {_kind(cell)}"]


def _one_of(value: Any, options: list[str], path: str, *, insufficient: bool) -> list[str]:
    allowed = [*options, INSUFFICIENT] if insufficient else options
    if not isinstance(value, str):
        return [f"{path}: expected one option id, got {_kind(value)}"]
    if value not in allowed:
        return [f"{path}: {value!r} is not an option here ({_listing(allowed)})"]
    return []


def _some_of(value: Any, options: list[str], path: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return [f"{path}: expected a list of option ids, got {_kind(value)}"]
    return [f"{path}.{i}: {v!r} is not an option here ({_listing(options)})"
            for i, v in enumerate(value) if v not in options]


def _date(value: Any, path: str) -> list[str]:
    if not isinstance(value, str):
        return [f"{path}: expected a date (YYYY-MM-DD), got {_kind(value)}"]
    if not value:
        return []
    try:
        date.fromisoformat(value)
    except ValueError:
        return [f"{path}: {value!r} is not a date (YYYY-MM-DD)"]
    return []


def _citations(ids: list[str], path: str, sources: set[str]) -> list[str]:
    return [f"{path}.{i}: source {sid!r} is not in the evidence register"
            for i, sid in enumerate(ids) if sid not in sources]


def _ids(options: tuple[Option, ...]) -> list[str]:
    return [o.id for o in options]


def _catalogue_ids(guidance: Guidance, name: str) -> list[str]:
    if name == "gbv_forms":
        return [f.id for f in guidance.catalogues.gbv_forms]
    raise ValueError(f"unknown catalogue {name!r}")  # the guidance schema allows no other


def _listing(ids: list[str], limit: int = 12) -> str:
    shown = ", ".join(ids[:limit])
    more = f" and {len(ids) - limit} more" if len(ids) > limit else ""
    return f"one of: {shown}{more}" if ids else "there are none"


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return "text"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        if value and all(isinstance(v, dict) for v in value):
            return "a table"
        return "a list"
    return type(value).__name__
