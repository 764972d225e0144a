"""Licensing data is sensitive: the app's configuration keeps everything on the machine."""

from __future__ import annotations

import tomllib
from pathlib import Path

from wizard import store_config
from wizard.store import Store

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


def test_database_url_precedence(tmp_path, monkeypatch):
    """The environment wins, then the caller's secrets, then SQLite in the data folder."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WIZARD_DATABASE_URL", raising=False)
    monkeypatch.setenv("WIZARD_DATA_DIR", str(tmp_path / "d"))
    sqlite = f"sqlite:///{tmp_path / 'd' / 'assessments.sqlite'}"
    assert store_config.database_url() == sqlite
    Store(store_config.database_url()).close()  # the folder is created on first use
    assert (tmp_path / "d" / "assessments.sqlite").is_file()
    secrets = {"database_url": " sqlite:///from-secrets.sqlite "}
    assert store_config.database_url(secrets) == "sqlite:///from-secrets.sqlite"
    assert store_config.database_url({"database_url": "  "}) == sqlite
    assert store_config.database_url({"other": "x"}) == sqlite
    monkeypatch.setenv("WIZARD_DATABASE_URL", "postgresql+psycopg://u:p@h/db")
    assert store_config.database_url(secrets) == "postgresql+psycopg://u:p@h/db"


def test_the_core_does_not_read_the_secrets_file(tmp_path, monkeypatch):
    """Only the Streamlit shell reads .streamlit/secrets.toml (st.secrets) and passes it in."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WIZARD_DATABASE_URL", raising=False)
    monkeypatch.setenv("WIZARD_DATA_DIR", str(tmp_path / "d"))
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text('database_url = "sqlite:///from-secrets.sqlite"\n')
    assert store_config.database_url() == f"sqlite:///{tmp_path / 'd' / 'assessments.sqlite'}"
    assert [p.name for p in (ROOT / "wizard").glob("*.py") if "tomllib" in p.read_text(encoding="utf-8")] == []


def test_the_store_location_is_shown_without_the_password():
    shown = store_config.describe("postgresql+psycopg://wizard:s3cret@db.example:5432/wizard")
    assert "s3cret" not in shown and "db.example:5432/wizard" in shown
    assert store_config.describe("sqlite:////srv/data/assessments.sqlite") == "sqlite:////srv/data/assessments.sqlite"
    assert "s3cret" not in store_config.describe("not a url :// s3cret@")
