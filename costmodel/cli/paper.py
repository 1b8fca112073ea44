"""``mobilenet-cost paper``: the paper's cost tables regenerated beside the printed values, as files."""

from __future__ import annotations

import argparse
import sys

from costmodel.cli.common import add_force_argument
from costmodel.output.files import ensure_folder, write_files
from costmodel.paper.export import paper_files


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "paper",
        help="regenerate the paper's cost tables (2-10) as CSV, LaTeX and Markdown",
        description="Write paper Tables 2-7 and the MobileNet rows of 8-10, model beside printed values with "
        "a footnote on every cell that differs, each as .csv, .tex and .md, plus a README.md saying "
        "what each file holds and which convention it uses.",
        epilog="Example: mobilenet-cost paper --out paper-tables",
    )
    parser.add_argument("--out", required=True, metavar="DIR", help="folder to write (created if missing)")
    add_force_argument(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    files = paper_files()
    folder = ensure_folder(args.out)
    write_files({folder / name: text for name, text in files.items()}, force=args.force)
    print(f"wrote {len(files)} files to {folder}", file=sys.stderr)
    return 0
