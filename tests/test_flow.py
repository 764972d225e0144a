"""flow.py: positions and labels, completeness per screen, and every consistency rule (fires when it should,
stays silent on the clean, complete assessment)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from tests.conftest import OUTCOMES  # the outcomes make_assessment builds
from wizard import flow
from wizard.flow import (
    EVIDENCE_MAX_AGE_YEARS,
    OUTCOME_REQUIRES,
    Finding,
    Open,
    all_open_items,
    blocking,
    check,
    cited_source_ids,
    open_items,
    positions,
    rows_of,
    screen_label,
    step_positions,
    table_row_keys,
)
from wizard.model import INSUFFICIENT, Answer, Assessment, ItemOutcome, Source

ORDER = ["case", "article6", "prevalence", "seriousness", "prevention", "mitigation", "overriding_risk",
         "evidence", "summary", "determination"]


def day(a: Assessment) -> date:
    """The assessment's own date, from which flow.check measures ages."""
    return a.updated_at.date()


def rules(findings: list[Finding]) -> list[str]:
    return [f.rule for f in findings]


def rows(a: Assessment, screen_id: str, qid: str) -> list[dict]:
    return [dict(r) for r in a.answer(screen_id, qid).value]


def set_rows(a: Assessment, screen_id: str, qid: str, new_rows: list[dict]) -> None:
    old = a.answer(screen_id, qid)
    a.set_answer(screen_id, qid, Answer(value=new_rows, evidence=old.evidence, reasons=old.reasons))


def edit_row(a: Assessment, screen_id: str, qid: str, key: str, **cells) -> None:
    """Change cells of the row whose "row" is ``key`` (or, for officer tables, the row at index ``key``)."""
    new = rows(a, screen_id, qid)
    for i, r in enumerate(new):
        if r.get("row") == key or (isinstance(key, int) and i == key):
            r.update(cells)
    set_rows(a, screen_id, qid, new)


# ---------------------------------------------------------------------------------------------------------
# Order, positions and labels


def test_positions_follow_the_guidance_order(guidance):
    ps = positions(guidance)
    assert [p.screen.id for p in ps] == ORDER
    assert [p.index for p in ps] == list(range(1, 11))
    assert {p.total for p in ps} == {10}
    assert [p.flowchart_step for p in ps] == [None, None, 1, 2, 3, 5, 4, None, None, None]


def test_step_positions_number_the_five_steps_in_wizard_order(guidance):
    ps = step_positions(guidance)
    assert [(p.index, p.total, p.flowchart_step, p.screen.id) for p in ps] == [
        (1, 5, 1, "prevalence"), (2, 5, 2, "seriousness"), (3, 5, 3, "prevention"), (4, 5, 5, "mitigation"),
        (5, 5, 4, "overriding_risk")]


def test_step_label_uses_the_ui_format(guidance):
    assert guidance.ui["step_label"] == "{index} of {total} · flowchart step {flowchart} · {title}"
    mitigation = guidance.screen("mitigation")
    assert screen_label(guidance, mitigation) == "4 of 5 · flowchart step 5 · Mitigation"
    overriding = guidance.screen("overriding_risk")
    assert screen_label(guidance, overriding) == f"5 of 5 · flowchart step 4 · {overriding.short_title}"
    prevalence = guidance.screen("prevalence")
    assert screen_label(guidance, prevalence).startswith("1 of 5 · flowchart step 1 · ")


@pytest.mark.parametrize("screen_id", ["case", "article6", "evidence", "summary", "determination"])
def test_other_screens_are_labelled_by_their_title(guidance, screen_id):
    s = guidance.screen(screen_id)
    assert screen_label(guidance, s) == s.title
    assert "flowchart" not in screen_label(guidance, s)


def test_labels_follow_whatever_order_the_guidance_gives(guidance):
    # The order is data: swap two steps in a copy of the guidance and the labels follow.
    import dataclasses
    order = list(guidance.meta.order)
    i, j = order.index("mitigation"), order.index("overriding_risk")
    screens = list(guidance.screens)
    screens[i], screens[j] = screens[j], screens[i]
    swapped = dataclasses.replace(guidance, screens=tuple(screens))
    assert screen_label(swapped, swapped.screen("overriding_risk")).startswith("4 of 5 · flowchart step 4 · ")


# ---------------------------------------------------------------------------------------------------------
# Completeness


@pytest.mark.parametrize("outcome", ["authorise", "authorise_with_conditions", "refuse"])
def test_clean_case_is_complete_on_every_screen(guidance, make_assessment, outcome):
    a = make_assessment(outcome)
    assert all_open_items(guidance, a) == []
    assert all(not open_items(guidance, a, s) for s in guidance.screens)


def test_suspended_case_lists_only_its_insufficient_answers(guidance, make_assessment):
    a = make_assessment("suspend")
    opened = all_open_items(guidance, a)
    assert {(o.screen_id, o.key, o.state) for o in opened} == {
        ("prevention", "accountability", "insufficient"),
        ("overriding_risk", "overriding_risk", "insufficient"),
        ("determination", "overriding_risk", "insufficient")}


def test_empty_assessment_is_open_everywhere_but_the_summary(guidance):
    a = Assessment()
    for s in guidance.screens:
        items = open_items(guidance, a, s)
        assert all(o.state == "unanswered" for o in items)
        assert bool(items) == (s.id != "summary"), s.id
    keys = {o.key for o in open_items(guidance, a, guidance.screen("case"))}
    assert keys == {"reference", "exporter", "importing_state", "end_user", "end_use", "items"}
    assert {o.key for o in open_items(guidance, a, guidance.screen("article6"))} == {"p1", "p2", "p3", "p3_reading"}
    assert [o.key for o in open_items(guidance, a, guidance.screen("evidence"))] == ["sources"]
    assert {o.key for o in open_items(guidance, a, guidance.screen("determination"))} == {
        "overriding_risk", "outcome", "gbv_ground", "reasons"}


