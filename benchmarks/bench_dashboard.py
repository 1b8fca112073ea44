"""Load benchmark of the dashboard: the real gunicorn server, the real callback endpoint, real Chromium.

Starts ``python -m costmodel.dashboard.server`` on loopback, then

1. drives ``POST /_dash-update-component`` with the request the Explorer sends when the α slider is
   released (one round trip returns the new URL and the whole view) from ``--clients`` concurrent
   clients, each on distinct design points, for ``--updates`` updates in all; prints p50/p95/p99, the
   error count and the throughput, against the target p95 ≤ 50 ms; then the same for the Explorer's
   per-layer profile panel (the second request every change of the Explorer's URL makes), the Compare page
   (two typed points, a latency dataset) and the Design space page (a metric and three budget lines, a
   new MACs budget each time, so its figure cache never helps) and its table of every configuration within
   the budgets (a new MACs budget each time: a new ``best --all --estimate`` answer, sorted and paged), the
   Frontier (a new MACs budget at a new design point each time) and the Frontier brushed on its parallel
   coordinates (a new MACs range and design point each time) (``--views``), each with the server's CPU time
   per update under that load (gunicorn master and workers, from /proc) and the clients' own (this process,
   which shares the machine's cores with the server);
2. opens ``/explore`` in headless Chromium (fresh profile, empty cache) and prints the time from
   navigation to the per-layer chart's bars being drawn, against the 3 s target.

Before the server starts it also builds the app in this process and replays each view's requests through
Flask's test client, one at a time (``--in-process-updates`` of them): the CPU time per update that the server
spends on one request, without the network, other requests or the load on the machine.

Example: python benchmarks/bench_dashboard.py --clients 10 --updates 400 --workers 2
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import statistics
import sys
import threading
import time
from pathlib import Path

from tqdm import tqdm

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # the dashboard tests' server and browser helpers

from app_testing import chromium, dependencies, free_port, request, server_process  # noqa: E402
from costmodel.dashboard import ids  # noqa: E402
from costmodel.dashboard.server import THREADS  # noqa: E402

TARGET_P95_MS = 50.0
TARGET_FIRST_LOAD_S = 3.0


def explorer_callback(declared: list[dict]) -> dict:
    """The Explorer's callback among the ``declared`` ones."""
    return next(d for d in declared if d["output"].startswith(f"..{ids.EXPLORE_URL}.search..."))


def _outputs(spec: dict) -> list[dict]:
    names = spec["output"].strip(".").split("...")
    return [dict(zip(("id", "property"), name.rsplit(".", 1), strict=True)) for name in names]


CONTROL_VALUES = {
    ids.EXPLORE_ALPHA_INPUT: "1.0",
    ids.EXPLORE_SIDE_MODE: "resolution",
    ids.EXPLORE_SIDE_INPUT: "224",
    ids.EXPLORE_ROUNDING: "slim",
    ids.EXPLORE_PADDING: "same",
    ids.EXPLORE_BN: "none",
    ids.EXPLORE_CLASSES: "1000",
    ids.EXPLORE_FLAGS: ["scale_first_layer", "fc_bias"],
    ids.EXPLORE_DTYPE: "float32",
    ids.EXPLORE_INPUT_CHANNELS: "3",
    ids.EXPLORE_PLANNER: "chain",
    ids.EXPLORE_DEVICE: "",
}


def slider_payload(spec: dict, alpha: float, resolution: int, search: str) -> bytes:
    """What the browser posts when the α slider is released (as read from Chromium's network log)."""
    values = {
        **CONTROL_VALUES,
        ids.EXPLORE_URL: search,
        ids.EXPLORE_ALPHA_SLIDER: alpha,
        ids.EXPLORE_SIDE_INPUT: str(resolution),
    }
    body = {
        "output": spec["output"],
        "outputs": _outputs(spec),
        "inputs": [
            {**i, "value": values.get(f"{i['id']}.{i['property']}", values.get(i["id"]))}
            for i in spec["inputs"]
        ],
        "changedPropIds": [f"{ids.EXPLORE_ALPHA_SLIDER}.value"],
        "parsedChangedPropsIds": [f"{ids.EXPLORE_ALPHA_SLIDER}.value"],
    }
    return json.dumps(body).encode()


