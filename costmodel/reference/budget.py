"""Budget queries: the best configuration under a MACs, params, latency, RAM or flash budget, the largest
resolution that fits a MACs, RAM or flash budget at a given α, and iso-cost curves.

RAM is the peak activation memory (``peak_activation_bytes`` under the ``dtype`` and ``planner`` knobs) and
flash the deployed weights (``flash_bytes``), both exact integers from the cost model.

Costs always come from the exact cost model (under the variant knobs, paper convention by default), never
from a table's printed ``macs_millions`` column, which carries errata (see ``tables/errata.csv``).

>>> import costmodel
>>> max_resolution(0.5, 100_000_000)
176
>>> int(costmodel.evaluate(0.5, [176, 177], metrics=["macs"])["macs"].max()) > 100_000_000
True
>>> from costmodel.reference.tables import load_table
>>> slim = load_table("slim_checkpoints").query("release == '2018_02_22' and dtype == 'float'")
>>> best = best_reference(slim, macs=300e6)
>>> print(best["model"], best["macs"], best["top1_pct"])
MobileNet_v1_1.0_160 290675200 68.0
>>> max_resolution(0.5, 256 * 1024, metric="ram", dtype="int8")
146
>>> best_reference(slim, macs=1e6)
Traceback (most recent call last):
costmodel.reference.budget.BudgetTooSmall: budget macs=1,000,000 is below the smallest configuration: MobileNet_v1_0.25_128 (alpha=0.25, resolution=128) needs 13,570,048 MACs
"""

from __future__ import annotations

import math
from dataclasses import asdict, replace
from functools import lru_cache

import numpy as np
import pandas as pd

from costmodel.core.architecture import BASE_RESOLUTION
from costmodel.core.convention import Convention, convention_from
from costmodel.core.design_point import (
    RESOLUTION_MAX,
    check_alpha,
    check_alpha_array,
    check_alpha_for,
    check_grid_size,
    check_resolution_array,
    min_resolution,
    real_array,
    real_column,
    scalar,
)
from costmodel.core.evaluate import evaluate
from costmodel.core.numbers import shorten
from costmodel.core.symbolic import compiled_total
from costmodel.reference.accuracy_model import AccuracyModel
from costmodel.reference.pareto import require_columns

UNITS = {"macs": "MACs", "params": "params", "latency": "ms", "ram": "bytes of RAM", "flash": "bytes of flash"}
COST_COLUMNS = {"macs": "macs", "params": "params", "ram": "peak_activation_bytes", "flash": "flash_bytes"}
"""Budget name → the cost model's total it limits."""


BUDGET_MAX = 1e30
"""Largest budget accepted (MACs, params or ms): far above any MobileNet, far below float overflow."""


class BudgetTooSmall(ValueError):
    """A budget that not even the smallest configuration fits; the message names it and what it needs."""


def check_budget(name: str, value: object) -> float:
    """A budget as a float: a real number (numpy scalars, 0-d arrays, ``Fraction`` and ``Decimal`` included)
    with ``0 < value <= BUDGET_MAX``; ``ValueError`` naming the budget otherwise, ``TypeError`` for non-numbers.

    >>> from decimal import Decimal
    >>> check_budget("macs", 300e6), check_budget("macs", Decimal("3e8"))
    (300000000.0, 300000000.0)
    >>> check_budget("macs", 10**400)
    Traceback (most recent call last):
    ValueError: budget macs=1000000000000000000000000000000000000… (401 characters) is not allowed; it must be a positive finite number up to 1e+30
    """
    try:
        number = float(scalar(f"budget {name}", value))  # type: ignore[arg-type]
    except OverflowError:
        number = math.inf
    if not (math.isfinite(number) and 0 < number <= BUDGET_MAX):
        raise ValueError(
            f"budget {name}={shorten(value)} is not allowed; it must be a positive finite number up to {BUDGET_MAX:g}"
        )
    return number


