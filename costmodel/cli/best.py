"""``mobilenet-cost best``: the most accurate configuration within a MACs, params or latency budget."""

from __future__ import annotations

import argparse
import re
from decimal import Decimal, InvalidOperation

from costmodel.cli.common import add_knob_arguments, knobs_from, write_output
from costmodel.cli.selection import add_selection_arguments, select
from costmodel.output.frame_format import frame_as_csv
from costmodel.reference.accuracy_model import AccuracyModel
from costmodel.reference.budget import best_estimate, best_reference
from costmodel.reference.tables import load_table, table_names

SUFFIXES = {"": 1, "k": 10**3, "m": 10**6, "g": 10**9, "b": 10**9}
_AMOUNT = re.compile(r"^\s*(?P<number>[0-9.eE+-]+?)\s*(?P<suffix>[kKmMgGbB]?)\s*$")


def parse_amount(name: str, text: str) -> int:
    """``"300M"``, ``"0.3G"``, ``"1.5k"``, ``"300000000"`` or ``"3e8"`` as a whole number.

    >>> parse_amount("--macs", "300M"), parse_amount("--macs", "0.3G"), parse_amount("--params", "4.2m")
    (300000000, 300000000, 4200000)
    >>> parse_amount("--macs", "-5M")
    Traceback (most recent call last):
    ValueError: --macs: '-5M' must be a positive amount such as 300M, 0.3G or 300000000
    """
    match = _AMOUNT.match(text)
    try:
        number = Decimal(match["number"]) if match else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number <= 0:
        raise ValueError(f"{name}: {text!r} must be a positive amount such as 300M, 0.3G or 300000000")
    value = number * SUFFIXES[match["suffix"].lower()]
    return int(value.to_integral_value())


def parse_milliseconds(text: str) -> float:
    """``"5"``, ``"5ms"`` or ``"12.5 ms"`` as milliseconds."""
    stripped = text.strip().lower().removesuffix("ms").strip()
    try:
        value = Decimal(stripped)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value <= 0:
        raise ValueError(f"--latency: {text!r} must be a positive number of milliseconds such as 20 or 20ms")
    return float(value)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "best",
        help="the most accurate configuration within a MACs, params or latency budget",
        description="The most accurate row of a reference table whose exact MACs and params (from its alpha "
        "and resolution) and latency fit every budget given. With --estimate, searches alpha and every "
        "integer resolution with the accuracy trend fitted to the selected rows instead (an estimate).",
        epilog="Example: mobilenet-cost best --macs 300M --where release=2018_02_22 --where dtype=float",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
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
    macs = parse_amount("--macs", args.macs) if args.macs is not None else None
    params = parse_amount("--params", args.params) if args.params is not None else None
    latency = parse_milliseconds(args.latency) if args.latency is not None else None
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
