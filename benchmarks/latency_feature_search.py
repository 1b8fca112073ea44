"""How far can any additive cost-model latency model go on a dataset? An exhaustive search, for issue 7.

``LatencyModel`` fits latency as a non-negative combination of a constant and cost-model features. This
script widens the candidate features to every one tried for the Pixel 3 GPU delegate (per-kind MACs,
activation and weight traffic per kind, GPU-style padded work and occupancy-floored work) and fits every
subset of up to ``--max-features`` of them (plus the constant) with the same solver and leave-one-out.

The best subset is picked *after* seeing every subset's leave-one-out score, so its share within ±10 % is an
optimistic ceiling for models of this kind, not an honest estimate: if even the ceiling misses a target,
no choice of these features meets it.

Run: ``python benchmarks/latency_feature_search.py [--dataset tflite-pixel3-gpu-float] [--max-features 3]``
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from costmodel.core.report import report
from costmodel.latency.model import TOLERANCE, LatencyModel, leave_one_out_errors
from costmodel.latency.store import BUILTIN_DATASETS, builtin_frame

KINDS = ("conv", "dw", "pw", "fc")
TILES = (2, 4, 8)
"""Output tiles of a GPU work item (side length in pixels), each padded to whole tiles."""
WAVES = (512, 2048, 8192)
"""Work items a GPU keeps in flight: a layer with fewer items costs as much as one with this many."""


def work_per_item(table: pd.DataFrame) -> pd.Series:
    """Mult-adds of one output element: k² for a depthwise layer, k²·C_in for the others."""
    k2 = table.kernel**2
    return k2.where(table.kind == "dw", k2 * table.in_channels)


def candidate_features(alpha: float, resolution: int) -> dict[str, float]:
    """Every candidate feature of one design point (paper convention), by name."""
    t = report(alpha=alpha, resolution=resolution).table
    t = t[t.kind.isin(KINDS)]
    slices = np.ceil(t.out_channels / 4)  # channels stored in groups of 4 (GPU texture layout)
    per_item = work_per_item(t) * 4
    out = {}
    for kind in KINDS:
        rows = t.kind == kind
        out[f"macs_{kind}"] = float(t.macs[rows].sum())
        out[f"activations_{kind}"] = float((t.in_side**2 * t.in_channels + t.activations)[rows].sum())
        out[f"weights_{kind}"] = float(t.params[rows].sum())
    for kind in ("dw", "pw"):
        rows = t.kind == kind
        for tile in TILES:
            padded = np.ceil(t.out_side / tile) ** 2 * tile**2 * slices * per_item
            out[f"tiled{tile}_{kind}"] = float(padded[rows].sum())
        for wave in WAVES:
            floored = np.maximum(t.out_side**2 * slices, wave) * per_item
            out[f"occupancy{wave}_{kind}"] = float(floored[rows].sum())
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="tflite-pixel3-gpu-float", choices=sorted(BUILTIN_DATASETS))
    parser.add_argument("--max-features", type=int, default=3, choices=(1, 2, 3, 4))
    args = parser.parse_args()
    frame = builtin_frame(args.dataset)
    y = frame.latency_ms.to_numpy(dtype=float)
    library = pd.DataFrame(
        [candidate_features(a, int(r)) for a, r in zip(frame.alpha, frame.resolution, strict=True)]
    )
    names = list(library.columns)
    subsets = [c for n in range(1, args.max_features + 1) for c in itertools.combinations(names, n)]
    results = []
    for subset in tqdm(subsets, desc="feature subsets", unit="subset"):
        x = np.column_stack([np.ones(len(y)), library[list(subset)].to_numpy()])
        errors = leave_one_out_errors(x, y)
        results.append(
            (np.mean(np.abs(errors) <= TOLERANCE + 1e-12), np.sqrt(np.mean(errors**2)), subset, errors)
        )
    results.sort(key=lambda r: (-r[0], r[1]))
    shipped = LatencyModel.fit(frame)
    print(f"dataset {args.dataset}: {len(y)} points, {len(names)} candidate features, {len(subsets)} subsets")
    print(
        f"LatencyModel as shipped: {shipped.loo_within():.1%} within ±{TOLERANCE:.0%}, RMSPE {shipped.loo_rmspe:.1f} %"
    )
    print("best subsets (constant + features), chosen after the fact, so an optimistic ceiling:")
    for share, rmspe, subset, _ in results[:5]:
        print(f"  {share:6.1%}  RMSPE {rmspe * 100:5.1f} %  {' + '.join(subset)}")
    best_errors = results[0][3]
    print("leave-one-out errors of the best subset (%):")
    for (a, r), e in zip(zip(frame.alpha, frame.resolution, strict=True), best_errors, strict=True):
        flag = "  outside ±10 %" if abs(e) > TOLERANCE + 1e-12 else ""
        print(f"  {a:g}_{int(r)}  {e * 100:+6.1f}{flag}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
