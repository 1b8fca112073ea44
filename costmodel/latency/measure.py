"""Measuring latency on this machine: the network timed with onnxruntime or LiteRT.

Method, onnxruntime: the ONNX graph of :mod:`costmodel.latency.onnx_model`, one ``InferenceSession`` per design
point (CPU execution provider, all graph optimisations, ``intra_op_num_threads`` = ``threads``, one inter-op
thread, sequential execution), fed one random float32 image of batch 1. LiteRT: the ``.tflite`` graph of
:mod:`costmodel.latency.tflite_model` (float32 or int8), one ``Interpreter`` per point with ``num_threads`` =
``threads`` and LiteRT's default CPU path (the XNNPACK delegate, as ``benchmark_model`` uses by default), its
random input set once; a timed run is one ``invoke()``. Each model first gets ``warmup`` untimed runs; then the
timed runs go round the grid, one run of each model in turn, ``runs`` rounds, so a burst of load from other
processes spreads over all points instead of distorting one; each timed run follows untimed re-warm runs of
the same model (one, or more for a model shorter than :data:`REWARM_MS`: :func:`rewarm_count`), so it is timed
with its own data in the caches, as in back-to-back runs. Each run is timed alone on one of :data:`CLOCKS`: by default the calling thread's
CPU time with one thread (the latency of an unshared core) and the wall clock with more. The record keeps the
median (as ``latency_ms``), p10, p90, min and standard deviation in milliseconds, the run count, the thread
count, the dtype, the CPU model (``/proc/cpuinfo``) as the device, the runtime and its version, and the clock
and the 1-minute load average before and after the timed runs in the notes. The result is a table in the import schema.
"""

from __future__ import annotations

import datetime
import functools
import importlib.util
import math
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from costmodel.core.design_point import design_point
from costmodel.latency.onnx_model import BN_MODES, INPUT_NAME, build_onnx, onnx_filename
from costmodel.latency.schema import PROFILE_COLUMNS, dataset_frame
from costmodel.latency.tflite_model import build_tflite, check_dtype, random_image, tflite_filename

CLOCKS = {"wall": time.perf_counter_ns, "cpu": time.thread_time_ns}
"""``wall``: elapsed time (the latency a user sees). ``cpu``: CPU time of the calling thread, which with one
intra-op thread is the thread that runs the whole graph; it leaves out the time the OS gives to other
processes, so it is the latency of an unshared core, for measuring on a busy machine."""
DECIMALS = 6
"""Times are kept to the nanosecond (6 decimals of a millisecond), the clock's resolution."""
MAX_THREADS = 256
MAX_RUNS = 100_000
MAX_POINTS = 100
REWARM_MS = 2.0
"""Every model gets one untimed re-warm run before each timed run; a faster one, runs adding up to about this."""
MAX_REWARM_MS = 1000.0
MAX_REWARM_RUNS = 1000
"""Most (alpha, resolution) pairs one measurement takes (all their sessions are open at once)."""


@dataclass(frozen=True)
class Timing:
    """Summary of the timed runs of one session, in milliseconds."""

    median_ms: float
    p10_ms: float
    p90_ms: float
    min_ms: float
    std_ms: float
    runs: int

    @classmethod
    def of(cls, times_ms: np.ndarray) -> Timing:
        """Summary of per-run times.

        >>> Timing.of(np.array([3.0, 1.0, 2.0, 4.0, 5.0])).median_ms
        3.0
        """
        p10, median, p90 = np.percentile(times_ms, [10, 50, 90])
        values = (median, p10, p90, times_ms.min(), times_ms.std())
        return cls(*(round(float(v), DECIMALS) for v in values), runs=times_ms.size)


