"""The PDF record: read it back with pypdf and check what a filing clerk, a reviewer and an auditor rely on."""

from __future__ import annotations

import io
import itertools
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from pypdf import PdfReader
from reportlab import rl_config
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import SimpleDocTemplate

from tests.conftest import example_assessment
from wizard import flow
from wizard.cli import cmd_render
from wizard.formats import read_document
from wizard.guidance import load_guidance
from wizard.guidance_schema import Guidance
from wizard.model import Answer, Assessment
from wizard.record import build_pdf, fingerprint, missing_glyphs
from wizard.record_fonts import SANS, displayed_text
from wizard.record_text import SplitSafeCJKParagraph, para

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "complete-assessment.json"
TOP_MARGIN_PT = 24 * 72 / 25.4
BOTTOM_MARGIN_PT = 20 * 72 / 25.4


# ---------------------------------------------------------------------------------------------------------
# Reading a record back


def pages(pdf: bytes) -> list[str]:
    return [p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages]


def squash(text: str) -> str:
    """Text without any white space: line wrapping and extraction spacing differ, the characters do not."""
    return "".join(text.split())


def body_text(pdf: bytes) -> str:
    """The text of the body frames only, without header, footer and watermark, all pages joined."""
    out: list[str] = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        height = float(page.mediabox.height)

        def visit(text: str, cm: list[float], tm: list[float], _font: object, _size: object,
                  height: float = height) -> None:
            if abs(cm[1]) > 1e-3 or abs(tm[1]) > 1e-3:  # the rotated watermark
                return
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            if BOTTOM_MARGIN_PT - 6 <= y <= height - TOP_MARGIN_PT + 6:
                out.append(text)

        page.extract_text(visitor_text=visit)
    return "".join(out)


def example() -> Assessment:
    return read_document(EXAMPLE.read_bytes())


@pytest.fixture(scope="module")
def example_pdf(guidance: Guidance) -> bytes:
    return build_pdf(example(), guidance)


# ---------------------------------------------------------------------------------------------------------
# Content and order


def test_the_example_is_a_complete_realistic_case(guidance: Guidance):
    a = example()
    assert a.status == "final" and not a.training
    assert len(a.evidence) >= 5 and len({s.type for s in a.evidence}) >= 4
    assert {i.category for i in a.case.items} >= {"2(1)(h)", "3"}
    assert not [f for f in flow.check(guidance, a) if f.severity == "error"]


def test_every_section_is_present_in_the_wizards_order(guidance: Guidance, example_pdf: bytes):
    texts = pages(example_pdf)
    text = squash(texts[0][:60] + "".join(texts[1:]))  # page 1 names the steps too: the sections come after
    steps = flow.step_positions(guidance)
    expected = ["RecordofanArticle7(4)assessment", squash(guidance.screen("case").title),
                squash(guidance.screen("article6").title), "ThefivestepsoftheArticle7(4)flowchart",
                *(squash(flow.screen_label(guidance, p.screen)) for p in steps),
                "Evidenceregister", "Informationgapsandquestionssent", "Consultations",
                squash(guidance.screen("summary").title), "Consistencywarningsopen", "Openitems",
                squash(guidance.screen("determination").title), "Sign-off"]
    where = [text.find(e) for e in expected]
    assert -1 not in where, [e for e, w in zip(expected, where, strict=True) if w == -1]
    assert where == sorted(where)
    order = [p.screen.id for p in steps]
    assert order.index("mitigation") < order.index("overriding_risk")
    assert text.find(squash(flow.screen_label(guidance, guidance.screen("mitigation")))) < \
        text.find(squash(flow.screen_label(guidance, guidance.screen("overriding_risk"))))


