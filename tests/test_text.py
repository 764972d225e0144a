"""Officers' text shown through Streamlit's Markdown stays literal (wizard/ui/text.md), without a browser.

The browser tests look at the rendered page; these checks need no Chromium, so a machine without one still
notices when the escaping is taken out: unit tests of ``md``, and AppTest runs of the real pages with officer
text full of Markdown and HTML, read from the Markdown the pages hand to Streamlit.
"""

from __future__ import annotations

import re

import pytest

from tests.ui_driver import APP, Wizard, plain
from wizard.guidance import cached_guidance
from wizard.store import Store
from wizard.ui.text import md

ACTIVE = set("\\`*_{}[]()<>#+-.!|$~:")
"""Characters Markdown, Streamlit's LaTeX (``$``), its colour/emoji directives (``:``) or HTML can act on."""

SAMPLES = [
    "*stars* and **bold**",
    "_under_ and __score__",
    "# not a heading",
    "## neither",
    "[x](y)",
    "[site](http://example.org) and ![img](http://example.org/a.png)",
    "<b>bold</b> <i>x</i> <script>alert(1)</script> <img src=x onerror=alert(2)>",
    "$x^2$ and $$y$$",
    "`code` and ```fence```",
    "1. not a list",
    "12) nor this",
    "> not a quote",
    "- not a bullet",
    "+ nor this",
    "~~not struck~~",
    ":red[not red] :smile: :material/home:",
    "| a | b |\n|---|---|",
    "already escaped \\* stays \\\\ as typed",
    "R&D <ok> & fine",
    "Unit 7 · 中文名称 🚀👩🏽‍⚖️ \"q\" 's'",
    "",
]


def escaped(typed: str) -> re.Pattern[str]:
    """A pattern for ``typed`` as Markdown must carry it: every active character behind a backslash."""
    parts = [("\\\\" + re.escape(ch)) if ch in ACTIVE else re.escape(ch) for ch in typed]
    return re.compile("".join(parts))


def unescaped_active(text: str) -> list[str]:
    """The active characters in ``text`` that no backslash protects."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            i += 2
            continue
        if text[i] in ACTIVE:
            out.append(text[i])
        i += 1
    return out


# --- md itself ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", SAMPLES)
def test_md_leaves_no_markdown_character_active(typed: str) -> None:
    shown = md(typed)
    assert unescaped_active(shown) == [], shown
    assert escaped(typed).fullmatch(shown), shown


@pytest.mark.parametrize("typed", SAMPLES)
def test_md_shows_the_reader_exactly_what_was_typed(typed: str) -> None:
    assert plain(md(typed)) == typed


@pytest.mark.parametrize(("typed", "shown"), [
    ("*a*", r"\*a\*"),
    ("_a_", r"\_a\_"),
    ("# h", r"\# h"),
    ("[x](y)", r"\[x\]\(y\)"),
    ("<b>", r"\<b\>"),
    ("$1", r"\$1"),
    ("`x`", r"\`x\`"),
    ("1. a", r"1\. a"),
    ("> q", r"\> q"),
    ("a\\b", r"a\\b"),
])
def test_md_escapes_each_character_with_a_backslash(typed: str, shown: str) -> None:
    assert md(typed) == shown


def test_md_keeps_line_breaks_and_plain_text_as_they_are() -> None:
    assert md("Plain words 9 mm ÉÀ 中文 🚀") == "Plain words 9 mm ÉÀ 中文 🚀"
    assert md("line one\nline two") == "line one\nline two"
    assert not re.match(r"\s*\d+[.)]\s", md("1. first\n2) second").split("\n")[1]), "no list on any line"


# --- the pages, through AppTest ------------------------------------------------------------------------------

HOSTILE = {
    "reference": "**bold** <i>x</i> [link](http://e.org)",
    "importing_state": "_Veloria_ `code` $x$",
    "end_user": "# Police <b>unit</b> :red[7]",
    "officer": "~~Officer~~ > 1. <script>",
}


@pytest.fixture(autouse=True)
def isolated_store(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path}/text.sqlite"
    monkeypatch.setenv("WIZARD_DATABASE_URL", url)
    cached_guidance.cache_clear()
    yield url
    cached_guidance.cache_clear()


@pytest.fixture
def hostile_case(isolated_store, make_assessment) -> tuple[Store, str]:
    store = Store(isolated_store)
    a = make_assessment()
    a.case.reference = HOSTILE["reference"]
    a.case.importing_state = HOSTILE["importing_state"]
    a.case.end_user = HOSTILE["end_user"]
    a.officer = HOSTILE["officer"]
    return store, store.create(a, "test seed").assessment.id


def test_the_assessment_title_shows_the_reference_as_typed(hostile_case) -> None:
    store, aid = hostile_case
    w = Wizard.open(aid, "case")
    title = w.at.title[0].value
    typed = HOSTILE["reference"]
    assert unescaped_active(title) == [], f"Markdown would act on {title!r}"
    assert escaped(typed).fullmatch(title), title
    assert plain(title) == typed
    assert store.get(aid).assessment.case.reference == typed, "stored as typed, escaped only for display"


def test_the_title_shows_a_reference_typed_in_the_app_as_typed(hostile_case) -> None:
    store, aid = hostile_case
    w = Wizard.open(aid, "case")
    typed = "EX-*7*_a_ [site](http://example.org) `x` <b>&</b>"
    w.text("case", "case.reference", value=typed)
    assert store.get(aid).assessment.case.reference == typed
    title = w.at.title[0].value
    assert unescaped_active(title) == [] and plain(title) == typed, title


def test_the_list_of_assessments_shows_officer_text_as_typed(hostile_case) -> None:
    from streamlit.testing.v1 import AppTest

    _store, aid = hostile_case
    at = AppTest.from_file(APP, default_timeout=30).run()  # the list is the start page
    assert not at.exception
    texts = [str(e.value) for e in [*at.markdown, *at.caption]]
    for field in ("reference", "importing_state", "end_user", "officer"):
        typed = HOSTILE[field]
        pattern = escaped(typed)
        assert any(pattern.search(t) for t in texts), f"{field} is not shown escaped: {texts}"
        assert not any(typed in t for t in texts), f"{field} reaches the page raw"
    assert any(aid in t for t in texts)
