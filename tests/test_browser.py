"""The wizard in a real browser: Debian Chromium driven by Playwright against a real ``streamlit run``.

The issue's requirement: a real browser reloads the page in the middle of a step and everything typed before
the reload is still there (on screen and in the store). Also: typed text comes back exactly (no HTML
injection, no Markdown), the Summary screen's PDF download is a real PDF, and a second tab with a stale copy is
told about the conflict instead of overwriting the first tab's change. And nothing leaves the machine: over a
walk through every page and every screen, no request goes to another host than the app's own.
One walk types a whole case in from the first screen, every required question through the page, and checks
the downloaded record with ``python -m wizard verify``.

A browser walk costs seconds, so there are few of them and each is whole: what can be checked on one walk is
checked on it. They share one server and one Chromium, so under pytest-xdist they run together on one worker
(``xdist_group``). Markdown escaping is also checked without a browser (tests/test_text.py).

Needs /usr/bin/chromium (apt-get install chromium) and ``pip install playwright pypdf``; never
``playwright install``. Without Chromium the module is skipped with the reason shown by ``-rs``; with
``WIZARD_REQUIRE_BROWSER=1`` (CI) a missing browser is a failure. Screenshots go to /tmp/shots/
(``WIZARD_SHOTS_DIR``). Fixtures: tests/browser_support.py.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import Any

import pytest

pytest.register_assert_rewrite("tests.browser_support")

from tests.browser_support import (  # noqa: E402
    FRESH,
    OFFICER_FIELD,
    TIMEOUT_MS,
    Outbound,
    Server,
    Tab,
    listening_addresses,
    require_browser,
    screen_short_title,
    screenshot,
    wait_for,
    wait_idle,
)

require_browser()

from playwright.sync_api import expect  # noqa: E402 (only once the browser is known to be there)

pytest_plugins = ["tests.browser_support"]  # the fixtures: server, server_store, chromium, context
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

A6 = {
    "p1": "Art. 6(1): would the transfer violate a UN Security Council Chapter VII measure, in particular an "
          "arms embargo?",
    "p2": "Art. 6(2): would the transfer breach any other relevant obligation under an international "
          "agreement your State has joined?",
}
CASE = {  # label on the case screen -> (model path, value)
    "Licence or application reference": ("case.reference", "BRW-2026-0147"),
    "Exporter": ("case.exporter", "Northgate Arms Ltd"),
    "Importing State": ("case.importing_state", "Republic of Veloria"),
    "End user": ("case.end_user", "Velorian National Police, Public Order Division"),
    "Stated end use": ("case.end_use", "Replacement of service pistols for urban patrol units.\n"
                                       "Second line: deployed in the capital."),
}


def _get(a: Any, path: str) -> Any:
    for part in path.split("."):
        a = getattr(a, part)
    return a


def wait_stored(server_store: Any, aid: str, path: str, value: Any, timeout: float = 20.0) -> Any:
    """Poll the store until the assessment's field ``path`` holds ``value`` (autosave is server-side)."""
    def probe() -> Any:
        stored = server_store.get(aid)
        return stored if _get(stored.assessment, path) == value else None

    return wait_for(probe, timeout, what=f"{path} == {value!r} in the store (now "
                                         f"{_get(server_store.get(aid).assessment, path)!r})")


