"""Per-layer profiles on the dashboard (issue 16 item 3): the figure builder, the stored profiles at a design point,
the Latency page's and the Explorer's panels and callbacks, and both pages in a real browser."""

from __future__ import annotations

import math
import time
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from costmodel.dashboard import explorer, ids, profile_view

from costmodel.core.report import report
from costmodel.latency.profile import time_vs_macs
from costmodel.latency.schema import dataset_frame
from costmodel.latency.store import LatencyStore
from costmodel.present.figures import make_profile_figure, profile_figure_spec
from costmodel.reference.devices import builtin_device
from costmodel.reference.roofline import roofline

DW_EXTRA_MS = 0.02
"""What each depthwise layer of the test profiles takes beyond its MACs' time: they are slower than MACs predict."""


def fake_profile(
    alpha: float, resolution: int, threads: int = 1, dtype: str = "float32", **knobs
) -> pd.DataFrame:
    """A profile as ``measure --profile`` stores it: every layer at 1 ms per 100 M MACs, depthwise layers
    :data:`DW_EXTRA_MS` slower, an ``other`` row of layout kernels."""
    table = report(alpha=alpha, resolution=resolution, **knobs).table
    time_ms = table["macs"] / 1e8 + np.where(table["kind"] == "dw", DW_EXTRA_MS, 0.0)
    layers = pd.DataFrame({"layer": [*table["layer"], "other"], "kind": [*table["kind"], "other"],
                           "macs": [*table["macs"].astype("int64"), 0], "time_ms": [*time_ms, 0.003]})  # fmt: skip
    return layers.assign(alpha=alpha, resolution=resolution, whole_ms=float(layers["time_ms"].sum()) * 1.05,
                         threads=threads, dtype=dtype)  # fmt: skip


def store_profiled(db, name: str, points, threads: int = 1, **knobs) -> LatencyStore:
    """Dataset ``name`` with one measurement and one profile per (alpha, resolution) of ``points``."""
    store = LatencyStore(db)
    profiles = pd.concat([fake_profile(a, r, threads, **knobs) for a, r in points], ignore_index=True)
    rows = dataset_frame([{"alpha": a, "resolution": r, "latency_ms": 1.0 + a, "device": "test CPU",
                           "runtime": "onnxruntime", "threads": threads, "dtype": "float32"} for a, r in points])  # fmt: skip
    store.add(name, rows, origin="test", profiles=profiles)
    return store


def traces(figure, name: str, axis: str = "y") -> dict[str, float]:
    """{layer: value} of the traces called ``name`` on y axis ``axis`` (several traces: one per layer kind)."""
    found = {}
    for trace in figure.data:
        if trace.name == name and (trace.yaxis or "y") == axis:
            found.update(zip(trace.x, trace.y, strict=True))
    return found


# The figure builder and the shares.


def test_time_vs_macs_restated():
    layers = fake_profile(0.5, 160)
    shares = time_vs_macs(layers).set_index("layer")
    counted = layers[layers["macs"] > 0]
    total_time, total_macs = counted["time_ms"].sum(), int(counted["macs"].sum())
    assert total_macs == report(alpha=0.5, resolution=160).totals["macs"]
    for row in counted.itertuples():
        expected_ratio = (row.time_ms / total_time) / (row.macs / total_macs)
        assert shares.loc[row.layer, "ratio"] == pytest.approx(expected_ratio, rel=1e-12)
        assert shares.loc[row.layer, "mac_time_ms"] == pytest.approx(
            total_time * row.macs / total_macs, rel=1e-12
        )
        assert (shares.loc[row.layer, "ratio"] > 1) == (row.kind == "dw")  # the depthwise layers' extra time
    assert math.isnan(shares.loc["other", "ratio"]) and math.isnan(shares.loc["AvgPool_1a", "mac_share"])


