"""Start a new assessment, open, duplicate, archive or restore one, and import or export JSON."""

from __future__ import annotations

import math
from datetime import date

import streamlit as st

from wizard import access, service
from wizard.access import Principal
from wizard.guidance_schema import Guidance
from wizard.guidance_versions import is_current, version_of
from wizard.locale_format import local_text, number_text, plural_key
from wizard.model import OUTCOMES, Assessment
from wizard.store import ListFilter, StoreError
from wizard.ui import labels, session
from wizard.ui.text import md

PAGE_SIZE = 20
WIZARD_PAGE = "wizard/ui/pages/assessment.py"
HISTORY_PAGE = "wizard/ui/pages/history.py"


def _create(g: Guidance) -> None:
    a = Assessment(guidance_version=g.stamp, language=g.language, officer=session.officer_name(),
                   training=bool(st.session_state.get("new_training")))
    try:
        stored = session.store().create(a, session.actor())
    except StoreError as err:
        st.session_state["list_error"] = md(str(err))
        return
    session.open_assessment(stored)
    st.session_state["switch_to"] = (WIZARD_PAGE, {"aid": stored.assessment.id, "screen": g.screens[0].id})


def _action(kind: str, aid: str) -> None:
    store, who = session.store(), session.actor()
    try:
        if kind == "archive":
            store.archive(aid, who)
        elif kind == "restore":
            store.restore(aid, who)
        elif kind == "duplicate":
            stored = store.duplicate(aid, who)
            st.session_state["list_notice"] = md(stored.assessment.case.reference or stored.assessment.id)
    except StoreError as err:
        st.session_state["list_error"] = md(str(err))
    st.session_state.pop("confirm_archive", None)


def _import(g: Guidance) -> None:
    upload = st.session_state.get("import_file")
    if upload is None:
        return
    try:
        stored = service.import_file(session.store(), g, upload.name, upload.getvalue(), session.actor(),
                                     as_new=bool(st.session_state.get("import_as_new")))
    except StoreError as err:
        reason = str(err)
        if reason.startswith("format_version:"):  # not an export of this tool at all: say so in words
            st.session_state["list_error"] = g.t("import_refused", error=g.t("import_not_an_export"))
            st.session_state["list_error_details"] = md(reason)
        else:  # field paths in the screens' words; the message as the store gave it stays in the details fold
            st.session_state["list_error"] = g.t("import_refused", error=md(labels.in_words(g, reason)))
            st.session_state["list_error_details"] = md(reason)
        return
    a = stored.assessment
    st.session_state["list_notice"] = g.t("import_done", ref=md(a.case.reference or a.id), id=a.id)


def _first_page() -> None:
    """Another filter, search or order: the list starts again at its first page (not at the page number the
    previous list was on, which may now be its last or past it)."""
    st.session_state["list_page"] = 1


def _filters(g: Guidance, p: Principal, kind: str) -> ListFilter:
    with st.expander(g.t("filters"), expanded=False):
        c1, c2, c3 = st.columns(3)
        status = c1.selectbox(g.t("filter_status"), ["", "draft", "final"], key="f_status", on_change=_first_page,
                              format_func=lambda s: g.t(f"status_{s}") if s else g.t("any"))
        outcome = c2.selectbox(g.t("filter_outcome"), ["", *OUTCOMES], key="f_outcome", on_change=_first_page,
                               format_func=lambda s: g.catalogues.outcomes.get(s, g.t("any")) if s else g.t("any"))
        show = c3.selectbox(g.t("filter_archived"), ["active", "archived", "all"], key="f_show", on_change=_first_page,
                            format_func=lambda s: g.t(f"show_{s}"))
        c4, c5, c6, c7 = st.columns(4)
        state = c4.text_input(g.t("filter_state"), key="f_state", on_change=_first_page)
        officer = c5.text_input(g.t("filter_officer"), key="f_officer", on_change=_first_page)
        date_from: date | None = c6.date_input(g.t("filter_from"), value=None, key="f_from", on_change=_first_page)
        date_to: date | None = c7.date_input(g.t("filter_to"), value=None, key="f_to", on_change=_first_page)
    return ListFilter(status=status or None, outcome=outcome or None, importing_state=state.strip() or None,
                      officer=officer.strip() or None, date_from=date_from, date_to=date_to,
                      text=(st.session_state.get("f_text") or "").strip() or None,
                      include_archived=show == "all", only_archived=show == "archived",
                      # real assessments and training ones are never listed together (issue 12)
                      **_kind_filter(p, kind))


