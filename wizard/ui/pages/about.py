"""What the tool is, what it is not, and where its data lives."""

from __future__ import annotations

import streamlit as st

from wizard.model import FORMAT_VERSION
from wizard.store import database_url
from wizard.ui import session

g = session.guidance_or_error()
if g is not None:
    st.title(g.t("about_title"))
    st.markdown(
        "This tool takes an export-licensing officer through the assessment that Article 7(4) of the Arms Trade "
        "Treaty requires: the risk that conventional arms, ammunition or parts and components would be used to "
        "commit or facilitate serious acts of gender-based violence or serious acts of violence against women "
        "and children. It follows the five-step flowchart presented to the Eleventh Conference of States "
        "Parties, with mitigation considered before the overriding-risk finding, and produces a PDF record of "
        "every assessment.")
    st.info(g.meta.disclaimer)
    url = database_url()
    where = url.split("@")[-1] if "@" in url else url  # never show a password
    st.markdown(
        f"- Guidance version: `{g.stamp}`\n"
        f"- Assessment format version: `{FORMAT_VERSION}`\n"
        f"- Store: `{where}`\n"
        "- Nothing leaves this machine: no usage statistics, no external fonts, scripts or images.")
