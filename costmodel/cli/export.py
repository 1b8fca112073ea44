"""``mobilenet-cost export``: the design point as a model file (TorchScript or torch state, .keras, .onnx) with
its report beside it as JSON."""

from __future__ import annotations

import argparse
from pathlib import Path

from costmodel.cli.common import (
    DefaultsHelpFormatter,
    add_design_point_arguments,
    add_force_argument,
    add_knob_arguments,
    check_output,
    knobs_from,
    require_modules,
)
from costmodel.latency.model_files import FRAMEWORKS, LIBRARIES, TORCH_FORMATS, model_bytes


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "export",
        help="write the design point as a torch, Keras or ONNX model file, with its report as JSON",
        description=(
            "Build MobileNet v1 at one (alpha, rho) under the knobs, layer by layer from the cost model's table, "
            "and write it: torch as TorchScript (or the state dict with --torch-format state), Keras 3 as "
            ".keras, ONNX as .onnx (random weights, BN folded into the conv biases). The report, as JSON, "
            "goes beside it in PATH with the suffix .report.json. An existing file is kept unless --force."
        ),
        epilog="Example: mobilenet-cost export --framework onnx --alpha 0.975 --resolution 239 "
        "--rounding keras --padding keras -o mobilenet.onnx",
        formatter_class=DefaultsHelpFormatter,
    )
    add_design_point_arguments(parser)
    parser.add_argument("--framework", choices=FRAMEWORKS, required=True, help="the model file's framework")
    parser.add_argument("-o", "--output", required=True, help="the model file to write")
    parser.add_argument(
        "--torch-format",
        choices=TORCH_FORMATS,
        default="torchscript",
        help="torch: TorchScript or state dict",
    )
    add_force_argument(parser)
    add_knob_arguments(parser)
    parser.set_defaults(run=run)


def report_path(output: str) -> str:
    """Where the report goes: ``model.onnx`` → ``model.report.json``.

    >>> report_path("out/mobilenet.onnx")
    'out/mobilenet.report.json'
    """
    return str(Path(output).with_suffix(".report.json"))


def run(args: argparse.Namespace) -> int:
    from costmodel.cli import UsageError
    from costmodel.core.report import report
    from costmodel.output.files import write_files

    if args.framework == "keras" and not args.output.endswith(".keras"):
        raise UsageError(f"a Keras model file must end in .keras; got {args.output!r}")
    beside = report_path(args.output)
    check_output(args.output, force=args.force)
    check_output(beside, force=args.force)
    library, extra = LIBRARIES[args.framework]
    require_modules(f"export --framework {args.framework}", extra, (library,))
    knobs = knobs_from(args)
    r = report(alpha=args.alpha, rho=args.rho, resolution=args.resolution, **knobs)
    if r.convention.smooth:
        raise UsageError("rounding='smooth' has no model (channels must be whole numbers)")
    contents = model_bytes(args.framework, args.torch_format, r.point.alpha, r.resolution, knobs)
    write_files({args.output: contents, beside: r.as_json()}, force=args.force)
    print(f"wrote {args.output} and {beside}")
    return 0
