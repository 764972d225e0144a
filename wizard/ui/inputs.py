"""Widgets for guidance questions. Each widget is seeded from the model; its callback commits an ``Edit``
of the field it shows (the path, the new value, and the value it was seeded from)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import streamlit as st

from wizard.edits import Edit
from wizard.flow import row_for, rows_of, screen_label_for, table_row_keys
from wizard.guidance_schema import Column, Guidance, Option, Question, Screen
from wizard.model import (
    INSUFFICIENT,
    LONG_TEXT_MAX,
    RELIABILITIES,
    SHORT_TEXT_MAX,
    SOURCE_TYPES,
    Answer,
    Assessment,
    Row,
    Source,
)
from wizard.ui import fragments
from wizard.ui.session import OpenDoc, commit, on_click, on_widget_change, widget_key
from wizard.ui.text import md, shorten
from wizard.ui.typing_guard import LIVE

# ---------------------------------------------------------------------------------------------------------
# From widget to edit

ToModel = Callable[[Any], Any] | None  # the widget's value in the model's terms (e.g. a date as ISO text)
SHOWN: Any = object()  # the default of ``old``: the model held what the widget shows


def _callback(doc: OpenDoc, key: str, path: str, current: Any, old: Any, to_model: ToModel) -> dict[str, Any]:
    """The widget arguments that turn a change of the widget into an edit of ``path``."""
    return {"disabled": doc.locked, "on_change": on_widget_change,
            "args": (doc, key, path, current if old is SHOWN else old, to_model), "kwargs": fragments.here()}


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
    if not area:  # saved after a pause in typing, not only on Enter or blur (text areas: typing_guard)
        kwargs["live"] = LIVE
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
                   format_func=lambda i: titles.get(i, g.t("not_in_register", id=i)),
                   help=g.t("evidence_cited_help_here"), placeholder=g.t("no_sources_here") if not ids else "",
                   **_callback(doc, key, path, current, SHOWN, None))
    new_source(doc, g, key, current, path)


# ---------------------------------------------------------------------------------------------------------
# A new source, added to the register from wherever sources are cited


def _new_key(picker_key: str, name: str) -> str:
    return f"{picker_key}:new:{name}"


NEW_SOURCE_FIELDS = ("title", "publisher", "type", "info_date", "reliability")


def new_source(doc: OpenDoc, g: Guidance, picker_key: str, current: list[str], path: str) -> None:
    """"New source" beside a picker: title, publisher, type, information date and reliability, in the
    evidence screen's words; "Add and cite" puts the source into the register and cites it in the picker."""
    k = lambda name: _new_key(picker_key, name)  # noqa: E731
    f = g.screen("evidence").field
    note = st.session_state.pop(k("note"), None)  # what the last "Add and cite" did, said once
    if note:
        st.caption(md(note))
    types, reliabilities = g.catalogues.source_types, g.catalogues.reliabilities
    with st.popover(g.t("new_source"), help=g.t("new_source_help"), disabled=doc.locked, key=k("box"),
                    on_change="rerun"):
        # Drawn only while open: the form's seven widgets in every picker of a screen made each answer's
        # rerun twice as long (bench/ui.py --fragment). Opening the box reruns its fragment, which draws it.
        if not st.session_state.get(k("box")) or doc.locked:
            return
        with st.form(k("form"), border=False, enter_to_submit=False):
            st.text_input(f("title").label, key=k("title"), max_chars=SHORT_TEXT_MAX)
            st.text_input(f("publisher").label, key=k("publisher"), max_chars=SHORT_TEXT_MAX)
            left, right = st.columns(2)
            with left:
                st.selectbox(f("type").label, SOURCE_TYPES, index=None, key=k("type"), placeholder="—",
                             format_func=lambda i: types.get(i, i), help=f("type").help or None)
                st.date_input(f("info_date").label, value=None, key=k("info_date"), min_value=date(1945, 1, 1),
                              max_value=date(2100, 12, 31), format="YYYY-MM-DD", help=f("info_date").help or None)
            with right:
                st.selectbox(f("reliability").label, RELIABILITIES, index=None, key=k("reliability"),
                             placeholder="—", format_func=lambda i: reliabilities.get(i, i),
                             help=f("reliability").help or None)
            st.form_submit_button(g.t("new_source_add"), key=k("add"), disabled=doc.locked, on_click=add_source,
                                  args=(doc, picker_key, current, path), kwargs=fragments.here())
        problem = st.session_state.pop(k("problem"), None)
        if problem:
            st.warning(md(problem))