def test_open_items_come_in_screen_order_with_guidance_labels(guidance):
    a = Assessment()
    screen = guidance.screen("prevention")
    items = open_items(guidance, a, screen)
    assert [o.key for o in items] == [q.id for q in screen.questions if q.required]
    assert [o.label for o in items] == [q.label for q in screen.questions if q.required]
    assert items[0] == Open("prevention", "legal_framework", screen.question("legal_framework").label,
                            "unanswered")
    assert [o.screen_id for o in all_open_items(guidance, a)] == sorted(
        (o.screen_id for o in all_open_items(guidance, a)), key=ORDER.index)


def test_case_screen_fields(guidance, make_assessment):
    screen = guidance.screen("case")
    a = make_assessment()
    a.case.end_user = ""
    assert open_items(guidance, a, screen) == [Open("case", "end_user", screen.field("end_user").label,
                                                    "unanswered")]
    a = make_assessment()
    a.case.items[1].category = None
    assert [o.key for o in open_items(guidance, a, screen)] == ["items"]
    a.case.items = []
    assert [o.key for o in open_items(guidance, a, screen)] == ["items"]
    a = make_assessment()
    a.case.items[0].description = ""
    assert [o.key for o in open_items(guidance, a, screen)] == ["items"]


def test_article6_unanswered_vs_insufficient(guidance, make_assessment):
    screen = guidance.screen("article6")
    a = make_assessment()
    a.article6.p2.answer = None
    a.article6.p3.answer = INSUFFICIENT
    assert [(o.key, o.state) for o in open_items(guidance, a, screen)] == [("p2", "unanswered"),
                                                                          ("p3", "insufficient")]


def test_required_vs_optional_questions(guidance, make_assessment):
    screen = guidance.screen("prevalence")
    assert screen.question("underreporting").required
    assert not screen.question("other_forms").required
    a = make_assessment()
    a.answers["prevalence"].pop("other_forms", None)
    assert not open_items(guidance, a, screen)  # an optional question may stay empty
    a.set_answer("prevalence", "other_forms", Answer(insufficient=True))
    assert [(o.key, o.state) for o in open_items(guidance, a, screen)] == [("other_forms", "insufficient")]
    a.answers["prevalence"].pop("other_forms")
    a.answers["prevalence"].pop("underreporting")
    assert [(o.key, o.state) for o in open_items(guidance, a, screen)] == [("underreporting", "unanswered")]
    a.set_answer("prevalence", "underreporting", Answer(value=""))
    assert [o.state for o in open_items(guidance, a, screen)] == ["unanswered"]


def test_insufficient_is_its_own_state_never_no(guidance, make_assessment):
    screen = guidance.screen("prevention")
    a = make_assessment()
    a.set_answer("prevention", "institutions", Answer(insufficient=True, reasons="No access to data."))
    assert [(o.key, o.state) for o in open_items(guidance, a, screen)] == [("institutions", "insufficient")]
    a.set_answer("prevention", "institutions", Answer(value="inadequate", evidence=["S3"]))
    assert not open_items(guidance, a, screen)


def test_catalogue_table_needs_every_catalogue_row(guidance, make_assessment):
    screen = guidance.screen("prevalence")
    form_ids = [f.id for f in guidance.catalogues.gbv_forms]
    a = make_assessment()
    assert table_row_keys(guidance, a, screen.question("forms")) == form_ids
    kept = [r for r in rows(a, "prevalence", "forms") if r["row"] != form_ids[-1]]
    set_rows(a, "prevalence", "forms", kept)
    assert [(o.key, o.state) for o in open_items(guidance, a, screen)] == [("forms", "unanswered")]


@pytest.mark.parametrize(("form", "cells", "state"), [
    ("forced_child_marriage", {"prevalent": None}, "unanswered"),
    ("forced_child_marriage", {"prevalent": ""}, "unanswered"),
    ("forced_child_marriage", {"prevalent": INSUFFICIENT}, "insufficient"),
    ("forced_child_marriage", {"prevalent": INSUFFICIENT, "arms_involved": None}, "unanswered"),
    ("sexual_violence_security_forces", {"arms_involved": None}, "unanswered"),
    ("sexual_violence_security_forces", {"arms_involved": INSUFFICIENT}, "insufficient"),
    ("sexual_violence_security_forces", {"prevalent": INSUFFICIENT}, "insufficient"),
])
def test_catalogue_table_cells(guidance, make_assessment, form, cells, state):
    a = make_assessment()
    edit_row(a, "prevalence", "forms", form, **cells)
    found = open_items(guidance, a, guidance.screen("prevalence"))
    assert [(o.key, o.state) for o in found] == [("forms", state)]


def test_a_form_not_prevalent_needs_nothing_more(guidance, make_assessment):
    # The first choice column gates the row: "no" closes it, whatever the other cells say.
    a = make_assessment()
    edit_row(a, "prevalence", "forms", "forced_child_marriage", prevalent="no", arms_involved=None)
    edit_row(a, "prevalence", "forms", "violence_against_lgbti", prevalent="no", arms_involved=INSUFFICIENT)
    assert not open_items(guidance, a, guidance.screen("prevalence"))


def test_multi_and_text_columns_do_not_decide_completeness(guidance, make_assessment):
    a = make_assessment()
    edit_row(a, "prevalence", "forms", "sexual_violence_security_forces", perpetrators=[], settings=[])
    assert not open_items(guidance, a, guidance.screen("prevalence"))


def test_whole_table_marked_insufficient(guidance, make_assessment):
    a = make_assessment()
    a.set_answer("prevalence", "forms", Answer(insufficient=True, reasons="No reporting reaches us."))
    assert [(o.key, o.state) for o in open_items(guidance, a, guidance.screen("prevalence"))] == [
        ("forms", "insufficient")]