def test_page_1_gives_the_decision_first_and_page_2_the_records_details(guidance: Guidance, example_pdf: bytes):
    a = example()
    first, second = (squash(t) for t in pages(example_pdf)[:2])
    assert first.find(squash(guidance.t("record_decision"))) < first.find(squash(a.case.importing_state)), \
        "the decision before the case"
    for needle in (fingerprint(a), guidance.catalogues.outcomes["refuse"], guidance.catalogues.legal_bases["refuse"],
                   a.case.end_user, a.case.items[0].description, a.signoff.officer, a.signoff.reviewer,
                   guidance.t("record_steps_head"), a.case.protective_marking, a.id):
        assert squash(needle) in first, needle
    for pos in flow.step_positions(guidance):
        assert squash(flow.screen_label(guidance, pos.screen)) in first, "one line per step"
    for needle in (guidance.t("record_details"), "Revision", guidance.stamp, a.id):
        assert squash(needle) in second, needle


def test_page_1_makes_a_contradiction_impossible_to_miss(guidance: Guidance):
    a = example().model_copy(update={"status": "draft", "finalised_at": None}, deep=True)
    a.determination.outcome = "authorise"  # while the overriding-risk finding is "yes": Art. 7(3) says refuse
    first = pages(build_pdf(a, guidance))[0]
    assert guidance.t("record_blocking_head", n=1) in first
    assert guidance.t("record_blocking_mark") in first and "7(3)" in first


def test_flowchart_shows_both_numberings_and_why(example_pdf: bytes):
    text = squash("".join(pages(example_pdf)))
    assert "4of5" in text and "flowchartstep5" in text and "5of5" in text and "flowchartstep4" in text
    assert squash("Mitigation (flowchart step 5) comes before overriding risk (flowchart step 4)") in text


def test_answers_reasons_and_sources_by_register_id(guidance: Guidance, example_pdf: bytes):
    a = example()
    text = squash("".join(pages(example_pdf)))
    under = a.answer("prevalence", "underreporting")
    assert squash(under.value) in text  # type: ignore[arg-type]
    cited = " ".join(f"[{sid}]" for sid in under.evidence)  # the register id the officer saw in the UI
    assert squash(f"Sources cited: {cited}") in text
    for s in a.evidence:
        assert squash(f"[{s.id}]") in text
    for s in a.evidence:
        assert squash(s.title) in text and squash(s.publisher) in text
    assert squash(a.determination.reasons) in text


def test_insufficient_information_stands_out(guidance: Guidance, make_assessment: Callable[..., Assessment]):
    a = make_assessment()
    a.set_answer("prevention", "institutions", Answer(insufficient=True, reasons="No data on the police."))
    text = squash(body_text(build_pdf(a, guidance)))
    label = squash(guidance.screen("prevention").question("institutions").label)
    at = text.find(label)
    assert at != -1
    assert text[at + len(label):].startswith("Insufficientinformation")


def test_open_warnings_and_open_items_are_listed(guidance: Guidance, make_assessment: Callable[..., Assessment]):
    a = make_assessment()
    a.determination.conditions = ""  # "authorise with conditions" without conditions: an error finding
    a.set_answer("prevention", "institutions", Answer(insufficient=True))
    findings = flow.check(guidance, a)
    assert findings
    text = squash(body_text(build_pdf(a, guidance)))
    for f in findings:
        assert squash(f.message) in text
    for o in flow.all_open_items(guidance, a):
        assert squash(o.label) in text


# ---------------------------------------------------------------------------------------------------------
# User text exactly as typed


NASTY = {
    "lt_amp": "Premises <ok> & fine; R&D; &amp; literal",
    "bold": "a <b> bold",
    "script": "<script>alert('x')</script>",
    "markup": "x <b>y</b> z <font size=40>big</font>",
    "emoji": "Officer notes 😀☺ done",  # emoji in DejaVu Sans; others become [U+XXXX]
    "chinese": "云南省公安厅特警总队：暴力侵害妇女和儿童行为",
    "url": "https://example.org/" + "a" * 400,
}


def test_user_text_appears_exactly_as_typed(guidance: Guidance, make_assessment: Callable[..., Assessment]):
    a = make_assessment()
    a.case.end_user = NASTY["lt_amp"]
    a.case.exporter = NASTY["bold"]
    a.case.end_use = NASTY["script"]
    a.evidence[0].title = NASTY["markup"]
    a.evidence[1].publisher = NASTY["emoji"]
    a.determination.reasons = NASTY["chinese"]
    a.evidence[2].reference = NASTY["url"]
    a.set_answer("prevention", "end_user_measures", Answer(value=NASTY["chinese"] + " " + NASTY["bold"]))
    assert missing_glyphs(a) == []
    text = squash(body_text(build_pdf(a, guidance)))
    for key, typed in NASTY.items():
        assert squash(typed) in text, key


