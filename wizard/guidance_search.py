"""Every reviewable piece of the guidance with a stable address, and a search over them.

``items(guidance)`` lists each piece a reviewer may read, search or comment on, in the order the guidance page
shows them: per screen its title, legal basis, purpose, order note, each guiding question, indicator,
information source and worked example (numbered from 1, as the page shows them), each question with its
options, table columns and column options, and each field; then the glossary terms, the forms of GBV/VAWC,
the advice that applies on several screens, the references, and the order reason and disclaimer of meta.yaml.

Addresses (``GuidanceItem.address``) are the keys reviewers' comments are stored under:

=============================================================  ==============================================
``screen:mitigation.purpose``                                  also ``.title``, ``.legal_basis``, ``.order_note``
``screen:mitigation.indicators.2``                             also ``guiding_questions``, ``information_sources``,
                                                               ``examples`` (1-based, in file order)
``screen:mitigation.question:measures``                        the question's label and help
``screen:mitigation.question:residual_risk.option:low``        an option of a choice or multi question
``screen:mitigation.question:measures.column:measure``         a table column
``screen:mitigation.question:measures.column:measure.option:post_shipment_verification``
``screen:article6.field:p3``                                   a field's label and help
``glossary:gbv``, ``form:intimate_partner_violence_femicide``,  a term, a catalogue form, cross-cutting advice,
``advice:varied_sources``, ``reference:att``                   a reference
``meta:order_reason``, ``meta:disclaimer``
=============================================================  ==============================================

An option of a table column may also be named without its column
(``screen:mitigation.question:measures.option:post_shipment_verification``) where no other option of that
question has the same id; ``resolve`` accepts both and ``canonical`` gives the full address.

Ids are stable across rewording (they are the keys of saved answers); list positions are not, so a comment
also keeps the guidance version and the text it was made on.

``search(guidance, query)`` folds case and accents, needs every word of the query somewhere in an item (AND;
a word matches inside longer words), and ranks matches in a heading (a term, a question, a title) above
matches in body text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from wizard.guidance_schema import Column, Guidance, Question, Screen
from wizard.order import screen_label

LIST_SECTIONS = ("guiding_questions", "indicators", "information_sources", "examples")
"""The numbered lists of a screen, in the order the page shows them; each name is also its UI heading key."""

GLOSSARY, FORMS, ADVICE, REFERENCES, META = "glossary", "forms", "advice", "references", "meta"
"""Sections of the guidance page that are not screens."""

SNIPPET_CHARS = 160
MAX_QUERY_WORDS = 12


@dataclass(frozen=True)
class GuidanceItem:
    address: str
    kind: str
    """screen_title, legal_basis, purpose, order_note, guiding_question, indicator, information_source, example,
    question, option, column, field, term, form, advice, reference, order_reason or disclaimer."""
    section: str
    """Where the guidance page shows it: a screen id, or glossary, forms, advice, references, meta."""
    label: str
    """Where it is, for a reader: e.g. "4 of 5 · flowchart step 5 · Mitigation › Indicators to look for 2"."""
    title: str
    """Its heading (a term, a question, a title), searched with more weight; empty for body text."""
    text: str
    """Everything a reviewer reads of it, heading included."""


@dataclass(frozen=True)
class Hit:
    item: GuidanceItem
    score: int
    snippet: str
    """Up to about ``SNIPPET_CHARS`` characters of the item's text around the first match, on one line."""
    marks: tuple[tuple[int, int], ...]
    """Where the query's words are in ``snippet``: (start, end) pairs, in order, not overlapping."""


# --- the items ---------------------------------------------------------------------------------------------

def _join(*parts: str) -> str:
    return "\n\n".join(p for p in parts if p)


