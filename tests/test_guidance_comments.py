"""Reviewers' comments on guidance items: the store (SQLite and PostgreSQL), its append-only log, the editors'
exports (wizard/service.py) and the guidance page (AppTest)."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError
from streamlit.testing.v1 import AppTest

from tests.test_store import dump
from tests.ui_driver import APP, plain
from wizard import migrations, service
from wizard.guidance import cached_guidance
from wizard.guidance_schema import Guidance
from wizard.guidance_search import resolve
from wizard.store import NotFound, Store, StoreError
from wizard.store_config import make_engine

GUIDANCE_PAGE = "wizard/ui/pages/guidance.py"
INDICATOR = "screen:mitigation.indicators.2"
TERM = "glossary:residual_risk"


def comment(db_store: Store, guidance: Guidance, address: str = INDICATOR, text: str = "Name the kind of agreement.",
            author: str = "Reviewer Ana Pérez"):
    item = resolve(guidance, address)
    return db_store.add_comment(address, text, author, guidance.stamp, guidance.language, item.text if item else "")


def csv_rows(data: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data)))


# --- the store ------------------------------------------------------------------------------------------------

def test_a_comment_round_trip(db_store: Store, guidance: Guidance):
    item = resolve(guidance, INDICATOR)
    added = comment(db_store, guidance)
    assert (added.item, added.author, added.status, added.guidance_version, added.language) == (
        INDICATOR, "Reviewer Ana Pérez", "open", guidance.stamp, "en")
    assert added.item_text == item.text and added.created_at.tzinfo is not None
    other = comment(db_store, guidance, TERM, "Add the Spanish wording.", "Reviewer Bo")

    assert db_store.list_comments(item=INDICATOR) == [added]
    assert db_store.list_comments(item=TERM) == [other]
    assert db_store.list_comments() == [added, other]
    assert db_store.list_comments(status="accepted") == []

    accepted = db_store.set_comment_status(added.id, "accepted", "Editor Chen", "Reworded in the next version.")
    assert (accepted.status, accepted.status_by, accepted.resolution_note) == (
        "accepted", "Editor Chen", "Reworded in the next version.")
    assert accepted.text == added.text and accepted.created_at == added.created_at
    assert db_store.list_comments(status="accepted") == [accepted]
    assert db_store.list_comments(item=INDICATOR, status="open") == []
    history = db_store.comment_history(added.id)
    assert [(e.action, e.actor, e.old_status, e.new_status, e.note) for e in history] == [
        ("add", "Reviewer Ana Pérez", None, "open", None),
        ("status", "Editor Chen", "open", "accepted", "Reworded in the next version.")]

    markdown = plain(service.comments_markdown(db_store, guidance))
    for expected in (item.label, INDICATOR, item.text.split()[0], "Reviewer Ana Pérez", "Name the kind of agreement.",
                     "Accepted by Editor Chen", "Reworded in the next version.", "Add the Spanish wording.",
                     guidance.stamp):
        assert expected in markdown, expected
    assert markdown.index(INDICATOR) < markdown.index(TERM), "grouped in the order of the guidance"

    rows = csv_rows(service.comments_csv(db_store, guidance))
    header, body = rows[0], rows[1:]
    assert header[:3] == [guidance.t("comments_col_item"), guidance.t("comments_col_location"),
                          guidance.t("comments_col_current_text")]
    row = dict(zip(header, body[0], strict=True))
    assert row[guidance.t("comments_col_item")] == INDICATOR
    assert row[guidance.t("comments_col_location")] == item.label
    assert row[guidance.t("comments_col_current_text")] == item.text
    assert row[guidance.t("comments_col_author")] == "Reviewer Ana Pérez"
    assert row[guidance.t("comments_col_status")] == guidance.t("comment_status_accepted")
    assert row[guidance.t("comments_col_note")] == "Reworded in the next version."
    assert row[guidance.t("comments_col_comment")] == "Name the kind of agreement."
    assert len(body) == 2

    only_open = service.comments_markdown(db_store, guidance, status="open")
    assert "Add the Spanish wording" in plain(only_open) and "Name the kind" not in plain(only_open)
    assert len(csv_rows(service.comments_csv(db_store, guidance, status="accepted"))) == 2


def test_decisions_can_be_reopened_and_every_change_is_logged(db_store: Store, guidance: Guidance):
    c = comment(db_store, guidance)
    db_store.set_comment_status(c.id, "declined", "Editor Chen", "Out of scope.")
    reopened = db_store.set_comment_status(c.id, "open", "Editor Dana")
    assert (reopened.status, reopened.status_by, reopened.resolution_note) == ("open", "Editor Dana", None)
    assert [e.new_status for e in db_store.comment_history(c.id)] == ["open", "declined", "open"]
    with pytest.raises(StoreError, match="already open"):
        db_store.set_comment_status(c.id, "open", "Editor Dana")


@pytest.mark.parametrize("typed", ["", "   ", "\n\t "])
def test_an_empty_comment_is_refused(db_store: Store, guidance: Guidance, typed: str):
    with pytest.raises(StoreError, match="empty comment"):
        comment(db_store, guidance, text=typed)
    assert db_store.list_comments() == []


@pytest.mark.parametrize(("change", "message"), [
    (dict(author="  "), "reviewer's name"),
    (dict(item="no address"), "not the address"),
    (dict(item=""), "not the address"),
])
def test_a_comment_without_reviewer_or_item_is_refused(db_store: Store, guidance: Guidance, change, message):
    args = dict(item=INDICATOR, text="A comment.", author="Reviewer", guidance_version=guidance.stamp,
                language="en") | change
    with pytest.raises(StoreError, match=message):
        db_store.add_comment(**args)
    assert db_store.list_comments() == []


def test_decisions_are_checked(db_store: Store, guidance: Guidance):
    c = comment(db_store, guidance)
    with pytest.raises(StoreError, match="unknown comment status"):
        db_store.set_comment_status(c.id, "done", "Editor")
    with pytest.raises(StoreError, match="reviewer's name"):
        db_store.set_comment_status(c.id, "accepted", " ")
    with pytest.raises(NotFound):
        db_store.set_comment_status(c.id + 1000, "accepted", "Editor")
    with pytest.raises(StoreError, match="unknown comment status"):
        db_store.list_comments(status="done")
    assert db_store.list_comments() == [c]


REWRITES = [
    ("UPDATE guidance_comment_events SET note = 'forged'", "append-only"),
    ("UPDATE guidance_comment_events SET new_status = 'declined'", "append-only"),
    ("DELETE FROM guidance_comment_events", "append-only"),
    ("DELETE FROM guidance_comments", "never deleted"),
    ("UPDATE guidance_comments SET text = 'forged'", "cannot be rewritten"),
    ("UPDATE guidance_comments SET author = 'mallory'", "cannot be rewritten"),
    ("UPDATE guidance_comments SET item = 'glossary:gbv'", "cannot be rewritten"),
    ("UPDATE guidance_comments SET status = 'declined'", "newest guidance_comment_events entry"),
    ("UPDATE guidance_comments SET resolution_note = 'forged'", "newest guidance_comment_events entry"),
    ("UPDATE guidance_comments SET status_by = 'mallory'", "newest guidance_comment_events entry"),
    ("INSERT INTO guidance_comments (item, guidance_version, language, author, created_at, text, item_text, status) "
     "VALUES ('glossary:gbv', 'v', 'en', 'mallory', '2026-01-01 00:00:00', 'forged', '', 'accepted')",
     "added open"),
]


@pytest.mark.parametrize(("sql", "message"), REWRITES)
def test_a_comment_and_its_history_cannot_be_rewritten_in_the_database(db_store: Store, guidance: Guidance, sql,
                                                                        message):
    c = comment(db_store, guidance)
    db_store.set_comment_status(c.id, "accepted", "Editor Chen", "Done.")
    before = dump(db_store)
    with pytest.raises(DBAPIError, match=message), db_store.engine.begin() as conn:
        conn.execute(text(sql))
    assert dump(db_store) == before


def test_the_store_changes_a_status_only_through_the_log(db_store: Store, guidance: Guidance):
    """The trigger lets the store's own change through: the log entry comes first, the status follows it."""
    c = comment(db_store, guidance)
    with db_store.engine.connect() as conn:
        n = conn.execute(text("SELECT count(*) FROM guidance_comment_events")).scalar_one()
    db_store.set_comment_status(c.id, "declined", "Editor", "No.")
    with db_store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM guidance_comment_events")).scalar_one() == n + 1