def add_source(doc: OpenDoc, picker_key: str, current: list[str], path: str, fragment: str | None = None) -> None:
    """Form callback: append a source to the register with the form's fields, then cite it in the picker.

    Three edits, each committed as any other (so a save conflict holds them together, in order): the append,
    the new element's fields, the citation. The new source's id and place are those the append gives it.
    """
    from wizard.ui.session import guidance, redraw_after

    g = guidance()
    before = doc.outside(g)
    _add_source(doc, g, picker_key, current, path)
    redraw_after(doc, fragment, before)  # the register, the marks, maybe a conflict: outside the fragment


def _add_source(doc: OpenDoc, g: Guidance, picker_key: str, current: list[str], path: str) -> None:
    k = lambda name: _new_key(picker_key, name)  # noqa: E731
    values = {name: st.session_state.get(k(name)) for name in NEW_SOURCE_FIELDS}
    title = (values["title"] or "").strip()
    if not title:
        st.session_state[k("problem")] = g.t("new_source_needs_title")
        return
    a = doc.assessment
    i, sid = len(a.evidence), a.next_source_id()  # what Edit.append_to("evidence") makes on this version
    source = Source(id=sid, title=title, publisher=(values["publisher"] or "").strip(),
                    type=values["type"] or Source.model_fields["type"].default,
                    info_date=values["info_date"],
                    reliability=values["reliability"] or Source.model_fields["reliability"].default)
    chosen = st.session_state.get(picker_key)
    cited = list(chosen if isinstance(chosen, list) else current)
    made = [Edit.append_to("evidence"), Edit(f"evidence.{i}", source, Source(id=sid)),
            Edit(path, [*cited, sid], current)]
    for edit in made:
        # After a conflict, commit holds each edit (returns False) and the next must be held with it.
        if not commit(doc, edit) and doc.conflict is None:
            return
    if doc.conflict is not None:
        return
    st.session_state[picker_key] = [*cited, sid]  # the picker shows the citation at once
    for name in NEW_SOURCE_FIELDS:
        st.session_state[k(name)] = None if name in ("type", "info_date", "reliability") else ""
    st.session_state[k("box")] = False
    st.session_state[k("note")] = g.t("new_source_added", id=sid)


# ---------------------------------------------------------------------------------------------------------
# Cards that stay as the officer left them

CARDS = "cards"  # session state: card key -> (open, label) as last shown


def card(key: str, label: str, *, opened: bool = False) -> Any:
    """An expander that stays open (or closed) until the officer closes (or opens) it.

    Streamlit takes an expander whose label or ``expanded`` changes for a new element, which the browser
    shows as the new ``expanded`` says: a card that closes while the officer fills it. So ``expanded`` never
    changes, and an open card keeps the label it had when opened (its status shows once it is closed again).
    Whether it is open is the widget's state (``on_change="rerun"`` makes Streamlit track it), remembered here
    across screens, whose widgets Streamlit forgets; ``opened`` is how a card is first shown.
    """
    memory: dict[str, tuple[bool, str]] = st.session_state.setdefault(CARDS, {})
    was = memory.get(key)
    if key in st.session_state:
        is_open = bool(st.session_state[key])
    else:  # first shown, or back from another screen
        is_open = was[0] if was else opened
        st.session_state[key] = is_open
    shown = was[1] if is_open and was else label
    memory[key] = (is_open, shown)
    return st.expander(shown, key=key, on_change="rerun")


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


def _cell_text(g: Guidance, col: Column, value: object) -> str:
    """A cell's answer in the screen's words (plain text)."""
    if value == INSUFFICIENT:
        return g.t("insufficient_information")
    labels = {o.id: o.label for o in _options(g, col.options, col.options_from)}
    if isinstance(value, list):
        return g.t("comma_separator").join(labels.get(v, v) for v in value)
    return labels.get(value, value) if isinstance(value, str) else ""


