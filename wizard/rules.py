"""The consistency rules an experienced reviewer applies, each declared once, and the runner that applies them.

A rule is data: its id, its severity ("error" blocks finalising, "warning" explains), the screen it sends the
officer to, the guidance ids it reads (checked against the guidance by ``contract``), and the key of its
explanation in ``ui.yaml`` (``rule_<id>``). Its ``find`` yields one ``Hit`` per finding. The officer decides;
the rules only explain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any, Literal

from wizard import contract as c
from wizard import item_outcomes as io
from wizard.completeness import ITEM_OUTCOMES_LABEL, all_open_items, outcome_requires
from wizard.guidance_schema import Guidance
from wizard.model import AUTHORISATIONS, INSUFFICIENT, REFUSALS, Assessment, Row
from wizard.order import screen_label_for
from wizard.tables import answer_citations, form_label, row_for, rows_of, table_row_keys, visible_rows

EVIDENCE_MAX_AGE_YEARS = 5
"""Evidence older than this, counted back from the assessment date, is flagged as possibly out of date."""

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    rule: str
    screen_id: str
    message: str
    severity: Severity = "warning"


@dataclass(frozen=True)
class Hit:
    """One finding of a rule: the values its explanation needs, and its screen when the rule names none."""

    params: dict[str, Any] = field(default_factory=dict)
    screen_id: str | None = None


@dataclass
class Facts:
    """What the rules read, worked out once per check."""

    g: Guidance
    a: Assessment
    today: date

    @property
    def outcome(self) -> str | None:
        """The licence's outcome: the one stated, else the one every item shares (``item_outcomes``)."""
        return io.overall_outcome(self.a)

    def item_name(self, index: int) -> str:
        """How an item is named in messages: its number and description, as the case screen lists it."""
        items = self.a.case.items
        description = items[index].description.strip() if index < len(items) else ""
        return self.g.t("item_named", n=index + 1, description=description or "—")

    def outcome_label(self, outcome: str) -> str:
        return self.g.catalogues.outcomes.get(outcome, outcome)

    @property
    def authorises(self) -> bool:
        return self.outcome in AUTHORISATIONS

    @property
    def refuses(self) -> bool:
        return self.outcome in REFUSALS

    @cached_property
    def serious(self) -> list[str]:
        """The forms marked serious on step 2, among the rows in scope."""
        try:
            q = self.g.screen(c.SERIOUSNESS_FORMS.screen_id).question(c.SERIOUSNESS_FORMS.id)
        except KeyError:
            return []
        ans = self.a.answer(c.SERIOUSNESS_FORMS.screen_id, c.SERIOUSNESS_FORMS.id)
        return [k for k in table_row_keys(self.g, self.a, q) or []
                if row_for(ans, k).get(c.SERIOUS.id) == c.SERIOUS_YES.id]

    @cached_property
    def measures(self) -> list[Row]:
        return rows_of(self.a.answer(c.MEASURES.screen_id, c.MEASURES.id))

    def credible(self, m: Row) -> bool:
        return m.get(c.CREDIBLE.id) == c.CREDIBLE_YES.id


Find = Callable[[Facts], Iterator[Hit]]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    screen: c.ScreenRef | None  # None: each hit names the screen where the problem is
    reads: tuple[c.Ref, ...]
    find: Find

    @property
    def message_key(self) -> str:
        return f"rule_{self.id}"


def _when(condition: Callable[[Facts], bool]) -> Find:
    def find(f: Facts) -> Iterator[Hit]:
        if condition(f):
            yield Hit()
    return find


# --- the rules' logic, where it is more than one condition ---------------------------------------------------


def _authorise_on_insufficient(f: Facts) -> Iterator[Hit]:
    if not f.authorises:
        return
    insufficient = [o for o in all_open_items(f.g, f.a) if o.state == "insufficient"]
    if insufficient or f.a.determination.overriding_risk == INSUFFICIENT:
        labels = (f.g.t("list_separator").join(o.label for o in insufficient[:5])
                  or screen_label_for(f.g, c.OVERRIDING_RISK.id))
        yield Hit({"items": labels})


# What officers write in a verification cell when there is none, in the guidance's four languages: the
# mitigation screen's help promises to flag a credible measure whose verification "is empty or says none".
NO_VERIFICATION = frozenset({
    "none", "none agreed", "no", "nil", "n/a", "na", "not agreed", "-", "—", "–",
    "aucune", "aucun", "néant", "non", "aucune vérification", "aucune convenue",
    "ninguna", "ninguno", "no acordada", "sin verificación",
    "无", "没有", "暂无", "未商定", "无核查",
})


