"""Pareto fronts: checked against a brute-force dominance test, plus ties, duplicates and missing values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from costmodel import load_table, pareto_front, pareto_mask


def dominated(costs, scores, i) -> bool:
    return any(
        costs[j] <= costs[i] and scores[j] >= scores[i] and (costs[j] < costs[i] or scores[j] > scores[i])
        for j in range(len(costs))
    )


small = st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6) | st.none()), min_size=0, max_size=25)


@given(small)
def test_front_is_exactly_the_non_dominated_rows(points):
    df = pd.DataFrame(points, columns=["macs", "top1_pct"], dtype="float64")
    mask = pareto_mask(df)
    valid = df.dropna()
    costs, scores = valid["macs"].tolist(), valid["top1_pct"].tolist()
    expected = {index for k, index in enumerate(valid.index) if not dominated(costs, scores, k)}
    assert set(df.index[mask]) == expected


def test_duplicates_are_kept_and_flagged_and_ties_resolved():
    df = pd.DataFrame(
        {"name": list("abcdefg"), "cost": [1, 1, 2, 2, 3, 3, 4], "acc": [5.0, 5.0, 6.0, 4.0, 6.0, 7.0, 7.0]}
    )
    front = pareto_front(df, cost="cost", accuracy="acc")
    assert front["name"].tolist() == ["a", "b", "c", "f"]
    assert front["duplicate_point"].tolist() == [True, True, False, False]
    assert front.attrs == {"cost": "cost", "accuracy": "acc", "dropped_missing": 0}


def test_missing_values_are_dropped_and_counted():
    df = pd.DataFrame({"macs": [1.0, np.nan, 3.0, 4.0], "top1_pct": [50.0, 90.0, np.nan, 60.0]})
    front = pareto_front(df)
    assert front.index.tolist() == [0, 3] and front.attrs["dropped_missing"] == 2


def test_front_of_hosted_latency_is_sorted_and_monotone():
    hosted = load_table("tflite_hosted_latency").query(
        "table_version == 'hosted_pixel3' and dtype == 'float'"
    )
    front = pareto_front(hosted, cost="tflite_cpu_ms")
    assert front["tflite_cpu_ms"].is_monotonic_increasing
    assert front["top1_pct"].is_monotonic_increasing
    assert "Mobilenet_V1_1.0_224" in set(front["model"])


def test_missing_and_non_numeric_columns():
    df = pd.DataFrame({"macs": [1, 2], "name": ["x", "y"]})
    with pytest.raises(ValueError, match=r"'top1_pct'.*the table has macs, name"):
        pareto_front(df)
    with pytest.raises(TypeError, match="accuracy column 'name' must hold numbers"):
        pareto_front(df, accuracy="name")
    with pytest.raises(TypeError, match="DataFrame"):
        pareto_front([1, 2])
