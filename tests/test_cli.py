"""The command line as an officer or reviewer runs it: ``python -m wizard ...`` from the repository root.

The CLI has no option for another guidance root, so broken copies are checked through ``main()`` with
``wizard.guidance.GUIDANCE_ROOT`` pointed at the copy (in-process, and in a subprocess that does the same).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import wizard.guidance
from wizard.cli import main
from wizard.guidance import GUIDANCE_ROOT

REPO = Path(__file__).resolve().parent.parent


def run(*args: str, code: str | None = None) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-c", code, *args] if code else [sys.executable, "-m", "wizard", *args]
    return subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, encoding="utf-8", timeout=120)


# ---------------------------------------------------------------------------------------------------------
# check-guidance


def test_check_guidance_passes_on_the_real_files(guidance):
    """Without arguments every language is checked, English first, then their parity."""
    r = run("check-guidance")
    assert r.returncode == 0, r.stderr
    n_questions = sum(len(s.questions) for s in guidance.screens)
    lines = r.stdout.splitlines()
    assert lines[0] == (f"guidance en: valid, version {guidance.stamp}, 10 screens, {n_questions} questions, "
                        f"{len(guidance.glossary)} glossary terms")
    assert [ln.split(":")[0] for ln in lines] == ["guidance en", "guidance es", "guidance fr", "guidance zh",
                                                   "scenarios en", "scenarios es", "scenarios fr", "scenarios zh",
                                                   "guidance parity"]
    assert all(ln.endswith(": valid, 6 scenario(s)") for ln in lines[4:8])
    assert all(f", 10 screens, {n_questions} questions, {len(guidance.glossary)} glossary terms" in ln
               for ln in lines[:4])
    assert lines[-1] == "guidance parity: en, es, fr, zh agree key for key"
    assert r.stderr == ""


def test_check_guidance_names_the_language_folder_it_lacks():
    r = run("check-guidance", "en", "xx")
    assert r.returncode == 1
    assert r.stdout.startswith("guidance en: valid, ")
    assert "guidance xx: 1 problem(s)" in r.stderr
    assert "no guidance folder for language 'xx'" in r.stderr


BROKEN_LINE = "colour: red\n"


@pytest.fixture
def broken_root(tmp_path) -> tuple[Path, str, int]:
    """A copy of the guidance with an unknown key added to the prevention screen: (root, file, line)."""
    root = tmp_path / "guidance"
    shutil.copytree(GUIDANCE_ROOT / "en", root / "en")
    path = next(p for p in sorted((root / "en" / "screens").glob("*.yaml"))
                if "\nid: prevention\n" in "\n" + p.read_text(encoding="utf-8"))
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, ln in enumerate(lines) if ln.startswith("kind:")) + 1  # after "kind: step"
    lines.insert(at, BROKEN_LINE)
    path.write_text("".join(lines), encoding="utf-8")
    return root, path.relative_to(tmp_path).as_posix(), at + 1


def test_check_guidance_on_a_broken_copy_names_file_line_and_key(broken_root, monkeypatch, capsys):
    root, name, line = broken_root
    monkeypatch.setattr(wizard.guidance, "GUIDANCE_ROOT", root)
    assert main(["check-guidance"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"guidance en: 1 problem(s)\n  {name}, line {line}, key colour: unknown key\n"


def test_check_guidance_exit_code_in_a_subprocess(broken_root):
    root, name, line = broken_root
    code = ("import sys, pathlib, wizard.guidance as g; g.GUIDANCE_ROOT = pathlib.Path(sys.argv[1]); "
            "from wizard.cli import main; sys.exit(main(['check-guidance']))")
    r = run(str(root), code=code)
    assert r.returncode == 1
    assert f"  {name}, line {line}, key colour: unknown key" in r.stderr.splitlines()


def test_check_guidance_lists_every_problem(broken_root, monkeypatch, capsys):
    root, _, _ = broken_root
    (root / "en" / "ui.yaml").unlink()
    (root / "en" / "glossary.yaml").unlink()
    monkeypatch.setattr(wizard.guidance, "GUIDANCE_ROOT", root)
    assert main(["check-guidance"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == ["guidance en: 2 problem(s)", "  guidance/en/glossary.yaml: missing file",
                   "  guidance/en/ui.yaml: missing file"]


# ---------------------------------------------------------------------------------------------------------
# steps


def test_steps_prints_one_line_per_screen_in_order(guidance):
    r = run("steps")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) == 10
    fields = [ln.split("\t") for ln in lines]
    assert [f[0] for f in fields] == [str(i) for i in range(1, 11)]
    assert [f[2] for f in fields] == ["case", "article6", "prevalence", "seriousness", "prevention",
                                      "mitigation", "overriding_risk", "evidence", "summary", "determination"]
    assert [f[1] for f in fields] == ["-", "-", "flowchart 1", "flowchart 2", "flowchart 3", "flowchart 5",
                                      "flowchart 4", "-", "-", "-"]
    assert [f[3] for f in fields] == [s.title for s in guidance.screens]


def test_steps_shows_mitigation_before_overriding_risk():
    out = run("steps").stdout
    assert out.index("\tflowchart 5\tmitigation\t") < out.index("\tflowchart 4\toverriding_risk\t")
    assert out.startswith("1\t-\tcase\t")


def test_steps_reads_the_order_from_the_guidance(monkeypatch, capsys, tmp_path):
    root = tmp_path / "guidance"
    shutil.copytree(GUIDANCE_ROOT / "en", root / "en")
    meta = root / "en" / "meta.yaml"
    text = meta.read_text(encoding="utf-8")
    text = text.replace("  - mitigation\n  - overriding_risk\n", "  - overriding_risk\n  - mitigation\n", 1)
    meta.write_text(text, encoding="utf-8")
    monkeypatch.setattr(wizard.guidance, "GUIDANCE_ROOT", root)
    assert main(["steps"]) == 0
    ids = [ln.split("\t")[2] for ln in capsys.readouterr().out.splitlines()]
    assert ids.index("overriding_risk") == 5 and ids.index("mitigation") == 6


def test_steps_with_unknown_language_fails():
    r = run("steps", "--language", "xx")
    assert r.returncode == 1
    assert r.stdout == ""
    assert "no guidance folder for language 'xx'" in r.stderr


def test_steps_fails_cleanly_on_broken_guidance(broken_root, monkeypatch, capsys):
    root, name, line = broken_root
    monkeypatch.setattr(wizard.guidance, "GUIDANCE_ROOT", root)
    assert main(["steps"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert f"{name}, line {line}, key colour: unknown key" in err


# ---------------------------------------------------------------------------------------------------------
# usage


def test_no_command_is_a_usage_error():
    r = run()
    assert r.returncode == 2
    assert "required: command" in r.stderr


def test_help_lists_the_commands():
    r = run("--help")
    assert r.returncode == 0
    for command in ("check-guidance", "steps", "render", "verify", "export", "import", "list"):
        assert command in r.stdout


def test_unknown_command_is_a_usage_error():
    r = run("frobnicate")
    assert r.returncode == 2
    assert "invalid choice" in r.stderr
