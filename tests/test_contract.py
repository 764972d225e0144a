"""The contract between guidance and code: an id the code needs that is renamed, removed or retyped in the
guidance is refused at load time, naming the file, the line, the key and the rule or module that needs it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from wizard import contract, flow
from wizard.guidance import load_guidance
from wizard.guidance_schema import GuidanceError


@pytest.fixture
def root(tmp_path: Path, guidance_root: Path) -> Path:
    r = tmp_path / "guidance"
    shutil.copytree(guidance_root / "en", r / "en")
    return r


def _file(root: Path, name: str) -> Path:
    hits = [p for p in (root / "en").rglob("*.yaml") if p.name.endswith(name)]
    assert len(hits) == 1, hits
    return hits[0]


def _edit(root: Path, name: str, old: str, new: str) -> tuple[str, str]:
    """Replace the one occurrence of ``old``; return the file's name as reported and the edited text."""
    path = _file(root, name)
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path.name}"
    text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return path.relative_to(root.parent).as_posix(), text


def _line(text: str, needle: str) -> int:
    """The 1-based number of the only line that starts with ``needle`` (after the indentation, if it has any)."""
    hits = [i for i, line in enumerate(text.splitlines(), start=1)
            if line.startswith(needle) or (needle[0] == " " and line.lstrip().startswith(needle.strip()))]
    assert len(hits) == 1, (needle, hits)
    return hits[0]


def _problems(root: Path) -> list[str]:
    with pytest.raises(GuidanceError) as err:
        load_guidance("en", root=root)
    return err.value.problems


def test_the_real_guidance_meets_the_contract(guidance):
    assert contract.check(guidance, flow.contract_needs()) == []


def test_a_renamed_question_is_refused_naming_the_rules_that_need_it(root):
    # The finding of the outside review: renaming "measures" validated, and a rule silently stopped firing.
    name, text = _edit(root, "06-mitigation.yaml", "  - id: measures\n", "  - id: mitigation_measures\n")
    assert _problems(root) == [
        f"{name}, line {_line(text, 'questions:')}, key questions: missing question 'measures' (type table) on "
        "screen 'mitigation'; needed by rule credible_without_verification, rule end_user_risk_unmitigated"]


def test_a_removed_column_is_refused(root):
    name, text = _edit(root, "04-seriousness.yaml", "      - id: serious\n", "      - id: grave\n")
    (only,) = _problems(root)
    assert only.startswith(f"{name}, line {_line(text, ' columns:')}, key questions.0.columns: missing column "
                           "'serious' (type choice) of question 'forms'; needed by ")
    for rule in ("overriding_without_serious_form", "end_user_risk_unmitigated", "authorise_with_high_residual_risk"):
        assert f"rule {rule}" in only


def test_a_retyped_column_is_refused_at_its_type_line(root):
    path = _file(root, "06-mitigation.yaml")
    text = path.read_text(encoding="utf-8")
    start = text.index("      - id: verification\n")
    type_at = text.index("type: text", start)
    text = text[:type_at] + "type: multi\n        options:\n          - id: x\n            label: X" + \
        text[type_at + len("type: text"):]
    path.write_text(text, encoding="utf-8")
    line = text[:type_at].count("\n") + 1
    assert _problems(root) == [
        f"guidance/en/screens/{path.name}, line {line}, key questions.0.columns.3.type: column 'verification' "
        "(type text) of question 'measures' has type multi; needed by rule credible_without_verification"]


def test_a_retyped_question_is_refused(root):
    path = _file(root, "06-mitigation.yaml")
    text = path.read_text(encoding="utf-8")
    start = text.index("  - id: residual_risk\n")
    type_at = text.index("type: choice", start)
    text = text[:type_at] + "type: multi" + text[type_at + len("type: choice"):]
    path.write_text(text, encoding="utf-8")
    (only,) = _problems(root)
    assert only.startswith(f"guidance/en/screens/{path.name}, line {text[:type_at].count(chr(10)) + 1}, "
                           "key questions.1.type: question 'residual_risk' (type choice) on screen 'mitigation' "
                           "has type multi; needed by ")
    assert only.endswith("rule authorise_with_high_residual_risk") and "record (page 1" in only, only


def test_a_removed_option_is_refused(root):
    name, text = _edit(root, "03-prevalence.yaml", "          - id: intended_end_user\n",
                       "          - id: end_user_unit\n")
    (only,) = _problems(root)
    options_at = text.index("options:", text.index("      - id: perpetrators"))
    assert only == (f"{name}, line {text[:options_at].count(chr(10)) + 1}, key questions.0.columns.1.options: "
                    "missing option 'intended_end_user' of column 'perpetrators' (type multi) of question 'forms'; "
                    "needed by rule end_user_risk_unmitigated")


def test_a_column_that_must_list_the_catalogue_is_refused(root):
    path = _file(root, "06-mitigation.yaml")
    text = path.read_text(encoding="utf-8")
    start = text.index("      - id: risks_addressed\n")
    at = text.index("options_from: gbv_forms", start)
    options = "options:\n          - id: all\n            label: All"
    text = text[:at] + options + text[at + len("options_from: gbv_forms"):]
    path.write_text(text, encoding="utf-8")
    (only,) = _problems(root)
    assert "column 'risks_addressed' (type multi, options from gbv_forms) of question 'measures' must take its " \
           "options from gbv_forms; needed by rule end_user_risk_unmitigated" in only


def test_a_screen_of_another_kind_is_refused(root):
    name, text = _edit(root, "09-summary.yaml", "kind: summary\n", "kind: evidence\n")
    assert _problems(root) == [f"{name}, line {_line(text, 'kind: evidence')}, key kind: screen 'summary' (kind "
                               "summary) has kind evidence; needed by record, ui screens, ui screens (record download)"]


def test_a_removed_field_label_is_refused(root):
    name, text = _edit(root, "10-determination.yaml", "\n  reasons:\n", "\n  grounds:\n")
    (only,) = _problems(root)
    assert only == f"{name}, line {_line(text, 'fields:')}, key fields: missing field 'reasons' on screen " \
                   "'determination'; needed by completeness, rule outcome_needs"


def test_a_missing_rule_explanation_is_refused(root):
    name, text = _edit(root, "ui.yaml", "  rule_no_consultation:", "  rule_no_consult:")
    assert _problems(root) == [f"{name}, line {_line(text, 'strings:')}, key strings: missing string "
                               "'rule_no_consultation'; needed by rule no_consultation"]


@pytest.mark.parametrize("rule", flow.RULES, ids=lambda r: r.id)
def test_every_rule_declares_its_screen_and_explanation(guidance, rule):
    assert rule.message_key in guidance.ui
    if rule.screen is not None:
        assert guidance.screen(rule.screen.id).kind == rule.screen.kind
    for ref in rule.reads:
        assert contract.check(guidance, {ref: ["test"]}) == []


def test_every_need_names_who_needs_it():
    needs = flow.contract_needs()
    assert all(users for users in needs.values())
    read = {ref for rule in flow.RULES for ref in rule.reads}
    assert read <= set(needs)
