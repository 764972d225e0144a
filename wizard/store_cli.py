"""The store's command-line verbs (``python -m wizard export|import|list``), wired up in ``wizard.__main__``.

Each takes the parsed ``argparse.Namespace`` and returns the exit code: 0 done, 1 refused or failed (the
reason on stderr), 2 a usage error.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from wizard.model import Assessment
from wizard.store import MAX_IMPORT_BYTES, ImportRefused, ListFilter, Store, StoreError

LIST_PAGE = 500  # rows fetched per query when listing more than one page


def _store(args: argparse.Namespace) -> Store:
    return Store(getattr(args, "database_url", None))


def _fail(message: str, code: int = 1) -> int:
    print(message, file=sys.stderr)
    return code


def cmd_export(args: argparse.Namespace) -> int:
    try:
        with _store(args) as store:
            text = store.export_json(args.id)
    except StoreError as err:
        return _fail(f"export failed: {err}")
    if args.output in (None, "-"):
        sys.stdout.write(text + "\n")
        return 0
    try:
        Path(args.output).write_text(text + "\n", encoding="utf-8")
    except OSError as err:
        return _fail(f"export failed: cannot write {args.output}: {err.strerror or err}")
    print(f"exported {args.id} to {args.output}", file=sys.stderr)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    actor = getattr(args, "actor", None) or os.environ.get("USER") or "cli"
    as_new = bool(getattr(args, "as_new", False))
    try:
        size = path.stat().st_size
        if size > MAX_IMPORT_BYTES:  # refuse before reading it into memory
            return _fail(f"import refused: {path.name} is {size:,} bytes; "
                         f"the limit is {MAX_IMPORT_BYTES:,} bytes")
        data = path.read_bytes()
    except OSError as err:
        return _fail(f"import failed: cannot read {args.file}: {err.strerror or err}")
    try:
        assessment = _from_pdf(data) if path.suffix.lower() == ".pdf" else None
        with _store(args) as store:
            if assessment is None:
                stored = store.import_json(data, actor, as_new=as_new, source=path.name)
            else:
                stored = store.import_assessment(assessment, actor, as_new=as_new, source=path.name)
    except ImportRefused as err:
        return _fail(f"import refused: {err}")
    except StoreError as err:
        return _fail(f"import failed: {err}")
    a = stored.assessment
    print(f"imported {a.id} (reference {a.case.reference!r}, {a.status}, revision {a.revision})")
    return 0


def _from_pdf(data: bytes) -> Assessment:
    from wizard.record import extract_assessment  # the PDF stack is only loaded when a PDF is imported

    try:
        return extract_assessment(data)
    except StoreError:
        raise
    except Exception as err:  # any failure to read the record refuses the import, whatever its kind
        raise ImportRefused(f"no assessment could be read from the PDF record: {err}") from err


def cmd_list(args: argparse.Namespace) -> int:
    status = getattr(args, "status", None)
    if status not in (None, "draft", "final"):
        return _fail(f"list: --status must be draft or final, not {status!r}", 2)
    limit = getattr(args, "limit", None) or 50
    if limit < 1:
        return _fail("list: --limit must be at least 1", 2)
    filters = ListFilter(status=status, text=getattr(args, "text", None),
                         include_archived=bool(getattr(args, "all", False)))
    rows, total, page = [], 0, 1
    try:
        with _store(args) as store:
            while len(rows) < limit:
                result = store.list(filters, page=page, page_size=min(LIST_PAGE, limit))
                total = result.total
                if result.page != page or not result.rows:
                    break
                rows += result.rows
                page += 1
    except StoreError as err:
        return _fail(f"list failed: {err}")
    rows = rows[:limit]
    print(f"{'id':<14} {'status':<6} {'rev':>3} {'updated (UTC)':<16} {'state':<20} {'reference':<24} "
          "end user")
    for r in rows:
        status = r.status + ("*" if r.archived else "")
        print(f"{r.id:<14} {status:<6} {r.revision:>3} {r.updated_at:%Y-%m-%d %H:%M} "
              f"{_cut(r.importing_state, 20):<20} {_cut(r.reference, 24):<24} {_cut(r.end_user, 40)}")
    note = " (* archived)" if any(r.archived for r in rows) else ""
    print(f"{len(rows)} of {total} shown{note}", file=sys.stderr)
    return 0


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"
