"""The guidance shown beside a screen's questions, and the full guidance reader with reviewers' comments.

``panel`` is the box beside the wizard's questions. ``reader`` shows one part of the guidance (a screen, the
glossary, the forms of GBV/VAWC, the advice, the references, or the notes about the guidance) item by item, as
``wizard.guidance_search`` lists them, each with a compact control where reviewers comment on it and decide
on the comments (the guidance page, wizard/ui/pages/guidance.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import streamlit as st

from wizard import flow, guidance_search
from wizard.guidance_schema import Guidance, Screen
from wizard.guidance_search import (
    ADVICE,
    FORMS,
    GLOSSARY,
    LIST_SECTIONS,
    META,
    REFERENCES,
    GuidanceItem,
    reference_citation,
    screen_items,
)
from wizard.locale_format import utc_text
from wizard.store import GuidanceComment, StoreError
from wizard.ui import session
from wizard.ui.text import md

TARGET_KEY = "guidance_target"
"""The container key (CSS class ``st-key-guidance_target``) of the item a search hit or a link points to."""
MESSAGES = "guidance_comment_messages"  # session state: the last outcome per item, shown in its control


def _bullets(items: tuple[str, ...]) -> None:
    st.markdown("\n".join(f"- {md(i)}" for i in items))


def source_line(g: Guidance, reference_ids: Iterable[str]) -> str:
    """The works a piece of guidance rests on, as escaped Markdown ("" when it names none)."""
    works = []
    for rid in reference_ids:
        try:
            r = g.reference(rid)
        except KeyError:
            works.append(md(rid))
            continue
        citation = reference_citation(r)
        works.append(f"*{md(r.title)}*" + (f" ({md(citation)})" if citation else ""))
    return g.t("guidance_sources", works=g.t("list_separator").join(works)) if works else ""


def _with_sources(g: Guidance, body: str, reference_ids: Iterable[str]) -> str:
    """An item's Markdown with its source line below it, when it cites any work."""
    sources = source_line(g, reference_ids)
    return f"{body}  \n{sources}" if sources else body


def screen_guidance(g: Guidance, screen: Screen, *, expanded: bool = True) -> None:
    st.markdown(f"**{g.t('purpose')}**")
    st.markdown(md(screen.purpose))
    if screen.order_note:
        st.info(f"**{g.t('order_heading')}** · {md(screen.order_note)}")
    sections = [("guiding_questions", screen.guiding_questions), ("indicators", screen.indicators),
                ("information_sources", screen.information_sources)]
    for key, items in sections:
        if items:
            with st.expander(g.t(key), expanded=expanded and key == "guiding_questions"):
                _bullets(items)
    if screen.examples:
        with st.expander(g.t("examples")):
            for ex in screen.examples:
                st.markdown(md(ex))
    if screen.cross_cutting:
        with st.expander(g.t("advice")):
            for aid in screen.cross_cutting:
                advice = g.cross_cutting(aid)
                st.markdown(f"**{md(advice.title)}**  \n{md(advice.text)}")
    sources = source_line(g, screen.references)
    if sources:
        st.caption(sources)


def panel(g: Guidance, screen: Screen) -> None:
    with st.container(border=True):
        st.markdown(f"#### {g.t('guidance_heading')}")
        screen_guidance(g, screen)
        st.caption(g.meta.disclaimer)


# --- the reader: every item, each with its comments ----------------------------------------------------------

Decorate = Callable[[GuidanceItem], None]


def reader(g: Guidance, section: str, comments: dict[str, list[GuidanceComment]], target: str | None) -> None:
    """Show ``section`` of the guidance item by item, each with its comment control; ``target`` is framed and
    shown first. ``comments`` holds every comment by its item's (canonical) address."""

    def decorate(item: GuidanceItem) -> None:
        comment_control(g, item, comments.get(item.address, []))

    if target:
        _show_target(g, target)
    if section == GLOSSARY:
        _glossary(g, decorate, target)
    elif section == FORMS:
        _forms(g, decorate, target)
    elif section == ADVICE:
        _advice(g, decorate, target)
    elif section == REFERENCES:
        _references(g, decorate, target)
    elif section == META:
        _meta(g, decorate, target)
    else:
        _screen(g, g.screen(section), decorate, target)


def _row(item: GuidanceItem, body: str, decorate: Decorate, target: str | None, *, indent: int = 0) -> None:
    """One item: its text (Markdown, already escaped) and, beside it, its comment control."""
    is_target = item.address == target
    with st.container(border=is_target, key=TARGET_KEY if is_target else None):
        if is_target:
            st.caption(f":material/my_location: {md(item.label)}")
        widths = [1, 14, 4] if indent else [18, 4]
        columns = st.columns(widths, vertical_alignment="top")
        columns[-2].markdown(body)
        with columns[-1]:
            decorate(item)


def _heading(text: str) -> None:
    st.markdown(f"##### {md(text)}")