def cpu_model() -> str:
    """The CPU's model name from ``/proc/cpuinfo``, else ``platform.processor()``, else the machine type."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


RUNTIMES: tuple[str, ...] = ("onnxruntime", "litert")
"""The runtimes :func:`measure` can time with (both come with the ``measure`` extra)."""
RUNTIME_DTYPES: dict[str, tuple[str, ...]] = {"onnxruntime": ("float32",), "litert": ("float32", "int8")}
"""The dtypes each runtime is measured in (the ONNX graph is float32 only)."""
RUNTIME_MODULES: dict[str, tuple[str, ...]] = {
    "onnxruntime": ("onnx", "onnxruntime"),
    "litert": ("ai_edge_litert",),
}
MEASURE_EXTRA = "measure"


def check_runtime(runtime: object, dtype: object) -> tuple[str, str]:
    """(``runtime``, ``dtype``) if the runtime is known, has that dtype and is installed; else a clear error.

    >>> check_runtime("onnxruntime", "int8")
    Traceback (most recent call last):
    ValueError: dtype='int8' is not available with runtime 'onnxruntime' (it has float32); use --runtime litert for int8
    """
    if not isinstance(runtime, str) or runtime not in RUNTIMES:
        raise ValueError(f"runtime={runtime!r} is not allowed; choose from {', '.join(RUNTIMES)}")
    allowed = RUNTIME_DTYPES[runtime]
    if dtype not in allowed:
        others = [name for name in RUNTIMES if dtype in RUNTIME_DTYPES[name]]
        hint = f"; use --runtime {others[0]} for {dtype}" if others else ""
        raise ValueError(
            f"dtype={dtype!r} is not available with runtime {runtime!r} (it has {', '.join(allowed)}){hint}"
        )
    missing = [name for name in RUNTIME_MODULES[runtime] if importlib.util.find_spec(name) is None]
    if missing:
        raise ModuleNotFoundError(
            f"runtime {runtime!r} needs {', '.join(missing)}; install it with "
            f"pip install 'mobilenet-costmodel[{MEASURE_EXTRA}]'"
        )
    return runtime, dtype


def runtime_name(runtime: str = "onnxruntime") -> str:
    """``onnxruntime <version>`` or ``LiteRT <version> (XNNPACK)``: the runtime column of a measurement."""
    if runtime == "litert":
        from importlib.metadata import version

        return f"LiteRT {version('ai-edge-litert')} (XNNPACK)"
    import onnxruntime

    return f"onnxruntime {onnxruntime.__version__}"


def make_session(model, threads: int):
    """An onnxruntime CPU session for ``model`` with ``threads`` intra-op threads."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])


def make_interpreter(data: bytes, threads: int, dtype: str, seed: int = 0):
    """A LiteRT interpreter for the ``.tflite`` bytes with ``threads`` threads and its random input set."""
    from ai_edge_litert.interpreter import Interpreter

    interpreter = Interpreter(model_content=data, num_threads=threads)
    interpreter.allocate_tensors()
    detail = interpreter.get_input_details()[0]
    interpreter.set_tensor(detail["index"], random_image(tuple(detail["shape"]), dtype, seed))
    return interpreter


def random_input(resolution: int, seed: int = 0) -> dict[str, np.ndarray]:
    """The onnxruntime feed: one random float32 NCHW image."""
    image = np.random.default_rng(seed).random((1, 3, resolution, resolution), dtype=np.float32)
    return {INPUT_NAME: image}


def inference(runtime: str, alpha: float, resolution: int, *, dtype: str, threads: int, bn: str):
    """(the model's file bytes, a no-argument callable that runs one inference) for one design point."""
    if runtime == "litert":
        data = build_tflite(alpha, resolution, dtype=dtype)
        return data, make_interpreter(data, threads, dtype).invoke
    model = build_onnx(alpha, resolution, bn=bn)
    return model.SerializeToString(), functools.partial(
        make_session(model, threads).run, None, random_input(resolution)
    )


def time_runs(run: Callable[[], object], count: int, clock: str = "wall") -> np.ndarray:
    """Times in nanoseconds of ``count`` consecutive calls of ``run``, each timed alone on the :data:`CLOCKS` clock."""
    times = np.empty(count, dtype=np.int64)
    clock = CLOCKS[clock]
    for i in range(count):
        start = clock()
        run()
        times[i] = clock() - start
    return times


