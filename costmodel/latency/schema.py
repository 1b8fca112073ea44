"""The latency dataset schema: its columns, which of them identify a measurement, and their dtypes.

Shared by the importers, the store and the measuring harness, so a dataset has one shape wherever it comes from.

>>> dataset_frame([{"alpha": 0.5, "resolution": 160, "latency_ms": 26.8, "device": "Pixel 2"}]).dtypes["resolution"]
dtype('int64')
"""

from __future__ import annotations

import pandas as pd

REQUIRED_COLUMNS: tuple[str, ...] = ("alpha", "resolution", "latency_ms")
TEXT_COLUMNS: tuple[str, ...] = ("device", "runtime", "dtype", "source", "notes")
INTEGER_COLUMNS: tuple[str, ...] = ("threads", "batch", "runs")
SPREAD_COLUMNS: tuple[str, ...] = ("std_ms", "p10_ms", "p90_ms", "min_ms")
OPTIONAL_COLUMNS: tuple[str, ...] = (
    "device", "runtime", "threads", "batch", "dtype", "source", "std_ms", "notes",
    "p10_ms", "p90_ms", "min_ms", "runs",
)  # fmt: skip
COLUMNS: tuple[str, ...] = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
"""Columns of a parsed table, in this order (also the order of an export)."""
KEY_COLUMNS: tuple[str, ...] = ("alpha", "resolution", "device", "runtime", "threads", "batch", "dtype")
"""Two rows with equal values in all these columns are duplicates."""
LATENCY_MS_RANGE = (1e-3, 1e7)
"""Latencies accepted, in ms: from 1 µs to about 3 hours (a smaller or larger one is a unit mistake)."""


def dataset_frame(records: list[dict]) -> pd.DataFrame:
    """Records (dicts keyed by column) as a DataFrame with the schema's columns, in order, and dtypes."""
    frame = pd.DataFrame.from_records(records, columns=list(COLUMNS))
    frame["resolution"] = frame["resolution"].astype("int64")
    for name in INTEGER_COLUMNS:
        frame[name] = frame[name].astype("Int64")
    for name in ("alpha", "latency_ms", *SPREAD_COLUMNS):
        frame[name] = frame[name].astype("float64")
    for name in TEXT_COLUMNS:
        column = frame[name].astype("object")
        frame[name] = column.where(column.notna(), None)
    return frame
