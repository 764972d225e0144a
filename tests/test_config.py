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
    # A forced full garbage collection after every run held each answer about 100 ms (bench/ui_browser.py).
    assert config["runner"]["postScriptGC"] is False


def test_no_page_loads_anything_from_elsewhere():
    """No external fonts, scripts or images: no http(s) URL is handed to Streamlit to fetch."""
    offenders = []
    for path in [ROOT / "streamlit_app.py", *(ROOT / "wizard" / "ui").rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        for needle in ("st.image(\"http", "unsafe_allow_html", "components.html", "components.iframe",
                       "<script", "<link", "@import"):
            if needle in text:
                offenders.append(f"{path.relative_to(ROOT)}: {needle}")
        # The one page script (typing_guard.js) is mounted by one module; tests/test_typing_guard.py reads it.
        if "components.v2" in text and path.name != "typing_guard.py":
            offenders.append(f"{path.relative_to(ROOT)}: components.v2")
    assert offenders == []
    scripts = sorted(p.name for p in (ROOT / "wizard").rglob("*.js"))
    assert scripts == ["typing_guard.js"], scripts


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


def test_the_tab_icon_is_a_file_in_the_repository():
    """``page_icon`` names a PNG that is in the repository, so the browser fetches it from the app itself. A
    ``:material/...`` name made every page load fetch the icon's SVG from fonts.gstatic.com."""
    import ast
    import importlib

    tree = ast.parse((ROOT / "streamlit_app.py").read_text(encoding="utf-8"))
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and ast.unparse(n.func) == "st.set_page_config"]
    assert len(calls) == 1
    icon = {k.arg: k.value for k in calls[0].keywords}["page_icon"]
    # page_icon=str(NAME) or page_icon=NAME, NAME imported from one of the app's modules
    if isinstance(icon, ast.Call) and ast.unparse(icon.func) == "str":
        icon = icon.args[0]
    assert isinstance(icon, ast.Name), f"page_icon is {ast.unparse(icon)!r}, not a path from the repository"
    module = next(n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
                  and any((a.asname or a.name) == icon.id for a in n.names))
    path = Path(getattr(importlib.import_module(module), icon.id)).resolve()
    assert path.is_file() and path.is_relative_to(ROOT), path
    assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n"), "a PNG, which every browser shows as a tab icon"
    assert path.stat().st_size < 20_000


def test_the_server_listens_on_loopback_and_looks_up_no_address():
    """``server.address`` is a loopback address (no other machine can connect), and Streamlit's own start-up
    banner and its origin check run without asking checkip.amazonaws.com for the external address: run in a
    separate process (Streamlit's configuration is global) with the lookups replaced by a failure."""
    import subprocess
    import sys

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["address"] in ("127.0.0.1", "localhost", "::1")
    assert config["server"]["headless"] is True  # headless is when Streamlit would look the address up
    assert config["browser"]["serverAddress"], "set, so the banner needs no lookup even on 0.0.0.0"
    probe = """
from streamlit import config, net_util
from streamlit.web import bootstrap
from streamlit.web.server import server_util

def lookup(*args, **kwargs):
    raise SystemExit("LOOKED UP an address")

net_util.get_external_ip = net_util.get_internal_ip = lookup
config.get_config_options(force_reparse=True)
print("address", config.get_option("server.address"))
bootstrap._print_url(False)
for origin in ("http://127.0.0.1:8501", "http://localhost:8501"):
    assert server_util.is_url_from_allowed_origins(origin), origin
config.set_option("server.address", "0.0.0.0", "command-line")  # README: serving an office network
bootstrap._print_url(False)
print("done")
"""
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    assert f"address {config['server']['address']}" in out
    assert "URL: http://localhost:8501" in out, out
    assert "External URL" not in out and "Network URL" not in out and "LOOKED UP" not in out, out
    assert out.rstrip().endswith("done"), out
