"""Command line: ``python -m wizard COMMAND``.

check-guidance  validate the guidance files (exit 0 when valid)
steps           the screens in wizard order, with their flowchart numbers
render          build the PDF record of an assessment JSON file
verify          check a PDF record against its embedded data and fingerprint
factsheet       the Article 7(4) guidance as a stand-alone PDF fact sheet
export / import / list   move assessments in and out of the store
backup / restore / check-backup / migrate-store   copies of the whole store, and moving it to another database

Each command returns the exit code: 0 done, 1 refused or failed (the reason on stderr), 2 a usage error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from wizard import guidance as guidance_module
from wizard import guidance_versions, service
from wizard.formats import read_document
from wizard.guidance import load_guidance
from wizard.guidance_schema import GuidanceError
from wizard.locale_format import utc_text
from wizard.model import AssessmentFormatError
from wizard.store import ImportRefused, ListFilter, Store, StoreError

if TYPE_CHECKING:
    from wizard.store_backup import Verification

LIST_PAGE = 500  # rows fetched per query when listing more than one page


def _fail(message: str, code: int = 1) -> int:
    print(message, file=sys.stderr)
    return code


def _store(args: argparse.Namespace) -> Store:
    return Store(getattr(args, "database_url", None))


# ---------------------------------------------------------------------------------------------------------
# Guidance


def _problems(what: str, problems: list[str]) -> bool:
    """Print ``what: N problem(s)`` and each problem on stderr; True (the check failed)."""
    print(f"{what}: {len(problems)} problem(s)", file=sys.stderr)
    for p in problems:
        print(f"  {p}", file=sys.stderr)
    return True


def cmd_check_guidance(args: argparse.Namespace) -> int:
    from wizard.guidance_parity import languages

    failed = False
    loaded: list[str] = []
    for lang in args.language or languages(guidance_module.GUIDANCE_ROOT):
        try:
            g = load_guidance(lang)
        except GuidanceError as err:
            failed = _problems(f"guidance {lang}", err.problems)
            continue
        # A release needs its changelog entry and the snapshot of its text (wizard/guidance_versions.py).
        if release := guidance_versions.release_problems(g, guidance_module.GUIDANCE_ROOT):
            failed = _problems(f"guidance {lang}", release)
            continue
        loaded.append(lang)
        n_questions = sum(len(s.questions) for s in g.screens)
        print(f"guidance {lang}: valid, version {g.stamp}, {len(g.screens)} screens, {n_questions} questions, "
              f"{len(g.glossary)} glossary terms")
    # Training scenarios, checked against each language's guidance (wizard/scenarios.py).
    from wizard import guidance_parity, scenarios

    root = guidance_module.GUIDANCE_ROOT
    for lang in loaded:  # a language whose guidance fails has been reported; its scenarios cannot be checked
        try:
            found = scenarios.load_scenarios(lang, root)
        except GuidanceError as err:
            failed = _problems(f"scenarios {lang}", err.problems)
            continue
        if found:
            print(f"scenarios {lang}: valid, {len(found)} scenario(s)")
    # Every language says everything English says, in the same shape (wizard/guidance_parity.py).
    present = guidance_parity.languages(root)
    if len(present) > 1:
        parity = guidance_parity.problems(root) + scenarios.parity_problems(root)
        if parity:
            failed = _problems(f"guidance parity ({', '.join(present)})", parity)
        else:
            print(f"guidance parity: {', '.join(present)} agree key for key")
    return 1 if failed else 0


def cmd_steps(args: argparse.Namespace) -> int:
    from wizard.flow import positions

    try:
        g = load_guidance(args.language)
    except GuidanceError as err:
        print(err, file=sys.stderr)
        return 1
    for p in positions(g):
        flowchart = f"flowchart {p.flowchart_step}" if p.flowchart_step else "-"
        print(f"{p.index}\t{flowchart}\t{p.screen.id}\t{p.screen.title}")
    return 0


# ---------------------------------------------------------------------------------------------------------
# The PDF record (ReportLab and pypdf are loaded only by these two commands)


def cmd_render(args: argparse.Namespace) -> int:
    from wizard.record import guidance_for, missing_glyphs

    path = Path(args.assessment)
    try:
        assessment = read_document(path.read_bytes())  # older formats are upgraded, as on import
    except OSError as err:
        return _fail(f"error: cannot read {path}: {err.strerror or err}")
    except AssessmentFormatError as err:
        return _fail(f"error: {path} is not a valid assessment: {err}")
    from wizard.guidance_parity import languages

    lang = getattr(args, "lang", None)
    if lang and lang not in languages():
        return _fail(f"error: there is no guidance in {lang!r}; languages: {', '.join(languages())}")
    try:
        guidance = load_guidance(lang) if lang else guidance_for(assessment.language)
    except GuidanceError as err:
        return _fail(f"error: the guidance cannot be loaded:\n{err}")
    for field, chars in missing_glyphs(assessment):
        print(guidance.t("cli_glyph_warning", field=field, count=len(chars),
                         chars=" ".join(f"U+{ord(c):04X}" for c in chars)), file=sys.stderr)
    from wizard.record_signing import SigningError

    try:
        pdf = service.render_pdf(guidance, assessment, page_size=getattr(args, "page_size", None) or "A4",
                                 annex=bool(getattr(args, "annex", False)),
                                 sign=True if getattr(args, "sign", False) else None)
    except SigningError as err:
        return _fail(f"error: the record cannot be signed: {err}")
    out = Path(args.output)
    try:
        out.write_bytes(pdf)
    except OSError as err:
        return _fail(f"error: cannot write {out}: {err.strerror or err}")
    print(out)
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from wizard.record import verify_pdf

    path = Path(args.record)
    try:
        data = path.read_bytes()
    except OSError as err:
        return _fail(f"error: cannot read {path}: {err.strerror or err}")
    try:
        g = load_guidance(getattr(args, "lang", None) or "en")
    except GuidanceError as err:
        return _fail(f"error: the guidance cannot be loaded:\n{err}")
    result = verify_pdf(data)
    if result.signed and result.signer:
        when = utc_text(result.signed_at, g.language) if result.signed_at else g.t("cli_unknown_time")
        print(g.t("cli_signed_by", signer=result.signer, certificate=result.certificate_sha256, when=when))
    if result.ok:
        signature = g.t("cli_verify_signature_holds" if result.signed else "cli_verify_unsigned")
        print(g.t("cli_verify_ok", path=path, id=result.assessment_id, revision=result.revision,
                  fingerprint=result.fingerprint, signature=signature))
        for note in result.notes:
            print(g.t("cli_verify_note", note=note))
        return 0
    print(g.t("cli_verify_failed", path=path))
    for p in result.problems:
        print(f"  - {p}")
    return 1


def cmd_factsheet(args: argparse.Namespace) -> int:
    from wizard.factsheet import MAX_PAGES, render_factsheet

    try:
        guidance = load_guidance(args.lang)
    except GuidanceError as err:
        return _fail(f"error: the guidance cannot be loaded:\n{err}")
    out = Path(args.output)
    if out.is_dir() or not out.parent.is_dir():  # said at once, not after the sheet is laid out
        return _fail(f"error: cannot write {out}: " + ("it is a folder" if out.is_dir() else "no such folder"))
    sheet = render_factsheet(guidance, page_size=args.page_size)
    if sheet.pages > MAX_PAGES:
        print(guidance.t("cli_factsheet_too_long", pages=sheet.pages, max_pages=MAX_PAGES), file=sys.stderr)
    try:
        out.write_bytes(sheet.pdf)
    except OSError as err:
        return _fail(f"error: cannot write {out}: {err.strerror or err}")
    print(guidance.t("cli_factsheet_written", path=out, pages=sheet.pages, stamp=guidance.stamp))
    return 0


# ---------------------------------------------------------------------------------------------------------
# The store


def cmd_export(args: argparse.Namespace) -> int:
    try:
        with _store(args) as store:
            text = service.export_json(store, args.id)
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
    try:
        with path.open("rb") as f:
            data = f.read(service.MAX_IMPORT_BYTES + 1)  # enough for the service to refuse a larger file
    except OSError as err:
        return _fail(f"import failed: cannot read {args.file}: {err.strerror or err}")
    try:
        guidance = load_guidance("en")
    except GuidanceError as err:
        return _fail(f"import failed: the guidance cannot be loaded:\n{err}")
    try:
        with _store(args) as store:
            stored = service.import_file(store, guidance, path.name, data, actor,
                                         as_new=bool(getattr(args, "as_new", False)))
    except ImportRefused as err:
        return _fail(f"import refused: {err}")
    except StoreError as err:
        return _fail(f"import failed: {err}")
    a = stored.assessment
    print(f"imported {a.id} (reference {a.case.reference!r}, {a.status}, revision {a.revision})")
    return 0


def _store_url(args: argparse.Namespace) -> str:
    from wizard.store_config import database_url

    return getattr(args, "database_url", None) or database_url()


def _verified(v: Verification, what: str) -> int:
    from wizard.store_backup import describe

    if v.problems:
        print(f"FAILED: {what}:", file=sys.stderr)
        for p in v.problems:
            print(f"  - {p}", file=sys.stderr)
        return 1
    print(f"OK: {what}: {describe(v)}")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from wizard.store_backup import BackupError, backup

    try:
        out = backup(_store_url(args), Path(args.output))
    except BackupError as err:
        return _fail(f"error: {err}")
    print(f"{out} ({out.stat().st_size} bytes); check it with: python -m wizard check-backup {out}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from wizard.store_backup import BackupError, restore

    target = args.target or _store_url(args)
    try:
        v = restore(Path(args.file), target)
    except BackupError as err:
        return _fail(f"error: {err}")
    return _verified(v, f"restored {args.file}")


def cmd_check_backup(args: argparse.Namespace) -> int:
    import subprocess
    import tempfile

    from wizard.store_backup import PG_DUMP_MAGIC, SQLITE_MAGIC, BackupError, restore

    path = Path(args.file)
    try:
        head = path.read_bytes()[:16]
    except OSError as err:
        return _fail(f"error: cannot read {path}: {err.strerror or err}")
    if head.startswith(PG_DUMP_MAGIC):
        done = subprocess.run(["pg_restore", "--list", str(path)], capture_output=True, text=True)
        if done.returncode != 0:
            return _fail(f"FAILED: {path}: pg_restore cannot read it: {done.stderr.strip()}")
        tables = [t for t in ("assessments", "documents", "revisions", "events") if f"TABLE DATA public {t} " in
                  done.stdout]
        print(f"OK: {path}: a pg_dump archive with the data of {', '.join(tables)}; restore it with "
              f"python -m wizard restore {path} --to postgresql+psycopg://.../empty_database")
        return 0 if len(tables) == 4 else 1
    if not head.startswith(SQLITE_MAGIC):
        return _fail(f"FAILED: {path} is neither a SQLite backup nor a pg_dump archive")
    with tempfile.TemporaryDirectory() as tmp:  # restore into a scratch store: everything must read
        try:
            v = restore(path, f"sqlite:///{Path(tmp) / 'check.sqlite'}")
        except BackupError as err:
            return _fail(f"FAILED: {err}")
        return _verified(v, f"{path} restores")


def cmd_migrate_store(args: argparse.Namespace) -> int:
    from wizard.store_backup import BackupError, migrate

    try:
        v = migrate(_store_url(args), args.target)
    except BackupError as err:
        return _fail(f"error: {err}")
    return _verified(v, "moved the store")


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


# ---------------------------------------------------------------------------------------------------------
# Parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m wizard", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=None,
                        help="SQLAlchemy URL of the store (default: WIZARD_DATABASE_URL, or the SQLite file in "
                             "WIZARD_DATA_DIR or data/)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("check-guidance", help="validate the guidance files")
    p.add_argument("language", nargs="*", help="language folders to check (default: every language)")
    p.set_defaults(func=cmd_check_guidance)

    p = sub.add_parser("steps", help="list the screens in wizard order")
    p.add_argument("--lang", "--language", dest="language", default="en", help="language of the guidance")
    p.set_defaults(func=cmd_steps)

    p = sub.add_parser("render", help="build the PDF record of an assessment")
    p.add_argument("assessment", help="assessment JSON file")
    p.add_argument("-o", "--output", required=True, help="PDF file to write")
    p.add_argument("--page-size", choices=["A4", "letter"], default="A4")
    p.add_argument("--annex", action="store_true", help="append the guidance text the officer saw")
    p.add_argument("--sign", action="store_true",
                   help="sign a draft too (a final record is always signed with the office's key)")
    p.add_argument("--lang", help="the record's language (default: the language the assessment was written in)")
    p.set_defaults(func=cmd_render)

    p = sub.add_parser("verify", help="verify a PDF record")
    p.add_argument("record", help="PDF record")
    p.add_argument("--lang", default="en", help="language of the report (default: en)")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("factsheet", help="the Article 7(4) guidance as a stand-alone PDF fact sheet")
    p.add_argument("--lang", default="en", help="language of the guidance (default: en)")
    p.add_argument("-o", "--output", required=True, help="PDF file to write")
    p.add_argument("--page-size", choices=["A4", "letter"], default="A4")
    p.set_defaults(func=cmd_factsheet)

    p = sub.add_parser("export", help="export an assessment as JSON")
    p.add_argument("id")
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("import", help="import an assessment from JSON or a PDF record")
    p.add_argument("file")
    p.add_argument("--as-new", action="store_true", help="give it a new id if the id is already stored")
    p.add_argument("--actor", default=None, help="name recorded in the audit log (default: $USER)")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("list", help="list stored assessments")
    p.add_argument("--status", choices=["draft", "final"])
    p.add_argument("--text", help="search reference and end user")
    p.add_argument("--all", action="store_true", help="include archived assessments")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("backup", help="write a consistent copy of the store, while the app runs")
    p.add_argument("-o", "--output", required=True, help="the backup file (never overwritten)")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="restore a backup into an empty store, then verify it")
    p.add_argument("file")
    p.add_argument("--to", dest="target", help="the empty store to fill (default: the configured store)")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("check-backup", help="open a backup and check that every assessment in it reads")
    p.add_argument("file")
    p.set_defaults(func=cmd_check_backup)

    p = sub.add_parser("migrate-store", help="copy the whole store into another, empty one, then verify")
    p.add_argument("--to", dest="target", required=True, help="the empty store's URL (e.g. postgresql+psycopg://...)")
    p.set_defaults(func=cmd_migrate_store)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # One process per command: the guidance is parsed once per content, then read back (safe to delete).
    from wizard import guidance
    from wizard.store_config import data_dir

    guidance.use_disk_cache(data_dir() / "cache")
    try:
        return int(args.func(args))
    finally:
        guidance.use_disk_cache(None)  # main() called in-process (tests) leaves nothing behind
