"""``mobilenet-cost sweep``: totals over lists or ranges of alpha and resolution, as CSV."""

from __future__ import annotations

import argparse
import io
import sys

import numpy as np
from tqdm import tqdm

from costmodel.cli.common import (
    DefaultsHelpFormatter,
    add_force_argument,
    add_grid_arguments,
    add_knob_arguments,
    integer_list,
    knobs_from,
    number_list,
    write_output,
)
from costmodel.core.design_point import check_grid_size
from costmodel.core.evaluate import evaluate
from costmodel.core.formulas import TOTAL_METRICS

CHUNK = 200_000
"""Points evaluated per step; sweeps longer than one chunk show a progress bar on stderr."""


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "sweep",
        help="totals for every (alpha, resolution) combination, as CSV",
        description="Exact totals for every combination of the given alpha and resolution values. "
        "Lists are comma-separated; ranges are start:stop:step with stop included.",
        epilog="Example: mobilenet-cost sweep --alpha 0.25:1.5:0.05 --resolution 96:320:32 -o sweep.csv",
        formatter_class=DefaultsHelpFormatter,
    )
    add_grid_arguments(parser)
    parser.add_argument(
        "--metrics", default="macs,params", help=f"comma-separated, from {','.join(TOTAL_METRICS)}"
    )
    parser.add_argument("-o", "--output", help="CSV file to write (default: standard output)")
    add_force_argument(parser)
    parser.add_argument("--no-progress", action="store_true", help="never show the progress bar")
    add_knob_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    alphas = np.array([float(a) for a in number_list("--alpha", args.alpha)])
    sides = np.array(integer_list("--resolution", args.resolution))
    check_grid_size("sweep --alpha × --resolution", alphas.size, sides.size)
    metrics = [m.strip() for m in args.metrics.split(",")]
    knobs = knobs_from(args)
    evaluate(alphas[:1], sides[:1], metrics=metrics, **knobs)  # checks the whole input before any output
    a, r = (grid.ravel() for grid in np.meshgrid(alphas, sides, indexing="ij"))
    evaluate(a, r, metrics=[], **knobs)
    out = io.StringIO()
    show = not args.no_progress and a.size > CHUNK
    with tqdm(total=a.size, unit="pt", unit_scale=True, disable=not show, file=sys.stderr) as progress:
        for start in range(0, a.size, CHUNK):
            chunk = evaluate(a[start : start + CHUNK], r[start : start + CHUNK], metrics=metrics, **knobs)
            chunk.to_csv(out, index=False, header=start == 0, lineterminator="\n")
            progress.update(len(chunk))
    write_output(out.getvalue(), args.output, force=args.force)
    return 0