def test_seriousness_rows_are_the_forms_marked_prevalent(guidance, make_assessment):
    a = make_assessment()
    q = guidance.screen("seriousness").question("forms")
    catalogue = [f.id for f in guidance.catalogues.gbv_forms]
    prevalent = [r["row"] for r in rows(a, "prevalence", "forms") if r["prevalent"] == "yes"]
    assert table_row_keys(guidance, a, q) == [k for k in catalogue if k in prevalent]  # catalogue order
    # a newly prevalent form opens seriousness until it is judged
    edit_row(a, "prevalence", "forms", "violence_against_lgbti", prevalent="yes", evidence=["S4"])
    assert "violence_against_lgbti" in table_row_keys(guidance, a, q)
    assert [(o.key, o.state) for o in open_items(guidance, a, guidance.screen("seriousness"))] == [
        ("forms", "unanswered")]
    set_rows(a, "seriousness", "forms", [*rows(a, "seriousness", "forms"),
                                         {"row": "violence_against_lgbti", "serious": "no", "evidence": []}])
    assert not open_items(guidance, a, guidance.screen("seriousness"))


def test_a_form_whose_prevalence_is_uncertain_is_carried_into_seriousness(guidance, make_assessment):
    # "Insufficient information" on prevalence must never drop a form from step 2: it is judged there too.
    a = make_assessment()
    q = guidance.screen("seriousness").question("forms")
    edit_row(a, "prevalence", "forms", "violence_against_lgbti", prevalent=INSUFFICIENT)
    assert "violence_against_lgbti" in table_row_keys(guidance, a, q)
    assert [(o.key, o.state) for o in open_items(guidance, a, guidance.screen("seriousness"))] == [
        ("forms", "unanswered")]
    edit_row(a, "prevalence", "forms", "violence_against_lgbti", prevalent="no")
    assert "violence_against_lgbti" not in table_row_keys(guidance, a, q)


def test_seriousness_ignores_rows_of_forms_not_prevalent(guidance, make_assessment):
    a = make_assessment()
    set_rows(a, "seriousness", "forms", [*rows(a, "seriousness", "forms"),
                                         {"row": "harmful_practices", "serious": None}])
    assert not open_items(guidance, a, guidance.screen("seriousness"))
    edit_row(a, "prevalence", "forms", "trafficking_sexual_exploitation", prevalent="no")
    edit_row(a, "seriousness", "forms", "trafficking_sexual_exploitation", serious=None)
    assert not open_items(guidance, a, guidance.screen("seriousness"))


def test_seriousness_with_no_prevalent_form_has_nothing_to_judge(guidance, make_assessment):
    a = make_assessment()
    for form in guidance.catalogues.gbv_forms:
        edit_row(a, "prevalence", "forms", form.id, prevalent="no")
    a.answers["seriousness"].pop("forms")
    assert table_row_keys(guidance, a, guidance.screen("seriousness").question("forms")) == []
    assert not open_items(guidance, a, guidance.screen("seriousness"))


def test_seriousness_cell_insufficient(guidance, make_assessment):
    a = make_assessment()
    edit_row(a, "seriousness", "forms", "attacks_on_women_hrds", serious=INSUFFICIENT)
    assert [(o.key, o.state) for o in open_items(guidance, a, guidance.screen("seriousness"))] == [
        ("forms", "insufficient")]


def test_officer_table_needs_a_row_and_its_choices(guidance, make_assessment):
    screen = guidance.screen("mitigation")
    a = make_assessment()
    assert table_row_keys(guidance, a, screen.question("measures")) is None
    set_rows(a, "mitigation", "measures", [])
    assert [(o.key, o.state) for o in open_items(guidance, a, screen)] == [("measures", "unanswered")]
    a = make_assessment()
    edit_row(a, "mitigation", "measures", 1, credible=None)
    assert [(o.key, o.state) for o in open_items(guidance, a, screen)] == [("measures", "unanswered")]
    edit_row(a, "mitigation", "measures", 1, credible=INSUFFICIENT)
    assert [(o.key, o.state) for o in open_items(guidance, a, screen)] == [("measures", "insufficient")]


def test_overriding_risk_screen_includes_the_finding(guidance, make_assessment):
    screen = guidance.screen("overriding_risk")
    a = make_assessment()
    a.determination.overriding_risk = None
    assert [(o.key, o.state) for o in open_items(guidance, a, screen)] == [("overriding_risk", "unanswered")]
    a.determination.overriding_risk = INSUFFICIENT
    assert [(o.key, o.state) for o in open_items(guidance, a, screen)] == [
        ("overriding_risk", "insufficient")]


def test_determination_fields(guidance, make_assessment):
    screen = guidance.screen("determination")
    a = make_assessment("authorise_with_conditions")
    a.determination.conditions = ""
    assert [o.key for o in open_items(guidance, a, screen)] == ["conditions"]
    a.determination.outcome = "authorise"
    assert not open_items(guidance, a, screen)  # conditions only for "authorise with conditions"
    a.determination.gbv_ground = False
    assert not open_items(guidance, a, screen)  # "no" is an answer
    a.determination.gbv_ground = None
    a.determination.reasons = ""
    assert [o.key for o in open_items(guidance, a, screen)] == ["gbv_ground", "reasons"]


def test_evidence_screen_needs_a_source(guidance, make_assessment):
    a = make_assessment()
    a.evidence = []
    assert [o.key for o in open_items(guidance, a, guidance.screen("evidence"))] == ["sources"]


def test_whitespace_only_text_is_unanswered(guidance, make_assessment):
    a = make_assessment()
    a.determination.reasons = "   \n"
    a.case.reference = " "
    a.set_answer("prevalence", "underreporting", Answer(value="  "))
    keys = {(o.screen_id, o.key) for o in all_open_items(guidance, a)}
    assert keys == {("determination", "reasons"), ("case", "reference"), ("prevalence", "underreporting")}