def test_a_100000_character_reason_keeps_every_word(guidance: Guidance,
                                                    make_assessment: Callable[..., Assessment]):
    words = [f"w{i}" for i in range(16_000)]
    reason = " ".join(words)
    assert len(reason) > 100_000
    a = make_assessment()
    a.set_answer("prevention", "institutions", Answer(value="partial", reasons=reason))
    pdf = build_pdf(a, guidance)
    text = "\n".join(pages(pdf))
    assert len(pages(pdf)) > 25
    found = re.findall(r"w\d+", text)
    assert found == words  # all words, in order, none glued to its neighbour


def test_a_long_mixed_chinese_english_reason_split_across_pages_keeps_its_spaces(
        guidance: Guidance, make_assessment: Callable[..., Assessment]):
    """ReportLab 5.1 drops the spaces at line ends when a wordWrap='CJK' paragraph splits across pages."""
    words = [f"w{i}" for i in range(3_000)]
    a = make_assessment()
    a.set_answer("prevention", "institutions", Answer(value="partial", reasons="中文说明。 " + " ".join(words)))
    pdf = build_pdf(a, guidance)
    found = re.findall(r"w\d+", "\n".join(pages(pdf)))
    assert found == words


def test_cjk_paragraph_class_keeps_spaces_when_split():
    style = ParagraphStyle("t", fontName=SANS, fontSize=9, leading=11, wordWrap="CJK")
    words = [f"w{i}" for i in range(1_500)]
    buf = io.BytesIO()
    para("")  # registers the fonts
    SimpleDocTemplate(buf).build([SplitSafeCJKParagraph("中 " + " ".join(words), style)])
    assert re.findall(r"w\d+", "\n".join(pages(buf.getvalue()))) == words


def test_chinese_is_wrapped_in_cjk_mode_and_english_is_not():
    assert para("中文").style.wordWrap == "CJK"
    assert para("English only").style.wordWrap is None
    assert isinstance(para("中文"), SplitSafeCJKParagraph)


def test_unshowable_characters_are_replaced_visibly_and_listed(guidance: Guidance,
                                                               make_assessment: Callable[..., Assessment]):
    a = make_assessment()
    a.case.end_user = "Unit ሀ\u200b\ue000 north"  # Ethiopic (no font has it), zero-width space, private use
    assert missing_glyphs(a) == [("case.end_user", "ሀ\u200b\ue000")]
    assert displayed_text(a.case.end_user) == "Unit [U+1200][U+200B][U+E000] north"
    text = squash(body_text(build_pdf(a, guidance)))
    assert squash("Unit [U+1200][U+200B][U+E000] north") in text
    assert "Characterstherecord'sfontscannotshow" in text
    assert squash("U+1200 ETHIOPIC SYLLABLE HA") in text and "case.end_user" in text


# ---------------------------------------------------------------------------------------------------------
# Page furniture


def test_footer_header_and_page_x_of_y_on_every_page(guidance: Guidance, example_pdf: bytes):
    a = example()
    texts = pages(example_pdf)
    n = len(texts)
    assert n >= 8
    for i, t in enumerate(texts, start=1):
        flat = squash(t)
        assert f"Page{i}of{n}" in flat
        assert squash(f"Record {a.id} · revision {a.revision} · SHA-256 {fingerprint(a)[:12]}") in flat
        assert squash(a.case.protective_marking) in flat
        assert "ATTArt.7(4)assessmentrecord" in flat


def test_watermarks(guidance: Guidance, make_assessment: Callable[..., Assessment]):
    a = make_assessment()
    a.status = "final"
    final = pages(build_pdf(a, guidance))
    assert not any("DRAFT" in t or "TRAINING" in t for t in final)
    a.status = "draft"
    assert all("DRAFT" in t for t in pages(build_pdf(a, guidance)))
    a.training = True
    assert all("TRAINING" in t and "DRAFT" in t for t in pages(build_pdf(a, guidance)))


