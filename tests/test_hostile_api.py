"""The same hostile values against every public entry point: each is refused with our ``ValueError`` or
``TypeError``, in one short line naming the argument, and nothing runs long or overflows."""

import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

import costmodel
from costmodel.reference.tables import load_table

HOSTILE = [
    True, np.True_, "0.5", None, math.nan, math.inf, -math.inf, 10**400, -1, 0, 1e300, complex(1, 1),
    Decimal("NaN"), Decimal("1e400"), {}, object(), "1e10000000", np.float64("nan"),
]  # fmt: skip


@pytest.fixture(scope="module")
def slim():
    table = load_table("slim_checkpoints")
    return table[(table.release == "2018_02_22") & (table.dtype == "float")]


@pytest.fixture(scope="module")
def accuracy(slim):
    return costmodel.AccuracyModel.fit(slim)


@pytest.fixture(scope="module")
def latency():
    grid = [(a, r) for a in (0.25, 0.5, 0.75, 1.0) for r in (128, 160, 192, 224)]
    frame = pd.DataFrame(grid, columns=["alpha", "resolution"]).assign(latency_ms=[5.0 + i for i in range(16)])
    return costmodel.LatencyModel.fit(frame)


ENTRY_POINTS = {
    "report alpha": (lambda v, **_: costmodel.report(alpha=v, resolution=224), "alpha"),
    "report resolution": (lambda v, **_: costmodel.report(alpha=0.5, resolution=v), "resolution"),
    "report rho": (lambda v, **_: costmodel.report(alpha=0.5, rho=v), "rho"),
    "evaluate alpha": (lambda v, **_: costmodel.evaluate(v, 224), "alpha"),
    "evaluate resolution": (lambda v, **_: costmodel.evaluate(0.5, v), "resolution"),
    "max_resolution alpha": (lambda v, **_: costmodel.max_resolution(v, 3e8), "alpha"),
    "max_resolution budget": (lambda v, **_: costmodel.max_resolution(0.5, v), "macs"),
    "iso_cost_curve budget": (lambda v, **_: costmodel.iso_cost_curve(v, [0.5]), "macs"),
    "best_reference macs": (lambda v, slim, **_: costmodel.best_reference(slim, macs=v), "macs"),
    "best_reference latency": (lambda v, slim, **_: costmodel.best_reference(slim, latency=v), "latency"),
    "best_estimate macs": (lambda v, accuracy, **_: costmodel.best_estimate(accuracy, macs=v), "macs"),
    "best_estimate alpha_step": (
        lambda v, accuracy, **_: costmodel.best_estimate(accuracy, macs=3e8, alpha_step=v), "alpha_step"
    ),
    "AccuracyModel.predict alpha": (lambda v, accuracy, **_: accuracy.predict(v, 224), "alpha"),
    "AccuracyModel.predict resolution": (lambda v, accuracy, **_: accuracy.predict(0.5, v), "resolution"),
    "LatencyModel.predict alpha": (lambda v, latency, **_: latency.predict(v, 224), "alpha"),
    "LatencyModel.predict resolution": (lambda v, latency, **_: latency.predict(0.5, v), "resolution"),
    "with_costs alpha": (lambda v, **_: costmodel.with_costs(pd.DataFrame({"alpha": [v], "resolution": [224]})), "alpha"),
    "with_costs resolution": (
        lambda v, **_: costmodel.with_costs(pd.DataFrame({"alpha": [0.5], "resolution": [v]})), "resolution"
    ),
    "AccuracyModel.fit top1": (
        lambda v, slim, **_: costmodel.AccuracyModel.fit(slim.assign(top1_pct=[v] + [70.0] * (len(slim) - 1))),
        "top1_pct",
    ),
    "LatencyModel.fit latency": (
        lambda v, **_: costmodel.LatencyModel.fit(pd.DataFrame(
            {"alpha": [0.5, 0.75, 1.0], "resolution": [224] * 3, "latency_ms": [v, 2.0, 3.0]})),
        "latency_ms",
    ),
}  # fmt: skip
MISSING_IS_FINE = {
    "AccuracyModel.fit top1": ("None", "nan", "nan", "NaN", "0"),
    **{entry: ("None", "nan", "NaN") for entry in ("with_costs alpha", "with_costs resolution")},
    **{entry: ("None",) for entry in ("report resolution", "report rho", "evaluate resolution")},
}
"""``str()`` of values that are fine there: a missing accuracy is a dropped row, a missing alpha or resolution
a row without costs, ``None`` the default side (224) or ρ, and 0 % a possible accuracy."""


@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
@pytest.mark.parametrize("value", HOSTILE, ids=lambda v: type(v).__name__ + ":" + repr(v)[:20])
def test_hostile_values_are_refused_naming_the_argument(entry, value, slim, accuracy, latency):
    call, name = ENTRY_POINTS[entry]
    if str(value) in MISSING_IS_FINE.get(entry, ()):
        return
    with pytest.raises((ValueError, TypeError)) as caught:
        call(value, slim=slim, accuracy=accuracy, latency=latency)
    message = str(caught.value)
    assert type(caught.value) in (ValueError, TypeError), type(caught.value)
    assert name in message and "\n" not in message and len(message) < 400, message


