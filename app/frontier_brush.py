"""The Frontier's selection: ranges brushed on its parallel-coordinates view filter the Frontier's points.

A selection maps a dimension (a column of the Frontier's points) to one or more closed ranges. A point is
selected when, on every dimension that has ranges, its value lies inside at least one of them, bounds
included; a point without a value there (no latency, say) is not. In the URL each range is one
``brush_<column>=low,high`` (repeated for several ranges on one axis), both numbers in the column's unit
(α; px; MACs; parameters; % top-1; bytes; ms), read by the shared bounded parser
(:func:`costmodel.core.numbers.parse_decimal`).

>>> ranges, problems = ranges_from_query("?alpha=0.5&brush_macs=1e8,3e8&brush_top1_pct=60,70.5")
>>> ranges, problems
({'macs': ((100000000.0, 300000000.0),), 'top1_pct': ((60.0, 70.5),)}, [])
>>> query_pairs(ranges)
[('brush_macs', '1e08,3e08'), ('brush_top1_pct', '60,70.5')]
>>> ranges_from_query("?brush_alpha=0.75,0.5&brush_flops=1,2")[1]
["brush_alpha: '0.75,0.5' has its low bound above its high bound; write low,high such as 0.5,0.75", "'brush_flops' is not an axis of the selection; allowed: brush_alpha, brush_resolution, brush_macs, brush_params, brush_top1_pct, brush_peak_activation_bytes, brush_flash_bytes, brush_latency_ms"]
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from urllib.parse import parse_qsl

import numpy as np
import pandas as pd

from costmodel.core.numbers import parse_decimal, shorten

DIMENSIONS = {
    "alpha": "α",
    "resolution": "resolution (px)",
    "macs": "MACs",
    "params": "parameters",
    "top1_pct": "top-1 (%)",
    "peak_activation_bytes": "peak RAM (B)",
    "flash_bytes": "flash (B)",
    "latency_ms": "latency (ms)",
}
"""The parallel-coordinates axes, in their order: the Frontier points' column and its axis label."""
PREFIX = "brush_"
KEYS = {PREFIX + column: column for column in DIMENSIONS}
"""The URL key of each dimension's ranges."""
MAX_RANGES = 8
"""Ranges kept per dimension (plotly draws several when the user brushes again beside a range)."""

Ranges = dict[str, tuple[tuple[float, float], ...]]
"""A selection: dimension → its closed ranges ``(low, high)``."""


EXPONENT_SIGN = re.compile(r"(?<=\d)[eE] (?=\d)")
"""An exponent's ``+`` that a query string decoded as a space (``1e+08`` typed in the address bar)."""


def parse_range(key: str, text: str) -> tuple[float, float]:
    """``low,high`` as two floats, or a ``ValueError`` naming ``key``, the text and what is allowed.

    >>> parse_range("brush_alpha", " 0.5, 0.75 ")
    (0.5, 0.75)
    >>> parse_range("brush_macs", "1e 08,3e8")  # a hand-typed 1e+08: a URL's "+" arrives as a space
    (100000000.0, 300000000.0)
    >>> parse_range("brush_macs", "1e99,2")
    Traceback (most recent call last):
    ValueError: brush_macs: '1e99' is too large; allowed: numbers below 1e31 in magnitude
    """
    parts = text.split(",")
    if len(parts) != 2:
        raise ValueError(f"{key}: {shorten(text)} is not a range; write low,high such as 0.5,0.75")
    low, high = (float(parse_decimal(key, EXPONENT_SIGN.sub("e+", part))) for part in parts)
    if low > high:
        raise ValueError(
            f"{key}: {shorten(text)} has its low bound above its high bound; write low,high such as 0.5,0.75"
        )
    return low, high


def ranges_from_query(search: str | None) -> tuple[Ranges, list[str]]:
    """The selection in a query string, and a message for each ``brush_*`` value that was left out."""
    ranges: dict[str, list[tuple[float, float]]] = {}
    problems = []
    for key, text in parse_qsl((search or "").lstrip("?"), keep_blank_values=True):
        if not key.startswith(PREFIX):
            continue
        if key not in KEYS:
            problems.append(f"{shorten(key)} is not an axis of the selection; allowed: {', '.join(KEYS)}")
            continue
        try:
            bounds = parse_range(key, text)
        except ValueError as error:
            problems.append(str(error))
            continue
        kept = ranges.setdefault(KEYS[key], [])
        if len(kept) == MAX_RANGES:
            problems.append(f"{key}: more than {MAX_RANGES} ranges; the first {MAX_RANGES} are kept")
        elif bounds not in kept:
            kept.append(bounds)
    return {column: tuple(kept) for column, kept in ranges.items()}, list(dict.fromkeys(problems))


def _number_text(value: float) -> str:
    """Six significant digits, no ``+`` (it would need escaping in a URL).

    >>> _number_text(123456789.0), _number_text(0.5), _number_text(60.0)
    ('1.23457e08', '0.5', '60')
    """
    return f"{value:.6g}".replace("e+", "e")


