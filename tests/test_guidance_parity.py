"""Parity between languages (issue 11): a second language says everything English says, in the same shape,
and every break is named by language, file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import english_with_stand_in
from wizard import guidance_parity


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return english_with_stand_in(tmp_path / "guidance", "fr")  # a "translation" that starts as an exact copy


def _edit(path: Path, old: str, new: str) -> int:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[:text.index(old)].count("\n") + 1


def test_the_shipped_guidance_has_parity():
    assert guidance_parity.problems() == []
    assert guidance_parity.languages()[0] == "en"


def test_a_faithful_copy_has_parity(root: Path):
    assert guidance_parity.languages(root) == ["en", "fr"]
    assert guidance_parity.problems(root) == []


def test_a_missing_key_is_named_with_language_file_line_and_key(root: Path):
    ui = root / "fr" / "ui.yaml"
    _edit(ui, '  next: "Next →"\n', "")
    (problem,) = guidance_parity.problems(root)
    assert problem.startswith("fr: guidance/fr/ui.yaml, line ") and "key strings.next: missing (present in en)" \
        in problem, problem


def test_a_mismatched_placeholder_is_named(root: Path):
    ui = root / "fr" / "ui.yaml"
    line = _edit(ui, '"Saved at {time}"', '"Enregistré à {heure}"')
    (problem,) = guidance_parity.problems(root)
    assert problem == (f"fr: guidance/fr/ui.yaml, line {line}, key strings.saved_at: placeholders {{heure}} "
                       f"where en has {{time}}"), problem


def test_an_empty_text_a_translated_id_a_missing_file_and_an_extra_key(root: Path):
    screen = root / "fr" / "screens" / "06-mitigation.yaml"
    _edit(screen, "  - id: residual_risk\n", "  - id: risque_residuel\n")
    _edit(root / "fr" / "ui.yaml", '"Next →"', '""')
    (root / "fr" / "references.yaml").unlink()
    _edit(root / "fr" / "meta.yaml", "version:", "translator_note: \"draft\"\nversion:")
    found = "\n".join(guidance_parity.problems(root))
    assert "key questions.1.id: 'risque_residuel' where en has 'residual_risk': ids and settings are not " \
           "translated" in found
    assert "guidance/fr/ui.yaml" in found and "key strings.next: empty: every text is translated" in found
    assert "fr: guidance/fr/references.yaml: missing (guidance/en/references.yaml has it)" in found
    assert "key translator_note: not in en" in found


def test_ids_in_lists_are_compared_as_ids(root: Path):
    meta = root / "fr" / "meta.yaml"
    text = meta.read_text(encoding="utf-8")
    start = text.index("order:")
    first = text.index("  - ", start)
    second = text.index("  - ", first + 1)
    end = text.index("\n", second)
    line_a, line_b = text[first:second].rstrip("\n"), text[second:end]
    meta.write_text(text[:first] + line_b + "\n" + line_a + text[end:], encoding="utf-8")  # two steps swapped
    found = "\n".join(guidance_parity.problems(root))
    assert "key order.0:" in found and "ids and settings are not translated" in found, found


def test_check_guidance_reports_parity(root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture):
    from types import SimpleNamespace

    from wizard import guidance as guidance_module
    from wizard.cli import cmd_check_guidance

    monkeypatch.setattr(guidance_module, "GUIDANCE_ROOT", root)
    monkeypatch.setattr(guidance_parity, "GUIDANCE_ROOT", root)
    _edit(root / "fr" / "ui.yaml", '"Saved at {time}"', '"Enregistré"')
    assert cmd_check_guidance(SimpleNamespace(language=["en"])) == 1
    err = capsys.readouterr().err
    assert "guidance parity (en, fr): 1 problem(s)" in err and "key strings.saved_at: placeholders" in err


def test_the_command_line_takes_lang(tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch):
    from wizard.cli import main

    monkeypatch.setenv("WIZARD_DATA_DIR", str(tmp_path / "data"))  # its signing key and guidance cache
    example = str(Path(__file__).resolve().parent.parent / "examples" / "complete-assessment.json")
    assert main(["steps", "--lang", "en"]) == 0
    assert "flowchart 5" in capsys.readouterr().out
    out = tmp_path / "r.pdf"
    assert main(["render", example, "-o", str(out), "--lang", "en"]) == 0
    assert main(["verify", str(out)]) == 0
    capsys.readouterr()
    assert main(["render", example, "-o", str(tmp_path / "x.pdf"), "--lang", "xx"]) == 1
    assert "there is no guidance in 'xx'; languages: en" in capsys.readouterr().err
    assert main(["factsheet", "--lang", "en", "-o", str(tmp_path / "f.pdf")]) == 0
