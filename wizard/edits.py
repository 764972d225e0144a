"""A change to an assessment as data, and the merge of held changes onto another writer's version.

Every widget turns what the officer did into an ``Edit``: the path of the field, the new value, and the value
the officer saw there. Because an edit is data rather than a closure, a change held back by a save conflict
can be judged afterwards: ``merge`` applies it to the other writer's version only when its path still names
the same thing it named in the officer's own version.

Paths are dotted, in the vocabulary of ``wizard.history`` and pydantic's error messages:

- model fields: ``case.reference``, ``case.items.0.quantity``, ``evidence.1.title``, ``determination.gbv_ground``;
- answers: ``answers.<screen>.<question>.value|reasons|evidence|insufficient``, and ``...choice``, the one
  radio that sets both ``value`` and ``insufficient`` ("insufficient information" is a state, not a value);
- table cells: ``answers.<screen>.<question>.value.<row>.<column>``, where ``<row>`` is the form id of a
  catalogue row (rows carry ``"row": <form id>``) or the index of an officer-added row (digits are indexes).

List operations are edits too: ``Edit.append_to(list_path)`` adds a new element of the list's own kind, and
``Edit.remove_at(element_path, old)`` removes an element only while it still holds ``old``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any, Literal

from pydantic import ValidationError
from pydantic_core import PydanticSerializationError, to_jsonable_python

from wizard.model import INSUFFICIENT, Answer, Assessment, Consultation, InformationGap, Item, Source

Op = Literal["set", "append", "remove"]
Reason = Literal["moved", "removed", "changed", "invalid"]

ANSWER_FIELDS = ("value", "reasons", "evidence", "insufficient", "choice")
# Fields only the store sets (create, finalise, reopen, import); an edit of them would be refused on save anyway.
STORE_MANAGED = frozenset({"format_version", "id", "revision", "status", "created_at", "updated_at", "finalised_at"})
# What "add" makes in each list; a source gets its id from the version it is added to, so that two tabs that
# each add a source do not both make S1.
NEW_ELEMENT: dict[str, Callable[[Assessment], Any]] = {
    "case.items": lambda _a: Item(),
    "evidence": lambda a: Source(id=a.next_source_id()),
    "gaps": lambda _a: InformationGap(),
    "consultations": lambda _a: Consultation(),
}


@dataclass(frozen=True)
class Edit:
    """One change: ``new`` at ``path``; ``old`` is what the officer saw there (for a remove: the element)."""

    path: str
    new: Any = None
    old: Any = None
    op: Op = "set"

    @classmethod
    def append_to(cls, list_path: str) -> Edit:
        return cls(list_path, op="append")

    @classmethod
    def remove_at(cls, element_path: str, old: Any) -> Edit:
        """Remove the element at ``element_path`` while it still holds ``old`` (a model or its JSON form)."""
        return cls(element_path, old=to_jsonable_python(old), op="remove")  # a snapshot, not a live object


class EditError(ValueError):
    """An edit that cannot be applied; the message names the path and why."""

    def __init__(self, edit: Edit, why: str):
        self.edit = edit
        super().__init__(f"{edit.path}: {why}")


class NoSuchPath(EditError):
    pass


class InvalidValue(EditError):
    pass


class Stale(EditError):
    """The element no longer holds what the officer saw, so a remove would take another row with it."""


# ---------------------------------------------------------------------------------------------------------
# Applying one edit


def apply(a: Assessment, edit: Edit) -> Assessment:
    """A validated copy of ``a`` with ``edit`` made; EditError when the path or the value is not acceptable.

    The change is made on the JSON form and the whole document validated again, so every rule of the model
    (types, bounds, unique source ids) holds exactly as on import.
    """
    parts = edit.path.split(".")
    if not all(parts):
        raise NoSuchPath(edit, "not a field path")
    data = a.model_dump(mode="json")
    if parts[0] == "answers":
        _apply_answer(data["answers"], parts[1:], edit)
    elif parts[0] in STORE_MANAGED:
        raise NoSuchPath(edit, "set by the store, not by an edit")
    else:
        _apply_field(a, data, parts, edit)
    try:
        return Assessment.model_validate(data)
    except ValidationError as err:
        raise InvalidValue(edit, "; ".join(_error_text(e) for e in err.errors())) from None


def _apply_field(a: Assessment, data: dict[str, Any], parts: list[str], edit: Edit) -> None:
    if edit.op == "append":
        make = NEW_ELEMENT.get(edit.path)
        if make is None:
            raise NoSuchPath(edit, "no list that elements can be added to")
        _walk(data, parts, edit).append(make(a).model_dump(mode="json"))
        return
    parent, last = _walk(data, parts[:-1], edit), parts[-1]
    if edit.op == "remove":
        _remove(parent, last, edit)
        if parts[:-1] == ["case", "items"]:
            _follow_removed_item(data, int(last))
    elif isinstance(parent, dict) and last in parent:  # the dump holds every field, so a new key is unknown
        parent[last] = _json(edit.new, edit)
    elif isinstance(parent, list) and _index(last, parent) is not None:
        parent[int(last)] = _json(edit.new, edit)
    else:
        raise NoSuchPath(edit, "no such field")


def _apply_answer(answers: dict[str, Any], parts: list[str], edit: Edit) -> None:
    if len(parts) < 3 or parts[2] not in ANSWER_FIELDS:
        raise NoSuchPath(edit, f"an answer path is answers.<screen>.<question>.{'|'.join(ANSWER_FIELDS)}")
    screen_id, question_id, name, rest = parts[0], parts[1], parts[2], parts[3:]
    # A question nobody has answered yet has no stored answer: the edit starts from an empty one.
    answer = answers.setdefault(screen_id, {}).setdefault(question_id, Answer().model_dump(mode="json"))
    if name != "value" and (rest or edit.op != "set"):
        raise NoSuchPath(edit, f"{name} has no rows")
    if name == "choice":
        answer["insufficient"] = edit.new == INSUFFICIENT
        answer["value"] = None if edit.new == INSUFFICIENT else _json(edit.new, edit)
    elif not rest and edit.op == "set":
        answer[name] = _json(edit.new, edit)
    elif not rest and edit.op == "append":
        answer["value"] = [*_rows(answer, edit), {}]
    elif len(rest) == 1 and edit.op == "remove":
        rows = _rows(answer, edit)
        _remove(rows, rest[0], edit)
        answer["value"] = rows
    elif len(rest) == 2 and edit.op == "set":
        rows = _rows(answer, edit)
        _row(rows, rest[0], edit)[rest[1]] = _json(edit.new, edit)
        answer["value"] = rows
    else:
        raise NoSuchPath(edit, f"no such part of a table answer for {edit.op}")


def _rows(answer: dict[str, Any], edit: Edit) -> list[dict[str, Any]]:
    value = answer["value"]
    if value is None:
        return []
    if isinstance(value, list) and all(isinstance(r, dict) for r in value):
        return value
    raise NoSuchPath(edit, "the answer is not a table")


def _row(rows: list[dict[str, Any]], row: str, edit: Edit) -> dict[str, Any]:
    """An added row by index (it must exist), or a catalogue row by form id (made on its first answer)."""
    if row.isdigit():
        if _index(row, rows) is None:
            raise NoSuchPath(edit, f"there is no row {int(row) + 1}")
        return rows[int(row)]
    found = next((r for r in rows if r.get("row") == row), None)
    if found is None:
        found = {"row": row}
        rows.append(found)
    return found


def _remove(parent: Any, last: str, edit: Edit) -> None:
    if not isinstance(parent, list) or _index(last, parent) is None:
        raise NoSuchPath(edit, "no such element to remove")
    if parent[int(last)] != _json(edit.old, edit):
        raise Stale(edit, "the element there is no longer the one shown, so it was not removed")
    del parent[int(last)]


def _follow_removed_item(data: dict[str, Any], removed: int) -> None:
    """Outcomes decided item by item name items by index: the removed item's outcome goes with it, and those
    of the items after it move up with them, so that no outcome comes to stand for another item."""
    determination = data["determination"]
    determination["item_outcomes"] = [
        {**o, "item": o["item"] - 1} if o["item"] > removed else o
        for o in determination.get("item_outcomes", []) if o["item"] != removed]


def _walk(data: Any, parts: list[str], edit: Edit) -> Any:
    for part in parts:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and _index(part, data) is not None:
            data = data[int(part)]
        else:
            raise NoSuchPath(edit, "no such field")
    return data


def _index(part: str, items: list[Any]) -> int | None:
    return int(part) if part.isdigit() and int(part) < len(items) else None


def _json(value: Any, edit: Edit) -> Any:
    try:
        return to_jsonable_python(value)
    except PydanticSerializationError:
        raise InvalidValue(edit, f"{type(value).__name__} is not a value a field can hold") from None


def _error_text(e: Any) -> str:
    where = ".".join(str(p) for p in e["loc"]) or "(document)"
    return f"{where}: {'unknown field' if e['type'] == 'extra_forbidden' else e['msg']}"


# ---------------------------------------------------------------------------------------------------------
# Merging held edits onto their version


@dataclass(frozen=True)
class NotApplied:
    """An edit left out of the merge: ``moved`` (its row is at another position in their version),
    ``removed`` (its row cannot be found there), ``changed`` (a remove whose row they changed) or
    ``invalid`` (their version does not accept it)."""

    edit: Edit
    reason: Reason
    detail: str


@dataclass(frozen=True)
class MergeResult:
    assessment: Assessment
    applied: tuple[Edit, ...]
    not_applied: tuple[NotApplied, ...]


def merge(base: Assessment, mine: Iterable[Edit], theirs: Assessment) -> MergeResult:
    """Their version with my edits made, for "apply my changes" after a save conflict.

    ``base`` is my version, the one my edits were made against, in order. An edit is applied when its path
    names the same thing in their version as it did in mine; then my value wins, since the officer chose to
    apply their own changes. An edit addressing a list element by index is not applied when their adding or
    removing rows has put another row at that index: it would change a row the officer never touched.
    """
    before, result = base, theirs
    applied: list[Edit] = []
    left_out: list[NotApplied] = []
    for edit in mine:
        problem = _target_problem(edit, before, result)
        if problem is None:
            try:
                result = apply(result, edit)
                applied.append(edit)
            except Stale as err:
                left_out.append(NotApplied(edit, "changed", str(err)))
            except EditError as err:
                left_out.append(NotApplied(edit, "invalid", str(err)))
        else:
            left_out.append(problem)
        with suppress(EditError):  # my later edits were made on top of this one
            before = apply(before, edit)
    return MergeResult(result, tuple(applied), tuple(left_out))


def _target_problem(edit: Edit, mine: Assessment, theirs: Assessment) -> NotApplied | None:
    """Why the edit's path names another element in ``theirs`` than in ``mine``; None when it is the same."""
    parts = edit.path.split(".")
    mine_data, their_data = mine.model_dump(mode="json"), theirs.model_dump(mode="json")
    for depth, part in enumerate(parts):
        if not part.isdigit():
            continue  # a field name or a catalogue row's form id names the same thing in every version
        where, i = ".".join(parts[:depth]), int(part)
        mine_list, their_list = _lookup(mine_data, parts[:depth]), _lookup(their_data, parts[:depth])
        if not isinstance(mine_list, list) or i >= len(mine_list):
            continue  # it did not exist in mine either; applying says what is wrong
        j = _counterpart(mine_list, their_list if isinstance(their_list, list) else [], i)
        if j is None:
            return NotApplied(edit, "removed", f"{where}: row {i + 1} is not in their version")
        if j != i:
            return NotApplied(edit, "moved", f"{where}: row {i + 1} is row {j + 1} in their version, "
                                             f"so row {i + 1} there is another one")
    return None


