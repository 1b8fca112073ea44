"""The Design space page: the α × resolution grid from evaluate, budget lines, checkpoints, in the browser."""

import numpy as np
import pytest
from app_testing import chromium, running_server, severe_console_entries
from costmodel.dashboard import design_space, ids
from independent_counter import costs


def test_the_grid_holds_exact_costs_and_every_metric():
    grid = design_space.design_grid()
    assert len(grid) == len(design_space.ALPHAS) * len(design_space.RESOLUTIONS)
    for alpha, side in [(0.25, 96), (0.5, 160), (0.725, 200), (1.0, 256)]:
        row = grid[(np.isclose(grid.alpha, alpha)) & (grid.resolution == side)].iloc[0]
        assert (int(row.macs), int(row.params)) == (costs(alpha, side)["macs"], costs(alpha, side)["params"])
    assert grid[["top1_pct_estimate", "latency_ms"]].notna().all().all()


def test_budget_lines_count_the_points_that_meet_them_all():
    view = design_space.design_space_view("top1_pct_estimate", "300M", "2M", "20")
    assert view.budgets == {"macs": 300_000_000, "params": 2_000_000, "latency_ms": 20}
    expected = sum(
        1 for a in design_space.ALPHAS for r in design_space.RESOLUTIONS
        if costs(float(a), int(r))["macs"] <= 300_000_000 and costs(float(a), int(r))["params"] <= 2_000_000
        and float(view.grid[(np.isclose(view.grid.alpha, a)) & (view.grid.resolution == r)].latency_ms.iloc[0]) <= 20
    )  # fmt: skip
    assert design_space.fitting_count(view) == expected > 0
    figure = design_space.figure_of(view)
    kinds = [trace["type"] for trace in figure["data"]]
    assert kinds.count("heatmap") == 1 and kinds.count("contour") == 3 and kinds.count("scatter") == 1
    stars = next(t for t in figure["data"] if t["type"] == "scatter")
    assert len(stars["text"]) == 16  # the 4 x 4 published checkpoints


def test_bad_budget_text_is_named_and_the_view_stays():
    view = design_space.design_space_view("nonsense", "lots")
    assert view.metric == "macs" and view.budgets == {} and "MACs: 'lots'" in view.error


@pytest.mark.slow
@pytest.mark.parametrize("width", [1400, 800])
def test_design_space_page_in_the_browser(width, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    env = {"MOBILENET_COST_DB": str(tmp_path / "d.sqlite3")}
    with running_server(env=env) as port, chromium(f"{width},1000") as browser:
        browser.get(f"http://127.0.0.1:{port}/design-space")
        WebDriverWait(browser, 30).until(
            lambda d: "meet every budget" in d.find_element(By.ID, ids.SPACE_SUMMARY).text
        )
        WebDriverWait(browser, 30).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, f"#{ids.SPACE_GRAPH} .hm")
        )
        WebDriverWait(browser, 60).until(
            lambda d: "best --all --estimate --macs 300000000" in d.find_element(By.ID, ids.SPACE_TABLE_NOTE).text
        )
        ram = browser.find_element(By.ID, ids.SPACE_RAM_BUDGET)
        ram.send_keys("512KiB\n")
        WebDriverWait(browser, 60).until(
            lambda d: "--ram 524288" in d.find_element(By.ID, ids.SPACE_TABLE_NOTE).text
        )
        WebDriverWait(browser, 10).until(lambda d: d.current_url.endswith("/design-space?ram=512KiB"))
        header = browser.find_element(
            By.CSS_SELECTOR, f"#{ids.SPACE_TABLE} th[data-dash-column='macs'] .column-header--sort"
        )
        header.click()
        WebDriverWait(browser, 30).until(
            lambda d: d.find_elements(
                By.CSS_SELECTOR, f"#{ids.SPACE_TABLE} td[data-dash-column='peak_activation_bytes']"
            )
        )
        browser.save_screenshot(f"/tmp/design-space-{width}.png")
        table = browser.find_element(By.ID, ids.SPACE_TABLE)
        browser.execute_script("arguments[0].scrollIntoView()", table)
        browser.save_screenshot(f"/tmp/design-space-table-{width}.png")
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth")  # fmt: skip
        assert overflow <= 0
        assert severe_console_entries(browser) == []


