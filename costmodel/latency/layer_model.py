"""A latency model fitted to per-layer times: coefficients per layer kind, and a rest for what no layer holds.

A per-layer profile (:mod:`costmodel.latency.profile`; columns ``alpha``, ``resolution``, ``layer``, ``kind``,
``macs``, ``time_ms``, ``whole_ms``) says how the whole-network time splits over the layers. This model fits
each layer's own time with the :data:`~costmodel.latency.model.LAYER_FEATURES` of that layer (a constant, its
MACs, its activation traffic and its weights, from the layer table), with non-negative coefficients for each
layer kind (``conv``, ``dw``, ``pw``, ``pool``, ``fc``), and the **rest** of each network (whole-network time
minus the named layers' times: the executor's dispatch and the layout reorders of the ``other`` pseudo-layer)
with a non-negative constant plus a rate per element of the network's activation traffic. A prediction is the
sum of the layers' predicted times plus the predicted rest.

Every row is weighted by 1/``whole_ms`` of its network, so each network's errors count as percentages of its
whole time, as the whole-network :class:`~costmodel.latency.model.LatencyModel` counts them. Leave-one-out
is by design point: each network's rows are all left out and the network predicted from the others' layers.

>>> import pandas as pd
>>> rows = []
>>> for a, r in [(a, r) for a in (0.25, 0.5, 0.75, 1.0) for r in (128, 160, 192, 224)]:
...     table = layer_features(a, r)
...     table["time_ms"] = 0.01 + table.macs * 1e-7  # 10 µs per layer + 0.1 ms per million MACs
...     rows.append(table.assign(alpha=a, resolution=r, whole_ms=table.time_ms.sum() + 0.2))
>>> model = LayerLatencyModel.fit(pd.concat(rows))
>>> round(model.coefficients["pw"]["macs"] * 1e7, 6), round(model.coefficients["rest"]["constant"], 6)
(1.0, 0.2)
>>> model.loo_within()
1.0
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd

from costmodel.core.convention import Convention
from costmodel.core.design_point import bounded_array, check_alpha_array, check_resolution_array
from costmodel.latency.model import (
    LAYER_FEATURES,
    MIN_POINTS,
    TOLERANCE,
    RelativeErrors,
    features,
    layer_features,
)
from costmodel.latency.profile import OTHER
from costmodel.latency.schema import LATENCY_MS_RANGE
from costmodel.reference.pareto import require_columns

LAYER_COLUMNS: tuple[str, ...] = ("alpha", "resolution", "layer", "time_ms", "whole_ms")
"""Columns a per-layer table needs (``kind`` and ``macs``, where given, are checked against the layer table)."""
REST = "rest"
"""The coefficients' key for what no layer holds: whole-network time minus the named layers' times."""
REST_FEATURES: tuple[str, ...] = ("constant", "activation_traffic")
"""The rest's features: a fixed cost per inference and a rate per element of the network's activation traffic."""


@dataclass(frozen=True)
class _Design:
    """The per-layer fit's inputs: for each kind, the layers' feature rows, times and network index; the rest's."""

    kinds: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]
    rest_x: np.ndarray
    rest_y: np.ndarray


def _fit(design: _Design, whole: np.ndarray, keep: np.ndarray) -> dict[str, np.ndarray]:
    """Coefficients per kind and for the rest, fitted to the networks where ``keep`` is True."""
    out = {}
    for kind, (x, y, network) in design.kinds.items():
        rows = keep[network]
        out[kind] = _weighted_fit(x[rows], y[rows], whole[network[rows]])
    out[REST] = _weighted_fit(design.rest_x[keep], design.rest_y[keep], whole[keep])
    return out