def callback_for(declared: list[dict], output_id: str) -> dict:
    """The callback among the ``declared`` ones whose outputs include ``output_id``."""
    return next(d for d in declared if f"{output_id}." in d["output"])


def plain_payload(spec: dict, values: dict, changed: str) -> bytes:
    """A callback request with the given input values (by component id), ``changed`` being the trigger (its
    ``value``, or ``id.property``)."""
    changed = changed if "." in changed else f"{changed}.value"
    body = {
        "output": spec["output"],
        "outputs": _outputs(spec)
        if spec["output"].startswith("..")
        else dict(zip(("id", "property"), spec["output"].rsplit(".", 1), strict=True)),
        "inputs": [
            {**i, "value": values.get(f"{i['id']}.{i['property']}", values.get(i["id"]))}
            for i in spec["inputs"]
        ],
        "changedPropIds": [changed],
        "parsedChangedPropsIds": [changed],
    }
    return json.dumps(body).encode()


def compare_request(spec: dict, alpha: float, resolution: int, index: int) -> bytes:
    values = {
        ids.COMPARE_POINTS: f"{alpha:g},{resolution}; 1,224",
        ids.COMPARE_DATASET: "tflite-pixel2-cpu-float",
        ids.COMPARE_DTYPE: ("float32", "int8")[index % 2],
    }
    return plain_payload(spec, values, ids.COMPARE_POINTS)


SPACE_METRICS = ("macs", "params", "top1_pct_estimate", "latency_ms")


def space_request(spec: dict, alpha: float, resolution: int, index: int) -> bytes:
    values = {
        ids.SPACE_METRIC: SPACE_METRICS[index % len(SPACE_METRICS)],
        ids.SPACE_MACS_BUDGET: f"{100 + index}M",
        ids.SPACE_PARAMS_BUDGET: "2M",
        ids.SPACE_LATENCY_BUDGET: "20",
        ids.SPACE_RAM_BUDGET: ("", "1MiB")[index % 2],
        ids.SPACE_FLASH_BUDGET: "",
        ids.SPACE_DTYPE: "float32",
        ids.SPACE_DATASET: "tflite-pixel2-cpu-float",
        f"{ids.SPACE_TABLE}.page_current": index % 5,
        f"{ids.SPACE_TABLE}.sort_by": [{"column_id": "macs", "direction": "asc"}] if index % 3 == 0 else [],
    }
    return plain_payload(spec, values, ids.SPACE_MACS_BUDGET)


def frontier_values(alpha: float, resolution: int, budget: str) -> dict:
    """The Frontier's control values at a design point: MACs on a log axis, the paper's and TF-slim's float
    points, the published latencies, and a MACs ``budget``."""
    return {
        ids.FRONTIER_URL: f"?alpha={alpha:g}&resolution={resolution}",
        ids.FRONTIER_X_METRIC: "macs",
        ids.FRONTIER_LOG_X: ["log"],
        ids.FRONTIER_SOURCES: ["paper", "TF-slim 2018_02_22"],
        ids.FRONTIER_PRECISION: ["float"],
        ids.FRONTIER_BUDGET: budget,
        ids.FRONTIER_LATENCY_SOURCE: "published",
    }


def frontier_request(spec: dict, alpha: float, resolution: int, index: int) -> bytes:
    """A new MACs budget typed on the Frontier (a new budget each time) at a design point."""
    return plain_payload(spec, frontier_values(alpha, resolution, f"{100 + index}M"), ids.FRONTIER_BUDGET)


