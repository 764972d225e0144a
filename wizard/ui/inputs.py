"""Widgets for guidance questions. Each widget is seeded from the model; its callback commits an ``Edit``
of the field it shows (the path, the new value, and the value it was seeded from)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import streamlit as st

from wizard.edits import Edit
from wizard.flow import row_for, rows_of, table_row_keys
from wizard.guidance_schema import Column, Guidance, Option, Question, Screen
from wizard.model import INSUFFICIENT, LONG_TEXT_MAX, SHORT_TEXT_MAX, Answer, Row
from wizard.ui.session import OpenDoc, commit, on_widget_change, widget_key
from wizard.ui.text import md

# ---------------------------------------------------------------------------------------------------------
# From widget to edit

ToModel = Callable[[Any], Any] | None  # the widget's value in the model's terms (e.g. a date as ISO text)
SHOWN: Any = object()  # the default of ``old``: the model held what the widget shows


def _callback(doc: OpenDoc, key: str, path: str, current: Any, old: Any, to_model: ToModel) -> dict[str, Any]:
    """The widget arguments that turn a change of the widget into an edit of ``path``."""
    return {"disabled": doc.locked, "on_change": on_widget_change,
            "args": (doc, key, path, current if old is SHOWN else old, to_model)}


def answer_path(screen_id: str, question_id: str, name: str) -> str:
    return f"answers.{screen_id}.{question_id}.{name}"


def _iso_day(value: date | None) -> str | None:
    return value.isoformat() if value else None  # date questions store ISO text


# ---------------------------------------------------------------------------------------------------------
# Widgets


def _options(g: Guidance, options: tuple[Option, ...], options_from: str | None) -> list[Option]:
    if options_from == "gbv_forms":
        return [Option(id=f.id, label=f.label) for f in g.catalogues.gbv_forms]
    return list(options)


def choice(doc: OpenDoc, g: Guidance, key: str, label: str, options: list[Option], current: str | None,
           path: str, *, old: Any = SHOWN, to_model: ToModel = None, help: str = "", insufficient: bool = True,
           horizontal: bool = True, hide_label: bool = False) -> None:
    ids = [o.id for o in options] + ([INSUFFICIENT] if insufficient else [])
    labels = {o.id: o.label for o in options} | {INSUFFICIENT: g.t("insufficient_information")}
    st.radio(label, ids, index=ids.index(current) if current in ids else None, key=key,
             format_func=lambda i: labels.get(i, i), horizontal=horizontal, help=help or None,
             label_visibility="collapsed" if hide_label else "visible",
             **_callback(doc, key, path, current, old, to_model))


def multi(doc: OpenDoc, key: str, label: str, options: list[Option], current: list[str], path: str, *,
          help: str = "", hide_label: bool = False) -> None:
    labels = {o.id: o.label for o in options}
    ids = [o.id for o in options]
    st.multiselect(label, ids, default=[c for c in current if c in ids], key=key,
                   format_func=lambda i: labels.get(i, i), help=help or None, placeholder="",
                   label_visibility="collapsed" if hide_label else "visible",
                   **_callback(doc, key, path, current, SHOWN, None))


def text(doc: OpenDoc, key: str, label: str, current: str, path: str, *, help: str = "",
         area: bool = True, height: int | None = None, hide_label: bool = False) -> None:
    widget = st.text_area if area else st.text_input
    kwargs: dict[str, Any] = {"height": height} if area and height else {}
    # The model's limits, enforced while typing rather than refused on save.
    kwargs["max_chars"] = LONG_TEXT_MAX if area else SHORT_TEXT_MAX
    if hide_label:
        kwargs["label_visibility"] = "collapsed"
    widget(label, value=current or "", key=key, help=help or None, **_callback(doc, key, path, current, SHOWN, None),
           **kwargs)


def day(doc: OpenDoc, key: str, label: str, current: date | None, path: str, *, old: Any = SHOWN,
        to_model: ToModel = None, help: str = "", hide_label: bool = False) -> None:
    st.date_input(label, value=current, key=key, help=help or None, min_value=date(1945, 1, 1),
                  max_value=date(2100, 12, 31), format="YYYY-MM-DD",
                  label_visibility="collapsed" if hide_label else "visible",
                  **_callback(doc, key, path, current, old, to_model))


def evidence_picker(doc: OpenDoc, g: Guidance, key: str, current: list[str], path: str,
                    label: str | None = None) -> None:
    a = doc.assessment
    titles = {s.id: f"{s.id} · {s.title or s.publisher or '—'}"[:90] for s in a.evidence}
    ids = list(titles) + [c for c in current if c not in titles]  # a dangling citation stays visible
    st.multiselect(label or g.t("evidence_cited"), ids, default=current, key=key,
                   format_func=lambda i: titles.get(i, f"{i} (not in the register)"),
                   help=g.t("evidence_cited_help"), placeholder=g.t("no_sources_yet") if not ids else "",
                   **_callback(doc, key, path, current, SHOWN, None))


def _cell(doc: OpenDoc, g: Guidance, screen: Screen, q: Question, col: Column, row_key: str | int, row: Row,
          key: str) -> None:
    """One table cell; ``row_key`` is a catalogue row's form id (fixed rows) or a row index (added rows)."""
    path = f"{answer_path(screen.id, q.id, 'value')}.{row_key}.{col.id}"
    value = row.get(col.id)
    if col.type == "choice":
        choice(doc, g, key, col.label, _options(g, col.options, col.options_from),
               value if isinstance(value, str) else None, path, old=value, help=col.help)
    elif col.type == "multi":
        multi(doc, key, col.label, _options(g, col.options, col.options_from),
              value if isinstance(value, list) else [], path, help=col.help)
    elif col.type == "evidence":
        evidence_picker(doc, g, key, value if isinstance(value, list) else [], path, label=col.label)
    else:
        text(doc, key, col.label, value if isinstance(value, str) else "", path, help=col.help, height=80)


