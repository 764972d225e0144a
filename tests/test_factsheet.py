"""The Article 7(4) fact sheet (``wizard/factsheet.py``), read back with pypdf.

Text is compared squashed (all white space removed), since lines wrap wherever the layout puts them. The page
furniture (header: title and "fact sheet"; footer: version and "page X of Y") is drawn after each page's body,
so it is the last four lines of each page's text; ``_body`` leaves it out.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from wizard import order
from wizard.cli import main
from wizard.factsheet import MAX_PAGES, build_factsheet, file_name, render_factsheet
from wizard.guidance import load_guidance
from wizard.guidance_schema import Guidance

REPO = Path(__file__).resolve().parent.parent
SIZES = {"A4": (595.3, 841.9), "letter": (612.0, 792.0)}
FURNITURE_LINES = 4


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pages_text(pdf: bytes) -> list[str]:
    return [p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages]


def body(pdf: bytes) -> str:
    """The text of every page without its header and footer, squashed."""
    return "".join(squash("\n".join(t.splitlines()[:-FURNITURE_LINES])) for t in pages_text(pdf))


@pytest.fixture(scope="module")
def pdfs(guidance: Guidance) -> dict[str, bytes]:
    return {size: build_factsheet(guidance, size) for size in SIZES}


@pytest.fixture(scope="module")
def bodies(pdfs: dict[str, bytes]) -> dict[str, str]:
    return {size: body(pdf) for size, pdf in pdfs.items()}


# ---------------------------------------------------------------------------------------------------------
# Pages, furniture, metadata


@pytest.mark.parametrize("size", SIZES)
def test_four_to_eight_pages_of_the_right_size(pdfs, size):
    reader = PdfReader(io.BytesIO(pdfs[size]))
    assert 4 <= len(reader.pages) <= MAX_PAGES == 8
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(SIZES[size], abs=0.5)


@pytest.mark.parametrize("size", SIZES)
def test_every_page_has_the_title_the_version_and_page_x_of_y(guidance, pdfs, size):
    texts = pages_text(pdfs[size])
    for n, text in enumerate(texts, 1):
        head, right, foot, page = [line.strip() for line in text.splitlines()[-FURNITURE_LINES:]]
        title = guidance.meta.title
        assert head == title or (head.endswith("…") and title.startswith(head[:-1].rstrip()))
        assert right == guidance.t("factsheet_header")
        assert foot == guidance.t("factsheet_footer", version=guidance.stamp)
        assert guidance.stamp in foot
        assert page == guidance.t("factsheet_page_x_of_y", page=n, pages=len(texts))


def test_metadata_names_the_title_subject_and_language(guidance, pdfs):
    reader = PdfReader(io.BytesIO(pdfs["A4"]))
    meta = reader.metadata
    assert meta.title == guidance.t("factsheet_pdf_title", title=guidance.meta.title)
    assert meta.subject == guidance.t("factsheet_pdf_subject", version=guidance.stamp)
    assert guidance.stamp in meta.subject
    assert reader.trailer["/Root"]["/Lang"] == guidance.language


def test_the_same_guidance_gives_the_same_bytes(guidance, pdfs):
    for size, pdf in pdfs.items():
        assert build_factsheet(guidance, size) == pdf


def test_fonts_are_embedded(pdfs):
    reader = PdfReader(io.BytesIO(pdfs["A4"]))
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            assert "Helvetica" not in str(font["/BaseFont"])
            assert "/FontFile2" in font["/FontDescriptor"].get_object()


def test_an_unknown_page_size_is_refused(guidance):
    with pytest.raises(ValueError, match="page size"):
        build_factsheet(guidance, "A5")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------------------
# Content


@pytest.mark.parametrize("size", SIZES)
def test_steps_in_the_wizards_order_with_both_numberings(guidance, bodies, size):
    text = bodies[size]
    steps = order.step_positions(guidance)
    assert len(steps) == 5
    at = {}
    for pos in steps:
        kicker = guidance.t("factsheet_step_label", index=pos.index, total=pos.total,
                            flowchart=pos.screen.flowchart_step)
        heading = squash(kicker + pos.screen.title)
        assert text.count(heading) == 1, pos.screen.id
        at[pos.screen.id] = text.index(heading)
    assert list(at.values()) == sorted(at.values())
    assert at["mitigation"] < at["overriding_risk"]
    assert squash(guidance.t("factsheet_step_label", index=4, total=5, flowchart=5)) + squash(
        guidance.screen("mitigation").title) in text
    assert squash(guidance.t("factsheet_step_label", index=5, total=5, flowchart=4)) + squash(
        guidance.screen("overriding_risk").title) in text
    article6 = next(s for s in guidance.screens if s.kind == "article6")
    assert text.index(squash(article6.title)) < min(at.values())


def test_disclaimer_and_the_reason_for_the_order(guidance, bodies):
    text = bodies["A4"]
    assert squash(guidance.meta.disclaimer) in text
    assert squash(guidance.meta.order_reason) in text
    assert squash(guidance.meta.title) in text


def test_each_step_has_its_purpose_questions_indicators_sources_and_source_line(guidance, bodies):
    text = bodies["A4"]
    numbers = {r.id: n for n, r in enumerate(guidance.references, 1)}
    for pos in order.step_positions(guidance):
        s = pos.screen
        first = s.purpose.strip().split("\n\n")[0]
        assert squash(guidance.t("factsheet_purpose") + first) in text, s.id
        for item in (*s.guiding_questions, *(q.label for q in s.questions), *s.indicators,
                     *s.information_sources):
            assert squash(item) in text, (s.id, item)
        if s.references:
            cites = guidance.t("factsheet_citation_separator").join(
                guidance.t("factsheet_citation", n=numbers[r]) for r in s.references)
            assert squash(guidance.t("factsheet_sources", sources=cites)) in text, s.id


@pytest.mark.parametrize("size", SIZES)
def test_every_glossary_term_and_every_reference(guidance, bodies, size):
    text = bodies[size]
    for term in guidance.glossary:
        assert squash(term.term) in text, term.id
    assert squash(guidance.t("factsheet_references_heading")) in text
    for n, ref in enumerate(guidance.references, 1):
        assert squash(ref.title) in text, ref.id
        assert squash(ref.author) in text, ref.id
        assert squash(ref.locator) in text, ref.id
        if ref.year is not None:
            assert str(ref.year) in text
        assert squash(guidance.t("factsheet_citation", n=n) + ref.title) in text, ref.id


@pytest.mark.parametrize("size", SIZES)
def test_no_ui_key_shows_instead_of_its_text(pdfs, size):
    text = "\n".join(pages_text(pdfs[size]))
    assert "factsheet_" not in text
    assert "record_" not in text  # the flowchart's labels


def test_every_factsheet_string_is_in_ui_yaml(guidance):
    source = (REPO / "wizard" / "factsheet.py").read_text(encoding="utf-8")
    used = set(re.findall(r'"(factsheet_[a-z0-9_]+)"', source))
    assert used, "the fact sheet takes its words from ui.yaml"
    assert sorted(used - set(guidance.ui)) == []


def test_file_name_carries_the_version(guidance):
    assert file_name(guidance) == f"att-7-4-factsheet-{guidance.version}.pdf"


# ---------------------------------------------------------------------------------------------------------
# The command


def test_cli_writes_the_fact_sheet(pdfs, tmp_path, capsys):
    out = tmp_path / "FACTSHEET.pdf"
    assert main(["factsheet", "-o", str(out)]) == 0
    assert out.read_bytes() == pdfs["A4"]
    assert str(out) in capsys.readouterr().out
    letter = tmp_path / "letter.pdf"
    assert main(["factsheet", "--lang", "en", "-o", str(letter), "--page-size", "letter"]) == 0
    assert letter.read_bytes() == pdfs["letter"]


def test_cli_as_a_command(tmp_path):
    out = tmp_path / "FACTSHEET.pdf"
    r = subprocess.run([sys.executable, "-m", "wizard", "factsheet", "-o", str(out)], cwd=REPO,
                       capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert r.returncode == 0, r.stderr
    assert out.read_bytes().startswith(b"%PDF-")
    assert 4 <= len(PdfReader(out).pages) <= 8


def test_cli_exits_1_when_the_file_cannot_be_written(tmp_path, capsys):
    assert main(["factsheet", "-o", str(tmp_path / "no-such-folder" / "FACTSHEET.pdf")]) == 1
    assert "cannot write" in capsys.readouterr().err
    assert main(["factsheet", "-o", str(tmp_path)]) == 1  # a folder
    assert "cannot write" in capsys.readouterr().err


def test_cli_exits_1_when_the_guidance_cannot_be_loaded(tmp_path, capsys):
    assert main(["factsheet", "--lang", "xx", "-o", str(tmp_path / "x.pdf")]) == 1
    assert "guidance cannot be loaded" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


# ---------------------------------------------------------------------------------------------------------
# Hostile text


HOSTILE = "<b>& 高于一切的风险 " + "Ж" * 5000


def _copy(tmp_path: Path, guidance_root: Path) -> Path:
    root = tmp_path / "guidance"
    shutil.copytree(guidance_root / "en", root / "en")
    return root


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_a_hostile_glossary_term_still_builds(tmp_path, guidance_root):
    root = _copy(tmp_path, guidance_root)

    def change(data):
        data["terms"][0]["term"] = HOSTILE
        data["terms"][1]["definition"] = "<i>unclosed & " + "y" * 5000 + " </font>"

    _edit(root / "en" / "glossary.yaml", change)
    g = load_guidance("en", root=root)
    sheet = render_factsheet(g, "A4")
    text = "\n".join(pages_text(sheet.pdf))
    assert "<b>&" in text
    assert "高于一切的风险" in text
    assert text.count("Ж") >= 5000
    assert "<i>unclosed &" in text
    assert text.count("y") >= 5000
    assert build_factsheet(g, "letter").startswith(b"%PDF-")


def test_hostile_text_everywhere_still_builds(tmp_path, guidance_root):
    root = _copy(tmp_path, guidance_root)
    en = root / "en"
    _edit(en / "meta.yaml", lambda d: d.update(title="<title>& 标题 " + "T" * 3000))
    prevalence = next(p for p in (en / "screens").glob("*.yaml")
                      if yaml.safe_load(p.read_text(encoding="utf-8"))["id"] == "prevalence")

    def screen(d):
        d["title"] = "<&> " + "S" * 1500
        d["indicators"] = ["& < > 指标 " + "長" * 3000, *d.get("indicators", [])]

    _edit(prevalence, screen)
    _edit(en / "references.yaml", lambda d: d["references"][0].update(title="<ref>& " + "R" * 5000))
    g = load_guidance("en", root=root)
    for size in SIZES:
        pdf = build_factsheet(g, size)
        text = "\n".join(pages_text(pdf))
        assert "<title>&" in text and "<ref>&" in text and "& < > 指标" in text
        assert text.count("長") >= 3000
        assert "factsheet_" not in text
