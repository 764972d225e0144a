"""Widgets for guidance questions. Each widget is seeded from the model and commits through a callback."""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from wizard.flow import row_for, rows_of, table_row_keys
from wizard.guidance_schema import Column, Guidance, Option, Question, Screen
from wizard.model import INSUFFICIENT, LONG_TEXT_MAX, SHORT_TEXT_MAX, Answer, Assessment, Row
from wizard.ui.session import Change, OpenDoc, bind, commit, widget_key
from wizard.ui.text import md

# ---------------------------------------------------------------------------------------------------------
# Changes to the model (pure functions of the assessment and the widget value)


def _answer_change(screen_id: str, qid: str, attr: str) -> Change:
    def change(a: Assessment, value: Any) -> None:
        ans = a.answer(screen_id, qid).model_copy(deep=True)
        if attr == "choice":
            ans.insufficient = value == INSUFFICIENT
            ans.value = None if value == INSUFFICIENT else value
        elif attr == "insufficient":
            ans.insufficient = bool(value)
        elif isinstance(value, date):  # date questions store ISO text
            ans.value = value.isoformat()
        else:
            setattr(ans, attr, value)
        a.set_answer(screen_id, qid, ans)

    return change


def _cell_change(screen_id: str, qid: str, row_key: str | int, column: str) -> Change:
    """Change one table cell; ``row_key`` is a catalogue id (fixed rows) or a row index (added rows)."""

    def change(a: Assessment, value: Any) -> None:
        ans = a.answer(screen_id, qid).model_copy(deep=True)
        rows: list[Row] = [dict(r) for r in rows_of(ans)]
        if isinstance(row_key, int):
            while len(rows) <= row_key:
                rows.append({})
            rows[row_key][column] = value
        else:
            row = next((r for r in rows if r.get("row") == row_key), None)
            if row is None:
                row = {"row": row_key}
                rows.append(row)
            row[column] = value
        ans.value = rows
        a.set_answer(screen_id, qid, ans)

    return change


def _rows_change(screen_id: str, qid: str, remove: int | None) -> Change:
    def change(a: Assessment, _value: Any) -> None:
        ans = a.answer(screen_id, qid).model_copy(deep=True)
        rows = [dict(r) for r in rows_of(ans)]
        if remove is None:
            rows.append({})
        else:
            del rows[remove]
        ans.value = rows
        a.set_answer(screen_id, qid, ans)

    return change


# ---------------------------------------------------------------------------------------------------------
# Widgets


def _options(g: Guidance, options: tuple[Option, ...], options_from: str | None) -> list[Option]:
    if options_from == "gbv_forms":
        return [Option(id=f.id, label=f.label) for f in g.catalogues.gbv_forms]
    return list(options)


def choice(doc: OpenDoc, g: Guidance, key: str, label: str, options: list[Option], current: str | None,
           change: Change, *, help: str = "", insufficient: bool = True, horizontal: bool = True,
           hide_label: bool = False) -> None:
    ids = [o.id for o in options] + ([INSUFFICIENT] if insufficient else [])
    labels = {o.id: o.label for o in options} | {INSUFFICIENT: g.t("insufficient_information")}
    st.radio(label, ids, index=ids.index(current) if current in ids else None, key=key,
             format_func=lambda i: labels.get(i, i), horizontal=horizontal, help=help or None,
             disabled=doc.readonly, on_change=bind, args=(doc, key, change),
             label_visibility="collapsed" if hide_label else "visible")


def multi(doc: OpenDoc, key: str, label: str, options: list[Option], current: list[str], change: Change, *,
          help: str = "", hide_label: bool = False) -> None:
    labels = {o.id: o.label for o in options}
    ids = [o.id for o in options]
    st.multiselect(label, ids, default=[c for c in current if c in ids], key=key,
                   format_func=lambda i: labels.get(i, i), help=help or None, disabled=doc.readonly,
                   on_change=bind, args=(doc, key, change), placeholder="",
                   label_visibility="collapsed" if hide_label else "visible")


def text(doc: OpenDoc, key: str, label: str, current: str, change: Change, *, help: str = "",
         area: bool = True, height: int | None = None, hide_label: bool = False) -> None:
    widget = st.text_area if area else st.text_input
    kwargs: dict[str, Any] = {"height": height} if area and height else {}
    # The model's limits, enforced while typing rather than refused on save.
    kwargs["max_chars"] = LONG_TEXT_MAX if area else SHORT_TEXT_MAX
    if hide_label:
        kwargs["label_visibility"] = "collapsed"
    widget(label, value=current or "", key=key, help=help or None, disabled=doc.readonly, on_change=bind,
           args=(doc, key, change), **kwargs)