def test_article6_prohibition_closes_the_article7_steps(guidance, make_assessment):
    a = make_assessment("refuse", prohibited=True)
    for screen_id in ("prevalence", "seriousness", "prevention", "mitigation", "overriding_risk"):
        a.answers.pop(screen_id, None)
    assert all_open_items(guidance, a) == []


# ---------------------------------------------------------------------------------------------------------
# Consistency: each rule, fired by one change to a clean assessment


def _svsf_unaddressed(a: Assessment) -> None:
    for i, m in enumerate(rows(a, "mitigation", "measures")):
        edit_row(a, "mitigation", "measures", i,
                 risks_addressed=[f for f in m["risks_addressed"] if f != "sexual_violence_security_forces"])


def _nothing_serious(a: Assessment) -> None:
    set_rows(a, "seriousness", "forms", [dict(r, serious="no") for r in rows(a, "seriousness", "forms")])


def _source(a: Assessment, sid: str, **kw) -> None:
    a.evidence = [s.model_copy(update=kw) if s.id == sid else s for s in a.evidence]


def _set(obj_path: str, value) -> Callable[[Assessment], None]:
    def apply(a: Assessment) -> None:
        *parents, name = obj_path.split(".")
        target = a
        for p in parents:
            target = getattr(target, p)
        setattr(target, name, value)
    return apply


@dataclass(frozen=True)
class Case:
    outcome: str
    change: Callable[[Assessment], None]
    screen: str
    severity: str = "warning"
    prohibited: bool = False
    says: str = ""  # a fragment the formatted message must contain


AGE_LIMIT = timedelta(days=EVIDENCE_MAX_AGE_YEARS * 365)


def _items(*outcomes: str, overall: str | None = "") -> Callable[[Assessment], None]:
    """Decide item by item: ``outcomes[i]`` for item i (the case has two items); ``overall`` restates the
    licence's outcome ("" leaves it as it is)."""
    def apply(a: Assessment) -> None:
        a.determination.item_outcomes = [ItemOutcome(item=i, outcome=o) for i, o in enumerate(outcomes)]
        if overall != "":
            a.determination.outcome = overall
    return apply

FIRES: dict[str, Case] = {
    "art6_prohibits": Case("authorise_with_conditions", _set("article6.p3.answer", "yes"), "determination",
                           "error"),
    "art6_insufficient": Case("authorise", _set("article6.p1.answer", INSUFFICIENT), "determination", "error",
                              says="Article 6 is absolute"),
    "overriding_requires_refusal": Case("authorise", _set("determination.overriding_risk", "yes"),
                                        "determination", "error", says="shall not authorize the export"),
    "no_outcome": Case("refuse", _set("determination.outcome", None), "determination", "error"),
    "outcome_needs": Case("authorise_with_conditions", _set("determination.conditions", " \n\t"),
                          "determination", "error", says="Conditions"),
    "refusal_without_ground": Case("refuse", _set("determination.overriding_risk", "no"), "determination", "error",
                                   says="Refuse on another ground"),
    "art6_refusal_without_prohibition": Case("refuse", _set("determination.outcome", "refuse_art6"),
                                             "determination", "error"),
    "overriding_without_serious_form": Case("refuse", _nothing_serious, "overriding_risk"),
    "authorise_on_insufficient_information": Case(
        "authorise", lambda a: a.set_answer("prevention", "institutions", Answer(insufficient=True)),
        "determination", says="Institutions"),
    "suspend_without_gap": Case("suspend", _set("gaps", []), "evidence"),
    "gbv_ground_without_finding": Case("refuse", _set("determination.overriding_risk", "no"), "determination",
                                       says="neither an Article 6 prohibition nor an overriding risk"),
    "overriding_without_consequence": Case("refuse", lambda a: a.answers["overriding_risk"].pop("consequences"),
                                           "overriding_risk"),
    "credible_without_verification": Case(
        "authorise_with_conditions", lambda a: edit_row(a, "mitigation", "measures", 1, verification="  "),
        "mitigation", says="measure 2"),
    "end_user_risk_unmitigated": Case("authorise_with_conditions", _svsf_unaddressed, "mitigation",
                                      says="Sexual violence by security forces"),
    "authorise_with_high_residual_risk": Case(
        "authorise_with_conditions",
        lambda a: a.set_answer("mitigation", "residual_risk", Answer(value="high", evidence=["S5"])),
        "determination"),
    "unknown_source": Case(
        "authorise_with_conditions",
        lambda a: edit_row(a, "prevalence", "forms", "sexual_violence_security_forces",
                           evidence=["S2", "S99"]),
        "prevalence", "error", says="forms row sexual_violence_security_forces cites source S99"),
    "finding_without_evidence": Case(
        "authorise_with_conditions",
        lambda a: a.set_answer("prevention", "legal_framework", Answer(value="partial")), "prevention"),
    "evidence_out_of_date": Case("authorise", lambda a: _source(a, "S6", info_date=day(a) - AGE_LIMIT
                                                                 - timedelta(days=1)),
                                 "evidence", says="S6"),
    "evidence_in_future": Case("authorise", lambda a: _source(a, "S5", info_date=day(a) + timedelta(days=1)),
                               "evidence", says="S5"),
    "no_consultation": Case("refuse", _set("consultations", []), "evidence"),
    "review_date_past": Case("authorise", lambda a: _set("determination.review_date", day(a))(a),
                             "determination"),
    # Outcomes decided item by item (the case has two items, 0 and 1).
    "item_outcome_unknown_item": Case(
        "authorise_with_conditions", _items(*["authorise_with_conditions"] * 3), "determination", "error",
        says="item 3"),
    "item_outcomes_disagree_with_overall": Case(
        "authorise_with_conditions", _items("authorise_with_conditions", "refuse_other"), "determination", "error",
        says="9x19 mm ball ammunition"),
    "item_art6_prohibits": Case("refuse", _items("refuse_art6", "refuse_other"), "determination", "error",
                                prohibited=True, says="Item 2 (9x19 mm ball ammunition)"),
    "item_art6_refusal_without_prohibition": Case("refuse", _items("refuse", "refuse_art6"), "determination",
                                                  "error", says="Item 2"),
    "item_overriding_requires_refusal": Case("refuse", _items("refuse", "authorise_with_conditions"),
                                             "determination", "error", says="Item 2"),
    "item_refusal_without_ground": Case(  # the finding is "insufficient information": pistols suspended
        "suspend", _items("suspend", "refuse"), "determination", "error",
        says="Item 2 (9x19 mm ball ammunition) is refused under Art. 7(3)"),
}


