"""Pareto fronts: the rows of a table that no other row beats on both cost (lower) and accuracy (higher).

Works on any cost column: exact MACs, params, printed ``macs_millions``, measured or predicted latency.

Rules, stated once:

- A row is *dominated* when another row costs no more and is at least as accurate, and is strictly better
  in one of the two. The front is every row that is not dominated, sorted by cost (then accuracy, highest
  first).
- Rows with a missing (NaN/None) cost or accuracy are dropped before the comparison; how many is kept in
  ``front.attrs["dropped_missing"]``.
- Exact duplicates (the same cost and the same accuracy) do not dominate each other: if such a point is on
  the front, every row holding it is kept and marked ``duplicate_point=True`` so nothing is silently lost
  and a plot can draw the point once.
- Equal cost with different accuracy: only the most accurate stays. Equal accuracy with different cost:
  only the cheapest stays.

>>> import pandas as pd
>>> df = pd.DataFrame({"name": list("abcdef"), "macs": [10, 20, 20, 30, 30, None],
...                    "top1_pct": [50.0, 60.0, 55.0, 60.0, 70.0, 99.0]})
>>> front = pareto_front(df)
>>> front[["name", "macs", "top1_pct", "duplicate_point"]].to_numpy().tolist()
[['a', 10.0, 50.0, False], ['b', 20.0, 60.0, False], ['e', 30.0, 70.0, False]]
>>> front.attrs["dropped_missing"]
1
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _numeric_column(df: pd.DataFrame, column: str, role: str) -> pd.Series:
    values = df[column]
    if values.dtype == bool or not (pd.api.types.is_numeric_dtype(values) or values.isna().all()):
        raise TypeError(f"{role} column {column!r} must hold numbers; it holds {values.dtype}")
    return values.astype("float64")


def require_columns(df: object, columns: list[str], purpose: str) -> None:
    """Raise ``ValueError`` naming the columns of ``columns`` that ``df`` lacks (``TypeError`` if no table)."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{purpose} needs a pandas DataFrame; got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(
            f"{purpose} needs the column(s) {', '.join(map(repr, missing))}; the table has "
            f"{', '.join(map(str, df.columns)) or 'no columns'}"
        )


def pareto_mask(df: pd.DataFrame, cost: str = "macs", accuracy: str = "top1_pct") -> pd.Series:
    """Boolean Series aligned with ``df``: True for rows on the Pareto front (False for rows with NaN).

    >>> import pandas as pd
    >>> pareto_mask(pd.DataFrame({"macs": [1, 2, 3], "top1_pct": [5.0, 4.0, 6.0]})).tolist()
    [True, False, True]
    """
    require_columns(df, [cost, accuracy], "pareto_front")
    costs = _numeric_column(df, cost, "cost").to_numpy()
    scores = _numeric_column(df, accuracy, "accuracy").to_numpy()
    valid = ~(np.isnan(costs) | np.isnan(scores))
    on_front = np.zeros(len(df), dtype=bool)
    order = np.flatnonzero(valid)
    order = order[np.lexsort((-scores[order], costs[order]))]  # cost ascending, then accuracy descending
    best_score = -np.inf
    best_cost = np.nan
    for index in order:
        if scores[index] > best_score:
            best_score, best_cost = scores[index], costs[index]
            on_front[index] = True
        elif scores[index] == best_score and costs[index] == best_cost:
            on_front[index] = True  # an exact duplicate of a front point
    return pd.Series(on_front, index=df.index, name="on_front")


def pareto_front(df: pd.DataFrame, cost: str = "macs", accuracy: str = "top1_pct") -> pd.DataFrame:
    """The rows of ``df`` on the Pareto front of ``cost`` (lower is better) and ``accuracy`` (higher).

    Returns a copy of those rows sorted by cost, with an added ``duplicate_point`` column, and
    ``attrs``: ``cost``, ``accuracy``, ``dropped_missing`` (rows without a cost or an accuracy).
    Raises ``ValueError`` naming any missing column and ``TypeError`` for a non-numeric one.
    """
    mask = pareto_mask(df, cost, accuracy)
    dropped = int((df[cost].isna() | df[accuracy].isna()).sum())
    front = df[mask].copy()
    front = front.iloc[np.lexsort((-front[accuracy].to_numpy(float), front[cost].to_numpy(float)))]
    front["duplicate_point"] = front.duplicated([cost, accuracy], keep=False).to_numpy()
    front.attrs = {"cost": cost, "accuracy": accuracy, "dropped_missing": dropped}
    return front