def _budgets(macs, params, latency, ram=None, flash=None) -> dict[str, float]:
    named = {"macs": macs, "params": params, "latency": latency, "ram": ram, "flash": flash}
    given = {k: v for k, v in named.items() if v is not None}
    if not given:
        raise ValueError("give at least one budget: macs, params, latency, ram or flash")
    return {name: check_budget(name, value) for name, value in given.items()}


def _amount(name: str, value: float) -> str:
    return f"{value:,.0f}" if name != "latency" else f"{value:g} ms"


def with_costs(df: pd.DataFrame, metrics: tuple[str, ...] = ("macs", "params"), **knobs) -> pd.DataFrame:
    """A copy of ``df`` with exact cost columns (nullable ``Int64``; ``macs`` and ``params`` unless
    ``metrics`` names other totals) from its ``alpha`` and ``resolution``.

    Rows without an alpha or a resolution, and rows of another network (a ``variant`` column other than
    ``"standard"``, e.g. the paper's full-conv or shallow MobileNet), get missing costs, not wrong ones.

    >>> with_costs(pd.DataFrame({"alpha": [1.0, None], "resolution": [224, 224]}))[["macs", "params"]]
            macs   params
    0  568740352  4210088
    1       <NA>     <NA>
    """
    require_columns(df, ["alpha", "resolution"], "with_costs")
    alpha, side = real_column("alpha", df["alpha"]), real_column("resolution", df["resolution"])
    known = pd.Series(~np.isnan(alpha) & ~np.isnan(side), index=df.index)
    if "variant" in df.columns:
        known &= (df["variant"] == "standard").fillna(False)
    costs = evaluate(alpha[known.to_numpy()], side[known.to_numpy()], metrics=list(metrics), **knobs)
    result = df.copy()
    for metric in metrics:
        column = pd.Series(pd.NA, index=df.index, dtype="Int64")
        column[known.to_numpy()] = costs[metric].to_numpy()
        result[metric] = column
    return result


def _fitting(
    candidates: pd.DataFrame, budgets: dict[str, float], cost_columns: dict[str, str], accuracy: str, label
) -> pd.DataFrame:
    """The candidates within every budget, most accurate first (ties: the cheaper in the first budget)."""
    fits = np.ones(len(candidates), dtype=bool)
    for name, limit in budgets.items():  # a missing cost (NaN) fits no budget
        fits &= candidates[cost_columns[name]].to_numpy(dtype=float, na_value=np.nan) <= limit
    if not fits.any():
        first = next(iter(budgets))
        smallest = candidates.loc[candidates[cost_columns[first]].idxmin()]
        raise BudgetTooSmall(
            f"budget {', '.join(f'{n}={_amount(n, v)}' for n, v in budgets.items())} is below the smallest "
            f"configuration: {label(smallest)} needs {_amount(first, smallest[cost_columns[first]])} "
            f"{UNITS[first] if first != 'latency' else ''}".rstrip()
        )
    chosen = np.flatnonzero(fits)
    cost = candidates[cost_columns[next(iter(budgets))]].to_numpy(float)[chosen]
    order = np.lexsort((cost, -candidates[accuracy].to_numpy(float)[chosen]))
    return candidates.iloc[chosen[order]]