def _weighted_fit(x: np.ndarray, y: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Non-negative c minimising sum(((x @ c - y) / scale)²); columns scaled to unit norm for conditioning."""
    from scipy.optimize import nnls  # imported here, as in costmodel.latency.model: only fitting needs scipy

    if not len(y):
        return np.zeros(x.shape[1])

    a, b = x / scale[:, None], y / scale
    norm = np.linalg.norm(a, axis=0)
    norm[norm == 0] = 1.0
    solution, _ = nnls(a / norm, b)
    return solution / norm


def _predict(
    design_x: dict[str, np.ndarray], rest_x: np.ndarray, coefficients: dict[str, np.ndarray]
) -> float:
    total = float(rest_x @ coefficients[REST])
    for kind, x in design_x.items():
        total += float((x @ coefficients.get(kind, np.zeros(x.shape[1]))).sum())
    return total


@dataclass(frozen=True, eq=False)
class LayerLatencyModel(RelativeErrors):
    """A latency model fitted to per-layer times; build it with :meth:`fit`.

    ``coefficients`` maps each layer kind (and :data:`REST`) to its features' milliseconds per unit;
    ``loo_errors`` and ``fit_errors`` are the whole-network relative errors (prediction / measured − 1) of each
    design point, left out (all its layers) and in-sample.
    """

    coefficients: Mapping[str, Mapping[str, float]]
    points: pd.DataFrame = field(repr=False)
    loo_errors: np.ndarray = field(repr=False)
    fit_errors: np.ndarray = field(repr=False)

    @classmethod
    def fit(cls, layers: pd.DataFrame) -> LayerLatencyModel:
        """Fit to a per-layer table (:data:`LAYER_COLUMNS`; one row per layer of each design point, plus any
        ``other`` rows, which count in the rest) from one device and runtime."""
        points, design = _checked_design(layers)
        whole = points.latency_ms.to_numpy(dtype=float)
        n = len(points)
        everyone = np.ones(n, dtype=bool)
        coefficients = _fit(design, whole, everyone)
        per_point = [_point_design(a, r) for a, r in zip(points.alpha, points.resolution, strict=True)]
        fitted = np.array([_predict(x, rest, coefficients) for x, rest in per_point])
        left_out = np.empty(n)
        for i in range(n):
            keep = everyone.copy()
            keep[i] = False
            left_out[i] = _predict(*per_point[i], _fit(design, whole, keep))
        named = {
            kind: MappingProxyType(dict(zip(LAYER_FEATURES if kind != REST else REST_FEATURES, map(float, c),
                                            strict=True)))
            for kind, c in coefficients.items()
        }  # fmt: skip
        return cls(MappingProxyType(named), points, left_out / whole - 1, fitted / whole - 1)

    def predict(self, alpha: object, resolution: object) -> np.ndarray:
        """Predicted whole-network latency in ms for each (alpha, resolution) pair, broadcast like NumPy."""
        a = check_alpha_array(alpha, Convention())
        r = check_resolution_array(resolution, Convention())
        a, r = np.broadcast_arrays(a, r)
        coefficients = {kind: np.array(list(c.values())) for kind, c in self.coefficients.items()}
        values = [_predict(*_point_design(float(x), int(y)), coefficients) for x, y in zip(a.ravel(), r.ravel(),
                                                                                         strict=True)]  # fmt: skip
        return np.array(values).reshape(a.shape)

    def describe(self) -> str:
        """The coefficients per kind (µs per layer, ms per million units) and the errors, as text."""
        lines = ["latency_ms = sum over layers of their kind's non-negative terms + rest:"]
        for kind, c in self.coefficients.items():
            terms = ", ".join(
                f"{name} {value * (1 if name == 'constant' else 1e6):.6g}" for name, value in c.items()
            )
            lines.append(f"  {kind:<5} {terms}")
        lines.append("  (constant in ms per layer or per network; the others in ms per million)")
        lines.append(
            f"leave-one-out by design point: {self.loo_within():.1%} of {len(self.loo_errors)} points within "
            f"±{TOLERANCE:.0%}, RMSPE {self.loo_rmspe:.2f} %; in-sample RMSPE {self.fit_rmspe:.2f} %"
        )
        return "\n".join(lines)


def _point_design(alpha: float, resolution: int) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """A design point's layer feature rows by kind, and its rest's feature row."""
    table = layer_features(alpha, resolution)
    by_kind = {
        kind: group[list(LAYER_FEATURES)].to_numpy() for kind, group in table.groupby("kind", sort=False)
    }
    traffic = features([alpha], [resolution]).activation_traffic.iloc[0]
    return by_kind, np.array([1.0, traffic])


def _checked_design(layers: pd.DataFrame) -> tuple[pd.DataFrame, _Design]:
    """The design points (alpha, resolution, latency_ms = whole_ms) and the fit's inputs; clear errors else."""
    require_columns(layers, list(LAYER_COLUMNS), "LayerLatencyModel.fit")
    for column in ("device", "runtime"):
        if column in layers.columns and layers[column].nunique(dropna=True) > 1:
            raise ValueError(f"the per-layer table mixes {column}s; fit one {column} at a time")
    low, high = LATENCY_MS_RANGE
    bounded_array("whole_ms", layers.whole_ms, low, high, f"{low:g} to {high:g} ms")
    bounded_array("time_ms", layers.time_ms, 0.0, high, f"0 to {high:g} ms")
    alphas = check_alpha_array(layers.alpha, Convention())
    resolutions = check_resolution_array(layers.resolution, Convention()).astype(np.int64)
    frame = layers.assign(alpha=alphas, resolution=resolutions)
    kinds: dict[str, list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = {}
    points, rest_x, rest_y = [], [], []
    for index, ((alpha, resolution), group) in enumerate(frame.groupby(["alpha", "resolution"], sort=True)):
        where = f"alpha={alpha:g}, resolution={resolution}"
        if group.whole_ms.nunique() != 1:
            raise ValueError(
                f"whole_ms differs between the rows of {where}; give one whole-network time per point"
            )
        expected = layer_features(alpha, resolution)
        named = group[group.layer != OTHER].set_index("layer")
        if named.index.duplicated().any():
            raise ValueError(f"layer {named.index[named.index.duplicated()][0]!r} repeats at {where}")
        unknown = sorted(set(named.index) - set(expected.layer))
        absent = [name for name in expected.layer if name not in named.index]
        if unknown or absent:
            raise ValueError(
                f"the layers at {where} are not the layer table's: "
                + "; ".join(
                    part
                    for part in (
                        f"unknown {', '.join(unknown[:3])}" if unknown else "",
                        f"missing {', '.join(absent[:3])}" if absent else "",
                    )
                    if part
                )
            )
        times = named.time_ms.reindex(expected.layer).to_numpy(dtype=float)
        for column in ("kind", "macs"):
            if column in named.columns:
                given = named[column].reindex(expected.layer).to_numpy()
                if not (given == expected[column].to_numpy()).all():
                    raise ValueError(
                        f"the {column} column at {where} differs from the layer table's (paper convention)"
                    )
        whole = float(group.whole_ms.iloc[0])
        for kind, rows in expected.groupby("kind", sort=False):
            entry = (rows[list(LAYER_FEATURES)].to_numpy(), times[rows.index], np.full(len(rows), index))
            kinds.setdefault(kind, []).append(entry)
        rest_x.append(_point_design(alpha, resolution)[1])
        rest_y.append(whole - times.sum())
        points.append((alpha, resolution, whole))
    if len(points) < MIN_POINTS:
        raise ValueError(
            f"{len(points)} design point(s) given; the fit and its leave-one-out need at least {MIN_POINTS}"
        )
    design = _Design(
        {
            kind: tuple(np.concatenate(parts) for parts in zip(*entries, strict=True))
            for kind, entries in kinds.items()
        },
        np.array(rest_x),
        np.array(rest_y),
    )
    return pd.DataFrame(points, columns=["alpha", "resolution", "latency_ms"]), design