def says_none(text: object) -> bool:
    """An empty cell, or one that only says there is nothing (case, spaces and end punctuation aside); a value
    that is not text (a damaged import) verifies nothing either."""
    if not isinstance(text, str):
        return True
    said = " ".join(text.casefold().split()).strip(" .。!！;；")
    return said == "" or said in NO_VERIFICATION


def _credible_without_verification(f: Facts) -> Iterator[Hit]:
    for n, m in enumerate(f.measures, start=1):
        if f.credible(m) and says_none(m.get(c.VERIFICATION.id)):
            yield Hit({"n": n})


def _end_user_risk_unmitigated(f: Facts) -> Iterator[Hit]:
    if f.refuses:
        return  # moot once the export is refused
    prevalence = f.a.answer(c.PREVALENCE_FORMS.screen_id, c.PREVALENCE_FORMS.id)
    addressed = {form for m in f.measures if f.credible(m)
                 for form in (m.get(c.RISKS_ADDRESSED.id) or []) if isinstance(form, str)}
    for form in f.serious:
        perpetrators = row_for(prevalence, form).get(c.PERPETRATORS.id) or []
        if c.INTENDED_END_USER.id in perpetrators and form not in addressed:
            yield Hit({"form": form_label(f.g, form)})


def _authorise_with_high_residual_risk(f: Facts) -> bool:
    residual = f.a.answer(c.RESIDUAL_RISK.screen_id, c.RESIDUAL_RISK.id).value
    return f.authorises and bool(f.serious) and residual == c.RESIDUAL_HIGH.id


def _unknown_source(f: Facts) -> Iterator[Hit]:
    known = set(f.a.source_ids())
    for screen_id, where, ids in answer_citations(f.a, f.g):
        for sid in ids:
            if sid not in known:
                yield Hit({"source": sid, "where": where}, screen_id)


def _first_choice_label(q: Any, row: Row) -> str:
    """How an officer-added row is named in messages: the label of its first choice (e.g. the measure)."""
    col = next((col for col in q.columns if col.type == "choice"), None)
    value = row.get(col.id) if col else None
    if not col or not isinstance(value, str):
        return "?"
    return next((o.label for o in col.options if o.id == value), value)


def _finding_without_evidence(f: Facts) -> Iterator[Hit]:
    for screen in f.g.screens:
        if screen.kind != "step":
            continue
        for q in screen.questions:
            ans = f.a.answer(screen.id, q.id)
            if ans.is_empty or ans.insufficient:
                continue
            if q.type == "table":
                has_evidence_col = any(col.type == "evidence" for col in q.columns)
                for row in visible_rows(f.g, f.a, screen.id, q.id):
                    judged = [row.get(col.id) for col in q.columns if col.type == "choice"]
                    if has_evidence_col and "yes" in judged and not row.get("evidence") and not ans.evidence:
                        name = form_label(f.g, row["row"]) if row.get("row") else _first_choice_label(q, row)
                        yield Hit({"question": f.g.t("label_value", label=q.label, value=name)}, screen.id)
            elif q.type in ("choice", "multi") and q.ask_evidence and not ans.evidence:
                yield Hit({"question": q.label}, screen.id)


def _evidence_out_of_date(f: Facts) -> Iterator[Hit]:
    for s in f.a.evidence:
        if s.info_date and (f.today - s.info_date).days > EVIDENCE_MAX_AGE_YEARS * 365:
            yield Hit({"source": s.id, "years": EVIDENCE_MAX_AGE_YEARS})


def _evidence_in_future(f: Facts) -> Iterator[Hit]:
    for s in f.a.evidence:
        if s.info_date and s.info_date > f.today:
            yield Hit({"source": s.id})


def _outcome_needs(f: Facts) -> Iterator[Hit]:
    if f.outcome is None:
        return
    screen = f.g.screen(c.DETERMINATION.id)
    outcome = f.g.catalogues.outcomes.get(f.outcome, f.outcome)
    for name in outcome_requires(f.a):
        value = getattr(f.a.determination, name)
        if value is None or (isinstance(value, str) and not value.strip()):
            yield Hit({"outcome": outcome, "field": screen.field(name).label})
    for i in io.undecided(f.a):  # deciding item by item, every item needs its own outcome
        yield Hit({"outcome": outcome, "field": f.g.t("label_value", label=f.g.t(ITEM_OUTCOMES_LABEL),
                                                                      value=f.item_name(i))})