def test_ram_and_flash_are_metrics_and_budget_lines_in_kib_and_mib():
    view = design_space.design_space_view("peak_activation_bytes", "", "", "", "320KiB", "1MiB", "int8")
    assert (
        view.budgets == {"peak_activation_bytes": 320 * 1024, "flash_bytes": 1024 * 1024} and view.error == ""
    )
    row = view.grid[(np.isclose(view.grid.alpha, 0.5)) & (view.grid.resolution == 160)].iloc[0]
    # int8: one byte per weight, plus int32 (4-byte) biases; BN folded gives every conv a bias
    assert int(row.flash_bytes) > costs(0.5, 160)["params"]
    figure = design_space.figure_of(view)
    assert [t["type"] for t in figure["data"]].count("contour") == 2
    bad = design_space.design_space_view("flash_bytes", ram_budget="lots", dtype="int4")
    assert "peak RAM: 'lots'" in bad.error and "value type 'int4' is not allowed" in bad.error


@pytest.mark.parametrize(
    "budgets",
    [
        {"macs_budget": "300M", "params_budget": "2M", "latency_budget": "20"},
        {"macs_budget": "", "ram_budget": "256KiB", "flash_budget": "1MiB", "dtype": "int8"},
    ],
)
def test_the_table_is_the_answer_of_best_all_estimate(budgets, tmp_path, monkeypatch):
    from costmodel.cli import main

    monkeypatch.setenv("MOBILENET_COST_DB", str(tmp_path / "d.sqlite3"))
    view = design_space.design_space_view("macs", **budgets)
    found, problem = design_space.fitting_configurations(view)
    assert problem == "" and len(found) > 0
    words = design_space.cli_line(view).split()
    out = tmp_path / "best.csv"
    assert main([*words[1:], "--format", "csv", "-o", str(out), "--db", str(tmp_path / "d.sqlite3")]) == 0
    content, name = design_space.csv_download(view)
    assert content == out.read_text() and name.endswith(".csv")


def test_the_table_sorts_and_pages_on_the_server():
    view = design_space.design_space_view("macs", "300M", "2M")
    found, _ = design_space.fitting_configurations(view)
    first = design_space.table_page(found, [], 0, 15)
    assert len(first) == 15 and first[0]["top1_pct_estimate"] == max(r["top1_pct_estimate"] for r in first)
    by_macs = design_space.table_page(found, [{"column_id": "macs", "direction": "asc"}], 0, 15)
    assert [r["macs"] for r in by_macs] == sorted(int(m) for m in found["macs"])[:15]
    last = design_space.table_page(found, [{"column_id": "macs", "direction": "desc"}], 0, 1)
    assert last[0]["macs"] == int(found["macs"].max()) <= 300_000_000
    assert [c["id"] for c in design_space.table_columns(found)] == [
        "alpha", "resolution", "macs", "params", "peak_activation_bytes", "flash_bytes", "top1_pct_estimate",
        "top1_pct_low", "top1_pct_high"
    ]  # RAM and flash shown even without their budgets  # fmt: skip
    empty, why = design_space.fitting_configurations(design_space.design_space_view("macs", "1k"))
    assert empty.empty and "below the smallest configuration" in why


def test_a_stored_dataset_is_read_again_on_every_view(tmp_path, monkeypatch):
    """Another worker may import or grow a dataset: the grid, the figure and the table follow its rows."""
    from costmodel.latency.model import LatencyModel
    from costmodel.latency.store import LatencyStore, builtin_frame

    monkeypatch.setenv("MOBILENET_COST_DB", str(tmp_path / "d.sqlite3"))
    missing = design_space.design_space_view("latency_ms", "300M", "", "20", dataset="mine")
    assert missing.grid.latency_ms.isna().all() and missing.latency_model is None
    rows = builtin_frame("tflite-pixel2-cpu-float")
    store = LatencyStore(tmp_path / "d.sqlite3")
    store.add("mine", rows.iloc[:10])
    first = design_space.design_space_view("latency_ms", "300M", "", "20", dataset="mine")
    store.add("mine", rows.iloc[10:].assign(latency_ms=rows.latency_ms.iloc[10:] * 3))
    grown = design_space.design_space_view("latency_ms", "300M", "", "20", dataset="mine")
    for view, measured in ((first, rows.iloc[:10]), (grown, store.load("mine"))):
        model = LatencyModel.fit(measured)  # fitted here, apart from the page's caches
        expected = model.predict(view.grid.alpha.to_numpy(), view.grid.resolution.to_numpy())
        assert np.allclose(view.grid.latency_ms.to_numpy(), expected, rtol=1e-12)
        found, problem = design_space.fitting_configurations(view)
        assert problem == "" and (found.latency_ms <= 20).all()
        predicted = model.predict(found.alpha.to_numpy(float), found.resolution.to_numpy())
        assert np.allclose(found.latency_ms.to_numpy(float), predicted, rtol=1e-12)
    assert design_space.figure_of(first) is not design_space.figure_of(grown)
    assert not np.allclose(first.grid.latency_ms.to_numpy(), grown.grid.latency_ms.to_numpy())


