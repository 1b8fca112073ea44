"""A latency model per device: latency as a non-negative combination of cost-model features.

Features of a design point (all from the layer table of :func:`~costmodel.core.report.report`, paper
convention):

- ``constant``: a fixed cost per inference (the layer count is the same, 29, for every α and ρ, so the
  per-layer dispatch overhead is part of it);
- ``macs_conv``, ``macs_dw``, ``macs_pw``, ``macs_fc``: mult-adds of the stem conv, the depthwise convs, the
  pointwise convs and the classifier (depthwise layers do few MACs per byte moved, so they get their own rate);
- ``activation_traffic``: elements read and written by all layers (input + output of each);
- ``weight_traffic``: weights and biases read (the params).

The fit minimises the squared *relative* error (each point weighted by 1/latency, since the targets are
percentages) with non-negative coefficients (``scipy.optimize.nnls``), so every feature can only add time.
Stem MACs, depthwise MACs and activation traffic all grow as α·ρ²; where rounding leaves them proportional
(the paper grid) the fit's split of time between them is not unique, but its predictions are.
:attr:`LatencyModel.loo_errors` are the leave-one-out relative errors: each point predicted by a model fitted
to the others. :meth:`LatencyModel.predict_interval` adds a jackknife+ interval (90 % by default) built from the
leave-one-out fits and their relative residuals; :meth:`LatencyModel.interval_coverage` checks it by leaving
each point out of everything, its own interval included.

>>> import pandas as pd
>>> grid = [(a, r) for a in (0.25, 0.5, 0.75, 1.0) for r in (128, 160, 192, 224)]
>>> df = pd.DataFrame(grid, columns=["alpha", "resolution"])
>>> df["latency_ms"] = 1.5 + features(df.alpha, df.resolution)["macs_pw"] * 2e-7
>>> model = LatencyModel.fit(df)
>>> round(model.coefficients["constant"], 6), round(model.coefficients["macs_pw"] * 1e7, 6)
(1.5, 2.0)
>>> model.loo_within()
1.0
>>> band = model.predict_interval(0.5, 160)
>>> bool(band.latency_low_ms[0] <= band.latency_ms[0] <= band.latency_high_ms[0])
True
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType

import numpy as np
import pandas as pd

from costmodel.core.arithmetic import NUMERIC
from costmodel.core.convention import Convention
from costmodel.core.design_point import (
    bounded_array,
    check_alpha_array,
    check_grid_size,
    check_resolution_array,
    design_point,
)
from costmodel.core.formulas import layer_metric
from costmodel.core.network import layer_shapes
from costmodel.latency.schema import LATENCY_MS_RANGE
from costmodel.output.table import Column, ExportTable, html_block
from costmodel.reference.jackknife import DEFAULT_LEVEL, check_level, jackknife_plus

FEATURES: tuple[str, ...] = (
    "constant", "macs_conv", "macs_dw", "macs_pw", "macs_fc", "activation_traffic", "weight_traffic",
)  # fmt: skip
"""Feature names, in the order of :func:`features`' columns."""
FEATURE_UNITS: Mapping[str, tuple[float, str]] = MappingProxyType(
    {
        "constant": (1.0, "ms"),
        "macs_conv": (1e6, "ms per million MACs"),
        "macs_dw": (1e6, "ms per million MACs"),
        "macs_pw": (1e6, "ms per million MACs"),
        "macs_fc": (1e6, "ms per million MACs"),
        "activation_traffic": (1e6, "ms per million elements"),
        "weight_traffic": (1e6, "ms per million params"),
    }
)
"""How :meth:`LatencyModel.describe` scales each coefficient for reading."""
TINY_MS = 1e-9
"""Predictions are floored here before taking logs (a fit whose terms all vanish)."""
TOLERANCE = 0.10
"""The share-within metric's band: ±10 % (nn-Meter's headline figure)."""
MIN_POINTS = 3


LAYER_FEATURES: tuple[str, ...] = ("constant", "macs", "activation_traffic", "weight_traffic")
"""Per-layer features (:func:`layer_features`): the whole-network ones, layer by layer."""


