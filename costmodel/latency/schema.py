"""The latency dataset schema: its columns, which of them identify a measurement, and their dtypes.

Shared by the importers, the store and the measuring harness, so a dataset has one shape wherever it comes from.

>>> dataset_frame([{"alpha": 0.5, "resolution": 160, "latency_ms": 26.8, "device": "Pixel 2"}]).dtypes["resolution"]
dtype('int64')
"""

from __future__ import annotations

import math
import unicodedata

import numpy as np
import pandas as pd

from costmodel.core.design_point import ALPHA_MAX, RESOLUTION_MAX, check_alpha, scalar
from costmodel.core.numbers import parse_decimal, shorten

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
INTEGER_RANGES: dict[str, tuple[int, int]] = {
    "threads": (1, 4096),
    "batch": (1, 1_000_000),
    "runs": (1, 10**9),
}
"""Whole-number columns and the values they accept."""
MAX_TEXT = 500
"""Longest text cell accepted, in characters."""
PROFILE_COLUMNS: tuple[str, ...] = ("alpha", "resolution", "layer", "kind", "macs", "time_ms", "whole_ms")
"""Columns of a per-layer profile (:func:`costmodel.latency.profile.profile_onnx` per design point); all required."""
PROFILE_POINT_COLUMNS: tuple[str, ...] = ("alpha", "resolution", "threads", "dtype")
"""The design point a profile row belongs to: it matches the dataset's measurement with these values."""
STORED_PROFILE_COLUMNS: tuple[str, ...] = (*PROFILE_COLUMNS, "threads", "dtype")
"""Columns of the profiles a dataset stores (:meth:`~costmodel.latency.store.LatencyStore.profiles`)."""
MACS_MAX = 10**15
"""Most MACs one profiled layer may have."""


def has_control_characters(text: str) -> bool:
    """True when ``text`` holds a control or format character (escape sequences, NUL, bidi overrides).

    >>> has_control_characters("Pixel 2"), has_control_characters("\x1b[31mred"), has_control_characters("a\u202eb")
    (False, True, True)
    """
    return any(unicodedata.category(c) in ("Cc", "Cf") for c in text)


def printable(text: object) -> str:
    """``text`` for a terminal or a page: control and format characters shown as ``\\x1b``-style escapes.

    >>> print(printable("\x1b[31mred"))
    \\x1b[31mred
    """
    value = str(text)
    if not has_control_characters(value):
        return value
    return "".join(
        c.encode("unicode_escape").decode("ascii") if unicodedata.category(c) in ("Cc", "Cf") else c
        for c in value
    )


def _number(name: str, raw: object) -> float:
    """A cell (text from a file, or a number from a table) as a float; ``ValueError`` with the reason."""
    if isinstance(raw, str):
        if raw.strip().lower().lstrip("+-") in ("nan", "inf", "infinity"):
            return float(raw)  # refused by the range checks, which say what is allowed
        return float(parse_decimal(name, raw))
    value = scalar(name, raw)
    try:
        return float(value)  # type: ignore[arg-type]
    except OverflowError:
        return math.inf


def check_value(name: str, raw: object, scale: float = 1.0) -> object:
    """One cell of a latency row, checked; ``None`` for an empty optional cell. ``scale`` turns a time cell
    into milliseconds (``1e-3`` for microseconds). Raises ``ValueError`` (or ``TypeError``) saying what is allowed.

    The one row check of every import path: CSV files, ``benchmark_model`` logs, the Python API
    (:meth:`~costmodel.latency.store.LatencyStore.add`) and the dashboard's upload.

    >>> check_value("threads", "4"), check_value("latency_ms", "26800", 1e-3), check_value("device", " Pixel 2 ")
    (4, 26.8, 'Pixel 2')
    >>> check_value("threads", "99999999999999999999999")
    Traceback (most recent call last):
    ValueError: 99999999999999999999999 is not allowed; threads must be a whole number 1 to 4096
    >>> check_value("device", "\x1b[31mred")
    Traceback (most recent call last):
    ValueError: '\\x1b[31mred' holds control characters; device must be printable text
    """
    if (
        raw is None
        or (not isinstance(raw, str) and pd.isna(raw))
        or (isinstance(raw, str) and not raw.strip())
    ):
        if name == "device":
            raise ValueError("empty; give a device column or a device name")
        if name in REQUIRED_COLUMNS or name in PROFILE_COLUMNS:
            raise ValueError("empty; a value is required")
        return None
    if name in TEXT_COLUMNS or name in ("layer", "kind"):
        if not isinstance(raw, str):
            raise TypeError(f"{shorten(raw)} is not text; {name} must be text")
        text = raw.strip()
        if len(text) > MAX_TEXT:
            raise ValueError(f"{len(text):,} characters; the limit is {MAX_TEXT}")
        if has_control_characters(text):
            raise ValueError(
                f"{printable(repr(text))[:60]} holds control characters; {name} must be printable text"
            )
        return text
    shown = raw.strip() if isinstance(raw, str) else shorten(raw)
    try:
        value = _number(name, raw)
    except (ValueError, TypeError) as error:
        raise type(error)(f"{shorten(shown)} is not a number ({str(error).split(': ', 1)[-1]})") from None
    if name == "alpha":
        try:
            check_alpha(value)  # the one α rule, as report() and evaluate() apply it
        except ValueError:
            raise ValueError(f"{shown} is out of range; allowed 0 < alpha <= {ALPHA_MAX}") from None
        return value
    if name in ("resolution", "macs") or name in INTEGER_RANGES:
        low, high = {"resolution": (1, RESOLUTION_MAX), "macs": (0, MACS_MAX)}.get(name) or INTEGER_RANGES[
            name
        ]
        if not (math.isfinite(value) and value == int(value) and low <= value <= high):
            raise ValueError(f"{shown} is not allowed; {name} must be a whole number {low} to {high}")
        return int(value)
    value *= scale
    low, high = LATENCY_MS_RANGE
    if name in ("latency_ms", "whole_ms") and not (math.isfinite(value) and low <= value <= high):
        what = "latency" if name == "latency_ms" else name
        raise ValueError(
            f"{shown} is not allowed; {what} must be a finite number > 0, from {low:g} to {high:g} ms"
        )
    if name not in ("latency_ms", "whole_ms") and not (math.isfinite(value) and 0 <= value <= high):
        raise ValueError(f"{shown} is not allowed; {name} must be a finite number of 0 to {high:g} ms")
    return value


