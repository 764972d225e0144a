"""The record as a clerk files it and an auditor reads it (issue 10): navigable, greyscale-safe, the sign-off
with what it signs.

Read back with pypdf (outline, catalogue entries, text and where it is drawn) and, for what only the eye can
judge, rendered in greyscale with poppler's pdftoppm.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import example_assessment
from wizard.guidance_schema import Guidance
from wizard.model import Assessment
from wizard.record import build_pdf
from wizard.record_sections import SIGNATURE_BOX

MARKING = "OFFICIAL-SENSITIVE – licensing"


@pytest.fixture(scope="module")
def draft() -> Assessment:
    a = example_assessment(draft=True).model_copy(update={"training": True})
    a.case.protective_marking = MARKING
    return a


@pytest.fixture(scope="module")
def pdf(draft: Assessment, guidance: Guidance) -> bytes:
    return build_pdf(draft, guidance, annex=True)


def _outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    out: list[tuple[int, str, int]] = []

    def walk(items: list, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                out.append((depth, item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 0)
    return out


def test_the_outline_has_every_section_and_step_on_its_page(pdf: bytes, guidance: Guidance):
    reader = PdfReader(io.BytesIO(pdf))
    outline = _outline(reader)
    texts = [p.extract_text() for p in reader.pages]
    tops = [(title, page) for depth, title, page in outline if depth == 0]
    assert tops[0] == (guidance.t("record_title"), 1)
    for screen in guidance.screens:  # each screen's section, as the record names it
        names = (screen.title, screen.short_title or screen.title)
        assert any(n.lower() in title.lower() for n in names for title, _ in tops), (names, tops)
    for _depth, title, page in outline:
        assert title.split(":")[0][:40] in texts[page - 1].replace("\n", " "), (title, page)
    assert [p for _, p in tops] == sorted(p for _, p in tops), "in page order"


def test_language_title_display_and_outline_pane(pdf: bytes, draft: Assessment):
    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    assert root["/Lang"] == draft.language
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"]) is True
    assert root["/PageMode"] == "/UseOutlines"


def _positions(page) -> list[tuple[str, float, float]]:
    found: list[tuple[str, float, float]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            found.append((text.strip(), tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]))

    page.extract_text(visitor_text=visit)
    return found


def test_status_words_and_the_marking_are_on_every_page(pdf: bytes):
    reader = PdfReader(io.BytesIO(pdf))
    for n, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert text.count("TRAINING · DRAFT") >= 2, f"page {n}: in the header and the footer, not only drawn"
        height = float(page.mediabox.height)
        marks = [y for t, _x, y in _positions(page) if t == MARKING]
        assert len([y for y in marks if y > height - 30]) == 1, (n, marks, "at the top")
        assert len([y for y in marks if y < 30]) == 1, (n, marks, "at the bottom")


def test_the_marking_is_centred(pdf: bytes):
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from wizard.record_text import STYLES

    page = PdfReader(io.BytesIO(pdf)).pages[3]
    style = STYLES["marking"]
    width = stringWidth(MARKING, style.fontName, style.fontSize)
    for text, x, y in _positions(page):
        if text == MARKING and (y < 30 or y > float(page.mediabox.height) - 30):
            assert abs(x + width / 2 - float(page.mediabox.width) / 2) < 2, x


def test_the_sign_off_shares_a_page_with_the_determination_and_has_room_to_sign(pdf: bytes, guidance: Guidance):
    reader = PdfReader(io.BytesIO(pdf))
    signoff = guidance.t("record_signoff")
    page = next(p for p in reader.pages if signoff in p.extract_text() and "Assessing officer" in p.extract_text())
    text = page.extract_text()
    assert guidance.screen("determination").title in text, "not alone on a page"
    ys = {t: y for t, _x, y in _positions(page) if t in ("Assessing officer", "Reviewer")}
    assert ys["Assessing officer"] - ys["Reviewer"] >= SIGNATURE_BOX, ys


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs pdftoppm (apt-get install poppler-utils)")
def test_the_watermark_shows_in_greyscale(draft: Assessment, guidance: Guidance, tmp_path: Path):
    """Printed in grey, the watermark is still a visible grey (here: at least 12% darker than the paper)."""
    from PIL import Image

    final = draft.model_copy(update={"status": "final", "training": False})
    images = []
    for name, a in (("draft", draft), ("final", final)):
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(build_pdf(a, guidance))
        subprocess.run(["pdftoppm", "-gray", "-r", "40", "-f", "3", "-l", "3", "-png", str(path),
                        str(tmp_path / name)], check=True, timeout=60)
        images.append(Image.open(next(tmp_path.glob(f"{name}*.png"))).convert("L"))
    marked, plain = (list(im.getdata()) for im in images)
    watermark = sorted(m for m, p in zip(marked, plain, strict=True) if p >= 250 and m < 250)
    assert len(watermark) > 1000, "the watermark covers a large part of the page"
    assert watermark[len(watermark) // 2] <= 255 * 0.88, watermark[len(watermark) // 2]


def _body_lines(page) -> list[tuple[float, str, float]]:
    """(y, text, font size) of each text run between the header and the footer, top to bottom."""
    from reportlab.lib.units import mm

    height = float(page.mediabox.height)
    runs: list[tuple[float, str, float]] = []

    def visit(text, cm, tm, font, size):
        y = tm[5] * cm[3] + cm[5]
        if text.strip() and 20 * mm < y < height - 24 * mm:
            runs.append((round(y, 1), text.strip(), size * abs(tm[3] or 1)))

    page.extract_text(visitor_text=visit)
    return sorted(runs, key=lambda r: -r[0])


def _headings(guidance: Guidance, a: Assessment) -> set[str]:
    from wizard import flow

    found = {guidance.t(f"record_{k}") for k in ("register", "gaps", "consultations", "checks", "open_items",
                                                    "signoff", "annex", "purpose", "legal_basis", "order_note",
                                                    "guiding_questions", "indicators", "information_sources",
                                                    "examples", "questions_help", "details")}
    for s in guidance.screens:
        found |= {s.title, flow.screen_label(guidance, s)} | {q.label for q in s.questions}
    return {h for h in found if len(h) > 4}


def test_no_page_ends_with_a_heading_and_sources_stay_with_their_question(pdf: bytes, draft: Assessment,
                                                                            guidance: Guidance):
    headings = _headings(guidance, draft)
    for n, page in enumerate(PdfReader(io.BytesIO(pdf)).pages, start=1):
        lines = _body_lines(page)
        if not lines:
            continue
        last = lines[-1][1]
        assert not any(h == last or (h.endswith(last) and len(last) > 12) for h in headings), (n, last)
        assert not lines[0][1].startswith(guidance.t("record_sources_cited")), (n, "'Sources cited' opens a page")


def test_the_register_is_read_at_9_pt_and_a_weak_source_is_marked(draft: Assessment, guidance: Guidance):
    a = draft.model_copy(deep=True)
    a.evidence[2].reliability = "low"
    reader = PdfReader(io.BytesIO(build_pdf(a, guidance)))
    page = next(p for p in reader.pages if guidance.t("record_src_reliability") in p.extract_text())
    sizes = {round(size, 1) for _y, text, size in _body_lines(page) if a.evidence[0].title.startswith(text[:20])}
    assert sizes == {9.0}, sizes
    text = " ".join(p.extract_text() for p in reader.pages).replace("\n", " ")
    assert f"{guidance.catalogues.reliabilities['low']} — {guidance.t('record_src_weak')}" in text


def test_the_order_is_explained_once(draft: Assessment, guidance: Guidance):
    text = _all_text(build_pdf(draft, guidance))
    sample = " ".join(guidance.meta.order_reason.split())[:60]
    assert text.count(sample) == 1, text.count(sample)
    for screen in guidance.screens:
        if screen.order_note:
            assert " ".join(screen.order_note.split())[:60] not in text


def _first_prevalence_row(draft: Assessment, column: str, value: object) -> tuple[Assessment, str]:
    """A copy of ``draft`` whose first prevalence row holds ``value`` in ``column``; and that row's form id."""
    from wizard import flow

    a = draft.model_copy(deep=True)
    ans = a.answer("prevalence", "forms")
    rows = [dict(r) for r in flow.rows_of(ans)]
    rows[0][column] = value
    a.set_answer("prevalence", "forms", ans.model_copy(update={"value": rows}))
    return a, str(rows[0]["row"])