def fitting_references(
    df: pd.DataFrame,
    *,
    macs: float | None = None,
    params: float | None = None,
    latency: float | None = None,
    latency_column: str = "tflite_cpu_ms",
    accuracy: str = "top1_pct",
    ram: float | None = None,
    flash: float | None = None,
    **knobs,
) -> pd.Series:
    """Every published row of ``df`` within all the given budgets, most accurate first (ties: the cheaper).

    ``macs``/``params``/``ram``/``flash`` budgets (bytes for the last two: peak activation memory and
    weight bytes at the ``dtype`` knob) use the exact costs of each row's (alpha, resolution); ``latency``
    uses the table's ``latency_column``. Rows without an accuracy (or the latency needed) are ignored. The
    rows get ``macs`` and ``params`` added. A budget that no row fits raises
    :class:`BudgetTooSmall` (a ``ValueError``) naming the smallest configuration and what it needs.

    >>> from costmodel.reference.tables import load_table
    >>> slim = load_table("slim_checkpoints").query("release == '2018_02_22' and dtype == 'float'")
    >>> fitting_references(slim, macs=300e6, params=2e6)["model"].tolist()[:3]
    ['MobileNet_v1_0.50_224', 'MobileNet_v1_0.50_192', 'MobileNet_v1_0.50_160']
    """
    budgets = _budgets(macs, params, latency, ram, flash)
    needed = ["alpha", "resolution", accuracy] + ([latency_column] if "latency" in budgets else [])
    require_columns(df, needed, "best_reference")
    rows = df.dropna(subset=needed)
    if rows.empty:
        raise ValueError(f"best_reference: no row has all of {', '.join(needed)}")
    rows = with_costs(rows, _cost_metrics(budgets), **knobs)
    columns = {**COST_COLUMNS, "latency": latency_column}

    def label(row):
        name = f"{row['model']} " if "model" in row else ""
        return f"{name}(alpha={row['alpha']:g}, resolution={int(row['resolution'])})"

    return _fitting(rows, budgets, columns, accuracy, label)


def best_reference(df: pd.DataFrame, **budgets_and_knobs) -> pd.Series:
    """The most accurate published row of ``df`` within every given budget (ties: the cheaper one): the
    first of :func:`fitting_references`, with the same arguments."""
    return fitting_references(df, **budgets_and_knobs).iloc[0]


def fitting_estimates(
    model: AccuracyModel,
    *,
    macs: float | None = None,
    params: float | None = None,
    alpha_step: float = 0.005,
    resolutions: object = None,
    ram: float | None = None,
    flash: float | None = None,
    **knobs,
) -> pd.Series:
    """Every (alpha, resolution) of the search grid within all the budgets, highest *estimated* top-1 first.

    Searches alpha from the model's fitted range in steps of ``alpha_step`` and every integer resolution
    of the fitted range (or ``resolutions``), with exact costs. The answer is labelled as an estimate:
    its accuracy is ``top1_pct_estimate`` (with its 90 % interval, ``top1_pct_low`` to ``top1_pct_high``) and
    ``estimate`` is True. Latency budgets need a latency model and are not taken here.
    """
    budgets = _budgets(macs, params, None, ram, flash)
    grid = estimate_grid(
        model, alpha_step=alpha_step, resolutions=resolutions, metrics=_cost_metrics(budgets), **knobs
    )

    def label(row):
        return f"alpha={row['alpha']:g}, resolution={int(row['resolution'])}"

    return _fitting(grid, budgets, COST_COLUMNS, "top1_pct_estimate", label)


