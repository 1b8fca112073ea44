"""Estimates of top-1 accuracy between the published points, fitted robustly, always labelled as estimates.

The model is a quadratic in ``log α`` and ``log(resolution / 224)`` (six terms, including the
interaction), fitted by least squares. It is smooth, has no more freedom than the grid needs, and
extrapolates gently. Points that disagree with the trend are *flagged, not fitted*: after each fit the
point with the largest leave-one-out residual is set aside if that residual exceeds ``threshold``
(2 top-1 points by default), and the fit is repeated until no point exceeds it. The flagged points are in
:attr:`AccuracyModel.outliers` with the size of their gap; they take no part in the estimate.

Predictions are a DataFrame whose accuracy column is ``top1_pct_estimate`` (never ``top1_pct``), with
``attrs["estimate"] = True`` and an ``extrapolated`` flag for points outside the fitted α/resolution range.

>>> from costmodel.reference.tables import load_table
>>> slim = load_table("slim_checkpoints")
>>> quant = slim[(slim.release == "2018_08_02") & (slim.dtype == "quant")]
>>> model = AccuracyModel.fit(quant)
>>> model.outliers[["alpha", "resolution", "top1_pct", "gap"]].round(2).to_numpy().tolist()
[[0.75, 128.0, 55.8, -4.33]]
>>> model.predict([0.6, 1.0], 200)[["alpha", "resolution", "top1_pct_estimate", "extrapolated"]].round(1)
   alpha  resolution  top1_pct_estimate  extrapolated
0    0.6         200               63.0         False
1    1.0         200               69.2         False

Each estimate comes with a 90 % jackknife+ interval (``top1_pct_low``, ``top1_pct_high``) from leave-one-out
fits of the points kept:

>>> band = model.predict(0.6, 200).iloc[0]
>>> bool(band.top1_pct_low < band.top1_pct_estimate < band.top1_pct_high)
True
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import numpy as np
import pandas as pd

from costmodel.core.architecture import BASE_RESOLUTION
from costmodel.core.convention import Convention
from costmodel.core.design_point import bounded_array, check_alpha_array, check_resolution_array, real_column
from costmodel.output.table import Column, ExportTable, html_block
from costmodel.reference.jackknife import DEFAULT_LEVEL, check_level, jackknife_plus
from costmodel.reference.pareto import require_columns
from costmodel.reference.tables import load_table

TERMS: dict[int, tuple[str, ...]] = {
    1: ("1", "log_alpha", "log_rho"),
    2: ("1", "log_alpha", "log_rho", "log_alpha^2", "log_rho^2", "log_alpha*log_rho"),
}
"""The terms of the model for each degree; ``log_rho`` = log(resolution / 224)."""

DEFAULT_THRESHOLD = 2.0
"""Leave-one-out residual (top-1 points) above which a point is flagged as an outlier."""


def design_matrix(alpha: np.ndarray, resolution: np.ndarray, degree: int) -> np.ndarray:
    """The model's terms evaluated at each point (one row per point)."""
    la = np.log(alpha)
    lr = np.log(resolution / BASE_RESOLUTION)
    columns = [np.ones_like(la), la, lr]
    if degree == 2:
        columns += [la**2, lr**2, la * lr]
    return np.column_stack(columns)


ACCURACY_RANGE = (0.0, 100.0)
"""Accuracies are percentages."""


def _column(df: pd.DataFrame, column: str) -> np.ndarray:
    """A table column as float64, NaN where a cell is missing; a ``TypeError`` naming the column otherwise."""
    try:
        return real_column(f"column {column!r}", df[column])
    except TypeError as error:
        raise TypeError(f"AccuracyModel.fit: {error}") from None