def test_letter_and_a4(guidance: Guidance):
    a = example()
    a4 = PdfReader(io.BytesIO(build_pdf(a, guidance))).pages[0].mediabox
    letter = PdfReader(io.BytesIO(build_pdf(a, guidance, page_size="letter"))).pages[0].mediabox
    assert (round(float(a4.width)), round(float(a4.height))) == (595, 842)
    assert (round(float(letter.width)), round(float(letter.height))) == (612, 792)


def test_annex_holds_the_guidance_text(guidance: Guidance, example_pdf: bytes):
    with_annex = squash("".join(pages(build_pdf(example(), guidance, annex=True))))
    without = squash("".join(pages(example_pdf)))
    purpose = squash(guidance.screen("mitigation").purpose)
    assert "Annex:theguidanceshownateachscreen" in with_annex and purpose in with_annex
    assert "Annex:" not in without


def test_same_assessment_same_bytes_and_no_global_state_leaks(guidance: Guidance):
    before = rl_config.invariant
    a = example()
    assert build_pdf(a, guidance) == build_pdf(a, guidance)
    assert rl_config.invariant == before


def test_fonts_are_embedded(example_pdf: bytes):
    reader = PdfReader(io.BytesIO(example_pdf))
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if font.get("/Subtype") == "/Type0":
                font = font["/DescendantFonts"][0].get_object()
            assert "/FontFile2" in font["/FontDescriptor"], font.get("/BaseFont")


# ---------------------------------------------------------------------------------------------------------
# Pages as images


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
def test_no_page_is_blank(tmp_path: Path, example_pdf: bytes):
    from PIL import Image

    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(example_pdf)
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / "p")], check=True)
    images = sorted(tmp_path.glob("p-*.png"))
    assert len(images) == len(pages(example_pdf))
    for img_path in images:
        img = Image.open(img_path).convert("L")
        w, h = img.size
        body = img.crop((0, int(h * 0.08), w, int(h * 0.9)))  # below the header, above the footer
        dark = sum(body.histogram()[:200])
        assert dark > 0.01 * body.width * body.height, f"{img_path.name} looks blank"


# ---------------------------------------------------------------------------------------------------------
# Command line