def estimate_grid(
    model: AccuracyModel,
    *,
    alpha_step: float = 0.005,
    resolutions: object = None,
    metrics: tuple[str, ...] = ("macs", "params"),
    **knobs,
) -> pd.DataFrame:
    """The search grid of :func:`fitting_estimates`: alpha over the model's fitted range in steps of
    ``alpha_step``, every integer resolution of its fitted range (or ``resolutions``), with the exact totals
    ``metrics`` and the model's estimates. Built once per model, grid, totals and convention and shared:
    callers only read it. Its rows, numbered from 0, are in the same order for any ``metrics``, so a row
    number :func:`fitting_estimates` keeps as its index finds the same point in any such grid.

    >>> from costmodel.reference.accuracy_model import published_trend
    >>> grid = estimate_grid(published_trend("float"), alpha_step=0.25, resolutions=[128, 224])
    >>> grid[["alpha", "resolution"]].to_numpy().tolist()[:3], int(grid.macs[1])
    ([[0.25, 128.0], [0.25, 224.0], [0.5, 128.0]], 41030272)
    """
    if not isinstance(model, AccuracyModel):
        raise TypeError(f"model must be a fitted AccuracyModel; got {type(model).__name__}")
    step = check_budget("alpha_step", alpha_step)
    low, high = model.alpha_range
    convention = convention_from(knobs)
    if resolutions is None:
        resolutions = np.arange(math.ceil(model.resolution_range[0]), int(model.resolution_range[1]) + 1)
    sides = check_resolution_array(resolutions, convention).ravel()
    if sides.size == 0:
        raise ValueError("resolutions is empty; give at least one input side")
    check_grid_size(f"best_estimate(alpha_step={shorten(alpha_step)})", math.floor((high - low) / step) + 2, sides.size)
    alphas = check_alpha_array(np.unique(np.round(np.append(np.arange(low, high, step), high), 6)), convention)
    return _estimate_grid(_Same(model), tuple(alphas.tolist()), tuple(sides.tolist()), tuple(metrics), convention)


class _Same:
    """A cache key that is its object, compared by identity (the cache holds it, so its ``id`` stays its own)."""

    __slots__ = ("obj",)

    def __init__(self, obj: object):
        self.obj = obj

    def __hash__(self) -> int:
        return id(self.obj)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.obj is self.obj


@lru_cache(maxsize=16)
def _estimate_grid(
    model: _Same, alphas: tuple[float, ...], sides: tuple, metrics: tuple[str, ...], convention: Convention
) -> pd.DataFrame:
    """The search grid with its exact costs and the model's estimates, built once per model, grid, totals and
    convention: the dashboard asks again for every new budget. Shared: :func:`_fitting` only reads it."""
    grid = evaluate(np.array(alphas), np.array(sides), metrics=list(metrics), grid=True, **asdict(convention))
    predicted = model.obj.predict(grid["alpha"], grid["resolution"])
    for column in ("top1_pct_estimate", "top1_pct_low", "top1_pct_high"):
        grid[column] = predicted[column].to_numpy()
    grid["estimate"] = True
    return grid


def best_estimate(model: AccuracyModel, **budgets_and_options) -> pd.Series:
    """The (alpha, resolution) with the highest *estimated* top-1 within the budgets: the first of
    :func:`fitting_estimates`, with the same arguments."""
    return fitting_estimates(model, **budgets_and_options).iloc[0]


def _cost_metrics(budgets: dict[str, float]) -> tuple[str, ...]:
    """The totals the budgets need, ``macs`` and ``params`` always (the answer shows them)."""
    extra = tuple(COST_COLUMNS[name] for name in ("ram", "flash") if name in budgets)
    return ("macs", "params", *extra)


def _cost_function(metric: str, alpha: float, convention: Convention):
    exact = compiled_total(metric, convention)
    return lambda side: int(exact(np.float64(alpha), np.int64(side)))