def _kinds(p: Principal) -> list[str]:
    """What this person may list: real assessments (officers, administrators), training ones (trainers and
    the officers who practise), the reviewers' queue, and what reviewers returned to this officer."""
    kinds = []
    if p.has("officer") or p.has("administrator") or p.has("reviewer"):
        kinds.append("real")
    if p.has("officer") or p.has("trainer") or p.has("administrator"):
        kinds.append("training")
    if p.has("reviewer"):
        kinds.append("review_queue")
    if p.has("officer"):
        kinds.append("returned")
    return kinds


def _kind_filter(p: Principal, kind: str) -> dict:
    if kind == "training":
        return {"training": True}
    if kind == "review_queue":
        return {"training": False, "review_status": ["submitted", "voided"]}
    if kind == "returned":
        return {"training": False, "review_status": "returned", "officer_id": p.subject}
    # Real assessments: what this person may read (access.may_read), so that the list offers nothing the
    # store would refuse to open.
    if p.has("administrator") or (p.has("officer") and session.access_config().officers_read_all):
        return {"training": False}
    if p.has("officer"):
        return {"training": False, "officer_id": p.subject}
    return {"training": False, "review_status": ["submitted", "approved", "returned", "voided"]}


def main() -> None:
    g = session.guidance_or_error()
    if g is None:
        return
    session.follow_switch()  # a button asked for another page (set in its callback)
    st.title(g.t("assessments_title"))
    session.show_left_messages("list_error", "list_notice")
    details = st.session_state.pop("list_error_details", None)
    if details:
        with st.expander(g.t("import_details")):
            st.caption(details)

    p = session.actor()
    if p.has("officer") or p.has("trainer"):
        _new_box(g)
    if p.has("officer"):
        _import_box(g)
    _list(g, p)  # who is asking is worked out once per run, not for every row


def _new_box(g: Guidance) -> None:
    with st.container(border=True):
        st.markdown(f"**{g.t('new_assessment')}**")
        st.checkbox(g.t("new_training"), key="new_training")
        unnamed = session.unnamed()
        st.button(g.t("create"), key="create", on_click=_create, args=(g,), type="primary", disabled=unnamed,
                  help=g.t("create_needs_name") if unnamed else None)
        if unnamed:  # a disabled button says what it waits for
            st.caption(g.t("create_needs_name"))


def _import_box(g: Guidance) -> None:
    with st.expander(g.t("import_title")):
        st.file_uploader(g.t("import_title"), type=["json", "pdf"], key="import_file",
                         label_visibility="collapsed")
        st.checkbox(g.t("import_as_new"), key="import_as_new")
        st.button(g.t("open"), key="import", on_click=_import, args=(g,))


