"""The Latency page in a real browser, served by gunicorn: upload errors, an import, a restart that loses nothing."""

from __future__ import annotations

import time

import pytest
from app_testing import chromium, running_server, severe_console_entries


@pytest.fixture
def browser():
    with chromium(window_size="1400,1600") as driver:
        yield driver


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
    console = severe_console_entries(driver)
    raise AssertionError(f"{element_id} never showed {expected!r}; last text {text!r}; console errors {console}")


def test_upload_errors_import_and_restart(tmp_path, browser):
    from selenium.webdriver.common.by import By

    db = tmp_path / "browser.sqlite3"
    bad, good = tmp_path / "bad.csv", tmp_path / "phone.csv"
    bad.write_text("alpha,resolution,latency_ms\n1,224,-5\n0.5,9999,3\n")
    good.write_text("alpha;resolution;latency_us\n0.25;128;3700\n0.5;160;13000\n1.0;224;70200\n")
    with running_server(workers=2, env={"MOBILENET_COST_DB": str(db)}) as port:
        browser.get(f"http://127.0.0.1:{port}/latency")
        wait_for_text(browser, "latency-summary", "Dataset 'tflite-pixel2-cpu-float': 16 points", timeout=90)
        browser.find_element(By.ID, "latency-device").send_keys("Pixel X")
        browser.find_element(By.CSS_SELECTOR, "#latency-upload input[type=file]").send_keys(str(bad))
        error = wait_for_text(browser, "latency-upload-error", "row 2, column latency_ms")
        assert "row 3, column resolution: 9999 is not allowed" in error
        browser.find_element(By.CSS_SELECTOR, "#latency-upload input[type=file]").send_keys(str(good))
        wait_for_text(browser, "latency-upload-message", "Imported 3 rows into new dataset 'phone'.")
        wait_for_text(browser, "latency-summary", "Dataset 'phone': 3 points")
        assert severe_console_entries(browser) == []
    with running_server(workers=2, env={"MOBILENET_COST_DB": str(db)}) as port:  # a restart loses nothing
        browser.get(f"http://127.0.0.1:{port}/latency")
        table = wait_for_text(browser, "latency-datasets-table", "phone")
        assert "phone 3 Pixel X" in table


@pytest.mark.slow
def test_frontier_draws_the_predicted_latency_interval_as_error_bars(tmp_path):
    from costmodel.dashboard import ids
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    env = {"MOBILENET_COST_DB": str(tmp_path / "db.sqlite3")}
    with running_server(env=env) as port, chromium() as driver:
        driver.get(f"http://127.0.0.1:{port}/frontier?x=latency_ms&latency=predicted:tflite-pixel2-cpu-float")
        bars = WebDriverWait(driver, 30).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, f"#{ids.FRONTIER_GRAPH} .scatterlayer .errorbar")
        )
        assert len(bars) >= 16
        point = driver.find_element(By.ID, ids.FRONTIER_POINT).text
        assert "90 % interval" in point and "error bars" in point
        driver.save_screenshot(str(tmp_path / "frontier-intervals.png"))
        assert severe_console_entries(driver) == []


def test_a_database_gone_bad_is_named_on_the_latency_page(tmp_path, browser):
    """The file checked at start is replaced while serving: the page says so next to the list, built-ins stay."""
    import sqlite3

    db = tmp_path / "served.sqlite3"
    with running_server(env={"MOBILENET_COST_DB": str(db)}) as port:
        for suffix in ("", "-wal", "-shm"):
            (tmp_path / f"served.sqlite3{suffix}").unlink(missing_ok=True)
        with sqlite3.connect(db) as connection:
            connection.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
        connection.close()
        browser.get(f"http://127.0.0.1:{port}/latency")
        error = wait_for_text(browser, "latency-manage-error", "not a mobilenet-costmodel database")
        assert "invoices" in error
        wait_for_text(browser, "latency-summary", "Dataset 'tflite-pixel2-cpu-float': 16 points", timeout=90)
        assert severe_console_entries(browser) == []


def test_a_link_names_the_dataset_shown(tmp_path, browser):
    from selenium.webdriver.support.ui import WebDriverWait

    from costmodel.latency.store import LatencyStore, builtin_frame

    db = tmp_path / "link.sqlite3"
    LatencyStore(db).add("phone", builtin_frame("tflite-pixel2-cpu-float").iloc[:8])
    with running_server(env={"MOBILENET_COST_DB": str(db)}) as port:
        browser.get(f"http://127.0.0.1:{port}/latency?dataset=phone")
        wait_for_text(browser, "latency-summary", "Dataset 'phone': 8 points", timeout=90)
        WebDriverWait(browser, 10).until(lambda d: d.current_url.endswith("/latency?dataset=phone"))
        browser.get(f"http://127.0.0.1:{port}/latency?dataset=gone")
        wait_for_text(browser, "latency-manage-error", "dataset=gone from the link is not stored here")
        wait_for_text(browser, "latency-summary", "Dataset 'tflite-pixel2-cpu-float': 16 points")
        WebDriverWait(browser, 10).until(lambda d: d.current_url.endswith("/latency"))
        assert severe_console_entries(browser) == []
