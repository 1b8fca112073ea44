"""``mobilenet-cost report``: the per-layer table and totals for one design point."""

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
from costmodel.core.presets import PRESET_NAMES
from costmodel.core.report import report

FORMATS = ("text", "csv", "markdown", "latex", "json")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "report",
        help="per-layer costs and exact totals for one design point",
        description="Per-layer params, MACs, FLOPs and activations, with exact totals, for one (alpha, rho).",
        epilog="Example: mobilenet-cost report --alpha 0.5 --rho 0.714 --format markdown",
        formatter_class=DefaultsHelpFormatter,
    )
    add_design_point_arguments(parser)
    parser.add_argument(
        "--convention",
        choices=PRESET_NAMES,
        default="paper",
        help="also count each layer as this tool does (counted_* columns); see 'mobilenet-cost reconcile'",
    )
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format")
    parser.add_argument("-o", "--output", help="write to this file instead of standard output")
    add_force_argument(parser)
    add_knob_arguments(parser, given_only=True)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    r = report(
        alpha=args.alpha,
        rho=args.rho,
        resolution=args.resolution,
        convention=args.convention,
        **knobs_from(args),
    )
    text = {
        "text": r.as_text,
        "csv": r.as_csv,
        "markdown": r.as_markdown,
        "latex": r.as_latex,
        "json": r.as_json,
    }[args.format]()
    write_output(text, args.output, force=args.force)
    return 0