def _loo_residuals(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares coefficients and each point's leave-one-out residual (observed − prediction without it)."""
    coefficients = np.linalg.lstsq(x, y, rcond=None)[0]
    leverage = np.einsum("ij,ji->i", x, np.linalg.pinv(x))
    residual = y - x @ coefficients
    with np.errstate(divide="ignore", invalid="ignore"):
        loo = np.where(leverage < 1 - 1e-9, residual / (1 - leverage), np.nan)
    return coefficients, loo


def robust_fit(x: np.ndarray, y: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients and a mask of the points kept, after setting aside outliers one at a time."""
    keep = np.ones(len(y), dtype=bool)
    while True:
        coefficients, loo = _loo_residuals(x[keep], y[keep])
        if keep.sum() - 1 < x.shape[1] + 2 or np.all(np.isnan(loo)):
            return coefficients, keep
        worst = int(np.nanargmax(np.abs(loo)))
        if abs(loo[worst]) <= threshold:
            return coefficients, keep
        keep[np.flatnonzero(keep)[worst]] = False


@dataclass(frozen=True)
class AccuracyModel:
    """A fitted accuracy trend. Build it with :meth:`fit`; see the module docstring."""

    degree: int
    threshold: float
    coefficients: np.ndarray = field(repr=False)
    alpha_range: tuple[float, float]
    resolution_range: tuple[float, float]
    data: pd.DataFrame = field(repr=False)
    """The points fitted (alpha, resolution, top1_pct) with ``outlier``, ``estimate`` and ``gap`` columns."""
    dropped_missing: int = 0

    @classmethod
    def fit(
        cls,
        df: pd.DataFrame,
        *,
        accuracy: str = "top1_pct",
        degree: int = 2,
        threshold: float = DEFAULT_THRESHOLD,
    ) -> AccuracyModel:
        """Fit the trend to a table with ``alpha``, ``resolution`` and an accuracy column.

        Rows with a missing value are dropped (counted in ``dropped_missing``). Needs at least as many
        distinct (alpha, resolution) points as the model has terms plus two (8 for degree 2, 5 for 1).
        """
        require_columns(df, ["alpha", "resolution", accuracy], "AccuracyModel.fit")
        if isinstance(degree, bool) or degree not in TERMS:
            raise ValueError(f"degree={degree!r} is not allowed; choose 1 or 2")
        if isinstance(threshold, bool) or not (
            isinstance(threshold, int | float) and np.isfinite(threshold) and threshold > 0
        ):
            raise ValueError(
                f"threshold={threshold!r} is not allowed; it must be a positive number of points"
            )
        columns = {name: _column(df, name) for name in ("alpha", "resolution", accuracy)}
        table = pd.DataFrame(columns, index=df.index)
        complete = table.dropna()
        alpha = check_alpha_array(complete["alpha"].to_numpy(), Convention())
        resolution = check_resolution_array(complete["resolution"].to_numpy(), Convention()).astype(
            np.float64
        )
        low, high = ACCURACY_RANGE
        y = bounded_array(
            accuracy, complete[accuracy].to_numpy(), low, high, f"{low:g} to {high:g} (percent)"
        )
        for name, values in (("alpha", alpha), ("resolution", resolution)):
            if len(np.unique(values)) < 2:
                raise ValueError(
                    f"AccuracyModel.fit needs at least 2 distinct {name} values; the table has "
                    f"{len(np.unique(values))} (the trend in {name} cannot be fitted)"
                )
        needed = len(TERMS[degree]) + 2
        distinct = len(set(zip(alpha.tolist(), resolution.tolist(), strict=True)))
        if distinct < needed:
            raise ValueError(
                f"AccuracyModel.fit needs at least {needed} distinct (alpha, resolution) points for degree "
                f"{degree}; the table has {distinct}" + (" (try degree=1)" if degree == 2 else "")
            )
        x = design_matrix(alpha, resolution, degree)
        coefficients, keep = robust_fit(x, y, threshold)
        estimate = x @ coefficients
        data = pd.DataFrame(
            {
                "alpha": alpha,
                "resolution": resolution,
                accuracy: y,
                "top1_pct_estimate": estimate,
                "gap": y - estimate,
                "outlier": ~keep,
            },
            index=complete.index,
        )
        return cls(
            degree=degree,
            threshold=float(threshold),
            coefficients=coefficients,
            alpha_range=(float(alpha[keep].min()), float(alpha[keep].max())),
            resolution_range=(float(resolution[keep].min()), float(resolution[keep].max())),
            data=data,
            dropped_missing=len(table) - len(complete),
        )

    def _repr_html_(self) -> str:
        return accuracy_model_html(self)

    @property
    def outliers(self) -> pd.DataFrame:
        """The flagged points: observed accuracy, the trend's estimate and ``gap`` = observed − estimate."""
        return self.data[self.data["outlier"]].drop(columns="outlier")

    @property
    def terms(self) -> dict[str, float]:
        """Term name → fitted coefficient (top-1 points)."""
        return dict(zip(TERMS[self.degree], self.coefficients.tolist(), strict=True))

    @cached_property
    def _jackknife(self) -> tuple[np.ndarray, np.ndarray]:
        """Leave-one-out coefficients (one row per point kept in the fit) and their residuals, top-1 points."""
        kept = self.data[~self.data["outlier"]]
        x = design_matrix(kept["alpha"].to_numpy(), kept["resolution"].to_numpy(), self.degree)
        y = kept[self.data.columns[2]].to_numpy()
        coefficients = np.array([np.linalg.lstsq(np.delete(x, i, 0), np.delete(y, i), rcond=None)[0]
                                 for i in range(len(y))])  # fmt: skip
        return coefficients, y - np.einsum("ij,ij->i", x, coefficients)

    def predict(self, alpha: object, resolution: object, level: float = DEFAULT_LEVEL) -> pd.DataFrame:
        """Estimated top-1 for every (alpha, resolution) pair, broadcasting like NumPy.

        Returns columns ``alpha``, ``resolution``, ``top1_pct_estimate``, ``extrapolated`` (outside the
        fitted ranges), then ``top1_pct_low`` and ``top1_pct_high``: the jackknife+ interval at ``level``
        (default 90 %) from leave-one-out fits of the points kept (outliers stay out), with
        ``attrs["estimate"] = True``. Inputs are checked like design points: ``0 < alpha <= 4``,
        ``0 < resolution <= 4096`` (any real side: the trend is smooth).
        """
        result = pd.DataFrame(self.predicted(alpha, resolution, level))
        result.attrs = {"estimate": True, "model": repr(self)}
        return result

    def predicted(
        self, alpha: object, resolution: object, level: float = DEFAULT_LEVEL
    ) -> dict[str, np.ndarray]:
        """The columns of :meth:`predict` as NumPy arrays, without the DataFrame (what a request for a point
        or two needs: the frame costs more than the estimate).

        >>> p = published_trend("float").predicted(0.5, 160)
        >>> round(float(p["top1_pct_estimate"][0]), 1), bool(p["extrapolated"][0]), p["resolution"].dtype.kind
        (59.5, False, 'i')
        """
        level = check_level(level)
        a = check_alpha_array(alpha, Convention())
        r = check_resolution_array(resolution, Convention(rounding="smooth"))
        try:
            a, r = (v.ravel() for v in np.broadcast_arrays(a, r))
        except ValueError:
            raise ValueError(
                f"alpha (shape {a.shape}) and resolution (shape {r.shape}) do not broadcast"
            ) from None
        x_new = design_matrix(a, r, self.degree)
        outside = (
            (a < self.alpha_range[0])
            | (a > self.alpha_range[1])
            | (r < self.resolution_range[0])
            | (r > self.resolution_range[1])
        )
        coefficients, residuals = self._jackknife
        low, high = jackknife_plus(coefficients @ x_new.T, residuals, level)
        return {
            "alpha": a,
            "resolution": r.astype(np.int64) if np.all(r == np.round(r)) else r,
            "top1_pct_estimate": x_new @ self.coefficients,
            "extrapolated": outside,
            "top1_pct_low": low,
            "top1_pct_high": high,
        }

    def leave_one_out(self) -> pd.DataFrame:
        """Each fitted point predicted by a robust fit of all the *other* points (same degree, threshold).

        Columns: alpha, resolution, the observed accuracy, ``top1_pct_estimate``, ``error`` (estimate −
        observed) and ``outlier`` (flagged in the full fit).
        """
        accuracy = self.data.columns[2]
        a, r = self.data["alpha"].to_numpy(), self.data["resolution"].to_numpy()
        y = self.data[accuracy].to_numpy()
        x = design_matrix(a, r, self.degree)
        estimates = np.empty(len(y))
        for index in range(len(y)):
            others = np.arange(len(y)) != index
            coefficients, _ = robust_fit(x[others], y[others], self.threshold)
            estimates[index] = x[index] @ coefficients
        return pd.DataFrame(
            {
                "alpha": a,
                "resolution": r,
                accuracy: y,
                "top1_pct_estimate": estimates,
                "error": estimates - y,
                "outlier": self.data["outlier"].to_numpy(),
            },
            index=self.data.index,
        )


def accuracy_model_html(model: AccuracyModel) -> str:
    """The fitted terms, the range it was fitted on and the points it set aside as outliers."""
    rows = tuple({"term": term, "coefficient": f"{value:.4g}"} for term, value in model.terms.items())
    table = ExportTable(columns=(Column("term", "term"), Column("coefficient", "coefficient")), rows=rows)
    outliers = model.outliers
    flagged = ", ".join(
        f"{a:g}-{int(r)} (gap {g:+.2f})"
        for a, r, g in zip(outliers.alpha, outliers.resolution, outliers.gap, strict=True)
    )
    footer = (
        f"top-1 estimate, {'quadratic' if model.degree == 2 else 'linear'} in log α and log(resolution/224), "
        "fitted on "
        f"α {model.alpha_range[0]:g}–{model.alpha_range[1]:g}, resolution "
        f"{model.resolution_range[0]:g}–{model.resolution_range[1]:g}; "
        f"outliers (> {model.threshold:g} points): {flagged or 'none'}. Estimates, not measurements."
    )
    return html_block(
        f"<strong>Accuracy model</strong>{table.to_html(styled=False)}<p><small>{html.escape(footer)}</small></p>",
        "mobilenet-accuracy-model",
    )


TREND_RELEASES: dict[str, str] = {"float": "2018_02_22", "quant": "2018_08_02"}
"""The TF-slim release whose checkpoints the default trend of each precision is fitted to (its most complete grid)."""


@lru_cache(maxsize=2)
def published_trend(dtype: str = "float") -> AccuracyModel:
    """The default accuracy trend of ``dtype`` (``float`` or ``quant``): fitted to one precision of one TF-slim
    release (:data:`TREND_RELEASES`), never to float and quant rows together. The dashboard and ``best
    --estimate`` both use it, so they agree.

    >>> round(float(published_trend("float").predict(0.84, 192)["top1_pct_estimate"].iloc[0]), 1)
    68.3
    """
    if dtype not in TREND_RELEASES:
        raise ValueError(f"dtype={dtype!r} is not allowed; choose from {', '.join(TREND_RELEASES)}")
    slim = load_table("slim_checkpoints")
    return AccuracyModel.fit(slim[(slim.release == TREND_RELEASES[dtype]) & (slim.dtype == dtype)])