# --- outcomes decided item by item (wizard/item_outcomes.py) -------------------------------------------------


def _item_outcome_unknown_item(f: Facts) -> Iterator[Hit]:
    for o in io.unknown(f.a):
        yield Hit({"n": o.item + 1, "count": len(f.a.case.items)})


def _item_outcomes_disagree_with_overall(f: Facts) -> Iterator[Hit]:
    if io.disagrees_with_overall(f.a):
        items = f.g.t("list_separator").join(
            f.g.t("label_value", label=f.item_name(o.item), value=f.outcome_label(o.outcome)) for o in io.known(f.a))
        yield Hit({"overall": f.outcome_label(f.a.determination.outcome or ""), "items": items})


def _items_where(condition: Callable[[Facts, str], bool]) -> Find:
    """One hit per item of the case whose outcome meets ``condition``, naming the item and its outcome."""
    def find(f: Facts) -> Iterator[Hit]:
        for o in io.known(f.a):
            if condition(f, o.outcome):
                yield Hit({"item": f.item_name(o.item), "outcome": f.outcome_label(o.outcome)})
    return find


def _d(f: Facts) -> Any:
    return f.a.determination


# --- the registry --------------------------------------------------------------------------------------------

RULES: tuple[Rule, ...] = (
    # Nothing is finalised without an outcome and what that outcome requires (completeness.OUTCOME_REQUIRES).
    Rule("no_outcome", "error", c.DETERMINATION, (c.DETERMINATION_FIELDS["outcome"],),
         _when(lambda f: f.outcome is None)),
    Rule("outcome_needs", "error", c.DETERMINATION, tuple(c.DETERMINATION_FIELDS.values()), _outcome_needs),
    # Art. 6: any "yes" prohibits the transfer outright; the Art. 7 path does not apply, and the refusal says so.
    Rule("art6_prohibits", "error", c.DETERMINATION, (c.ARTICLE6,),
         _when(lambda f: f.a.article6.prohibited and f.outcome not in (None, "refuse_art6"))),
    Rule("art6_refusal_without_prohibition", "error", c.DETERMINATION, (c.ARTICLE6,),
         _when(lambda f: f.outcome == "refuse_art6" and not f.a.article6.prohibited)),
    # Art. 6 is absolute: a check left open ("insufficient information") bars authorisation until it is done.
    Rule("art6_insufficient", "error", c.DETERMINATION, (c.ARTICLE6,),
         _when(lambda f: f.authorises and any(p.answer == INSUFFICIENT for p in f.a.article6.parts().values()))),
    # Art. 7(3): an overriding risk means the export shall not be authorised, and the refusal rests on 7(3)
    # (unless Article 6 already prohibits the transfer).
    Rule("overriding_requires_refusal", "error", c.DETERMINATION, (c.OVERRIDING_RISK,),
         _when(lambda f: _d(f).overriding_risk == "yes" and f.outcome not in (None, "refuse")
               and not (f.outcome == "refuse_art6" and f.a.article6.prohibited))),
    # A refusal under Art. 7(3) rests on an overriding-risk finding; without one it rests on another ground.
    Rule("refusal_without_ground", "error", c.DETERMINATION, (c.OVERRIDING_RISK,),
         _when(lambda f: f.outcome == "refuse" and _d(f).overriding_risk in ("no", INSUFFICIENT))),
    # Deciding item by item: every index names an item; the overall outcome agrees with the items'
    # (item_outcomes.contradicts); and the Art. 6 and Art. 7(3) rules above hold for each item as well.
    Rule("item_outcome_unknown_item", "error", c.DETERMINATION, (c.CASE_FIELDS[-1],), _item_outcome_unknown_item),
    Rule("item_outcomes_disagree_with_overall", "error", c.DETERMINATION, (c.DETERMINATION_FIELDS["outcome"],),
         _item_outcomes_disagree_with_overall),
    Rule("item_art6_prohibits", "error", c.DETERMINATION, (c.ARTICLE6,),
         _items_where(lambda f, outcome: f.a.article6.prohibited and outcome != "refuse_art6")),
    Rule("item_art6_refusal_without_prohibition", "error", c.DETERMINATION, (c.ARTICLE6,),
         _items_where(lambda f, outcome: outcome == "refuse_art6" and not f.a.article6.prohibited)),
    Rule("item_overriding_requires_refusal", "error", c.DETERMINATION, (c.OVERRIDING_RISK,),
         _items_where(lambda f, outcome: _d(f).overriding_risk == "yes" and outcome in AUTHORISATIONS)),
    Rule("item_refusal_without_ground", "error", c.DETERMINATION, (c.OVERRIDING_RISK,),
         _items_where(lambda f, outcome: outcome == "refuse" and _d(f).overriding_risk in ("no", INSUFFICIENT))),
    Rule("overriding_without_serious_form", "warning", c.OVERRIDING_RISK, (c.SERIOUSNESS_FORMS, c.SERIOUS_YES),
         _when(lambda f: _d(f).overriding_risk == "yes" and not f.serious)),
    Rule("authorise_on_insufficient_information", "warning", c.DETERMINATION, (c.OVERRIDING_RISK,),
         _authorise_on_insufficient),
    Rule("suspend_without_gap", "warning", c.EVIDENCE, (),
         _when(lambda f: f.outcome == "suspend" and not f.a.gaps)),
    # A refusal on GBV/VAWC grounds rests on an Art. 6 prohibition or an overriding risk.
    Rule("gbv_ground_without_finding", "warning", c.DETERMINATION, (),
         _when(lambda f: f.outcome in ("refuse", "refuse_art6") and _d(f).gbv_ground is True
               and _d(f).overriding_risk != "yes" and not f.a.article6.prohibited)),
    Rule("overriding_without_consequence", "warning", c.OVERRIDING_RISK, (c.CONSEQUENCES,),
         _when(lambda f: _d(f).overriding_risk == "yes" and not f.a.article6.prohibited
               and f.a.answer(c.CONSEQUENCES.screen_id, c.CONSEQUENCES.id).is_empty)),
    # Mitigation: credible measures need a means of verification and a named risk.
    Rule("credible_without_verification", "warning", c.MITIGATION, (c.MEASURES, c.CREDIBLE_YES, c.VERIFICATION),
         _credible_without_verification),
    # The intended end user commits a serious form that no credible measure addresses.
    Rule("end_user_risk_unmitigated", "warning", c.MITIGATION,
         (c.SERIOUS_YES, c.INTENDED_END_USER, c.MEASURES, c.CREDIBLE_YES, c.RISKS_ADDRESSED),
         _end_user_risk_unmitigated),
    Rule("authorise_with_high_residual_risk", "warning", c.DETERMINATION, (c.SERIOUS_YES, c.RESIDUAL_HIGH),
         _when(_authorise_with_high_residual_risk)),
    # Evidence: findings should rest on sources; citations must resolve; sources should be recent.
    Rule("unknown_source", "error", None, (), _unknown_source),
    Rule("finding_without_evidence", "warning", None, (), _finding_without_evidence),
    Rule("evidence_out_of_date", "warning", c.EVIDENCE, (), _evidence_out_of_date),
    Rule("evidence_in_future", "warning", c.EVIDENCE, (), _evidence_in_future),
    Rule("no_consultation", "warning", c.EVIDENCE, (),
         _when(lambda f: not f.a.consultations and f.outcome is not None)),
    Rule("review_date_past", "warning", c.DETERMINATION, (),
         _when(lambda f: bool(_d(f).review_date) and _d(f).review_date <= f.today and f.a.status == "draft")),
)

