"""Checking a PDF record against the assessment embedded in it, and re-opening that assessment.

A record is consistent when (1) the embedded ``assessment.json`` hashes to the SHA-256 printed on the cover,
in the footer of every page and in the document info, and (2) rendering that assessment again, with the same
guidance and options, gives the same visible text on every page. (2) is what catches an edited page: the
pages are compared with a fresh render rather than trusted.

The renderer is handed in (a ``Builder``), so this module does not depend on the one that builds records;
``wizard.record.verify_pdf`` passes its own.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pypdf import PageObject, PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ContentStream

from wizard import answer_check, record_signing, record_structure
from wizard.formats import read_document
from wizard.guidance_schema import Guidance, GuidanceError
from wizard.model import Assessment, AssessmentFormatError, canonical_json
from wizard.record_canvas import ATTACHMENT_NAME

_HEX64 = re.compile(r"(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])")
MAX_REPORTED_PAGES = 5


@dataclass(frozen=True)
class Builder:
    """How records are made: ``build(assessment, guidance, page_size=..., annex=...)`` gives the PDF bytes,
    ``guidance_for(language)`` the guidance for a record's language, ``renderer`` the name and layout version
    every record carries (``/Creator``)."""

    build: Callable[..., bytes]
    guidance_for: Callable[[str], Guidance]
    renderer: str


@dataclass
class VerifyResult:
    ok: bool
    problems: list[str]
    fingerprint: str | None
    assessment_id: str | None = None
    revision: int | None = None
    notes: list[str] = field(default_factory=list)
    signed: bool = False
    signer: str | None = None
    certificate_sha256: str | None = None
    signed_at: datetime | None = None
    status: str | None = None  # the embedded assessment's: "draft" or "final"


def _reader(pdf: bytes) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(pdf))
        _ = len(reader.pages)
        return reader
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as err:
        raise AssessmentFormatError(f"not a readable PDF file: {err}") from None


def _attachment(reader: PdfReader) -> bytes:
    try:
        found = reader.attachments.get(ATTACHMENT_NAME)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError) as err:
        raise AssessmentFormatError(f"the PDF's embedded files cannot be read: {err}") from None
    if not found:
        raise AssessmentFormatError(
            f"this PDF has no embedded {ATTACHMENT_NAME}: it is not a record made by this tool, or the "
            f"attachment was removed")
    return found[0]


def extract_assessment(pdf: bytes) -> Assessment:
    """The assessment embedded in a record; AssessmentFormatError says why if there is none or it is bad."""
    data = _attachment(_reader(pdf))
    try:
        return read_document(data)  # a record made by an older version of the tool is upgraded, like JSON
    except AssessmentFormatError as err:
        raise AssessmentFormatError(f"the embedded {ATTACHMENT_NAME} is not a valid assessment: {err}") from None


def _keywords(reader: PdfReader) -> dict[str, str]:
    raw = str((reader.metadata or {}).get("/Keywords", ""))
    return dict(part.strip().split("=", 1) for part in raw.split(";") if "=" in part)


def _page_texts(reader: PdfReader) -> list[str]:
    return [p.extract_text() or "" for p in reader.pages]


def verify_pdf(pdf: bytes, builder: Builder, guidance: Guidance | None = None,
               trusted: list[Any] | None = None) -> VerifyResult:
    """Whether the record's signature holds (against ``trusted`` certificates), and whether the embedded
    assessment, the printed fingerprints and the pages agree; every problem named.

    A signed record is checked in two parts: the signature, offline, over the whole file (nothing may follow
    it), and the part the render made, which must be what a fresh render gives. A final record must be signed.
    A damaged file gets a reason, never a traceback: PDF parsing fails in many ways (bad filters, broken
    cross-references, limits), and any of them means the file is not a record as it was made.
    """
    try:
        signatures = record_signing.check(pdf, trusted or [])
        result = _verify(signatures.body, builder, guidance)
    except Exception as err:  # every failure to read is the same answer: the file is damaged
        return VerifyResult(False, [f"the file is damaged and cannot be checked ({type(err).__name__}: "
                                    f"{str(err)[:200]})"], None)
    result.signed, result.signer = signatures.signed, signatures.signer
    result.certificate_sha256, result.signed_at = signatures.certificate_sha256, signatures.signed_at
    result.problems[:0] = signatures.problems
    if not signatures.signed and result.status == "final":
        result.problems.insert(0, "a final record carries the office's signature, and this one has none: it was "
                                  "not made by this tool, or the signature was removed")
    result.ok = not result.problems
    return result


def _verify(pdf: bytes, builder: Builder, guidance: Guidance | None) -> VerifyResult:
    problems: list[str] = []
    try:
        reader = _reader(pdf)
        data = _attachment(reader)
    except AssessmentFormatError as err:
        return VerifyResult(False, [str(err)], None)
    digest = hashlib.sha256(data).hexdigest()
    texts = _page_texts(reader)

    printed = _HEX64.findall(texts[0]) if texts else []
    if not printed:
        problems.append("the cover shows no SHA-256 fingerprint")
    elif digest not in printed:  # officers' text on the cover may hold other 64-digit hashes
        problems.append(f"the fingerprint printed on the cover ({printed[-1]}) does not match the embedded "
                        f"assessment (SHA-256 {digest}): the attachment or the cover was changed")
    meta = reader.metadata or {}
    if str(meta.get("/Subject", "")) != f"sha256:{digest}":
        problems.append(f"the fingerprint in the document information ({meta.get('/Subject')}) does not match "
                        f"the embedded assessment (SHA-256 {digest})")
    bad_footers = [i for i, t in enumerate(texts, start=1) if digest[:12] not in t]
    if bad_footers:
        problems.append(f"the footer of page(s) {_pages(bad_footers)} does not show the fingerprint "
                        f"{digest[:12]}… of the embedded assessment")

    try:
        assessment = read_document(data)
    except AssessmentFormatError as err:
        problems.append(f"the embedded {ATTACHMENT_NAME} is not a valid assessment: {err}")
        return VerifyResult(False, problems, digest)
    result = VerifyResult(False, problems, digest, assessment.id, assessment.revision, status=assessment.status)
    if canonical_json(assessment) != data:
        problems.append(f"the embedded {ATTACHMENT_NAME} is not in canonical form: it was edited after the "
                        f"record was made")

    keys = _keywords(reader)
    try:
        # The record's own language (it may be rendered in another than the assessment was written in).
        guidance = guidance or builder.guidance_for(keys.get("lang") or assessment.language)
    except GuidanceError as err:
        problems.append(f"the pages cannot be checked: the guidance cannot be loaded ({err})")
        return result
    misplaced = answer_check.problems(guidance, assessment)
    if misplaced:  # the pages cannot show an answer the guidance has no place for: it would be hidden
        problems.append("the embedded assessment holds answers the record cannot show: " + "; ".join(misplaced[:5])
                        + (f" and {len(misplaced) - 5} more" if len(misplaced) > 5 else ""))
    recorded_stamp = keys.get("guidance", "")
    if recorded_stamp != guidance.stamp:
        problems.append(f"the pages cannot be confirmed: the record was made with guidance "
                        f"{recorded_stamp or '(unknown)'}, but this check has guidance {guidance.stamp}; "
                        f"verify with the guidance version the record was made with")
        return result
    page_size = keys.get("page_size", "A4")
    if page_size not in ("A4", "letter"):
        problems.append(f"the document information names an unknown page size {page_size!r}")
        return result
    fresh = builder.build(assessment, guidance, page_size=page_size,  # type: ignore[arg-type]
                      annex=keys.get("annex") == "1")
    if fresh != pdf:  # not the file the render gives: it may still say the same (a plain re-save)
        fresh_reader = _reader(fresh)
        changed = record_structure.differences(reader, fresh_reader)
        if not changed and not problems:
            result.notes.append("the file's bytes differ from a fresh render, but it says exactly the same: "
                                "it was saved again by another program")
        if changed:
            problems.append("the document differs from the record: " + "; ".join(changed))
        problems += _drawing_differences(reader, fresh_reader)
        expected = _page_texts(fresh_reader)
        if len(expected) != len(texts):
            problems.append(f"the record has {len(texts)} pages, but the embedded assessment gives "
                            f"{len(expected)}")
        differing = [i for i, (x, y) in enumerate(zip(texts, expected, strict=False), start=1) if x != y]
        if differing:
            problems.append(f"the visible text of page(s) {_pages(differing)} differs from the embedded "
                            f"assessment: the pages were changed after the record was made"
                            f"{_first_difference(texts[differing[0] - 1], expected[differing[0] - 1])}")
        creator = str(meta.get("/Creator", ""))
        if problems and creator != builder.renderer:
            result.notes.append(f"the record was made by {creator or 'an unknown version'}, "
                                f"this is {builder.renderer}; "
                                f"layout changes between versions also show up as differences")
    result.ok = not problems
    return result


_ACTIVE_KEYS = ("/AcroForm", "/OpenAction", "/AA", "/JavaScript")


def _drawing_differences(found: PdfReader, expected: PdfReader) -> list[str]:
    """What the pages draw beyond their text: a rectangle over a line or an added note leaves the text intact.

    Each page's content stream is compared as parsed operations (so a rewrite that only re-encodes the
    streams still passes), and annotations, forms and actions the record never has are refused.
    """
    problems = []
    drawn = [i for i, (x, y) in enumerate(zip(found.pages, expected.pages, strict=False), start=1)
             if _operations(x, found) != _operations(y, expected)]
    if drawn:
        problems.append(f"the drawing of page(s) {_pages(drawn)} differs from the embedded assessment: "
                        "something was added to, covered on or removed from the pages")
    annotated = [i for i, (x, y) in enumerate(zip(found.pages, expected.pages, strict=False), start=1)
                 if len(x.get("/Annots") or []) != len(y.get("/Annots") or [])]
    if annotated:
        problems.append(f"page(s) {_pages(annotated)} carry annotations the record does not have")
    root = found.trailer["/Root"]
    active = [k for k in _ACTIVE_KEYS if k in root and k not in expected.trailer["/Root"]]
    if active:
        problems.append(f"the document has {', '.join(active)}, which a record never has")
    if len(found.attachments) != len(expected.attachments):
        problems.append(f"the document has {len(found.attachments)} attached files; a record has "
                        f"{len(expected.attachments)}")
    return problems


def _operations(page: PageObject, reader: PdfReader) -> list[tuple[object, bytes]]:
    contents = page.get_contents()
    if contents is None:
        return []
    return [(repr(operands), operator) for operands, operator in ContentStream(contents, reader).operations]


def _pages(numbers: list[int]) -> str:
    shown = ", ".join(map(str, numbers[:MAX_REPORTED_PAGES]))
    return shown + (f" and {len(numbers) - MAX_REPORTED_PAGES} more" if len(numbers) > MAX_REPORTED_PAGES else "")


def _first_difference(found: str, expected: str) -> str:
    i = next((k for k, (x, y) in enumerate(zip(found, expected, strict=False)) if x != y),
             min(len(found), len(expected)))
    return f" (first difference: found {found[max(0, i - 20):i + 20]!r}, expected {expected[max(0, i - 20):i + 20]!r})"
