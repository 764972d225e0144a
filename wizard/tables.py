"""Table answers: which rows a catalogue table has, the rows the officer can see, and the sources they cite.

A table answer is a list of rows (dicts). Catalogue tables (``rows_from``) have one row per catalogue entry,
keyed by ``"row"``; a later table may take only the rows an earlier one marked (``rows_where``). Rows that
drop out of scope stay stored, so nothing is lost if the officer changes back, but nothing counts them.
"""

from __future__ import annotations

from collections.abc import Iterator

from wizard.guidance_schema import Guidance, Question
from wizard.model import INSUFFICIENT, Answer, Assessment, Row


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


def cell_empty(value: object) -> bool:
    return value in (None, "", [])


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


def answer_citations(a: Assessment, guidance: Guidance | None = None) -> Iterator[tuple[str, str, list[str]]]:
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
    for screen_id, _where, ids in answer_citations(a, guidance):
        for sid in ids:
            screens = used.setdefault(sid, [])
            if screen_id not in screens:
                screens.append(screen_id)
    return used
