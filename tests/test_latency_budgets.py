"""Every estimated configuration within budgets including latency: the latency read from the whole search grid's
prediction (computed once per fitted model) must be each found point's own."""

import numpy as np
import pytest

from costmodel.latency.budgets import estimates_within
from costmodel.latency.model import LatencyModel
from costmodel.latency.store import builtin_frame
from costmodel.reference.accuracy_model import published_trend
from costmodel.reference.budget import fitting_estimates

DATASET = "tflite-pixel2-cpu-float"


@pytest.mark.parametrize(
    "budgets",
    [
        {"macs": 300e6, "params": 2e6},
        {"macs": 400e6, "ram": 1024 * 1024, "flash": 8 * 1024 * 1024},  # a grid with byte columns too
        {"params": 3e6, "dtype": "int8"},
    ],
)
def test_latency_of_each_found_point_is_its_own_prediction(budgets):
    found = estimates_within(latency=25, dataset=DATASET, **budgets)
    refit = LatencyModel.fit(builtin_frame(DATASET))  # a model of its own, not the cached one
    band = refit.predict_interval(found.alpha.to_numpy(float), found.resolution.to_numpy())
    for column in ("latency_ms", "latency_low_ms", "latency_high_ms"):
        assert np.allclose(found[column].to_numpy(float), band[column].to_numpy(), rtol=1e-12), column
    assert (found.latency_ms <= 25).all()
    trend = published_trend("quant" if budgets.get("dtype") == "int8" else "float")
    within_costs = fitting_estimates(trend, alpha_step=0.01, **budgets)
    expected = refit.predict(within_costs.alpha.to_numpy(float), within_costs.resolution.to_numpy()) <= 25
    assert len(found) == int(expected.sum()) > 0
    assert found[["alpha", "resolution"]].to_numpy().tolist() == (
        within_costs[expected][["alpha", "resolution"]].to_numpy().tolist()
    )


def test_a_latency_budget_nothing_meets_is_named():
    with pytest.raises(ValueError, match=r"fits the latency budget 0\.5 ms"):
        estimates_within(macs=300e6, latency=0.5, dataset=DATASET)


@pytest.mark.parametrize("latency", [0, -5, float("nan"), 1e31])
def test_a_latency_budget_out_of_range_is_named(latency):
    with pytest.raises(ValueError, match=r"budget latency=.* is not allowed"):
        estimates_within(macs=300e6, latency=latency, dataset=DATASET)


def test_a_decimal_latency_budget_gives_the_float_answer():
    from decimal import Decimal

    as_decimal = estimates_within(macs=300e6, latency=Decimal("20"), dataset=DATASET)
    assert as_decimal.equals(estimates_within(macs=300e6, latency=20.0, dataset=DATASET))