def max_resolution(alpha: float, budget: float, metric: str = "macs", **knobs) -> int:
    """The largest integer input side whose exact cost at ``alpha`` stays within ``budget``.

    ``metric`` is ``"macs"`` (the default), ``"ram"`` (peak activation bytes under the ``dtype`` and
    ``planner`` knobs) or ``"flash"`` (weight bytes, which do not depend on the side). Every such cost never
    decreases as the side grows (each layer's sides are floors and ceilings of the input side), so the answer
    is exact: MACs start from the smooth model's quadratic in the side, bytes from a bisection, then exact
    integer evaluation steps onto the boundary. A budget above the cost at the largest allowed side returns
    that side; one below the smallest side's cost raises :class:`BudgetTooSmall`.

    >>> max_resolution(0.5, 100_000_000), max_resolution(0.25, 320 * 1024, metric="ram", dtype="int8")
    (176, 232)
    """
    if metric not in ("macs", "ram", "flash"):
        raise ValueError(f"metric={shorten(metric)} is not allowed; choose one of 'macs', 'ram', 'flash'")
    convention = convention_from(knobs)
    if convention.smooth:
        raise ValueError("max_resolution needs a rounding convention with whole-pixel sides, not 'smooth'")
    checked_alpha = check_alpha(alpha)
    check_alpha_for(checked_alpha, convention)
    budget = check_budget(metric, budget)
    cost_at = _cost_function(COST_COLUMNS[metric], float(checked_alpha), convention)
    low = min_resolution(convention)
    if cost_at(low) > budget:
        raise BudgetTooSmall(
            f"budget {metric}={budget:,.0f} is below the smallest model at alpha={float(checked_alpha):g}: "
            f"{cost_at(low):,} {UNITS[metric]} at resolution {low}"
        )
    if cost_at(RESOLUTION_MAX) <= budget:
        return RESOLUTION_MAX
    if metric != "macs":
        fits, too_big = low, RESOLUTION_MAX  # cost_at(fits) <= budget < cost_at(too_big)
        while too_big - fits > 1:
            middle = (fits + too_big) // 2
            fits, too_big = (middle, too_big) if cost_at(middle) <= budget else (fits, middle)
        return fits
    macs_at = cost_at
    side = min(max(int(smooth_resolution(float(checked_alpha), budget, convention)), low), RESOLUTION_MAX)
    # Invariant after the two loops: macs_at(side) <= budget < macs_at(side + 1).
    while side > low and macs_at(side) > budget:
        side -= 1
    while side < RESOLUTION_MAX and macs_at(side + 1) <= budget:
        side += 1
    return side


def smooth_resolution(alpha: float, macs_budget: float, convention: Convention | None = None) -> float:
    """The side (float) at which the smooth model (no rounding) reaches ``macs_budget``: a·side² + c = budget.

    >>> round(smooth_resolution(1.0, 568_740_352), 6)
    224.0
    """
    smooth = compiled_total("macs", replace(convention or Convention(), rounding="smooth"))
    at_base = float(smooth(np.float64(alpha), np.float64(BASE_RESOLUTION)))
    at_half = float(smooth(np.float64(alpha), np.float64(BASE_RESOLUTION / 2)))
    slope = (at_base - at_half) / (BASE_RESOLUTION**2 - (BASE_RESOLUTION / 2) ** 2)
    constant = at_base - slope * BASE_RESOLUTION**2
    return math.sqrt(max(macs_budget - constant, 0.0) / slope)


def iso_cost_curve(macs_budget: float, alphas: object = None, **knobs) -> pd.DataFrame:
    """For each alpha, the largest resolution within ``macs_budget``: a curve of equal cost for plotting.

    Columns: ``alpha``, ``resolution`` (exact, from :func:`max_resolution`), ``macs`` at that point,
    ``resolution_smooth`` (the smooth model's side for the same budget). Alphas whose smallest model
    already exceeds the budget are left out (``attrs["left_out"]`` lists them).

    >>> iso_cost_curve(300e6, [0.5, 1.0])[["alpha", "resolution"]].values.tolist()
    [[0.5, 312.0], [1.0, 160.0]]
    """
    budget = check_budget("macs", macs_budget)
    values = np.linspace(0.25, 1.0, 76) if alphas is None else real_array("alphas", alphas).ravel()
    rows, left_out = [], []
    convention = convention_from(knobs)
    for value in values:
        try:
            side = max_resolution(float(value), budget, **knobs)
        except BudgetTooSmall:
            left_out.append(float(value))
            continue
        macs = int(compiled_total("macs", convention)(np.float64(value), np.int64(side)))
        rows.append((float(value), side, macs, smooth_resolution(float(value), budget, convention)))
    curve = pd.DataFrame(rows, columns=["alpha", "resolution", "macs", "resolution_smooth"])
    curve.attrs = {"macs_budget": budget, "left_out": left_out}
    return curve
