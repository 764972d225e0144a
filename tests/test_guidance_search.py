"""Searching the guidance (wizard/guidance_search.py): every item has an address that leads back to it, and a
search folds case and accents, needs every word, and ranks headings above body text."""

from __future__ import annotations

import dataclasses

import pytest

from wizard import guidance_search
from wizard.guidance_schema import Guidance, Term
from wizard.guidance_search import canonical, fold, items, resolve, search, section_of

# The examples of addresses the guidance page and the comments rely on.
EXAMPLES = {
    "screen:mitigation.purpose": "purpose",
    "screen:mitigation.indicators.2": "indicator",
    "screen:mitigation.question:measures": "question",
    "screen:mitigation.question:measures.column:measure.option:post_shipment_verification": "option",
    "screen:mitigation.question:residual_risk.option:high": "option",
    "screen:article6.field:p3": "field",
    "glossary:gbv": "term",
    "form:intimate_partner_violence_femicide": "form",
    "advice:varied_sources": "advice",
    "reference:att": "reference",
    "meta:order_reason": "order_reason",
}


def addresses(hits) -> list[str]:
    return [h.item.address for h in hits]


def test_every_address_is_unique_and_resolves_back_to_its_text(guidance: Guidance):
    listed = items(guidance)
    assert len({i.address for i in listed}) == len(listed)
    for item in listed:
        found = resolve(guidance, item.address)
        assert found is not None and found.text == item.text and found.kind == item.kind, item.address
        assert section_of(item.address) == item.section
        assert item.text.strip() and item.label.strip()


def test_every_piece_of_guidance_text_is_an_item(guidance: Guidance):
    texts = {i.text for i in items(guidance)}
    joined = "\n".join(texts)
    for screen in guidance.screens:
        for piece in (screen.purpose, *screen.guiding_questions, *screen.indicators, *screen.information_sources,
                      *screen.examples, *(q.help for q in screen.questions), *(f.help for f in screen.fields.values())):
            assert piece in joined, piece[:60]
    for piece in (*(t.definition for t in guidance.glossary), *(f.description for f in guidance.catalogues.gbv_forms),
                  *(a.text for a in guidance.meta.cross_cutting), *(r.title for r in guidance.references)):
        assert piece in joined, piece[:60]


@pytest.mark.parametrize(("address", "kind"), EXAMPLES.items())
def test_example_addresses_resolve(guidance: Guidance, address: str, kind: str):
    item = resolve(guidance, address)
    assert item is not None and item.kind == kind and item.address == address


def test_indicators_are_numbered_from_one_in_file_order(guidance: Guidance):
    indicators = guidance.screen("mitigation").indicators
    assert resolve(guidance, "screen:mitigation.indicators.1").text == indicators[0]
    assert resolve(guidance, "screen:mitigation.indicators.2").text == indicators[1]
    assert resolve(guidance, f"screen:mitigation.indicators.{len(indicators) + 1}") is None


def test_a_column_option_may_be_named_without_its_column(guidance: Guidance):
    short = "screen:mitigation.question:measures.option:post_shipment_verification"
    full = "screen:mitigation.question:measures.column:measure.option:post_shipment_verification"
    assert canonical(guidance, short) == full
    assert resolve(guidance, short).address == full
    # "yes" is an option of two columns of the prevalence table: the short form would be ambiguous
    assert canonical(guidance, "screen:prevalence.question:forms.option:yes") is None


@pytest.mark.parametrize("address", ["", "screen:", "screen:nowhere.purpose", "glossary:no_such_term",
                                     "screen:mitigation.indicators.0", "screen:mitigation.question:measures.x",
                                     "nonsense", "reference:"])
def test_unknown_addresses_resolve_to_nothing(guidance: Guidance, address: str):
    assert resolve(guidance, address) is None


@pytest.mark.parametrize("query", ["overriding risk", "OVERRIDING RISK", "Overriding  Risk", "risk overriding"])
def test_a_glossary_term_comes_first_whatever_the_case(guidance: Guidance, query: str):
    hits = search(guidance, query)
    assert hits[0].item.address == "glossary:overriding_risk", addresses(hits)[:5]
    assert all(h.score <= hits[0].score for h in hits)


def test_headings_rank_above_body_text(guidance: Guidance):
    hits = search(guidance, "residual risk")
    ranks = {a: n for n, a in enumerate(addresses(hits))}
    body = [h for h in hits if h.item.kind in ("purpose", "indicator", "guiding_question", "example")]
    assert body, "the words occur in body text too"
    assert ranks["glossary:residual_risk"] < min(ranks[h.item.address] for h in body)


def test_an_indicator_is_found_by_its_words_in_any_case(guidance: Guidance):
    indicator = guidance.screen("mitigation").indicators[1]
    words = [w for w in indicator.split() if len(w) > 4][:4]
    for query in (" ".join(words), " ".join(words).upper()):
        hits = search(guidance, query)
        assert "screen:mitigation.indicators.2" in addresses(hits), query
    hit = next(h for h in search(guidance, words[0]) if h.item.address == "screen:mitigation.indicators.2")
    assert hit.item.kind == "indicator" and hit.item.section == "mitigation"
    assert "Mitigation" in hit.item.label and "2" in hit.item.label


def _with_term(guidance: Guidance, term: str, definition: str) -> Guidance:
    extra = Term(id="test_term", term=term, definition=definition)
    return dataclasses.replace(guidance, glossary=(*guidance.glossary, extra))


@pytest.mark.parametrize("query", ["préponderant", "PREPONDERANT", "Prépondérant", "preponderant risque"])
def test_accents_and_case_are_ignored(guidance: Guidance, query: str):
    g = _with_term(guidance, "Risque prépondérant", "The wording of the French text: « RISQUE PRÉPONDÉRANT ».")
    assert "glossary:test_term" in addresses(search(g, query))


def test_accented_text_in_the_real_guidance_is_found_unaccented(guidance: Guidance):
    accented = next(w for i in items(guidance) for w in i.text.split()
                    if w.isalpha() and fold(w) != w.lower() and len(w) > 4)
    assert fold(accented).isascii()
    assert search(guidance, fold(accented).upper()), accented


def test_every_word_must_match(guidance: Guidance):
    assert search(guidance, "overriding risk")
    assert search(guidance, "overriding xqzvy") == []
    assert search(guidance, "   ") == []
    for hit in search(guidance, "diversion women"):
        text = fold(hit.item.text)
        assert "diversion" in text and "women" in text


def test_the_snippet_shows_the_first_match_with_its_marks(guidance: Guidance):
    for hit in search(guidance, "femicide firearms")[:10]:
        assert hit.marks, hit.item.address
        assert "\n" not in hit.snippet and len(hit.snippet) <= guidance_search.SNIPPET_CHARS + 2
        for start, end in hit.marks:
            assert any(w in fold(hit.snippet[start:end]) for w in ("femicide", "firearms")), hit.snippet


def test_a_long_text_is_cut_around_its_match(guidance: Guidance):
    g = _with_term(guidance, "Long", "word " * 200 + "needle " + "word " * 200)
    hit = next(h for h in search(g, "needle") if h.item.address == "glossary:test_term")
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    (start, end), = hit.marks
    assert hit.snippet[start:end] == "needle"


def test_folding():
    assert fold("Prépondérant") == "preponderant"
    assert fold("STRASSE") == fold("Straße") == "strasse"
    assert fold("高于一切的风险") == "高于一切的风险"
    assert guidance_search.query_words('"Due"  DILIGENCE due') == ["due", "diligence"]
