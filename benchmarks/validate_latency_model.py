"""Leave-one-out validation of ``LatencyModel`` against the targets of issue 7.

Targets (share of the 16 paper configurations, α 0.25/0.5/0.75/1.0 × resolution 128/160/192/224, whose
leave-one-out prediction is within ±10 %): >= 99 % on the Pixel 2 TF Lite CPU float and quant tables and on a
fresh onnxruntime sweep of this machine, >= 85 % on the Pixel 3 GPU-delegate table. nn-Meter reports 99.0 %
on mobile CPUs and 83.4 % on its VPU.

The sweep times each model with one intra-op thread. It is reported twice: on the thread-CPU clock (the time
of an unshared core: other processes on a busy machine do not inflate it) and on the wall clock (elapsed time,
which does include them). The load average before and after is printed so the wall-clock figure can be judged.

Run: ``python benchmarks/validate_latency_model.py [--runs 30]`` (exit status 1 if a target is missed).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from costmodel.latency.measure import cpu_model, measure, runtime_name
from costmodel.latency.model import LatencyModel
from costmodel.latency.store import builtin_frame

ALPHAS = (0.25, 0.5, 0.75, 1.0)
RESOLUTIONS = (128, 160, 192, 224)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="timed runs per model in the sweep")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    sweeps = {
        clock: measure(ALPHAS, RESOLUTIONS, runs=args.runs, warmup=5, clock=clock)
        for clock in ("cpu", "wall")
    }
    load_after = os.getloadavg()[0]
    cases = [
        ("TF Lite Pixel 2 CPU float (hosted)", builtin_frame("tflite-pixel2-cpu-float"), 0.99),
        ("TF Lite Pixel 2 CPU quant (hosted)", builtin_frame("tflite-pixel2-cpu-quant"), 0.99),
        ("onnxruntime sweep, thread-CPU clock", sweeps["cpu"], 0.99),
        ("onnxruntime sweep, wall clock", sweeps["wall"], 0.99),
        ("TF Lite Pixel 3 GPU delegate (hosted)", builtin_frame("tflite-pixel3-gpu-float"), 0.85),
    ]
    print(f"this machine: {cpu_model()}, {os.cpu_count()} CPUs, {runtime_name()}, 1 thread, {args.runs} runs")
    print(f"load average (1 min): {load_before:.2f} before the sweep, {load_after:.2f} after\n")
    print(f"{'dataset':<40}{'points':>7}{'LOO ±10%':>10}{'RMSPE':>8}{'fit RMSPE':>11}{'target':>8}  met")
    all_met = True
    for name, frame, target in cases:
        model = LatencyModel.fit(frame)
        met = model.loo_within() >= target
        all_met &= met
        print(
            f"{name:<40}{len(frame):>7}{model.loo_within():>10.1%}{model.loo_rmspe:>7.2f}%"
            f"{model.fit_rmspe:>10.2f}%{target:>8.0%}  {'yes' if met else 'NO'}"
        )
    print(
        "\nonnxruntime sweep (ms): "
        + ", ".join(
            f"{a:g}_{r} {c:.3f}/{w:.3f}"
            for a, r, c, w in zip(
                sweeps["cpu"].alpha,
                sweeps["cpu"].resolution,
                sweeps["cpu"].latency_ms,
                sweeps["wall"].latency_ms,
                strict=True,
            )
        )
        + "  (thread-CPU/wall medians)"
    )
    print("\nall targets met" if all_met else "\nsome targets missed")
    return 0 if all_met else 1


if __name__ == "__main__":
    sys.exit(main())