def _short(text: str, limit: int = 60) -> str:
    """A heading cut for a location label (the whole text stays in ``text``)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


_LISTED: dict[int, tuple[Guidance, tuple[GuidanceItem, ...]]] = {}
_LISTED_MAX = 8


def items(guidance: Guidance) -> list[GuidanceItem]:
    """Every reviewable piece of ``guidance``, in the order the guidance page shows them.

    Listed once per loaded guidance (the app keeps one object per language and asks for the list on every
    run, from the page, the panel and the exports); kept by identity, since a copy may differ in content.
    """
    entry = _LISTED.get(id(guidance))
    if entry is None or entry[0] is not guidance:
        if len(_LISTED) >= _LISTED_MAX:
            _LISTED.clear()
        entry = _LISTED[id(guidance)] = (guidance, tuple(_items(guidance)))
    return list(entry[1])


def _items(g: Guidance) -> Iterator[GuidanceItem]:
    for screen in g.screens:
        yield from screen_items(g, screen)
    glossary = g.t("glossary")
    for term in g.glossary:
        yield GuidanceItem(f"glossary:{term.id}", "term", GLOSSARY, f"{glossary} › {term.term}", term.term,
                           _join(term.term, term.definition))
    forms = g.t("guidance_forms")
    for form in g.catalogues.gbv_forms:
        yield GuidanceItem(f"form:{form.id}", "form", FORMS, f"{forms} › {form.label}", form.label,
                           _join(form.label, form.description))
    advice = g.t("guidance_advice")
    for a in g.meta.cross_cutting:
        yield GuidanceItem(f"advice:{a.id}", "advice", ADVICE, f"{advice} › {a.title}", a.title,
                           _join(a.title, a.text))
    references = g.t("guidance_references")
    for r in g.references:
        yield GuidanceItem(f"reference:{r.id}", "reference", REFERENCES, f"{references} › {_short(r.title)}", r.title,
                           _join(r.title, reference_citation(r), r.locator, r.note))
    about = g.t("guidance_about")
    yield GuidanceItem("meta:order_reason", "order_reason", META, f"{about} › {g.t('order_heading')}",
                       g.t("order_heading"), g.meta.order_reason)
    yield GuidanceItem("meta:disclaimer", "disclaimer", META, f"{about} › {g.t('guidance_disclaimer')}", "",
                       g.meta.disclaimer)


def reference_citation(reference) -> str:
    """Author and year of a work, e.g. "Control Arms, 2018"."""
    return ", ".join(p for p in (reference.author, str(reference.year or "")) if p)


def screen_items(g: Guidance, screen: Screen) -> Iterator[GuidanceItem]:
    """The items of one screen, in the order the guidance page shows them."""
    where = screen_label(g, screen)
    base = f"screen:{screen.id}"

    def item(suffix: str, kind: str, label: str, title: str, text: str) -> GuidanceItem:
        return GuidanceItem(f"{base}.{suffix}", kind, screen.id, f"{where} › {label}", title, text)

    yield item("title", "screen_title", g.t("guidance_screen_title"), screen.title,
               _join(screen.title, screen.short_title if screen.short_title != screen.title else ""))
    if screen.legal_basis:
        yield item("legal_basis", "legal_basis", g.t("guidance_legal_basis"), "", screen.legal_basis)
    yield item("purpose", "purpose", g.t("purpose"), "", screen.purpose)
    if screen.order_note:
        yield item("order_note", "order_note", g.t("order_heading"), "", screen.order_note)
    for section in LIST_SECTIONS:
        heading = g.t(section)
        for n, text in enumerate(getattr(screen, section), start=1):
            yield item(f"{section}.{n}", section.removesuffix("s"), f"{heading} {n}", "", text)
    for q in screen.questions:
        yield from _question_items(g, screen, q, where)
    field_word = g.t("guidance_field")
    for name, f in screen.fields.items():
        yield item(f"field:{name}", "field", f"{field_word}: {_short(f.label)}", f.label, _join(f.label, f.help))


def _question_items(g: Guidance, screen: Screen, q: Question, where: str) -> Iterator[GuidanceItem]:
    address = f"screen:{screen.id}.question:{q.id}"
    label = f"{where} › {g.t('guidance_question')}: {_short(q.label)}"
    yield GuidanceItem(address, "question", screen.id, label, q.label, _join(q.label, q.help))
    yield from _option_items(g, screen, q, address, label)
    for c in q.columns:
        yield from _column_items(g, screen, c, address, label)


def _column_items(g: Guidance, screen: Screen, c: Column, question_address: str,
                  question_label: str) -> Iterator[GuidanceItem]:
    address = f"{question_address}.column:{c.id}"
    label = f"{question_label} › {g.t('guidance_column')}: {_short(c.label)}"
    yield GuidanceItem(address, "column", screen.id, label, c.label, _join(c.label, c.help))
    yield from _option_items(g, screen, c, address, label)


def _option_items(g: Guidance, screen: Screen, owner: Question | Column, address: str,
                  label: str) -> Iterator[GuidanceItem]:
    """The options of a question or a column, each addressed and labelled below its owner."""
    option_word = g.t("guidance_option")
    for o in owner.options:
        yield GuidanceItem(f"{address}.option:{o.id}", "option", screen.id,
                           f"{label} › {option_word}: {_short(o.label)}", o.label, _join(o.label, o.help))


def index(guidance: Guidance) -> dict[str, GuidanceItem]:
    """Every item by its (canonical) address."""
    return {i.address: i for i in items(guidance)}


_SHORT_OPTION = re.compile(r"^(screen:[a-z0-9_]+\.question:[a-z0-9_]+)\.option:([a-z0-9_]+)$")


def canonical(guidance: Guidance, address: str, _index: dict[str, GuidanceItem] | None = None) -> str | None:
    """The full address of ``address`` (a column option may be named without its column), or None."""
    known = _index if _index is not None else index(guidance)
    if address in known:
        return address
    m = _SHORT_OPTION.match(address)
    if m is None:
        return None
    prefix, option = m.group(1) + ".column:", f".option:{m.group(2)}"
    found = [a for a in known if a.startswith(prefix) and a.endswith(option) and a.count(".option:") == 1
             and "." not in a[len(prefix):-len(option)]]
    return found[0] if len(found) == 1 else None


def resolve(guidance: Guidance, address: str) -> GuidanceItem | None:
    """The item at ``address`` in ``guidance``, or None when the guidance has no such item (any longer)."""
    known = index(guidance)
    full = canonical(guidance, address, known)
    return known[full] if full else None


def section_of(address: str) -> str | None:
    """The guidance page section that shows ``address``, read from the address alone (None if malformed)."""
    kind, _, rest = address.partition(":")
    if kind == "screen":
        return rest.split(".", 1)[0] or None
    return {"glossary": GLOSSARY, "form": FORMS, "advice": ADVICE, "reference": REFERENCES,
            "meta": META}.get(kind) if rest else None


# --- folding ------------------------------------------------------------------------------------------------

def fold(text: str) -> str:
    """Lower case without accents: "Prépondérant" → "preponderant", "Straße" → "strasse"."""
    return _fold_with_map(text)[0]


def _fold_with_map(text: str) -> tuple[str, list[int]]:
    """The folded text, and for each of its characters the index of the character of ``text`` it came from."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        for part in unicodedata.normalize("NFKD", ch):
            if unicodedata.combining(part):
                continue
            folded = part.casefold()
            out.append(folded)
            where.extend([i] * len(folded))
    return "".join(out), where