def _all_text(pdf: bytes) -> str:
    """Every page's text, with runs of white space made one space."""
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


def test_open_items_name_their_row_and_column(draft: Assessment, guidance: Guidance):
    a, row = _first_prevalence_row(draft, "arms_involved", None)
    text = _all_text(build_pdf(a, guidance))
    form = next(f.label for f in guidance.catalogues.gbv_forms if f.id == row)
    column = next(c.label for c in guidance.screen("prevalence").question("forms").columns if c.id == "arms_involved")
    assert f"› {form} › {column} — {guidance.t('record_state_unanswered')}" in text


def test_citations_link_to_their_register_entry_and_web_addresses_are_links(pdf: bytes, draft: Assessment):
    reader = PdfReader(io.BytesIO(pdf))
    number = {p.indirect_reference.idnum: i for i, p in enumerate(reader.pages)}
    internal, web, landed = 0, set(), set()
    for page in reader.pages:
        for ref in page.get("/Annots") or []:
            link = ref.get_object()
            if link.get("/Subtype") != "/Link":
                continue
            if "/Dest" in link:
                target = reader.pages[number[link["/Dest"][0].idnum]]
                top = float(link["/Dest"][3])
                # The link lands on a source's row of the register: its [Sx] just below the target height.
                entry = [t for t, _x, y in _positions(target) if t.startswith("[S") and top - 40 < y <= top + 2]
                assert entry, top
                landed.add(entry[0])
                internal += 1
            else:
                web.add(str(link["/A"]["/URI"]))
    assert internal >= len(draft.evidence)
    cited = {f"[{sid}]" for a in draft.answers.values() for ans in a.values() for sid in ans.evidence}
    assert cited and cited <= landed, (cited, landed)
    urls = {w for s in draft.evidence for w in s.reference.split() if w.startswith("http")}
    assert urls and {u.rstrip(".,;") for u in urls} <= web


def test_colour_cues_also_carry_a_mark(draft: Assessment, guidance: Guidance):
    """Greyscale-safe: the swapped flowchart steps and "insufficient information" cells say so in a symbol too."""
    from wizard.model import INSUFFICIENT

    a, _row = _first_prevalence_row(draft, "arms_involved", INSUFFICIENT)
    text = _all_text(build_pdf(a, guidance))
    mark = guidance.t("record_flowchart_moved_mark")
    assert f"{mark} flowchart step 5" in text and f"{mark} flowchart step 4" in text
    assert f"{mark} flowchart step 1" not in text
    assert f"{guidance.t('record_insufficient_mark')} {guidance.t('insufficient_information')}" in text