def _list(g: Guidance, p: Principal) -> None:
    kinds = _kinds(p)
    if not kinds:
        st.info(g.t("role_none"))
        return
    if st.session_state.get("f_kind") not in kinds:  # none chosen yet, or not this person's to list
        st.session_state["f_kind"] = kinds[0]
    chosen = st.segmented_control(g.t("list_kind"), kinds, key="f_kind", on_change=_first_page, selection_mode="single",
                                  format_func=lambda k: g.t(f"list_kind_{k}"))
    kind = chosen or kinds[0]  # a click on the chosen one unselects it: a list is still shown
    st.text_input(g.t("filter_text"), key="f_text", on_change=_first_page)
    filters = _filters(g, p, kind)
    sort_keys = ["updated_desc", "updated_asc", "reference", "importing_state", "status"]
    sort = st.selectbox(g.t("sort_by"), sort_keys, key="f_sort", on_change=_first_page,
                        format_func=lambda k: g.t(f"sort_{k}"))
    page_no = int(st.session_state.get("list_page", 1))
    try:
        page = session.store().list(filters, sort=sort, page=page_no, page_size=PAGE_SIZE)
    except StoreError as err:
        st.error(md(str(err)))
        return
    pages = max(1, math.ceil(page.total / PAGE_SIZE))
    if page.exact and page_no > pages:
        st.session_state["list_page"] = pages
        st.rerun()
    more = "" if page.exact else "+"  # counting stopped at the cap: at least this many
    caption = plural_key("page_of", page.total, g.language, g.ui)  # "1 assessment", "2 assessments"
    st.caption(g.t(caption, page=page_no, pages=f"{number_text(pages, g.language)}{more}",
                   total=f"{number_text(page.total, g.language)}{more}"))
    if not page.rows:
        st.info(g.t("no_assessments"))
    for row in page.rows:
        _row(g, row, p)
    prev, _, nxt = st.columns([1, 3, 1])
    prev.button(g.t("prev_page"), key="prev_page", disabled=page_no <= 1,
                on_click=lambda: st.session_state.update(list_page=page_no - 1))
    nxt.button(g.t("next_page"), key="next_page", disabled=page_no >= pages and (page.exact or not page.rows),
               on_click=lambda: st.session_state.update(list_page=page_no + 1))


def _row(g: Guidance, row, p: Principal) -> None:
    with st.container(border=True):
        badges = [g.t(f"{row.status}_badge")] + ([g.t("training_badge")] if row.training else []) + \
            ([g.t("archived_badge")] if row.archived else [])
        made_under = version_of(row.guidance_version)
        if not is_current(row.guidance_version, g):  # its steps show what changed in the guidance since
            badges.append(g.t("versions_older_badge", version=md(made_under)))
        outcome = g.catalogues.outcomes.get(row.outcome, "—") if row.outcome else "—"
        st.markdown(f"**{md(row.reference or row.id)}** · {md(row.importing_state or '—')} · "
                    f"{md(row.end_user or '—')}")
        st.caption(f"{' · '.join(badges)} · {g.t('revision_short', n=row.revision)} · {outcome} · "
                   f"{md(row.officer or '—')} · {local_text(row.updated_at, g.language)} · {row.id}")
        cols = st.columns(5)
        cols[0].button(g.t("open"), key=f"open_{row.id}", on_click=st.session_state.update,
                       kwargs={"switch_to": (WIZARD_PAGE, {"aid": row.id})})
        cols[1].button(g.t("nav_history"), key=f"hist_{row.id}", on_click=st.session_state.update,
                       kwargs={"switch_to": (HISTORY_PAGE, {"aid": row.id})})
        if p.has("officer"):
            cols[2].button(g.t("duplicate"), key=f"dup_{row.id}", on_click=_action, args=("duplicate", row.id))
        cols[3].download_button(g.t("export_json"), data=lambda rid=row.id: service.export_json(session.store(), rid),
                                file_name=f"{row.id}.json", mime="application/json", key=f"exp_{row.id}",
                                on_click="ignore")
        if not access.may_archive(p):  # archiving and restoring are for administrators
            return
        if row.archived:
            cols[4].button(g.t("restore"), key=f"restore_{row.id}", on_click=_action, args=("restore", row.id))
        elif st.session_state.get("confirm_archive") == row.id:
            st.warning(g.t("archive_confirm", ref=md(row.reference or row.id)))
            yes, no = st.columns(2)
            yes.button(g.t("confirm"), key=f"archive_yes_{row.id}", on_click=_action, args=("archive", row.id))
            no.button(g.t("cancel"), key=f"archive_no_{row.id}",
                      on_click=lambda: st.session_state.pop("confirm_archive", None))
        else:
            cols[4].button(g.t("archive"), key=f"archive_{row.id}", on_click=st.session_state.update,
                           kwargs={"confirm_archive": row.id})


main()
