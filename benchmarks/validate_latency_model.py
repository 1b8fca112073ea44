"""Leave-one-out validation of ``LatencyModel`` and of its 90 % jackknife+ interval (issues 7 and 16).

For every built-in dataset and for fresh sweeps of this machine (onnxruntime float32, LiteRT float32 and LiteRT
int8, the 16 paper configurations α 0.25/0.5/0.75/1.0 × resolution 128/160/192/224, one thread, thread-CPU
clock) it prints: the share of points whose leave-one-out prediction is within ±10 %, the LOO RMSPE, the share of
held-out points inside their 90 % interval (each point left out of the fit *and* of the interval's own
leave-one-out fits) and the interval's median half-width (percent of the prediction).

Per-layer data (issue 16 item 3): the onnxruntime sweep is profiled per layer (onnxruntime's profiler) and the
LiteRT float32 network's layers are timed one graph each (``profile_litert``); on each of these per-layer tables
it compares the per-layer ``LayerLatencyModel`` with the whole-network ``LatencyModel`` fitted to the same
whole-network times, both left out one design point at a time (the share within ±10 % and the RMSPE); for
LiteRT also with the interleaved sweep's medians as the whole-network times (the layer graphs use the same
thread-CPU clock). ``whole / sweep`` shows how far a table's whole-network times are from the sweep's: the
onnxruntime profiler's are wall-clock, so on a busy machine they hold the waits for a CPU.

Targets: ±10 % on >= 99 % of points for the Pixel 2 CPU tables and for every fresh sweep; the 90 % interval
holds >= 14 of 16 held-out points on every built-in table (the Pixel 3 GPU-delegate one included; its earlier
±10 % target of 85 % is withdrawn, see docs/latency.md) and on the sweeps. The load average before and after the
sweeps is printed so their noise can be judged.

Run: ``python benchmarks/validate_latency_model.py [--runs 30]`` (exit status 1 if a target is missed).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from costmodel.latency.layer_model import LayerLatencyModel
from costmodel.latency.measure import cpu_model, measure, runtime_name
from costmodel.latency.model import LatencyModel
from costmodel.latency.profile import profile_litert
from costmodel.latency.store import BUILTIN_DATASETS, builtin_frame

ALPHAS = (0.25, 0.5, 0.75, 1.0)
RESOLUTIONS = (128, 160, 192, 224)
SWEEPS = (("onnxruntime", "float32"), ("litert", "float32"), ("litert", "int8"))
LOO_TARGETS = {"tflite-pixel2-cpu-float": 0.99, "tflite-pixel2-cpu-quant": 0.99}
SWEEP_LOO_TARGET = 0.99
HELD_TARGET = 14 / 16


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="timed runs per model in each sweep")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    sweeps = {
        (runtime, dtype): measure(ALPHAS, RESOLUTIONS, runtime=runtime, dtype=dtype, runs=args.runs, warmup=5,
                                  profile=runtime == "onnxruntime")
        for runtime, dtype in SWEEPS
    }  # fmt: skip
    litert_layers = litert_profiles(args.runs)
    per_layer = {  # name: (per-layer table, the sweep of the same runtime and dtype)
        "onnxruntime profiler": (
            sweeps["onnxruntime", "float32"].attrs["profiles"],
            sweeps["onnxruntime", "float32"],
        ),
        "litert f32 layer graphs": (litert_layers, sweeps["litert", "float32"]),
        "the same, sweep as whole": (
            with_whole(litert_layers, sweeps["litert", "float32"]),
            sweeps["litert", "float32"],
        ),
    }
    load_after = os.getloadavg()[0]
    cases = [(name, builtin_frame(name), LOO_TARGETS.get(name)) for name in BUILTIN_DATASETS]
    cases += [
        (f"sweep {runtime} {dtype}", frame, SWEEP_LOO_TARGET) for (runtime, dtype), frame in sweeps.items()
    ]
    print(
        f"this machine: {cpu_model()}, {os.cpu_count()} CPUs, {runtime_name('onnxruntime')}, "
        f"{runtime_name('litert')}, 1 thread, thread-CPU clock, {args.runs} runs"
    )
    print(f"load average (1 min): {load_before:.2f} before the sweeps, {load_after:.2f} after\n")
    print(
        f"{'dataset':<30}{'points':>7}{'LOO ±10%':>10}{'target':>8}{'RMSPE':>8}"
        f"{'in 90% int.':>13}{'half-width':>12}  met"
    )
    all_met = True
    for name, frame, loo_target in cases:
        model = LatencyModel.fit(frame)
        coverage = model.interval_coverage(0.9)
        held = int(coverage.inside.sum())
        half_width = float(((coverage.high_ms - coverage.low_ms) / 2 / coverage.loo_ms).median())
        met = held >= HELD_TARGET * len(coverage) and (loo_target is None or model.loo_within() >= loo_target)
        all_met &= met
        target = "-" if loo_target is None else f"{loo_target:.0%}"
        print(
            f"{name:<30}{len(frame):>7}{model.loo_within():>10.1%}{target:>8}{model.loo_rmspe:>7.2f}%"
            f"{f'{held}/{len(coverage)}':>13}{half_width:>11.1%}  {'yes' if met else 'NO'}"
        )
    for (runtime, dtype), frame in sweeps.items():
        print(
            f"\n{runtime} {dtype} sweep (median ms): "
            + ", ".join(
                f"{a:g}_{r} {m:.3f}"
                for a, r, m in zip(frame.alpha, frame.resolution, frame.latency_ms, strict=True)
            )
        )
    print(
        "\nper-layer model against the whole-network model, on the same whole-network times "
        "(leave-one-out by design point)"
    )
    print("(whole / sweep: median over the points of the table's whole-network time over the sweep's median)")
    print(f"{'per-layer data':<26}{'points':>7}{'whole / sweep':>15}{'whole-network LOO ±10%':>24}{'RMSPE':>8}"
          f"{'per-layer LOO ±10%':>20}{'RMSPE':>8}")  # fmt: skip
    for name, (layers, sweep) in per_layer.items():
        whole = layers.groupby(["alpha", "resolution"], as_index=False).whole_ms.first()
        ratio = (whole.whole_ms / whole.merge(sweep, on=["alpha", "resolution"]).latency_ms).median()
        network = LatencyModel.fit(whole.rename(columns={"whole_ms": "latency_ms"}))
        layered = LayerLatencyModel.fit(layers)
        print(
            f"{name:<26}{len(whole):>7}{ratio:>15.2f}{network.loo_within():>24.1%}{network.loo_rmspe:>7.2f}%"
            f"{layered.loo_within():>20.1%}{layered.loo_rmspe:>7.2f}%"
        )
    print("\nall targets met" if all_met else "\nsome targets missed")
    return 0 if all_met else 1


def litert_profiles(runs: int) -> pd.DataFrame:
    """Per-layer tables of the LiteRT float32 network at the 16 points, each layer timed as its own graph."""
    tables = []
    for alpha in ALPHAS:
        for resolution in RESOLUTIONS:
            profile = profile_litert(alpha, resolution, runs=runs, warmup=5)
            tables.append(
                profile.layers.assign(alpha=alpha, resolution=resolution, whole_ms=profile.whole_ms)
            )
    return pd.concat(tables, ignore_index=True)


def with_whole(layers: pd.DataFrame, sweep: pd.DataFrame) -> pd.DataFrame:
    """The per-layer table with ``whole_ms`` replaced by the sweep's median at each point (the same clock)."""
    medians = sweep[["alpha", "resolution", "latency_ms"]].rename(columns={"latency_ms": "whole_ms"})
    return layers.drop(columns="whole_ms").merge(medians, on=["alpha", "resolution"])


if __name__ == "__main__":
    sys.exit(main())
