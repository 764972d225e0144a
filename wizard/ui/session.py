"""The open assessment in a browser session, kept in step with the store.

Answers live in the ``Assessment`` model, never only in widget keys (Streamlit drops the state of widgets
that are not on screen). Every change goes through ``commit``: it applies the change to a copy of the model,
saves it to the store at once with the version it started from, and only then adopts it. A refused save
(conflict, lock, database error) leaves the model as it was and the typed value on screen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import streamlit as st

from wizard import flow
from wizard.guidance import cached_guidance
from wizard.guidance_schema import Guidance, GuidanceError
from wizard.history import diff
from wizard.model import Assessment
from wizard.store import Conflict, Locked, NotFound, Store, Stored, StoreError, database_url

Change = Callable[[Assessment, Any], None]


@dataclass
class OpenDoc:
    stored: Stored
    generation: int = 0  # bumped when the model is replaced from outside, so widgets re-seed
    saved_at: datetime | None = None
    error: str | None = None
    conflict: Conflict | None = None
    # Changes made since a conflict was found, in order: held (not saved) until the officer chooses.
    pending: list[tuple[Change, Any]] = field(default_factory=list)
    derived: dict[tuple[str, int], Any] = field(default_factory=dict)  # results worked out from ``stored``

    @property
    def assessment(self) -> Assessment:
        return self.stored.assessment

    @property
    def locked(self) -> bool:
        return self.assessment.status == "final"

    def open_items(self, g: Guidance) -> dict[str, list[flow.Open]]:
        """What is still open, screen by screen; worked out once per stored state, not per widget."""
        return self._memo("open", lambda: {s.id: flow.open_items(g, self.assessment, s) for s in g.screens})

    def findings(self, g: Guidance) -> list[flow.Finding]:
        return self._memo("findings", lambda: flow.check(g, self.assessment))

    def _memo(self, name: str, compute: Callable[[], Any]) -> Any:
        # Every stored state has its own version (a save without changes keeps the same content).
        key = (name, self.stored.version)
        if key not in self.derived:
            self.derived = {k: v for k, v in self.derived.items() if k[1] == self.stored.version}
            self.derived[key] = compute()
        return self.derived[key]

    @property
    def readonly(self) -> bool:
        return self.locked


@st.cache_resource(show_spinner=False)
def _store_for(url: str) -> Store:
    return Store(url)


def store() -> Store:
    return _store_for(database_url())


def guidance() -> Guidance:
    return cached_guidance(language())


def language() -> str:
    lang = st.query_params.get("lang", "en")
    return lang if lang in ("en",) else "en"


def actor_default() -> str:
    """The name this session gave, or the one carried in the URL (?by=) across a refresh."""
    return st.session_state.get("actor") or st.query_params.get("by") or ""


def actor() -> str:
    """Who the audit log names for this session's changes."""
    return actor_default().strip() or UNNAMED


UNNAMED = "unnamed officer"


def set_actor() -> None:
    name = (st.session_state.get("actor_input") or "").strip()
    st.session_state["actor"] = name
    if name:
        st.query_params["by"] = name


def current() -> OpenDoc | None:
    """The assessment named in the URL, loaded from the store when this session has not got it yet."""
    aid = st.query_params.get("aid")
    doc: OpenDoc | None = st.session_state.get("doc")
    if not aid:
        return None
    if doc is None or doc.assessment.id != aid:
        try:
            stored = store().get(aid)
        except NotFound:
            st.session_state.pop("doc", None)
            return None
        doc = OpenDoc(stored=stored, saved_at=stored.saved_at)
        st.session_state["doc"] = doc
    return doc


def open_assessment(stored: Stored) -> None:
    st.session_state["doc"] = OpenDoc(stored=stored, saved_at=stored.saved_at)


def widget_key(doc: OpenDoc, *parts: object) -> str:
    return ":".join(["w", doc.assessment.id, str(doc.generation), *(str(p) for p in parts)])