def resolve_clock(clock: object, threads: int) -> str:
    """The :data:`CLOCKS` name to time ``threads`` threads on: ``"auto"`` is ``"cpu"`` with one thread, else ``"wall"``.

    >>> resolve_clock("auto", 1), resolve_clock("auto", 4), resolve_clock("wall", 1)
    ('cpu', 'wall', 'wall')
    >>> resolve_clock("cpu", 2)
    Traceback (most recent call last):
    ValueError: clock='cpu' needs threads=1 (got 2): other threads' time would be missed
    """
    if clock == "auto":
        clock = "cpu" if threads == 1 else "wall"
    if not isinstance(clock, str) or clock not in CLOCKS:
        raise ValueError(f"clock={clock!r} is not allowed; choose from auto, {', '.join(CLOCKS)}")
    if clock == "cpu" and threads != 1:
        raise ValueError(f"clock='cpu' needs threads=1 (got {threads}): other threads' time would be missed")
    return clock


def load_average() -> float | None:
    """The 1-minute load average (processes running or waiting for a CPU), or None where the OS has none."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):  # Windows has no load average
        return None


def _check_count(name: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name} must be an integer; got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name}={value} is out of range; allowed {low} to {high:,}")
    return int(value)


def rewarm_count(run_ms: float | None, rewarm_ms: float = REWARM_MS) -> int:
    """Untimed runs of a model right before each of its timed runs: one, or enough to fill ``rewarm_ms``.

    Interleaving puts each model's timed run right after the other models' runs, which have filled the caches
    with their own weights and activations; the model then spends part of its run on cache misses it does not
    have when run back to back, as ``benchmark_model`` runs it (the 0.25_128 network took 0.70 ms right after
    1.0_224 against 0.53 ms right after itself; see docs/latency.md). So every model gets one untimed run first,
    and a model shorter than ``rewarm_ms`` as many as add up to it. ``rewarm_ms=0`` (or no warm-up to know the
    run time from) turns it off.

    >>> rewarm_count(0.5), rewarm_count(1.5), rewarm_count(14.0), rewarm_count(None), rewarm_count(0.5, 0)
    (4, 2, 1, 0, 0)
    """
    if run_ms is None or run_ms <= 0 or rewarm_ms == 0:
        return 0
    return min(max(1, math.ceil(rewarm_ms / run_ms)), MAX_REWARM_RUNS)


def export_folder(folder: str | os.PathLike | None, option: str, force: bool) -> Path | None:
    """The folder to export models into, created if missing; one that holds files is refused unless ``force``."""
    if folder is None:
        return None
    path = Path(folder)
    if path.exists() and not path.is_dir():
        raise ValueError(f"{option} {str(path)!r} is a file, not a folder")
    if path.is_dir() and not force:
        held = sum(1 for _ in path.iterdir())
        if held:
            raise ValueError(
                f"{option} {str(path)!r} already holds {held} file(s); choose an empty or new folder, "
                "or pass --force to write into it"
            )
    path.mkdir(parents=True, exist_ok=True)
    return path


BENCHMARK_README = """# MobileNet v1 models for LiteRT's benchmark_model

Written by `mobilenet-cost measure --export-tflite` ({when}): {count} model(s), {dtype}, random weights,
built straight from the cost model's layer table (batch 1, NHWC, BN folded into each conv's bias, ReLU6 fused).
The file names follow the TF Lite hosted models (`mobilenet_v1_<alpha>_<resolution>[_quant].tflite`), so the
latency importer reads alpha, resolution and dtype from the logs.

## Run on an Android device

    adb push *.tflite /data/local/tmp/
    adb push benchmark_model /data/local/tmp/     # LiteRT's prebuilt benchmark_model for the device's ABI
    adb shell chmod +x /data/local/tmp/benchmark_model
    for f in *.tflite; do
      adb shell /data/local/tmp/benchmark_model --graph=/data/local/tmp/$f --num_threads=1 \\
        --warmup_runs=10 --num_runs=50
    done > benchmark.log 2>&1

(On a Linux board: the same loop with `./benchmark_model --graph=$f ...` directly.) Add `--use_gpu=true` for
the GPU delegate (float32 models), and name the runtime accordingly when importing.

## Import the timings

    mobilenet-cost latency import benchmark.log --device "Pixel 7 (big core)" --runtime "LiteRT benchmark_model" \\
      --dataset pixel7-litert-{dtype}

