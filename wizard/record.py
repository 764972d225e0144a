"""The PDF record of an assessment (ReportLab): build, fingerprint, verify, re-import; the render/verify commands.

Where a field reaches the PDF: ``record_sections.py`` (one function per kind of screen, in the guidance's
order). Page furniture and the embedded ``assessment.json``: ``record_canvas.py``. Fonts and the replacement
of characters no font can show: ``record_fonts.py``. Verification and import: ``record_integrity.py``.
"""

from __future__ import annotations

import hashlib
import io
import sys
from pathlib import Path
from typing import Any, Literal

from reportlab.lib.pagesizes import A4, letter
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate

from wizard.formats import read_document
from wizard.guidance import GUIDANCE_ROOT, load_guidance
from wizard.guidance_schema import Guidance, GuidanceError
from wizard.model import Assessment, AssessmentFormatError, canonical_json
from wizard.record_canvas import MARGIN_X, Furniture, RecordCanvas
from wizard.record_fonts import SANS, register_fonts, unshowable
from wizard.record_integrity import VerifyResult, extract_assessment, verify_pdf
from wizard.record_labels import label
from wizard.record_sections import RecordContext, body

__all__ = ["RENDERER", "VerifyResult", "build_pdf", "cmd_render", "cmd_verify", "extract_assessment",
           "fingerprint", "guidance_for", "missing_glyphs", "verify_pdf"]

PageSize = Literal["A4", "letter"]
PAGE_SIZES: dict[str, tuple[float, float]] = {"A4": A4, "letter": letter}
RENDERER = "att-7-4-wizard record 1"
"""Bumped when the layout changes, so verify can tell "made by another version" from "tampered"."""


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
    furniture = Furniture(
        header_left=header,
        marking=marking,
        footer_left=label(guidance, "footer", id=a.id, revision=a.revision, fingerprint=fp[:12]),
        page_label=label(guidance, "page_x_of_y"),
        watermark=" · ".join(marks),
        attachment=canonical_json(a),
        attachment_description=f"Assessment {a.id} revision {a.revision}, canonical JSON, SHA-256 {fp}",
    )
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=size, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=24 * mm, bottomMargin=20 * mm,
        title=f"{label(guidance, 'title')} {a.case.reference}".strip(), author=a.signoff.officer or a.officer,
        subject=f"sha256:{fp}", creator=RENDERER,
        keywords=f"guidance={guidance.stamp}; page_size={page_size}; annex={int(annex)}",
        initialFontName=SANS,  # else ReportLab names Helvetica, a font that is not embedded, on every page
        invariant=1,  # no timestamps or random ids: the same input gives the same bytes; local to this doc
    )
    ctx = RecordContext(a, guidance, doc.width - 12, fp,  # the frame pads 6 pt each side
                        missing_glyphs(a))
    doc.build(body(ctx, annex), canvasmaker=lambda *args, **kw: RecordCanvas(*args, furniture=furniture, **kw))
    return buf.getvalue()


def guidance_for(language: str) -> Guidance:
    """The guidance in the record's language if there is one, else English."""
    return load_guidance(language if (GUIDANCE_ROOT / language).is_dir() else "en")


# ---------------------------------------------------------------------------------------------------------
# Command line (wired in wizard/__main__.py)


def cmd_render(args: Any) -> int:
    path = Path(args.assessment)
    try:
        assessment = read_document(path.read_bytes())  # older formats are upgraded, as on import
    except OSError as err:
        print(f"error: cannot read {path}: {err.strerror or err}", file=sys.stderr)
        return 1
    except AssessmentFormatError as err:
        print(f"error: {path} is not a valid assessment: {err}", file=sys.stderr)
        return 1
    try:
        guidance = guidance_for(assessment.language)
    except GuidanceError as err:
        print(f"error: the guidance cannot be loaded:\n{err}", file=sys.stderr)
        return 1
    for field, chars in missing_glyphs(assessment):
        print(f"warning: {field}: {len(chars)} character(s) the record's fonts cannot show are printed as "
              f"[U+XXXX]: {' '.join(f'U+{ord(c):04X}' for c in chars)}", file=sys.stderr)
    pdf = build_pdf(assessment, guidance, page_size=getattr(args, "page_size", None) or "A4",
                    annex=bool(getattr(args, "annex", False)))
    out = Path(args.output)
    try:
        out.write_bytes(pdf)
    except OSError as err:
        print(f"error: cannot write {out}: {err.strerror or err}", file=sys.stderr)
        return 1
    print(out)
    return 0


def cmd_verify(args: Any) -> int:
    path = Path(args.record)
    try:
        data = path.read_bytes()
    except OSError as err:
        print(f"error: cannot read {path}: {err.strerror or err}", file=sys.stderr)
        return 1
    result = verify_pdf(data)
    if result.ok:
        print(f"OK: {path}: assessment {result.assessment_id} revision {result.revision}, "
              f"SHA-256 {result.fingerprint}; the embedded assessment matches the printed fingerprint and the "
              f"pages")
        return 0
    print(f"FAILED: {path}:")
    for p in result.problems:
        print(f"  - {p}")
    return 1