def _screen(g: Guidance, screen: Screen, decorate: Decorate, target: str | None) -> None:
    items = {i.address: i for i in screen_items(g, screen)}
    base = f"screen:{screen.id}"
    st.subheader(md(flow.screen_label(g, screen)))
    _row(items[f"{base}.title"], f"**{md(screen.title)}**", decorate, target)
    if screen.legal_basis:
        _row(items[f"{base}.legal_basis"],
             g.t("label_value", label=md(g.t("guidance_legal_basis")), value=md(screen.legal_basis)), decorate, target)
    st.caption(source_line(g, screen.references) or g.t("guidance_sources_none"))
    _heading(g.t("purpose"))
    _row(items[f"{base}.purpose"], md(screen.purpose), decorate, target)
    if screen.order_note:
        _heading(g.t("order_heading"))
        _row(items[f"{base}.order_note"], md(screen.order_note), decorate, target)
    for section in LIST_SECTIONS:
        entries = getattr(screen, section)
        if entries:
            _heading(g.t(section))
        for n, text in enumerate(entries, start=1):
            _row(items[f"{base}.{section}.{n}"], f"**{n}** · {md(text)}", decorate, target)
    if screen.cross_cutting:
        titles = g.t("comma_separator").join(md(g.cross_cutting(a).title) for a in screen.cross_cutting)
        st.caption(g.t("label_value", label=md(g.t("advice")), value=f"{titles} ({md(g.t('guidance_advice'))})"))
    if screen.questions:
        _heading(g.t("guidance_questions"))
    for q in screen.questions:
        address = f"{base}.question:{q.id}"
        _row(items[address], f"**{md(q.label)}**" + (f"  \n{md(q.help)}" if q.help else ""), decorate, target)
        for o in q.options:
            _row(items[f"{address}.option:{o.id}"], _labelled(g.t("guidance_option"), o.label, o.help),
                 decorate, target, indent=1)
        for c in q.columns:
            column = f"{address}.column:{c.id}"
            _row(items[column], _labelled(g.t("guidance_column"), c.label, c.help), decorate, target, indent=1)
            for o in c.options:
                _row(items[f"{column}.option:{o.id}"],
                     _labelled(f"{g.t('guidance_column')} {c.label} · {g.t('guidance_option')}", o.label, o.help),
                     decorate, target, indent=1)
    if screen.fields:
        _heading(g.t("guidance_fields"))
    for name, f in screen.fields.items():
        _row(items[f"{base}.field:{name}"], f"**{md(f.label)}**" + (f"  \n{md(f.help)}" if f.help else ""),
             decorate, target)


def _labelled(kind: str, label: str, help: str) -> str:
    return f"*{md(kind)}:* **{md(label)}**" + (f"  \n{md(help)}" if help else "")


def _glossary(g: Guidance, decorate: Decorate, target: str | None) -> None:
    st.subheader(md(g.t("glossary")))
    terms = {t.id: t.term for t in g.glossary}
    items = _section_items(g, "glossary:")
    for term in sorted(g.glossary, key=lambda t: t.term.lower()):
        body = f"**{md(term.term)}**  \n{md(term.definition)}"
        if term.see_also:
            see = g.t("comma_separator").join(md(terms.get(s, s)) for s in term.see_also)
            body += f"  \n*{md(g.t('guidance_see_also'))}:* {see}"
        body = _with_sources(g, body, term.references)
        _row(items[f"glossary:{term.id}"], body, decorate, target)


def _forms(g: Guidance, decorate: Decorate, target: str | None) -> None:
    st.subheader(md(g.t("guidance_forms")))
    items = _section_items(g, "form:")
    for form in g.catalogues.gbv_forms:
        body = f"**{md(form.label)}**  \n{md(form.description)}"
        body = _with_sources(g, body, form.references)
        _row(items[f"form:{form.id}"], body, decorate, target)


def _advice(g: Guidance, decorate: Decorate, target: str | None) -> None:
    st.subheader(md(g.t("guidance_advice")))
    items = _section_items(g, "advice:")
    for advice in g.meta.cross_cutting:
        body = f"**{md(advice.title)}**  \n{md(advice.text)}"
        screens = [s.short_title or s.title for s in g.screens if advice.id in s.cross_cutting]
        if screens:
            body += f"  \n*{md(g.t('guidance_applies_on'))}:* {md(', '.join(screens))}"
        body = _with_sources(g, body, advice.references)
        _row(items[f"advice:{advice.id}"], body, decorate, target)


def _references(g: Guidance, decorate: Decorate, target: str | None) -> None:
    st.subheader(md(g.t("guidance_references")))
    items = _section_items(g, "reference:")
    for r in g.references:
        body = f"**{md(r.title)}**"
        citation = reference_citation(r)
        if citation:
            body += f"  \n{md(citation)}"
        if r.locator:
            body += f"  \n{md(r.locator)}"
        if r.note:
            body += f"  \n*{md(r.note)}*"
        _row(items[f"reference:{r.id}"], body, decorate, target)