def check_row(where: str, cells: dict[str, tuple[object, float]], problems: list[str]) -> dict:
    """Each ``column: (raw value, scale)`` checked with :func:`check_value`; a problem naming ``where`` and
    the column is appended for each bad cell, which is left out of the returned record."""
    record: dict = {}
    for name, (raw, scale) in cells.items():
        try:
            record[name] = check_value(name, raw, scale)
        except (ValueError, TypeError) as error:
            problems.append(f"{where}, column {name}: {error}")
    return record


def check_frame(
    frame: pd.DataFrame,
    columns: tuple[str, ...] = COLUMNS,
    required: tuple[str, ...] = (*REQUIRED_COLUMNS, "device"),
) -> tuple[list[dict], list[str]]:
    """A table's rows checked with :func:`check_value` (every one of ``columns`` it has; the others are empty):
    the clean records, and one problem per bad cell naming the row (counted from 0) and the column. Profiles
    are checked with ``columns=STORED_PROFILE_COLUMNS, required=PROFILE_COLUMNS``.

    >>> rows = pd.DataFrame({"alpha": [0.25], "resolution": [64], "layer": ["Conv2d_0"], "kind": ["conv"],
    ...                      "macs": [-1], "time_ms": [0.01], "whole_ms": [0.2]})
    >>> check_frame(rows, STORED_PROFILE_COLUMNS, PROFILE_COLUMNS)[1]
    ['row 0, column macs: -1 is not allowed; macs must be a whole number 0 to 1000000000000000']
    """
    if not isinstance(frame, pd.DataFrame):
        return [], [f"the rows must be a pandas DataFrame; got {type(frame).__name__}"]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        return [], [f"the table lacks column(s) {', '.join(missing)}"]
    present = [c for c in columns if c in frame.columns]
    problems: list[str] = []
    records = [
        dict.fromkeys(columns)
        | check_row(f"row {number}", dict(zip(present, ((v, 1.0) for v in row), strict=True)), problems)
        for number, row in enumerate(frame[present].itertuples(index=False, name=None))
    ]
    return records, problems


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


PROFILE_DTYPES: dict[str, str] = {"alpha": "float64", "resolution": "int64", "macs": "int64", "time_ms": "float64",
                                  "whole_ms": "float64", "threads": "Int64"}  # fmt: skip
"""The dtypes of the stored profile columns that are numbers; the others hold text (str, or None where missing)."""


def profile_frame(records: list[dict]) -> pd.DataFrame:
    """Profile records as a DataFrame with :data:`STORED_PROFILE_COLUMNS`, in order, and dtypes (each column
    built once from a plain list: the Explorer asks for every URL change).

    >>> profile_frame([]).dtypes.astype(str).tolist()
    ['float64', 'int64', 'object', 'object', 'int64', 'float64', 'float64', 'Int64', 'object']
    """
    columns = {}
    for name in STORED_PROFILE_COLUMNS:
        values = [record.get(name) for record in records]
        dtype = PROFILE_DTYPES.get(name)
        if dtype == "Int64":
            columns[name] = pd.array(values, dtype=dtype)
        elif dtype is not None:
            columns[name] = np.array(values, dtype=dtype)
        else:  # NaN is missing text too; a Series keeps the object dtype (pandas would infer str from an array)
            columns[name] = pd.Series([None if v is None or v != v else v for v in values], dtype=object)
    return pd.DataFrame(columns)
