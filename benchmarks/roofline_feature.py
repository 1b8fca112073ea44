"""Does a roofline feature improve the latency model's leave-one-out figures on the built-in tables? (issue 14)

The roofline bound of a network is sum over layers of max(MACs / peak, traffic / bandwidth) =
(1 / peak) · sum max(MACs, ridge · traffic_bytes). No vendor publishes a peak MAC/s and a bandwidth for the
Pixel 2 and Pixel 3 of the built-in tables, so the ridge (MACs per byte) is unknown: the feature
sum max(MACs, ridge · traffic_bytes) (bytes at int8 for the quant tables, float32 otherwise) is tried at
several ridges, added to :data:`costmodel.latency.model.FEATURES` (the non-negative fit scales it by 1 / peak),
and the exact leave-one-out errors compared with the model as it is. Choosing the best ridge after the fact is
itself a fit, so a gain must be clear at every ridge to count.

Run: ``python benchmarks/roofline_feature.py``
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

import costmodel
from costmodel.latency.model import TOLERANCE, features, leave_one_out_errors
from costmodel.latency.store import BUILTIN_DATASETS, builtin_frame

RIDGES = (1, 2, 4, 8, 16, 32, 64)


def roofline_feature(alpha: float, resolution: int, ridge: float, dtype: str) -> float:
    table = costmodel.report(alpha=alpha, resolution=resolution, dtype=dtype).table
    return float(np.maximum(table["macs"].to_numpy(float), ridge * table["traffic_bytes"].to_numpy(float)).sum())


def scores(errors: np.ndarray) -> str:
    within = np.mean(np.abs(errors) <= TOLERANCE + 1e-12) * 100
    return f"{within:5.1f} % / {np.sqrt(np.mean(errors**2)) * 100:5.2f} %"


def main() -> None:
    print(f"{'dataset':<26}{'today (±10 %, RMSPE)':>24}  " + "  ".join(f"ridge {r:>2}" for r in RIDGES))
    for name in BUILTIN_DATASETS:
        frame = builtin_frame(name)
        dtype = "int8" if "quant" in name else "float32"
        x = features(frame.alpha, frame.resolution).to_numpy()
        y = frame.latency_ms.to_numpy(float)
        cells = []
        for ridge in RIDGES:
            extra = [roofline_feature(a, int(r), ridge, dtype) for a, r in zip(frame.alpha, frame.resolution, strict=True)]
            errors = leave_one_out_errors(np.column_stack([x, extra]), y)
            cells.append(f"{np.sqrt(np.mean(errors**2)) * 100:5.2f}")
        print(f"{name:<26}{scores(leave_one_out_errors(x, y)):>24}  " + "  ".join(f"{c:>8}" for c in cells))
    print("(ridge columns: leave-one-out RMSPE in % with the roofline feature added)")


if __name__ == "__main__":
    main()
