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

from wizard.guidance import Guidance, GuidanceError, cached_guidance
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
    pending: tuple[Change, Any] | None = None  # the change a conflict refused, to re-apply on request
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def assessment(self) -> Assessment:
        return self.stored.assessment

    @property
    def locked(self) -> bool:
        return self.assessment.status == "final"


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


def actor() -> str:
    name = st.session_state.get("actor") or st.query_params.get("by") or ""
    return name.strip() or "unnamed officer"


def actor_default() -> str:
    return st.session_state.get("actor") or st.query_params.get("by") or ""


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
    draft = doc.assessment.model_copy(deep=True)
    try:
        change(draft, value)
        saved = store().save(draft, doc.stored.version, actor())
    except Conflict as err:
        doc.conflict = err
        doc.pending = (change, value)
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
    doc.stored = conflict.current
    doc.saved_at = conflict.current.saved_at
    doc.conflict = None
    pending, doc.pending = doc.pending, None
    doc.generation += 1  # their values replace what the widgets hold
    if keep_mine and pending is not None:
        commit(doc, *pending)


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
