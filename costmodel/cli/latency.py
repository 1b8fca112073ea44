"""``mobilenet-cost latency``: import, list, rename, delete, export and fit latency datasets."""

from __future__ import annotations

import argparse
import sys

from costmodel.cli import UsageError
from costmodel.cli.common import (
    DB_HELP,
    DefaultsHelpFormatter,
    add_force_argument,
    database_files,
    integer_argument,
    number_argument,
    write_output,
)
from costmodel.latency.importer import MAX_BYTES, MAX_ROWS, LatencyImportError, import_latency
from costmodel.latency.schema import printable
from costmodel.latency.store import DatasetError, LatencyStore
from costmodel.output.frame_format import frame_as_text


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "latency",
        help="import, list, rename, delete, export and fit measured latency datasets",
        description="Measured latency datasets kept in a SQLite database: built-in TF Lite hosted tables "
        "plus your own imports.",
        epilog="Example: mobilenet-cost latency import pixel.csv --device 'Pixel 7'",
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    importing = actions.add_parser(
        "import",
        help="check a CSV or benchmark_model log and store it as a dataset (all or nothing)",
        description="Import a latency CSV (columns alpha, resolution, latency_ms; optional device, runtime, "
        "threads, batch, dtype, source, std_ms, notes, p10_ms, p90_ms, min_ms, runs; comma or semicolon; "
        "latency_us or a '(us)' header for microseconds) or a TF Lite benchmark_model log. "
        f"Limits: {MAX_BYTES // 2**20} MiB and {MAX_ROWS:,} rows per file.",
        epilog="Example: mobilenet-cost latency import bench.log --device 'Pixel 2' --dataset pixel2-float",
        formatter_class=DefaultsHelpFormatter,
    )
    importing.add_argument("file", help="CSV file or benchmark_model log")
    importing.add_argument(
        "--device", help="device name, for rows that do not give one (needed without a device column)"
    )
    importing.add_argument("--runtime", help="runtime name, for rows that do not give one")
    importing.add_argument(
        "--dataset", help="dataset name (default: the file name without extension; pixel.csv is 'pixel')"
    )
    importing.add_argument(
        "--alpha", type=number_argument("--alpha"), help="width multiplier of a benchmark_model log's graph"
    )
    importing.add_argument(
        "--resolution",
        type=integer_argument("--resolution"),
        help="input side of a benchmark_model log's graph",
    )
    importing.set_defaults(run=run_import)

    listing = actions.add_parser(
        "list",
        help="list the datasets",
        description="List built-in and imported datasets with row counts, devices, runtimes and the number of "
        "design points with a per-layer profile (measure --profile).",
        epilog="Example: mobilenet-cost latency list",
    )
    listing.set_defaults(run=run_list)

    renaming = actions.add_parser(
        "rename",
        help="rename an imported dataset",
        description="Rename an imported dataset (built-in ones are read-only).",
        epilog="Example: mobilenet-cost latency rename bench pixel2-float",
    )
    renaming.add_argument("old")
    renaming.add_argument("new")
    renaming.set_defaults(run=run_rename)

    deleting = actions.add_parser(
        "delete",
        help="delete an imported dataset",
        description="Delete an imported dataset and its rows (built-in ones are read-only).",
        epilog="Example: mobilenet-cost latency delete pixel2-float",
    )
    deleting.add_argument("name")
    deleting.set_defaults(run=run_delete)

    exporting = actions.add_parser(
        "export",
        help="write a dataset as CSV in the import schema",
        description="Write a dataset as CSV in the import schema, or with --profiles its per-layer profiles "
        "(alpha, resolution, layer, kind, macs, time_ms, whole_ms, threads, dtype). Text cells that a spreadsheet "
        "would run as formulas (starting with =, +, -, @, tab or CR) get a leading apostrophe.",
        epilog="Example: mobilenet-cost latency export tflite-pixel2-cpu-float -o pixel2.csv",
    )
    exporting.add_argument("name")
    exporting.add_argument(
        "--profiles", action="store_true", help="write the dataset's per-layer profiles instead of its rows"
    )
    exporting.add_argument("-o", "--output", help="CSV file to write (default: standard output)")
    add_force_argument(exporting)
    exporting.set_defaults(run=run_export)

    fitting = actions.add_parser(
        "fit",
        help="fit the latency model to a dataset and print it with its leave-one-out error",
        description="Fit latency = non-negative combination of cost-model features (MACs by layer kind, "
        "activation and weight traffic, a constant) in relative error; print the coefficients, the "
        "leave-one-out share within +-10 % and the RMSPE.",
        epilog="Example: mobilenet-cost latency fit tflite-pixel2-cpu-float",
    )
    fitting.add_argument("name")
    fitting.set_defaults(run=run_fit)

    for sub in (importing, listing, renaming, deleting, exporting, fitting):
        sub.add_argument("--db", help=DB_HELP)


def run_import(args: argparse.Namespace) -> int:
    try:
        result = import_latency(
            args.file,
            device=args.device,
            runtime=args.runtime,
            dataset=args.dataset,
            db=args.db,
            alpha=args.alpha,
            resolution=args.resolution,
        )
    except LatencyImportError as error:
        raise UsageError(f"{args.file}: {error.one_line()}; nothing was imported") from None
    verb = "created" if result.created else "added to"
    print(f"imported {result.rows} row(s); {verb} dataset {result.dataset!r}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    table = LatencyStore(args.db).datasets()
    table["builtin"] = table["builtin"].map({True: "built-in", False: ""})
    table = table.map(lambda value: printable(value) if isinstance(value, str) else value)  # no raw escapes
    table["profiles"] = table["profiles"].map(lambda points: f"{points} points" if points else "")
    columns = ["name", "rows", "devices", "runtimes", "builtin", "created", "profiles"]
    print(frame_as_text(table[columns].fillna("")))
    return 0


def run_rename(args: argparse.Namespace) -> int:
    LatencyStore(args.db).rename(args.old, args.new)
    print(f"renamed {args.old!r} to {args.new!r}")
    return 0


def run_delete(args: argparse.Namespace) -> int:
    rows = LatencyStore(args.db).delete(args.name)
    print(f"deleted dataset {args.name!r} ({rows} row(s))")
    return 0


def run_export(args: argparse.Namespace) -> int:
    store = LatencyStore(args.db)
    text = store.export_profiles_csv(args.name) if args.profiles else store.export_csv(args.name)
    write_output(text, args.output, force=args.force, protect=database_files(store.path))
    return 0


def run_fit(args: argparse.Namespace) -> int:
    from costmodel.latency.model import LatencyModel

    store = LatencyStore(args.db)
    try:
        frame = store.load(args.name)
    except DatasetError:
        named = store.datasets()
        matches = named.loc[
            named["devices"].fillna("").map(lambda d: args.name in [x.strip() for x in d.split(",")]), "name"
        ]
        if len(matches):
            raise UsageError(
                f"dataset {args.name!r} does not exist; {args.name!r} is the device of dataset(s) "
                f"{', '.join(repr(m) for m in matches)} (fit takes a dataset name, see 'latency list')"
            ) from None
        raise
    model = LatencyModel.fit(frame)
    print(f"dataset {args.name!r}: {len(frame)} points")
    print(model.describe())
    if model.warning:
        print(f"mobilenet-cost latency fit: warning: {model.warning}", file=sys.stderr)
    return 0
