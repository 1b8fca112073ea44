"""Time of the latency fit with its leave-one-out (``LatencyModel.fit``) against the number of rows.

    python benchmarks/bench_latency_fit.py [--rows 100,1000,10000,100000] [--distinct-up-to 10000]

Two kinds of dataset, both valid imports (no duplicate keys):

- ``repeated``: rows on 88 design points (8 alphas × 11 resolutions), told apart by ``threads`` as a real
  sweep of thread counts would be; the features are computed once per design point;
- ``distinct``: every row its own alpha (0.25 to 1.0), so every row costs one feature computation
  (about 0.3 ms each: the layer shapes in exact arithmetic); run up to ``--distinct-up-to`` rows.

The fit is one non-negative least-squares solve; the leave-one-out uses the closed form on the active set
and refits only the rows that would change it (counted in the output), so both grow linearly with the rows.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), os.pardir))

import numpy as np
import pandas as pd

from costmodel.latency import model as latency_model
from costmodel.latency.model import LatencyModel, features

ALPHAS = (0.25, 0.35, 0.5, 0.6, 0.75, 0.85, 1.0, 1.2)
SIDES = tuple(range(96, 257, 16))


def dataset(rows: int, kind: str, rng: np.random.Generator) -> pd.DataFrame:
    if kind == "repeated":
        points = [(a, r) for a in ALPHAS for r in SIDES]
        alpha = np.array([points[i % len(points)][0] for i in range(rows)])
        side = np.array([points[i % len(points)][1] for i in range(rows)])
    else:
        alpha = np.round(np.linspace(0.25, 1.0, rows), 9)
        side = rng.choice(SIDES, rows)
    return pd.DataFrame({"alpha": alpha, "resolution": side})


def measured(frame: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    x = features(frame.alpha, frame.resolution).to_numpy()
    truth = np.array([0.8, 2e-8, 6e-8, 1.5e-8, 1e-7, 2e-8, 0.0])
    return frame.assign(latency_ms=(x @ truth) * np.exp(rng.normal(0, 0.05, len(frame))))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", default="100,1000,10000,100000")
    parser.add_argument("--distinct-up-to", type=int, default=10_000)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    print(f"{'rows':>8}  {'kind':<9} {'features s':>10} {'fit+LOO s':>10} {'refits':>7}  LOO within ±10 %")
    for rows in (int(r) for r in args.rows.split(",")):
        for kind in ("repeated", "distinct"):
            if kind == "distinct" and rows > args.distinct_up_to:
                continue
            latency_model.point_features.cache_clear()
            frame = dataset(rows, kind, rng)
            start = time.perf_counter()
            frame = measured(frame, rng)
            feature_time = time.perf_counter() - start
            refits = []
            original = latency_model.fit_relative
            latency_model.fit_relative = lambda x, y, calls=refits, fit=original: (calls.append(1), fit(x, y))[1]
            try:
                start = time.perf_counter()
                model = LatencyModel.fit(frame[["alpha", "resolution", "latency_ms"]])
                fit_time = time.perf_counter() - start
            finally:
                latency_model.fit_relative = original
            print(f"{rows:>8,}  {kind:<9} {feature_time:>10.2f} {fit_time:>10.2f} {len(refits) - 2:>7}  "
                  f"{model.loo_within():.1%}")  # fmt: skip


if __name__ == "__main__":
    main()
