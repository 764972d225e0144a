"""Scenarios, scores, the trainer's counts and the debrief (issue 12), without a browser."""

from __future__ import annotations

import io
import shutil
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from wizard import debrief, training
from wizard.guidance import GUIDANCE_ROOT, load_guidance
from wizard.guidance_schema import GuidanceError
from wizard.model import Answer
from wizard.scenarios import load_scenarios, scenario

EN = load_guidance("en")
SCENARIOS = load_scenarios("en")
QUESSA = scenario(SCENARIOS, "quessa_brigade")


def test_six_scenarios_teach_six_paths():
    assert sorted(s.teaches for s in SCENARIOS) == sorted(
        ["article6_prohibited", "no_serious_violence", "authorise_with_conditions", "refuse", "suspend",
         "civilian_firearms"])
    assert len({s.application.reference for s in SCENARIOS}) == len(SCENARIOS), "each case its own reference"


@pytest.mark.parametrize("lang", ["en", "zh", "fr", "es"])
def test_every_scenario_in_every_language_matches_itself_and_would_finalise_cleanly(lang):
    """Each language's copy loads against that language's guidance, and its model answers pass the app's own
    blocking checks there: the same case, whatever language a trainee works in."""
    from wizard import flow

    g = load_guidance(lang)
    found = load_scenarios(lang)
    assert [s.id for s in found] == [s.id for s in SCENARIOS]
    for s in found:
        a = training.model_assessment(s, g)
        matched, scored = training.total(training.compare(a, s, g))
        assert matched == scored > 0, s.id
        assert not flow.blocking(flow.check(g, a)), (s.id, flow.blocking(flow.check(g, a)))


def test_the_scenarios_have_parity_across_languages():
    from wizard.scenarios import parity_problems

    assert parity_problems() == []


def test_a_translated_option_id_and_a_missing_scenario_are_named(scenario_root):
    from wizard.scenarios import parity_problems

    shutil.copytree(GUIDANCE_ROOT / "fr", scenario_root / "fr")
    folder = scenario_root / "scenarios" / "fr"
    folder.mkdir(parents=True, exist_ok=True)
    for path in (scenario_root / "scenarios" / "en").glob("*.yaml"):
        if path.stem != "solmere_coastguard":
            shutil.copy(path, folder / path.name)  # an untranslated copy has the shape: only words may differ
    path = folder / "quessa_brigade.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('p1: "no"', 'p1: "non"', 1), encoding="utf-8")
    problems = parity_problems(scenario_root)
    assert "fr: guidance/scenarios/fr/solmere_coastguard.yaml: missing " \
           "(guidance/scenarios/en/solmere_coastguard.yaml has it)" in problems
    assert any(p.startswith("fr: guidance/scenarios/fr/quessa_brigade.yaml, line ") and
               p.endswith("key article6.p1: 'non' where en has 'no': ids and settings are not translated")
               for p in problems), problems
    assert len(problems) == 2, problems


def _attempt(answers: dict[tuple[str, str], object], name: str):
    """The model answers with some changed: an attempt as a trainee might leave it."""
    a = training.model_assessment(QUESSA, EN)
    a.officer = name
    for (screen, qid), value in answers.items():
        a.set_answer(screen, qid, Answer(value=value))
    return a


def test_the_trainers_counts_for_three_attempts():
    right = _attempt({}, "A")
    one_wrong = _attempt({("prevention", "accountability"): "effective"}, "B")
    two_wrong = _attempt({("prevention", "accountability"): "limited", ("mitigation", "residual_risk"): "low"}, "C")
    view = debrief.session_view(EN, QUESSA, [right, one_wrong, two_wrong])
    rows = {(r["screen_id"], r["question_id"]): r for r in view.rows}
    assert (rows["prevention", "accountability"]["matched"], rows["prevention", "accountability"]["attempts"]) == (1, 3)
    assert (rows["mitigation", "residual_risk"]["matched"], rows["mitigation", "residual_risk"]["attempts"]) == (2, 3)
    assert rows["prevention", "legal_framework"]["matched"] == 3
    scored = view.attempts[0].scored
    assert [(x.trainee, x.matched) for x in view.attempts] == [("A", scored), ("B", scored - 1), ("C", scored - 2)]
    assert [(r["screen_id"], r["question_id"]) for r in debrief.most_missed(view)] == \
        [("prevention", "accountability"), ("mitigation", "residual_risk")]


def test_a_table_difference_names_the_row_and_the_column():
    a = training.model_assessment(QUESSA, EN)
    rows = a.answer("prevalence", "forms").value
    form = rows[0]["row"]
    rows[0]["prevalent"] = "no" if rows[0].get("prevalent") == "yes" else "yes"
    step = next(x for x in training.compare(a, QUESSA, EN) if x.screen_id == "prevalence")
    (c,) = [c for c in step.comparisons if not c.matched]
    assert [d.where for d in c.differences] == [(form, "prevalent")]


