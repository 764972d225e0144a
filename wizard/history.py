"""What changed between two states of an assessment, as field paths with old and new values.

Paths are dotted, with list indices as numbers (``case.items.0.quantity``), the same form pydantic uses in
its error messages, so an officer sees one vocabulary for "what changed" and "what is wrong".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from wizard.model import Assessment

# Set by the store on every save; reporting them as an officer's change would only be noise.
STORE_MANAGED = frozenset({"updated_at"})


@dataclass(frozen=True)
class FieldChange:
    path: str
    old: Any
    new: Any
    actor: str | None = None  # who made it, when the change comes from the event log
    at: datetime | None = None


def diff(old: Assessment | dict, new: Assessment, *, ignore: Iterable[str] = STORE_MANAGED) -> list[FieldChange]:
    """Every leaf that differs, in document order; ``ignore`` names top-level fields to skip. ``old`` may be
    the stored document already read as JSON (the store has it so)."""
    skip = set(ignore)
    before = old if isinstance(old, dict) else old.model_dump(mode="json")
    a = {k: v for k, v in before.items() if k not in skip}
    b = {k: v for k, v in new.model_dump(mode="json").items() if k not in skip}
    # The model fixes each field's type (no field takes both a number and a flag, or an int and a float), so
    # two equal parts of its documents are the same, and only the parts that differ are walked.
    return diff_data(a, b, equal_is_same=True)


def diff_data(old: Any, new: Any, path: str = "", *, equal_is_same: bool = False) -> list[FieldChange]:
    """Diff two JSON values. Dicts recurse by key; lists by index, extra elements reported as added/removed
    (old or new ``None``); anything else, or a change of type, is reported whole at its path. With
    ``equal_is_same``, parts that compare equal are not walked (for documents of one schema, where 1 and 1.0,
    or 1 and True, cannot both occur at one place)."""
    if isinstance(old, dict) and isinstance(new, dict):
        if equal_is_same and old == new:
            return []
        out: list[FieldChange] = []
        for key in list(old) + [k for k in new if k not in old]:
            out += diff_data(old.get(key), new.get(key), _join(path, key), equal_is_same=equal_is_same)
        return out
    if isinstance(old, list) and isinstance(new, list):
        if equal_is_same and old == new:
            return []
        out = []
        for i in range(max(len(old), len(new))):
            out += diff_data(old[i] if i < len(old) else None, new[i] if i < len(new) else None,
                             _join(path, str(i)), equal_is_same=equal_is_same)
        return out
    if old == new and type(old) is type(new):
        return []
    return [FieldChange(path or "(document)", old, new)]


def squash(changes: Iterable[FieldChange]) -> list[FieldChange]:
    """Collapse successive changes of the same path into one (first old, last new, every actor), ordered by
    their latest change; drop those that ended where they started. Tells an officer what another writer
    changed across several saves."""
    merged: dict[str, FieldChange] = {}
    for c in changes:
        first = merged.pop(c.path, None)
        actors = [] if first is None or not first.actor else first.actor.split(", ")
        if c.actor and c.actor not in actors:
            actors.append(c.actor)
        old = first.old if first else c.old
        merged[c.path] = FieldChange(c.path, old, c.new, ", ".join(actors) or None, c.at)
    return [c for c in merged.values() if c.old != c.new]


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
