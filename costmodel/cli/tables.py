"""``mobilenet-cost tables``: list the reference tables, show one, or export it as CSV or LaTeX."""

from __future__ import annotations

import argparse

import pandas as pd

from costmodel.cli.common import add_force_argument, write_output
from costmodel.cli.selection import add_selection_arguments, select
from costmodel.output.frame_format import frame_as_csv, frame_as_latex, frame_as_text
from costmodel.reference.tables import load_table, table_names

DESCRIPTIONS = {
    "devices": "microcontrollers and processors: RAM, flash, clock, peak MAC/s, bandwidth (vendor data)",
    "errata": "cells that disagree with the architecture: printed value, architecture, reason",
    "other_references": "timm, keras.io and OpenVINO rows",
    "paper_models": "paper Tables 4-14, one row per model, alpha/resolution parsed",
    "paper_tables": "every cell of the paper's Tables 1-14 (long format)",
    "slim_checkpoints": "TF-slim checkpoints: 3 releases, float and quant",
    "tflite_hosted_latency": "TF Lite hosted models and benchmarks: size, accuracy, latency",
}


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "tables",
        help="reference tables with provenance: list, show, export",
        description="The published reference tables (paper, TF-slim, TF Lite, timm, keras.io, OpenVINO) and "
        "the errata found in them. Every row keeps its source.",
        epilog="Example: mobilenet-cost tables show slim_checkpoints --where release=2018_08_02 --where dtype=quant",
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser(
        "list", help="the table names, sizes and contents", epilog="Example: mobilenet-cost tables list"
    )
    listing.set_defaults(run=run_list)
    show = actions.add_parser(
        "show",
        help="print one table as aligned text",
        epilog="Example: mobilenet-cost tables show errata --columns table,row_key,printed,architecture",
    )
    show.add_argument("name", help=f"one of {', '.join(table_names())}")
    add_selection_arguments(show)
    show.set_defaults(run=run_show)
    export = actions.add_parser(
        "export",
        help="write one table as CSV or LaTeX",
        epilog="Example: mobilenet-cost tables export slim_checkpoints --format latex -o slim.tex",
    )
    export.add_argument("name", help=f"one of {', '.join(table_names())}")
    export.add_argument(
        "--format", choices=("csv", "latex"), default="csv", help="output format (default csv)"
    )
    export.add_argument("-o", "--output", help="write to this file instead of standard output")
    add_force_argument(export)
    add_selection_arguments(export)
    export.set_defaults(run=run_export)


def run_list(args: argparse.Namespace) -> int:
    rows = []
    for name in table_names():
        table = load_table(name)
        rows.append(
            {"name": name, "rows": len(table), "columns": len(table.columns), "what": DESCRIPTIONS[name]}
        )
    write_output(frame_as_text(pd.DataFrame(rows)), None)
    return 0


def run_show(args: argparse.Namespace) -> int:
    write_output(frame_as_text(select(load_table(args.name), args)), None)
    return 0


def run_export(args: argparse.Namespace) -> int:
    rows = select(load_table(args.name), argparse.Namespace(**{**vars(args), "columns": None}))
    table = select(rows, argparse.Namespace(where=[], source=None, columns=args.columns))
    if args.format == "csv":
        text = frame_as_csv(table)
    else:
        # a shown source column becomes numbered notes under the table; otherwise the caption names them
        shown = "source" in table.columns
        sources = sorted(set(rows["source"].dropna())) if "source" in rows.columns and not shown else []
        caption = f"{args.name}: {DESCRIPTIONS[args.name]}" + (
            f". Sources: {'; '.join(sources)}" if sources else ""
        )
        text = frame_as_latex(table, caption=caption, label=f"tab:{args.name}")
    write_output(text, args.output, force=args.force)
    return 0
