"""Prediction intervals from leave-one-out fits: jackknife+ (Barber, Candès, Ramdas & Tibshirani, 2021).

With ``n`` points, let ``ŷ₋ᵢ(x)`` be the prediction at ``x`` of the model fitted without point ``i`` and
``Rᵢ = |yᵢ − ŷ₋ᵢ(xᵢ)|`` its leave-one-out residual. The interval at level ``1 − a`` runs from the
``⌊a(n+1)⌋``-th smallest of ``ŷ₋ᵢ(x) − Rᵢ`` to the ``⌈(1−a)(n+1)⌉``-th smallest of ``ŷ₋ᵢ(x) + Rᵢ``; where that
rank is below 1 or above ``n`` (too few points for the level) the bound is infinite. Its coverage is at least
1 − 2a for any fitting rule and close to 1 − a in practice. Used by the latency model (in log space, so the
interval is relative) and by the accuracy estimate (in top-1 points).

>>> predictions = np.array([[10.0], [11.0], [9.0], [10.5]])  # 4 left-out fits, one new point
>>> low, high = jackknife_plus(predictions, np.array([0.5, 1.0, 0.2, 0.4]), level=0.5)
>>> float(low[0]), float(high[0])
(9.5, 10.9)
"""

from __future__ import annotations

import math

import numpy as np

DEFAULT_LEVEL = 0.90
"""The intervals' nominal coverage unless another is asked for."""


def check_level(level: object) -> float:
    """``level`` as a float if it is a number strictly between 0 and 1, else a ``ValueError``.

    >>> check_level(0.9)
    0.9
    >>> check_level(90)
    Traceback (most recent call last):
    ValueError: level=90 is not allowed; give the coverage as a fraction strictly between 0 and 1 (0.9 for 90 %)
    """
    if isinstance(level, bool) or not isinstance(level, int | float) or not 0 < level < 1:
        raise ValueError(
            f"level={level!r} is not allowed; give the coverage as a fraction strictly between 0 and 1 "
            "(0.9 for 90 %)"
        )
    return float(level)


def jackknife_plus(
    loo_predictions: np.ndarray, loo_residuals: np.ndarray, level: float = DEFAULT_LEVEL
) -> tuple[np.ndarray, np.ndarray]:
    """(low, high) at each new point: ``loo_predictions`` is (n fits × m points), ``loo_residuals`` is (n,)."""
    level = check_level(level)
    predictions = np.asarray(loo_predictions, dtype=float)
    residuals = np.abs(np.asarray(loo_residuals, dtype=float))[:, None]
    n = predictions.shape[0]
    low_rank = math.floor((1 - level) * (n + 1) + 1e-9)
    high_rank = math.ceil(level * (n + 1) - 1e-9)
    low = np.full(predictions.shape[1], -np.inf)
    high = np.full(predictions.shape[1], np.inf)
    if low_rank >= 1:
        low = np.sort(predictions - residuals, axis=0)[low_rank - 1]
    if high_rank <= n:
        high = np.sort(predictions + residuals, axis=0)[high_rank - 1]
    return low, high
