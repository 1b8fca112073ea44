"""``mobilenet-cost frontier``: the Pareto front of a reference table by any cost column."""

from __future__ import annotations

import argparse

from costmodel.cli.common import (
    DefaultsHelpFormatter,
    add_force_argument,
    add_knob_arguments,
    knobs_from,
    write_output,
)
from costmodel.cli.selection import add_selection_arguments, select
from costmodel.output.frame_format import frame_as_csv, frame_as_text
from costmodel.reference.budget import with_costs
from costmodel.reference.pareto import pareto_front
from costmodel.reference.tables import load_table, table_names

SHOWN = (
    "model",
    "release",
    "table_version",
    "source_name",
    "table_no",
    "row_label",
    "dtype",
    "alpha",
    "resolution",
)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "frontier",
        help="Pareto front (lower cost, higher accuracy) of a reference table",
        description="The rows of a reference table that no other row beats on both cost and accuracy. "
        "The costs 'macs' and 'params' are exact, from each row's alpha and resolution under the variant "
        "knobs; any numeric column of the table (tflite_cpu_ms, macs_millions, ...) can be the cost too. "
        "Rows missing the cost or the accuracy are left out and counted.",
        epilog="Example: mobilenet-cost frontier --table tflite_hosted_latency --cost tflite_cpu_ms "
        "--where table_version=hosted_pixel3",
        formatter_class=DefaultsHelpFormatter,
    )
    parser.add_argument("--table", default="slim_checkpoints", help=f"one of {', '.join(table_names())}")
    parser.add_argument("--cost", default="macs", help="cost column: macs, params or a numeric column")
    parser.add_argument("--accuracy", default="top1_pct", help="accuracy column (higher is better)")
    parser.add_argument("--format", choices=("text", "csv"), default="text", help="output format")
    parser.add_argument("-o", "--output", help="write to this file instead of standard output")
    add_force_argument(parser)
    add_selection_arguments(parser)
    add_knob_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    table = select(load_table(args.table), argparse.Namespace(**{**vars(args), "columns": None}))
    if args.cost in ("macs", "params") and args.cost not in table.columns:
        table = with_costs(table, **knobs_from(args))
    front = pareto_front(table, cost=args.cost, accuracy=args.accuracy)
    dropped = front.attrs["dropped_missing"]
    if args.columns:
        front = select(front, argparse.Namespace(where=[], source=None, columns=args.columns))
    else:
        keep = [c for c in SHOWN if c in front.columns] + [args.cost, args.accuracy, "duplicate_point"]
        front = front[list(dict.fromkeys(keep))]
    if args.format == "csv":
        text = frame_as_csv(front)
    else:
        text = (
            frame_as_text(front)
            + f"\n{len(front)} rows on the front; {dropped} rows without {args.cost} or {args.accuracy} left out"
        )
    write_output(text, args.output, force=args.force)
    return 0