def commit(doc: OpenDoc, change: Change, value: Any) -> bool:
    """Apply one change and save it at once; True when it is stored."""
    doc.error = None
    if doc.locked:
        doc.error = guidance().t("locked_notice")
        return False
    if doc.conflict is not None:
        # Inputs stay open (disabling them can reset what the officer typed on screen); further changes wait
        # with the first until the officer chooses.
        doc.pending.append((change, value))
        return False
    draft = doc.assessment.model_copy(deep=True)
    try:
        change(draft, value)
        saved = store().save(draft, doc.stored.version, actor())
    except Conflict as err:
        doc.conflict = err
        doc.pending = [(change, value)]
        return False
    except Locked as err:
        doc.error = str(err)
        return False
    except (StoreError, ValueError) as err:
        doc.error = guidance().t("save_failed", error=str(err))
        return False
    doc.stored = saved
    doc.saved_at = saved.saved_at
    return True


def bind(doc: OpenDoc, key: str, change: Change, transform: Callable[[Any], Any] | None = None) -> None:
    """Widget ``on_change`` callback: read the widget's value by key and commit it."""
    value = st.session_state.get(key)
    if transform is not None:
        value = transform(value)
    commit(doc, change, value)


def resolve_conflict(doc: OpenDoc, keep_mine: bool) -> None:
    conflict = doc.conflict
    if conflict is None:
        return
    mine = doc.assessment
    doc.stored = conflict.current
    doc.saved_at = conflict.current.saved_at
    doc.conflict = None
    pending, doc.pending = doc.pending, []
    doc.generation += 1  # their values replace what the widgets hold
    if not keep_mine:
        return
    skipped = 0
    for i, (change, value) in enumerate(pending):
        if _same_effect((change, value), mine, doc.assessment):
            commit(doc, change, value)
            if doc.conflict is not None:  # a third writer: what is left waits again
                doc.pending += pending[i + 1:]
                return
        else:
            skipped += 1
        mine = _applied(mine, change, value)
    if skipped:
        doc.error = guidance().t("conflict_not_reapplied", n=skipped)


def _applied(a: Assessment, change: Change, value: Any) -> Assessment:
    after = a.model_copy(deep=True)
    try:
        change(after, value)
    except (ValueError, IndexError, KeyError):
        return a
    return after


def _same_effect(pending: tuple[Change, Any], base: Assessment, theirs: Assessment) -> bool:
    """Whether the change does to their version exactly what it did to mine.

    Changes address list elements by position; when the other writer added or removed rows, the same change
    would land on another row, so it is not re-applied and the officer enters it again.
    """
    change, value = pending

    def effect(start: Assessment) -> list[tuple[str, Any]] | None:
        after = start.model_copy(deep=True)
        try:
            change(after, value)
        except (ValueError, IndexError, KeyError):
            return None
        return [(c.path, c.new) for c in diff(start, after)]

    mine = effect(base)
    if mine is None or mine != effect(theirs):
        return False
    # The same path may name another element now (a row inserted before it): the list elements the change
    # touches must be the same in both versions.
    before, now = base.model_dump(mode="json"), theirs.model_dump(mode="json")
    for path, _new in mine:
        parts = path.split(".")
        for i, part in enumerate(parts):
            if part.isdigit() and _at(before, parts[:i + 1]) != _at(now, parts[:i + 1]):
                return False
    return True


def _at(data: Any, parts: list[str]) -> Any:
    for part in parts:
        if isinstance(data, list):
            data = data[int(part)] if part.isdigit() and int(part) < len(data) else None
        elif isinstance(data, dict):
            data = data.get(part)
        else:
            return None
    return data


def reload(doc: OpenDoc) -> None:
    doc.stored = store().get(doc.assessment.id)
    doc.saved_at = doc.stored.saved_at
    doc.generation += 1


def ui_text(key: str, fallback: str) -> str:
    """A UI string that must show even when the guidance cannot be loaded (navigation, error pages)."""
    try:
        return guidance().t(key)
    except GuidanceError:
        return fallback


def guidance_or_error() -> Guidance | None:
    """The guidance, or a plain error page naming each problem (never a traceback)."""
    try:
        return guidance()
    except GuidanceError as err:
        st.error("The guidance text could not be loaded")
        st.write("The app cannot run assessments until the guidance files are mended. Assessments are stored "
                 "separately and nothing has been lost. Each line below names the file, the line and the key:")
        st.code("\n".join(err.problems), language=None)
        return None
