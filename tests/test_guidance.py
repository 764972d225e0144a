"""Guidance files: the real ones validate and say what the design needs; broken copies give messages that name
the file, the line and the key, so a reviewer can mend a file without reading Python.

Broken copies: guidance/en is copied to tmp_path/guidance/en, one thing is broken, and the expected line
number is computed from the text the test wrote (never hard-coded against the real files, which editors
change).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from wizard import flow
from wizard.guidance import load_guidance
from wizard.guidance_schema import GuidanceError
from wizard.model import CONSULTATION_KINDS, ITEM_CATEGORIES, OUTCOMES, RELIABILITIES, SOURCE_TYPES

ORDER = ("case", "article6", "prevalence", "seriousness", "prevention", "mitigation", "overriding_risk",
         "evidence", "summary", "determination")
FLOWCHART = {"prevalence": 1, "seriousness": 2, "prevention": 3, "mitigation": 5, "overriding_risk": 4}

# ---------------------------------------------------------------------------------------------------------
# The real files


def test_real_guidance_is_valid(guidance):
    assert guidance.language == "en"
    assert guidance.version == guidance.meta.version
    assert re.fullmatch(r"[0-9a-f]{64}", guidance.digest)
    assert guidance.stamp == f"{guidance.version} ({guidance.digest[:12]})"


def test_order_is_exactly_the_designed_one(guidance):
    assert tuple(s.id for s in guidance.screens) == ORDER
    assert guidance.meta.order == ORDER


def test_flowchart_numbers_put_mitigation_before_overriding_risk(guidance):
    numbered = [(s.id, s.flowchart_step) for s in guidance.screens if s.flowchart_step is not None]
    assert numbered == [("prevalence", 1), ("seriousness", 2), ("prevention", 3), ("mitigation", 5),
                        ("overriding_risk", 4)]
    assert [s.id for s in guidance.screens if s.kind == "step"] == list(FLOWCHART)
    assert ORDER.index("mitigation") < ORDER.index("overriding_risk")


def test_order_reason_explains_the_swap(guidance):
    reason = guidance.meta.order_reason
    assert "footnote 7" in reason.lower() or "Footnote 7" in reason
    assert "7(3)" in reason
    assert "mitigat" in reason.lower()


@pytest.mark.parametrize("screen_id", list(FLOWCHART))
def test_each_step_has_full_guidance(guidance, screen_id):
    s = guidance.screen(screen_id)
    assert s.kind == "step"
    assert len(s.purpose) > 100, "purpose should explain the step, not name it"
    assert len(s.guiding_questions) >= 3
    assert len(s.indicators) >= 3
    assert len(s.information_sources) >= 3
    assert len(s.examples) >= 1
    assert all(text.strip() for text in (*s.guiding_questions, *s.indicators, *s.information_sources,
                                         *s.examples))
    assert s.questions, "a step asks structured questions"


def test_every_screen_has_a_title_and_purpose(guidance):
    for s in guidance.screens:
        assert s.title.strip() and s.purpose.strip(), s.id


# Question ids are the keys of saved answers: the shapes from /tmp/specs/question-ids.md, pinned here.
SPEC = {
    "prevalence": {"forms": ("table", {"prevalent": "choice", "perpetrators": "multi", "settings": "multi",
                                       "arms_involved": "choice", "evidence": "evidence"}),
                   "other_forms": ("text", None), "underreporting": ("text", None)},
    "seriousness": {"forms": ("table", {"serious": "choice", "criteria": "multi", "reasons": "text",
                                        "evidence": "evidence"}),
                    "end_user_listed": ("choice", None), "pattern": ("text", None)},
    "prevention": {"legal_framework": ("choice", None), "institutions": ("choice", None),
                   "accountability": ("choice", None), "international_cooperation": ("choice", None),
                   "effectiveness": ("choice", None)},
    "mitigation": {"measures": ("table", {"measure": "choice", "description": "text", "implementer": "text",
                                          "verification": "text", "risks_addressed": "multi",
                                          "credible": "choice", "evidence": "evidence"}),
                   "residual_risk": ("choice", None), "past_compliance": ("choice", None)},
    "overriding_risk": {"pathway": ("text", None), "item_link": ("choice", None),
                        "diversion_risk": ("choice", None), "residual_after_mitigation": ("text", None),
                        "threshold": ("choice", None)},
}
OPTIONS = {
    ("prevalence", "forms", "perpetrators"): {"state_security_forces", "intended_end_user", "armed_groups",
                                              "private_persons", "unknown"},
    ("prevalence", "forms", "prevalent"): {"yes", "no"},
    ("seriousness", "forms", "serious"): {"yes", "no"},
    ("seriousness", "forms", "criteria"): {"gravity", "scale_pattern", "state_involvement", "impunity",
                                           "victim_vulnerability", "possible_atrocity_crime"},
    ("mitigation", "measures", "credible"): {"yes", "no"},
    ("mitigation", "residual_risk", None): {"low", "moderate", "high"},
    ("prevention", "accountability", None): {"effective", "limited", "impunity"},
    ("overriding_risk", "threshold", None): {"clear_risk", "substantial_risk", "more_likely_than_not",
                                             "other"},
}


@pytest.mark.parametrize("screen_id", list(SPEC))
def test_question_ids_and_shapes_match_the_spec(guidance, screen_id):
    screen = guidance.screen(screen_id)
    for qid, (qtype, columns) in SPEC[screen_id].items():
        q = screen.question(qid)
        assert q.type == qtype, (screen_id, qid)
        if columns:
            assert {c.id: c.type for c in q.columns if c.id in columns} == columns, (screen_id, qid)


def test_option_ids_match_the_spec(guidance):
    for (screen_id, qid, col), expected in OPTIONS.items():
        q = guidance.screen(screen_id).question(qid)
        options = next(c for c in q.columns if c.id == col).options if col else q.options
        assert {o.id for o in options} >= expected, (screen_id, qid, col)


def test_catalogue_tables_and_rows_where(guidance):
    assert guidance.screen("prevalence").question("forms").rows_from == "gbv_forms"
    seriousness = guidance.screen("seriousness").question("forms")
    assert seriousness.rows_from == "gbv_forms"
    assert seriousness.rows_where == "prevalence.forms.prevalent"
    assert guidance.screen("mitigation").question("measures").rows_from is None
    risks = next(c for c in guidance.screen("mitigation").question("measures").columns
                 if c.id == "risks_addressed")
    assert risks.options_from == "gbv_forms"


def test_gbv_catalogue_has_the_designed_forms(guidance):
    ids = {f.id for f in guidance.catalogues.gbv_forms}
    assert ids >= {"sexual_violence_security_forces", "conflict_related_sexual_violence",
                   "intimate_partner_violence_femicide", "trafficking_sexual_exploitation",
                   "forced_child_marriage", "attacks_on_women_hrds", "violence_against_lgbti",
                   "grave_violations_children"}
    all_ids = [f.id for f in guidance.catalogues.gbv_forms]
    assert len(all_ids) == len(set(all_ids))


def test_catalogues_label_every_model_value(guidance):
    c = guidance.catalogues
    assert set(c.item_categories) == set(ITEM_CATEGORIES)
    assert set(c.outcomes) == set(OUTCOMES)
    assert set(c.source_types) == set(SOURCE_TYPES)
    assert set(c.reliabilities) == set(RELIABILITIES)
    assert set(c.consultation_kinds) == set(CONSULTATION_KINDS)
    assert {"yes", "no", "insufficient_information"} <= set(c.answers)


def test_glossary_has_the_key_terms(guidance):
    ids = {t.id for t in guidance.glossary}
    assert ids >= {"gbv", "vawc", "serious", "overriding_risk", "mitigating_measures", "residual_risk",
                   "end_user", "diversion", "insufficient_information", "commit_or_facilitate", "child"}
    assert len(ids) == len(guidance.glossary), "glossary ids are unique"


def test_glossary_cross_references_resolve(guidance):
    ids = {t.id for t in guidance.glossary}
    dangling = {(t.id, ref) for t in guidance.glossary for ref in t.see_also if ref not in ids}
    assert not dangling


def test_ui_has_the_labels_flow_needs(guidance):
    assert set(re.findall(r"{(\w+)}", guidance.ui["step_label"])) == {"index", "total", "flowchart", "title"}
    rules = set(re.findall(r'Finding\(\s*"(\w+)"', Path(flow.__file__).read_text(encoding="utf-8")))
    missing = sorted(r for r in rules if f"rule_{r}" not in guidance.ui)
    assert not missing, f"ui.yaml has no explanation for rules {missing}"


def test_loading_is_deterministic(guidance_root):
    a, b = load_guidance("en", root=guidance_root), load_guidance("en", root=guidance_root)
    assert a.digest == b.digest and a.screens == b.screens


def test_unknown_language_is_refused(tmp_path):
    with pytest.raises(GuidanceError, match="no guidance folder for language 'xx'"):
        load_guidance("xx")


# ---------------------------------------------------------------------------------------------------------
# Broken copies


@pytest.fixture
def root(tmp_path, guidance_root) -> Path:
    """A writable copy of the real English guidance, as tmp_path/guidance/en."""
    r = tmp_path / "guidance"
    shutil.copytree(guidance_root / "en", r / "en")
    return r


def problems_of(root: Path) -> list[str]:
    with pytest.raises(GuidanceError) as err:
        load_guidance("en", root=root)
    assert str(err.value) == "\n".join(err.value.problems)
    return err.value.problems


def line_no(text: str, needle: str) -> int:
    """1-based number of the only line of ``text`` that contains ``needle``."""
    hits = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(hits) == 1, f"{needle!r} found on lines {hits}"
    return hits[0]


def screen_path(root: Path, screen_id: str) -> Path:
    for p in sorted((root / "en" / "screens").glob("*.yaml")):
        if (yaml.safe_load(p.read_text(encoding="utf-8")) or {}).get("id") == screen_id:
            return p
    raise LookupError(screen_id)


def rel(path: Path, root: Path) -> str:
    return path.relative_to(root.parent).as_posix()


# A compact prevention screen that the tests below break one way at a time.
PREVENTION = """\
# Step 3, rewritten by a test.
id: prevention
kind: step
title: "Is the importing State taking effective preventive action?"
flowchart_step: 3
purpose: "Whether the State acts against the serious forms found."
guiding_questions:
  - "Are perpetrators in the security forces prosecuted?"