def earlier_answer(g: Guidance, a: Assessment, rows_where: str, form_id: str) -> str:
    """What the earlier step recorded for this form (``rows_where`` names its table), on one line; plain text."""
    screen_id, qid, _column = rows_where.split(".")
    source = g.screen(screen_id).question(qid)
    row = row_for(a.answer(screen_id, qid), form_id)
    parts = []
    for col in source.columns:
        if col.type == "evidence" or row.get(col.id) in (None, "", []):
            continue
        sep = " " if col.label.endswith("?") else ": "
        parts.append(f"{col.label}{sep}{shorten(_cell_text(g, col, row.get(col.id)), 300)}")
    if not parts:
        return ""
    return g.t("earlier_answer", screen=screen_label_for(g, screen_id), answer=" · ".join(parts))


def _catalogue_card(doc: OpenDoc, g: Guidance, screen: Screen, q: Question, k: str) -> None:
    """The card of one catalogue row (a form of violence), keyed by the form's id."""
    row = row_for(doc.assessment.answer(screen.id, q.id), k)
    form = next(f for f in g.catalogues.gbv_forms if f.id == k)
    gate = next((c for c in q.columns if c.type == "choice"), None)
    # The row's state shows on the closed card: its first choice (e.g. prevalent: Yes) or "○".
    state = row.get(gate.id) if gate else None
    shown = (g.t("insufficient_information") if state == INSUFFICIENT else
             next((o.label for o in gate.options if o.id == state), None) if gate and state else None)
    sep = " " if gate and gate.label.endswith("?") else ": "
    title = f"{form.label} · {gate.label}{sep}{shown}" if gate and shown else f"{g.t('open_mark')} {form.label}"
    with card(widget_key(doc, screen.id, q.id, k, "card"), md(title)), st.container():
        st.caption(md(form.description))
        if q.rows_where:
            earlier = earlier_answer(g, doc.assessment, q.rows_where, k)
            if earlier:
                st.caption(md(earlier))
        for col in q.columns:
            _cell(doc, g, screen, q, col, k, row, widget_key(doc, screen.id, q.id, k, col.id))


def table(doc: OpenDoc, g: Guidance, screen: Screen, q: Question) -> None:
    a = doc.assessment
    ans = a.answer(screen.id, q.id)
    keys = table_row_keys(g, a, q)
    if keys is not None:
        if not keys:
            st.info(g.t("no_rows_from"))
        for k in keys:  # one fragment per card: an answer redraws its row only (wizard/ui/fragments.py)
            fragments.run(widget_key(doc, screen.id, q.id, k, "fragment"),
                          lambda k=k: _catalogue_card(doc, g, screen, q, k))
        return
    rows = rows_of(ans)
    rows_path = answer_path(screen.id, q.id, "value")
    for i, row in enumerate(rows):
        with st.container(border=True):
            st.markdown(f"**{g.t('row_n', n=i + 1)}**")
            for col in q.columns:
                _cell(doc, g, screen, q, col, i, row, widget_key(doc, screen.id, q.id, len(rows), i, col.id))
            st.button(g.t("remove_row", n=i + 1), key=widget_key(doc, screen.id, q.id, "remove", i),
                      disabled=doc.locked, on_click=on_click, args=(doc, Edit.remove_at(f"{rows_path}.{i}", dict(row))),
                      kwargs=fragments.here())
    st.button(g.t("add_row"), key=widget_key(doc, screen.id, q.id, "add"), disabled=doc.locked,
              on_click=on_click, args=(doc, Edit.append_to(rows_path)), kwargs=fragments.here())


def question(doc: OpenDoc, g: Guidance, screen: Screen, q: Question) -> None:
    """One question with its reasons and cited sources."""
    # A fragment: an answer here redraws this question, not the screen (wizard/ui/fragments.py).
    fragments.run(widget_key(doc, screen.id, q.id, "fragment"), lambda: _question(doc, g, screen, q))


def _question(doc: OpenDoc, g: Guidance, screen: Screen, q: Question) -> None:
    a = doc.assessment
    ans: Answer = a.answer(screen.id, q.id)
    k = lambda *p: widget_key(doc, screen.id, q.id, *p)  # noqa: E731
    path = lambda name: answer_path(screen.id, q.id, name)  # noqa: E731
    with st.container(border=True):
        title = f"**{md(q.label)}**" + ("" if q.required else f" *{md(g.t('optional_mark'))}*")
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
