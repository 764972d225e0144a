"""Arbitrary Unicode in every text field always renders, and the record shows it (or its documented
replacement, see ``wizard/record_fonts.py``)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_record import body_text, squash
from wizard.guidance_schema import Guidance
from wizard.model import Answer, Assessment, Consultation, InformationGap, Item
from wizard.record import build_pdf, missing_glyphs, verify_pdf
from wizard.record_fonts import displayed_text, unshowable

# Every kind of text field the record prints; each example fills all of them at once.
FIELDS = (
    "case.reference", "case.exporter", "case.importing_state", "case.end_user", "case.end_use",
    "case.art8_documents", "case.protective_marking", "item.description", "item.currency",
    "article6.p2.reasons", "answer.reasons", "answer.text", "cell.text", "source.title", "source.publisher",
    "source.reference", "source.findings", "gap.description", "gap.asked_of", "gap.response",
    "consultation.who", "consultation.advice", "determination.reasons", "determination.conditions",
    "determination.reassessment_triggers", "signoff.officer", "signoff.reviewer",
)

# Right-to-left letters (Arabic, Hebrew) are printed, but in the order typed and unshaped: ReportLab does no
# bidi layout, and pypdf reorders them on extraction, so they are checked separately below.
RTL = {"R", "AL", "AN"}
text = st.text(st.characters(exclude_categories=("Cs",)).filter(lambda c: unicodedata.bidirectional(c) not in RTL),
               max_size=60)


def fill(a: Assessment, values: dict[str, str]) -> None:
    v = values.__getitem__
    for name in ("reference", "exporter", "importing_state", "end_user", "end_use", "art8_documents",
                 "protective_marking"):
        setattr(a.case, name, v(f"case.{name}"))
    a.case.items = [Item(description=v("item.description"), category="3", quantity=5, value=1.0,
                         currency=v("item.currency"))]
    a.article6.p2.reasons = v("article6.p2.reasons")
    a.set_answer("prevention", "legal_framework", Answer(value="partial", reasons=v("answer.reasons"),
                                                         evidence=["S1"]))
    a.set_answer("prevention", "end_user_measures", Answer(value=v("answer.text")))
    forms = a.answer("seriousness", "forms")
    rows = [dict(r) for r in forms.value or []]  # type: ignore[union-attr]
    if rows:
        rows[0]["reasons"] = v("cell.text")
    a.set_answer("seriousness", "forms", forms.model_copy(update={"value": rows}))
    s = a.evidence[0]
    s.title, s.publisher, s.reference, s.findings = (v("source.title"), v("source.publisher"),
                                                     v("source.reference"), v("source.findings"))
    a.gaps = [InformationGap(description=v("gap.description"), asked_of=v("gap.asked_of"),
                             response=v("gap.response"))]
    a.consultations = [Consultation(who=v("consultation.who"), advice=v("consultation.advice"))]
    d = a.determination
    d.reasons, d.conditions, d.reassessment_triggers = (v("determination.reasons"), v("determination.conditions"),
                                                        v("determination.reassessment_triggers"))
    a.signoff.officer, a.signoff.reviewer = v("signoff.officer"), v("signoff.reviewer")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.fixed_dictionaries({f: text for f in FIELDS}))
def test_any_text_in_any_field_renders_and_is_shown(guidance: Guidance,
                                                    make_assessment: Callable[..., Assessment],
                                                    values: dict[str, str]):
    a = make_assessment()
    fill(a, values)
    pdf = build_pdf(a, guidance)
    shown = squash(body_text(pdf))
    for field, typed in values.items():
        assert squash(displayed_text(typed)) in shown, (field, typed)
    # every character the record cannot show is listed, by field, in the record itself
    listed = {chars for _path, chars in missing_glyphs(a)}
    for typed in values.values():
        if unshowable(typed):
            assert unshowable(typed) in listed


def test_right_to_left_text_is_printed(guidance: Guidance, make_assessment: Callable[..., Assessment]):
    a = make_assessment()
    a.case.end_user = "وحدة الشرطة ؟ משטרה"
    shown = squash(body_text(build_pdf(a, guidance)))
    assert missing_glyphs(a) == []
    for word in ("وحدة", "الشرطة", "משטרה"):
        assert word in shown or word[::-1] in shown


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(reason=st.text(min_size=1, max_size=200))
def test_any_record_verifies_and_reimports(guidance: Guidance, make_assessment: Callable[..., Assessment],
                                           reason: str):
    a = make_assessment()
    a.determination.reasons = reason
    pdf = build_pdf(a, guidance)
    assert verify_pdf(pdf, guidance).ok


@given(st.text())
def test_displayed_text_only_holds_characters_the_fonts_have(s: str):
    shown = displayed_text(s)
    assert unshowable(shown) == ""
    assert len(shown) >= len(s.replace("\r\n", "\n"))
