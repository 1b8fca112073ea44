"""``mobilenet-cost measure``: time the ONNX network on this machine with onnxruntime and store the result."""

from __future__ import annotations

import argparse
import datetime
import sys

from costmodel.cli.common import (
    DB_HELP,
    DefaultsHelpFormatter,
    add_force_argument,
    add_grid_arguments,
    check_output,
    database_files,
    integer_argument,
    integer_list,
    number_list,
    require_modules,
    write_output,
)
from costmodel.latency.onnx_model import BN_MODES
from costmodel.latency.store import BUILTIN_DATASETS, LatencyStore, check_name


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "measure",
        help="time the network with onnxruntime for each (alpha, resolution) and store it as a dataset",
        description="Build MobileNet v1 for every (alpha, resolution) pair as an ONNX graph straight from the "
        "layer table (random weights), time it with onnxruntime on this CPU (warm-up, then timed runs), "
        "store median/p10/p90/min as a latency dataset and write it as CSV in the import schema.",
        epilog="Example: mobilenet-cost measure --alpha 0.25,0.5,1.0 --resolution 128,224 --threads 1 "
        "--runs 50 --warmup 10 -o ort.csv",
        formatter_class=DefaultsHelpFormatter,
    )
    add_grid_arguments(parser)
    parser.add_argument("--threads", type=integer_argument("--threads"), default=1, help="onnxruntime intra-op threads")
    parser.add_argument("--runs", type=integer_argument("--runs"), default=50, help="timed runs per model")
    parser.add_argument("--warmup", type=integer_argument("--warmup"), default=10, help="untimed runs before timing")
    parser.add_argument(
        "--bn", choices=BN_MODES, default="folded", help="batch norm folded into conv bias, or as nodes"
    )
    parser.add_argument(
        "--clock",
        choices=("auto", "wall", "cpu"),
        default="auto",
        help="wall: elapsed time; cpu: the calling thread's CPU time, which with --threads 1 is the latency "
        "of an unshared core (other processes do not inflate it); auto: cpu with 1 thread, else wall",
    )
    parser.add_argument("-o", "--output", help="CSV file to write (default: standard output)")
    add_force_argument(parser)
    parser.add_argument(
        "--export-onnx", metavar="DIR", help="also save each model as DIR/mobilenet_v1_A_R.onnx"
    )
    parser.add_argument("--dataset", help="dataset name to store under (default: onnxruntime-<date time>)")
    parser.add_argument("--no-store", action="store_true", help="only write the CSV, store nothing")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    parser.add_argument("--db", help=DB_HELP)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    require_modules("measuring", "measure", ("onnx", "onnxruntime"))
    from costmodel.latency.measure import measure

    alphas = [float(a) for a in number_list("--alpha", args.alpha)]
    sides = integer_list("--resolution", args.resolution)
    store = None if args.no_store else LatencyStore(args.db)  # a bad --db fails before the timing
    name = check_name(args.dataset or f"onnxruntime-{datetime.datetime.now():%Y-%m-%d %H:%M:%S}")
    if name in BUILTIN_DATASETS:
        raise ValueError(f"--dataset {name!r} is a built-in read-only dataset; choose another name")
    protect = database_files(store.path) if store is not None else ()
    check_output(args.output, force=args.force, protect=protect)  # before the timing, not after
    frame = measure(
        alphas,
        sides,
        threads=args.threads,
        runs=args.runs,
        warmup=args.warmup,
        bn=args.bn,
        export_onnx=args.export_onnx,
        progress=not args.no_progress,
        clock=args.clock,
    )
    write_output(frame.to_csv(index=False, lineterminator="\n"), args.output, force=args.force, protect=protect)
    if store is not None:
        result = store.add(name, frame, origin="mobilenet-cost measure")
        print(f"stored {result.rows} row(s) in dataset {result.dataset!r} ({store.path})", file=sys.stderr)
    return 0