def test_profile_figure_traces_hold_the_profile_and_the_restated_roofline():
    layers = fake_profile(0.5, 160)
    device = builtin_device("jetson_nano")
    r = report(alpha=0.5, resolution=160, dtype="float16")
    figure = make_profile_figure(layers, roofline(r, device), "title")
    measured = {}
    for kind in ("conv", "dw", "pw", "pool", "fc", "other"):
        measured.update(traces(figure, kind, "y"))
    assert measured == dict(zip(layers["layer"], layers["time_ms"], strict=True))
    assert [t.marker.color for t in figure.data if t.name == "dw"] == ["#dd8452", "#dd8452"]

    peak, bandwidth = device.peak_macs_per_s_float16, device.bandwidth_bytes_per_s  # 236 G MAC/s, 25.6 GB/s
    table = r.table
    traffic = table["input_bytes"] + table["weight_bytes"] + table["output_bytes"]  # each tensor moved once
    expected = {layer: max(macs / peak, moved / bandwidth) * 1e3
                for layer, macs, moved in zip(table["layer"], table["macs"], traffic, strict=True)}  # fmt: skip
    bound = traces(figure, "roofline bound (jetson_nano)")
    assert set(bound) == {*expected, "other"} and bound.pop("other") is None  # a gap
    assert bound == pytest.approx(expected, rel=1e-12)

    ratios = {}
    for kind in ("conv", "dw", "pw", "fc"):
        ratios.update(traces(figure, kind, "y2"))
    counted = layers[layers["macs"] > 0]
    time_total, mac_total = counted["time_ms"].sum(), counted["macs"].sum()
    for row in counted.itertuples():
        assert ratios[row.layer] == pytest.approx(
            (row.time_ms / time_total) / (row.macs / mac_total), rel=1e-12
        )
    predicted = traces(figure, "time its MACs predict")
    assert predicted["Conv2d_0"] == pytest.approx(time_total * counted["macs"].iloc[0] / mac_total, rel=1e-12)
    assert figure.layout.title.text == "title"
    spec = profile_figure_spec(layers, roofline(r, device), "title")  # what the callbacks send
    assert [t["y"] for t in spec["data"]] == [list(t.y) for t in figure.data]
    assert not any("roofline" in (t.name or "") for t in make_profile_figure(layers).data)


# The store and the panels.


def test_profiles_at_reads_every_dataset_at_one_point(tmp_path):
    db = tmp_path / "at.sqlite3"
    store_profiled(db, "laptop", [(0.5, 160), (0.25, 128)])
    store = store_profiled(db, "desktop", [(0.5, 160)])
    found = store.profiles_at(0.5, 160)
    assert sorted(set(found["dataset"])) == ["desktop", "laptop"]
    assert len(found) == 2 * 30 and set(found["resolution"]) == {160}
    assert store.profiles_at(0.5 + 1e-12, 160)["dataset"].nunique() == 2  # a float's last bit
    assert store.profiles_at(0.5, 192).empty and store.profiles_at(0.75, 160).empty
    assert (
        found[found["dataset"] == "laptop"]["time_ms"].tolist() == fake_profile(0.5, 160)["time_ms"].tolist()
    )


def test_latency_panel(tmp_path):
    db = tmp_path / "panel.sqlite3"
    store_profiled(db, "laptop", [(0.5, 160), (0.25, 128)])
    none = profile_view.latency_page("tflite-pixel2-cpu-float", None, None, db)
    assert none["figure"] is None and none["note"] == profile_view.HOW_TO_PROFILE
    assert "mobilenet-cost measure" in none["note"] and "--profile" in none["note"]
    view = profile_view.latency_page("laptop", None, None, db)
    assert [o["label"] for o in view["options"]] == ["α 0.5, 160 px, float32, 1 thread",
                                                     "α 0.25, 128 px, float32, 1 thread"]  # fmt: skip
    assert view["value"] == view["options"][0]["value"] and "choose a device" in view["note"]
    second = profile_view.latency_page("laptop", view["options"][1]["value"], builtin_device("apple_m2"), db)
    assert second["figure"]["layout"]["title"]["text"] == "laptop: α 0.25, 128 px, float32, 1 thread"
    bound = (
        roofline(report(alpha=0.25, resolution=128), builtin_device("apple_m2"))["attainable_s"].sum() * 1e3
    )
    assert f"roofline bound on Apple M2 at float32: {bound:.3g} ms in all" in second["note"]
    no_rates = profile_view.latency_page("laptop", None, builtin_device("stm32f746"), db)
    assert "has no peak MAC/s at float32 and no memory bandwidth" in no_rates["note"]
    assert profile_view.latency_page("laptop", "not a key", None, db)["value"] == view["value"]