def test_reload_mid_step_keeps_everything_typed(context: Any, server: Server, server_store: Any) -> None:
    tab = Tab(context.new_page(), server)
    aid = tab.create_assessment("Officer Amina Diallo")
    assert server_store.get(aid).assessment.officer == "Officer Amina Diallo"

    for label, (path, value) in CASE.items():
        tab.type(label, value)
        wait_stored(server_store, aid, path, value)
    screenshot(tab.page, "01-case")

    tab.page.get_by_role("button", name="Next →").click()
    tab.wait_screen("article6")
    tab.expect_heading_of("article6")
    # In the middle of the step: two of the three Art. 6 parts answered, the third left open.
    tab.choose(A6["p1"], "No")
    wait_stored(server_store, aid, "article6.p1.answer", "no")
    tab.type("Reasons", "No UN Security Council measure applies to Veloria.", nth=0)
    wait_stored(server_store, aid, "article6.p1.reasons", "No UN Security Council measure applies to Veloria.")
    tab.choose(A6["p2"], "Insufficient information")
    wait_stored(server_store, aid, "article6.p2.answer", "insufficient_information")
    tab.type("Reasons", "Regional instrument: waiting for the legal adviser.", nth=1)
    stored = wait_stored(server_store, aid, "article6.p2.reasons",
                         "Regional instrument: waiting for the legal adviser.")
    expect(tab.saved_caption()).to_contain_text("Saved at", timeout=TIMEOUT_MS)

    tab.page.reload()

    tab.expect_heading_of("article6")
    assert tab.query()["aid"] == aid
    assert tab.query()["screen"] == "article6"
    expect(tab.radio(A6["p1"], "No")).to_be_checked(timeout=TIMEOUT_MS)
    expect(tab.radio(A6["p2"], "Insufficient information")).to_be_checked()
    expect(tab.textbox("Reasons", 0)).to_have_value("No UN Security Council measure applies to Veloria.")
    expect(tab.textbox("Reasons", 1)).to_have_value("Regional instrument: waiting for the legal adviser.")
    expect(tab.textbox("Reasons", 2)).to_have_value("")
    expect(tab.saved_caption()).to_contain_text(aid)

    tab.go("Case", "case")
    for label, (_path, value) in CASE.items():
        expect(tab.textbox(label)).to_have_value(value)
    expect(tab.textbox("Assessing officer")).to_have_value("Officer Amina Diallo")

    after = server_store.get(aid)
    assert after.version == stored.version, "the reload and the navigation saved nothing by themselves"
    a = after.assessment
    assert [_get(a, path) for path, _ in CASE.values()] == [value for _, value in CASE.values()]
    assert (a.article6.p1.answer, a.article6.p2.answer, a.article6.p3.answer) == \
        ("no", "insufficient_information", None)

    # The name typed in the sidebar is kept in ?by=, so edits after the reload are still logged under it.
    expect(tab.sidebar().get_by_role("textbox", name=OFFICER_FIELD)).to_have_value("Officer Amina Diallo")
    tab.type("Exporter", "Typed after the reload")
    wait_stored(server_store, aid, "case.exporter", "Typed after the reload")
    assert server_store.events(aid)[0].actor == "Officer Amina Diallo", \
        [(e.actor, e.path) for e in server_store.events(aid)]
    assert tab.dialogs == []


HOSTILE = 'Unit <b>7</b> & <script>alert(1)</script> <img src=x onerror=alert(2)> 🚀👩🏽‍⚖️ 中文名称 "q" \'s\''


