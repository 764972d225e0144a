"""What the wizard asks of an assessment, in one place: the order of screens, what is still open on each,
what each outcome requires, and the consistency rules.

Each concern lives in its own module; this one gathers them so that the shell, the record and the command
line have one entry point:

- ``order``: positions and labels (both numberings: the wizard's place and the flowchart's step);
- ``tables``: rows of table answers, rows in scope, cited sources;
- ``completeness``: open items per screen and the requirements of each outcome;
- ``rules``: the registry of consistency rules and the runner (``check``, ``blocking``);
- ``contract``: the guidance ids all of these rely on, checked when the guidance loads.
"""

from __future__ import annotations

from wizard import contract
from wizard.completeness import (
    BEFORE_OUTCOME,
    OUTCOME_REQUIRES,
    Open,
    all_open_items,
    open_items,
    outcome_requires,
    question_state,
)
from wizard.order import Position, positions, screen_label, screen_label_for, step_positions
from wizard.rules import EVIDENCE_MAX_AGE_YEARS, RULES, RULES_BY_ID, Finding, Rule, blocking, check, rule_needs
from wizard.tables import cited_source_ids, form_label, row_for, rows_of, table_row_keys, visible_rows

__all__ = [
    "BEFORE_OUTCOME",
    "EVIDENCE_MAX_AGE_YEARS",
    "OUTCOME_REQUIRES",
    "RULES",
    "RULES_BY_ID",
    "Finding",
    "Open",
    "Position",
    "Rule",
    "all_open_items",
    "blocking",
    "check",
    "cited_source_ids",
    "contract_needs",
    "form_label",
    "open_items",
    "outcome_requires",
    "positions",
    "question_state",
    "row_for",
    "rows_of",
    "screen_label",
    "screen_label_for",
    "step_positions",
    "table_row_keys",
    "visible_rows",
]


def contract_needs() -> dict[contract.Ref, list[str]]:
    """Every guidance id the code relies on, with the rules and modules that need it."""
    needs = {ref: list(users) for ref, users in contract.MODULE_NEEDS.items()}
    for ref, users in rule_needs().items():
        needs.setdefault(ref, []).extend(users)
    return needs
