"""Every estimated configuration within MACs, params, RAM, flash and latency budgets at once: the answer of
``mobilenet-cost best --all --estimate`` and of the Design space page's table, from one function.

The accuracy is the published TF-slim trend's estimate (:func:`costmodel.reference.accuracy_model.published_trend`,
float, or quant for int8 values); costs are exact (:func:`costmodel.reference.budget.fitting_estimates`);
latency is predicted by the model fitted to a latency dataset, once per model over the whole search grid
(:func:`costmodel.latency.axis.predicted_band`), so a new budget only filters.

>>> found = estimates_within(macs=300e6, params=2e6)
>>> len(found), found.iloc[0][["alpha", "resolution", "macs"]].astype(float).tolist()
(3880, [0.64, 224.0, 237135272.0])
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from costmodel.latency.axis import dataset_model, interval_columns, predicted_band
from costmodel.latency.model import LatencyModel
from costmodel.reference.accuracy_model import AccuracyModel, published_trend
from costmodel.reference.budget import BUDGET_MAX, check_budget, estimate_grid, fitting_estimates


def trend_for(dtype: str = "float32") -> str:
    """The precision of the published trend that fits a value type: ``quant`` for int8, else ``float``."""
    return "quant" if dtype == "int8" else "float"


def estimates_within(
    model: AccuracyModel | None = None,
    *,
    macs: float | None = None,
    params: float | None = None,
    ram: float | None = None,
    flash: float | None = None,
    latency: float | None = None,
    dataset: str | None = None,
    db: str | os.PathLike | None = None,
    latency_model: LatencyModel | None = None,
    alpha_step: float = 0.01,
    resolutions: object = None,
    **knobs,
) -> pd.DataFrame:
    """Every (alpha, resolution) within all the budgets, highest estimated top-1 first.

    ``model``: the accuracy trend (default: the published one for the ``dtype`` knob, :func:`trend_for`).
    ``latency`` (ms) needs ``dataset``; the answer then has ``latency_ms`` and its interval, from
    ``latency_model`` when given (the model already fitted to ``dataset``), else from the dataset's rows read
    now. A latency budget alone searches the whole grid. Raises ``ValueError`` (``BudgetTooSmall``) when nothing fits.
    """
    if latency is not None and dataset is None:
        raise ValueError("a latency budget needs a latency dataset (see `mobilenet-cost latency list`)")
    if latency is not None:
        latency = check_budget("latency", latency)  # a float: a Decimal would compare point by point in Python
    if model is None:
        model = published_trend(trend_for(str(knobs.get("dtype", "float32"))))
    if macs is None and params is None and ram is None and flash is None:
        macs = BUDGET_MAX  # a latency budget alone: the whole grid, then the latency filter
    found = fitting_estimates(
        model,
        macs=macs,
        params=params,
        ram=ram,
        flash=flash,
        alpha_step=alpha_step,
        resolutions=resolutions,
        **knobs,
    )
    if latency is None:
        return found
    grid = estimate_grid(model, alpha_step=alpha_step, resolutions=resolutions, **knobs)
    fitted = latency_model or dataset_model(dataset, db)
    band = predicted_band(fitted, grid["alpha"].to_numpy(), grid["resolution"].to_numpy())
    rows = found.index.to_numpy()  # the found rows' numbers in the grid
    kept = np.flatnonzero(band[0][rows] <= latency)
    found = found.iloc[kept]
    for name, values in zip(("latency_ms", *interval_columns("latency_ms")), band, strict=True):
        found[name] = values[rows[kept]]
    if found.empty:
        raise ValueError(
            f"no estimated configuration within the budgets fits the latency budget {latency:g} ms"
        )
    return found
