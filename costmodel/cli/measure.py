"""``mobilenet-cost measure``: time the network on this machine with onnxruntime or LiteRT and store the result."""

from __future__ import annotations

import argparse
import datetime
import sys

from costmodel.cli import UsageError
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
from costmodel.latency.measure import RUNTIME_DTYPES, RUNTIME_MODULES, RUNTIMES
from costmodel.latency.onnx_model import BN_MODES
from costmodel.latency.store import BUILTIN_DATASETS, LatencyStore, check_name
from costmodel.latency.tflite_model import DTYPES


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "measure",
        help="time the network with onnxruntime or LiteRT for each (alpha, resolution) and store it as a dataset",
        description="Build MobileNet v1 for every (alpha, resolution) pair straight from the layer table (random "
        "weights) as an ONNX graph (onnxruntime) or a .tflite graph (LiteRT, float32 or int8), time it on this "
        "CPU (warm-up, then timed runs), store median/p10/p90/min as a latency dataset and write it as CSV in "
        "the import schema.",
        epilog="Example: mobilenet-cost measure --alpha 0.25,0.5,1.0 --resolution 128,224 --threads 1 "
        "--runs 50 --warmup 10 -o ort.csv. LiteRT int8, with files for a phone: mobilenet-cost measure "
        "--runtime litert --dtype int8 --alpha 0.5 --resolution 160 --export-tflite phone/",
        formatter_class=DefaultsHelpFormatter,
    )
    add_grid_arguments(parser)
    parser.add_argument("--runtime", choices=RUNTIMES, default="onnxruntime", help="the runtime to time with")
    parser.add_argument(
        "--dtype", choices=DTYPES, default="float32", help="float32, or int8 (fully integer; LiteRT only)"
    )
    parser.add_argument(
        "--threads",
        type=integer_argument("--threads"),
        default=1,
        help="runtime threads (onnxruntime intra-op)",
    )
    parser.add_argument("--runs", type=integer_argument("--runs"), default=50, help="timed runs per model")
    parser.add_argument(
        "--warmup", type=integer_argument("--warmup"), default=10, help="untimed runs before timing"
    )
    parser.add_argument(
        "--bn",
        choices=BN_MODES,
        default="folded",
        help="ONNX graph: batch norm folded into conv bias, or as nodes",
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
    parser.add_argument(
        "--export-tflite",
        metavar="DIR",
        help="also save each model (of --dtype) as DIR/mobilenet_v1_A_R[_quant].tflite for benchmark_model on a "
        "device, with DIR/README.md on running it and importing the logs (a DIR that holds files needs --force)",
    )
    parser.add_argument(
        "--profile",
        metavar="FILE",
        help="also profile every layer (onnxruntime: its per-node profiler; LiteRT: each layer timed as its own "
        "graph) and write the per-layer times beside each layer's MACs to FILE as CSV; a point whose layers miss "
        "the whole-network time by more than 20 %% gets a warning in its notes",
    )
    parser.add_argument(
        "--dataset", help="dataset name to store under (default: <runtime>-<dtype>-<date time>)"
    )
    parser.add_argument("--no-store", action="store_true", help="only write the CSV, store nothing")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    parser.add_argument("--db", help=DB_HELP)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.dtype not in RUNTIME_DTYPES[args.runtime]:
        raise UsageError(
            f"--dtype {args.dtype} is not available with --runtime {args.runtime} "
            f"(it has {', '.join(RUNTIME_DTYPES[args.runtime])}); use --runtime litert for int8"
        )
    require_modules(f"measuring with {args.runtime}", "measure", RUNTIME_MODULES[args.runtime])
    if args.export_onnx:
        require_modules("--export-onnx", "measure", RUNTIME_MODULES["onnxruntime"][:1])
    if args.export_tflite:
        require_modules("--export-tflite", "measure", RUNTIME_MODULES["litert"])
    from costmodel.latency.measure import measure

    alphas = [float(a) for a in number_list("--alpha", args.alpha)]
    sides = integer_list("--resolution", args.resolution)
    store = None if args.no_store else LatencyStore(args.db)  # a bad --db fails before the timing
    name = check_name(
        args.dataset or f"{args.runtime}-{args.dtype}-{datetime.datetime.now():%Y-%m-%d %H:%M:%S}"
    )
    if name in BUILTIN_DATASETS:
        raise ValueError(f"--dataset {name!r} is a built-in read-only dataset; choose another name")
    protect = database_files(store.path) if store is not None else ()
    check_output(args.output, force=args.force, protect=protect)  # before the timing, not after
    if args.profile is not None:
        check_output(args.profile, force=args.force, protect=protect)
    frame = measure(
        alphas,
        sides,
        runtime=args.runtime,
        dtype=args.dtype,
        threads=args.threads,
        runs=args.runs,
        warmup=args.warmup,
        bn=args.bn,
        export_onnx=args.export_onnx,
        export_tflite=args.export_tflite,
        force=args.force,
        profile=args.profile is not None,
        progress=not args.no_progress,
        clock=args.clock,
    )
    write_output(
        frame.to_csv(index=False, lineterminator="\n"), args.output, force=args.force, protect=protect
    )
    if args.profile is not None:
        profiles = frame.attrs["profiles"]
        write_output(
            profiles.to_csv(index=False, lineterminator="\n"), args.profile, force=args.force, protect=protect
        )
    if store is not None:
        result = store.add(name, frame, origin="mobilenet-cost measure", profiles=frame.attrs.get("profiles"))
        print(f"stored {result.rows} row(s) in dataset {result.dataset!r} ({store.path})", file=sys.stderr)
    return 0
