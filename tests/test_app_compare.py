"""The Compare page: pinned design points from the URL, totals restated independently, per-layer differences,
estimates, downloads; in the browser at 1400 and 800 px."""

import io
import re

import pandas as pd
import pytest
from app_testing import chromium, running_server, severe_console_entries
from costmodel.dashboard import compare, explorer, ids
from independent_counter import costs, memory

from costmodel import report


def test_points_come_from_the_url_and_bad_ones_are_named():
    assert compare.parse_points("?p=0.35,200&p=0.5,160") == ([(0.35, 200), (0.5, 160)], [])
    points, problems = compare.parse_points("?p=0.35,200&p=abc,1&p=0.5,160.5&p=0.5,160")
    assert points == [(0.35, 200), (0.5, 160)]
    assert any("alpha: 'abc' is not a number" in p for p in problems)
    assert any("160.5" in p and "whole number" in p for p in problems)
    points, problems = compare.parse_points("?p=0.35,200")
    assert points == list(compare.DEFAULT_POINTS) and "give 2 to 4 points" in problems[-1]
    points, problems = compare.parse_points("?" + "&".join(f"p=0.{i},{160 + i}" for i in range(1, 7)))
    assert len(points) == compare.MAX_POINTS and "the first 4 are compared" in problems[-1]
    assert compare.to_query([(0.35, 200), (1.0, 224)]) == "?p=0.35,200&p=1,224"


def test_totals_and_layer_differences_are_exact(tmp_path):
    points = [(0.35, 200), (0.5, 160), (1.0, 224)]
    view = compare.compare_view(points, "tflite-pixel2-cpu-float", db=tmp_path / "d.sqlite3")
    for (alpha, side), row in zip(points, view.totals.itertuples(), strict=True):
        expected = costs(alpha, side)
        assert (int(row.macs), int(row.params), int(row.activations)) == (
            expected["macs"], expected["params"], expected["activations"])  # fmt: skip
        assert row.top1_pct_low <= row.top1_pct_estimate <= row.top1_pct_high and row.latency_ms > 0
    for alpha, side in points[1:]:
        delta = view.layers[f"macs Δ {compare.label((alpha, side))}"]
        assert int(delta.sum()) == costs(alpha, side)["macs"] - costs(*points[0])["macs"]
    assert "tflite-pixel2-cpu-float" in view.latency_note


@pytest.mark.parametrize("dtype", ["float32", "int8"])
def test_flash_and_peak_ram_per_point_at_the_value_type(dtype):
    points = [(0.35, 200), (0.5, 160), (0.25, 96)]
    view = compare.compare_view(points, None, dtype=dtype)
    for (alpha, side), row in zip(points, view.totals.itertuples(), strict=True):
        expected = memory(alpha, side, dtype=dtype)
        assert (int(row.flash_bytes), int(row.peak_activation_bytes), row.peak_layer) == (
            expected["weight_bytes"], expected["peak_activation_bytes"], expected["peak_layer"])  # fmt: skip
    text = compare.totals_table(view).to_markdown()
    assert "Peak RAM (KiB)" in text and "Flash (KiB)" in text and f"weight bytes at {dtype}" in text
    assert compare.to_query(points[:2], dtype=dtype).endswith("" if dtype == "float32" else "&dtype=int8")
    assert compare.check_dtype("int4") == (
        "float32", "value type 'int4' is not allowed; choose one of float32, float16, int8")  # fmt: skip


def test_downloads_are_csv_and_latex_with_every_point():
    view = compare.compare_view([(0.35, 200), (0.5, 160)], None)
    csv_text, name = compare.downloads(view, latex=False)
    totals = pd.read_csv(io.StringIO(csv_text.split("\n\n")[0]))
    assert name == "mobilenet_compare.csv" and totals.macs.tolist() == [
        costs(0.35, 200)["macs"],
        costs(0.5, 160)["macs"],
    ]
    latex, name = compare.downloads(view, latex=True)
    assert (
        name.endswith(".tex")
        and latex.count(r"\begin{table}") == 2
        and r"\caption" in latex
        and r"\label" in latex
    )


def test_the_explorer_shows_estimates_and_links_to_compare():
    r = report(alpha=0.35, resolution=200)
    text = explorer.estimates(r)
    assert re.search(r"Estimated top-1 \d+\.\d % \(\d+\.\d–\d+\.\d %", text) and "predicted latency" in text
    assert explorer.compare_link(r) == "/compare?p=0.35,200&p=1,224"


@pytest.mark.slow
@pytest.mark.parametrize("width", [1400, 800])
def test_compare_page_in_the_browser(width, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    with (
        running_server(env={"MOBILENET_COST_DB": str(tmp_path / "d.sqlite3")}) as port,
        chromium(f"{width},1000") as browser,
    ):
        browser.get(f"http://127.0.0.1:{port}/compare?p=0.35,200&p=0.5,160&dtype=int8")
        expected = f"{costs(0.35, 200)['macs'] / 1e6:.2f}"
        WebDriverWait(browser, 30).until(lambda d: expected in d.find_element(By.ID, ids.COMPARE_TOTALS).text)
        WebDriverWait(browser, 30).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, f"#{ids.COMPARE_GRAPH} .bars")
        )
        assert "Latency (ms)" in browser.find_element(By.ID, ids.COMPARE_TOTALS).text
        peak = memory(0.35, 200, dtype="int8")["peak_activation_bytes"] / 1024
        assert f"{peak:,.1f}" in browser.find_element(By.ID, ids.COMPARE_TOTALS).text
        assert "Δ 0.5-160" in browser.find_element(By.ID, ids.COMPARE_LAYERS).text
        browser.save_screenshot(f"/tmp/compare-{width}.png")
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth")  # fmt: skip
        assert overflow <= 0
        assert severe_console_entries(browser) == []