def test_typed_text_is_saved_without_leaving_the_field_and_leaving_unsent_text_asks_first(
        context: Any, server: Server, server_store: Any) -> None:
    """Issue 9, item 11: text typed but never blurred (no click outside, no Tab) is saved after a pause; a
    reload while text is still unsent makes the browser ask before leaving, and staying keeps the text."""
    tab = Tab(context.new_page(), server)
    aid = tab.create_assessment("Officer Amina Diallo")
    page = tab.page

    wait_idle(page)
    tab.textbox("Stated end use").click()
    page.keyboard.type("Typed, then the officer stops & thinks: 中文 <ok>", delay=5)
    # No blur: the page script commits the text area after the pause, and the callback saves it.
    wait_stored(server_store, aid, "case.end_use", "Typed, then the officer stops & thinks: 中文 <ok>")
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == "Stated end use", \
        "the commit leaves the caret where the officer is typing"
    page.keyboard.type(" More after the save.", delay=5)
    wait_stored(server_store, aid, "case.end_use",
                "Typed, then the officer stops & thinks: 中文 <ok> More after the save.")

    wait_idle(page)
    tab.textbox("Exporter").click()
    page.keyboard.type("Northgate Arms Ltd", delay=5)  # a text input commits itself after the pause (live)
    wait_stored(server_store, aid, "case.exporter", "Northgate Arms Ltd")

    wait_idle(page)
    tab.textbox("Stated end use").click()
    page.keyboard.press("End")
    page.keyboard.type(" Unsent", delay=0)
    page.evaluate("() => { location.reload(); }")  # at once, before the pause: the text is not sent yet
    wait_for(lambda: tab.dialogs or None, 10, what="the browser's 'leave the page?' question")
    assert tab.dialogs[0].startswith("beforeunload"), tab.dialogs
    # The officer chose to stay (Tab dismisses dialogs): the text is still there, and is saved after the pause.
    wait_stored(server_store, aid, "case.end_use",
                "Typed, then the officer stops & thinks: 中文 <ok> More after the save. Unsent")
    expect(tab.textbox("Stated end use")).to_have_value(
        "Typed, then the officer stops & thinks: 中文 <ok> More after the save. Unsent")

    # Nothing unsent: leaving asks nothing.
    tab.dialogs.clear()
    page.reload()
    tab.expect_heading_of("case")
    assert tab.dialogs == []
    expect(tab.textbox("Exporter")).to_have_value("Northgate Arms Ltd")


def test_markup_markdown_emoji_and_chinese_come_back_exactly(context: Any, server: Server, server_store: Any) -> None:
    tab = Tab(context.new_page(), server)
    aid = tab.create_assessment("审查员 李娜 <i>x</i>")
    tab.type("End user", HOSTILE)
    wait_stored(server_store, aid, "case.end_user", HOSTILE)
    area = HOSTILE + "\nline two & <br> 第二行"
    tab.type("Stated end use", area)
    wait_stored(server_store, aid, "case.end_use", area)
    tab.type("Licence or application reference", HOSTILE)
    wait_stored(server_store, aid, "case.reference", HOSTILE)

    tab.page.reload()
    tab.expect_heading_of("case")
    expect(tab.textbox("End user")).to_have_value(HOSTILE, timeout=TIMEOUT_MS)
    expect(tab.textbox("Stated end use")).to_have_value(area)
    expect(tab.textbox("Licence or application reference")).to_have_value(HOSTILE)
    expect(tab.textbox("Assessing officer")).to_have_value("审查员 李娜 <i>x</i>")
    # The title shows the reference as text: no element was made from the typed markup.
    title = tab.main().get_by_role("heading", level=1)
    expect(title).to_contain_text("<script>alert(1)</script>")
    assert tab.main().locator("b, i, img[src=x], script").count() == 0
    assert tab.dialogs == [], "typed markup ran as script"
    assert server_store.get(aid).assessment.officer == "审查员 李娜 <i>x</i>"

    # The title shows the reference as typed: no italics, links or code made from Markdown characters.
    reference = "EX-*7*_a_ [site](http://example.org) `x`"
    tab.type("Licence or application reference", reference)
    wait_stored(server_store, aid, "case.reference", reference)
    expect(title).to_have_text(reference, timeout=TIMEOUT_MS)
    heading = title.locator("[data-heading-text]")  # the text, not the heading's own anchor link
    assert heading.locator("em, strong, code").count() == 0, heading.inner_html()
    # A bare URL is still auto-linked by GitHub-flavoured Markdown (its text is unchanged); a Markdown link
    # whose text hides its address must not be made.
    links = heading.locator("a").evaluate_all("els => els.map(e => [e.textContent, e.getAttribute('href')])")
    assert all(text == href for text, href in links), links


