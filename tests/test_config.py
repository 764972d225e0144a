"""Licensing data is sensitive: the app's configuration keeps everything on the machine."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_streamlit_config_sends_nothing_out_and_hides_deploy():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["toolbarMode"] in ("minimal", "viewer"), "the Deploy button stays hidden"


def test_no_page_loads_anything_from_elsewhere():
    """No external fonts, scripts or images: no http(s) URL is handed to Streamlit to fetch."""
    offenders = []
    for path in [ROOT / "streamlit_app.py", *(ROOT / "wizard" / "ui").rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        for needle in ("st.image(\"http", "unsafe_allow_html", "components.html", "components.iframe",
                       "<script", "<link", "@import"):
            if needle in text:
                offenders.append(f"{path.relative_to(ROOT)}: {needle}")
    assert offenders == []