def test_every_rule_in_the_registry_has_a_test():
    assert set(FIRES) == set(flow.RULES_BY_ID)
    assert len(flow.RULES) == len(flow.RULES_BY_ID)  # each id declared once


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_clean_assessment_has_no_findings(guidance, make_assessment, outcome):
    assert check(guidance, make_assessment(outcome)) == []


def test_clean_art6_refusal_has_no_findings(guidance, make_assessment):
    assert check(guidance, make_assessment("refuse", prohibited=True)) == []


@pytest.mark.parametrize("rule", sorted(FIRES))
def test_rule_fires(guidance, make_assessment, rule):
    case = FIRES[rule]
    a = make_assessment(case.outcome, prohibited=case.prohibited)
    assert rule not in rules(check(guidance, a))
    case.change(a)
    hits = [f for f in check(guidance, a) if f.rule == rule]
    assert hits, rules(check(guidance, a))
    f = hits[0]
    assert (f.screen_id, f.severity) == (case.screen, case.severity)
    assert f.message and "{" not in f.message and not f.message.startswith("rule_")
    assert case.says in f.message


def test_only_the_changed_rule_fires_where_the_change_is_narrow(guidance, make_assessment):
    # A change that breaks one rule should not set off unrelated ones.
    expected_alone = set(FIRES) - {"refusal_without_ground", "overriding_requires_refusal",
                                   "gbv_ground_without_finding", "art6_prohibits",
                                   "art6_insufficient",  # an open Art. 6 check is also an insufficient answer
                                   "art6_refusal_without_prohibition"}  # and an overriding risk wants 7(3)
    for rule in sorted(expected_alone):
        case = FIRES[rule]
        a = make_assessment(case.outcome, prohibited=case.prohibited)
        case.change(a)
        assert set(rules(check(guidance, a))) == {rule}, rule


# Where a rule must stay silent although something near it changed.
def test_art6_prohibits_silent_without_outcome_or_with_refusal_under_article6(guidance, make_assessment):
    a = make_assessment("refuse")
    a.article6.p1.answer = "yes"
    a.determination.outcome = "refuse_art6"
    assert "art6_prohibits" not in rules(check(guidance, a))
    a.determination.outcome = None
    assert "art6_prohibits" not in rules(check(guidance, a))
    for outcome in ("suspend", "refuse", "refuse_other"):  # a refusal must name Article 6 as its basis
        a.determination.outcome = outcome
        assert "art6_prohibits" in rules(check(guidance, a)), outcome


def test_refusal_on_another_ground_needs_no_overriding_risk(guidance, make_assessment):
    a = make_assessment("refuse")
    a.determination.overriding_risk = "no"
    a.determination.outcome = "refuse_other"
    a.answers["overriding_risk"].pop("consequences")
    assert check(guidance, a) == []
    a.determination.overriding_risk = "yes"  # an overriding risk makes it an Art. 7(3) refusal
    assert "overriding_requires_refusal" in rules(blocking(check(guidance, a)))


def test_art6_insufficient_does_not_prohibit(guidance, make_assessment):
    a = make_assessment("authorise")
    a.article6.p1.answer = INSUFFICIENT
    assert "art6_prohibits" not in rules(check(guidance, a))


def test_overriding_risk_with_refusal_is_consistent(guidance, make_assessment):
    a = make_assessment("refuse")
    assert a.determination.overriding_risk == "yes"
    assert "overriding_requires_refusal" not in rules(check(guidance, a))
    a.determination.outcome = "authorise_with_conditions"
    assert "overriding_requires_refusal" in rules(check(guidance, a))


def test_refusal_on_article6_needs_no_overriding_risk(guidance, make_assessment):
    a = make_assessment("refuse", prohibited=True)
    a.determination.overriding_risk = "no"
    assert "refusal_without_ground" not in rules(check(guidance, a))


def test_overriding_without_serious_form_when_nothing_prevalent(guidance, make_assessment):
    a = make_assessment("refuse")
    for form in guidance.catalogues.gbv_forms:
        edit_row(a, "prevalence", "forms", form.id, prevalent="no")
    assert "overriding_without_serious_form" in rules(check(guidance, a))


def test_serious_row_for_a_form_no_longer_prevalent_does_not_count(guidance, make_assessment):
    a = make_assessment("refuse")
    for form_id in ("sexual_violence_security_forces", "intimate_partner_violence_femicide",
                    "attacks_on_women_hrds"):
        edit_row(a, "prevalence", "forms", form_id, prevalent="no")
    # seriousness still says "yes" for them, but they are not rows any more
    assert "overriding_without_serious_form" in rules(check(guidance, a))


def test_authorise_on_insufficient_overriding_finding(guidance, make_assessment):
    a = make_assessment("authorise")
    a.determination.overriding_risk = INSUFFICIENT
    found = [f for f in check(guidance, a) if f.rule == "authorise_on_insufficient_information"]
    assert len(found) == 1
    assert "authorise_without_finding" not in rules(check(guidance, a))


