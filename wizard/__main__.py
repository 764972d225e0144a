"""Command line: ``python -m wizard COMMAND``.

check-guidance  validate the guidance files (exit 0 when valid)
steps           the screens in wizard order, with their flowchart numbers
render          build the PDF record of an assessment JSON file
verify          check a PDF record against its embedded data and fingerprint
export / import / list   move assessments in and out of the store
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from wizard.guidance import load_guidance
from wizard.guidance_schema import GuidanceError


def cmd_check_guidance(args: argparse.Namespace) -> int:
    failed = False
    for lang in args.language or ["en"]:
        try:
            g = load_guidance(lang)
        except GuidanceError as err:
            failed = True
            print(f"guidance {lang}: {len(err.problems)} problem(s)", file=sys.stderr)
            for p in err.problems:
                print(f"  {p}", file=sys.stderr)
            continue
        n_questions = sum(len(s.questions) for s in g.screens)
        print(f"guidance {lang}: valid, version {g.stamp}, {len(g.screens)} screens, {n_questions} questions, "
              f"{len(g.glossary)} glossary terms")
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


def cmd_render(args: argparse.Namespace) -> int:
    from wizard.record import cmd_render as render

    return render(args)


def cmd_verify(args: argparse.Namespace) -> int:
    from wizard.record import cmd_verify as verify

    return verify(args)


def cmd_export(args: argparse.Namespace) -> int:
    from wizard.store_cli import cmd_export as export

    return export(args)


def cmd_import(args: argparse.Namespace) -> int:
    from wizard.store_cli import cmd_import as import_

    return import_(args)


def cmd_list(args: argparse.Namespace) -> int:
    from wizard.store_cli import cmd_list as list_

    return list_(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m wizard", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=None,
                        help="SQLAlchemy URL of the store (default: WIZARD_DATABASE_URL, secrets.toml, or SQLite)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("check-guidance", help="validate the guidance files")
    p.add_argument("language", nargs="*", help="language folders to check (default: en)")
    p.set_defaults(func=cmd_check_guidance)

    p = sub.add_parser("steps", help="list the screens in wizard order")
    p.add_argument("--language", default="en")
    p.set_defaults(func=cmd_steps)

    p = sub.add_parser("render", help="build the PDF record of an assessment")
    p.add_argument("assessment", help="assessment JSON file")
    p.add_argument("-o", "--output", required=True, help="PDF file to write")
    p.add_argument("--page-size", choices=["A4", "letter"], default="A4")
    p.add_argument("--annex", action="store_true", help="append the guidance text the officer saw")
    p.set_defaults(func=cmd_render)

    p = sub.add_parser("verify", help="verify a PDF record")
    p.add_argument("record", help="PDF record")
    p.set_defaults(func=cmd_verify)

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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
