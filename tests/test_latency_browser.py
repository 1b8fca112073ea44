"""The Latency page in a real browser, served by gunicorn: upload errors, an import, a restart that loses nothing."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
PORT = 8071
ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(
    not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()),
    reason="a real-browser test: needs chromium and chromedriver at /usr/bin",
)


def start_server(db: Path) -> subprocess.Popen:
    env = {**os.environ, "MOBILENET_COST_DB": str(db)}
    command = [sys.executable, "-m", "costmodel", "serve", "--port", str(PORT), "--workers", "2"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", PORT), timeout=1):
                return server
        except OSError:
            if server.poll() is not None:
                raise RuntimeError(server.stderr.read().decode()) from None
            time.sleep(0.5)
    server.terminate()
    raise RuntimeError("the server did not start within 60 s")


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=30)


@pytest.fixture
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1600"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def wait_for_text(driver, element_id: str, expected: str, timeout: float = 30) -> str:
    from selenium.common.exceptions import NoSuchElementException
    from selenium.webdriver.common.by import By

    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        try:
            text = driver.find_element(By.ID, element_id).text
        except NoSuchElementException:  # the page is still rendering
            text = ""
        if expected in text:
            return text
        time.sleep(0.3)
    raise AssertionError(f"{element_id} never showed {expected!r}; last text {text!r}")


def test_upload_errors_import_and_restart(tmp_path, browser):
    from selenium.webdriver.common.by import By

    db = tmp_path / "browser.sqlite3"
    bad, good = tmp_path / "bad.csv", tmp_path / "phone.csv"
    bad.write_text("alpha,resolution,latency_ms\n1,224,-5\n0.5,9999,3\n")
    good.write_text("alpha;resolution;latency_us\n0.25;128;3700\n0.5;160;13000\n1.0;224;70200\n")
    server = start_server(db)
    try:
        browser.get(f"http://127.0.0.1:{PORT}/latency")
        wait_for_text(browser, "latency-summary", "Dataset 'tflite-pixel2-cpu-float': 16 points")
        browser.find_element(By.ID, "latency-device").send_keys("Pixel X")
        browser.find_element(By.CSS_SELECTOR, "#latency-upload input[type=file]").send_keys(str(bad))
        error = wait_for_text(browser, "latency-upload-error", "row 2, column latency_ms")
        assert "row 3, column resolution: 9999 is not allowed" in error
        browser.find_element(By.CSS_SELECTOR, "#latency-upload input[type=file]").send_keys(str(good))
        wait_for_text(browser, "latency-upload-message", "Imported 3 rows into new dataset 'phone'.")
        wait_for_text(browser, "latency-summary", "Dataset 'phone': 3 points")
        severe = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
        assert severe == []
    finally:
        stop_server(server)
    server = start_server(db)
    try:
        browser.get(f"http://127.0.0.1:{PORT}/latency")
        table = wait_for_text(browser, "latency-datasets-table", "phone")
        assert "phone 3 Pixel X" in table
    finally:
        stop_server(server)