def test_the_database_is_upgraded_from_0003_with_assessments_in_it(tmp_path, guidance: Guidance):
    from tests.test_store import make

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = make_engine(url)
    migrations.upgrade(engine, "0003")
    assert "guidance_comments" not in inspect(engine).get_table_names()
    engine.dispose()
    old = Store(url)  # upgrades to head
    assert {"guidance_comments", "guidance_comment_events"} <= set(inspect(old.engine).get_table_names())
    stored = old.create(make(), "alice")
    assert comment(old, guidance).status == "open"
    assert old.get(stored.assessment.id).version == 1
    old.close()


# --- the exports ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["=HYPERLINK(\"http://evil\",\"x\")", "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1",
                                   "\r=1"])
def test_the_csv_is_safe_from_formula_injection(db_store: Store, guidance: Guidance, typed: str):
    comment(db_store, guidance, text=typed, author=typed.strip() or "x")
    header, row = csv_rows(service.comments_csv(db_store, guidance))
    cells = dict(zip(header, row, strict=True))
    for column in ("comments_col_comment", "comments_col_author"):
        cell = cells[guidance.t(column)]
        assert cell.startswith("'") and cell[1:].strip() == typed.strip(), cell
    for cell in row:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_the_csv_is_utf8_text_with_one_row_per_comment(db_store: Store, guidance: Guidance):
    comment(db_store, guidance, text="Ajouter « risque prépondérant » 高于一切的风险,\n\"quoted\"")
    data = service.comments_csv(db_store, guidance)
    data.encode("utf-8")
    header, row = csv_rows(data)
    assert dict(zip(header, row, strict=True))[guidance.t("comments_col_comment")] == (
        "Ajouter « risque prépondérant » 高于一切的风险,\n\"quoted\"")


