"""The four-eyes review on the wizard's page (issue 13): on every screen the reviewer's comments on it (and,
for a reviewer, a box to add one); on the summary the review's status, the officer's "Submit for review" and
the reviewer's "Approve" and "Return with comments". The store checks every step again (wizard/store.py)."""

from __future__ import annotations

import streamlit as st

from wizard import access
from wizard.guidance_schema import Guidance, Screen
from wizard.locale_format import utc_text
from wizard.model import approval_holds
from wizard.store import StoreError
from wizard.ui import session
from wizard.ui.session import OpenDoc
from wizard.ui.text import md


def _step(doc: OpenDoc, do: str, screen_id: str = "") -> None:
    """Callback: one review step, saved at once; a refusal is said, never raised."""
    s, who = session.store(), session.actor()
    a = doc.assessment
    text_key = f"review_text:{screen_id}" if do == "comment" else "review_return_text"
    text = (st.session_state.get(text_key) or "").strip()
    try:
        if do == "submit":
            doc.stored = s.submit(a.id, doc.stored.version, who)
        elif do == "approve":
            doc.stored = s.approve(a.id, doc.stored.version, who)
        elif do == "return":
            doc.stored = s.return_for_changes(a.id, doc.stored.version, who, text)
        elif do == "comment":
            doc.stored = s.comment(a.id, doc.stored.version, who, screen_id, text)
    except StoreError as err:
        doc.error = str(err)
        return
    doc.error = None
    doc.saved_at = doc.stored.saved_at
    st.session_state[text_key] = ""


def comments(g: Guidance, doc: OpenDoc, screen: Screen) -> None:
    """The reviewer's comments on this screen, and for a reviewer a box to add one."""
    a = doc.assessment
    mine = [c for c in a.review.comments if c.screen == screen.id]
    reviewer = access.may_review(session.actor(), a) and not doc.final
    if not mine and not reviewer:
        return
    with st.container(border=True):
        st.markdown(f"**{g.t('review_comments_heading')}**")
        for c in mine:
            st.markdown(f"*{md(c.by)} · {utc_text(c.at, g.language)}*  \n{md(c.text)}")
        if reviewer:
            st.text_area(g.t("review_comment_box"), key=f"review_text:{screen.id}", height=80)
            st.button(g.t("review_comment_add"), key=f"review_comment:{screen.id}", on_click=_step,
                      args=(doc, "comment", screen.id))


def status_box(g: Guidance, doc: OpenDoc) -> None:
    """The review's status and what this person may do next."""
    a, p = doc.assessment, session.actor()
    if a.training:
        return
    r = a.review
    with st.container(border=True):
        st.markdown(f"**{g.t('review_heading')}**")
        if r.status == "approved":
            text = g.t("review_approved_by", reviewer=md(r.reviewer), date=utc_text(r.approved_at, g.language))
            (st.success if approval_holds(a) else st.error)(text)
        else:
            shown = {"voided": st.warning, "returned": st.warning}.get(r.status, st.info)
            shown(g.t(f"review_state_{r.status}"))
        general = [c for c in r.comments if not c.screen]
        for c in general:
            st.markdown(f"*{md(c.by)} · {utc_text(c.at, g.language)}*  \n{md(c.text)}")
        if doc.final:
            return
        if access.may_edit(p, a) and r.status in ("none", "returned", "voided"):
            st.button(g.t("review_submit"), key="review_submit", on_click=_step, args=(doc, "submit"),
                      type="primary")
        if access.may_review(p, a) and r.status in ("submitted", "voided", "approved"):
            left, right = st.columns(2)
            if r.status != "approved":
                left.button(g.t("review_approve"), key="review_approve", on_click=_step, args=(doc, "approve"),
                            type="primary", help=g.t("review_approve_help"))
            right.text_area(g.t("review_return_text"), key="review_return_text", height=80)
            right.button(g.t("review_return"), key="review_return", on_click=_step, args=(doc, "return"))
        elif access.owns(p, a) and p.has("reviewer") and r.status == "submitted":
            st.caption(g.t("review_not_own"))