def frontier_brush_request(spec: dict, alpha: float, resolution: int, index: int) -> bytes:
    """A brush on the Frontier's parallel-coordinates MACs axis (a new range each time) at a design point."""
    low = 50 + index % 200
    values = {
        **frontier_values(alpha, resolution, "300M"),
        ids.FRONTIER_PARCOORDS: [{"dimensions[2].constraintrange": [[low * 1e6, (low + 250) * 1e6]]}, [0]],
    }
    return plain_payload(spec, values, f"{ids.FRONTIER_PARCOORDS}.restyleData")


def explorer_profile_request(spec: dict, alpha: float, resolution: int, index: int) -> bytes:
    """The Explorer's per-layer profile panel at a new design point (it follows every change of the URL)."""
    values = {ids.EXPLORE_URL: f"?alpha={alpha:g}&resolution={resolution}", ids.EXPLORE_PROFILE_DATASET: None}
    return plain_payload(spec, values, f"{ids.EXPLORE_URL}.search")


VIEWS = {
    "explorer-profile": (ids.EXPLORE_PROFILE_NOTE, explorer_profile_request),
    "compare": (ids.COMPARE_TOTALS, compare_request),
    "design-space": (ids.SPACE_GRAPH, space_request),
    "design-space-table": (ids.SPACE_TABLE, space_request),
    "frontier": (ids.FRONTIER_GRAPH, frontier_request),
    "frontier-brush": (ids.FRONTIER_SELECTION, frontier_brush_request),
}
"""The other views benchmarked beside the Explorer: the output that proves an answer, and the request."""


def run_view_load(port: int, view: str, clients: int, updates: int) -> dict:
    """Like :func:`run_load` for one of :data:`VIEWS`."""
    output_id, make = VIEWS[view]
    spec = callback_for(dependencies(port), output_id)
    work: queue.Queue = queue.Queue()
    for index, point in enumerate(design_points(updates)):
        work.put((index, point))
    update_ms, errors = [], []
    lock = threading.Lock()
    progress = tqdm(total=updates, desc=view, file=sys.stderr, leave=False)

    def client() -> None:
        while True:
            try:
                index, (alpha, resolution) = work.get_nowait()
            except queue.Empty:
                return
            start = time.perf_counter()
            status, body = request(
                "POST", port, "/_dash-update-component", make(spec, alpha, resolution, index)
            )
            elapsed_ms = (time.perf_counter() - start) * 1000
            ok = status == 200 and output_id in json.loads(body)["response"]
            with lock:
                (update_ms if ok else errors).append(elapsed_ms if ok else (alpha, resolution, status))
                progress.update()

    started, cpu = time.perf_counter(), time.process_time()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    progress.close()
    return {
        "update_ms": update_ms,
        "errors": errors,
        "elapsed_s": time.perf_counter() - started,
        "client_cpu_ms": (time.process_time() - cpu) / updates * 1000,
    }


def design_points(count: int) -> list[tuple[float, int]]:
    """Distinct (α, resolution) pairs: α on the slider's 0.01 grid, resolution 96 to 320 px."""
    alphas = [round(0.1 + 0.01 * i, 2) for i in range(141)]
    return [(alphas[i % len(alphas)], 96 + (i * 7) % 225) for i in range(count)]


def run_load(port: int, clients: int, updates: int) -> dict:
    spec = explorer_callback(dependencies(port))
    work: queue.Queue = queue.Queue()
    for point in design_points(updates):
        work.put(point)
    update_ms, errors = [], []
    lock = threading.Lock()
    progress = tqdm(total=updates, desc="updates", file=sys.stderr, leave=False)

    def client() -> None:
        search = "?alpha=1.0&resolution=224"
        while True:
            try:
                alpha, resolution = work.get_nowait()
            except queue.Empty:
                return
            start = time.perf_counter()
            status, body = request(
                "POST", port, "/_dash-update-component", slider_payload(spec, alpha, resolution, search)
            )
            elapsed_ms = (time.perf_counter() - start) * 1000
            ok = status == 200 and "figure" in json.loads(body)["response"].get(ids.EXPLORE_LAYER_GRAPH, {})
            with lock:
                (update_ms if ok else errors).append(elapsed_ms if ok else (alpha, resolution, status))
                progress.update()
            if ok:
                search = json.loads(body)["response"][ids.EXPLORE_URL]["search"]

    started, cpu = time.perf_counter(), time.process_time()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    progress.close()
    return {
        "update_ms": update_ms,
        "errors": errors,
        "elapsed_s": elapsed,
        "client_cpu_ms": (time.process_time() - cpu) / updates * 1000,
    }