def test_second_tab_with_a_stale_copy_gets_the_conflict(context: Any, server: Server, server_store: Any) -> None:
    first = Tab(context.new_page(), server)
    aid = first.create_assessment("Officer A")
    second = Tab(context.new_page(), server).open(aid, "case")
    before = server_store.get(aid).version

    first.type("Exporter", "Exporter typed in tab A")
    saved = wait_stored(server_store, aid, "case.exporter", "Exporter typed in tab A")
    assert saved.version == before + 1

    second.type("End user", "End user typed in tab B")
    conflict = second.main().get_by_text("Someone else changed this assessment")
    expect(conflict).to_be_visible(timeout=TIMEOUT_MS)
    expect(second.textbox("End user")).to_have_value("End user typed in tab B")  # the entry is not lost
    expect(first.main().get_by_text("Someone else changed this assessment")).to_have_count(0)

    now = server_store.get(aid)
    assert now.version == saved.version, "tab B's stale save was refused"
    assert now.assessment.case.exporter == "Exporter typed in tab A"
    assert now.assessment.case.end_user == ""
    screenshot(second.page, "04-conflict")

    # Tab B takes tab A's version: its fields now show what is stored.
    second.main().get_by_role("button", name="Load their version (discard my changes)").click()
    expect(conflict).to_have_count(0, timeout=TIMEOUT_MS)
    expect(second.textbox("Exporter")).to_have_value("Exporter typed in tab A")
    expect(second.textbox("End user")).to_have_value("")
    assert server_store.get(aid).version == saved.version


def test_screenshots_of_the_main_screens_and_the_pdf_download(context: Any, server: Server, server_store: Any,
                                                              make_assessment: Any) -> None:
    """A complete fictional case (tests/conftest.py), shown screen by screen for a person to look at; on the
    Summary screen its PDF record is downloaded and read back."""
    a = make_assessment("authorise_with_conditions")
    a.id = "brw-shots-0001"
    server_store.create(a, "test")
    tab = Tab(context.new_page(), server).open(a.id, "case")
    tab.type("Licence or application reference", "BRW-PDF-0042")
    wait_stored(server_store, a.id, "case.reference", "BRW-PDF-0042")
    for screen, name in (("case", "01-case-complete"), ("prevalence", "02-step1-prevalence"),
                         ("overriding_risk", "03-step4-overriding-risk"), ("summary", "05-summary"),
                         ("determination", "06-determination")):
        if screen != "case":
            tab.go(screen_short_title(screen), screen)
        expect(tab.saved_caption()).to_contain_text(a.id, timeout=TIMEOUT_MS)
        expect(tab.main().get_by_text("Guidance for this screen")).to_be_visible()
        screenshot(tab.page, name)
        if screen == "summary":
            _download_the_record(tab, "BRW-PDF-0042")
    # Finalised, the record downloads signed with the server's own key, and verifies where that key is trusted.
    wait_idle(tab.page)
    tab.main().get_by_text("I have reviewed the record and want to lock it.").click()
    wait_idle(tab.page)
    tab.main().get_by_role("button", name="Finalise and lock").click()
    expect(tab.main().get_by_text("The record will be signed by")).to_be_visible(timeout=TIMEOUT_MS)
    screenshot(tab.page, "08-final-signed")
    signed = _download_the_record(tab, "BRW-PDF-0042", data_dir=server.data_dir)
    from pyhanko.pdf_utils.reader import PdfFileReader

    assert len(PdfFileReader(io.BytesIO(signed)).embedded_signatures) == 1
    assert tab.dialogs == []
    assert not tab.main().get_by_test_id("stException").count()