def test_insufficient_table_cell_counts_for_authorise(guidance, make_assessment):
    a = make_assessment("authorise")
    edit_row(a, "prevalence", "forms", "harmful_practices", prevalent=INSUFFICIENT)
    assert "authorise_on_insufficient_information" in rules(check(guidance, a))


def test_suspend_on_insufficient_information_is_fine(guidance, make_assessment):
    a = make_assessment("suspend")
    a.set_answer("prevention", "institutions", Answer(insufficient=True))
    assert check(guidance, a) == []


def test_gbv_ground_false_is_an_answer(guidance, make_assessment):
    a = make_assessment("authorise")
    assert a.determination.gbv_ground is False
    assert "gbv_ground_missing" not in rules(check(guidance, a))
    a.determination.outcome = None
    a.determination.gbv_ground = None
    assert "gbv_ground_missing" not in rules(check(guidance, a))  # nothing decided yet


def test_gbv_ground_without_finding_on_insufficient_finding(guidance, make_assessment):
    a = make_assessment("refuse")
    a.determination.overriding_risk = INSUFFICIENT
    assert "gbv_ground_without_finding" in rules(check(guidance, a))


def test_credible_without_verification_variants(guidance, make_assessment):
    # The help promises: "flags any measure judged credible whose verification column is empty or says none".
    for bad in (None, "", ["post-shipment visit"], "None", " none agreed. ", "N/A", "Aucune", "Ninguna", "无。"):
        a = make_assessment()
        edit_row(a, "mitigation", "measures", 0, verification=bad)
        found = [f for f in check(guidance, a) if f.rule == "credible_without_verification"]
        assert len(found) == 1 and "measure 1" in found[0].message, bad
    a = make_assessment()
    edit_row(a, "mitigation", "measures", 0, verification="", credible="no")
    assert "credible_without_verification" not in rules(check(guidance, a))
    for good in ("None of the units may refuse inspection: on-site visits at 6 and 18 months", "无人机巡查"):
        a = make_assessment()
        edit_row(a, "mitigation", "measures", 0, verification=good)
        assert "credible_without_verification" not in rules(check(guidance, a)), good


def test_end_user_risk_unmitigated_needs_a_credible_measure(guidance, make_assessment):
    a = make_assessment()
    for i in range(3):
        edit_row(a, "mitigation", "measures", i, credible="no")
    assert "end_user_risk_unmitigated" in rules(check(guidance, a))


def test_end_user_risk_is_about_serious_forms_only(guidance, make_assessment):
    a = make_assessment("authorise")
    edit_row(a, "prevalence", "forms", "trafficking_sexual_exploitation",
             perpetrators=["private_persons", "intended_end_user"])  # prevalent, but not serious
    assert "end_user_risk_unmitigated" not in rules(check(guidance, a))


def test_high_residual_risk_without_serious_form_is_not_flagged(guidance, make_assessment):
    a = make_assessment("authorise")
    _nothing_serious(a)
    a.set_answer("mitigation", "residual_risk", Answer(value="high", evidence=["S5"]))
    assert "authorise_with_high_residual_risk" not in rules(check(guidance, a))


def test_unknown_source_in_an_answer_and_in_a_measure(guidance, make_assessment):
    a = make_assessment()
    a.set_answer("prevention", "institutions", Answer(value="partial", evidence=["S3", "S404"]))
    edit_row(a, "mitigation", "measures", 2, evidence=["S5", "S0"])
    found = [f for f in check(guidance, a) if f.rule == "unknown_source"]
    assert [(f.screen_id, "S404" in f.message or "S0" in f.message) for f in found] == [
        ("prevention", True), ("mitigation", True)]
    assert all(f in blocking(check(guidance, a)) for f in found)


def test_finding_without_evidence_not_for_insufficient_or_text(guidance, make_assessment):
    a = make_assessment()
    a.set_answer("prevention", "legal_framework", Answer(insufficient=True))
    a.set_answer("overriding_risk", "pathway", Answer(value="Carried on duty at protests."))
    assert "finding_without_evidence" not in rules(check(guidance, a))


@pytest.mark.parametrize(("screen_id", "key"), [("prevalence", "sexual_violence_security_forces"),
                                                ("seriousness", "sexual_violence_security_forces"),
                                                ("mitigation", 1)])
def test_table_row_finding_without_evidence(guidance, make_assessment, screen_id, key):
    a = make_assessment()
    qid = "measures" if screen_id == "mitigation" else "forms"
    edit_row(a, screen_id, qid, key, evidence=[])
    assert "finding_without_evidence" in rules(check(guidance, a))


def _asking_evidence_everywhere(guidance):
    import dataclasses
    screens = tuple(s.model_copy(update={"questions": tuple(q.model_copy(update={"ask_evidence": True})
                                                            for q in s.questions)}) for s in guidance.screens)
    return dataclasses.replace(guidance, screens=screens)


def test_table_row_evidence_logic_when_asked(guidance, make_assessment):
    # The row branch of finding_without_evidence with ask_evidence on (the xfail above: the real files).
    g = _asking_evidence_everywhere(guidance)
    a = make_assessment()
    assert check(g, a) == []
    edit_row(a, "prevalence", "forms", "attacks_on_women_hrds", evidence=[])
    edit_row(a, "prevalence", "forms", "harmful_practices", evidence=[])  # "no" rows need no source
    edit_row(a, "mitigation", "measures", 2, evidence=[])
    found = [f for f in check(g, a) if f.rule == "finding_without_evidence"]
    assert [f.screen_id for f in found] == ["prevalence", "mitigation"]
    assert guidance.catalogues.gbv_forms[[x.id for x in guidance.catalogues.gbv_forms].index(
        "attacks_on_women_hrds")].label in found[0].message
    # evidence on the whole answer covers its rows
    old = a.answer("prevalence", "forms")
    a.set_answer("prevalence", "forms", Answer(value=old.value, evidence=["S4"]))
    assert [f.screen_id for f in check(g, a) if f.rule == "finding_without_evidence"] == ["mitigation"]


