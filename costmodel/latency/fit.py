"""A latency dataset with its fitted model, ready to draw: the points with their MACs, fitted and
left-out predictions, and the model's curve along resolution for each α of the dataset.

>>> from costmodel.latency.store import builtin_frame
>>> fit = latency_fit(builtin_frame("tflite-pixel2-cpu-float"))
>>> fit.summary
'16 points. Leave-one-out: 100% within ±10 %, RMSPE 1.7 %; in-sample RMSPE 1.3 %.'
>>> sorted(fit.curves.alpha.unique()) == sorted(fit.points.alpha.unique())
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from costmodel.core.evaluate import evaluate
from costmodel.latency.model import LatencyModel

CURVE_RESOLUTIONS = np.arange(96, 257, 8)
"""Where the model's curves are drawn (pixels)."""


@dataclass(frozen=True)
class LatencyFit:
    """Points (with ``macs``, ``fitted_ms``, ``loo_ms``, ``loo_error_pct``), model curves, a summary line and
    the model (None, with the reason in the summary, when the data cannot be fitted)."""

    points: pd.DataFrame
    curves: pd.DataFrame
    summary: str
    model: LatencyModel | None


def latency_fit(frame: pd.DataFrame) -> LatencyFit:
    """Fit :class:`~costmodel.latency.model.LatencyModel` to a dataset (``alpha``, ``resolution``,
    ``latency_ms``); with fewer than 3 points, or mixed devices, the result has no model and says why."""
    frame = frame.copy()
    frame["macs"] = evaluate(frame.alpha.to_numpy(), frame.resolution.to_numpy(), metrics=["macs"])["macs"]
    try:
        model = LatencyModel.fit(frame)
    except ValueError as error:
        return LatencyFit(
            frame.assign(fitted_ms=np.nan, loo_error_pct=np.nan), pd.DataFrame(), f"No fit: {error}", None
        )
    residuals = model.residuals()
    points = frame.assign(
        fitted_ms=residuals.fitted_ms.to_numpy(),
        loo_ms=residuals.loo_ms.to_numpy(),
        loo_error_pct=residuals.loo_error_pct.to_numpy(),
    )
    alphas = np.sort(frame.alpha.unique())
    a, r = (g.ravel() for g in np.meshgrid(alphas, CURVE_RESOLUTIONS, indexing="ij"))
    curves = evaluate(a, r, metrics=["macs"]).assign(predicted_ms=model.predict(a, r))
    summary = (
        f"{len(frame)} points. Leave-one-out: {model.loo_within():.0%} within ±10 %, RMSPE "
        f"{model.loo_rmspe:.1f} %; in-sample RMSPE {model.fit_rmspe:.1f} %."
    )
    return LatencyFit(points, curves, summary, model)
