"""The PDF record of an assessment (ReportLab): build, fingerprint, verify, re-import.

Where a field reaches the PDF: ``record_sections.py`` (one function per kind of screen, in the guidance's
order). Page furniture and the embedded ``assessment.json``: ``record_canvas.py``. Fonts and the replacement
of characters no font can show: ``record_fonts.py``. Verification and import: ``record_integrity.py``, which
this module hands its builder to. The ``render`` and ``verify`` commands: ``wizard/cli.py``.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Mapping
from typing import Any, Literal

from reportlab.lib.pagesizes import A4, letter
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate

from wizard import record_integrity, record_signing
from wizard.guidance import load_guidance
from wizard.guidance_schema import Guidance
from wizard.model import Assessment, canonical_json
from wizard.record_canvas import MARGIN_X, Furniture, RecordCanvas
from wizard.record_fonts import SANS, register_fonts, unshowable
from wizard.record_integrity import VerifyResult, extract_assessment
from wizard.record_labels import label
from wizard.record_sections import RecordContext, body

__all__ = ["RENDERER", "VerifyResult", "build_pdf", "extract_assessment", "fingerprint", "guidance_for",
           "missing_glyphs", "signed_pdf", "verify_pdf"]

PageSize = Literal["A4", "letter"]
PAGE_SIZES: dict[str, tuple[float, float]] = {"A4": A4, "letter": letter}
RENDERER = "att-7-4-wizard record 2"
"""Bumped when the layout changes, so verify can tell "made by another version" from "tampered". 2: dates
and numbers in the record's language (Babel), Chinese closing punctuation kept off the start of a line."""


def fingerprint(assessment: Assessment) -> str:
    """SHA-256 (hex) of the assessment's canonical JSON: the bytes embedded in the record."""
    return hashlib.sha256(canonical_json(assessment)).hexdigest()


def missing_glyphs(assessment: Assessment) -> list[tuple[str, str]]:
    """(field path, characters) for every text field with characters the record prints as [U+XXXX]."""
    out: list[tuple[str, str]] = []

    def walk(value: Any, path: str) -> None:
        if isinstance(value, str):
            chars = unshowable(value)
            if chars:
                out.append((path, chars))
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(v, f"{path}.{k}" if path else str(k))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, f"{path}[{i}]")

    walk(assessment.model_dump(mode="json"), "")
    return out


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def build_pdf(assessment: Assessment, guidance: Guidance, *, page_size: PageSize = "A4",
              annex: bool = False) -> bytes:
    """The PDF record. The same assessment, guidance and options always give the same bytes."""
    register_fonts()
    size = PAGE_SIZES[page_size]
    fp = fingerprint(assessment)
    a = assessment
    marks = []
    if a.training:
        marks.append(label(guidance, "watermark_training"))
    if a.status == "draft":
        marks.append(label(guidance, "watermark_draft"))
    # The header has room for a line or two; the full reference and marking are on the cover, so the header
    # shows a visible cut rather than running into the page body.
    header = label(guidance, "header_title") + (f" · {_cut(a.case.reference, 60)}" if a.case.reference else "")
    marking = _cut(a.case.protective_marking, 120)
    # DRAFT and TRAINING in words in the header and the footer as well: a greyscale copy, or one whose
    # watermark did not print, still says what it is.
    status = " · ".join(marks)
    furniture = Furniture(
        header_left=header,
        marking=marking,
        status=status,
        footer_left=(f"{status} · " if status else "")
        + label(guidance, "footer", id=a.id, revision=a.revision, fingerprint=fp[:12]),
        page_label=label(guidance, "page_x_of_y"),
        watermark=" · ".join(marks),
        attachment=canonical_json(a),
        attachment_description=f"Assessment {a.id} revision {a.revision}, canonical JSON, SHA-256 {fp}",
        created=a.created_at,
        modified=a.finalised_at if a.status == "final" and a.finalised_at else a.updated_at,
        language=guidance.language,  # the record's language, which may differ from the assessment's
    )
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=size, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=24 * mm, bottomMargin=20 * mm,
        title=f"{label(guidance, 'title')} {a.case.reference}".strip(), author=a.signoff.officer or a.officer,
        subject=f"sha256:{fp}", creator=RENDERER,
        keywords=f"guidance={guidance.stamp}; page_size={page_size}; annex={int(annex)}; lang={guidance.language}",
        lang=guidance.language,  # /Lang: screen readers and search read the record in its language
        initialFontName=SANS,  # else ReportLab names Helvetica, a font that is not embedded, on every page
        invariant=1,  # no timestamps or random ids: the same input gives the same bytes; local to this doc
    )
    ctx = RecordContext(a, guidance, doc.width - 12, fp,  # the frame pads 6 pt each side
                        missing_glyphs(a))
    doc.build(body(ctx, annex, doc.height),
              canvasmaker=lambda *args, **kw: RecordCanvas(*args, furniture=furniture, **kw))
    return buf.getvalue()


def guidance_for(language: str) -> Guidance:
    """The guidance in the record's language if there is one, else English. Only a language that exists is
    looked up: the name may come from a file being checked, and is never used as a path."""
    from wizard.guidance_parity import languages

    return load_guidance(language if language in languages() else "en")


def verify_pdf(pdf: bytes, guidance: Guidance | None = None, trusted: list[Any] | None = None,
               secrets: Mapping[str, Any] | None = None) -> VerifyResult:
    """Whether a record's signature holds and its embedded assessment, printed fingerprints and pages agree
    (``record_integrity``). ``trusted``: the certificates to trust; by default this installation's and the
    office's (``record_signing.trusted_certificates``)."""
    trust_problem = None
    if trusted is None:
        try:
            trusted = record_signing.trusted_certificates(secrets)
        except record_signing.SigningError as err:  # a draft is still checked; a signed record cannot be
            trusted, trust_problem = [], f"the trusted certificates cannot be loaded: {err}"
    result = record_integrity.verify_pdf(pdf, BUILDER, guidance, trusted)
    if trust_problem:
        if result.signed:
            result.problems.insert(0, trust_problem)
            result.ok = False
        else:
            result.notes.append(trust_problem)
    return result


def signed_pdf(assessment: Assessment, guidance: Guidance, *, page_size: PageSize = "A4", annex: bool = False,
               sign: bool | None = None, secrets: Mapping[str, Any] | None = None) -> bytes:
    """The record as it leaves the tool: ``build_pdf``, signed when final (``sign=None``) or when asked.

    Raises ``record_signing.SigningError`` when the key cannot be loaded or made.
    """
    pdf = build_pdf(assessment, guidance, page_size=page_size, annex=annex)
    if not (assessment.status == "final" if sign is None else sign):
        return pdf
    identity = record_signing.signing_identity(secrets)
    a = assessment
    reason = guidance.t(f"record_signature_reason_{'final' if a.status == 'final' else 'draft'}", id=a.id,
                        revision=a.revision, fingerprint=fingerprint(a))
    return record_signing.sign(pdf, identity, reason=reason)


BUILDER = record_integrity.Builder(build=build_pdf, guidance_for=guidance_for, renderer=RENDERER)
