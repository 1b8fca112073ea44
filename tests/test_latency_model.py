"""LatencyModel: its features restated from the layer table, known answers, leave-one-out, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from costmodel.latency.model import FEATURES, LatencyModel, features
from costmodel.latency.store import LatencyStore

PAPER_GRID = [(a, r) for a in (0.25, 0.5, 0.75, 1.0) for r in (128, 160, 192, 224)]

# MobileNet v1 at alpha = 1: (depthwise stride, pointwise output channels) of the 13 separable blocks
BLOCKS = [(1, 64), (2, 128), (1, 128), (2, 256), (1, 256), (2, 512)] + [(1, 512)] * 5 + [(2, 1024), (1, 1024)]


def paper_features_at_224() -> dict[str, int]:
    """The features of 1.0-224 restated by hand from paper Table 1 (sides 112, 56, 28, 14, 7)."""
    side, channels = 112, 32
    dw = pw = 0
    activations = 224 * 224 * 3 + side * side * 32  # the stem's input and output
    for stride, out in BLOCKS:
        after = side // stride
        dw += after * after * 9 * channels
        pw += after * after * channels * out
        activations += side * side * channels + 2 * after * after * channels  # dw in, dw out, pw in
        activations += after * after * out  # pw out
        side, channels = after, out
    activations += 7 * 7 * 1024 + 1024 + 1024 + 1000  # pool in and out, fc in and out
    weights = 27 * 32 + sum(9 * c for c in [32, 64, 128, 128, 256, 256] + [512] * 6 + [1024])
    weights += sum(c_in * c_out for c_in, c_out in zip([32, 64, 128, 128, 256, 256] + [512] * 6 + [1024],
                                                       [b[1] for b in BLOCKS], strict=True))  # fmt: skip
    weights += 1024 * 1000 + 1000
    return {"macs_conv": 112 * 112 * 27 * 32, "macs_dw": dw, "macs_pw": pw, "macs_fc": 1024 * 1000,
            "activation_traffic": activations, "weight_traffic": weights}  # fmt: skip


def test_features_of_the_paper_network():
    expected = paper_features_at_224()
    row = features(1.0, 224).iloc[0]
    for name, value in expected.items():
        assert row[name] == value, name
    assert row["constant"] == 1
    assert expected["weight_traffic"] == 4_210_088
    assert sum(expected[k] for k in ("macs_conv", "macs_dw", "macs_pw", "macs_fc")) == 568_740_352


def synthetic(coefficients: dict[str, float], noise: float = 0.0) -> pd.DataFrame:
    frame = pd.DataFrame(PAPER_GRID, columns=["alpha", "resolution"])
    x = features(frame.alpha, frame.resolution)
    frame["latency_ms"] = sum(x[name] * value for name, value in coefficients.items())
    if noise:
        frame["latency_ms"] *= 1 + np.random.default_rng(7).uniform(-noise, noise, len(frame))
    return frame


def test_known_coefficients_are_recovered():
    # constant, alpha (fc), alpha^2 (weights) and alpha^2 rho^2 (pointwise) are independent directions
    truth = {"constant": 2.0, "macs_fc": 1e-6, "macs_pw": 2.5e-7, "weight_traffic": 3e-7}
    model = LatencyModel.fit(synthetic(truth))
    for name in FEATURES:
        assert model.coefficients[name] == pytest.approx(truth.get(name, 0.0), rel=1e-6, abs=1e-12), name
    assert model.loo_within() == 1.0
    assert model.loo_rmspe < 1e-6
    assert model.predict(1.0, 224) == pytest.approx(
        2.0 + 1e-6 * 1_024_000 + 2.5e-7 * 539_492_352 + 3e-7 * 4_210_088
    )


def test_features_that_scale_alike_still_predict_exactly():
    # stem MACs, depthwise MACs and activation traffic all grow as alpha * rho^2: on the paper grid they are
    # proportional, so how the fit splits time between them is not unique, but its predictions are
    truth = {"constant": 2.0, "macs_dw": 1.5e-6, "macs_pw": 2.5e-7}
    data = synthetic(truth)
    model = LatencyModel.fit(data)
    assert np.allclose(model.predict(data.alpha, data.resolution), data.latency_ms, rtol=1e-9)
    assert model.loo_within() == 1.0


def test_coefficients_are_never_negative_and_noise_shows_in_the_errors():
    model = LatencyModel.fit(
        synthetic({"constant": 1.0, "macs_pw": 1e-7, "weight_traffic": 1e-6}, noise=0.04)
    )
    assert all(value >= 0 for value in model.coefficients.values())
    assert 0 < model.fit_rmspe < 4.0
    assert model.loo_rmspe > model.fit_rmspe
    assert np.all(np.abs(model.loo_errors) < 0.10)


def test_leave_one_out_is_really_left_out():
    data = synthetic({"constant": 1.0, "macs_pw": 1e-7})
    data.loc[5, "latency_ms"] *= 1.5  # one point 50 % off: in-sample it pulls the fit, left out it cannot
    model = LatencyModel.fit(data)
    assert model.loo_errors[5] < -0.25
    assert abs(model.fit_errors[5]) < abs(model.loo_errors[5])
    assert model.loo_within() < 1.0


def test_predict_broadcasts():
    model = LatencyModel.fit(synthetic({"constant": 1.0, "macs_pw": 1e-7}))
    grid = model.predict(np.array([[0.5], [1.0]]), np.array([128, 160, 224]))
    assert grid.shape == (2, 3)
    assert grid[1, 2] == pytest.approx(1.0 + 1e-7 * 539_492_352)
    assert np.all(np.diff(grid, axis=1) > 0)


def test_residuals_table():
    model = LatencyModel.fit(synthetic({"constant": 1.0, "macs_pw": 1e-7}))
    table = model.residuals()
    assert list(table.columns) == ["alpha", "resolution", "latency_ms", "fitted_ms", "loo_ms",
                                   "fit_error_pct", "loo_error_pct"]  # fmt: skip
    assert np.allclose(table.fitted_ms, table.latency_ms)


def test_bad_tables():
    good = synthetic({"constant": 1.0})
    with pytest.raises(ValueError, match="lacks column\\(s\\) latency_ms"):
        LatencyModel.fit(good.drop(columns="latency_ms"))
    with pytest.raises(ValueError, match="at least 3"):
        LatencyModel.fit(good.head(2))
    mixed = good.assign(device=["a", "b"] * 8)
    with pytest.raises(ValueError, match="mixes devices"):
        LatencyModel.fit(mixed)
    with pytest.raises(ValueError, match=r"latency_ms\[3\]=0.0 is out of range"):
        LatencyModel.fit(good.assign(latency_ms=[1.0, 2.0, 3.0, 0.0] * 4))
    with pytest.raises(TypeError):
        LatencyModel.fit([1, 2, 3])
    with pytest.raises(ValueError, match="alpha"):
        LatencyModel.fit(good.assign(alpha=9.0))


def test_fits_the_pixel2_table(tmp_path):
    model = LatencyModel.fit(LatencyStore(tmp_path / "db.sqlite3").load("tflite-pixel2-cpu-float"))
    assert model.loo_within() == 1.0
    assert "leave-one-out: 100.0% of 16 points" in model.describe()


def test_latency_axis_measured_and_predicted(tmp_path):
    from costmodel.latency.axis import with_latency
    from costmodel.latency.importer import parse_csv

    db = tmp_path / "axis.sqlite3"
    data = synthetic({"constant": 1.0, "macs_pw": 1e-7})
    store = LatencyStore(db)
    store.add("synthetic", parse_csv(data.to_csv(index=False), device="d"))
    repeat = "alpha,resolution,latency_ms,threads\n1.0,224,100,2\n1.0,224,200,4\n"
    store.add("synthetic", parse_csv(repeat, device="d"))  # repeats: the median of 54.95, 100, 200
    points = pd.DataFrame({"alpha": [1.0, 0.6], "resolution": [224, 176], "top1": [70.6, 60.0]})
    measured = with_latency(points, "synthetic", mode="measured", db=db)
    assert measured.latency_ms[0] == pytest.approx(100.0)
    assert np.isnan(measured.latency_ms[1])
    assert measured.top1.tolist() == [70.6, 60.0]
    model = LatencyModel.fit(store.load("synthetic"))
    predicted = with_latency(points, "synthetic", db=db)
    assert predicted.latency_ms.tolist() == pytest.approx(list(model.predict([1.0, 0.6], [224, 176])))
    with pytest.raises(ValueError, match="mode='both' is not allowed"):
        with_latency(points, "synthetic", mode="both", db=db)
    with pytest.raises(ValueError, match="lacks column\\(s\\) resolution"):
        with_latency(points.drop(columns="resolution"), "synthetic", db=db)


def test_closed_form_leave_one_out_equals_refitting_every_row():
    """Noisy data on real features, where the active set changes for some rows: still exact."""
    from costmodel.latency.model import fit_relative, leave_one_out_errors

    rng = np.random.default_rng(1)
    for _ in range(5):
        n = 40
        alpha = rng.choice([0.25, 0.35, 0.5, 0.6, 0.75, 0.85, 1.0, 1.2], n)
        side = rng.choice(np.arange(96, 257, 16), n)
        x = features(alpha, side).to_numpy()
        truth = np.abs(rng.normal(size=7)) * np.array([1, 1e-7, 3e-7, 1e-8, 1e-6, 1e-7, 1e-7]) * (rng.random(7) > 0.4)
        y = (x @ truth + 0.5) * np.exp(rng.normal(0, 0.2, n))
        brute = [x[i] @ fit_relative(np.delete(x, i, 0), np.delete(y, i)) / y[i] - 1 for i in range(n)]
        assert np.allclose(leave_one_out_errors(x, y), brute, rtol=0, atol=1e-10)


def test_features_match_the_report_table():
    from costmodel import report

    for alpha, side in ((0.25, 128), (0.6, 200), (1.0, 224), (1.4, 97)):
        table = report(alpha=alpha, resolution=side).table
        macs = table.groupby("kind")["macs"].sum()
        expected = [1.0, *(float(macs.get(k, 0)) for k in ("conv", "dw", "pw", "fc")),
                    float((table.in_side**2 * table.in_channels + table.activations).sum()), float(table.params.sum())]  # fmt: skip
        assert features([alpha], [side]).iloc[0].tolist() == expected
