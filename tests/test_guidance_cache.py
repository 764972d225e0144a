"""The command line parses the guidance once per content (issue 10): a cache keyed by the files' digest,
safe to delete, refreshed when a file changes, and never trusted when damaged."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from wizard import guidance as guidance_module
from wizard.guidance import GUIDANCE_ROOT, load_guidance

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def cache(tmp_path: Path):
    guidance_module.use_disk_cache(tmp_path / "cache")
    try:
        yield tmp_path / "cache"
    finally:
        guidance_module.use_disk_cache(None)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    copy = tmp_path / "guidance"
    shutil.copytree(GUIDANCE_ROOT, copy)
    return copy


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(text: str):
        raise AssertionError("the guidance was parsed again")

    monkeypatch.setattr(guidance_module, "_parse", refuse)


def test_a_second_load_reads_the_cache_and_gives_the_same_guidance(cache: Path, root: Path,
                                                                    monkeypatch: pytest.MonkeyPatch):
    first = load_guidance("en", root=root)
    (kept,) = cache.glob("guidance-en-*.json")
    assert first.digest[:32] in kept.name
    _no_parsing(monkeypatch)
    assert load_guidance("en", root=root) == first


def test_a_changed_file_is_parsed_again(cache: Path, root: Path):
    first = load_guidance("en", root=root)
    ui = root / "en" / "ui.yaml"
    ui.write_text(ui.read_text(encoding="utf-8").replace('"Next →"', '"Continue →"'), encoding="utf-8")
    second = load_guidance("en", root=root)
    assert second.digest != first.digest and second.t("next") == "Continue →"
    assert len(list(cache.glob("guidance-en-*.json"))) == 2


def test_a_damaged_or_deleted_cache_is_rebuilt(cache: Path, root: Path, monkeypatch: pytest.MonkeyPatch):
    first = load_guidance("en", root=root)
    (kept,) = cache.glob("guidance-en-*.json")
    kept.write_bytes(b'{"language": "en", "version": "forged"')  # cut short
    assert load_guidance("en", root=root) == first
    shutil.rmtree(cache)
    assert load_guidance("en", root=root) == first
    _no_parsing(monkeypatch)
    assert load_guidance("en", root=root) == first


def test_a_cache_made_by_other_code_is_not_used(cache: Path, root: Path, monkeypatch: pytest.MonkeyPatch):
    """A newer contract or schema might refuse what an older one let through: its cache entries are its own."""
    load_guidance("en", root=root)
    guidance_module._code_version.cache_clear()
    monkeypatch.setattr(guidance_module, "_code_version", lambda: "othercode000")
    load_guidance("en", root=root)
    assert len(list(cache.glob("guidance-en-*.json"))) == 2


def test_broken_guidance_is_never_cached(cache: Path, root: Path):
    meta = root / "en" / "meta.yaml"
    meta.write_text(meta.read_text(encoding="utf-8") + "\nunknown_key: 1\n", encoding="utf-8")
    with pytest.raises(guidance_module.GuidanceError):
        load_guidance("en", root=root)
    assert not cache.exists() or not list(cache.iterdir())


def test_the_command_line_keeps_its_cache_in_the_data_folder(tmp_path: Path):
    env = {"WIZARD_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    for _ in range(2):
        done = subprocess.run([sys.executable, "-m", "wizard", "steps"], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    assert len(list((tmp_path / "cache").glob("guidance-en-*.json"))) == 1
