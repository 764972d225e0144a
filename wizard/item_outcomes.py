"""One outcome per item, or one for the whole licence: what the overall outcome is, and when it contradicts the
items' outcomes.

An officer may decide item by item (``Determination.item_outcomes``, each naming an item of ``case.items`` by
its index). Then:

- when every item has an outcome and they all agree, the overall outcome follows from them
  (``overall_from_items``); the officer may state it too, and it must be that outcome;
- when they differ (or some item is still undecided), the officer states the overall outcome
  (``Determination.outcome``), and it must be consistent with the items (``contradicts``):

  1. it is the outcome of at least one item (a refusal names a legal basis on which some item is refused);
  2. an overall authorisation ("authorise" or "authorise with conditions") needs every item authorised;
  3. a plain "authorise" needs no item authorised with conditions.

With no item outcomes (the default), the stated outcome is the outcome, as it always was. No I/O here.
"""

from __future__ import annotations

from wizard.model import AUTHORISATIONS, Assessment, ItemOutcome


def known(a: Assessment) -> list[ItemOutcome]:
    """The item outcomes that name an item of the case (an index past the last item names nothing)."""
    return [o for o in a.determination.item_outcomes if o.item < len(a.case.items)]


def unknown(a: Assessment) -> list[ItemOutcome]:
    """The item outcomes whose index names no item of the case."""
    return [o for o in a.determination.item_outcomes if o.item >= len(a.case.items)]


def by_item(a: Assessment) -> dict[int, ItemOutcome]:
    """Item index -> its outcome, for the items of the case that have one."""
    return {o.item: o for o in known(a)}


def decided_by_item(a: Assessment) -> bool:
    """Whether the officer decides item by item (any item outcome recorded)."""
    return bool(a.determination.item_outcomes)


def undecided(a: Assessment) -> list[int]:
    """Deciding item by item: the indexes of the case's items that have no outcome yet (else none)."""
    if not decided_by_item(a):
        return []
    have = by_item(a)
    return [i for i in range(len(a.case.items)) if i not in have]


def overall_from_items(a: Assessment) -> str | None:
    """The outcome every item of the case has, when each has one and they agree; else None."""
    have = by_item(a)
    if not a.case.items or len(have) < len(a.case.items):
        return None
    outcomes = {o.outcome for o in have.values()}
    return outcomes.pop() if len(outcomes) == 1 else None


def overall_outcome(a: Assessment) -> str | None:
    """The outcome of the whole licence: the one stated, else the one that follows from the items."""
    return a.determination.outcome or overall_from_items(a)


def contradicts(overall: str | None, item_outcomes: list[str]) -> bool:
    """Whether a stated overall outcome contradicts the items' outcomes (the three conditions above)."""
    if overall is None or not item_outcomes:
        return False
    if overall not in item_outcomes:
        return True
    if overall in AUTHORISATIONS and any(o not in AUTHORISATIONS for o in item_outcomes):
        return True
    return overall == "authorise" and "authorise_with_conditions" in item_outcomes


def disagrees_with_overall(a: Assessment) -> bool:
    """The stated overall outcome contradicts the outcomes of the case's items."""
    return contradicts(a.determination.outcome, [o.outcome for o in known(a)])
