"""The Frontier's latency axis on a stored dataset: measured where it has the point, or predicted."""

import pandas as pd
import pytest
from costmodel.dashboard import frontier

from costmodel.latency.importer import import_latency

GRID = [(a, r) for a in (0.25, 0.5, 0.75, 1.0) for r in (128, 160, 192, 224)]


def latency_of(alpha, resolution):
    """A made-up device: 2 ms plus 0.03 ms per million pointwise-heavy MAC-ish unit (restated, not the model)."""
    return round(2.0 + 0.03 * alpha * alpha * resolution * resolution / 1000, 3)


@pytest.fixture
def database(tmp_path, monkeypatch):
    db = tmp_path / "frontier.sqlite3"
    monkeypatch.setenv("MOBILENET_COST_DB", str(db))
    rows = "\n".join(f"{a},{r},{latency_of(a, r)}" for a, r in GRID[:-1])  # no 1.0-224 measurement
    import_latency("alpha,resolution,latency_ms\n" + rows + "\n", device="phone", dataset="phone", db=db)
    return db


def test_stored_datasets_are_offered_measured_and_predicted(database):
    values = [o["value"] for o in frontier.latency_source_options(database)]
    assert values[0] == frontier.PUBLISHED_LATENCY
    assert {"measured:phone", "predicted:phone"} <= set(values)


def test_measured_latency_comes_from_the_dataset(database):
    points = frontier.selected(["TF-slim 2018_02_22"], ["float"], "latency_ms", "measured:phone")
    assert len(points) == 15  # 16 published points, the dataset lacks 1.0-224
    for row in points.itertuples():
        assert row.latency_ms == latency_of(row.alpha, row.resolution)
    assert set(points.device) == {"measured on phone"}


def test_predicted_latency_covers_every_point_and_places_the_design_point(database):
    view = frontier.frontier_view("?alpha=0.6&resolution=176", "latency_ms", [], ["TF-slim 2018_02_22"],
                                  ["float"], "", "predicted:phone")  # fmt: skip
    assert len(view.points) == 16 and view.points.latency_ms.notna().all()
    assert "predicted by its latency model" in view.point_text
    star = [t for t in view.figure.data if t.name == "design point (estimated)"]
    assert len(star) == 1 and 2.0 < star[0].x[0] < latency_of(1.0, 224)


def test_a_missing_dataset_falls_back_to_the_published_latencies(database):
    view = frontier.frontier_view(
        "", "latency_ms", [], ["TF Lite hosted, Pixel 2"], ["float"], "", "measured:gone"
    )
    assert "Latency dataset:" in view.point_text and "published latencies instead" in view.point_text
    published = frontier.selected(["TF Lite hosted, Pixel 2"], ["float"], "latency_ms")
    pd.testing.assert_frame_equal(view.points, published)


def test_the_dataset_choice_is_ignored_on_other_axes(database):
    a = frontier.selected(["paper"], ["float"], "macs", "measured:phone")
    b = frontier.selected(["paper"], ["float"], "macs")
    pd.testing.assert_frame_equal(a, b)


def test_predicted_latency_shows_its_90_percent_interval_as_error_bars(database):
    view = frontier.frontier_view("?alpha=0.6&resolution=176", "latency_ms", [], ["TF-slim 2018_02_22"],
                                  ["float"], "", "predicted:phone")  # fmt: skip
    (points,) = [t for t in view.figure.data if t.name.startswith("TF-slim")]
    assert len(points.error_x.array) == 16 and (points.error_x.array > 0).all()
    assert (points.error_x.arrayminus > 0).all()
    assert "90 % interval" in view.point_text and "error bars" in view.point_text
    measured = frontier.frontier_view(
        "", "latency_ms", [], ["TF-slim 2018_02_22"], ["float"], "", "measured:phone"
    )
    assert all(t.error_x.array is None for t in measured.figure.data)


def test_the_published_latency_axis_switches_on_the_sources_that_have_latency():
    """Issue 17 item 3: with the default sources the latency axis was an empty 0-100 % chart."""
    assert frontier.selected(list(frontier.DEFAULT_SOURCES), ["float"], "latency_ms").empty
    shown = frontier.with_latency_sources("latency_ms", list(frontier.DEFAULT_SOURCES), "published")
    assert set(shown) == {*frontier.DEFAULT_SOURCES, "TF Lite hosted, Pixel 2", "TF Lite hosted, Pixel 3",
                          "timm, keras.io, OpenVINO"}  # fmt: skip
    assert len(frontier.selected(shown, ["float"], "latency_ms")) > 0
    view = frontier.frontier_view("", "latency_ms", [], shown, ["float"], "")
    assert "Published latencies come with these sources only: TF Lite hosted, Pixel 2, " in view.point_text
    assert (
        frontier.with_latency_sources("latency_ms", ["paper"], "measured:phone") is None
    )  # a dataset covers all


BUDGET_CASES = [
    ("macs", ["paper", "TF-slim 2018_02_22"], "2M",
     "Nothing shown fits within 2 M MACs: the smallest shown configuration, MobileNet_v1_0.25_128 "
     "(TF-slim 2018_02_22, float), needs 13.57 M MACs. No design in the accuracy trend's fitted range fits "
     "within 2 M MACs either."),
    ("latency_ms", ["paper"], "20",
     "No points are shown: tick a source with published latencies (TF Lite hosted, Pixel 2, TF Lite hosted, "
     "Pixel 3, timm, keras.io, OpenVINO). (The best estimated design is searched under MACs, parameter, RAM or "
     "flash budgets.)"),
]  # fmt: skip


@pytest.mark.parametrize(("x", "chosen", "budget", "expected"), BUDGET_CASES)
def test_the_budget_message_is_said_once_in_plain_words(x, chosen, budget, expected):
    """Issue 17 item 3: the message said the same twice, as ``macs=2,000,000``, and ran sentences together."""
    view = frontier.frontier_view("", x, [], chosen, ["float"], budget)
    assert view.best_text == expected