@lru_cache(maxsize=65_536)
def _layer_rows(alpha: float, resolution: int) -> tuple[tuple[str, str, float, float, float, float], ...]:
    """(layer, kind, 1, MACs, activation traffic, params) of each layer, from the layer shapes."""
    convention = Convention()
    point = design_point(alpha, resolution=resolution, convention=convention)
    return tuple(
        (
            shape.spec.name,
            shape.spec.kind,
            1.0,
            float(layer_metric("macs", shape, convention)),
            float(shape.in_side**2 * shape.in_channels + layer_metric("activations", shape, convention)),
            float(layer_metric("params", shape, convention)),
        )
        for shape in layer_shapes(point.alpha, point.resolution, convention, NUMERIC)
    )


def layer_features(alpha: float, resolution: int) -> pd.DataFrame:
    """One row per layer of the design point: ``layer``, ``kind`` and the :data:`LAYER_FEATURES`.

    ``activation_traffic`` is the elements the layer reads and writes (input + output), ``weight_traffic`` its
    params (paper convention).

    >>> row = layer_features(1.0, 224).iloc[1]
    >>> row.layer, row.kind, int(row.macs), int(row.activation_traffic), int(row.weight_traffic)
    ('Conv2d_1_depthwise', 'dw', 3612672, 802816, 288)
    """
    check_alpha_array(alpha, Convention())
    check_resolution_array(resolution, Convention())
    return pd.DataFrame(
        _layer_rows(float(alpha), int(resolution)), columns=["layer", "kind", *LAYER_FEATURES]
    )


@lru_cache(maxsize=65_536)
def point_features(alpha: float, resolution: int) -> tuple[float, ...]:
    """The features of one design point: its layers' features summed (MACs by kind); cached (a benchmark
    clears the cache with ``point_features.cache_clear()`` to time it cold).

    >>> point_features(1.0, 224)[0]  # the intercept's column
    1.0
    """
    macs = dict.fromkeys(("conv", "dw", "pw", "fc"), 0.0)
    traffic = params = 0.0
    for _, kind, _, layer_macs, layer_traffic, layer_params in _layer_rows(alpha, resolution):
        if kind in macs:
            macs[kind] += layer_macs
        traffic += layer_traffic
        params += layer_params
    return (1.0, *(macs[kind] for kind in ("conv", "dw", "pw", "fc")), traffic, params)


def features(alpha: object, resolution: object) -> pd.DataFrame:
    """The :data:`FEATURES` of each (alpha, resolution) pair (broadcast like NumPy), one row per pair.

    >>> features([1.0], [224])[["macs_dw", "macs_pw"]].to_numpy().tolist()
    [[17385984.0, 539492352.0]]
    """
    a = check_alpha_array(alpha, Convention())
    r = check_resolution_array(resolution, Convention())
    try:
        a, r = np.broadcast_arrays(a, r)
    except ValueError:
        raise ValueError(
            f"alpha (shape {a.shape}) and resolution (shape {r.shape}) do not broadcast"
        ) from None
    check_grid_size("features", *a.shape)
    rows = list(map(point_features, a.ravel().astype(float).tolist(), r.ravel().astype(np.int64).tolist()))
    return pd.DataFrame(np.array(rows, dtype=float).reshape(len(rows), len(FEATURES)), columns=list(FEATURES))