RULES_BY_ID: dict[str, Rule] = {r.id: r for r in RULES}


def rule_needs() -> dict[c.Ref, list[str]]:
    """The guidance ids the rules rely on, each with the rules that need it (for ``contract.check``)."""
    needs: dict[c.Ref, list[str]] = {}
    for rule in RULES:
        refs = (*rule.reads, c.UiRef(rule.message_key), *([rule.screen] if rule.screen else []))
        for ref in refs:
            needs.setdefault(ref, []).append(f"rule {rule.id}")
    return needs


def check(guidance: Guidance, a: Assessment, today: date | None = None) -> list[Finding]:
    """Every consistency finding, in screen order (and registry order within a screen)."""
    facts = Facts(guidance, a, today or a.updated_at.date())
    out: list[Finding] = []
    for rule in RULES:
        for hit in rule.find(facts):
            screen_id = hit.screen_id or (rule.screen.id if rule.screen else "")
            message = guidance.t(rule.message_key, **hit.params)
            out.append(Finding(rule.id, screen_id, message, rule.severity))
    order = {s.id: i for i, s in enumerate(guidance.screens)}
    return sorted(out, key=lambda f: order.get(f.screen_id, len(order)))


def blocking(findings: list[Finding]) -> list[Finding]:
    """Findings that stop an assessment being finalised."""
    return [f for f in findings if f.severity == "error"]