def _meta(g: Guidance, decorate: Decorate, target: str | None) -> None:
    st.subheader(md(g.t("guidance_about")))
    items = _section_items(g, "meta:")
    _heading(g.t("order_heading"))
    _row(items["meta:order_reason"], md(g.meta.order_reason), decorate, target)
    _heading(g.t("guidance_disclaimer"))
    _row(items["meta:disclaimer"], md(g.meta.disclaimer), decorate, target)


def _section_items(g: Guidance, prefix: str) -> dict[str, GuidanceItem]:
    return {i.address: i for i in guidance_search.items(g) if i.address.startswith(prefix)}


def _show_target(g: Guidance, address: str) -> None:
    # The followed item first, where the reader looks: the page runs no script to scroll (nothing but Streamlit's
    # own code runs in the browser), so the item is also framed where it stands in the section below.
    item = next((i for i in guidance_search.items(g) if i.address == address), None)
    if item is not None:
        with st.container(border=True):
            st.caption(f":material/search: {g.t('search_showing', where=md(item.label))}")
            st.markdown(md(item.text))


# --- comments ------------------------------------------------------------------------------------------------

def when(at, language: str) -> str:
    return utc_text(at, language) if at else ""


def comment_control(g: Guidance, item: GuidanceItem, comments: list[GuidanceComment]) -> None:
    """A popover on ``item``: its comments with their status and decisions, and a box to add one."""
    open_n = sum(c.status == "open" for c in comments)
    label = g.t("comment_button_n", n=len(comments), open=open_n) if comments else g.t("comment_button")
    with st.popover(label, icon=":material/comment:", key=f"cpop:{item.address}", width="stretch"):
        st.caption(md(item.label))
        kind, message = st.session_state.get(MESSAGES, {}).get(item.address, (None, ""))
        if kind == "error":
            st.error(message)
        elif kind == "success":
            st.success(message)
        if not comments:
            st.caption(g.t("comment_none"))
        for c in comments:
            _comment(g, c)
        st.text_area(g.t("comment_text"), key=f"ctext:{item.address}", height=90)
        st.button(g.t("comment_add"), key=f"cadd:{item.address}", on_click=_add_comment, args=(g, item),
                  type="primary")


def _comment(g: Guidance, c: GuidanceComment) -> None:
    with st.container(border=True):
        status = g.t(f"comment_status_{c.status}")
        st.markdown(f"**{md(c.author)}** · {md(when(c.created_at, g.language))} · {md(status)}  \n{md(c.text)}")
        if c.status_by:
            decided = g.t("comment_decided", status=status[:1].upper() + status[1:], who=c.status_by,
                          date=when(c.status_at, g.language))
            note = f" {c.resolution_note}" if c.resolution_note else ""
            st.caption(md(decided + note))
        if c.guidance_version != g.stamp:
            st.caption(md(g.t("comment_on_version", version=c.guidance_version)))
        if c.status == "open":
            st.text_input(g.t("comment_note"), key=f"cnote:{c.id}")
            accept, decline = st.columns(2)
            accept.button(g.t("comment_accept"), key=f"caccept:{c.id}", on_click=_decide,
                          args=(g, c, "accepted"), icon=":material/check:")
            decline.button(g.t("comment_decline"), key=f"cdecline:{c.id}", on_click=_decide,
                           args=(g, c, "declined"), icon=":material/close:")
        else:
            st.button(g.t("comment_reopen"), key=f"creopen:{c.id}", on_click=_decide, args=(g, c, "open"))


def _say(address: str, kind: str, message: str) -> None:
    st.session_state.setdefault(MESSAGES, {})[address] = (kind, message)


def _reviewer(g: Guidance, address: str) -> str | None:
    """The name this session gave, or None after saying that a comment or decision needs one."""
    author = session.actor().actor
    if session.unnamed():
        _say(address, "error", g.t("comment_unnamed"))
        return None
    return author


def _add_comment(g: Guidance, item: GuidanceItem) -> None:
    key = f"ctext:{item.address}"
    text = st.session_state.get(key) or ""
    if not text.strip():
        _say(item.address, "error", g.t("comment_empty"))
        return
    author = _reviewer(g, item.address)
    if author is None:
        return  # the typed comment stays in the box
    try:
        session.store().add_comment(item.address, text, author, g.stamp, g.language, item.text)
    except StoreError as err:
        _say(item.address, "error", g.t("comment_failed", error=md(str(err))))
        return
    st.session_state[key] = ""
    _say(item.address, "success", g.t("comment_added"))


def _decide(g: Guidance, c: GuidanceComment, status: str) -> None:
    actor = _reviewer(g, c.item)
    if actor is None:
        return
    note = st.session_state.get(f"cnote:{c.id}") or ""
    try:
        session.store().set_comment_status(c.id, status, actor, note)
    except StoreError as err:
        _say(c.item, "error", g.t("comment_failed", error=md(str(err))))
        return
    _say(c.item, "success", g.t("comment_status_changed", status=g.t(f"comment_status_{status}")))