def test_explorer_panel_needs_exactly_the_design_point(tmp_path):
    db = tmp_path / "explore.sqlite3"
    store_profiled(db, "laptop", [(0.5, 160)])
    store_profiled(db, "desktop", [(0.5, 160)], threads=4)

    def panel(query: str, chosen=None):
        state = explorer.parse_query(query)[0]
        return profile_view.explorer_panel(
            *explorer.design_point_of(state), chosen, state["device"], explorer.find_device, db
        )

    shown = panel("?alpha=0.5&resolution=160&device=apple_m2")
    assert [o["label"] for o in shown["options"]] == ["desktop: α 0.5, 160 px, float32, 4 threads",
                                                      "laptop: α 0.5, 160 px, float32, 1 thread"]  # fmt: skip
    assert "roofline bound on Apple M2" in shown["note"] and shown["figure"] is not None
    chosen = panel("?alpha=0.5&rho=0.714&device=apple_m2", shown["options"][1]["value"])  # ρ 0.714 is 160 px
    assert (
        chosen["value"] == shown["options"][1]["value"]
        and "laptop" in chosen["figure"]["layout"]["title"]["text"]
    )
    assert panel("?alpha=0.5&resolution=160&bn=all")["figure"] is not None  # BN does not change the MACs
    other = panel("?alpha=0.5&resolution=160&classes=10")  # another classifier: other layer MACs
    assert (
        other["figure"] is None
        and "2 dataset(s) profiled α 0.5 at 160 px on a network with other" in other["note"]
    )
    missing = panel("?alpha=0.5&resolution=192")
    assert missing["figure"] is None and missing["options"] == []
    assert missing["note"].startswith(
        "No per-layer profile at α 0.5, 192 px. Measure one with: mobilenet-cost measure"
    )


# The callbacks (the pages' functions, as Dash calls them).


@pytest.fixture(scope="module")
def pages():
    from costmodel.dashboard.main import create_app

    create_app()
    from costmodel.dashboard.pages import explore, latency

    return SimpleNamespace(explore=explore, latency=latency)


def test_callbacks_show_the_chart_or_the_how_to_line(pages, tmp_path, monkeypatch):
    db = tmp_path / "callbacks.sqlite3"
    store_profiled(db, "laptop", [(0.5, 160), (0.25, 128)])
    monkeypatch.setenv("MOBILENET_COST_DB", str(db))

    monkeypatch.setattr(pages.latency, "ctx", SimpleNamespace(triggered_id=ids.LATENCY_DATASET))
    options, value, controls, figure, style, note = pages.latency.profile("laptop", "stale", "jetson_nano")
    assert len(options) == 2 and value == options[0]["value"] and controls == {} and style == {}
    assert "roofline bound on NVIDIA Jetson Nano at float32" not in note  # no float32 peak for the Nano
    assert "has no peak MAC/s at float32" in note
    assert {t["name"] for t in figure["data"]} >= {"dw", "time its MACs predict"}
    options, value, controls, figure, style, note = pages.latency.profile("tflite-pixel3-gpu-float", None, "")
    assert (options, value, controls, style, note) == (
        [], None, {"display": "none"}, {"display": "none"}, profile_view.HOW_TO_PROFILE,
    )  # fmt: skip

    options, value, controls, figure, style, note = pages.explore.profile("?alpha=0.25&resolution=128", None)
    assert len(options) == 1 and controls == {"display": "none"} and style == {}  # one profile: no chooser
    assert "Depthwise layers:" in note and figure["layout"]["title"]["text"].startswith(
        "laptop: α 0.25, 128 px"
    )
    *_, figure, style, note = pages.explore.profile("?alpha=1&resolution=224", None)
    assert style == {"display": "none"} and note.startswith("No per-layer profile at α 1, 224 px")


def test_callbacks_answer_garbage_values(pages, tmp_path, monkeypatch):
    db = tmp_path / "garbage.sqlite3"
    store_profiled(db, "laptop", [(0.25, 128)])
    monkeypatch.setenv("MOBILENET_COST_DB", str(db))
    monkeypatch.setattr(pages.latency, "ctx", SimpleNamespace(triggered_id=ids.LATENCY_PROFILE_POINT))
    assert pages.latency.profile("laptop", {"x": 1}, ["apple_m2"])[0][0]["label"].startswith("α 0.25, 128 px")
    note = pages.latency.profile({"x": 1}, None, "")[-1]
    assert (
        note == "Cannot read the profiles of {'x': 1}: dataset name must be text; got {'x': 1} of type dict"
    )
    assert "choose a device" in pages.explore.profile("?alpha=0.25&resolution=128", ["a"])[-1]


