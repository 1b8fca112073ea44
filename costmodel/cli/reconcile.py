"""``mobilenet-cost reconcile``: the paper's count next to what fvcore, ptflops, thop, torchinfo, torch, Keras and
timm print."""

from __future__ import annotations

import argparse

from costmodel.cli.common import (
    DefaultsHelpFormatter,
    add_design_point_arguments,
    add_force_argument,
    add_knob_arguments,
    knobs_from,
    write_output,
)
from costmodel.core.presets import FRAMEWORK_PRESET_NAMES, PRESET_NAMES, REFERENCE_PRESET_NAMES
from costmodel.counting.reconcile import reconcile
from costmodel.counting.reconcile_format import FORMATTERS


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "reconcile",
        help="why ptflops, fvcore, thop, torchinfo and torch disagree with the paper, term by term",
        description=(
            "One row per counting preset (paper, "
            + ", ".join(PRESET_NAMES[1:])
            + "): the exact total and params each tool reports for the reference PyTorch model "
            "(conv -> BatchNorm2d -> ReLU6, average pool, 1x1-conv classifier with bias), split into "
            "conv, fc, bias, bn, activation and pool terms, with the reason it differs from the paper. "
            "The framework rows (" + ", ".join(FRAMEWORK_PRESET_NAMES) + ") count that framework's own "
            "MobileNet and fill in the knobs it fixes."
        ),
        epilog="Example: mobilenet-cost reconcile --alpha 0.975 --resolution 239 --presets paper,keras,thop",
        formatter_class=DefaultsHelpFormatter,
    )
    add_design_point_arguments(parser)
    parser.add_argument(
        "--presets",
        help="comma-separated presets to show (default: " + ", ".join(REFERENCE_PRESET_NAMES) + "); "
        "also: " + ", ".join(FRAMEWORK_PRESET_NAMES),
    )
    parser.add_argument("--format", choices=tuple(FORMATTERS), default="text", help="output format")
    parser.add_argument("-o", "--output", help="write to this file instead of standard output")
    add_force_argument(parser)
    add_knob_arguments(parser, given_only=True)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    presets = None if args.presets is None else [name.strip() for name in args.presets.split(",")]
    table = reconcile(args.alpha, args.rho, resolution=args.resolution, presets=presets, **knobs_from(args))
    write_output(FORMATTERS[args.format](table), args.output, force=args.force)
    return 0
