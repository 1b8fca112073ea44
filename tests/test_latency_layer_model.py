"""The per-layer latency model: fitted on synthetic per-layer times whose true coefficients are known."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from independent_counter import BODY, width

from costmodel.latency.layer_model import LayerLatencyModel

GRID = [(a, r) for a in (0.25, 0.5, 0.75, 1.0) for r in (128, 160, 192, 224)]
# ms per layer, per MAC, per element read or written, per weight: the true coefficients of each kind
TRUE = {
    "conv": (0.004, 2e-7, 0.0, 0.0),
    "dw": (0.006, 3e-7, 1e-8, 0.0),
    "pw": (0.002, 1e-7, 0.0, 2e-8),
    "pool": (0.001, 0.0, 5e-9, 0.0),
    "fc": (0.003, 1.5e-7, 0.0, 0.0),
}
REST_CONSTANT_MS, REST_PER_ELEMENT_MS = 0.25, 2e-9


def paper_layers(alpha, resolution):
    """(name, kind, macs, elements read + written, weights) of every layer, restated from the paper (slim
    rounding, SAME padding, 1000 classes with a bias)."""
    side, c_in, rows = resolution, 3, []
    for index, (kind, stride, out) in enumerate(BODY):
        block = (index + 1) // 2
        name = (
            "Conv2d_0" if kind == "conv" else f"Conv2d_{block}_{'depthwise' if kind == 'dw' else 'pointwise'}"
        )
        in_elements = side * side * c_in
        side = math.ceil(side / stride)
        c_out = c_in if kind == "dw" else width(out, alpha, "slim")
        weights = 9 * c_in * c_out if kind == "conv" else 9 * c_in if kind == "dw" else c_in * c_out
        rows.append((name, kind, weights * side * side, in_elements + side * side * c_out, weights))
        c_in = c_out
    rows.append(("AvgPool_1a", "pool", 0, side * side * c_in + c_in, 0))
    rows.append(("Logits", "fc", c_in * 1000, c_in + 1000, c_in * 1000 + 1000))
    return rows


def synthetic_profiles(grid=GRID, scale=None):
    """Per-layer tables made with the TRUE coefficients; ``scale`` maps a point to a factor on all its times."""
    tables = []
    for alpha, resolution in grid:
        rows = paper_layers(alpha, resolution)
        factor = (scale or {}).get((alpha, resolution), 1.0)
        times = [factor * (c + m * macs + t * traffic + w * weights)
                 for _, kind, macs, traffic, weights in rows
                 for c, m, t, w in [TRUE[kind]]]  # fmt: skip
        rest = factor * (REST_CONSTANT_MS + REST_PER_ELEMENT_MS * sum(row[3] for row in rows))
        table = pd.DataFrame(
            {
                "layer": [row[0] for row in rows] + ["other"],
                "kind": [row[1] for row in rows] + ["other"],
                "macs": [row[2] for row in rows] + [0],
                "time_ms": [*times, rest * 0.4],  # part of the rest is profiled as "other", part is not
            }
        )
        tables.append(table.assign(alpha=alpha, resolution=resolution, whole_ms=sum(times) + rest))
    return pd.concat(tables, ignore_index=True)


@pytest.mark.slow
def test_the_fit_recovers_the_true_coefficients_and_predicts_exactly():
    model = LayerLatencyModel.fit(synthetic_profiles())
    for kind, (constant, per_mac, per_element, per_weight) in TRUE.items():
        c = model.coefficients[kind]
        if kind in ("dw", "pw"):  # 13 layers of many shapes per network: every coefficient is determined
            assert c["constant"] == pytest.approx(constant, rel=1e-6)
            assert c["macs"] == pytest.approx(per_mac, rel=1e-6)
            assert c["activation_traffic"] == pytest.approx(per_element, rel=1e-6, abs=1e-15)
            assert c["weight_traffic"] == pytest.approx(per_weight, rel=1e-6, abs=1e-15)
    assert model.coefficients["rest"]["constant"] == pytest.approx(REST_CONSTANT_MS, rel=1e-6)
    assert model.coefficients["rest"]["activation_traffic"] == pytest.approx(REST_PER_ELEMENT_MS, rel=1e-6)
    truth = synthetic_profiles([(0.6, 200)]).whole_ms.iloc[0]  # a point outside the grid
    assert model.predict(0.6, 200) == pytest.approx(truth, rel=1e-9)
    assert np.abs(model.loo_errors).max() < 1e-9 and np.abs(model.fit_errors).max() < 1e-9
    assert model.loo_within() == 1.0 and model.loo_rmspe < 1e-6


@pytest.mark.slow
def test_leave_one_out_leaves_out_a_whole_network():
    # 0.5_160's layers and rest all take twice their time: predicted from the other 15 networks' layers alone
    # (which the true coefficients fit exactly) it comes out at half its measured time, -50 %
    profiles = synthetic_profiles(scale={(0.5, 160): 2.0})
    model = LayerLatencyModel.fit(profiles)
    table = model.residuals().set_index(["alpha", "resolution"])
    assert table.loc[(0.5, 160), "loo_error_pct"] == pytest.approx(-50.0, abs=1e-6)
    assert table.loc[(0.5, 160), "latency_ms"] == pytest.approx(profiles[(profiles.alpha == 0.5)
                                                                          & (profiles.resolution == 160)].whole_ms.iloc[0])  # fmt: skip
    assert len(table) == 16 and "leave-one-out by design point" in model.describe()


def test_bad_per_layer_tables_are_named():
    good = synthetic_profiles(GRID[:4])
    with pytest.raises(TypeError, match="needs a pandas DataFrame; got list"):
        LayerLatencyModel.fit([1, 2])
    with pytest.raises(ValueError, match=r"LayerLatencyModel\.fit needs the column\(s\) 'whole_ms'"):
        LayerLatencyModel.fit(good.drop(columns="whole_ms"))
    with pytest.raises(
        ValueError, match=r"alpha=0\.25, resolution=160 are not the layer table's: missing Logits"
    ):
        LayerLatencyModel.fit(good[~((good.layer == "Logits") & (good.resolution == 160))])
    renamed = good.assign(layer=good.layer.replace({"Conv2d_0": "Stem"}))
    with pytest.raises(ValueError, match="unknown Stem; missing Conv2d_0"):
        LayerLatencyModel.fit(renamed)
    with pytest.raises(ValueError, match=r"the macs column at alpha=0\.25, resolution=128 differs"):
        LayerLatencyModel.fit(good.assign(macs=good.macs + (good.layer == "Logits")))
    with pytest.raises(ValueError, match="time_ms"):
        LayerLatencyModel.fit(good.assign(time_ms=-good.time_ms))
    with pytest.raises(ValueError, match="2 design point\\(s\\) given"):
        LayerLatencyModel.fit(good[good.resolution <= 160])
    with pytest.raises(ValueError, match="mixes devices"):
        LayerLatencyModel.fit(good.assign(device=np.where(good.resolution == 128, "a", "b")))