def test_cmd_render_writes_the_record(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    out = tmp_path / "record.pdf"
    args = SimpleNamespace(assessment=str(EXAMPLE), output=str(out), page_size="A4", annex=False)
    assert cmd_render(args) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert str(out) in capsys.readouterr().out


def test_cmd_render_refuses_bad_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format_version": 1, "status": "nonsense"}')
    args = SimpleNamespace(assessment=str(bad), output=str(tmp_path / "x.pdf"), page_size="A4", annex=False)
    assert cmd_render(args) == 1
    err = capsys.readouterr().err
    assert "status" in err and not (tmp_path / "x.pdf").exists()
    args.assessment = str(tmp_path / "missing.json")
    assert cmd_render(args) == 1


@pytest.mark.parametrize("training", [False, True])
def test_every_record_label_comes_from_the_guidance(guidance: Guidance, make_assessment: Callable[..., Assessment],
                                                    training: bool):
    """A label missing from ui.yaml would print as its key (record_...): none may be missing."""
    a = make_assessment("suspend").model_copy(update={"training": training})
    text = "\n".join(pages(build_pdf(a, guidance, annex=True)))
    assert re.findall(r"record_[a-z_]+", text) == []


def test_a_typed_answer_marked_insufficient_keeps_its_text(guidance: Guidance,
                                                          make_assessment: Callable[..., Assessment]):
    a = make_assessment()
    a.set_answer("prevalence", "underreporting",
                 Answer(value="Partial survey only; figures for 2025 awaited.", insufficient=True))
    text = squash("".join(pages(build_pdf(a, guidance))))
    assert squash("Partial survey only; figures for 2025 awaited.") in text


def test_the_case_section_names_the_assessing_officer(guidance: Guidance, make_assessment: Callable[..., Assessment]):
    a = make_assessment()
    a.officer = "Assessor Ndlovu"
    a.signoff.officer = "Head of Unit Park"
    text = squash("".join(pages(build_pdf(a, guidance))))
    assert squash("Assessor Ndlovu") in text and squash("Head of Unit Park") in text


def test_a_very_long_reference_is_cut_in_the_header_and_on_the_cover_and_whole_in_the_case_section(
        guidance: Guidance, make_assessment: Callable[..., Assessment]):
    """The cover stays one page with its fingerprint, whatever the length of the fields (issue 10)."""
    a = make_assessment()
    a.case.reference = "REF-" + "x" * 1990
    texts = pages(build_pdf(a, guidance))
    assert squash("REF-" + "x" * 150) in squash(texts[0]) and squash(a.case.reference) not in squash(texts[0])
    assert "…" in texts[0], "the cover shows a cut"
    assert squash(a.case.reference) in squash("".join(texts[1:3])), "the case section prints it in full"
    assert all(squash("REF-" + "x" * 55) + "…" in squash(t) for t in texts[1:]), "each header shows a cut"


@pytest.mark.parametrize("prohibited", [False, True])
def test_the_legal_basis_of_the_outcome_is_on_the_cover_and_in_the_determination(
        guidance: Guidance, make_assessment: Callable[..., Assessment], prohibited: bool):
    a = make_assessment("refuse", prohibited=prohibited)
    outcome = a.determination.outcome
    assert outcome == ("refuse_art6" if prohibited else "refuse")
    basis = guidance.catalogues.legal_bases[outcome].replace("{paragraphs}", "6(1)")
    text = pages(build_pdf(a, guidance))
    assert squash(guidance.catalogues.outcomes[outcome]) in squash(text[0])
    assert squash(basis) in squash(text[0]), "the cover names the legal basis"
    assert squash("".join(text[1:])).count(squash(basis)) >= 1, "and so does the determination section"
    # the reading of "knowledge" the authority applies is printed with Art. 6(3)
    reading = guidance.catalogues.knowledge_readings[a.article6.p3_reading]
    assert squash(reading) in squash("".join(text))


def test_the_chinese_font_is_loaded_only_for_a_record_that_needs_it(tmp_path: Path):
    """A fresh process: a Latin-only record leaves the 5 MB Chinese font unread; Chinese text loads it."""
    code = (
        "from pathlib import Path\n"
        "from wizard.formats import read_document\n"
        "from wizard.guidance import load_guidance\n"
        "from wizard.record import build_pdf\n"
        "from wizard import record_fonts\n"
        "g = load_guidance('en')\n"
        f"a = read_document(Path({str(EXAMPLE)!r}).read_bytes())\n"
        "build_pdf(a, g)\n"
        "print(record_fonts.cjk_loaded())\n"
        "a.case.end_user = '国家警察公共秩序局'\n"
        "text = build_pdf(a, g)\n"
        "print(record_fonts.cjk_loaded())\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parent.parent)
    assert done.stdout.split() == ["False", "True"], done.stdout + done.stderr


def test_chinese_closing_punctuation_does_not_start_a_line_in_the_record_or_the_fact_sheet():
    """Issue 11: Chinese wraps by Chinese rules. A comma, full stop, colon, semicolon, question or exclamation
    mark, enumeration comma or closing bracket hangs at the end of the line before instead of opening the next;
    only where two closing marks meet (》，) may the second open a line (ReportLab hangs one character)."""
    from wizard.factsheet import render_factsheet
    from wizard.record_text import CHINESE_CANNOT_START

    zh = load_guidance("zh")
    a = example_assessment()
    a.determination.reasons = ("最终用户的部队多次被指控实施性暴力，有罪不罚现象普遍；缓解措施：交付后核查、"
                               "仅向经审查单位供货。结论？存在高于一切的风险！") * 12
    for pdf in (build_pdf(a, zh), render_factsheet(zh).pdf):
        lines = [ln for page in PdfReader(io.BytesIO(pdf)).pages for ln in page.extract_text().splitlines()]
        assert len(lines) > 300
        bad = [(before[-12:], line[:12]) for before, line in itertools.pairwise(lines)
               if line[:1] in CHINESE_CANNOT_START and before[-1:] not in CHINESE_CANNOT_START]
        assert bad == []