def table(doc: OpenDoc, g: Guidance, screen: Screen, q: Question) -> None:
    a = doc.assessment
    ans = a.answer(screen.id, q.id)
    keys = table_row_keys(g, a, q)
    if keys is not None:
        if not keys:
            st.info(g.t("no_rows_from"))
        labels = {f.id: f for f in g.catalogues.gbv_forms}
        gate = next((c for c in q.columns if c.type == "choice"), None)
        for k in keys:
            row = row_for(ans, k)
            # The row's state shows on the closed expander: its first choice (e.g. prevalent: Yes) or "○".
            state = row.get(gate.id) if gate else None
            shown = (g.t("insufficient_information") if state == INSUFFICIENT else
                     next((o.label for o in gate.options if o.id == state), None) if gate and state else None)
            sep = " " if gate and gate.label.endswith("?") else ": "
            title = f"{labels[k].label} · {gate.label}{sep}{shown}" if shown else \
                f"{g.t('open_mark')} {labels[k].label}"
            with st.expander(md(title), expanded=False), st.container():
                st.caption(md(labels[k].description))
                for col in q.columns:
                    _cell(doc, g, screen, q, col, k, row, widget_key(doc, screen.id, q.id, k, col.id))
        return
    rows = rows_of(ans)
    rows_path = answer_path(screen.id, q.id, "value")
    for i, row in enumerate(rows):
        with st.container(border=True):
            st.markdown(f"**{g.t('row_n', n=i + 1)}**")
            for col in q.columns:
                _cell(doc, g, screen, q, col, i, row, widget_key(doc, screen.id, q.id, len(rows), i, col.id))
            st.button(g.t("remove_row", n=i + 1), key=widget_key(doc, screen.id, q.id, "remove", i),
                      disabled=doc.locked, on_click=commit, args=(doc, Edit.remove_at(f"{rows_path}.{i}", dict(row))))
    st.button(g.t("add_row"), key=widget_key(doc, screen.id, q.id, "add"), disabled=doc.locked,
              on_click=commit, args=(doc, Edit.append_to(rows_path)))


def question(doc: OpenDoc, g: Guidance, screen: Screen, q: Question) -> None:
    """One question with its reasons and cited sources."""
    a = doc.assessment
    ans: Answer = a.answer(screen.id, q.id)
    k = lambda *p: widget_key(doc, screen.id, q.id, *p)  # noqa: E731
    path = lambda name: answer_path(screen.id, q.id, name)  # noqa: E731
    with st.container(border=True):
        title = f"**{md(q.label)}**" + ("" if q.required else " *(optional)*")
        st.markdown(title)
        if q.help:
            st.caption(md(q.help))
        if q.type == "choice":
            # One radio for the option and "insufficient information": the answer's ``choice``.
            current = INSUFFICIENT if ans.insufficient else (ans.value if isinstance(ans.value, str) else None)
            choice(doc, g, k("value"), q.label, list(q.options), current, path("choice"), hide_label=True)
        else:
            if q.type == "multi":
                multi(doc, k("value"), q.label, list(q.options), ans.value if isinstance(ans.value, list) else [],
                      path("value"), hide_label=True)
            elif q.type == "text":
                text(doc, k("value"), q.label, ans.value if isinstance(ans.value, str) else "", path("value"),
                     hide_label=True)
            elif q.type == "date":
                current_day = date.fromisoformat(ans.value) if isinstance(ans.value, str) and ans.value else None
                day(doc, k("value"), q.label, current_day, path("value"), old=ans.value, to_model=_iso_day,
                    hide_label=True)
            else:
                table(doc, g, screen, q)
            st.checkbox(g.t("insufficient_information"), value=ans.insufficient, key=k("insufficient"),
                        **_callback(doc, k("insufficient"), path("insufficient"), ans.insufficient, SHOWN, None))
        if q.ask_reasons:
            text(doc, k("reasons"), g.t("reasons"), ans.reasons, path("reasons"), height=90)
        has_evidence_column = q.type == "table" and any(c.type == "evidence" for c in q.columns)
        if q.ask_evidence and not has_evidence_column:
            evidence_picker(doc, g, k("evidence"), ans.evidence, path("evidence"))
