"""``mobilenet-cost best``: the most accurate configuration (or, with ``--all``, every one) within budgets."""

from __future__ import annotations

import argparse

import pandas as pd
from pandas.api.types import is_numeric_dtype

from costmodel.cli.common import (
    DB_HELP,
    DefaultsHelpFormatter,
    add_force_argument,
    add_knob_arguments,
    knobs_from,
    write_output,
)
from costmodel.cli.selection import add_selection_arguments, select
from costmodel.core.numbers import parse_quantity
from costmodel.latency.budgets import estimates_within, trend_for
from costmodel.output.frame_format import frame_as_csv
from costmodel.output.table import Column, ExportTable
from costmodel.reference.accuracy_model import TREND_RELEASES, AccuracyModel, published_trend
from costmodel.reference.budget import fitting_references
from costmodel.reference.tables import load_table, table_names

NEEDED = ("alpha", "resolution", "top1_pct")


def best_tables() -> list[str]:
    """The reference tables ``best`` can search: those with alpha, resolution and top1_pct columns."""
    return [name for name in table_names() if set(NEEDED) <= set(load_table(name).columns)]


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "best",
        help="the most accurate configuration (or --all of them) within MACs, params, latency, RAM and flash budgets",
        description="The most accurate row of a reference table whose exact MACs and params (from its alpha "
        "and resolution) and latency fit every budget given; --all lists every row that fits, most accurate "
        "first. Latency comes from the table's --latency-column or, with --dataset, from a latency dataset's "
        "fitted model. With --estimate, searches alpha (steps of 0.01) and every integer resolution with the "
        "accuracy trend fitted to one TF-slim release of one precision (--trend), as the dashboard does, or "
        "to the rows selected with --where/--source (an estimate).",
        epilog="Example: mobilenet-cost best --macs 300M --where release=2018_02_22 --where dtype=float "
        "(a microcontroller: mobilenet-cost best --ram 320KiB --flash 1MiB --dtype int8; "
        "every fit: mobilenet-cost best --all --macs 300M --params 2M --latency 20 --dataset tflite-pixel2-cpu-float)",
        formatter_class=DefaultsHelpFormatter,
    )
    parser.add_argument("--macs", help="MACs budget: 300M, 0.3G, 300000000")
    parser.add_argument("--params", help="params budget: 3M, 3000000")
    parser.add_argument("--ram", help="peak activation memory budget at --dtype: 320KiB, 256KB, 1MiB")
    parser.add_argument("--flash", help="weight bytes budget at --dtype: 1MiB, 1MB, 512KiB")
    parser.add_argument(
        "--latency", help="latency budget in ms: 20 or 20ms (needs --dataset or a latency column)"
    )
    parser.add_argument("--latency-column", default="tflite_cpu_ms", help="the table's latency column")
    parser.add_argument("--dataset", help="latency from this dataset's fitted model (see `latency list`)")
    parser.add_argument("--db", help=DB_HELP)
    parser.add_argument("--table", default="slim_checkpoints", choices=best_tables(), help="reference table")
    parser.add_argument("--all", action="store_true", help="list every configuration within the budgets")
    parser.add_argument(
        "--estimate", action="store_true", help="search alpha and resolution with the fitted trend"
    )
    parser.add_argument(
        "--trend",
        choices=tuple(TREND_RELEASES),
        help="precision of the --estimate trend (default: quant with --dtype int8, else float)",
    )
    parser.add_argument("--format", choices=("text", "csv"), default="text", help="output format")
    parser.add_argument("-o", "--output", help="write to this file instead of standard output")
    add_force_argument(parser)
    add_selection_arguments(parser)
    add_knob_arguments(parser)
    parser.set_defaults(run=run)


def _with_dataset_latency(table, args):
    from costmodel.latency.axis import with_latency

    return with_latency(table, args.dataset, db=args.db, column="latency_ms")