def in_process_cpu_ms(views: list[str], updates: int) -> dict[str, float]:
    """CPU milliseconds per update of the Explorer and each of ``views``, the app built in this process and its
    requests (the load's first ``updates`` design points) sent one at a time through Flask's test client."""
    from costmodel.dashboard.main import create_app

    client = create_app().server.test_client()
    declared = client.get("/_dash-dependencies").get_json()
    points = design_points(updates + 5)
    explorer = explorer_callback(declared)
    bodies = {"explorer": [slider_payload(explorer, *point, "?alpha=1.0&resolution=224") for point in points]}
    for view in views:
        output_id, make = VIEWS[view]
        spec = callback_for(declared, output_id)
        bodies[view] = [make(spec, *point, index) for index, point in enumerate(points)]
    result = {}
    for view, requests in bodies.items():
        for body in requests[updates:]:  # warm-up, on other points
            client.post("/_dash-update-component", data=body, content_type="application/json")
        start = time.process_time()
        for body in requests[:updates]:
            answer = client.post("/_dash-update-component", data=body, content_type="application/json")
            if answer.status_code != 200:
                raise RuntimeError(f"{view}: the in-process request answered {answer.status_code}")
        result[view] = (time.process_time() - start) / updates * 1000
    return result


def server_cpu_seconds(master_pid: int) -> float:
    """User + system CPU seconds of the gunicorn master and its workers so far (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(entry.name), int(fields[1])
        if pid == master_pid or ppid == master_pid:
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def percentiles(values: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50": statistics.median(values), "p95": cuts[94], "p99": cuts[98], "max": max(values)}


def first_load_seconds(port: int) -> float:
    """Navigation start to the first bar of the per-layer chart in headless Chromium (fresh profile)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    with chromium() as driver:
        start = time.perf_counter()
        driver.get(f"http://127.0.0.1:{port}/explore?alpha=0.5&rho=0.714")
        WebDriverWait(driver, 30, poll_frequency=0.02).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, f"#{ids.EXPLORE_LAYER_GRAPH} .barlayer .point path")
        )
        return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], epilog=__doc__.splitlines()[-1])
    parser.add_argument("--port", type=int, help="loopback port for the server (default: a free one)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--clients", type=int, default=10, help="concurrent clients")
    parser.add_argument(
        "--updates", type=int, default=500, help="explorer updates (callback requests) in all"
    )
    parser.add_argument(
        "--no-browser", action="store_true", help="skip the headless Chromium first-load test"
    )
    parser.add_argument(
        "--in-process-updates",
        type=int,
        default=100,
        help="requests per view replayed in this process for the CPU time per update (0: skip)",
    )
    parser.add_argument(
        "--views",
        default=",".join(VIEWS),
        help=f"other views to load after the Explorer ({', '.join(VIEWS)}; empty: none)",
    )
    args = parser.parse_args(argv)
    if args.clients < 1 or args.updates < args.clients:
        parser.error("need --clients >= 1 and --updates >= --clients")

    views = [v.strip() for v in args.views.split(",") if v.strip()]
    unknown = [v for v in views if v not in VIEWS]
    if unknown:
        parser.error(f"--views: unknown {', '.join(unknown)}; choose from {', '.join(VIEWS)}")
    in_process = in_process_cpu_ms(views, args.in_process_updates) if args.in_process_updates > 0 else {}
    args.port = args.port or free_port()
    with server_process(args.port, args.workers) as server:
        pid = server.popen.pid
        warm = run_load(args.port, 2, 20)  # a few requests so both workers have served once
        load_before = os.getloadavg()[0]
        cpu_before = server_cpu_seconds(pid)
        result = run_load(args.port, args.clients, args.updates)
        cpu_per_update_ms = (server_cpu_seconds(pid) - cpu_before) / args.updates * 1000
        others = {}
        for view in views:
            run_view_load(args.port, view, 2, 10)  # warm-up
            cpu_before = server_cpu_seconds(pid)
            others[view] = run_view_load(args.port, view, args.clients, args.updates)
            others[view]["cpu_ms"] = (server_cpu_seconds(pid) - cpu_before) / args.updates * 1000
        first_load = None if args.no_browser else first_load_seconds(args.port)

    print(
        f"machine: {os.cpu_count()} CPU(s); server: gunicorn, {args.workers} gthread worker(s) of {THREADS} threads, 127.0.0.1:{args.port}"
    )
    print(f"warm-up: {len(warm['update_ms'])} updates, {len(warm['errors'])} errors")
    print(
        f"machine load average before the run: {load_before:.2f} on {os.cpu_count()} CPU(s) "
        "(other work on the machine slows every figure below except the server CPU time)"
    )
    print(
        f"load: {args.clients} concurrent clients, {args.updates} explorer updates "
        f"(one callback request each) in {result['elapsed_s']:.2f} s "
        f"= {len(result['update_ms']) / result['elapsed_s']:.0f} updates/s"
    )
    if result["update_ms"]:
        p = percentiles(result["update_ms"])
        print(
            f"  per update: p50 {p['p50']:.1f} ms  p95 {p['p95']:.1f} ms  p99 {p['p99']:.1f} ms  max {p['max']:.1f} ms"
        )
    print(f"  server CPU time per update (gunicorn master + workers): {cpu_per_update_ms:.1f} ms")
    print(
        f"  the clients' own CPU time per update (this process, on the same cores): {result['client_cpu_ms']:.1f} ms"
    )
    if "explorer" in in_process:
        print(f"  CPU time per update in-process (one request at a time): {in_process['explorer']:.1f} ms")
    print(
        f"  errors: {len(result['errors'])}"
        + (f" (first: {result['errors'][0]})" if result["errors"] else "")
    )
    if result["update_ms"]:
        p95 = percentiles(result["update_ms"])["p95"]
        print(
            f"  target p95 <= {TARGET_P95_MS:.0f} ms per update: p95 is {p95 / TARGET_P95_MS:.2f}x the target"
        )
    for view, other in others.items():
        line = f"{view}: {args.clients} clients, {args.updates} updates in {other['elapsed_s']:.2f} s"
        if other["update_ms"]:
            p = percentiles(other["update_ms"])
            line += (
                f"; p50 {p['p50']:.1f} ms  p95 {p['p95']:.1f} ms  p99 {p['p99']:.1f} ms "
                f"({p['p95'] / TARGET_P95_MS:.2f}x the {TARGET_P95_MS:.0f} ms target)"
            )
        line += f"; server CPU per update {other['cpu_ms']:.1f} ms (clients {other['client_cpu_ms']:.1f} ms)"
        if view in in_process:
            line += f", in-process {in_process[view]:.1f} ms"
        print(
            line
            + f"; errors: {len(other['errors'])}"
            + (f" (first: {other['errors'][0]})" if other["errors"] else "")
        )
    if first_load is not None:
        print(
            f"first load (headless Chromium, empty cache) to a drawn per-layer chart: {first_load:.2f} s "
            f"({first_load / TARGET_FIRST_LOAD_S:.2f}x the {TARGET_FIRST_LOAD_S:.0f} s target)"
        )
    return 0 if not result["errors"] and not any(o["errors"] for o in others.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