questions:
  - id: legal_framework
    type: choice
    label: "Legal framework"
    required: true
    options:
      - id: adequate
        label: "Adequate"
      - id: inadequate
        label: "Inadequate"
  - id: by_form
    type: table
    label: "Effectiveness per serious form"
    rows_from: gbv_forms
    rows_where: seriousness.forms.serious
    columns:
      - id: effective
        label: "Effective?"
        type: choice
        options:
          - id: "yes"
            label: "Yes"
          - id: "no"
            label: "No"
  - id: effectiveness
    type: choice
    label: "Overall effectiveness"
    options:
      - id: effective
        label: "Effective"
      - id: not_effective
        label: "Not effective"
"""


def write_prevention(root: Path, text: str) -> tuple[Path, str]:
    path = screen_path(root, "prevention")
    path.write_text(text, encoding="utf-8")
    return path, rel(path, root)


def test_the_compact_prevention_screen_itself_is_valid(root):
    write_prevention(root, PREVENTION)
    g = load_guidance("en", root=root)
    assert [q.id for q in g.screen("prevention").questions] == ["legal_framework", "by_form", "effectiveness"]


def test_the_copy_is_valid_before_it_is_broken(root):
    assert load_guidance("en", root=root).meta.order == ORDER


def test_bad_yaml_names_file_and_line(root):
    text = PREVENTION.replace('  - "Are perpetrators in the security forces prosecuted?"',
                              '  - "Are perpetrators prosecuted?"\n  - bad: value: here')
    _, name = write_prevention(root, text)
    line = line_no(text, "bad: value: here")
    assert problems_of(root) == [f"{name}, line {line}: not valid YAML: mapping values are not allowed here"]


def test_bad_yaml_in_meta_names_the_line(root):
    meta = root / "en" / "meta.yaml"
    text = meta.read_text(encoding="utf-8").replace("  - mitigation\n", "  - mitigation: x: y\n", 1)
    meta.write_text(text, encoding="utf-8")
    (only,) = problems_of(root)
    assert only.startswith(f"guidance/en/meta.yaml, line {line_no(text, 'mitigation: x: y')}: not valid YAML")


def test_tab_indentation_names_the_line(root):
    text = PREVENTION.replace("  - id: legal_framework\n", "\t- id: legal_framework\n")
    _, name = write_prevention(root, text)
    (only,) = problems_of(root)
    assert only.startswith(f"{name}, line {line_no(text, chr(9) + '- id: legal_framework')}: not valid YAML")


def test_unclosed_quote_names_the_line_where_it_opens(root):
    # Inside a block mapping PyYAML fails where the mapping breaks, far below; the reader finds the quote.
    text = PREVENTION.replace('label: "Legal framework"', 'label: "Legal framework')
    _, name = write_prevention(root, text)
    (only,) = problems_of(root)
    assert only.startswith(f"{name}, line {line_no(text, 'label: ' + chr(34) + 'Legal framework')}:")


@pytest.mark.parametrize("quote", ['"', "'"])
def test_quote_left_open_at_the_end_of_a_file_names_the_line_where_it_opens(root, quote):
    # The scanner reaches the end of the file inside the quote; the line it opened on is what a reviewer needs.
    text = PREVENTION + f"order_note: {quote}Mitigation comes before the overriding-risk finding\n"
    _, name = write_prevention(root, text)
    (only,) = problems_of(root)
    assert only.startswith(f"{name}, line {line_no(text, 'order_note: ')}: not valid YAML"), only


def test_a_closed_multi_line_quote_is_not_mistaken_for_a_runaway_one(root):
    help_text = '    help: "two lines,\n      title: still text"\n'
    text = PREVENTION.replace("  - id: legal_framework\n", "  - id: legal_framework\n" + help_text)
    write_prevention(root, text)
    assert load_guidance("en", root=root).screen("prevention").question("legal_framework").help


def test_missing_top_level_key_names_file_line_and_key(root):
    text = PREVENTION.replace('purpose: "Whether the State acts against the serious forms found."\n', "")
    _, name = write_prevention(root, text)
    # the key is absent, so the line is where the screen's mapping starts (after the comment)
    line = line_no(text, "id: prevention")
    assert problems_of(root) == [f"{name}, line {line}, key purpose: Field required"]


def test_missing_question_key_names_the_question(root):
    text = PREVENTION.replace('    label: "Legal framework"\n', "")
    _, name = write_prevention(root, text)
    assert problems_of(root) == [
        f"{name}, line {line_no(text, 'id: legal_framework')}, key questions.0.label: Field required"]


def test_missing_key_in_meta(root):
    meta = root / "en" / "meta.yaml"
    lines = meta.read_text(encoding="utf-8").splitlines(keepends=True)
    lines = [ln for ln in lines if not ln.startswith("version:")]
    text = "".join(lines)
    meta.write_text(text, encoding="utf-8")
    first_key = next(i for i, ln in enumerate(lines, start=1) if re.match(r"^\w+:", ln))
    assert problems_of(root) == [f"guidance/en/meta.yaml, line {first_key}, key version: Field required"]


@pytest.mark.parametrize(("old", "new", "needle", "key", "message"), [
    ("flowchart_step: 3", "flowchart_step: three", "flowchart_step: three", "flowchart_step",
     "Input should be a valid integer, unable to parse string as an integer"),
    ("flowchart_step: 3", "flowchart_step: 6", "flowchart_step: 6", "flowchart_step",
     "Input should be less than or equal to 5"),
    ("    required: true", "    required: sometimes", "required: sometimes", "questions.0.required",
     "Input should be a valid boolean, unable to interpret input"),
    ("    type: choice\n    label", "    type: slider\n    label", "type: slider", "questions.0.type",
     "Input should be 'choice', 'multi', 'text', 'date' or 'table'"),
    ("kind: step", "kind: [step]", "kind: [step]", "kind",
     "Input should be 'case', 'article6', 'step', 'evidence', 'summary' or 'determination'"),
    ('  - "Are perpetrators in the security forces prosecuted?"',
     "  - {question: \"Are perpetrators prosecuted?\"}", "{question:", "guiding_questions.0",
     "Input should be a valid string"),
    ("  - id: legal_framework", "  - id: Legal-Framework", "id: Legal-Framework", "questions.0.id",
     "String should match pattern '^[a-z][a-z0-9_]*$'"),
])
def test_wrong_type_names_file_line_and_key(root, old, new, needle, key, message):
    text = PREVENTION.replace(old, new, 1)
    assert text != PREVENTION
    _, name = write_prevention(root, text)
    assert problems_of(root) == [f"{name}, line {line_no(text, needle)}, key {key}: {message}"]


def test_wrong_type_in_catalogues(root):
    path = root / "en" / "catalogues.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('  reliabilities:\n', '  reliabilities:\n', 1)
    text = re.sub(r"(?m)^  high: .*$", "  high: [very, high]", text, count=1)
    path.write_text(text, encoding="utf-8")
    assert problems_of(root) == [
        f"guidance/en/catalogues.yaml, line {line_no(text, 'high: [very, high]')}, key reliabilities.high: "
        "Input should be a valid string"]


def test_unknown_key_names_file_line_and_key(root):
    text = PREVENTION.replace('title: "Is', 'colour: red\ntitle: "Is')
    _, name = write_prevention(root, text)
    assert problems_of(root) == [f"{name}, line {line_no(text, 'colour: red')}, key colour: unknown key"]


def test_misspelt_nested_key_names_its_path(root):
    text = PREVENTION.replace('        label: "Inadequate"', '        lable: "Inadequate"')
    _, name = write_prevention(root, text)
    assert problems_of(root) == [
        f"{name}, line {line_no(text, 'id: inadequate')}, key questions.0.options.1.label: Field required",
        f"{name}, line {line_no(text, 'lable:')}, key questions.0.options.1.lable: unknown key"]


def test_unknown_screen_in_the_order_names_the_meta_line(root):
    meta = root / "en" / "meta.yaml"
    text = meta.read_text(encoding="utf-8").replace("  - mitigation\n", "  - mitigations\n", 1)
    meta.write_text(text, encoding="utf-8")
    found = problems_of(root)
    index = ORDER.index("mitigation")
    assert found[0].startswith(f"guidance/en/meta.yaml, line {line_no(text, '- mitigations')}, key "
                               f"order.{index}: unknown screen 'mitigations' (screens: ")
    # and the screen it should have named is reported as left out of the order
    mitigation_file = rel(screen_path(root, "mitigation"), root)
    assert any(p.startswith(f"{mitigation_file}, line ") and "'mitigation' is not in meta.yaml's order" in p
               for p in found[1:])
    assert len(found) == 2


def test_screen_missing_from_the_order(root):
    meta = root / "en" / "meta.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("  - summary\n", "", 1), encoding="utf-8")
    found = problems_of(root)
    assert len(found) == 1
    assert found[0].startswith(rel(screen_path(root, "summary"), root) + ", line ")
    assert found[0].endswith("key id: screen 'summary' is not in meta.yaml's order")


def test_screen_missing_from_the_order_names_the_id_line(root):
    meta = root / "en" / "meta.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("  - prevention\n", "", 1), encoding="utf-8")
    _, name = write_prevention(root, PREVENTION)
    assert problems_of(root)[0].startswith(f"{name}, line {line_no(PREVENTION, 'id: prevention')}, key id:")


def test_screen_twice_in_the_order(root):
    meta = root / "en" / "meta.yaml"
    text = meta.read_text(encoding="utf-8").replace("  - summary\n", "  - summary\n  - case\n", 1)
    meta.write_text(text, encoding="utf-8")
    assert problems_of(root) == [
        f"guidance/en/meta.yaml, line {line_no(text, 'order:')}, key order: a screen appears twice"]


def test_duplicate_screen_id_names_both_files(root):
    prevention_file = rel(screen_path(root, "prevention"), root)
    copy = root / "en" / "screens" / "99-prevention-copy.yaml"
    copy.write_text(PREVENTION, encoding="utf-8")
    assert problems_of(root) == [
        f"guidance/en/screens/99-prevention-copy.yaml, line {line_no(PREVENTION, 'id: prevention')}, key id: "
        f"screen id 'prevention' is also used in {prevention_file}"]


@pytest.mark.parametrize("target", [
    "seriousness.forms.nowhere",        # no such column
    "seriousness.nothing.serious",      # no such question
    "nowhere.forms.serious",            # no such screen
    "seriousness.forms",                # not SCREEN.QUESTION.COLUMN
    "mitigation.measures.credible",     # a later screen
    "prevention.by_form.effective",     # this very screen
    "seriousness.end_user_listed.yes",  # not a table
])
def test_rows_where_pointing_nowhere_names_the_line(root, target):
    text = PREVENTION.replace("rows_where: seriousness.forms.serious", f"rows_where: {target}")
    _, name = write_prevention(root, text)
    assert problems_of(root) == [
        f"{name}, line {line_no(text, 'rows_where:')}, key questions.1.rows_where: must name a table column "
        f"on an earlier screen as SCREEN.QUESTION.COLUMN, got {target!r}"]


def test_choice_question_without_options(root):
    lines = PREVENTION.splitlines(keepends=True)
    start = next(i for i, ln in enumerate(lines, start=1) if ln == "    options:\n")
    end = line_no(PREVENTION, 'label: "Inadequate"')
    text = "".join(lines[:start - 1] + lines[end:])
    _, name = write_prevention(root, text)
    assert problems_of(root) == [
        f"{name}, line {line_no(text, 'id: legal_framework')}, key questions.0: "
        "Value error, question 'legal_framework' of type choice needs options"]


def test_choice_column_without_options(root):
    start = line_no(PREVENTION, "        options:")
    text = "".join(PREVENTION.splitlines(keepends=True)[:start - 1])
    _, name = write_prevention(root, text)
    assert problems_of(root) == [
        f"{name}, line {line_no(text, 'id: effective')}, key questions.1.columns.0: "
        "Value error, column 'effective' of type choice needs options"]


def test_table_without_columns(root):
    start = line_no(PREVENTION, "    columns:")
    text = "".join(PREVENTION.splitlines(keepends=True)[:start - 1])
    _, name = write_prevention(root, text)
    assert problems_of(root) == [
        f"{name}, line {line_no(text, 'id: by_form')}, key questions.1: "
        "Value error, question 'by_form' of type table needs columns"]


def test_duplicate_question_ids(root):
    text = PREVENTION.replace("  - id: by_form", "  - id: legal_framework")
    _, name = write_prevention(root, text)
    assert problems_of(root) == [
        f"{name}, line {line_no(text, 'id: prevention')}, key (top level): "
        "Value error, screen 'prevention': question ids used twice: ['legal_framework']"]


def test_step_without_flowchart_number(root):
    text = PREVENTION.replace("flowchart_step: 3\n", "")
    _, name = write_prevention(root, text)
    assert problems_of(root) == [f"{name}, line {line_no(text, 'id: prevention')}, key (top level): "
                                 "Value error, screen 'prevention' of kind step needs a flowchart_step"]


def test_unknown_cross_cutting_advice(root):
    text = PREVENTION + "cross_cutting:\n  - varied_sources\n  - no_such_advice\n"
    _, name = write_prevention(root, text)
    (only,) = problems_of(root)
    assert only == f"{name}, line {line_no(text, '- no_such_advice')}, key cross_cutting.1: " \
                   "unknown advice 'no_such_advice'"


def test_missing_file_is_named(root):
    (root / "en" / "glossary.yaml").unlink()
    assert problems_of(root) == ["guidance/en/glossary.yaml: missing file"]


def test_missing_item_category_is_named(root):
    path = root / "en" / "catalogues.yaml"
    text = re.sub(r'(?m)^  "4": .*\n', "", path.read_text(encoding="utf-8"), count=1)
    path.write_text(text, encoding="utf-8")
    (only,) = problems_of(root)
    assert only.startswith("guidance/en/catalogues.yaml, line ")
    assert only.endswith("key item_categories: no label for 4")


def test_every_problem_in_every_file_is_listed(root):
    text = PREVENTION.replace('title: "Is', 'colour: red\ntitle: "Is')
    _, name = write_prevention(root, text)
    glossary = root / "en" / "glossary.yaml"
    gtext = glossary.read_text(encoding="utf-8").replace("\nterms:", "\nglossary_terms:", 1)
    glossary.write_text(gtext, encoding="utf-8")
    found = problems_of(root)
    assert f"{name}, line {line_no(text, 'colour: red')}, key colour: unknown key" in found
    line = line_no(gtext, "glossary_terms:")
    assert f"guidance/en/glossary.yaml, line {line}, key glossary_terms: unknown key" in found
    assert any(p.startswith("guidance/en/glossary.yaml, line ") and "key terms: Field required" in p
               for p in found)


def test_empty_file_names_the_missing_keys(root):
    path = screen_path(root, "summary")
    path.write_text("# nothing yet\n", encoding="utf-8")
    found = problems_of(root)
    assert f"{rel(path, root)}, line 1, key id: Field required" in found
    assert f"{rel(path, root)}, line 1, key purpose: Field required" in found


def test_duplicate_key_in_a_mapping_is_refused(root):
    text = PREVENTION.replace('purpose: "Whether', 'purpose: "First draft."\npurpose: "Whether')
    _, name = write_prevention(root, text)
    (only,) = problems_of(root)
    second = line_no(text, 'purpose: "Whether')
    assert only.startswith(f"{name}, line {second}, key purpose: the key appears twice")
    assert f"first at line {line_no(text, 'purpose: ' + chr(34) + 'First draft')}" in only


def test_boolean_key_names_its_own_line(root):
    path = root / "en" / "ui.yaml"
    text = path.read_text(encoding="utf-8").replace('  "yes": "Yes"', '  yes: "Yes"', 1)
    path.write_text(text, encoding="utf-8")
    (only,) = problems_of(root)
    assert only.startswith(f"guidance/en/ui.yaml, line {line_no(text, '  yes: ' + chr(34) + 'Yes')}, ")