def query_words(query: str) -> list[str]:
    """The folded words of a query; each must occur in an item for it to match."""
    words: list[str] = []
    for w in fold(query).split():
        w = w.strip("\"'“”‘’«»")
        if w and w not in words:
            words.append(w)
    return words[:MAX_QUERY_WORDS]


# --- searching ----------------------------------------------------------------------------------------------

TITLE_WEIGHT = 10
PHRASE_IN_TITLE = 20
PHRASE_IN_TEXT = 5
WHOLE_TITLE = 30
KIND_BONUS = {"term": 4, "screen_title": 3, "question": 2, "advice": 2, "form": 2, "reference": 1}


def search(guidance: Guidance, query: str, *, among: list[GuidanceItem] | None = None) -> list[Hit]:
    """The items that contain every word of ``query`` (folded), best first; [] for an empty query.

    ``among`` searches a list already made by ``items(guidance)`` (the page keeps one per guidance version).
    """
    words = query_words(query)
    if not words:
        return []
    phrase = " ".join(words)
    hits: list[tuple[int, int, Hit]] = []
    for position, item in enumerate(among if among is not None else items(guidance)):
        text, where = _fold_with_map(item.text)
        if not all(w in text for w in words):
            continue
        title = fold(item.title)
        score = sum(TITLE_WEIGHT if w in title else 1 for w in words)
        score += min(sum(text.count(w) for w in words), 5)
        if len(words) > 1:
            score += PHRASE_IN_TITLE if phrase in title else PHRASE_IN_TEXT if phrase in " ".join(text.split()) else 0
        if title and " ".join(title.split()) == phrase:
            score += WHOLE_TITLE
        score += KIND_BONUS.get(item.kind, 0)
        snippet, marks = _snippet(item.text, text, where, words)
        hits.append((-score, position, Hit(item, score, snippet, marks)))
    hits.sort(key=lambda h: (h[0], h[1]))
    return [h[2] for h in hits]


def _spans(folded: str, where: list[int], words: list[str]) -> list[tuple[int, int]]:
    """Every occurrence of the words, as (start, end) in the original text, merged where they overlap."""
    spans: list[tuple[int, int]] = []
    for w in words:
        start = folded.find(w)
        while start != -1:
            end = start + len(w)
            spans.append((where[start], where[end - 1] + 1))
            start = folded.find(w, end)
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def _snippet(original: str, folded: str, where: list[int], words: list[str]) -> tuple[str, tuple]:
    spans = _spans(folded, where, words)
    first = spans[0][0] if spans else 0
    start = max(0, first - SNIPPET_CHARS // 3)
    if start:
        space = original.rfind(" ", 0, start)  # begin at a word
        start = space + 1 if space != -1 and start - space < 20 else start
    end = min(len(original), start + SNIPPET_CHARS)
    if end < len(original):
        space = original.rfind(" ", start, end)
        end = space if space > first else end
    prefix, suffix = ("…" if start else ""), ("…" if end < len(original) else "")
    # One line: every run of white space (YAML folds leave newlines) becomes one space, keeping the marks.
    out: list[str] = [prefix]
    pos_map: dict[int, int] = {}
    length = len(prefix)
    previous_space = False
    for i in range(start, end):
        ch = original[i]
        if ch.isspace():
            if previous_space:
                pos_map[i] = length
                continue
            ch, previous_space = " ", True
        else:
            previous_space = False
        pos_map[i] = length
        out.append(ch)
        length += 1
    pos_map[end] = length
    marks = tuple((pos_map[s], pos_map[min(e, end)]) for s, e in spans if start <= s and s < end)
    return "".join(out) + suffix, marks
