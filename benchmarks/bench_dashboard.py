"""Load benchmark of the dashboard: the real gunicorn server, the real callback endpoint, real Chromium.

Starts ``python -m app.server`` on loopback, then

1. drives ``POST /_dash-update-component`` with the request the Explorer sends when the α slider is
   released (one round trip returns the new URL and the whole view) from ``--clients`` concurrent
   clients, each on distinct design points, for ``--updates`` updates in all; prints p50/p95/p99, the
   error count and the throughput, against the target p95 ≤ 50 ms;
2. opens ``/explore`` in headless Chromium (fresh profile, empty cache) and prints the time from
   navigation to the per-layer chart's bars being drawn, against the 3 s target.

Example: python benchmarks/bench_dashboard.py --clients 10 --updates 400 --workers 2
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from tqdm import tqdm

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import ids  # noqa: E402

TARGET_P95_MS = 50.0
TARGET_FIRST_LOAD_S = 3.0


def start_server(port: int, workers: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "app.server", "--port", str(port), "--workers", str(workers)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {process.stderr.read()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                pass
            if request("GET", port, "/_dash-layout")[0] == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("server did not start within 60 s")


def request(method: str, port: int, path: str, body: bytes | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def explorer_callback(port: int) -> dict:
    """The Explorer's callback as the server declares it (``/_dash-dependencies``)."""
    status, body = request("GET", port, "/_dash-dependencies")
    if status != 200:
        raise RuntimeError(f"/_dash-dependencies answered {status}")
    return next(d for d in json.loads(body) if d["output"].startswith(f"..{ids.EXPLORE_URL}.search..."))


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
        "inputs": [{**i, "value": values[i["id"]]} for i in spec["inputs"]],
        "changedPropIds": [f"{ids.EXPLORE_ALPHA_SLIDER}.value"],
        "parsedChangedPropsIds": [f"{ids.EXPLORE_ALPHA_SLIDER}.value"],
    }
    return json.dumps(body).encode()


def design_points(count: int) -> list[tuple[float, int]]:
    """Distinct (α, resolution) pairs: α on the slider's 0.01 grid, resolution 96 to 320 px."""
    alphas = [round(0.1 + 0.01 * i, 2) for i in range(141)]
    return [(alphas[i % len(alphas)], 96 + (i * 7) % 225) for i in range(count)]


def run_load(port: int, clients: int, updates: int) -> dict:
    spec = explorer_callback(port)
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

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    progress.close()
    return {"update_ms": update_ms, "errors": errors, "elapsed_s": elapsed}


def percentiles(values: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50": statistics.median(values), "p95": cuts[94], "p99": cuts[98], "max": max(values)}


def first_load_seconds(port: int) -> float:
    """Navigation start to the first bar of the per-layer chart in headless Chromium (fresh profile)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    profile = tempfile.mkdtemp(prefix="bench-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--window-size=1400,1000", f"--user-data-dir={profile}",
    ):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        start = time.perf_counter()
        driver.get(f"http://127.0.0.1:{port}/explore?alpha=0.5&rho=0.714")
        WebDriverWait(driver, 30, poll_frequency=0.02).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, f"#{ids.EXPLORE_LAYER_GRAPH} .barlayer .point path")
        )
        return time.perf_counter() - start
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], epilog=__doc__.splitlines()[-1])
    parser.add_argument("--port", type=int, default=8052, help="loopback port for the server")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--clients", type=int, default=10, help="concurrent clients")
    parser.add_argument(
        "--updates", type=int, default=500, help="explorer updates (callback requests) in all"
    )
    parser.add_argument(
        "--no-browser", action="store_true", help="skip the headless Chromium first-load test"
    )
    args = parser.parse_args(argv)
    if args.clients < 1 or args.updates < args.clients:
        parser.error("need --clients >= 1 and --updates >= --clients")

    server = start_server(args.port, args.workers)
    try:
        warm = run_load(args.port, 2, 20)  # a few requests so both workers have served once
        result = run_load(args.port, args.clients, args.updates)
        first_load = None if args.no_browser else first_load_seconds(args.port)
    finally:
        server.terminate()
        server.wait(timeout=30)

    print(
        f"machine: {os.cpu_count()} CPU(s); server: gunicorn, {args.workers} sync worker(s), 127.0.0.1:{args.port}"
    )
    print(f"warm-up: {len(warm['update_ms'])} updates, {len(warm['errors'])} errors")
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
    print(
        f"  errors: {len(result['errors'])}"
        + (f" (first: {result['errors'][0]})" if result["errors"] else "")
    )
    if result["update_ms"]:
        p95 = percentiles(result["update_ms"])["p95"]
        print(
            f"  target p95 <= {TARGET_P95_MS:.0f} ms per update: p95 is {p95 / TARGET_P95_MS:.2f}x the target"
        )
    if first_load is not None:
        print(
            f"first load (headless Chromium, empty cache) to a drawn per-layer chart: {first_load:.2f} s "
            f"({first_load / TARGET_FIRST_LOAD_S:.2f}x the {TARGET_FIRST_LOAD_S:.0f} s target)"
        )
    return 0 if not result["errors"] else 1


if __name__ == "__main__":
    sys.exit(main())
