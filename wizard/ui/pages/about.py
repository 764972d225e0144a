"""What the tool is, what it is not, and where its data lives."""

from __future__ import annotations

import streamlit as st

from wizard import store_config
from wizard.model import FORMAT_VERSION
from wizard.ui import roles_admin, session

g = session.guidance_or_error()
if g is not None:
    st.title(g.t("about_title"))
    st.markdown(g.t("about_intro"))
    st.info(g.meta.disclaimer)
    if notice := g.t("translation_notice"):
        st.info(notice)
    # The same URL the session's store opens (st.secrets is consulted only when a secrets file exists).
    url = session.database_url()
    st.markdown("\n".join([
        f"- {g.t('about_guidance_version', version=f'`{g.stamp}`')}",
        f"- {g.t('about_format_version', version=f'`{FORMAT_VERSION}`')}",
        f"- {g.t('about_store', store=f'`{store_config.describe(url)}`')}",  # never the password
        f"- {g.t('about_offline')}",
    ]))
    roles_admin.show(g)  # administrators only, with sign-in configured