def _download_the_record(tab: Tab, reference: str, data_dir: Path | None = None) -> bytes:
    """Download the record, read it back and verify it with the command line (trusting the certificates of
    ``data_dir``, the server's data folder, when given); return its bytes."""
    """The Summary screen's download gives a real PDF, named after the reference and showing it."""
    import pypdf

    button = tab.main().get_by_role("button", name="Download the PDF record")
    expect(button).to_be_visible(timeout=TIMEOUT_MS)
    wait_idle(tab.page)  # a click while the page redraws (after the last answer's save) is lost
    with tab.page.expect_download(timeout=60_000) as download:
        button.click()
    data = open(download.value.path(), "rb").read()  # noqa: SIM115 (the download's temp file)
    assert download.value.suggested_filename.endswith(".pdf"), download.value.suggested_filename
    assert download.value.suggested_filename.startswith(reference)
    assert data.startswith(b"%PDF"), data[:40]
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 1
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    assert reference in text
    # The downloaded record verifies with the command line, as a clerk or an auditor would check it.
    import subprocess
    import sys

    env = {**os.environ, **({"WIZARD_DATA_DIR": str(data_dir)} if data_dir else {})}
    done = subprocess.run([sys.executable, "-m", "wizard", "verify", str(download.value.path())], env=env,
                          capture_output=True, text=True, timeout=120, cwd=Path(__file__).resolve().parent.parent)
    assert done.returncode == 0, done.stdout + done.stderr
    return data


def test_nothing_leaves_the_machine(context: Any, server: Server, server_store: Any, make_assessment: Any) -> None:
    """A walk through every page and every wizard screen of a complete case: every request, WebSocket and icon
    is the app's own (127.0.0.1:port); anything else is blocked and fails the test. The server listens on
    loopback only and did not look up the machine's external address at start-up. On the way, the Guidance
    page's flowchart diagram is shown (screenshot 07-guidance-flowchart for a person to look at)."""
    import re

    from wizard.guidance import load_guidance

    outbound = Outbound(context, server)
    a = make_assessment("authorise_with_conditions")
    a.id = "brw-offline-0001"
    server_store.create(a, "test")
    tab = Tab(context.new_page(), server)
    page = tab.page

    page.goto(server.url + "/")
    wait_idle(page)
    tab.open(a.id, "case")
    screen_ids = [s.id for s in load_guidance("en").screens]
    for screen in screen_ids[1:]:  # forward through the whole wizard, as an officer does
        tab.main().get_by_role("button", name="Next →").click()
        tab.wait_screen(screen)
        tab.expect_heading_of(screen)
        wait_idle(page)
    for link in ("History", "Guidance", "About", "Assessments"):
        page.get_by_role("link", name=link, exact=True).click()
        wait_idle(page)
        if link == "Guidance":
            diagram = tab.main().get_by_role("img", name=re.compile(r"^Diagram of the five steps"))
            expect(diagram).to_be_visible(timeout=TIMEOUT_MS)
            assert diagram.evaluate("img => img.complete && img.naturalWidth") > 0, "the SVG was drawn"
            alt = diagram.get_attribute("alt") or ""
            assert alt.index("4 of 5, Mitigation, flowchart step 5") < alt.index("5 of 5, Overriding risk")
            expect(tab.main().get_by_text("mitigation (flowchart step 5) comes before overriding risk")) \
                .to_be_visible()
            screenshot(page, "07-guidance-flowchart")
    assert not tab.main().get_by_test_id("stException").count()

    # The tab's icon is served by the app itself.
    icons = page.evaluate("() => [...document.querySelectorAll('link[rel~=icon]')].map(l => l.href)")
    assert icons and all(outbound.is_own(i) for i in icons), icons
    assert outbound.foreign() == [], f"requests to other hosts (blocked): {outbound.foreign()}"
    assert len(outbound.requests) > 20 and outbound.websockets, "the walk was recorded"
    assert tab.dialogs == []

    if Path("/proc/net/tcp").exists():  # Linux: who listens on the port, and where
        assert listening_addresses(server.port) == ["127.0.0.1"], listening_addresses(server.port)
    log = server.log()
    assert f"URL: http://localhost:{server.port}" in log, log
    assert "External URL" not in log and "Network URL" not in log and "external IP" not in log, log


