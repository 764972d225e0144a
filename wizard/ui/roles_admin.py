"""Roles, for administrators (issue 13): who has which role from the configuration file and from grants made
here, a form to grant one, a button to revoke one, and the log of every change."""

from __future__ import annotations

import streamlit as st

from wizard.access import ROLES, may_manage_roles
from wizard.guidance_schema import Guidance
from wizard.locale_format import utc_text
from wizard.store import StoreError
from wizard.ui import session
from wizard.ui.text import md


def _change(kind: str, member: str = "", role: str = "") -> None:
    s = session.store()
    member = member or (st.session_state.get("grant_member") or "")
    role = role or (st.session_state.get("grant_role") or "")
    try:
        (s.grant_role if kind == "grant" else s.revoke_role)(member, role, session.actor())
    except StoreError as err:
        st.session_state["roles_error"] = str(err)
        return
    st.session_state["grant_member"] = ""


def show(g: Guidance) -> None:
    p = session.actor()
    if not may_manage_roles(p) or not session.auth_configured():
        return  # without sign-in there is nothing to assign: every name has every role
    st.subheader(g.t("roles_heading"))
    if err := st.session_state.pop("roles_error", None):
        st.error(md(err))
    config = session.access_config()
    label = {r: g.t(f"role_{r}") for r in ROLES}
    st.caption(g.t("roles_from_config", source=md(config.source)))
    st.dataframe([{g.t("roles_role"): label[r], g.t("roles_member"): m}
                  for r, members in config.assignments.items() for m in members], hide_index=True, width="stretch")
    st.markdown(f"**{g.t('roles_granted')}**")
    for grant in session.store().role_grants():
        c1, c2 = st.columns([4, 1])
        c1.markdown(f"{md(grant.member)} · {label.get(grant.role, grant.role)} · {md(grant.added_by)} · "
                    f"{utc_text(grant.added_at, g.language)}")
        c2.button(g.t("roles_revoke"), key=f"revoke:{grant.member}:{grant.role}", on_click=_change,
                  args=("revoke", grant.member, grant.role))
    with st.container(border=True):
        st.text_input(g.t("roles_member"), key="grant_member", help=g.t("roles_member_help"))
        st.selectbox(g.t("roles_role"), list(ROLES), key="grant_role", format_func=lambda r: label[r])
        st.button(g.t("roles_grant"), key="grant_role_button", on_click=_change, args=("grant",), type="primary")
    with st.expander(g.t("roles_log")):
        st.dataframe([{g.t("col_when"): utc_text(e.at, g.language), g.t("col_who"): e.actor,
                       g.t("col_action"): g.t(f"roles_action_{e.action}"), g.t("roles_member"): e.member,
                       g.t("roles_role"): label.get(e.role, e.role)} for e in session.store().role_log()],
                     hide_index=True, width="stretch")
