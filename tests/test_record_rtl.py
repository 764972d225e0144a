"""Right-to-left text in the record (issue 10): Arabic shaped and Hebrew and Arabic in reading order on the
page, and text extraction (pypdf, as search and copy would) gives the words back in logical order."""

from __future__ import annotations

import io
import unicodedata

import pytest
from pypdf import PdfReader

from tests.conftest import example_assessment
from wizard.guidance_schema import Guidance
from wizard.model import Assessment
from wizard.record import build_pdf, verify_pdf
from wizard.record_text import visual

ARABIC = "قوات الأمن العام"  # "public security forces", with a lam-alef ligature
HEBREW = "משטרת ישראל"


@pytest.fixture(scope="module")
def draft() -> Assessment:
    return example_assessment(draft=True)


def test_arabic_is_shaped_and_right_to_left_runs_are_drawn_in_display_order():
    shown = visual(ARABIC)
    assert all(0xFE70 <= ord(c) <= 0xFEFF or c == " " for c in shown), "joined (presentation) forms"
    assert unicodedata.normalize("NFKC", shown)[::-1].replace(" ", "") != ARABIC.replace(" ", ""), \
        "not simply reversed: the lam-alef is one glyph"
    assert visual(HEBREW) == HEBREW[::-1], "a Hebrew run is drawn right to left"
    assert visual("EXP-2026 (Police)") == "EXP-2026 (Police)", "left-to-right text is left alone"


@pytest.mark.parametrize("text", [ARABIC, HEBREW, f"{ARABIC} (Public Security Forces) — {HEBREW}",
                                  "وزارة الداخلية في لا مكان"])
def test_extraction_gives_the_words_in_reading_order(draft: Assessment, guidance: Guidance, text: str):
    a = draft.model_copy(deep=True)
    a.case.end_user = text
    pdf = build_pdf(a, guidance)
    found = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    for words in (ARABIC, HEBREW, "وزارة الداخلية في لا مكان"):
        if words in text:
            assert words in found, (words, found[:400])
    assert verify_pdf(pdf, guidance).ok