def run(args: argparse.Namespace) -> int:
    macs = parse_quantity("--macs", args.macs, "count") if args.macs is not None else None
    params = parse_quantity("--params", args.params, "count") if args.params is not None else None
    latency = float(parse_quantity("--latency", args.latency, "ms")) if args.latency is not None else None
    ram = parse_quantity("--ram", args.ram, "bytes") if args.ram is not None else None
    flash = parse_quantity("--flash", args.flash, "bytes") if args.flash is not None else None
    if macs is None and params is None and latency is None and ram is None and flash is None:
        raise ValueError("give a budget: --macs, --params, --latency, --ram or --flash")
    knobs = knobs_from(args)
    rows_chosen = bool(args.where or args.source)
    if args.estimate:
        if latency is not None and args.dataset is None:
            raise ValueError("--latency with --estimate needs --dataset NAME (see `latency list`)")
        if rows_chosen:
            table = select(load_table(args.table), argparse.Namespace(**{**vars(args), "columns": None}))
            if "dtype" in table.columns and table["dtype"].nunique() > 1:
                raise ValueError("--estimate: the selected rows mix float and quant; add --where dtype=float")
            model = AccuracyModel.fit(table)
            fitted = "the selected rows"
        else:
            trend = args.trend or trend_for(args.dtype)
            model = published_trend(trend)
            fitted = f"TF-slim {TREND_RELEASES[trend]} {trend}"
        found = estimates_within(
            model, macs=macs, params=params, ram=ram, flash=flash, latency=latency, dataset=args.dataset,
            db=args.db, alpha_step=0.01, **knobs,
        )  # fmt: skip
        note = (
            f"estimate: top1_pct_estimate comes from the accuracy trend fitted to {fitted}, not from a table"
        )
    else:
        table = select(load_table(args.table), argparse.Namespace(**{**vars(args), "columns": None}))
        column = args.latency_column
        if latency is not None and args.dataset is not None:
            table, column = _with_dataset_latency(table, args), "latency_ms"
        elif latency is not None and column not in table.columns:
            raise ValueError(
                f"--latency: table {args.table} has no latency column {column!r}; give --dataset NAME "
                "(see `latency list`) or --table tflite_hosted_latency"
            )
        found = fitting_references(
            table,
            macs=macs,
            params=params,
            latency=latency,
            latency_column=column,
            ram=ram,
            flash=flash,
            **knobs,
        )
        note = (
            f"published {'rows' if args.all else 'row'} of {args.table}; macs, params and bytes are exact counts "
            f"under the variant knobs (bytes at dtype {args.dtype})"
        )
        if args.dataset is not None and latency is not None:
            note += f"; latency_ms predicted by the model of dataset {args.dataset!r}"
    frame = found if args.all else found.iloc[:1]
    if args.columns is not None:
        frame = select(frame, args)
    write_output(_formatted(frame, args, note), args.output, force=args.force)
    return 0


def _shown(value) -> str:
    """A cell for reading: estimates and ratios to 0.1 or 4 significant digits, whole numbers with commas."""
    if value is None or value != value:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return f"{round(value, 4)}"
    if isinstance(value, int) or hasattr(value, "__index__"):
        return f"{int(value):,}"
    return str(value)


INTERVALS = (
    ("top1_pct_estimate", "top1_pct_low", "top1_pct_high"),
    ("latency_ms", "latency_low_ms", "latency_high_ms"),
)
"""A value and its interval's bounds, as the answer's columns name them."""


def _listed(frame: pd.DataFrame) -> str:
    """Every configuration, one a line, cells as :func:`_shown` writes them (numbers right-aligned)."""
    columns = tuple(
        Column(
            str(c), str(c), align="right" if is_numeric_dtype(frame[c]) and frame[c].dtype != bool else "left"
        )
        for c in frame.columns
    )
    rows = tuple({str(c): _shown(v) for c, v in row.items()} for row in frame.to_dict("records"))
    return ExportTable(columns=columns, rows=rows).to_text(rule=False)


def _formatted(frame, args: argparse.Namespace, note: str) -> str:
    if args.format == "csv":
        return frame_as_csv(frame)
    frame = frame.copy()
    for column in ("top1_pct_estimate", "top1_pct_low", "top1_pct_high"):
        if column in frame.columns:
            frame[column] = frame[column].astype(float).round(1)
    for column in ("latency_ms", "latency_low_ms", "latency_high_ms"):
        if column in frame.columns:
            frame[column] = frame[column].astype(float).round(2 if frame[column].abs().min() < 10 else 1)
    if args.all:
        count = f"{len(frame):,} configuration(s)" + (
            "; --format csv adds the sources" if "source" in frame else ""
        )
        return "\n".join([_listed(frame.drop(columns=["source"], errors="ignore")), f"({count}; {note})"])
    row = frame.iloc[0]
    width = max(len(str(k)) for k in frame.columns)
    lines = [f"{str(k).ljust(width)}  {_shown(v)}" for k, v in row.items()]
    intervals = [
        f"{name} {row[low]:.1f} to {row[high]:.1f}" for name, low, high in INTERVALS if low in row.index
    ]
    if intervals:
        note += "; 90 % jackknife+ intervals: " + ", ".join(intervals)
    return "\n".join([*lines, f"({note})"])
