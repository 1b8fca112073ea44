"""``mobilenet-cost best``: the most accurate configuration within a MACs, params or latency budget."""

from __future__ import annotations

import argparse

from costmodel.cli.common import DefaultsHelpFormatter, add_knob_arguments, knobs_from, write_output
from costmodel.cli.selection import add_selection_arguments, select
from costmodel.core.numbers import parse_quantity
from costmodel.output.frame_format import frame_as_csv
from costmodel.reference.accuracy_model import AccuracyModel
from costmodel.reference.budget import best_estimate, best_reference
from costmodel.reference.tables import load_table, table_names


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "best",
        help="the most accurate configuration within a MACs, params or latency budget",
        description="The most accurate row of a reference table whose exact MACs and params (from its alpha "
        "and resolution) and latency fit every budget given. With --estimate, searches alpha and every "
        "integer resolution with the accuracy trend fitted to the selected rows instead (an estimate).",
        epilog="Example: mobilenet-cost best --macs 300M --where release=2018_02_22 --where dtype=float",
        formatter_class=DefaultsHelpFormatter,
    )
    parser.add_argument("--macs", help="MACs budget: 300M, 0.3G, 300000000")
    parser.add_argument("--params", help="params budget: 3M, 3000000")
    parser.add_argument("--latency", help="latency budget in ms (needs a latency column)")
    parser.add_argument("--latency-column", default="tflite_cpu_ms", help="the table's latency column")
    parser.add_argument("--table", default="slim_checkpoints", help=f"one of {', '.join(table_names())}")
    parser.add_argument(
        "--estimate", action="store_true", help="search alpha and resolution with the fitted trend"
    )
    parser.add_argument("--format", choices=("text", "csv"), default="text", help="output format")
    parser.add_argument("-o", "--output", help="write to this file instead of standard output")
    add_selection_arguments(parser)
    add_knob_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    macs = parse_quantity("--macs", args.macs, "count") if args.macs is not None else None
    params = parse_quantity("--params", args.params, "count") if args.params is not None else None
    latency = float(parse_quantity("--latency", args.latency, "ms")) if args.latency is not None else None
    if macs is None and params is None and latency is None:
        raise ValueError("give a budget: --macs, --params or --latency")
    table = select(load_table(args.table), argparse.Namespace(**{**vars(args), "columns": None}))
    knobs = knobs_from(args)
    if args.estimate:
        if latency is not None:
            raise ValueError("--latency cannot be combined with --estimate (no latency model here)")
        best = best_estimate(AccuracyModel.fit(table), macs=macs, params=params, **knobs)
        note = "estimate: top1_pct_estimate comes from the accuracy trend, not from a published table"
    else:
        best = best_reference(
            table, macs=macs, params=params, latency=latency, latency_column=args.latency_column, **knobs
        )
        note = f"published row of {args.table}; macs and params are exact counts under the variant knobs"
    frame = best.to_frame().T if args.columns is None else select(best.to_frame().T, args)
    if args.format == "csv":
        text = frame_as_csv(frame)
    else:
        width = max(len(str(k)) for k in frame.columns)
        lines = [f"{str(k).ljust(width)}  {'' if v is None else v}" for k, v in frame.iloc[0].items()]
        text = "\n".join([*lines, f"({note})"])
    write_output(text, args.output)
    return 0
