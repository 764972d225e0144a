"""Entry point: page configuration and navigation. The pages live in wizard/ui/pages/."""

import streamlit as st

from wizard.ui import session, typing_guard
from wizard.ui.static import ICON

# The icon is a file from the repository: a ":material/..." icon would be fetched from a Google font host.
st.set_page_config(page_title=session.ui_text("app_title", "ATT Art. 7(4) assessment"), page_icon=str(ICON),
                   layout="wide")

def page(path: str, key: str, title: str, icon: str, url_path: str, default: bool = False) -> st.Page:
    return st.Page(path, title=session.ui_text(key, title), icon=icon, url_path=url_path, default=default)


pages = [
    page("wizard/ui/pages/assessments.py", "nav_assessments", "Assessments", ":material/folder_open:", "assessments",
         default=True),
    page("wizard/ui/pages/assessment.py", "nav_wizard", "Assessment", ":material/checklist:", "assess"),
    page("wizard/ui/pages/history.py", "nav_history", "History", ":material/history:", "history"),
    page("wizard/ui/pages/guidance.py", "nav_guidance", "Guidance", ":material/menu_book:", "guidance"),
    page("wizard/ui/pages/training.py", "nav_training", "Training", ":material/school:", "training"),
    page("wizard/ui/pages/about.py", "nav_about", "About", ":material/info:", "about"),
]
with st.sidebar:
    session.language_selector()
    session.identity_box()  # the signed-in person, or the name box where no provider is configured
    typing_guard.mount()  # commits text areas as the officer types; warns before leaving unsent text
if session.gate():  # a broken access configuration, or no sign-in yet: nothing else is shown
    st.navigation(pages, position="top").run()