# Both pages in a real browser.


def _select(driver, dropdown_id: str, value: str) -> None:
    """Choose ``value`` in a Dash dropdown as a user does: open it, wait for the option, click it."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    driver.find_element(By.ID, dropdown_id).click()
    option = (By.XPATH, f"//input[@value='{value}']/ancestor::*[@role='option']")
    row = WebDriverWait(driver, 30).until(expected_conditions.presence_of_element_located(option))
    driver.execute_script("arguments[0].scrollIntoView({block: 'nearest'})", row)
    WebDriverWait(driver, 30).until(expected_conditions.element_to_be_clickable(option)).click()


@pytest.mark.slow
def test_both_pages_show_the_chart_in_a_browser(tmp_path):
    import axe_selenium_python
    from app_testing import chromium, running_server, severe_console_entries
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def wait_for(driver, element_id: str, text: str) -> None:
        WebDriverWait(driver, 60, ignored_exceptions=(StaleElementReferenceException,)).until(
            lambda d: text in d.find_element(By.ID, element_id).text,
            message=f"{element_id} never said {text!r}",
        )

    def hidden(driver, element_id: str) -> None:
        """Waits until the element is not shown (a callback may replace it while it is looked at)."""
        WebDriverWait(driver, 30, ignored_exceptions=(StaleElementReferenceException,)).until(
            lambda d: not d.find_element(By.ID, element_id).is_displayed(),
            message=f"{element_id} stayed visible",
        )

    def bars(driver, graph_id: str) -> int:
        return len(driver.find_elements(By.CSS_SELECTOR, f"#{graph_id} .barlayer .point"))

    def shown_and_accessible(driver, note_id: str, screenshot: str) -> list:
        """Scrolls the profile into view, keeps a screenshot and returns axe's serious or critical problems."""
        driver.execute_script("arguments[0].scrollIntoView()", driver.find_element(By.ID, note_id))
        time.sleep(0.5)
        driver.save_screenshot(str(tmp_path / screenshot))
        return axe_problems(driver)

    def axe_problems(driver) -> list:
        axe = axe_selenium_python.Axe(driver)
        axe.inject()
        return [v["id"] for v in axe.run()["violations"] if v["impact"] in ("serious", "critical")]

    db = tmp_path / "browser.sqlite3"
    store_profiled(db, "laptop", [(0.5, 160), (0.25, 128)])
    with running_server(env={"MOBILENET_COST_DB": str(db)}) as port:
        for width in (1400, 800):
            with chromium(f"{width},1000") as driver:
                driver.get(f"http://127.0.0.1:{port}/latency")
                wait_for(driver, ids.LATENCY_PROFILE_NOTE, "No per-layer profiles in this dataset")
                hidden(driver, ids.LATENCY_PROFILE_GRAPH)
                _select(driver, ids.LATENCY_DATASET, "laptop")
                wait_for(driver, ids.LATENCY_PROFILE_NOTE, "Depthwise layers:")
                WebDriverWait(driver, 30).until(lambda d: bars(d, ids.LATENCY_PROFILE_GRAPH) >= 2 * 28)
                _select(driver, ids.LATENCY_PROFILE_DEVICE, "apple_m2")
                wait_for(driver, ids.LATENCY_PROFILE_NOTE, "roofline bound on Apple M2")
                assert shown_and_accessible(driver, ids.LATENCY_PROFILE_NOTE, f"latency-profile-{width}.png") == []

                driver.get(f"http://127.0.0.1:{port}/explore?alpha=0.25&resolution=128&device=apple_m2")
                wait_for(driver, ids.EXPLORE_PROFILE_NOTE, "roofline bound on Apple M2")
                WebDriverWait(driver, 30).until(lambda d: bars(d, ids.EXPLORE_PROFILE_GRAPH) >= 2 * 28)
                assert shown_and_accessible(driver, ids.EXPLORE_PROFILE_NOTE, f"explore-profile-{width}.png") == []
                driver.get(f"http://127.0.0.1:{port}/explore?alpha=1.0&resolution=224")
                wait_for(driver, ids.EXPLORE_PROFILE_NOTE, "No per-layer profile at α 1, 224 px")
                hidden(driver, ids.EXPLORE_PROFILE_GRAPH)
                assert severe_console_entries(driver) == []