def fit_relative(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Non-negative c minimising sum(((x @ c - y) / y)²); columns scaled to unit norm for conditioning.

    >>> fit_relative(np.array([[1.0, 1.0], [1.0, 2.0], [1.0, 3.0]]), np.array([3.0, 5.0, 7.0])).round(9)
    array([1., 2.])
    """
    from scipy.optimize import nnls  # imported here: scipy takes half a second to load, only fitting needs it

    relative = x / y[:, None]
    scale = np.linalg.norm(relative, axis=0)
    scale[scale == 0] = 1.0
    solution, _ = nnls(relative / scale, np.ones(len(y)))
    return solution / scale


def leave_one_out_coefficients(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Row ``i``: the :func:`fit_relative` coefficients fitted to all the points but ``i``, exactly.

    Linear in the rows: the least-squares leave-one-out identity on the fit's active features (those with
    positive coefficients) gives every row's left-out coefficients at once, ``c₋ᵢ = c − G⁻¹aᵢᵀ·eᵢ/(1 − hᵢ)``;
    where that would break the non-negativity conditions (a coefficient turning negative, or a zero one
    wanting to grow), that row alone is refitted with :func:`fit_relative`. So the result equals refitting
    without each row, at the cost of one fit plus the few rows that change the active set.

    >>> x = np.column_stack([np.ones(6), np.arange(1.0, 7.0)])
    >>> y = np.array([3.1, 4.9, 7.2, 8.8, 11.1, 13.0])
    >>> brute = [fit_relative(np.delete(x, i, 0), np.delete(y, i)) for i in range(6)]
    >>> bool(np.allclose(leave_one_out_coefficients(x, y), brute, atol=1e-12))
    True
    """
    relative = x / y[:, None]  # the fit is ordinary least squares of relative @ c on 1
    scale = np.linalg.norm(relative, axis=0)
    scale[scale == 0] = 1.0
    a = relative / scale
    c = fit_relative(x, y) * scale  # coefficients of the scaled problem
    active = c > 0
    residual = 1.0 - a @ c
    coefficients = np.zeros((len(y), x.shape[1]))
    refit = np.ones(len(y), dtype=bool)
    if active.any() and len(y) > active.sum():
        kept = a[:, active]
        inverse = np.linalg.pinv(kept.T @ kept)
        influence = kept @ inverse  # row i: (G⁻¹ aᵢᵀ)ᵀ
        leverage = np.einsum("ij,ij->i", influence, kept)
        with np.errstate(divide="ignore", invalid="ignore"):
            left_out = residual / (1.0 - leverage)  # 1 − aᵢ·c₋ᵢ, the left-out residual
        delta = influence * left_out[:, None]  # c − c₋ᵢ on the active features
        gradient = a.T @ residual  # Aᵀ(b − Ac): 0 on active features, ≤ 0 on inactive ones
        inactive = ~active
        wants = (
            gradient[inactive][None, :]
            + delta @ (a[:, inactive].T @ kept).T
            - a[:, inactive] * left_out[:, None]
        )
        tolerance = 1e-9 * max(1.0, float(np.abs(gradient).max()))
        refit = (
            ~np.isfinite(left_out)
            | (leverage > 1 - 1e-9)
            | ((c[active][None, :] - delta) < -tolerance).any(axis=1)
            | (wants > tolerance).any(axis=1)
        )
        coefficients[:, active] = (c[active][None, :] - delta) / scale[active]
    for i in np.flatnonzero(refit):
        keep = np.arange(len(y)) != i
        coefficients[i] = fit_relative(x[keep], y[keep])
    return coefficients


def leave_one_out_errors(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Relative error of each point predicted by :func:`fit_relative` on all the other points, exactly.

    >>> x = np.column_stack([np.ones(6), np.arange(1.0, 7.0)])
    >>> y = np.array([3.1, 4.9, 7.2, 8.8, 11.1, 13.0])
    >>> brute = [x[i] @ fit_relative(np.delete(x, i, 0), np.delete(y, i)) / y[i] - 1 for i in range(6)]
    >>> bool(np.allclose(leave_one_out_errors(x, y), brute, atol=1e-12))
    True
    """
    return np.einsum("ij,ij->i", x, leave_one_out_coefficients(x, y)) / y - 1


def _log_interval(x_new: np.ndarray, loo_coefficients: np.ndarray, loo_errors: np.ndarray, level: float):
    """Jackknife+ in log latency (relative residuals): (low, high) in ms at each row of ``x_new``."""
    predictions = np.log(np.maximum(loo_coefficients @ x_new.T, TINY_MS))
    low, high = jackknife_plus(predictions, np.log1p(loo_errors), level)
    return np.exp(low), np.exp(high)


def interval_check(x: np.ndarray, y: np.ndarray, level: float = DEFAULT_LEVEL) -> pd.DataFrame:
    """Each point left out of everything in turn: its jackknife+ interval from the others, and whether it holds.

    For point ``j`` the model and its leave-one-out fits are made without ``j``, so its interval never saw it;
    columns ``loo_ms``, ``low_ms``, ``high_ms``, ``inside``. (n leave-one-out fits of n − 1 points.)
    """
    rows = []
    for j in range(len(y)):
        keep = np.arange(len(y)) != j
        xk, yk = x[keep], y[keep]
        coefficients = leave_one_out_coefficients(xk, yk)
        errors = np.einsum("ij,ij->i", xk, coefficients) / yk - 1
        low, high = _log_interval(x[j : j + 1], coefficients, errors, level)
        rows.append((float(x[j] @ fit_relative(xk, yk)), float(low[0]), float(high[0])))
    out = pd.DataFrame(rows, columns=["loo_ms", "low_ms", "high_ms"])
    out["inside"] = (out.low_ms <= y) & (y <= out.high_ms)
    return out


class RelativeErrors:
    """The error summaries of a fitted latency model with ``points`` (a ``latency_ms`` column per point) and the
    relative errors ``loo_errors`` (each point left out) and ``fit_errors`` (in-sample)."""

    def loo_within(self, tolerance: float = TOLERANCE) -> float:
        """Share of points whose leave-one-out prediction is within ±``tolerance`` of the measurement."""
        return float(np.mean(np.abs(self.loo_errors) <= tolerance + 1e-12))

    @property
    def loo_rmspe(self) -> float:
        """Root mean square leave-one-out percentage error, in percent."""
        return float(np.sqrt(np.mean(self.loo_errors**2)) * 100)

    @property
    def fit_rmspe(self) -> float:
        """Root mean square in-sample percentage error, in percent."""
        return float(np.sqrt(np.mean(self.fit_errors**2)) * 100)

    def residuals(self) -> pd.DataFrame:
        """The points with measured, fitted and leave-one-out predicted latency and relative errors."""
        out = self.points.copy()
        out["fitted_ms"] = out.latency_ms * (1 + self.fit_errors)
        out["loo_ms"] = out.latency_ms * (1 + self.loo_errors)
        out["fit_error_pct"] = self.fit_errors * 100
        out["loo_error_pct"] = self.loo_errors * 100
        return out


@dataclass(frozen=True, eq=False)
class LatencyModel(RelativeErrors):
    """A fitted latency model; build it with :meth:`fit`.

    ``coefficients`` maps each feature to milliseconds per unit; ``loo_errors`` and ``fit_errors`` are the
    relative errors (prediction / measured − 1) of each point, left out and in-sample.
    """

    coefficients: Mapping[str, float]
    points: pd.DataFrame = field(repr=False)
    loo_errors: np.ndarray = field(repr=False)
    fit_errors: np.ndarray = field(repr=False)
    loo_coefficients: np.ndarray = field(repr=False, default=None)
    """Row ``i``: the coefficients fitted without point ``i`` (the jackknife+ intervals use them)."""

    @classmethod
    def fit(cls, df: pd.DataFrame) -> LatencyModel:
        """Fit to a table with columns ``alpha``, ``resolution``, ``latency_ms`` from one device and runtime."""
        points = _checked_points(df)
        x = features(points.alpha, points.resolution).to_numpy()
        y = points.latency_ms.to_numpy(dtype=float)
        coefficients = fit_relative(x, y)
        loo_coefficients = leave_one_out_coefficients(x, y)
        return cls(
            MappingProxyType(dict(zip(FEATURES, map(float, coefficients), strict=True))),
            points,
            np.einsum("ij,ij->i", x, loo_coefficients) / y - 1,
            x @ coefficients / y - 1,
            loo_coefficients,
        )

    def predict(self, alpha: object, resolution: object) -> np.ndarray:
        """Predicted latency in ms for each (alpha, resolution) pair, broadcast like NumPy."""
        x = features(alpha, resolution).to_numpy()
        c = np.array([self.coefficients[name] for name in FEATURES])
        shape = np.broadcast_shapes(np.shape(alpha), np.shape(resolution))
        return (x @ c).reshape(shape)

    def predict_interval(
        self, alpha: object, resolution: object, level: float = DEFAULT_LEVEL
    ) -> pd.DataFrame:
        """Prediction and its jackknife+ interval for each (alpha, resolution) pair, one row per pair.

        Columns ``alpha``, ``resolution``, ``latency_ms`` (as :meth:`predict`), ``latency_low_ms`` and
        ``latency_high_ms``: the interval at ``level`` (default 90 %) from the leave-one-out fits and their
        relative residuals, so it is as wide, in percent, as the model's left-out errors say. Infinite bounds
        mean too few points for the level (16 points allow up to 94 %).
        """
        level = check_level(level)
        x = features(alpha, resolution).to_numpy()
        c = np.array([self.coefficients[name] for name in FEATURES])
        low, high = _log_interval(x, self.loo_coefficients, self.loo_errors, level)
        a, r = np.broadcast_arrays(np.asarray(alpha, float), np.asarray(resolution))
        return pd.DataFrame(
            {
                "alpha": a.ravel(),
                "resolution": r.ravel().astype(np.int64),
                "latency_ms": x @ c,
                "latency_low_ms": low,
                "latency_high_ms": high,
            }
        )

    def interval_coverage(self, level: float = DEFAULT_LEVEL) -> pd.DataFrame:
        """The points, each with the interval it gets when left out (from the others alone) and ``inside``.

        The share of ``inside`` is the interval's honest coverage; compare it with ``level``.
        """
        x = features(self.points.alpha, self.points.resolution).to_numpy()
        check = interval_check(x, self.points.latency_ms.to_numpy(dtype=float), check_level(level))
        return pd.concat([self.points, check], axis=1)

    @property
    def warning(self) -> str | None:
        """A caution when the fit has fewer points than features (its coefficients are not determined), else None.

        >>> import pandas as pd
        >>> LatencyModel.fit(pd.DataFrame({"alpha": [0.25, 0.5, 1.0], "resolution": [128, 160, 224],
        ...                                "latency_ms": [3.0, 9.0, 30.0]})).warning
        'only 3 points for 7 features: the coefficients are not determined by the data; measure at least 7 points'
        """
        points, needed = len(self.points), len(FEATURES)
        if points >= needed:
            return None
        return (
            f"only {points} points for {needed} features: the coefficients are not determined by the data; "
            f"measure at least {needed} points"
        )

    def _repr_html_(self) -> str:
        return latency_model_html(self)

    def describe(self) -> str:
        """The model's equation and its errors, as text."""
        lines = ["latency_ms = sum of non-negative terms:"]
        for name in FEATURES:
            scale, unit = FEATURE_UNITS[name]
            lines.append(f"  {name:<20} {self.coefficients[name] * scale:12.6g}  {unit}")
        lines.append(
            f"leave-one-out: {self.loo_within():.1%} of {len(self.loo_errors)} points within "
            f"±{TOLERANCE:.0%}, RMSPE {self.loo_rmspe:.2f} %; in-sample RMSPE {self.fit_rmspe:.2f} %"
        )
        if self.warning:
            lines.append(f"warning: {self.warning}")
        return "\n".join(lines)


def _checked_points(df: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"LatencyModel.fit needs a pandas DataFrame; got {type(df).__name__}")
    missing = [c for c in ("alpha", "resolution", "latency_ms") if c not in df.columns]
    if missing:
        raise ValueError(
            f"the table lacks column(s) {', '.join(missing)}; it needs alpha, resolution, latency_ms"
        )
    for column in ("device", "runtime"):
        if column in df.columns and df[column].nunique(dropna=True) > 1:
            values = ", ".join(map(str, df[column].dropna().unique()[:5]))
            raise ValueError(f"the table mixes {column}s ({values}); fit one {column} at a time")
    points = df[["alpha", "resolution", "latency_ms"]].reset_index(drop=True)
    low, high = LATENCY_MS_RANGE
    latency = bounded_array("latency_ms", points.latency_ms, low, high, f"{low:g} to {high:g} ms")
    alpha = check_alpha_array(points.alpha, Convention())
    resolution = check_resolution_array(points.resolution, Convention()).astype(np.int64)
    if len(points) < MIN_POINTS:
        raise ValueError(
            f"{len(points)} point(s) given; the fit and its leave-one-out need at least {MIN_POINTS}"
        )
    return pd.DataFrame({"alpha": alpha, "resolution": resolution, "latency_ms": latency})


def latency_model_html(model: LatencyModel) -> str:
    """Coefficients in readable units, then the leave-one-out error (nn-Meter's ±10 % share)."""
    rows = tuple(
        {"feature": name, "coefficient": f"{model.coefficients[name] * FEATURE_UNITS[name][0]:.6g}",
         "unit": FEATURE_UNITS[name][1]}
        for name in FEATURES
    )  # fmt: skip
    table = ExportTable(columns=(Column("feature", "feature"), Column("coefficient", "coefficient"),
                                 Column("unit", "unit")), rows=rows)  # fmt: skip
    footer = (
        f"{len(model.loo_errors)} points; leave-one-out: {model.loo_within():.1%} within ±{TOLERANCE:.0%}, "
        f"RMSPE {model.loo_rmspe:.2f} %; in-sample RMSPE {model.fit_rmspe:.2f} %. "
        "Latency = sum of non-negative terms of cost-model features (paper convention)."
        + (f" Warning: {model.warning}." if model.warning else "")
    )
    return html_block(
        f"<strong>Latency model</strong>{table.to_html(styled=False)}<p><small>{html.escape(footer)}</small></p>",
        "mobilenet-latency-model",
    )
