"""Latency as an axis for other tables (the frontier): measured on a dataset, or predicted by its fitted model.

>>> import pandas as pd, tempfile, os
>>> points = pd.DataFrame({"alpha": [1.0, 0.5, 0.35], "resolution": [224, 160, 224]})
>>> db = os.path.join(tempfile.mkdtemp(), "axis.sqlite3")
>>> with_latency(points, "tflite-pixel2-cpu-float", mode="measured", db=db).latency_ms.tolist()
[160.1, 26.8, nan]
>>> predicted = with_latency(points, "tflite-pixel2-cpu-float", db=db).latency_ms
>>> bool(abs(predicted[0] / 160.1 - 1) < 0.05), bool(predicted.notna().all())
(True, True)
"""

from __future__ import annotations

import os
from functools import lru_cache

import pandas as pd

from costmodel.latency.model import LatencyModel
from costmodel.latency.store import LatencyStore

MODES = ("predicted", "measured")


def interval_columns(column: str) -> tuple[str, str]:
    """The names of the interval's bounds beside a latency column.

    >>> interval_columns("latency_ms")
    ('latency_low_ms', 'latency_high_ms')
    """
    stem = column.removesuffix("_ms")
    return f"{stem}_low_ms", f"{stem}_high_ms"


FIT_COLUMNS = ("alpha", "resolution", "latency_ms", "device", "runtime")
"""What :meth:`LatencyModel.fit` reads of a dataset (the last two only to refuse a mix of devices or runtimes)."""


def fitted_model(measured: pd.DataFrame) -> LatencyModel:
    """:meth:`LatencyModel.fit` of ``measured``, fitted once per distinct set of rows: the pages ask for the same
    dataset's model on every request (a changed dataset is a new set of rows, so it is fitted anew).

    >>> from costmodel.latency.store import builtin_frame
    >>> frame = builtin_frame("tflite-pixel2-cpu-float")
    >>> model = fitted_model(frame)
    >>> model is fitted_model(frame.copy()), model.coefficients == LatencyModel.fit(frame).coefficients
    (True, True)
    """
    columns = tuple(c for c in FIT_COLUMNS if c in measured.columns)
    return _fitted(columns, tuple(measured[list(columns)].itertuples(index=False, name=None)))


@lru_cache(maxsize=16)
def _fitted(columns: tuple[str, ...], rows: tuple[tuple, ...]) -> LatencyModel:
    return LatencyModel.fit(pd.DataFrame(list(rows), columns=list(columns)))


def with_latency(
    points: pd.DataFrame,
    dataset: str,
    *,
    mode: str = "predicted",
    db: str | os.PathLike | None = None,
    column: str = "latency_ms",
) -> pd.DataFrame:
    """A copy of ``points`` (columns ``alpha``, ``resolution``) with a latency column from ``dataset``.

    ``mode="measured"``: the dataset's latency where it has the same (alpha, resolution) (the median of
    repeated rows), NaN elsewhere. ``mode="predicted"``: the :class:`LatencyModel` fitted to the whole
    dataset, for every point, with its 90 % jackknife+ interval in two more columns named after ``column``
    (``latency_low_ms``, ``latency_high_ms`` for the default).
    """
    if mode not in MODES:
        raise ValueError(f"mode={mode!r} is not allowed; choose from {', '.join(MODES)}")
    missing = [c for c in ("alpha", "resolution") if c not in points.columns]
    if missing:
        raise ValueError(f"the table lacks column(s) {', '.join(missing)}; it needs alpha and resolution")
    measured = LatencyStore(db).load(dataset)
    out = points.copy()
    if mode == "predicted":
        band = fitted_model(measured).predict_interval(out.alpha.to_numpy(float), out.resolution.to_numpy())
        low, high = interval_columns(column)
        out[column] = band.latency_ms.to_numpy()
        out[low], out[high] = band.latency_low_ms.to_numpy(), band.latency_high_ms.to_numpy()
        return out
    table = measured.groupby(["alpha", "resolution"], as_index=False)["latency_ms"].median()
    keys = pd.DataFrame(
        {"alpha": out.alpha.astype(float).to_numpy(), "resolution": out.resolution.astype("int64").to_numpy()}
    )
    out[column] = keys.merge(table, on=["alpha", "resolution"], how="left")["latency_ms"].to_numpy()
    return out
