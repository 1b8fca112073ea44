"""How much the measurement harness adds over a bare runtime loop, for onnxruntime and LiteRT (float32, int8).

For each model: a bare loop timed as a whole (``for _ in range(n): session.run(None, feed)`` for onnxruntime,
``for _ in range(n): interpreter.invoke()`` for LiteRT), against the harness
(:func:`costmodel.latency.measure.time_runs`, which times every run alone and stores it) calling the same
session or interpreter the same number of times, also timed as a whole. Both are timed on two clocks: the thread's CPU time (what the
harness's own work costs; other processes on a busy machine do not enter it) and the wall clock. Trials alternate
bare/harness so drifting load hits both alike, and the best trial of each is kept. The target, harness <= 1.05 x
bare, is judged on the CPU clock; the wall-clock ratio is printed beside it, with the load average.

Run: ``python benchmarks/bench_measure_overhead.py`` (exit status 1 if the target is missed).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from costmodel.latency.measure import cpu_model, inference, runtime_name, time_runs

MODELS = ((0.25, 128), (1.0, 224))
RUNTIMES = (("onnxruntime", "float32"), ("litert", "float32"), ("litert", "int8"))
TRIALS = 7
TRIAL_MS = 300
TARGET = 1.05


def bare_loop(runtime: str, target, count: int) -> tuple[float, float]:
    """Per-run (CPU ms, wall ms) of a plain loop: ``session.run(None, feed)`` or ``interpreter.invoke()``."""
    wall, cpu = time.perf_counter_ns(), time.thread_time_ns()
    if runtime == "litert":
        for _ in range(count):
            target.invoke()
    else:
        session, feed = target
        for _ in range(count):
            session.run(None, feed)
    return (time.thread_time_ns() - cpu) / count / 1e6, (time.perf_counter_ns() - wall) / count / 1e6


def harness(run, count: int) -> tuple[float, float]:
    """Per-run (CPU ms, wall ms) of the harness doing the same runs."""
    wall, cpu = time.perf_counter_ns(), time.thread_time_ns()
    time_runs(run, count)
    return (time.thread_time_ns() - cpu) / count / 1e6, (time.perf_counter_ns() - wall) / count / 1e6


def main() -> int:
    print(
        f"{cpu_model()}, {os.cpu_count()} CPUs, {runtime_name('onnxruntime')}, {runtime_name('litert')}, "
        f"1 thread, best of {TRIALS} alternating trials"
    )
    print(f"load average (1 min): {os.getloadavg()[0]:.2f}")
    print(
        f"{'runtime':<20}{'model':<10}{'runs':>6}{'bare cpu ms':>13}{'harness cpu':>13}{'ratio':>8}"
        f"{'bare wall ms':>14}{'harness wall':>14}{'ratio':>8}  met"
    )
    all_met = True
    for runtime, dtype in RUNTIMES:
        for alpha, resolution in MODELS:
            _, run = inference(runtime, alpha, resolution, dtype=dtype, threads=1, bn="folded")
            target = run.__self__ if runtime == "litert" else (run.func.__self__, run.args[1])
            count = max(10, int(TRIAL_MS / bare_loop(runtime, target, 10)[0]))
            bare, wrapped = [], []
            for _ in range(TRIALS):
                bare.append(bare_loop(runtime, target, count))
                wrapped.append(harness(run, count))
            bare_cpu, bare_wall = min(t[0] for t in bare), min(t[1] for t in bare)
            harness_cpu, harness_wall = min(t[0] for t in wrapped), min(t[1] for t in wrapped)
            ratio = harness_cpu / bare_cpu
            met = ratio <= TARGET
            all_met &= met
            print(
                f"{runtime + ' ' + dtype:<20}{alpha:g}_{resolution:<6}{count:>6}{bare_cpu:>13.4f}"
                f"{harness_cpu:>13.4f}{ratio:>8.3f}{bare_wall:>14.4f}{harness_wall:>14.4f}"
                f"{harness_wall / bare_wall:>8.3f}  {'yes' if met else 'NO'}"
            )
    print(f"target: harness <= {TARGET:.2f} x bare loop (CPU clock): {'met' if all_met else 'missed'}")
    return 0 if all_met else 1


if __name__ == "__main__":
    sys.exit(main())