def test_a_fine_alpha_step_is_refused_by_the_grid_limit_not_run(accuracy):
    with pytest.raises(ValueError, match=r"best_estimate\(alpha_step=1e-07\).* more than the limit of"):
        costmodel.best_estimate(accuracy, macs=3e8, alpha_step=1e-7)


@pytest.mark.parametrize(
    ("change", "needle"),
    [({"top1_pct": -5.0}, "top1_pct"), ({"top1_pct": 150.0}, "top1_pct"), ({"top1_pct": math.inf}, "top1_pct"),
     ({"alpha": 1e9}, "alpha"), ({"alpha": 0.5}, "2 distinct alpha"), ({"resolution": 224}, "2 distinct resolution"),
     ({"resolution": 224.7}, "whole pixels"), ({"alpha": "x"}, "column 'alpha'"), ({"alpha": True}, "column 'alpha'")],
)  # fmt: skip
def test_accuracy_fit_refuses_bad_tables(slim, change, needle):
    (column, value), = change.items()
    table = slim.copy()
    if needle.startswith("2 distinct"):
        table[column] = value
    else:
        table[column] = table[column].astype(object)
        table.iloc[0, table.columns.get_loc(column)] = value
    with pytest.raises((ValueError, TypeError), match=needle):
        costmodel.AccuracyModel.fit(table)


@pytest.mark.parametrize("option", [{"degree": True}, {"threshold": True}, {"degree": 2.5}, {"threshold": -1}])
def test_bools_are_not_numbers_in_fit_options(slim, option):
    with pytest.raises(ValueError, match=next(iter(option))):
        costmodel.AccuracyModel.fit(slim, **option)


def test_fractional_resolution_is_refused_not_truncated():
    with pytest.raises(ValueError, match=r"resolution\[0\]=224.7 is out of range; allowed whole pixels"):
        costmodel.with_costs(pd.DataFrame({"alpha": [1.0], "resolution": [224.7]}))
    with pytest.raises(ValueError, match="whole pixels"):
        costmodel.evaluate(1.0, 224.7)


def test_empty_search_names_the_argument(accuracy):
    with pytest.raises(ValueError, match="resolutions is empty"):
        costmodel.best_estimate(accuracy, macs=3e8, resolutions=[])
    with pytest.raises(ValueError, match="no row has all of alpha, resolution, top1_pct"):
        costmodel.best_reference(pd.DataFrame({"alpha": [], "resolution": [], "top1_pct": []}), macs=3e8)


@pytest.mark.parametrize("half", [0.5, Fraction(1, 2), Decimal("0.5"), np.float64(0.5), np.float32(0.5), np.array(0.5)])
def test_every_kind_of_real_number_is_taken_alike(half):
    assert costmodel.report(alpha=half, resolution=160).totals == costmodel.report(alpha=0.5, resolution=160).totals
    assert costmodel.max_resolution(half, 3e8) == costmodel.max_resolution(0.5, 3e8)
    assert costmodel.evaluate(half, 160)["macs"].tolist() == costmodel.evaluate(0.5, 160)["macs"].tolist()


@pytest.mark.parametrize("side", [160, np.int64(160), np.array(160), np.int32(160)])
def test_every_kind_of_integer_side_is_taken_alike(side):
    assert costmodel.report(alpha=0.5, resolution=side).totals == costmodel.report(alpha=0.5, resolution=160).totals


@pytest.mark.parametrize("budget", [3e8, 300_000_000, Fraction(3 * 10**8), Decimal("3e8"), np.float64(3e8), np.array(3e8)])
def test_every_kind_of_budget_is_taken_alike(budget):
    assert costmodel.max_resolution(0.5, budget) == costmodel.max_resolution(0.5, 3e8)


def test_broadcast_errors_name_the_arguments(accuracy, latency):
    for call in (lambda: accuracy.predict([0.5, 1.0], [160, 192, 224]), lambda: latency.predict([0.5, 1.0], [160, 192, 224]),
                 lambda: costmodel.evaluate([0.5, 1.0], [160, 192, 224])):  # fmt: skip
        with pytest.raises(ValueError, match=r"alpha .*resolution .*do not broadcast"):
            call()


def test_broadcast_products_are_bounded():
    with pytest.raises(ValueError, match="more than the limit"):
        costmodel.evaluate(np.full((10_000, 1), 0.5), np.full((1, 4_000), 224))


@pytest.mark.parametrize(
    ("argv", "limit"),
    [(["sweep", "--alpha", "0.1:2:0.00001", "--resolution", "1:4096:1"], "10,000,000"),
     (["grid", "--alpha", "0.1:2:0.001", "--resolution", "1:4096:1"], "100,000")],
)  # fmt: skip
def test_sweep_and_grid_bound_the_product_of_their_lists(argv, limit, capsys):
    from costmodel.cli import main

    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"more than the limit of {limit}" in err and "4,096" in err