def _lookup(data: Any, parts: list[str]) -> Any:
    for part in parts:
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and _index(part, data) is not None:
            data = data[int(part)]
        else:
            return None
    return data


def _counterpart(mine: list[Any], theirs: list[Any], i: int) -> int | None:
    """The index in ``theirs`` of element ``i`` of ``mine``, or None when it cannot be told.

    Rows carry no ids, so identity is judged by content and position: unchanged rows are paired by an
    alignment of the two lists; among rows changed in between, a row is paired only with the row that is
    most like it both ways (position breaking ties only where as many rows stand on each side).
    """
    prints = lambda rows: [json.dumps(r, sort_keys=True) for r in rows]  # noqa: E731
    matcher = SequenceMatcher(None, prints(mine), prints(theirs), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if not i1 <= i < i2:
            continue
        if tag == "equal":
            return j1 + i - i1
        if tag != "replace":
            return None  # deleted in theirs
        in_place = i2 - i1 == j2 - j1
        j = _most_like(mine[i], theirs, range(j1, j2), j1 + i - i1, in_place)
        if j is None or _most_like(theirs[j], mine, range(i1, i2), i1 + j - j1, in_place) != i:
            return None
        return j
    return None


def _most_like(row: Any, others: list[Any], among: range, position: int, in_place: bool) -> int | None:
    scores = {k: _likeness(row, others[k]) for k in among}
    scores = {k: s for k, s in scores.items() if s >= 0}
    if not scores:
        return None
    top = max(scores.values())
    best = [k for k, s in scores.items() if s == top]
    if len(best) == 1:
        return best[0]
    return position if in_place and position in best else None


def _likeness(a: Any, b: Any) -> int:
    """How many filled-in values two rows share; -1 for two sources with different ids (never the same)."""
    if not (isinstance(a, dict) and isinstance(b, dict)):
        return int(a == b)
    if "id" in a and "id" in b and a["id"] != b["id"]:
        return -1
    return sum(1 for k, v in a.items() if v not in (None, "", [], False) and b.get(k) == v)