def test_the_markdown_shows_reviewer_text_as_typed(db_store: Store, guidance: Guidance):
    typed = "# Not a heading\n- not a list\n1. not numbered\n**not bold** [not a link](http://e.org) <b>x</b> `c`"
    comment(db_store, guidance, text=typed, author="_Ana_ *Pérez*")
    markdown = service.comments_markdown(db_store, guidance)
    for raw in ("**not bold**", "[not a link](", "<b>", "_Ana_", "\n# Not", "\n- not", "\n1. not"):
        assert raw not in markdown, raw
    assert typed in plain(markdown) and "_Ana_ *Pérez*" in plain(markdown)


def test_comments_on_items_no_longer_in_the_guidance_are_kept_and_listed_last(db_store: Store, guidance: Guidance):
    gone = "screen:mitigation.indicators.99"
    comment(db_store, guidance, gone, "On an indicator since removed.")
    comment(db_store, guidance, TERM, "On a term.")
    markdown = plain(service.comments_markdown(db_store, guidance))
    assert markdown.index(TERM) < markdown.index(gone)
    assert guidance.t("comments_export_gone") in markdown and "On an indicator since removed." in markdown
    rows = csv_rows(service.comments_csv(db_store, guidance))
    assert [r[0] for r in rows[1:]] == [TERM, gone]


def test_no_comments_gives_a_short_export(db_store: Store, guidance: Guidance):
    assert guidance.t("comments_export_none") in plain(service.comments_markdown(db_store, guidance))
    assert len(csv_rows(service.comments_csv(db_store, guidance))) == 1


# --- the guidance page ----------------------------------------------------------------------------------------

@pytest.fixture
def app_guidance() -> Guidance:
    """The guidance exactly as the app under test has it (parsed once per process)."""
    return cached_guidance("en")