def _pick(tab: Tab, label: str, option: str, scope: Any = None, multi: bool = False) -> None:
    """Choose ``option`` in a selectbox, or in a multiselect and close its list (a multiselect's list stays open;
    Escape on a selectbox whose list is closed would clear it)."""
    box = (scope or tab.main().locator(FRESH)).get_by_role("combobox", name=label, exact=True)
    choice = tab.page.get_by_role("option", name=option, exact=True)
    for attempt in range(3):
        # A rerun that redraws the widget as it is clicked closes its list again (seen under load): look,
        # and if the list did not open, wait for the page to settle and open it once more.
        wait_idle(tab.page)
        box.click()
        try:
            choice.wait_for(state="visible", timeout=5_000 if attempt < 2 else TIMEOUT_MS)
            break
        except Exception:  # playwright's TimeoutError: the list is not open
            if multi:
                tab.page.keyboard.press("Escape")
    choice.click()
    if multi:
        tab.page.keyboard.press("Escape")


def test_a_whole_case_typed_in_from_the_first_screen(context: Any, server: Server, server_store: Any) -> None:
    """An officer types a whole case in, screen by screen from the first, answering every required question
    through the page (a source is added in place with the picker's "New source"), and downloads the record.
    Answers given inside a fragment (a question, a card) update the sidebar's marks as they close a step."""
    from wizard import flow
    from wizard.guidance import load_guidance

    g = load_guidance("en")
    tab = Tab(context.new_page(), server)
    aid = tab.create_assessment("Officer Amina Diallo")

    def stored(probe: Any, what: str) -> Any:
        return wait_for(lambda: probe(server_store.get(aid).assessment), what=what)

    def label(screen: str, qid: str) -> str:
        return g.screen(screen).question(qid).label

    def answered(screen: str, qid: str, value: Any) -> Any:
        return stored(lambda a: a.answer(screen, qid).value == value, f"{screen}.{qid} == {value!r}")

    for field, (path, value) in CASE.items():
        tab.type(field, value)
        wait_stored(server_store, aid, path, value)
    tab.main().get_by_role("button", name="Add an item").click()
    tab.type("Description", "9 mm semi-automatic pistols")
    stored(lambda a: a.case.items and a.case.items[0].description == "9 mm semi-automatic pistols", "item")
    _pick(tab, "ATT category", g.catalogues.item_categories["2(1)(h)"])
    stored(lambda a: a.case.items[0].category == "2(1)(h)", "the item's category")

    tab.go(screen_short_title("article6"), "article6")
    a6 = g.screen("article6")
    for n, part in enumerate(("p1", "p2", "p3")):
        tab.choose(a6.field(part).label, "No")
        wait_stored(server_store, aid, f"article6.{part}.answer", "no")
        tab.type("Reasons", f"Checked ({part}).", nth=n)
        wait_stored(server_store, aid, f"article6.{part}.reasons", f"Checked ({part}).")
    tab.choose(a6.field("p3_reading").label, g.catalogues.knowledge_readings["substantial_grounds"])
    wait_stored(server_store, aid, "article6.p3_reading", "substantial_grounds")

    tab.go(screen_short_title("prevalence"), "prevalence")
    forms = g.catalogues.gbv_forms

    def form(f: Any, opening: bool = False) -> Any:
        card = tab.main().get_by_test_id("stExpander").filter(has=tab.page.locator("summary", has_text=f.label))
        if opening:  # opening a card reruns the script: a click on it before the rerun ends can be lost
            card.locator("summary").click()
            wait_idle(tab.page)
        return card.first

    def row(a: Any, form_id: str) -> dict:
        return next((r for r in a.answer("prevalence", "forms").value or [] if r.get("row") == form_id), {})

    first = forms[0]
    form(first, opening=True).get_by_role("radiogroup", name="Prevalent?").get_by_text("Yes", exact=True).click()
    stored(lambda a: row(a, first.id).get("prevalent") == "yes", "prevalent: yes")
    _pick(tab, "Perpetrators", "State security forces", form(first), multi=True)
    stored(lambda a: row(a, first.id).get("perpetrators") == ["state_security_forces"], "perpetrators")
    form(first).get_by_role("radiogroup", name="Arms involved?").get_by_text("Yes", exact=True).click()
    stored(lambda a: row(a, first.id).get("arms_involved") == "yes", "arms involved: yes")
    form(first).get_by_role("button", name="New source").click()
    popover = tab.page.get_by_role("dialog", name="New source")
    popover.get_by_role("textbox", name="Title").fill("CEDAW concluding observations on Veloria")
    popover.get_by_role("button", name="Add and cite").click()
    stored(lambda a: row(a, first.id).get("evidence") == ["S1"] and a.evidence, "the new source, cited")
    wait_idle(tab.page)
    tab.page.keyboard.press("Escape")
    for f in forms[1:]:
        form(f, opening=True).get_by_role("radiogroup", name="Prevalent?").get_by_text("No", exact=True).click()
        stored(lambda a, f=f: row(a, f.id).get("prevalent") == "no", f"{f.id}: not prevalent")
    tab.type(label("prevalence", "underreporting"), "Survey data used; police data undercounts.")
    answered("prevalence", "underreporting", "Survey data used; police data undercounts.")
    # The last answer of the step was given in a fragment: the sidebar's mark follows without leaving the step.
    expect(tab.sidebar().get_by_role("button", name=re.compile(r"^✓ .*Prevalence$"))).to_be_visible(
        timeout=TIMEOUT_MS)

    tab.go(screen_short_title("seriousness"), "seriousness")
    form(first, opening=True).get_by_role("radiogroup", name="Serious?").get_by_text("Yes", exact=True).click()
    stored(lambda a: (a.answer("seriousness", "forms").value or [{}])[0].get("serious") == "yes", "serious")
    tab.choose(label("seriousness", "end_user_listed"), "No")
    answered("seriousness", "end_user_listed", "no")

    tab.go(screen_short_title("prevention"), "prevention")
    for q in g.screen("prevention").questions:
        if q.required:
            tab.choose(q.label, q.options[1].label)
            answered("prevention", q.id, q.options[1].id)

    tab.go(screen_short_title("mitigation"), "mitigation")
    tab.main().get_by_role("button", name="Add a row").click()
    tab.choose("Measure", "Post-shipment verification")
    stored(lambda a: (a.answer("mitigation", "measures").value or [{}])[0].get("measure")
           == "post_shipment_verification", "the measure")
    tab.choose("Credible and significant?", "No")
    stored(lambda a: a.answer("mitigation", "measures").value[0].get("credible") == "no", "credible: no")
    for qid, value in (("residual_risk", "moderate"), ("past_compliance", "good")):
        q = g.screen("mitigation").question(qid)
        tab.choose(q.label, next(o.label for o in q.options if o.id == value))
        answered("mitigation", qid, value)

    tab.go(screen_short_title("overriding_risk"), "overriding_risk")
    for qid, value in (("pathway", "Pistols carried during arrests."), ("residual_after_mitigation", "Moderate.")):
        tab.type(label("overriding_risk", qid), value)
        answered("overriding_risk", qid, value)
    for qid, value in (("item_link", "direct"), ("diversion_risk", "low"), ("threshold", "clear_risk")):
        q = g.screen("overriding_risk").question(qid)
        tab.choose(q.label, next(o.label for o in q.options if o.id == value))
        answered("overriding_risk", qid, value)
    tab.choose(g.screen("overriding_risk").field("overriding_risk").label, "No")
    wait_stored(server_store, aid, "determination.overriding_risk", "no")

    tab.go(screen_short_title("evidence"), "evidence")
    tab.main().get_by_role("button", name="Add a consultation").click()
    tab.type("Who", "Gender focal point, Ministry of Foreign Affairs")
    stored(lambda a: a.consultations and a.consultations[0].who.startswith("Gender focal point"), "consultation")

    tab.go(screen_short_title("determination"), "determination")
    tab.choose("Outcome", "Authorise")
    wait_stored(server_store, aid, "determination.outcome", "authorise")
    tab.choose("Was the risk of GBV or VAWC a ground for this decision?", "No")
    wait_stored(server_store, aid, "determination.gbv_ground", False)
    for field, path, value in (("Reasons", "reasons", "No overriding risk: the end user is not implicated."),
                               ("Triggers for reassessment (Art. 7(7))", "reassessment_triggers",
                                "New credible reports of abuse by the end user.")):
        tab.type(field, value)
        wait_stored(server_store, aid, f"determination.{path}", value)
    expect(tab.saved_caption()).to_contain_text("Saved at", timeout=TIMEOUT_MS)
    _download_the_record(tab, CASE["Licence or application reference"][1])

    a = server_store.get(aid).assessment
    assert [o for o in flow.all_open_items(g, a) if o.state == "unanswered"] == []
    assert flow.blocking(flow.check(g, a)) == []
    assert tab.dialogs == []
    assert not tab.main().get_by_test_id("stException").count()


