"""``mobilenet-cost check-reduction``: the 1/N + 1/D_K² reduction, proved and shown on the real network."""

from __future__ import annotations

import argparse
import json

from costmodel.cli.common import (
    DefaultsHelpFormatter,
    add_design_point_arguments,
    add_force_argument,
    add_knob_arguments,
    knobs_from,
    write_output,
)
from costmodel.core.reduction import (
    block_comparison,
    conv_mobilenet,
    reduction_proof,
    shallow_mobilenet,
    table3_rows,
)
from costmodel.core.report import report
from costmodel.output.frame_format import frame_as_text, frame_table

FORMATS = ("text", "markdown", "csv", "json")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "check-reduction",
        help="prove separable/standard = 1/N + 1/D_K^2 and show it per block",
        description="Prove symbolically that a depthwise-separable layer costs 1/N + 1/D_K^2 of a standard "
        "conv, then show the per-block standard vs separable costs of the real network, paper Table 3 "
        "and the Conv MobileNet (Table 4) and Shallow MobileNet (Table 5) totals.",
        epilog="Example: mobilenet-cost check-reduction --alpha 0.5 --rho 0.714 --format markdown",
        formatter_class=DefaultsHelpFormatter,
    )
    add_design_point_arguments(parser)
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format")
    parser.add_argument("-o", "--output", help="write to this file instead of standard output")
    add_force_argument(parser)
    add_knob_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    knobs = knobs_from(args)
    point = {"alpha": args.alpha, "rho": args.rho, "resolution": args.resolution}
    blocks = block_comparison(report(**point, **knobs))
    blocks["ratio"] = blocks["ratio"].map(str)
    blocks["one_over_n_plus_one_over_dk2"] = blocks["one_over_n_plus_one_over_dk2"].map(str)
    if args.format == "csv":
        write_output(blocks.to_csv(index=False, lineterminator="\n"), args.output, force=args.force)
        return 0
    proof = reduction_proof()
    conv, shallow = conv_mobilenet(**point, **knobs), shallow_mobilenet(**point, **knobs)
    if args.format == "json":
        payload = {
            "proof": {"macs_ratio": str(proof.macs_ratio), "params_ratio": str(proof.params_ratio),
                      "holds": proof.holds},
            "blocks": blocks.to_dict("records"),
            "table3": table3_rows().to_dict("records"),
            "conv_mobilenet": conv,
            "shallow_mobilenet": shallow,
        }  # fmt: skip
        write_output(json.dumps(payload, indent=2, default=int), args.output, force=args.force)
        return 0
    table = frame_table(blocks).to_markdown() if args.format == "markdown" else frame_as_text(blocks)
    r = report(**point, **knobs)
    at_paper_point = r.alpha == 1 and r.resolution == 224 and r.convention == report().convention
    where = "" if at_paper_point else f" at alpha={r.alpha:g}, resolution={r.resolution} (the paper prints alpha=1, 224)"
    lines = [
        proof.as_latex() if args.format == "markdown" else proof.as_text(),
        "",
        "Per block (standard 3x3 conv vs depthwise + pointwise):",
        table,
        "",
        "Paper Table 3 (D_K=3, M=N=512, D_F=14):",
        frame_as_text(table3_rows()),
        "",
        f"Conv MobileNet (as paper Table 4){where}: {conv['macs']:,} MACs, {conv['params']:,} params",
        f"Shallow MobileNet (as paper Table 5){where}: {shallow['macs']:,} MACs, {shallow['params']:,} params",
    ]
    write_output("\n".join(lines), args.output, force=args.force)
    return 0
