"""``evaluate()``: exact totals for many design points at once, through compiled NumPy functions.

No SymPy runs per point: each (metric, convention) is lambdified once and cached.

>>> df = evaluate(alpha=[0.25, 0.5, 1.0], resolution=224)
>>> df[["resolution", "macs", "params"]].to_numpy().tolist()
[[224, 41030272, 464600], [224, 149497088, 1320648], [224, 568740352, 4210088]]
>>> evaluate(alpha=[0.5, 1.0], resolution=[128, 224], grid=True).shape[0]
4
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from costmodel.core.architecture import BASE_RESOLUTION
from costmodel.core.convention import Convention, convention_from
from costmodel.core.design_point import (
    check_alpha_array,
    check_grid_size,
    check_resolution_array,
    first_bad,
    real_array,
)
from costmodel.core.formulas import RATIOS, TOTAL_METRICS


def resolution_from_rho(values: object, convention: Convention) -> np.ndarray:
    """Input sides for ρ values: round(224·ρ) half up, or 224·ρ under the smooth model."""
    rho = real_array("rho", values).astype(np.float64)
    first_bad("rho", rho, ~np.isfinite(rho) | (rho <= 0), "rho > 0")
    side = BASE_RESOLUTION * rho
    return side if convention.smooth else np.floor(side + 0.5)


def evaluate(
    alpha: object,
    resolution: object = None,
    *,
    rho: object = None,
    metrics: Iterable[str] = TOTAL_METRICS,
    grid: bool = False,
    **knobs,
) -> pd.DataFrame:
    """Totals for every (alpha, resolution) pair, broadcasting like NumPy (or the outer product with ``grid``).

    Returns one row per point with columns ``alpha``, ``resolution``, ``rho`` and the requested metrics:
    int64 under a rounding convention (equal to :func:`~costmodel.core.report.report`'s totals), float64 under
    the smooth model and for ``intensity`` (MACs per byte of traffic). The byte totals (``weight_bytes``,
    ``flash_bytes``, ``traffic_bytes``, ``peak_activation_bytes``) follow the ``dtype`` and ``planner`` knobs.
    Give ``rho`` instead of ``resolution`` to have it snapped to round(224·ρ).

    >>> evaluate(alpha=0.5, resolution=[128, 256], dtype="int8")[["peak_activation_bytes", "weight_bytes"]].to_numpy().tolist()
    [[196608, 1345536], [786432, 1345536]]
    """
    convention = convention_from(knobs)
    metrics = _check_metrics(metrics)
    if rho is not None and resolution is not None:
        raise ValueError("give rho or resolution, not both")
    raw_side = (
        resolution_from_rho(rho, convention)
        if rho is not None
        else (BASE_RESOLUTION if resolution is None else resolution)
    )
    a = check_alpha_array(alpha, convention)
    r = check_resolution_array(raw_side, convention)
    if grid:
        check_grid_size("evaluate(grid=True)", a.size, r.size)
        a, r = np.meshgrid(a.ravel(), r.ravel(), indexing="ij")
    try:
        shape = np.broadcast_shapes(a.shape, r.shape)
    except ValueError:
        raise ValueError(
            f"alpha (shape {np.shape(a)}) and resolution (shape {np.shape(r)}) do not broadcast; "
            "pass grid=True for every combination"
        ) from None
    check_grid_size("evaluate", *shape)
    a, r = np.broadcast_arrays(a, r)
    # SymPy is needed only once points are evaluated
    from costmodel.core.lookup import totals_lookup
    from costmodel.core.symbolic import compiled_totals

    a, r = a.ravel(), r.ravel()
    # One 2-D block for the counts, filled in place by table look-ups (many points) or by one compiled function
    # (shared subexpressions): the DataFrame wraps it without copying. A ratio is the quotient of two of its rows.
    needed = [m for m in metrics if m not in RATIOS]
    needed += [p for m in metrics if m in RATIOS for p in RATIOS[m] if p not in needed]
    block = np.empty((len(needed), a.size), dtype=np.float64 if convention.smooth else np.int64)
    lookup = totals_lookup(tuple(needed), convention)
    if lookup is None or not lookup(a, r, block):
        compiled_totals(tuple(needed), convention)(a, r, block)
    rows = {metric: block[row] for row, metric in enumerate(needed)}
    columns = {m: rows[m] if m not in RATIOS else rows[RATIOS[m][0]] / rows[RATIOS[m][1]] for m in metrics}
    if all(m not in RATIOS for m in metrics) and needed == list(metrics):
        frame = pd.DataFrame(block.T, columns=list(metrics), copy=False)
    else:
        frame = pd.DataFrame(columns, copy=False)
    frame.insert(0, "alpha", a)
    frame.insert(1, "resolution", r if convention.smooth else r.astype(np.int64, copy=False))
    frame.insert(2, "rho", r / BASE_RESOLUTION)
    return frame


def _check_metrics(metrics: Iterable[str]) -> Sequence[str]:
    chosen = [metrics] if isinstance(metrics, str) else list(metrics)
    for metric in chosen:
        if metric not in TOTAL_METRICS:
            raise ValueError(f"metric {metric!r} is unknown; choose from {', '.join(TOTAL_METRICS)}")
    return chosen
