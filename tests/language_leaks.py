"""Find English on a page that should be wholly in another language (issue 11).

``shown_texts`` gathers every string an AppTest page shows: Markdown, captions, alerts, titles, and each widget's
label, help, placeholder and options, in the main area and the sidebar. ``english_leaks`` then names the strings
that carry English interface or guidance text: any phrase of three words or more from the English catalogues
that the target language's catalogues do not also use (titles of works, proper names and acronyms are kept as
published in every language), and any run of English function words that no catalogue explains, which is what
a literal left in Python would show. The officer's own text is taken out first: it stays as typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any

import yaml
from streamlit.testing.v1 import AppTest

from wizard.guidance import GUIDANCE_ROOT

_ATTRS = ("label", "help", "placeholder")
_PLACEHOLDER = re.compile(r"\{\w+\}")
# Words that carry English sentences and appear in no French, Spanish or Chinese one.
_FUNCTION_WORDS = re.compile(r"\b(the|and|of|with|this|which|is|are|has|have|not|from|for|your|will|been|was|"
                             r"there|their|what|when|must|should|can)\b", re.I)


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for v in node.values():
            yield from _strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from _strings(v)
    elif isinstance(node, str):
        yield node


@cache
def catalogue_text(lang: str) -> tuple[str, ...]:
    """Every string of a language's guidance folder (screens, glossary, catalogues, references, ui)."""
    return tuple(s for path in sorted((GUIDANCE_ROOT / lang).rglob("*.yaml"))
                 for s in _strings(yaml.safe_load(path.read_text(encoding="utf-8"))))


@cache
def _english_phrases(lang: str) -> tuple[str, ...]:
    """Phrases of the English catalogues (split at placeholders, three words or more) that the other language's
    catalogues do not contain: each one on its page would be a leak."""
    theirs = "\n".join(catalogue_text(lang))
    phrases = set()
    for s in catalogue_text("en"):
        for part in _PLACEHOLDER.split(s):
            part = " ".join(part.split()).strip(" .,:;·—-()")
            if len(part.split()) >= 3 and _FUNCTION_WORDS.search(part) and part not in theirs:
                phrases.add(part)
    return tuple(sorted(phrases, key=len, reverse=True))


def shown_texts(at: AppTest) -> list[str]:
    """What the page shows, as plain strings (the officer's values in widgets are left out: they are data)."""
    out: list[str] = []

    def walk(node: Any) -> None:
        children = getattr(node, "children", None)
        if children:
            for k in sorted(children):
                walk(children[k])
        for attr in _ATTRS:
            v = getattr(node, attr, None)
            if isinstance(v, str) and v.strip():
                out.append(v)
        options = getattr(node, "options", None)
        if isinstance(options, (list, tuple)):
            out.extend(o for o in options if isinstance(o, str))
        if type(node).__name__ in {"Markdown", "Caption", "Title", "Header", "Subheader", "Error", "Warning",
                                   "Info", "Success", "Exception", "Text", "Code", "Latex"}:
            v = getattr(node, "value", None)
            if isinstance(v, str):
                out.append(v)

    walk(at.main)
    walk(at.sidebar)
    return [re.sub(r"\\(.)", r"\1", s) for s in out]


def english_leaks(texts: Iterable[str], lang: str, typed: Iterable[str] = ()) -> list[str]:
    """The shown strings that carry English, each with what gave it away."""
    own = sorted({t for t in typed if t}, key=len, reverse=True)
    allowed = sorted({s for s in catalogue_text(lang) if _FUNCTION_WORDS.search(s)}, key=len, reverse=True)
    leaks = []
    for text in texts:
        rest = text
        for t in own:
            rest = rest.replace(t, " ")
        for phrase in _english_phrases(lang):
            if phrase in rest:
                leaks.append(f"{phrase!r} (English guidance) in {text[:160]!r}")
                break
        else:
            for s in allowed:  # English kept on purpose in this language: titles of works, names
                if s in rest:
                    rest = rest.replace(s, " ")
            words = _FUNCTION_WORDS.findall(rest)
            if len(words) >= 2:
                leaks.append(f"English words {words[:6]} in {text[:160]!r}")
    return leaks