def query_pairs(ranges: Mapping[str, Sequence[tuple[float, float]]]) -> list[tuple[str, str]]:
    """The URL pairs of a selection, in :data:`DIMENSIONS` order."""
    return [
        (PREFIX + column, f"{_number_text(low)},{_number_text(high)}")
        for column in DIMENSIONS
        for low, high in ranges.get(column, ())
    ]


def _bounds(value: object) -> tuple[float, float] | None:
    """``(low, high)`` of one ``[a, b]`` plotly sends (finite numbers), else None."""
    if not isinstance(value, list | tuple) or len(value) != 2:
        return None
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value):
        return None
    low, high = sorted(float(v) for v in value)
    return (low, high) if np.isfinite(low) and np.isfinite(high) else None


def with_restyle(ranges: Ranges, restyle_data: object, dimensions: Sequence[str]) -> Ranges | None:
    """The selection after a brush on the parallel-coordinates graph, or None when ``restyle_data`` (Dash's
    ``restyleData``) changes no range.

    Plotly sends ``[{"dimensions[i].constraintrange": value}, [trace]]`` where ``value`` is wrapped once per
    trace: ``[[low, high]]`` for one range, ``[[[a, b], [c, d]]]`` for several, ``null`` when the brush is
    cleared; ``i`` counts ``dimensions`` (the figure's columns, in its order). Each range goes through the
    URL's text and parser, so the page shows exactly what a link to it shows.

    >>> with_restyle({}, [{"dimensions[2].constraintrange": [[1e8, 3e8]]}, [0]], ["alpha", "resolution", "macs"])
    {'macs': ((100000000.0, 300000000.0),)}
    >>> with_restyle({"macs": ((1.0, 2.0),)}, [{"dimensions[2].constraintrange": None}, [0]], ["a", "r", "macs"])
    {}
    >>> with_restyle({}, [{"line.color": "red"}, [0]], ["alpha"]) is None
    True
    """
    if not (isinstance(restyle_data, list) and restyle_data and isinstance(restyle_data[0], dict)):
        return None
    changed = dict(ranges)
    found = False
    for attribute, value in restyle_data[0].items():
        if not (attribute.startswith("dimensions[") and attribute.endswith("].constraintrange")):
            continue
        index = attribute.removeprefix("dimensions[").removesuffix("].constraintrange")
        if not index.isdigit() or int(index) >= len(dimensions):
            continue
        column = dimensions[int(index)]
        found = True
        value = value[0] if isinstance(value, list) and len(value) == 1 else value  # the trace's own value
        pieces = [value] if _bounds(value) is not None else value if isinstance(value, list) else []
        chosen = [b for b in map(_bounds, pieces[:MAX_RANGES]) if b is not None]
        text = "&".join(f"{k}={v}" for k, v in query_pairs({column: chosen}))
        changed.pop(column, None)
        changed.update(ranges_from_query(text)[0])  # only what the URL can carry
    return changed if found else None


def inside(points: pd.DataFrame, ranges: Mapping[str, Sequence[tuple[float, float]]]) -> np.ndarray:
    """A boolean mask of ``points`` inside the selection (every dimension; any of its ranges; bounds in).

    >>> points = pd.DataFrame({"alpha": [0.25, 0.5, 0.75, 1.0], "latency_ms": [1.0, None, 3.0, 4.0]})
    >>> inside(points, {"alpha": ((0.25, 0.25), (0.75, 1.0))}).tolist()
    [True, False, True, True]
    >>> inside(points, {"alpha": ((0.5, 1.0),), "latency_ms": ((0.0, 3.0),)}).tolist()
    [False, False, True, False]
    """
    mask = np.ones(len(points), dtype=bool)
    for column, bounds in ranges.items():
        if not bounds:
            continue
        values = pd.to_numeric(points[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        mask &= np.logical_or.reduce([(values >= low) & (values <= high) for low, high in bounds])
    return mask


def _amount(value: float, column: str) -> str:
    if column in ("macs", "params"):
        return f"{value / 1e6:,.4g} M"
    if column.endswith("_bytes"):
        return f"{value:,.0f}"
    return f"{value:,.4g}"


def selection_text(shown: int, total: int, ranges: Ranges) -> str:
    """The line beside the chart: how many points the selection keeps, and its ranges; empty if none.

    >>> selection_text(3, 20, {"alpha": ((0.5, 1.0),), "macs": ((1e8, 3e8), (5e8, 6e8))})
    'Selection: 3 of 20 points inside α 0.5–1; MACs 100 M–300 M or 500 M–600 M.'
    """
    if not any(ranges.values()):
        return ""
    parts = [
        f"{DIMENSIONS[column]} "
        + " or ".join(f"{_amount(low, column)}–{_amount(high, column)}" for low, high in bounds)
        for column, bounds in ranges.items()
        if bounds
    ]
    return f"Selection: {shown} of {total} points inside {'; '.join(parts)}."
