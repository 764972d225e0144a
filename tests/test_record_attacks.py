"""Verify holds both ways (issue 10): every change a forger was seen to make fails, a damaged file gets a reason
and never a traceback, and a genuine record with the longest fields the app accepts passes.

Each attack is the smallest change that would mislead a reader: most are incremental updates (what a PDF editor
appends on "save"), made with pypdf's incremental writer on a genuine record.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from tests.conftest import example_assessment
from wizard.cli import cmd_verify
from wizard.guidance_schema import Guidance
from wizard.model import SHORT_TEXT_MAX, Answer, Assessment
from wizard.record import build_pdf, verify_pdf


@pytest.fixture(scope="module")
def assessment() -> Assessment:
    """The example as a draft: a final record must also be signed (tests/test_record_signing.py); the content
    checks here are the same for both."""
    return example_assessment(draft=True)


@pytest.fixture(scope="module")
def record(assessment: Assessment, guidance: Guidance) -> bytes:
    return build_pdf(assessment, guidance)


def _update(pdf: bytes, change: Callable[[PdfWriter], None]) -> bytes:
    """An incremental update of ``pdf``: the original bytes, then what ``change`` adds."""
    writer = PdfWriter(io.BytesIO(pdf), incremental=True)
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    data = out.getvalue()
    assert data.startswith(pdf), "an incremental update keeps the original bytes"
    return data


def _info(key: str, value: str) -> Callable[[PdfWriter], None]:
    return lambda w: w.add_metadata({key: value})


def _javascript(w: PdfWriter) -> None:
    action = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                               NameObject("/JS"): TextStringObject("app.alert('Approved by the minister');")})
    names = w._root_object["/Names"].get_object()
    names[NameObject("/JavaScript")] = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("approve"), w._add_object(action)])})


def _page_open_action(w: PdfWriter) -> None:
    action = DictionaryObject({NameObject("/S"): NameObject("/URI"),
                               NameObject("/URI"): TextStringObject("https://example.org/track")})
    w.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): w._add_object(action)})


def _outline(w: PdfWriter) -> None:
    w.add_outline_item(title="Outcome: authorised without conditions", page_number=0)


def _page_labels(w: PdfWriter) -> None:
    w.set_page_label(0, 0, "/r")


def _rotate(w: PdfWriter) -> None:
    w.pages[0][NameObject("/Rotate")] = NumberObject(180)


def _crop_the_cover(w: PdfWriter) -> None:
    box = w.pages[0].mediabox
    # Only the top third of the cover stays visible: the determination box below it is hidden.
    w.pages[0][NameObject("/CropBox")] = ArrayObject([FloatObject(0), FloatObject(float(box.top) * 2 / 3),
                                                       FloatObject(float(box.right)), FloatObject(float(box.top))])


ATTACKS = {
    "a changed title": _info("/Title", "Assessment EXP-2026-9999 (approved)"),
    "a changed author": _info("/Author", "Head of Licensing"),
    "JavaScript in the name tree": _javascript,
    "a URI action when page 1 opens": _page_open_action,
    "an added outline": _outline,
    "added page labels": _page_labels,
    "a rotated page": _rotate,
    "a crop box hiding the determination": _crop_the_cover,
}


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_every_update_after_the_render_is_reported(record: bytes, guidance: Guidance, attack: str):
    result = verify_pdf(_update(record, ATTACKS[attack]), guidance)
    assert not result.ok, attack
    assert any("differs from the record" in p for p in result.problems), result.problems


def test_the_report_names_what_changed(record: bytes, guidance: Guidance):
    problems = " ".join(verify_pdf(_update(record, _rotate), guidance).problems)
    assert "page 1 /Rotate" in problems, problems
    problems = " ".join(verify_pdf(_update(record, ATTACKS["a changed author"]), guidance).problems)
    assert "document information /Author" in problems and "Head of Licensing" in problems, problems


def test_a_re_save_that_re_encodes_but_changes_nothing_passes(record: bytes, guidance: Guidance):
    """A plain re-save of identical content (renumbered, streams compressed otherwise) says the same: it passes."""
    writer = PdfWriter(clone_from=io.BytesIO(record))
    for page in writer.pages:
        page.compress_content_streams(level=1)
    out = io.BytesIO()
    writer.write(out)
    same = out.getvalue()
    assert same != record
    result = verify_pdf(same, guidance)
    assert result.ok, result.problems
    assert any("saved again" in n for n in result.notes), result.notes


def test_a_hidden_answer_under_an_unknown_step_fails(assessment: Assessment, guidance: Guidance):
    """The pages cannot show an answer under a step the guidance does not have: it would be a hidden answer."""
    a = assessment.model_copy(deep=True)
    a.set_answer("secret_step", "note", Answer(value="Approve regardless of the findings."))
    result = verify_pdf(build_pdf(a, guidance), guidance)
    assert not result.ok
    assert any("secret_step" in p for p in result.problems), result.problems


def test_a_genuine_record_with_the_longest_fields_verifies(assessment: Assessment, guidance: Guidance):
    a = assessment.model_copy(deep=True)
    long = ("EXP-2026-0417 " + "reference continued, " * 200)[:SHORT_TEXT_MAX]
    a.case.reference = long
    a.case.importing_state = ("Republic of " + "Veloria " * 250)[:SHORT_TEXT_MAX]
    a.officer = ("Officer " * 300)[:SHORT_TEXT_MAX]
    pdf = build_pdf(a, guidance)
    result = verify_pdf(pdf, guidance)
    assert result.ok, result.problems
    from pypdf import PdfReader

    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
    assert result.fingerprint in pages[0], "the fingerprint is on page 1"
    assert "…" in pages[0], "the cover shortens long values"
    assert "reference continued, reference continued" in " ".join(pages[1:]).replace("\n", " "), \
        "the case section prints them in full"


def _flip(pdf: bytes, at: int) -> bytes:
    return pdf[:at] + bytes([pdf[at] ^ 0x55]) + pdf[at + 1:]


def test_one_damaged_byte_in_a_content_stream_gives_a_reason_not_a_traceback(record: bytes, guidance: Guidance):
    start = record.index(b"stream\n", record.index(b"/Contents")) + 7 if b"/Contents" in record else 0
    result = verify_pdf(_flip(record, start + 5), guidance)
    assert not result.ok and result.problems


def test_cmd_verify_on_a_damaged_file_says_why(tmp_path: Path, record: bytes, capsys: pytest.CaptureFixture[str]):
    path = tmp_path / "damaged.pdf"
    path.write_bytes(record[: len(record) // 2])
    assert cmd_verify(SimpleNamespace(record=str(path))) == 1
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzzed_records_are_answered_never_raised(record: bytes, guidance: Guidance, data: st.DataObject):
    """Flipped bytes, cut files and inserted junk: verify always answers, and a failure always says why."""
    kind = data.draw(st.sampled_from(["flip", "cut", "insert"]))
    at = data.draw(st.integers(0, len(record) - 1))
    if kind == "flip":
        damaged = _flip(record, at)
    elif kind == "cut":
        damaged = record[:at]
    else:
        damaged = record[:at] + data.draw(st.binary(min_size=1, max_size=64)) + record[at:]
    result = verify_pdf(damaged, guidance)
    assert result.ok or (result.problems and all(isinstance(p, str) and p for p in result.problems))
