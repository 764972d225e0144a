"""Read, search and comment on all the guidance (for officers, trainers and policy reviewers).

The URL holds what is shown, so a refresh or a shared link shows the same: ``?q=`` the search, ``?item=`` the
item a hit or a link points to (its address, ``wizard.guidance_search``; the page shows its part of the
guidance and shows it first), ``?section=`` the part chosen in the selector otherwise.
"""

from __future__ import annotations

import streamlit as st

from wizard import guidance_search, service
from wizard.guidance_schema import Guidance
from wizard.guidance_search import ADVICE, FORMS, GLOSSARY, META, REFERENCES
from wizard.store import COMMENT_STATUSES, GuidanceComment, Store, StoreError
from wizard.ui import guidance_panel, session
from wizard.ui.text import md

MAX_HITS = 30
SEARCH_KEY, SECTION_KEY, STATUS_KEY = "guidance_q", "guidance_section", "guidance_comment_status"


def _sections(g: Guidance) -> dict[str, str]:
    """Every part of the page, in order: section id -> its name in the selector."""
    names = {s.id: s.short_title or s.title for s in g.screens}
    names.update({GLOSSARY: g.t("glossary"), FORMS: g.t("guidance_forms"), ADVICE: g.t("guidance_advice"),
                  REFERENCES: g.t("guidance_references"), META: g.t("guidance_about")})
    return names


def _on_search() -> None:
    query = (st.session_state.get(SEARCH_KEY) or "").strip()
    if query:
        st.query_params["q"] = query
    else:
        st.query_params.pop("q", None)


def _follow(address: str) -> None:
    st.query_params["item"] = address
    st.query_params.pop("section", None)


def _choose_section() -> None:
    st.query_params["section"] = st.session_state[SECTION_KEY]
    st.query_params.pop("item", None)


def _search(g: Guidance, all_items: list[guidance_search.GuidanceItem]) -> None:
    st.session_state[SEARCH_KEY] = st.query_params.get("q", "")
    query = st.text_input(g.t("guidance_search"), key=SEARCH_KEY, on_change=_on_search, icon=":material/search:",
                          placeholder=g.t("guidance_search_placeholder"), help=g.t("guidance_search_help"))
    if not (query or "").strip():
        return
    hits = guidance_search.search(g, query, among=all_items)
    if not hits:
        st.info(g.t("guidance_search_none", words=md(" ".join(guidance_search.query_words(query)))))
        return
    st.caption(g.t("guidance_search_results", n=len(hits)))
    with st.container(border=True, height=360 if len(hits) > 4 else "content"):
        for n, hit in enumerate(hits[:MAX_HITS]):
            st.button(md(hit.item.label), key=f"hit:{n}:{hit.item.address}", on_click=_follow,
                      args=(hit.item.address,), type="tertiary", icon=":material/arrow_forward:")
            st.markdown(_marked(hit))
    if len(hits) > MAX_HITS:
        st.caption(g.t("guidance_search_more", n=len(hits) - MAX_HITS))


def _marked(hit: guidance_search.Hit) -> str:
    """The snippet, escaped, with the query's words in bold."""
    out, last = [], 0
    for start, end in hit.marks:
        out += [md(hit.snippet[last:start]), f"**{md(hit.snippet[start:end])}**"]
        last = end
    out.append(md(hit.snippet[last:]))
    return "".join(out)


def _comments_by_item(g: Guidance, comments: list[GuidanceComment],
                      index: dict[str, guidance_search.GuidanceItem]) -> dict[str, list[GuidanceComment]]:
    by_item: dict[str, list[GuidanceComment]] = {}
    for c in comments:
        by_item.setdefault(guidance_search.canonical(g, c.item, index) or c.item, []).append(c)
    return by_item


def _downloads(g: Guidance, store: Store, comments: list[GuidanceComment]) -> None:
    st.subheader(g.t("comments_heading"))
    open_n = sum(c.status == "open" for c in comments)
    st.caption(g.t("comments_summary", n=len(comments), open=open_n))
    choices = ["", *COMMENT_STATUSES]
    status = st.selectbox(g.t("comments_filter"), choices, key=STATUS_KEY,
                          format_func=lambda s: g.t(f"comment_status_{s}") if s else g.t("comments_all")) or None
    suffix = f"-{status}" if status else ""
    md_column, csv_column = st.columns(2)
    md_column.download_button(
        g.t("comments_download_md"), key="comments_md", on_click="ignore", icon=":material/download:",
        data=lambda: service.comments_markdown(store, g, status).encode("utf-8"),
        file_name=f"guidance-comments{suffix}.md", mime="text/markdown")
    csv_column.download_button(
        g.t("comments_download_csv"), key="comments_csv", on_click="ignore", icon=":material/download:",
        # With a byte-order mark, so that spreadsheet programs read the UTF-8 as UTF-8.
        data=lambda: service.comments_csv(store, g, status).encode("utf-8-sig"),
        file_name=f"guidance-comments{suffix}.csv", mime="text/csv")


g = session.guidance_or_error()
if g is not None:
    st.title(g.meta.title)
    st.caption(f"{g.t('nav_guidance')} · {g.stamp}")
    st.info(g.meta.disclaimer)
    # Fact sheet download
    from wizard import factsheet  # ReportLab is loaded here, and the PDF built only when the button is clicked

    st.download_button(g.t("factsheet_download"), key="factsheet_pdf", on_click="ignore", icon=":material/download:",
                       data=lambda: factsheet.build_factsheet(g), file_name=factsheet.file_name(g),
                       mime="application/pdf", help=g.t("factsheet_download_help", version=g.version))
    # Flowchart diagram
    from wizard.ui import flowchart_view  # an SVG drawn here, shown as an image: nothing fetched, no HTML

    st.markdown(f"**{md(g.t('flowchart_view_heading'))}**")
    flowchart_view.show(g, current=None, done=set())
    with st.expander(g.t("order_heading")):
        st.markdown(md(g.meta.order_reason))
    all_items = guidance_search.items(g)  # listed once per guidance version
    index = {i.address: i for i in all_items}
    _search(g, all_items)

    sections = _sections(g)
    wanted = st.query_params.get("item")
    target = guidance_search.canonical(g, wanted, index) if wanted else None
    if wanted and target is None:
        st.warning(g.t("guidance_item_missing", address=md(wanted)))
    section = (guidance_search.section_of(target) if target else None) or st.query_params.get("section")
    if section not in sections:
        section = next(iter(sections))
    st.session_state[SECTION_KEY] = section
    st.selectbox(g.t("guidance_section"), list(sections), key=SECTION_KEY, format_func=sections.get,
                 on_change=_choose_section)

    try:
        store = session.store()
        comments = store.list_comments()
    except StoreError as err:  # the guidance is still readable; comments wait for the store
        st.error(g.t("comment_failed", error=md(str(err))))
        store, comments = None, []
    guidance_panel.reader(g, section, _comments_by_item(g, comments, index), target)
    if store is not None:
        st.divider()
        _downloads(g, store, comments)