def test_the_heatmap_puts_each_point_in_its_cell_and_leaves_a_missing_one_empty():
    import math

    from costmodel import evaluate
    from costmodel.present.figures import design_space_figure_spec

    full = evaluate([0.25, 0.5, 1.0], [96, 160, 224], metrics=["macs", "params"], grid=True)
    shuffled = full.sample(frac=1.0, random_state=3)
    z = design_space_figure_spec(shuffled, "macs", "MACs", {"params": 2e6})["data"]
    heat, line = z[0], z[1]
    assert heat["x"] == [0.25, 0.5, 1.0] and heat["y"] == [96, 160, 224]
    for i, side in enumerate(heat["y"]):
        for j, alpha in enumerate(heat["x"]):
            assert heat["z"][i][j] == costs(alpha, side)["macs"] and type(heat["z"][i][j]) is int
            assert line["z"][i][j] == costs(alpha, side)["params"]
    holed = design_space_figure_spec(shuffled[~((shuffled.alpha == 0.5) & (shuffled.resolution == 160))], "macs", "MACs")
    cells = holed["data"][0]["z"]
    assert math.isnan(cells[1][1]) and cells[2][2] == costs(1.0, 224)["macs"]


def test_the_settings_come_from_the_url_and_go_back_to_it():
    from costmodel.dashboard.design_space_url import DEFAULTS, controls_from_query, to_query

    search = "?metric=latency_ms&macs=&params=2M&latency=20&ram=320KiB&flash=1MiB&dtype=int8&dataset=tflite-pixel2-cpu-float"
    controls, problems = controls_from_query(search, ["tflite-pixel2-cpu-float"])
    assert problems == [] and controls == {
        "metric": "latency_ms", "macs": "", "params": "2M", "latency": "20", "ram": "320KiB", "flash": "1MiB",
        "dtype": "int8", "dataset": "tflite-pixel2-cpu-float",
    }  # fmt: skip
    assert to_query(controls) == search.replace("&dataset=tflite-pixel2-cpu-float", "")  # the default dataset
    assert controls_from_query("") == (DEFAULTS, []) and to_query(DEFAULTS) == ""
    assert controls_from_query("?macs=100M&macs=200M")[0]["macs"] == "200M"  # the last one, as a browser sends
    controls, problems = controls_from_query(
        "?metric=flops&macs=lots&dtype=int4&dataset=mine&colour=red", ["tflite-pixel2-cpu-float"]
    )
    assert controls == DEFAULTS and len(problems) == 5
    assert "unknown URL parameter(s) 'colour' ignored" in problems[0] and "metric=flops is not a metric" in problems[1]
    assert "dtype=int4 is not a value type" in problems[2] and problems[3].startswith("macs: MACs: 'lots'")
    assert "dataset=mine is not a latency dataset here" in problems[4]
    assert to_query({**DEFAULTS, "params": "many", "latency": " 15 "}) == "?latency=15"


@pytest.mark.slow
def test_a_link_opens_the_view_it_names(tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    env = {"MOBILENET_COST_DB": str(tmp_path / "d.sqlite3")}
    with running_server(env=env) as port, chromium("1400,1000") as browser:
        browser.get(f"http://127.0.0.1:{port}/design-space?metric=latency_ms&macs=200M&latency=20&dtype=int8&x=1")
        WebDriverWait(browser, 60).until(
            lambda d: "--macs 200000000 --latency 20 --dataset tflite-pixel2-cpu-float --dtype int8"
            in d.find_element(By.ID, ids.SPACE_TABLE_NOTE).text
        )
        assert browser.find_element(By.ID, ids.SPACE_MACS_BUDGET).get_attribute("value") == "200M"
        assert "predicted latency" in browser.find_element(By.ID, ids.SPACE_METRIC).text
        assert "unknown URL parameter(s) 'x' ignored" in browser.find_element(By.ID, ids.SPACE_URL_ERROR).text
        WebDriverWait(browser, 10).until(
            lambda d: d.current_url.endswith("/design-space?metric=latency_ms&macs=200M&latency=20&dtype=int8")
        )
        assert severe_console_entries(browser) == []
