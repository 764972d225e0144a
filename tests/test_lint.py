"""The project's own rules: ruff is clean, and only the UI imports streamlit."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_only_the_ui_imports_streamlit():
    pattern = re.compile(r"^\s*(import streamlit|from streamlit)", re.MULTILINE)
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "wizard").rglob("*.py")
                 if "ui" not in p.relative_to(ROOT / "wizard").parts[:1] and pattern.search(p.read_text())]
    assert offenders == [], "the core must stay free of streamlit"


@pytest.mark.skipif(importlib.util.find_spec("ruff") is None,
                    reason="ruff is not installed (pip install -r requirements-dev.txt)")
def test_ruff_is_clean():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--output-format", "concise", "."], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
