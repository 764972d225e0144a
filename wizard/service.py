"""What both the command line and the app do with stored assessments, written once.

Each function takes the ``Store`` (and the ``Guidance`` where the answers or the checks depend on it) and
raises a ``StoreError`` whose message is fit to show an officer; the callers only turn that into an exit code
or a message on the page.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from wizard import answer_check, formats, guidance_search
from wizard.guidance_schema import Guidance
from wizard.model import Assessment, AssessmentFormatError, utc_now
from wizard.scenarios import Scenario
from wizard.store import Actor, GuidanceComment, ImportRefused, Store, Stored, who

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
               annex: bool = False, sign: bool | None = None, secrets: Mapping[str, Any] | None = None) -> bytes:
    """The PDF record of ``assessment``, signed when final or when ``sign`` (``wizard.record.signed_pdf``)."""
    from wizard import record  # ReportLab is only loaded when a record is made

    return record.signed_pdf(assessment, guidance, page_size=page_size, annex=annex, sign=sign, secrets=secrets)


def finalise(store: Store, guidance: Guidance, id: str, base_version: int, actor: str) -> Stored:
    """Lock the assessment as final; the store refuses it (``FinaliseRefused``) while a check blocks."""
    return store.finalise(id, base_version, actor, guidance)


def reopen(store: Store, id: str, actor: str, reason: str) -> Stored:
    """Make a final assessment a draft again, as a new revision; the final one stays readable."""
    return store.reopen(id, actor, reason)


# --- reviewers' comments on the guidance, for the editors ---------------------------------------------------

def _grouped_comments(store: Store, guidance: Guidance, status: str | None
                      ) -> list[tuple[str, guidance_search.GuidanceItem | None, list[GuidanceComment]]]:
    """The comments per item: items in the order of the guidance, then addresses it no longer has."""
    index = guidance_search.index(guidance)
    groups: dict[str, list[GuidanceComment]] = {}
    for c in store.list_comments(status=status):
        groups.setdefault(guidance_search.canonical(guidance, c.item, index) or c.item, []).append(c)
    order = {address: n for n, address in enumerate(index)}
    addresses = sorted(groups, key=lambda a: (order.get(a, len(order)), a))
    return [(a, index.get(a), groups[a]) for a in addresses]


def _when(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC") if at else ""


def _status(guidance: Guidance, status: str) -> str:
    return guidance.t(f"comment_status_{status}")


def _initial(text: str) -> str:
    """A status label starting a sentence ("accepted" -> "Accepted")."""
    return text[:1].upper() + text[1:]


_MD_INLINE = re.compile(r"([\\`*_{}\[\]<>#|~$&])")
_MD_LINE_START = re.compile(r"^(\s*)([-+=>]|\d+(?=[.)]))")


def _md(text: str) -> str:
    """Text shown exactly as typed in a Markdown reader, kept readable in a text editor: the characters
    Markdown acts on are escaped, and so is a line start that would make a list, a heading or a quote."""
    lines = []
    for line in _MD_INLINE.sub(r"\\\1", text).splitlines() or [""]:
        m = _MD_LINE_START.match(line)
        if m and m.group(2)[0].isdigit():
            line = line[:m.end()] + "\\" + line[m.end():]  # "1." → "1\." (no ordered list)
        elif m:
            line = line[:m.start(2)] + "\\" + line[m.start(2):]
        lines.append(line)
    return "\n".join(lines)


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in _md(text).split("\n"))


def comments_markdown(store: Store, guidance: Guidance, status: str | None = None) -> str:
    """Every reviewer's comment (only those with ``status`` when given) as Markdown for the guidance editors.

    One section per item, in the order of the guidance: where it is, its address and its current text, then
    each comment with its author, date and status, the decision and its note, and the item's text as the
    reviewer saw it where that has changed since. Text typed by reviewers and the guidance text are escaped.
    """
    t = guidance.t
    groups = _grouped_comments(store, guidance, status)
    count = sum(len(cs) for _a, _i, cs in groups)
    out = [f"# {_md(t('comments_export_title'))}", "",
           _md(t("comments_export_intro", version=guidance.stamp, date=_when(utc_now()), n=count))]
    if status:
        out += ["", _md(t("comments_export_filter", status=_status(guidance, status)))]
    if not groups:
        out += ["", _md(t("comments_export_none"))]
    for address, item, comments in groups:
        out += ["", f"## {_md(item.label if item else address)}", "", f"`{address}`", ""]
        if item is None:
            out.append(f"*{_md(t('comments_export_gone'))}*")
        else:
            out += [f"**{_md(t('comments_export_current_text'))}**", "", _quote(item.text)]
        for c in comments:
            heading = t("comment_meta", id=c.id, author=c.author, date=_when(c.created_at),
                        status=_status(guidance, c.status))
            out += ["", f"### {_md(heading)}", "", _md(c.text)]
            if c.status_by:
                decided = t("comment_decided", status=_initial(_status(guidance, c.status)), who=c.status_by,
                            date=_when(c.status_at))
                note = f" {c.resolution_note}" if c.resolution_note else ""
                out += ["", f"*{_md(decided)}*{_md(note)}"]
            if c.item_text and (item is None or c.item_text != item.text):
                out += ["", f"**{_md(t('comments_export_text_then', version=c.guidance_version))}**", "",
                        _quote(c.item_text)]
    return "\n".join(out) + "\n"


CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""A cell starting with one of these is taken for a formula by spreadsheets: it is written with a leading '."""


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(CSV_FORMULA_START) else text


def comments_csv(store: Store, guidance: Guidance, status: str | None = None) -> str:
    """The same comments as ``comments_markdown``, one row each, grouped per item; for a spreadsheet.

    Written by the csv module (quoted as needed, UTF-8 when encoded by the caller); every cell that a
    spreadsheet would read as a formula (starting with = + - @, a tab or a carriage return) gets a leading '.
    """
    t = guidance.t
    columns = ("item", "location", "current_text", "id", "author", "date", "status", "status_by", "status_at",
               "note", "comment", "version", "language", "text_then")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_cell(t(f"comments_col_{c}")) for c in columns])
    for address, item, comments in _grouped_comments(store, guidance, status):
        for c in comments:
            writer.writerow([_cell(v) for v in (
                address, item.label if item else t("comments_export_gone"), item.text if item else "", c.id,
                c.author, _when(c.created_at), _status(guidance, c.status), c.status_by, _when(c.status_at),
                c.resolution_note, c.text, c.guidance_version, c.language, c.item_text)])
    return buffer.getvalue()


# --- training (issue 12) ---------------------------------------------------------------------------------------


def start_attempt(store: Store, guidance: Guidance, scenario: Scenario, session_code: str | None,
                  trainee: Actor) -> Stored:
    """A trainee's attempt at a scenario: a training assessment with the application already on the case screen
    (the scenario gives it), in the language of the session, tied to the session for the trainer's view."""
    from wizard.training import case_of

    name = who(trainee).name
    a = Assessment(guidance_version=guidance.stamp, language=guidance.language,  # type: ignore[arg-type]
                   officer=name, training=True, scenario=scenario.id, training_session=session_code,
                   case=case_of(scenario))
    return store.create(a, trainee)
