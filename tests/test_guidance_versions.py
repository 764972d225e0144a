"""Guidance versions: every version has a changelog entry and a snapshot of its text, check-guidance refuses a
release without them, and an assessment made under an older version shows, step by step, what changed since."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

import wizard.guidance
from tests.ui_driver import Wizard
from wizard import guidance_versions as gv
from wizard.cli import main
from wizard.guidance import GUIDANCE_ROOT, load_guidance

OLDEST = "2026.11-en.1"  # the first release, whose text is kept in guidance/versions/


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A writable copy of the whole guidance folder (languages, changelog, snapshots, schema)."""
    r = tmp_path / "guidance"
    shutil.copytree(GUIDANCE_ROOT, r)
    return r


def _release(root: Path, version: str, edit) -> None:
    """Change the English text, give it a new version, an entry and a snapshot: what an editor does."""
    edit(root / "en")
    meta = root / "en" / "meta.yaml"
    text = meta.read_text(encoding="utf-8")
    old = yaml.safe_load(text)["version"]
    meta.write_text(text.replace(f'version: "{old}"', f'version: "{version}"'), encoding="utf-8")
    changelog = root / gv.CHANGELOG_NAME
    head, rest = changelog.read_text(encoding="utf-8").split("\n## ", 1)
    changelog.write_text(f"{head}\n## {version}\n\nA test release.\n\n## {rest}", encoding="utf-8")
    g = load_guidance("en", root=root)
    gv.snapshot_path(version, root).write_text(gv.rendered(gv.snapshot(g, root)), encoding="utf-8")


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_current_version_is_released(guidance):
    assert gv.release_problems(guidance) == []
    assert guidance.version in gv.changelog_versions() and OLDEST in gv.changelog_versions()
    assert gv.load_snapshot(OLDEST) is not None, "the first release's text is kept"


def test_check_guidance_fails_without_a_changelog_entry(root, monkeypatch, capsys):
    monkeypatch.setattr(wizard.guidance, "GUIDANCE_ROOT", root)
    assert main(["check-guidance"]) == 0
    g = load_guidance("en", root=root)
    changelog = root / gv.CHANGELOG_NAME
    changelog.write_text(changelog.read_text(encoding="utf-8").replace(f"## {g.version}", "## 1999.1-en.0"),
                         encoding="utf-8")
    capsys.readouterr()
    assert main(["check-guidance"]) == 1
    err = capsys.readouterr().err
    assert f"guidance/CHANGELOG.md: no entry for version {g.version}" in err


def test_check_guidance_fails_when_text_changes_without_a_new_version(root, monkeypatch, capsys):
    monkeypatch.setattr(wizard.guidance, "GUIDANCE_ROOT", root)
    path = next((root / "en" / "screens").glob("06-*.yaml"))
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("purpose: >-\n", "purpose: >-\n  Reworded without a new version.\n", 1),
                    encoding="utf-8")
    assert main(["check-guidance"]) == 1
    assert "out of date for version" in capsys.readouterr().err


def test_a_changed_step_shows_as_a_difference_on_an_older_assessment(root, guidance):
    made_under = guidance.stamp
    mitigation = next((root / "en" / "screens").glob("06-*.yaml"))

    def edit(folder: Path) -> None:
        text = mitigation.read_text(encoding="utf-8")
        first = yaml.safe_load(text)["indicators"][0]
        _replace(mitigation, first, first.replace("licence", "licence or contract"))

    _release(root, "2099.1-en.9", edit)
    now = load_guidance("en", root=root)
    since = gv.changes_since(made_under, now, "screen:mitigation", root)
    assert since is not None and since.on_record and (since.then, since.now) == (guidance.version, "2099.1-en.9")
    (change,) = since.changes
    assert change.address == "indicators.1" and change.kind == "changed"
    assert ("added", "or contract") in change.words()
    # the other screens did not change; the same version shows nothing at all
    assert gv.changes_since(made_under, now, "screen:prevalence", root).changes == ()
    assert gv.changes_since(now.stamp, now, "screen:mitigation", root) is None


def test_a_version_whose_text_is_not_kept_says_so(guidance):
    since = gv.changes_since("2020.1-en.0 (0123456789ab)", guidance, "screen:mitigation")
    assert since is not None and not since.on_record
    assert gv.load_snapshot("../../etc/passwd") is None  # a stamp from an imported file is not a path


def test_added_and_removed_items_are_reported():
    changes = gv.diff_sections({"purpose": "A", "indicators.2": "gone"}, {"purpose": "A b", "indicators.1": "new"})
    assert [(c.address, c.kind) for c in changes] == [("purpose", "changed"), ("indicators.1", "added"),
                                                      ("indicators.2", "removed")]


def test_the_wizard_shows_what_changed_since_an_older_version(app_store, make_assessment, guidance):
    a = make_assessment()
    a.guidance_version = f"{OLDEST} (b6acd87cee7a)"
    w = Wizard.seed(app_store, a, "mitigation")
    labels = [e.label for e in w.at.expander]
    title = next((lbl for lbl in labels if OLDEST in lbl), None)
    assert title and guidance.version in title, labels
    # the mitigation step's title gained "or other approaches" in the review: it is shown as added
    text = "\n".join(m.value for m in w.at.markdown)
    assert ":green[**" in text and "other" in text and "approaches" in text