def _page(reviewer: str | None = None, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    if reviewer:
        at.text_input(key="actor_input").input(reviewer).run()
    at.switch_page(GUIDANCE_PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _texts(at: AppTest) -> str:
    return "\n".join(plain(str(e.value)) for e in [*at.markdown, *at.caption, *at.error, *at.success, *at.info,
                                                     *at.warning])


def test_search_follow_a_hit_comment_and_accept(app_store: Store, app_guidance: Guidance):
    at = _page()
    at.text_input(key="guidance_q").input("RESIDUAL risk").run()
    assert at.query_params["q"] == "RESIDUAL risk"
    hits = [b for b in at.button if (b.key or "").startswith("hit:")]
    assert hits and hits[0].key.endswith(TERM), [b.key for b in hits]
    item = resolve(app_guidance, TERM)
    assert plain(hits[0].label) == item.label

    hits[0].click().run()
    assert not at.exception
    assert at.query_params["item"] == TERM
    assert at.selectbox(key="guidance_section").value == "glossary"
    assert any(item.label in plain(c.value) and "my_location" in c.value for c in at.caption), "the item is framed"

    box, add = at.text_area(key=f"ctext:{TERM}"), at.button(key=f"cadd:{TERM}")
    add.click().run()
    assert app_guidance.t("comment_empty") in _texts(at)
    box.input("Say that the residual risk is judged after every credible measure.").run()
    at.button(key=f"cadd:{TERM}").click().run()
    assert app_guidance.t("comment_unnamed") in _texts(at), "no reviewer's name yet"
    assert at.text_area(key=f"ctext:{TERM}").value.startswith("Say that"), "the typed comment is kept"
    assert app_store.list_comments() == []

    at.text_input(key="actor_input").input("Reviewer Ana Pérez").run()
    at.button(key=f"cadd:{TERM}").click().run()
    assert not at.exception
    assert app_guidance.t("comment_added") in _texts(at)
    assert at.text_area(key=f"ctext:{TERM}").value == ""
    (stored,) = app_store.list_comments(item=TERM)
    assert (stored.author, stored.status, stored.guidance_version, stored.item_text) == (
        "Reviewer Ana Pérez", "open", app_guidance.stamp, item.text)
    assert "Say that the residual risk" in _texts(at)

    at.text_input(key=f"cnote:{stored.id}").input("Added to the definition.").run()
    at.button(key=f"caccept:{stored.id}").click().run()
    assert not at.exception
    (accepted,) = app_store.list_comments(item=TERM)
    assert (accepted.status, accepted.status_by, accepted.resolution_note) == (
        "accepted", "Reviewer Ana Pérez", "Added to the definition.")
    assert "Accepted by Reviewer Ana Pérez" in _texts(at)
    downloads = {d.key: d.label for d in at.download_button}
    assert downloads["comments_md"] == app_guidance.t("comments_download_md")
    assert downloads["comments_csv"] == app_guidance.t("comments_download_csv")

    # A refresh (a new session on the same URL) shows the same item with its comment.
    again = _page(q="RESIDUAL risk", item=TERM)
    assert again.selectbox(key="guidance_section").value == "glossary"
    assert "Added to the definition." in _texts(again)


def test_a_link_to_an_item_shows_its_screen(app_store: Store, app_guidance: Guidance):
    at = _page(item="screen:mitigation.question:measures.option:post_shipment_verification")
    assert at.selectbox(key="guidance_section").value == "mitigation"
    full = "screen:mitigation.question:measures.column:measure.option:post_shipment_verification"
    assert at.text_area(key=f"ctext:{full}") is not None
    framed = [c.value for c in at.caption if "my_location" in c.value]
    assert len(framed) == 1 and resolve(app_guidance, full).label == plain(framed[0]).split(" ", 1)[1]
    # ...and shown first, above the section, since the page runs no script to scroll to it
    first = next(c.value for c in at.caption if ":material/search:" in c.value)
    assert plain(first).split(" ", 1)[1].startswith(resolve(app_guidance, full).label)


def test_the_page_shows_references_and_source_lines(app_store: Store, app_guidance: Guidance):
    at = _page(section="references")
    texts = _texts(at)
    for r in app_guidance.references:
        assert r.title in texts, r.title
    cited = next((s for s in app_guidance.screens if s.references), None)
    at = _page(section=cited.id if cited else "mitigation")
    texts = _texts(at)
    if cited:
        assert app_guidance.reference(cited.references[0]).title in texts
    else:
        assert app_guidance.t("guidance_sources_none") in texts


def test_an_unknown_item_in_the_url_is_said_not_a_traceback(app_store: Store, app_guidance: Guidance):
    at = _page(item="screen:nowhere.purpose")
    assert "screen:nowhere.purpose" in _texts(at)
    assert at.selectbox(key="guidance_section").value == app_guidance.screens[0].id

