"""``mobilenet-cost figure``: the dashboard's figures as PNG, SVG or PDF, sized for a paper column."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from costmodel.cli.common import (
    DB_HELP,
    DefaultsHelpFormatter,
    add_force_argument,
    add_knob_arguments,
    integer_argument,
    knobs_from,
    number_argument,
    number_list,
)
from costmodel.output.files import ensure_folder
from costmodel.paper.figures import DATASET_FIGURES, FIGURES, paper_figure
from costmodel.present.figure_files import COLUMN_WIDTH_IN, FIGURE_FORMATS, FigureFile, export_figures


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "figure",
        help="export the frontier, per-layer, reconciliation or latency figure as png, svg or pdf",
        description="Build the dashboard's figure(s) for a design point (or, for latency and "
        "latency-residuals, a latency dataset) and export them with kaleido and Chromium (one browser for all "
        "of them), one paper column wide. With one figure -o is the file; with several, or a path ending in /, "
        "it is a folder (created if missing) that receives KIND.FORMAT files.",
        epilog="Example: mobilenet-cost figure frontier --alpha 0.5 --resolution 160 --format pdf -o frontier.pdf "
        "(a latency dataset: mobilenet-cost figure latency --dataset tflite-pixel2-cpu-float -o latency.svg)",
        formatter_class=DefaultsHelpFormatter,
    )
    parser.add_argument("kinds", nargs="+", metavar="KIND", help=f"one or more of {', '.join(FIGURES)}")
    parser.add_argument("--format", choices=FIGURE_FORMATS, help="file format (default: from -o's suffix)")
    parser.add_argument("-o", "--output", required=True, help="file (one figure) or folder (several, or ending in /; created if missing)")
    add_force_argument(parser)
    parser.add_argument("--alpha", default="1.0", help="design point: width multiplier")
    parser.add_argument("--resolution", type=integer_argument("--resolution"), default=224, help="design point: input side in pixels")
    parser.add_argument("--width-in", type=number_argument("--width-in"), default=COLUMN_WIDTH_IN, help="figure width in inches")
    parser.add_argument("--height-in", type=number_argument("--height-in"), help="figure height in inches (default: per figure)")
    parser.add_argument(
        "--dataset", help="latency dataset for latency and latency-residuals (see `latency list`)"
    )
    parser.add_argument("--db", help=DB_HELP)
    add_knob_arguments(parser)
    parser.set_defaults(run=run)


def _format(args: argparse.Namespace, path: Path) -> str:
    if args.format:
        return args.format
    suffix = path.suffix.lstrip(".").lower()
    if suffix not in FIGURE_FORMATS:
        raise ValueError(
            f"output {str(path)!r}: give --format ({', '.join(FIGURE_FORMATS)}) or one of those suffixes"
        )
    return suffix


def run(args: argparse.Namespace) -> int:
    for kind in args.kinds:
        if kind not in FIGURES:
            raise ValueError(f"figure {kind!r} is unknown; choose from {', '.join(FIGURES)}")
    if args.dataset is not None and not set(args.kinds) & set(DATASET_FIGURES):
        raise ValueError(f"--dataset is used only by the {' and '.join(DATASET_FIGURES)} figures")
    for name, value in (("--width-in", args.width_in), ("--height-in", args.height_in)):
        if value is not None and not 0.5 <= value <= 20:
            raise ValueError(f"{name}={value} is out of range; allowed 0.5 to 20 inches")
    output = Path(args.output)
    to_folder = len(args.kinds) > 1 or output.is_dir() or args.output.endswith(("/", os.sep))
    if to_folder:
        if not args.format:
            raise ValueError("figures written to a folder need --format (" + ", ".join(FIGURE_FORMATS) + ")")
        targets = [output / f"{kind}.{args.format}" for kind in args.kinds]
    else:
        targets = [output]
    alphas = number_list("--alpha", args.alpha)
    if len(alphas) != 1:
        raise ValueError(f"--alpha: give one value, not {args.alpha!r}")
    formats = [_format(args, target) for target in targets]
    ensure_folder(output if to_folder else output.parent)
    knobs = knobs_from(args)
    files = [
        FigureFile(paper_figure(kind, float(alphas[0]), args.resolution, args.width_in, args.height_in,
                                dataset=args.dataset, db=args.db, **knobs), target, fmt)
        for kind, target, fmt in zip(args.kinds, targets, formats, strict=True)
    ]  # fmt: skip
    export_figures(files, force=args.force)
    print(f"wrote {', '.join(str(f.path) for f in files)}", file=sys.stderr)
    return 0
