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

import numpy as np
import pandas as pd

from costmodel.latency.model import LatencyModel
from costmodel.latency.store import BUILTIN_DATASETS, LatencyStore, builtin_frame

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


def dataset_model(dataset: str, db: str | os.PathLike | None = None) -> LatencyModel:
    """The model fitted to ``dataset``: a built-in one's fitted once, without opening the database (its rows
    never change); a stored one's rows read again on every call (another process may have changed them) and
    refitted only when they changed (:func:`fitted_model`).

    >>> dataset_model("tflite-pixel2-cpu-float") is dataset_model("tflite-pixel2-cpu-float")
    True
    """
    if dataset in BUILTIN_DATASETS:
        return _builtin_model(dataset)
    return fitted_model(LatencyStore(db).load(dataset))


@lru_cache(maxsize=len(BUILTIN_DATASETS))
def _builtin_model(name: str) -> LatencyModel:
    return LatencyModel.fit(builtin_frame(name))


def predicted_band(
    model: LatencyModel, alpha: np.ndarray, resolution: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``model``'s predicted latency and the bounds of its 90 % interval at each (``alpha``, ``resolution``)
    pair (1-D arrays of one length), computed once per model and points: a page that filters one shared grid
    (the design space's search grid) asks for the same points on every request. Read-only arrays.

    >>> model = dataset_model("tflite-pixel2-cpu-float")
    >>> latency, low, high = predicted_band(model, np.array([0.5, 1.0]), np.array([160, 224]))
    >>> bool((low < latency).all() and (latency < high).all()), latency.flags.writeable
    (True, False)
    """
    alpha, resolution = np.asarray(alpha, dtype=float), np.asarray(resolution, dtype=np.int64)
    return _band(model, alpha.tobytes(), resolution.tobytes())


@lru_cache(maxsize=16)
def _band(model: LatencyModel, alpha: bytes, resolution: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    band = model.predict_interval(np.frombuffer(alpha), np.frombuffer(resolution, dtype=np.int64))
    columns = (band[c].to_numpy() for c in ("latency_ms", "latency_low_ms", "latency_high_ms"))
    arrays = tuple(np.array(column, dtype=float) for column in columns)
    for array in arrays:
        array.flags.writeable = False
    return arrays


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
    out = points.copy()
    if mode == "predicted":
        band = dataset_model(dataset, db).predict_interval(
            out.alpha.to_numpy(float), out.resolution.to_numpy()
        )
        low, high = interval_columns(column)
        out[column] = band.latency_ms.to_numpy()
        out[low], out[high] = band.latency_low_ms.to_numpy(), band.latency_high_ms.to_numpy()
        return out
    measured = LatencyStore(db).load(dataset)
    table = measured.groupby(["alpha", "resolution"], as_index=False)["latency_ms"].median()
    keys = pd.DataFrame(
        {"alpha": out.alpha.astype(float).to_numpy(), "resolution": out.resolution.astype("int64").to_numpy()}
    )
    out[column] = keys.merge(table, on=["alpha", "resolution"], how="left")["latency_ms"].to_numpy()
    return out