def test_switching_language_mid_assessment_loses_nothing(context: Any, chromium: Any, server: Server,
                                                        server_store: Any) -> None:
    """Issue 11: the officer types, switches to French before the text has been sent, and nothing is lost;
    the page, a reload and the way back to English all keep every answer."""
    from wizard import flow
    from wizard.guidance import load_guidance

    fr = load_guidance("fr")
    fr_case = fr.screen("case")
    tab = Tab(context.new_page(), server)
    aid = tab.create_assessment("Officer Amina Diallo")
    values = {label: value for label, (_path, value) in CASE.items()}
    for label, (path, value) in list(CASE.items())[:3]:
        tab.type(label, value)
        wait_stored(server_store, aid, path, value)
    # The end use is typed and, at once, without leaving the box or pausing, the language is switched.
    wait_idle(tab.page)
    end_use = tab.textbox("Stated end use")
    end_use.fill(values["Stated end use"])
    _pick(tab, "Language", fr.t("language_name"), scope=tab.sidebar())
    expect(tab.main().get_by_role("heading", name=flow.screen_label(fr, fr_case), exact=True)).to_be_visible(
        timeout=TIMEOUT_MS)
    wait_stored(server_store, aid, "case.end_use", values["Stated end use"])
    assert tab.query()["lang"] == "fr" and tab.query()["aid"] == aid
    for path, value in [*list(CASE.values())[:3], CASE["Stated end use"]]:
        french = fr_case.field(path.split(".")[1]).label
        expect(tab.textbox(french)).to_have_value(value)

    # A reload stays in French and keeps everything; the next answer, given in French, is saved too.
    tab.page.reload()
    expect(tab.main().get_by_role("heading", name=flow.screen_label(fr, fr_case), exact=True)).to_be_visible(
        timeout=TIMEOUT_MS)
    tab.type(fr_case.field("end_user").label, "Police nationale, division de l’ordre public")
    wait_stored(server_store, aid, "case.end_user", "Police nationale, division de l’ordre public")

    # Back to English: every answer is there, in the English labels.
    _pick(tab, fr.t("language_selector"), "English", scope=tab.sidebar())
    tab.expect_heading_of("case")
    for label, value in values.items():
        expected = "Police nationale, division de l’ordre public" if label == "End user" else value
        expect(tab.textbox(label)).to_have_value(expected)
    a = server_store.get(aid).assessment
    assert a.language == "en", "the assessment keeps the language it was written in"
    assert tab.dialogs == []

    # A French browser opens the app in French without being told.
    french = chromium.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    try:
        page = french.new_page()
        page.goto(f"{server.url}/assess?aid={aid}&screen=case")
        expect(page.get_by_test_id("stMain").get_by_role("heading", name=flow.screen_label(fr, fr_case),
                                                         exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    finally:
        french.close()