Every `Inference timings in us: ... Inference (avg): X` line becomes one row (alpha and resolution from the
`Graph:` line's file name, threads from `Num threads:`). Then `mobilenet-cost latency fit pixel7-litert-{dtype}`
fits the latency model, and the dashboard's Latency page shows the dataset.
"""


def measure(
    alphas: Sequence[float],
    resolutions: Sequence[int],
    *,
    runtime: str = "onnxruntime",
    dtype: str = "float32",
    threads: int = 1,
    runs: int = 50,
    warmup: int = 10,
    bn: str = "folded",
    export_onnx: str | os.PathLike | None = None,
    export_tflite: str | os.PathLike | None = None,
    force: bool = False,
    progress: bool = True,
    clock: str = "auto",
    rewarm_ms: float = REWARM_MS,
    profile: bool = False,
) -> pd.DataFrame:
    """Time every (alpha, resolution) pair of the grid; a table in the import schema, one row per pair.

    ``runtime``: ``"onnxruntime"`` (the ONNX graph, float32) or ``"litert"`` (the ``.tflite`` graph, float32 or
    ``dtype="int8"``). ``export_onnx`` / ``export_tflite`` name folders to keep each model in (TF Lite's hosted
    names; the ``.tflite`` folder gets a README on running ``benchmark_model`` and importing its logs); a folder
    that already holds files is refused unless ``force``. ``clock``: ``"wall"``, ``"cpu"`` (one thread only) or
    ``"auto"``, which is ``"cpu"`` with one thread and ``"wall"`` with more (see :data:`CLOCKS`); the notes column
    says which was used. ``bn`` applies to the ONNX graph (the ``.tflite`` one always folds BN). ``rewarm_ms``:
    see :func:`rewarm_count` (0 turns it off; it needs ``warmup`` >= 1 to know each model's time). ``profile``:
    after the timing, profile each point's layers (onnxruntime: its profiler,
    :func:`~costmodel.latency.profile.profile_onnx`; LiteRT: one graph per layer,
    :func:`~costmodel.latency.profile.profile_litert`, in ``dtype`` on the same clock) into
    ``frame.attrs["profiles"]`` (alpha, resolution, layer, kind, macs, time_ms, whole_ms); a point whose layers do
    not add up to its profiled whole-network time within 20 % gets a warning in its notes.
    """
    threads = _check_count("threads", threads, 1, MAX_THREADS)
    runs = _check_count("runs", runs, 1, MAX_RUNS)
    warmup = _check_count("warmup", warmup, 0, MAX_RUNS)
    if (
        isinstance(rewarm_ms, bool)
        or not isinstance(rewarm_ms, int | float)
        or not 0 <= rewarm_ms <= MAX_REWARM_MS
    ):
        raise ValueError(f"rewarm_ms={rewarm_ms!r} is not allowed; give 0 to {MAX_REWARM_MS:g} ms")
    clock = resolve_clock(clock, threads)
    check_dtype(dtype)
    runtime, dtype = check_runtime(runtime, dtype)
    if bn not in BN_MODES:
        raise ValueError(f"bn={bn!r} is not allowed; choose from {', '.join(BN_MODES)}")
    pairs = [(float(a), int(r)) for a in alphas for r in resolutions]
    if not pairs:
        raise ValueError("give at least one alpha and one resolution")
    if len(pairs) > MAX_POINTS:
        raise ValueError(f"{len(pairs)} (alpha, resolution) pairs; the limit is {MAX_POINTS}")
    for alpha, resolution in pairs:  # checks every point before building or timing any
        design_point(alpha, resolution=resolution)
    onnx_folder = export_folder(export_onnx, "--export-onnx", force)
    tflite_folder = export_folder(export_tflite, "--export-tflite", force)
    device, runtime_text = cpu_model(), runtime_name(runtime)
    runners = []
    for alpha, resolution in pairs:
        data, run = inference(runtime, alpha, resolution, dtype=dtype, threads=threads, bn=bn)
        if onnx_folder is not None:
            onnx_bytes = (
                data if runtime == "onnxruntime" else build_onnx(alpha, resolution, bn=bn).SerializeToString()
            )
            (onnx_folder / onnx_filename(alpha, resolution)).write_bytes(onnx_bytes)
        if tflite_folder is not None:
            tflite_bytes = data if runtime == "litert" else build_tflite(alpha, resolution, dtype=dtype)
            (tflite_folder / tflite_filename(alpha, resolution, dtype)).write_bytes(tflite_bytes)
        runners.append(run)
    if tflite_folder is not None:
        when = f"{datetime.datetime.now():%Y-%m-%d %H:%M}"
        readme = BENCHMARK_README.format(when=when, count=len(pairs), dtype=dtype)
        (tflite_folder / "README.md").write_text(readme, encoding="utf-8")
    times = np.empty((len(pairs), runs), dtype=np.int64)
    load_before = load_average()
    total = len(pairs) * (warmup + runs)
    with tqdm(
        total=total, desc=f"measure {runtime}", unit="run", disable=not progress, file=sys.stderr
    ) as bar:
        rewarms = []
        for run in runners:
            warm = time_runs(run, warmup, clock)
            bar.update(warmup)
            rewarms.append(rewarm_count(float(np.median(warm)) / 1e6 if warmup else None, rewarm_ms))
        for k in range(runs):  # one run of each model in turn, so a burst of load spreads over all points
            for j, run in enumerate(runners):
                for _ in range(rewarms[j]):  # the caches back to this model's own weights, untimed
                    run()
                times[j, k] = time_runs(run, 1, clock)[0]
            bar.update(len(pairs))
    load = (load_before, load_average())
    load_note = "" if None in load else f"; load average {load[0]:.2f} before, {load[1]:.2f} after"
    profiles, problems = (None, {})
    if profile:
        profiles, problems = _profiles(pairs, runtime, dtype, runs, warmup, threads, clock, bn, progress)
    records = []
    graph = f"BN {bn}" if runtime == "onnxruntime" else "BN folded; XNNPACK delegate"
    for (alpha, resolution), row in zip(pairs, times, strict=True):
        timing = Timing.of(row / 1e6)
        problem = problems.get((alpha, resolution))
        records.append(
            {
                "alpha": alpha,
                "resolution": resolution,
                "latency_ms": timing.median_ms,
                "device": device,
                "runtime": runtime_text,
                "threads": threads,
                "batch": 1,
                "dtype": dtype,
                "source": f"mobilenet-cost measure on {platform.node() or 'this machine'}",
                "std_ms": timing.std_ms,
                "notes": f"median of {runs} interleaved runs after {warmup} warm-up; "
                f"{rewarms[len(records)]} untimed re-warm run(s) before each; {clock} clock; {graph}; "
                f"{platform.platform()}{load_note}" + (f"; warning: {problem}" if problem else ""),
                "p10_ms": timing.p10_ms,
                "p90_ms": timing.p90_ms,
                "min_ms": timing.min_ms,
                "runs": runs,
            }
        )
    frame = dataset_frame(records)
    if profiles is not None:
        frame.attrs["profiles"] = profiles
    return frame


PROFILE_RUNS = 20
"""Most profiled runs per point (after at most 5 warm-up runs)."""


def _profiles(
    pairs, runtime: str, dtype: str, runs: int, warmup: int, threads: int, clock: str, bn: str, progress: bool
):
    """Per-layer profiles of every point (one table, keyed by alpha and resolution) and the points' problems."""
    from costmodel.latency.profile import profile_litert, profile_onnx, profile_problem

    counts = {"runs": min(runs, PROFILE_RUNS), "warmup": min(warmup, 5), "threads": threads}
    tables, problems = [], {}
    for alpha, resolution in tqdm(pairs, desc="profile", unit="model", disable=not progress, file=sys.stderr):
        if runtime == "litert":
            profile = profile_litert(alpha, resolution, dtype=dtype, clock=clock, **counts)
        else:
            profile = profile_onnx(alpha, resolution, bn=bn, **counts)
        tables.append(
            profile.layers.assign(whole_ms=profile.whole_ms).assign(alpha=alpha, resolution=resolution)
        )
        if problem := profile_problem(profile):
            problems[alpha, resolution] = problem
    table = pd.concat(tables, ignore_index=True)
    return table[list(PROFILE_COLUMNS)], problems