def test_evidence_age_boundaries(guidance, make_assessment):
    a = make_assessment("authorise")
    _source(a, "S6", info_date=day(a) - AGE_LIMIT)
    _source(a, "S5", info_date=day(a))
    assert check(guidance, a) == []  # exactly the limit, and today, are fine
    _source(a, "S6", info_date=None)
    assert check(guidance, a) == []


def test_check_measures_from_the_given_day(guidance, make_assessment):
    a = make_assessment("authorise")
    later = date(2032, 1, 1)
    found = rules(check(guidance, a, today=later))
    assert "review_date_past" in found
    assert found.count("evidence_out_of_date") == len(a.evidence)
    early = rules(check(guidance, a, today=date(2025, 1, 1)))
    assert "evidence_in_future" in early


def test_review_date_past_only_while_draft(guidance, make_assessment):
    a = make_assessment("authorise")
    a.determination.review_date = day(a) - timedelta(days=30)
    assert "review_date_past" in rules(check(guidance, a))
    a.status = "final"
    assert "review_date_past" not in rules(check(guidance, a))


def test_no_consultation_only_once_an_outcome_is_chosen(guidance, make_assessment):
    a = make_assessment("refuse")
    a.consultations = []
    a.determination.outcome = None
    a.determination.gbv_ground = None
    assert "no_consultation" not in rules(check(guidance, a))


def test_reassessment_triggers_not_needed_for_refusal_or_suspension(guidance, make_assessment):
    for outcome in ("refuse", "suspend"):
        a = make_assessment(outcome)
        a.determination.reassessment_triggers = ""
        assert "no_reassessment_triggers" not in rules(check(guidance, a))


def test_findings_come_in_screen_order(guidance, make_assessment):
    a = make_assessment()
    for case in FIRES.values():
        if case.outcome == "authorise_with_conditions" and not case.prohibited:
            case.change(a)
    found = check(guidance, a)
    assert len(set(rules(found))) >= 7
    order = [ORDER.index(f.screen_id) for f in found]
    assert order == sorted(order)


def test_blocking_keeps_only_errors(guidance, make_assessment):
    a = make_assessment("authorise")
    a.determination.overriding_risk = "yes"      # error
    a.consultations = []                         # warning
    found = check(guidance, a)
    assert {"overriding_requires_refusal", "no_consultation"} <= set(rules(found))
    assert rules(blocking(found)) == ["overriding_requires_refusal"]
    assert blocking([]) == []


def test_error_rules_are_exactly_these():
    errors = {r for r, c in FIRES.items() if c.severity == "error"}
    assert errors == {"no_outcome", "outcome_needs", "art6_prohibits", "art6_insufficient",
                      "art6_refusal_without_prohibition", "overriding_requires_refusal", "refusal_without_ground",
                      "unknown_source",
                      # outcomes decided item by item
                      "item_outcome_unknown_item", "item_outcomes_disagree_with_overall", "item_art6_prohibits",
                      "item_art6_refusal_without_prohibition", "item_overriding_requires_refusal",
                      "item_refusal_without_ground"}
    assert errors == {r.id for r in flow.RULES if r.severity == "error"}


@pytest.mark.parametrize("part", ["p1", "p2", "p3"])
def test_an_open_article6_check_blocks_authorisation_only(guidance, make_assessment, part):
    # Art. 6 is absolute: "insufficient information" on any part bars authorising, not suspending or refusing.
    for outcome in OUTCOMES:
        a = make_assessment(outcome)
        getattr(a.article6, part).answer = INSUFFICIENT
        blocked = "art6_insufficient" in rules(blocking(check(guidance, a)))
        assert blocked == (outcome in ("authorise", "authorise_with_conditions")), outcome


def test_a_refusal_under_article6_on_sexual_violence_is_consistent(guidance, make_assessment):
    # The Article 6 screen's own example: a refusal under Art. 6(3) grounded on sexual violence.
    a = make_assessment("refuse", prohibited=True)
    a.determination.gbv_ground = True
    a.determination.overriding_risk = None
    assert check(guidance, a) == []


def test_each_missing_requirement_is_its_own_blocking_finding(guidance, make_assessment):
    a = make_assessment("authorise_with_conditions")
    a.determination.reasons = ""
    a.determination.reassessment_triggers = ""
    found = [f for f in check(guidance, a) if f.rule == "outcome_needs"]
    assert [f.severity for f in found] == ["error", "error"]
    labels = guidance.screen("determination").fields
    assert [labels["reasons"].label in f.message for f in found] == [True, False]
    assert labels["reassessment_triggers"].label in found[1].message


# ---------------------------------------------------------------------------------------------------------
# Citations and outcome requirements


def test_cited_source_ids(make_assessment):
    a = make_assessment()
    cited = cited_source_ids(a)
    assert set(cited) == {"S1", "S2", "S3", "S4", "S5", "S6", "S7"}
    assert cited["S7"] == ["overriding_risk"]
    assert cited["S6"] == ["prevalence", "seriousness"]
    assert cited["S5"] == ["mitigation", "overriding_risk"]
    assert cited["S2"][0] == "prevalence"
    assert all(len(v) == len(set(v)) for v in cited.values())


def test_cited_source_ids_include_unknown_and_skip_uncited():
    a = Assessment(evidence=[Source(id="S1"), Source(id="S2")])
    a.set_answer("prevention", "institutions", Answer(value="partial", evidence=["S9", "S1"]))
    a.set_answer("prevalence", "forms", Answer(value=[{"row": "x", "evidence": ["S1"]},
                                                      {"row": "y", "evidence": "S2"}]))  # not a list: no cite
    assert cited_source_ids(a) == {"S9": ["prevention"], "S1": ["prevention", "prevalence"]}


