"""Why the smallest model (0.25_128, well under 1 ms) drifts across the ±10 % band: clock, warm-up, frequency or model.

Four pieces of evidence, each printed:

1. clock: the thread-CPU clock's stated resolution and the smallest step seen between two reads, against the
   model's run time;
2. warm-up: a fresh session (no warm-up) run 300 times, the medians of runs 1-10, 11-50 and 51-300;
3. frequency: a fixed NumPy workload (a frequency probe) timed before each sweep, its spread against the
   spread of the 0.25_128 median across sweeps (a VM shows no cpufreq; the probe stands in for it);
4. model: ``--sweeps`` sweeps of the 16 paper configurations; per sweep the 0.25_128 median and its leave-one-out
   error, and the leave-one-out error of 0.25_128 on the per-point mean of all sweeps (the model's own bias
   there, free of run-to-run noise).

Between 2 and 3, the caches: 0.25_128 timed right after 1.0_224 (as the interleaved sweep runs it) and right
after itself. Items 3 and 4 are run without the harness's re-warm runs and with them (``REWARM_MS``).

Run: ``python benchmarks/small_model_drift.py [--runtime litert] [--dtype int8] [--sweeps 5] [--runs 20]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from costmodel.latency.measure import REWARM_MS, inference, measure, runtime_name, time_runs
from costmodel.latency.model import LatencyModel

ALPHAS = (0.25, 0.5, 0.75, 1.0)
RESOLUTIONS = (128, 160, 192, 224)


def clock_step_ns(reads: int = 200_000) -> int:
    """The smallest positive difference between consecutive thread-CPU clock reads."""
    values = np.array([time.thread_time_ns() for _ in range(reads)], dtype=np.int64)
    steps = np.diff(values)
    return int(steps[steps > 0].min())


def probe_ms() -> float:
    """CPU time of a fixed pure-Python loop, one thread, tiny working set (a stand-in for the core's clock)."""
    start = time.thread_time_ns()
    total = 0
    for i in range(300_000):
        total += i * i % 7
    return (time.thread_time_ns() - start) / 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runtime", default="onnxruntime")
    parser.add_argument("--dtype", default="float32")
    parser.add_argument("--sweeps", type=int, default=5)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    print(f"{runtime_name(args.runtime)} {args.dtype}, 1 thread, load average {os.getloadavg()[0]:.2f}")

    _, run = inference(args.runtime, 0.25, 128, dtype=args.dtype, threads=1, bn="folded")
    times = time_runs(run, 300, "cpu") / 1e6
    step = clock_step_ns()
    median = float(np.median(times[50:]))
    print(
        f"1. clock: stated resolution {time.get_clock_info('thread_time').resolution * 1e9:.0f} ns, smallest step "
        f"seen {step} ns = {step / 1e6 / median:.1e} of a {median:.3f} ms run"
    )
    print(
        f"2. warm-up (fresh session): median of runs 1-10 {np.median(times[:10]):.3f} ms, 11-50 "
        f"{np.median(times[10:50]):.3f} ms, 51-300 {median:.3f} ms; run 1 {times[0]:.3f} ms"
    )
    _, big = inference(args.runtime, 1.0, 224, dtype=args.dtype, threads=1, bn="folded")
    cold, warm = [], []
    for _ in range(40):
        big()
        cold.append(time_runs(run, 1, "cpu")[0])  # right after the largest model, as in a sweep
        warm.append(time_runs(run, 1, "cpu")[0])  # right after itself
    print(
        f"   caches: 0.25_128 right after 1.0_224 {np.median(cold) / 1e6:.3f} ms, right after itself "
        f"{np.median(warm) / 1e6:.3f} ms"
    )
    for rewarm_ms in (0.0, REWARM_MS):
        sweeps, probes = [], []
        for _ in range(args.sweeps):
            probes.append(probe_ms())
            sweeps.append(measure(ALPHAS, RESOLUTIONS, runtime=args.runtime, dtype=args.dtype, runs=args.runs,
                                  warmup=5, progress=False, rewarm_ms=rewarm_ms))  # fmt: skip
        small = np.array([float(f.latency_ms.iloc[0]) for f in sweeps])
        errors = [LatencyModel.fit(f).loo_errors[0] for f in sweeps]
        mean = sweeps[0].copy()
        mean["latency_ms"] = np.mean([f.latency_ms.to_numpy() for f in sweeps], axis=0)
        bias = LatencyModel.fit(mean).loo_errors[0]
        others = [np.abs(np.delete(LatencyModel.fit(f).loo_errors, 0)).max() for f in sweeps]
        print(f"\nsweeps with rewarm_ms={rewarm_ms:g}:")
        print(
            f"3. frequency probe {np.mean(probes):.2f} ms, spread (max/min - 1) {max(probes) / min(probes) - 1:.1%}; "
            f"0.25_128 median across sweeps: spread {small.max() / small.min() - 1:.1%}"
        )
        print(
            "4. per sweep, 0.25_128 median / LOO error: "
            + ", ".join(f"{m:.3f} ms / {e:+.1%}" for m, e in zip(small, errors, strict=True))
        )
        print(
            f"   LOO error of 0.25_128 on the mean of the sweeps (the model's bias there): {bias:+.1%}; "
            "largest |LOO error| of the other 15 points, per sweep: " + ", ".join(f"{o:.1%}" for o in others)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
