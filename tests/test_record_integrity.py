"""Verification and re-import of PDF records: a fresh record passes; any changed byte that matters fails."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from pypdf import PdfReader, PdfWriter
from pypdf.generic import StreamObject
from reportlab.platypus import Paragraph, SimpleDocTemplate

from tests.conftest import example_assessment
from wizard.cli import cmd_verify
from wizard.guidance import load_guidance
from wizard.guidance_schema import Guidance
from wizard.model import Assessment, AssessmentFormatError, canonical_json
from wizard.record import build_pdf, extract_assessment, fingerprint, verify_pdf


@pytest.fixture(scope="module")
def assessment() -> Assessment:
    """The example as a draft: a final record must also be signed (tests/test_record_signing.py); the content
    checks here are the same for both."""
    return example_assessment(draft=True)


@pytest.fixture(scope="module")
def record(assessment: Assessment, guidance: Guidance) -> bytes:
    return build_pdf(assessment, guidance)


def _rewrite(pdf: bytes, change) -> bytes:
    """Apply ``change(writer)`` to a copy of the PDF and return the new file."""
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _embedded_stream(writer: PdfWriter) -> StreamObject:
    names = writer._root_object["/Names"]["/EmbeddedFiles"]["/Names"]
    return names[1].get_object()["/EF"]["/F"].get_object()


def test_a_fresh_record_verifies(record: bytes, assessment: Assessment, guidance: Guidance):
    result = verify_pdf(record, guidance)
    assert result.ok, result.problems
    assert result.problems == []
    assert result.fingerprint == fingerprint(assessment)
    assert (result.assessment_id, result.revision) == (assessment.id, assessment.revision)


def test_a_rewritten_but_unchanged_record_still_verifies(record: bytes, guidance: Guidance):
    """Saving the file again (another tool, other bytes) is not tampering: the content is compared."""
    result = verify_pdf(_rewrite(record, lambda w: None), guidance)
    assert result.ok, result.problems


def test_the_attachment_is_the_canonical_json(record: bytes, assessment: Assessment):
    data = PdfReader(io.BytesIO(record)).attachments["assessment.json"][0]
    assert data == canonical_json(assessment)


def test_import_gives_back_an_equal_assessment(record: bytes, assessment: Assessment):
    again = extract_assessment(record)
    assert again == assessment
    assert canonical_json(again) == canonical_json(assessment)


def test_one_changed_byte_in_the_attachment_fails(record: bytes, guidance: Guidance):
    def change(writer: PdfWriter) -> None:
        stream = _embedded_stream(writer)
        data = stream.get_data()
        at = data.index(b"Marenland")
        stream.set_data(data[:at] + b"N" + data[at + 1:])

    tampered = _rewrite(record, change)
    result = verify_pdf(tampered, guidance)
    assert not result.ok
    assert any("does not match the embedded assessment" in p for p in result.problems), result.problems


def test_one_changed_raw_byte_in_the_compressed_attachment_fails(record: bytes, guidance: Guidance):
    at = record.index(b"/Type /EmbeddedFile")
    start = record.index(b"stream\n", at) + len(b"stream\n") + 40
    tampered = record[:start] + bytes([record[start] ^ 0x01]) + record[start + 1:]
    result = verify_pdf(tampered, guidance)
    assert not result.ok and result.problems


def _page_stream(writer: PdfWriter, index: int) -> tuple[object, bytes]:
    contents = writer.pages[index].get_contents()
    return contents, contents.get_data()


def test_one_changed_byte_of_visible_text_fails(record: bytes, guidance: Guidance):
    def change(writer: PdfWriter) -> None:
        contents, data = _page_stream(writer, 1)
        # "Kvalsund" (the exporter's town) is drawn in DejaVu Sans; ASCII keeps its codes in the subset.
        at = data.index(b"Kvalsund")
        contents.set_data(data[:at] + b"L" + data[at + 1:])
        writer.pages[1].replace_contents(contents)

    tampered = _rewrite(record, change)
    result = verify_pdf(tampered, guidance)
    assert not result.ok
    assert any("visible text of page(s) 2" in p for p in result.problems), result.problems


def test_one_changed_character_of_the_printed_fingerprint_fails(record: bytes, assessment: Assessment,
                                                                  guidance: Guidance):
    fp = fingerprint(assessment)
    wrong = fp[:40] + ("0" if fp[40] != "0" else "1") + fp[41:]

    def change(writer: PdfWriter) -> None:
        contents, data = _page_stream(writer, 0)
        contents.set_data(data.replace(fp.encode(), wrong.encode()))
        writer.pages[0].replace_contents(contents)

    result = verify_pdf(_rewrite(record, change), guidance)
    assert not result.ok
    assert any(f"printed on the cover ({wrong})" in p for p in result.problems), result.problems


def test_a_changed_footer_fingerprint_fails(record: bytes, assessment: Assessment, guidance: Guidance):
    fp = fingerprint(assessment)

    def change(writer: PdfWriter) -> None:
        contents, data = _page_stream(writer, 3)
        contents.set_data(data.replace(fp[:12].encode(), b"000000000000"))
        writer.pages[3].replace_contents(contents)

    result = verify_pdf(_rewrite(record, change), guidance)
    assert not result.ok
    assert any("footer of page(s) 4" in p for p in result.problems), result.problems


def test_a_changed_fingerprint_in_the_document_information_fails(record: bytes, guidance: Guidance):
    result = verify_pdf(_rewrite(record, lambda w: w.add_metadata({"/Subject": "sha256:" + "0" * 64})),
                        guidance)
    assert not result.ok
    assert any("document information" in p for p in result.problems)


def test_an_attachment_swapped_for_another_assessment_fails(record: bytes, assessment: Assessment,
                                                            guidance: Guidance):
    other = assessment.model_copy(deep=True)
    other.determination.outcome = "authorise"

    def change(writer: PdfWriter) -> None:
        _embedded_stream(writer).set_data(canonical_json(other))

    result = verify_pdf(_rewrite(record, change), guidance)
    assert not result.ok
    assert any("cover" in p for p in result.problems)
    assert any("visible text" in p for p in result.problems)


def test_other_guidance_is_named_clearly(record: bytes, tmp_path: Path, guidance_root: Path):
    copy = tmp_path / "guidance"
    shutil.copytree(guidance_root, copy)
    meta = copy / "en" / "meta.yaml"
    data = yaml.safe_load(meta.read_text())
    data["version"] = "2099.1-en.9"
    meta.write_text(yaml.safe_dump(data, allow_unicode=True))
    result = verify_pdf(record, load_guidance("en", root=copy))
    assert not result.ok
    assert any("2099.1-en.9" in p and "guidance" in p for p in result.problems), result.problems


def test_not_a_record(tmp_path: Path):
    buf = io.BytesIO()
    SimpleDocTemplate(buf).build([Paragraph("just a PDF")])
    plain = buf.getvalue()
    with pytest.raises(AssessmentFormatError, match=r"no embedded assessment\.json"):
        extract_assessment(plain)
    with pytest.raises(AssessmentFormatError, match="not a readable PDF"):
        extract_assessment(b"hello, not a pdf")
    assert not verify_pdf(plain).ok
    assert not verify_pdf(b"garbage").ok


def test_an_invalid_embedded_assessment_is_refused_with_a_reason(record: bytes):
    def change(writer: PdfWriter) -> None:
        _embedded_stream(writer).set_data(b'{"format_version": 1, "status": "sealed"}')

    with pytest.raises(AssessmentFormatError, match="status"):
        extract_assessment(_rewrite(record, change))


def test_cmd_verify(tmp_path: Path, record: bytes, capsys: pytest.CaptureFixture[str]):
    good = tmp_path / "good.pdf"
    good.write_bytes(record)
    assert cmd_verify(SimpleNamespace(record=str(good))) == 0
    assert capsys.readouterr().out.startswith("OK: ")
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(_rewrite(record, lambda w: w.add_metadata({"/Subject": "sha256:0"})))
    assert cmd_verify(SimpleNamespace(record=str(bad))) == 1
    assert "FAILED" in capsys.readouterr().out
    assert cmd_verify(SimpleNamespace(record=str(tmp_path / "missing.pdf"))) == 1


def test_letter_and_annex_records_verify(assessment: Assessment, guidance: Guidance):
    pdf = build_pdf(assessment, guidance, page_size="letter", annex=True)
    assert verify_pdf(pdf, guidance).ok


def test_the_fingerprint_is_sha256_of_the_canonical_json(assessment: Assessment):
    import hashlib

    assert fingerprint(assessment) == hashlib.sha256(canonical_json(assessment)).hexdigest()
    assert re.fullmatch(r"[0-9a-f]{64}", fingerprint(assessment))


def test_a_note_added_over_the_cover_fails(record: bytes, guidance: Guidance):
    """An annotation changes what a reader sees without changing the page text."""
    from pypdf.annotations import FreeText

    def change(writer: PdfWriter) -> None:
        writer.add_annotation(page_number=0, annotation=FreeText(text="OUTCOME: AUTHORISE", rect=(50, 50, 300, 90)))

    result = verify_pdf(_rewrite(record, change), guidance)
    assert not result.ok and any("annotations" in p for p in result.problems)


def test_a_rectangle_drawn_over_the_text_fails(record: bytes, guidance: Guidance):
    """Covering a line with a white box leaves the extracted text as it was; the drawing still differs."""

    def change(writer: PdfWriter) -> None:
        page = writer.pages[0]
        contents = page.get_contents()
        contents.set_data(contents.get_data() + b"\nq 1 1 1 rg 50 500 400 200 re f Q")
        page.replace_contents(contents)

    result = verify_pdf(_rewrite(record, change), guidance)
    assert not result.ok and any("drawing of page(s) 1" in p for p in result.problems)


def test_another_hash_typed_on_the_cover_does_not_confuse_the_check(assessment: Assessment, guidance: Guidance):
    """Officers paste evidence hashes into fields that the cover prints before the fingerprint."""
    other = assessment.model_copy(deep=True)
    other.case.reference = "ab" * 32
    assert verify_pdf(build_pdf(other, guidance), guidance).ok