# What each outcome needs, as an officer would state it: blanking a field opens an item exactly when the
# outcome needs it. (The page shows the same list beside the outcome: flow.outcome_requires.)
NEEDS = {
    "refuse": {"overriding_risk", "gbv_ground", "reasons"},
    "authorise": {"overriding_risk", "gbv_ground", "reasons", "reassessment_triggers"},
    "authorise_with_conditions": {"overriding_risk", "gbv_ground", "reasons", "conditions",
                                  "reassessment_triggers"},
    "suspend": {"overriding_risk", "gbv_ground", "reasons"},
}
BLANK = {"overriding_risk": None, "gbv_ground": None, "reasons": " ", "conditions": "", "reassessment_triggers": ""}


@pytest.mark.parametrize("outcome", OUTCOMES)
@pytest.mark.parametrize("name", sorted(BLANK))
def test_each_outcome_needs_exactly_its_fields(guidance, make_assessment, outcome, name):
    a = make_assessment(outcome)
    assert set(flow.outcome_requires(a)) == NEEDS[outcome]
    setattr(a.determination, name, BLANK[name])
    opened = {o.key for o in open_items(guidance, a, guidance.screen("determination")) if o.state == "unanswered"}
    assert opened == ({name} if name in NEEDS[outcome] else set())


def test_under_article6_no_overriding_risk_finding_is_needed(guidance, make_assessment):
    a = make_assessment("refuse", prohibited=True)
    assert "overriding_risk" not in flow.outcome_requires(a)
    a.determination.overriding_risk = None
    assert not open_items(guidance, a, guidance.screen("determination"))


def test_outcome_requirements_name_real_determination_fields(guidance):
    from wizard.model import OUTCOMES as MODEL_OUTCOMES
    from wizard.model import Determination
    assert set(OUTCOME_REQUIRES) == set(MODEL_OUTCOMES)
    for fields in OUTCOME_REQUIRES.values():
        assert set(fields) <= set(Determination.model_fields)
        for f in fields:
            assert f in guidance.screen("determination").fields


def test_rows_out_of_scope_are_kept_but_not_counted(guidance, make_assessment):
    """A seriousness row for a form no longer marked prevalent stays stored, but nothing counts it."""
    a = make_assessment()
    forms = a.answer("prevalence", "forms")
    prevalent = next(r["row"] for r in rows_of(forms) if r.get("prevalent") == "yes")
    rows = [dict(r) for r in rows_of(a.answer("seriousness", "forms"))]
    for r in rows:
        if r.get("row") == prevalent:
            r["evidence"] = ["S99"]  # a citation that would be flagged while the row is shown
    a.set_answer("seriousness", "forms", a.answer("seriousness", "forms").model_copy(update={"value": rows}))
    assert "unknown_source" in {f.rule for f in check(guidance, a)}
    assert "S99" in cited_source_ids(a, guidance)

    a.set_answer("prevalence", "forms", forms.model_copy(update={"value": [
        {**r, "prevalent": "no"} if r.get("row") == prevalent else r for r in rows_of(forms)]}))
    assert any(r.get("row") == prevalent for r in rows_of(a.answer("seriousness", "forms"))), "nothing is lost"
    assert "unknown_source" not in {f.rule for f in check(guidance, a)}
    assert "S99" not in cited_source_ids(a, guidance)


# ---------------------------------------------------------------------------------------------------------
# Open items name their row and column


def test_a_table_item_names_each_open_cell_by_row_and_column(guidance, make_assessment):
    a = make_assessment()
    edit_row(a, "prevalence", "forms", "forced_child_marriage", prevalent=INSUFFICIENT, arms_involved=None)
    [item] = open_items(guidance, a, guidance.screen("prevalence"))
    q = guidance.screen("prevalence").question("forms")
    col = {c.id: c.label for c in q.columns}
    form = next(f.label for f in guidance.catalogues.gbv_forms if f.id == "forced_child_marriage")
    assert (item.key, item.state) == ("forms", "unanswered")
    assert [(c.row, c.column, c.state) for c in item.each()] == [
        (form, col["prevalent"], "insufficient"), (form, col["arms_involved"], "unanswered")]
    assert (item.row, item.column) == (form, col["prevalent"])


def test_an_officer_table_names_its_rows_by_number(guidance, make_assessment):
    a = make_assessment()
    edit_row(a, "mitigation", "measures", 1, credible=None)
    [item] = open_items(guidance, a, guidance.screen("mitigation"))
    credible = next(c.label for c in guidance.screen("mitigation").question("measures").columns if c.id == "credible")
    assert [(c.row, c.column) for c in item.each()] == [(guidance.t("row_n", n=2), credible)]  # index 1: row 2


def test_a_question_or_field_is_its_own_single_cell(guidance):
    o = open_items(guidance, Assessment(), guidance.screen("prevention"))[0]
    assert o.each() == (o,) and (o.row, o.column) == (None, None)


def test_a_source_without_a_title_is_not_a_source(guidance, make_assessment):
    screen = guidance.screen("evidence")
    a = make_assessment()
    a.evidence.append(Source(id="S8"))
    [item] = open_items(guidance, a, screen)
    assert item.key == "sources"
    assert [(c.row, c.column) for c in item.each()] == [(guidance.t("source_row", id="S8"),
                                                          screen.field("title").label)]
    a.evidence = [Source(id="S1")]
    assert [o.key for o in open_items(guidance, a, screen)] == ["sources"], "one empty source does not count"


def test_an_item_without_description_or_category_is_named(guidance, make_assessment):
    screen = guidance.screen("case")
    a = make_assessment()
    a.case.items[1].category = None
    [item] = open_items(guidance, a, screen)
    assert [(c.row, c.column) for c in item.each()] == [(guidance.t("item_n", n=2),
                                                          screen.field("item_category").label)]