def test_the_debrief_names_every_question_and_the_most_missed():
    from wizard.store import TrainingSession

    ts = TrainingSession("K7M2QX", QUESSA.id, "en", "Course 12", "Trainer Ines Okafor",
                         training.model_assessment(QUESSA, EN).created_at)
    attempts = [_attempt({}, "A"), _attempt({("prevention", "accountability"): "effective"}, "B")]
    pdf = debrief.debrief_pdf(EN, QUESSA, ts, attempts)
    text = "".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    view = debrief.session_view(EN, QUESSA, attempts)
    for r in view.rows:
        assert "".join(r["question"].split()) in text, r["question"]
    assert "".join(EN.t("debrief_title", title=QUESSA.title).split()) in text
    assert "".join(EN.t("debrief_missed_line", step=debrief.step_title(EN, "prevention"),
                        question=debrief.question_title(EN, "prevention", "accountability"), matched=1,
                        attempts=2).split()) in text


# --- broken scenario files ------------------------------------------------------------------------------------


@pytest.fixture
def scenario_root(tmp_path: Path) -> Path:
    root = tmp_path / "guidance"
    shutil.copytree(GUIDANCE_ROOT, root, ignore=shutil.ignore_patterns("zh", "fr", "es"))
    return root


def _break(root: Path, old: str, new: str, name: str = "quessa_brigade") -> tuple[str, int]:
    path = root / "scenarios" / "en" / f"{name}.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    line = text[:text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return f"guidance/scenarios/en/{name}.yaml", line


def _problems(root: Path) -> list[str]:
    with pytest.raises(GuidanceError) as err:
        load_scenarios("en", root, today=date(2026, 11, 30))
    return err.value.problems


def test_a_missing_model_answer_is_named(scenario_root):
    path = scenario_root / "scenarios" / "en" / "quessa_brigade.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("\n    end_user_measures:")
    end = text.index("\n  mitigation:")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    (problem,) = _problems(scenario_root)
    assert problem.startswith("guidance/scenarios/en/quessa_brigade.yaml, line ")
    assert problem.endswith("key answers.prevention: no model answer for question 'end_user_measures'")


def test_an_unknown_question_and_an_unknown_option_are_named(scenario_root):
    name, line = _break(scenario_root, "    accountability:", "    accountabilty:")
    problems = _problems(scenario_root)
    assert f"{name}, line {line}, key answers.prevention.accountabilty: unknown question 'accountabilty' on " \
           "screen 'prevention'" in problems
    name, line = _break(scenario_root, "value: high", "value: very_high")
    assert any(p.startswith(f"{name}, line {line}, key answers.") and "'very_high' is not an option here" in p
               for p in _problems(scenario_root))


def test_a_document_cited_but_not_in_the_pack_and_a_date_in_the_future_are_named(scenario_root):
    name, line = _break(scenario_root, "  cites: [", "  cites: [D99, ")
    problems = _problems(scenario_root)
    assert any(p.startswith(f"{name}, line {line}, key ") and p.endswith("D99 is not in the information pack")
               for p in problems), problems
    text = (scenario_root / "scenarios" / "en" / "quessa_brigade.yaml").read_text(encoding="utf-8")
    first_date = text[text.index("    date: ") + 10:text.index("    date: ") + 20]
    name, line = _break(scenario_root, f"    date: {first_date}", "    date: 2027-01-15")
    assert f"{name}, line {line}, key documents.0.date: 2027-01-15 is in the future" in _problems(scenario_root)


def test_check_guidance_reports_broken_scenarios(scenario_root, monkeypatch, capsys):
    import wizard.guidance as guidance_module
    from wizard.cli import main

    _break(scenario_root, "    accountability:", "    accountabilty:")
    monkeypatch.setattr(guidance_module, "GUIDANCE_ROOT", scenario_root)
    assert main(["check-guidance", "en"]) == 1
    err = capsys.readouterr().err
    assert "scenarios en: " in err and "unknown question 'accountabilty'" in err


def test_an_answer_is_put_in_its_own_questions_words():
    """The same id means different things in different questions ("partial": a legal framework that is partly
    adequate, a State that cooperates in part): each answer takes its own question's label."""
    framework = EN.screen("prevention").question("legal_framework")
    cooperation = EN.screen("prevention").question("international_cooperation")
    assert training.answer_in_words(EN, "prevention", "legal_framework", "partial") == \
        next(o.label for o in framework.options if o.id == "partial")
    assert training.answer_in_words(EN, "prevention", "international_cooperation", "partial") == \
        next(o.label for o in cooperation.options if o.id == "partial")
    forms = EN.screen("prevalence").question("forms")
    row = training.answer_in_words(EN, "prevalence", "forms:trafficking_sexual_exploitation",
                                   {"trafficking_sexual_exploitation": {"prevalent": "yes", "notes": "typed"}})
    assert row == EN.t("label_value", label=next(c.label for c in forms.columns if c.id == "prevalent"),
                       value=EN.t("yes"))
    assert training.answer_in_words(EN, "determination", "outcome", "suspend") == EN.catalogues.outcomes["suspend"]
