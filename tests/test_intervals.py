"""Jackknife+ intervals of the latency model and the accuracy estimate, and where they are shown."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from costmodel.cli import main
from costmodel.latency.axis import with_latency
from costmodel.latency.model import LatencyModel, features, fit_relative
from costmodel.latency.store import BUILTIN_DATASETS, builtin_frame
from costmodel.present.figures import make_sources_frontier_figure
from costmodel.reference.accuracy_model import published_trend
from costmodel.reference.jackknife import jackknife_plus


def restated_jackknife_plus(predictions, residuals, level):
    """Barber et al. (2021), eq. 6, written out with sorted lists."""
    n = len(residuals)
    lows, highs = [], []
    for column in np.asarray(predictions).T:
        minus = sorted(p - abs(r) for p, r in zip(column, residuals, strict=True))
        plus = sorted(p + abs(r) for p, r in zip(column, residuals, strict=True))
        k_low, k_high = int(np.floor((1 - level) * (n + 1))), int(np.ceil(level * (n + 1)))
        lows.append(minus[k_low - 1] if k_low >= 1 else -np.inf)
        highs.append(plus[k_high - 1] if k_high <= n else np.inf)
    return np.array(lows), np.array(highs)


@pytest.mark.parametrize(("n", "level"), [(16, 0.9), (15, 0.9), (20, 0.8), (5, 0.9), (40, 0.5)])
def test_jackknife_plus_follows_its_definition(n, level):
    rng = np.random.default_rng(n)
    predictions, residuals = rng.normal(size=(n, 7)), rng.normal(size=n)
    low, high = jackknife_plus(predictions, residuals, level)
    expected_low, expected_high = restated_jackknife_plus(predictions, residuals, level)
    assert np.array_equal(low, expected_low) and np.array_equal(high, expected_high)


def test_latency_interval_is_built_from_refits_without_each_point():
    frame = builtin_frame("tflite-pixel3-cpu-quant")
    model = LatencyModel.fit(frame)
    x = features(frame.alpha, frame.resolution).to_numpy()
    y = frame.latency_ms.to_numpy(float)
    brute = np.array([fit_relative(np.delete(x, i, 0), np.delete(y, i)) for i in range(len(y))])
    assert np.allclose(model.loo_coefficients, brute, rtol=1e-9, atol=1e-15)
    band = model.predict_interval([0.6, 1.0], [150, 224])
    assert list(band.columns) == ["alpha", "resolution", "latency_ms", "latency_low_ms", "latency_high_ms"]
    assert np.allclose(band.latency_ms, model.predict([0.6, 1.0], [150, 224]))
    # restated in log space: ratios of the left-out fits' predictions and residuals
    new = features([0.6, 1.0], [150, 224]).to_numpy()
    low, high = restated_jackknife_plus(np.log(brute @ new.T), np.log(1 + model.loo_errors), 0.9)
    assert np.allclose(band.latency_low_ms, np.exp(low)) and np.allclose(band.latency_high_ms, np.exp(high))
    assert (band.latency_low_ms < band.latency_ms).all() and (band.latency_ms < band.latency_high_ms).all()


@pytest.mark.parametrize("name", BUILTIN_DATASETS)
def test_the_90_percent_interval_holds_14_of_16_held_out_points_on_every_built_in_table(name):
    coverage = LatencyModel.fit(builtin_frame(name)).interval_coverage(0.9)
    assert len(coverage) == 16 and coverage.inside.sum() >= 14
    assert (coverage.low_ms <= coverage.loo_ms).all() and (coverage.loo_ms <= coverage.high_ms).all()


def test_too_few_points_for_the_level_give_an_unbounded_interval_and_bad_levels_are_named():
    model = LatencyModel.fit(builtin_frame("tflite-pixel2-cpu-float"))
    band = model.predict_interval(0.5, 160, level=0.99)  # rank ceil(0.99 * 17) = 17 > 16 points
    assert np.isinf(band.latency_high_ms[0]) and np.isfinite(band.latency_low_ms[0])
    for level in (0, 1, 90, "0.9", True):
        with pytest.raises(ValueError, match=r"level=.* is not allowed"):
            model.predict_interval(0.5, 160, level=level)


def test_accuracy_estimate_keeps_its_columns_and_adds_an_interval():
    trend = published_trend("float")
    predicted = trend.predict([0.5, 1.0], [160, 224])
    assert list(predicted.columns) == [
        "alpha", "resolution", "top1_pct_estimate", "extrapolated", "top1_pct_low", "top1_pct_high",
    ]  # fmt: skip
    assert (predicted.top1_pct_low < predicted.top1_pct_estimate).all()
    assert (predicted.top1_pct_estimate < predicted.top1_pct_high).all()
    wider = trend.predict([0.5, 1.0], [160, 224], level=0.5)
    assert (wider.top1_pct_high - wider.top1_pct_low < predicted.top1_pct_high - predicted.top1_pct_low).all()


def test_predicted_latency_axis_carries_the_interval_and_the_figure_draws_it(tmp_path):
    points = pd.DataFrame({"alpha": [1.0, 0.5], "resolution": [224, 160]})
    out = with_latency(points, "tflite-pixel2-cpu-float", db=tmp_path / "db.sqlite3")
    assert list(out.columns) == ["alpha", "resolution", "latency_ms", "latency_low_ms", "latency_high_ms"]
    measured = with_latency(points, "tflite-pixel2-cpu-float", mode="measured", db=tmp_path / "db.sqlite3")
    assert list(measured.columns) == ["alpha", "resolution", "latency_ms"]
    rows = out.assign(source="s", model="m", dtype="float", top1_pct=[70.0, 60.0])
    figure = make_sources_frontier_figure(rows, rows.iloc[:0], x="latency_ms")
    bars = figure.data[0].error_x
    assert np.allclose(bars.array, out.latency_high_ms - out.latency_ms)
    assert np.allclose(bars.arrayminus, out.latency_ms - out.latency_low_ms)
    assert (
        make_sources_frontier_figure(rows.drop(columns=["latency_low_ms"]), rows.iloc[:0], x="latency_ms")
        .data[0]
        .error_x.array
        is None
    )


@pytest.mark.slow
def test_best_shows_the_intervals(tmp_path, capsys):
    db = str(tmp_path / "db.sqlite3")
    argv = ["best", "--latency", "20", "--estimate", "--dataset", "tflite-pixel2-cpu-float", "--db", db]
    assert main(argv) == 0
    out = capsys.readouterr().out
    for column in ("top1_pct_low", "top1_pct_high", "latency_low_ms", "latency_high_ms"):
        assert column in out
    assert "90 % jackknife+ intervals: top1_pct_estimate" in out and ", latency_ms " in out
