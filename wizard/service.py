"""What both the command line and the app do with stored assessments, written once.

Each function takes the ``Store`` (and the ``Guidance`` where the answers or the checks depend on it) and
raises a ``StoreError`` whose message is fit to show an officer; the callers only turn that into an exit code
or a message on the page.
"""

from __future__ import annotations

from typing import Literal

from wizard import answer_check, formats
from wizard.guidance_schema import Guidance
from wizard.model import Assessment, AssessmentFormatError
from wizard.store import ImportRefused, Store, Stored

MAX_IMPORT_BYTES = 20 * 1024 * 1024
"""The largest file an import reads: a record with a long annex is a few MB."""

MAX_PROBLEMS_SHOWN = 20


def import_file(store: Store, guidance: Guidance, name: str, data: bytes, actor: str,
                as_new: bool = False) -> Stored:
    """Import a JSON export or a PDF record (by its name or its first bytes), validated whole.

    The document is upgraded from older format versions and validated field by field, its answers are
    checked against ``guidance`` (``wizard.answer_check``), and a final assessment must pass the finalise
    checks (``Store.import_assessment``). Anything wrong refuses the whole file (``ImportRefused``, naming each
    problem) and leaves the store as it was. ``data`` may be cut off after ``MAX_IMPORT_BYTES + 1`` bytes:
    a caller reading a file need not read more to have it refused.
    """
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportRefused(f"{name} is more than {MAX_IMPORT_BYTES:,} bytes, the limit; nothing was imported")
    assessment = _read(name, data)
    problems = answer_check.problems(guidance, assessment)
    if problems:
        shown = "; ".join(problems[:MAX_PROBLEMS_SHOWN])
        more = f"; and {len(problems) - MAX_PROBLEMS_SHOWN} more" if len(problems) > MAX_PROBLEMS_SHOWN else ""
        raise ImportRefused(f"the answers do not fit the guidance ({guidance.stamp}): {shown}{more}")
    return store.import_assessment(assessment, actor, guidance, as_new=as_new, source=name)


def is_pdf(name: str, data: bytes) -> bool:
    return name.lower().endswith(".pdf") or data[:5] == b"%PDF-"


def _read(name: str, data: bytes) -> Assessment:
    if not is_pdf(name, data):
        try:
            return formats.read_document(data)
        except AssessmentFormatError as err:
            raise ImportRefused(str(err)) from None
    from wizard import record_integrity  # the PDF reader is only loaded when a PDF is imported

    try:
        return record_integrity.extract_assessment(data)
    except Exception as err:  # whatever fails in reading the record, the import is refused with the reason
        raise ImportRefused(f"no assessment could be read from the PDF record: {err}") from err


def export_json(store: Store, id: str) -> str:
    """The stored assessment as JSON, the format ``import_file`` reads back to the same assessment."""
    return store.export_json(id)


def render_pdf(guidance: Guidance, assessment: Assessment, *, page_size: Literal["A4", "letter"] = "A4",
               annex: bool = False) -> bytes:
    """The PDF record of ``assessment`` (``wizard.record.build_pdf``)."""
    from wizard import record  # ReportLab is only loaded when a record is made

    return record.build_pdf(assessment, guidance, page_size=page_size, annex=annex)


def finalise(store: Store, guidance: Guidance, id: str, base_version: int, actor: str) -> Stored:
    """Lock the assessment as final; the store refuses it (``FinaliseRefused``) while a check blocks."""
    return store.finalise(id, base_version, actor, guidance)


def reopen(store: Store, id: str, actor: str, reason: str) -> Stored:
    """Make a final assessment a draft again, as a new revision; the final one stays readable."""
    return store.reopen(id, actor, reason)