def day(doc: OpenDoc, key: str, label: str, current: date | None, change: Change, *, help: str = "",
        hide_label: bool = False) -> None:
    st.date_input(label, value=current, key=key, help=help or None, disabled=doc.readonly, on_change=bind,
                  args=(doc, key, change), min_value=date(1945, 1, 1), max_value=date(2100, 12, 31),
                  format="YYYY-MM-DD", label_visibility="collapsed" if hide_label else "visible")


def evidence_picker(doc: OpenDoc, g: Guidance, key: str, current: list[str], change: Change,
                    label: str | None = None) -> None:
    a = doc.assessment
    titles = {s.id: f"{s.id} · {s.title or s.publisher or '—'}"[:90] for s in a.evidence}
    ids = list(titles) + [c for c in current if c not in titles]  # a dangling citation stays visible
    st.multiselect(label or g.t("evidence_cited"), ids, default=current, key=key,
                   format_func=lambda i: titles.get(i, f"{i} (not in the register)"),
                   help=g.t("evidence_cited_help"), disabled=doc.readonly, on_change=bind,
                   args=(doc, key, change), placeholder=g.t("no_sources_yet") if not ids else "")


def _cell(doc: OpenDoc, g: Guidance, screen: Screen, q: Question, col: Column, row_key: str | int, row: Row,
          key: str) -> None:
    change = _cell_change(screen.id, q.id, row_key, col.id)
    value = row.get(col.id)
    if col.type == "choice":
        choice(doc, g, key, col.label, _options(g, col.options, col.options_from),
               value if isinstance(value, str) else None, change, help=col.help)
    elif col.type == "multi":
        multi(doc, key, col.label, _options(g, col.options, col.options_from),
              value if isinstance(value, list) else [], change, help=col.help)
    elif col.type == "evidence":
        evidence_picker(doc, g, key, value if isinstance(value, list) else [], change, label=col.label)
    else:
        text(doc, key, col.label, value if isinstance(value, str) else "", change, help=col.help, height=80)


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
    for i, row in enumerate(rows):
        with st.container(border=True):
            st.markdown(f"**{g.t('row_n', n=i + 1)}**")
            for col in q.columns:
                _cell(doc, g, screen, q, col, i, row, widget_key(doc, screen.id, q.id, len(rows), i, col.id))
            st.button(g.t("remove_row", n=i + 1), key=widget_key(doc, screen.id, q.id, "remove", i),
                      disabled=doc.readonly, on_click=commit, args=(doc, _rows_change(screen.id, q.id, i), None))
    st.button(g.t("add_row"), key=widget_key(doc, screen.id, q.id, "add"), disabled=doc.readonly,
              on_click=commit, args=(doc, _rows_change(screen.id, q.id, None), None))


def question(doc: OpenDoc, g: Guidance, screen: Screen, q: Question) -> None:
    """One question with its reasons and cited sources."""
    a = doc.assessment
    ans: Answer = a.answer(screen.id, q.id)
    k = lambda *p: widget_key(doc, screen.id, q.id, *p)  # noqa: E731
    with st.container(border=True):
        title = f"**{md(q.label)}**" + ("" if q.required else " *(optional)*")
        st.markdown(title)
        if q.help:
            st.caption(md(q.help))
        if q.type == "choice":
            current = INSUFFICIENT if ans.insufficient else (ans.value if isinstance(ans.value, str) else None)
            choice(doc, g, k("value"), q.label, list(q.options), current,
                   _answer_change(screen.id, q.id, "choice"), hide_label=True)
        else:
            if q.type == "multi":
                multi(doc, k("value"), q.label, list(q.options), ans.value if isinstance(ans.value, list) else [],
                      _answer_change(screen.id, q.id, "value"), hide_label=True)
            elif q.type == "text":
                text(doc, k("value"), q.label, ans.value if isinstance(ans.value, str) else "",
                     _answer_change(screen.id, q.id, "value"), hide_label=True)
            elif q.type == "date":
                current_day = date.fromisoformat(ans.value) if isinstance(ans.value, str) and ans.value else None
                day(doc, k("value"), q.label, current_day, _answer_change(screen.id, q.id, "value"),
                    hide_label=True)
            else:
                table(doc, g, screen, q)
            st.checkbox(g.t("insufficient_information"), value=ans.insufficient, key=k("insufficient"),
                        disabled=doc.readonly, on_change=bind,
                        args=(doc, k("insufficient"), _answer_change(screen.id, q.id, "insufficient")))
        if q.ask_reasons:
            text(doc, k("reasons"), g.t("reasons"), ans.reasons, _answer_change(screen.id, q.id, "reasons"),
                 height=90)
        has_evidence_column = q.type == "table" and any(c.type == "evidence" for c in q.columns)
        if q.ask_evidence and not has_evidence_column:
            evidence_picker(doc, g, k("evidence"), ans.evidence, _answer_change(screen.id, q.id, "evidence"))
