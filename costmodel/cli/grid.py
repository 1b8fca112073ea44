"""``mobilenet-cost grid``: a paper-ready table over a grid of alpha and resolution (CSV, LaTeX, Markdown)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from costmodel.cli.common import (
    DefaultsHelpFormatter,
    add_force_argument,
    add_grid_arguments,
    add_knob_arguments,
    integer_list,
    knobs_from,
    number_list,
)
from costmodel.output.files import is_special, write_files
from costmodel.paper.grid import (
    GRID_METRICS,
    check_metrics,
    grid_metadata,
    grid_pivots,
    grid_table,
    stacked_csv,
)

FORMATS = ("csv", "latex", "markdown")
WIDE_LAYOUT = (
    "wide (--wide): one row per alpha (and per metric, named in the metric column, when there are several), "
    "one column res_N per resolution N; the cells hold the columns described below"
)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "grid",
        help="a paper table over a grid of alpha and resolution (csv, latex, markdown)",
        description="One row per (alpha, resolution). LaTeX and Markdown show counts in millions (exact "
        "integers with --exact); CSV always holds exact integers, and with -o FILE.csv a sidecar "
        "FILE.meta.json states the convention, sources and columns. top1 is the TF-slim 2018_02_22 float "
        "checkpoint's ImageNet top-1, empty (with a footnote) where there is none.",
        epilog="Example: mobilenet-cost grid --alpha 0.25,0.5,0.75,1.0 --resolution 128,160,192,224 "
        "--metrics macs,params,top1 --format latex -o grid.tex  (add --wide for alpha x resolution tables)",
        formatter_class=DefaultsHelpFormatter,
    )
    add_grid_arguments(parser)
    parser.add_argument(
        "--metrics", default="macs,params,top1", help=f"comma-separated, from {','.join(GRID_METRICS)}"
    )
    parser.add_argument("--format", choices=FORMATS, default="csv", help="output format")
    parser.add_argument(
        "--exact", action="store_true", help="exact integers instead of millions in LaTeX/Markdown"
    )
    parser.add_argument(
        "--wide",
        action="store_true",
        help="the layout papers print: rows alpha, columns resolution, one table per metric (CSV: one "
        "table, a metric column first when there are several)",
    )
    parser.add_argument("--caption", help="table caption (LaTeX, Markdown)")
    parser.add_argument("--label", help="LaTeX \\label, e.g. tab:grid")
    parser.add_argument("-o", "--output", help="file to write (default: standard output)")
    add_force_argument(parser)
    add_knob_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    metrics = check_metrics([m.strip() for m in args.metrics.split(",")])
    knobs = knobs_from(args)
    table = grid_table(
        number_list("--alpha", args.alpha),
        integer_list("--resolution", args.resolution),
        metrics,
        exact=args.exact,
        caption=args.caption,
        label=args.label,
        **knobs,
    )
    meta = grid_metadata(table, **knobs)
    if args.wide:
        pivots = grid_pivots(table)
        single = next(iter(pivots.values())) if len(pivots) == 1 else None
        text = {
            "csv": lambda: single.to_csv() if single else stacked_csv(pivots),
            "latex": lambda: "\n".join(p.to_latex() for p in pivots.values()),
            "markdown": lambda: "\n\n".join(p.to_markdown() for p in pivots.values()),
        }[args.format]()
        meta["layout"] = WIDE_LAYOUT
    else:
        text = {"csv": table.to_csv, "latex": table.to_latex, "markdown": table.to_markdown}[args.format]()
    if args.output in (None, "-"):
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return 0
    files: dict[Path, str] = {Path(args.output): text if text.endswith("\n") else text + "\n"}
    if args.format == "csv" and not is_special(args.output):  # no /dev/null.meta.json
        sidecar = Path(args.output).with_suffix(".meta.json")
        files[sidecar] = json.dumps(meta, indent=2, ensure_ascii=False) + "\n"
    write_files(files, force=args.force)
    return 0
