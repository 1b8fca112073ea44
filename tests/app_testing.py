"""Helpers for the dashboard tests (imported by tests/test_app_*.py; not a conftest).

``running_server()`` starts the real gunicorn server in a subprocess on a free loopback port and stops it;
``chromium()`` starts a headless Chromium (the one kaleido uses, see ``browser_path``) through chromedriver
with a fresh profile. Ports come from the OS, so the tests can run in parallel (pytest-xdist).
``benchmarks/bench_dashboard.py`` uses the same helpers.
"""

from __future__ import annotations

import contextlib
import http.client as http_client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from pathlib import Path

from costmodel.present.figure_files import browser_path

ROOT = Path(__file__).resolve().parents[1]
CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM_FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run",
)  # fmt: skip


def free_port() -> int:
    """A loopback port that is free now, chosen by the OS (so parallel test workers never pick the same)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request(
    method: str, port: int, path: str, body: bytes | None = None, content_type: str = "application/json"
):
    """``(status, body bytes)`` of one request to the test server."""
    connection = http_client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers={"Content-Type": content_type} if body else {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def dependencies(port: int) -> list[dict]:
    status, body = request("GET", port, "/_dash-dependencies")
    assert status == 200
    return json.loads(body)


class ServerProcess:
    """A gunicorn server started by :func:`server_process`: its ``popen`` and its error log so far.

    A thread reads the server's stderr as it comes, so a chatty server never blocks on a full pipe, and a
    failing test can print what the server said (:meth:`log`).
    """

    def __init__(self, popen: subprocess.Popen):
        self.popen = popen
        self._lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.popen.stderr:
            self._lines.append(line)

    def log(self) -> str:
        """Everything the server wrote to stderr so far (all of it once the process has exited)."""
        if self.popen.poll() is not None:
            self._reader.join(timeout=10)
        return "".join(self._lines)

    def wait(self, timeout: float | None = None) -> int:
        return self.popen.wait(timeout=timeout)

    @property
    def returncode(self) -> int | None:
        return self.popen.returncode


@contextlib.contextmanager
def server_process(port: int, workers: int = 1, env: Mapping[str, str] | None = None):
    """Yield the :class:`ServerProcess` of a gunicorn server (``python -m costmodel.dashboard.server``) on
    ``port`` once it answers; ``env`` adds environment variables (``MOBILENET_COST_DB``, say)."""
    popen = subprocess.Popen(
        [sys.executable, "-m", "costmodel.dashboard.server", "--port", str(port), "--workers", str(workers)],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    server = ServerProcess(popen)
    try:
        deadline = time.monotonic() + 90
        while True:
            if popen.poll() is not None:
                raise RuntimeError(f"server exited with {popen.returncode}: {server.log()}")
            try:
                if request("GET", port, "/_dash-layout")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server did not answer within 90 s: {server.log()[-2000:]}")
            time.sleep(0.2)
        yield server
    finally:
        popen.terminate()
        try:
            popen.wait(timeout=30)
        except subprocess.TimeoutExpired:
            popen.kill()
            popen.wait()
        SERVER_LOGS.append(server.log())


SERVER_LOGS: list[str] = []
"""The error logs of the servers stopped during the current test (``conftest.py`` shows them when it fails
and empties the list before each test)."""


@contextlib.contextmanager
def running_server(workers: int = 1, env: Mapping[str, str] | None = None):
    """Yield the port of a gunicorn server started for the test on a free loopback port."""
    port = free_port()
    with server_process(port, workers, env):
        yield port


@contextlib.contextmanager
def chromium(window_size: str = "1400,1000"):
    """A headless Chromium WebDriver (:func:`browser_path`'s) with a fresh profile, the browser console log on."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="test-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = browser_path()
    for flag in (*CHROMIUM_FLAGS, f"--window-size={window_size}", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def severe_console_entries(driver) -> list[dict]:
    """Browser console entries at level SEVERE (errors), read once."""
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
