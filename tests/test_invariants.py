"""Properties that hold for every design point, checked with hypothesis over alpha 0.1-1.5, sides 32-320."""

from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from independent_counter import costs

import costmodel
from costmodel.core.arithmetic import alpha as alpha_symbol
from costmodel.core.arithmetic import rho as rho_symbol
from costmodel.core.formulas import SUMMED

ROUNDINGS = ("keras", "slim", "divisible8")
alphas = st.floats(min_value=0.1, max_value=1.5, allow_nan=False).map(lambda a: round(a, 4))
sides = st.integers(min_value=32, max_value=320)
roundings = st.sampled_from(ROUNDINGS)
knobs = st.fixed_dictionaries(
    {
        "rounding": roundings,
        "padding": st.sampled_from(("same", "floor", "keras")),
        "scale_first_layer": st.booleans(),
        "classes": st.sampled_from((1000, 1001, 120, 10)),
        "fc_bias": st.booleans(),
        "bn": st.sampled_from(("none", "trainable", "all")),
    }
)


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(alphas, sides, knobs)
def test_totals_match_an_independent_counter(alpha, side, knob):
    totals = costmodel.report(alpha=alpha, resolution=side, **knob).totals
    expected = costs(alpha, side, **knob)
    assert (totals["macs"], totals["params"], totals["activations"]) == (
        expected["macs"],
        expected["params"],
        expected["activations"],
    )
    assert totals["flops"] == 2 * expected["macs"]


@settings(max_examples=100, deadline=None)
@given(alphas, sides, roundings)
def test_layer_rows_sum_to_totals(alpha, side, rounding):
    r = costmodel.report(alpha=alpha, resolution=side, rounding=rounding)
    for metric, layer_metric in SUMMED.items():
        assert int(r.table[layer_metric].sum()) == r.totals[metric]
        assert isinstance(r.totals[metric], int)
    assert r.totals["peak_activation_bytes"] == int(r.table["buffer_bytes"].max())
    assert r.totals["intensity"] == Fraction(r.totals["macs"], r.totals["traffic_bytes"])


@settings(max_examples=100, deadline=None)
@given(alphas, sides, sides, roundings)
def test_params_do_not_depend_on_resolution(alpha, side_a, side_b, rounding):
    a = costmodel.report(alpha=alpha, resolution=side_a, rounding=rounding).totals["params"]
    b = costmodel.report(alpha=alpha, resolution=side_b, rounding=rounding).totals["params"]
    assert a == b


@pytest.mark.slow
@settings(max_examples=100, deadline=None)
@given(alphas, alphas, sides, sides, roundings)
def test_macs_never_decrease_as_alpha_or_resolution_grow(a1, a2, s1, s2, rounding):
    (a_lo, a_hi), (s_lo, s_hi) = sorted((a1, a2)), sorted((s1, s2))
    low = costmodel.report(alpha=a_lo, resolution=s_lo, rounding=rounding).totals["macs"]
    wider = costmodel.report(alpha=a_hi, resolution=s_lo, rounding=rounding).totals["macs"]
    larger = costmodel.report(alpha=a_lo, resolution=s_hi, rounding=rounding).totals["macs"]
    assert low <= wider and low <= larger


@pytest.mark.slow  # sixty vectorised evaluations against sixty reports
@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(alphas, sides), min_size=1, max_size=20), roundings, st.sampled_from(("none", "all"))
)
def test_evaluate_equals_report(points, rounding, bn):
    a = np.array([p[0] for p in points])
    r = np.array([p[1] for p in points])
    frame = costmodel.evaluate(a, r, rounding=rounding, bn=bn)
    for row, (alpha, side) in zip(frame.itertuples(), points, strict=True):
        totals = costmodel.report(alpha=alpha, resolution=side, rounding=rounding, bn=bn).totals
        assert {m: getattr(row, m) for m in totals if m != "intensity"} == {
            m: v for m, v in totals.items() if m != "intensity"
        }
        assert row.intensity == float(totals["intensity"])


@settings(max_examples=60, deadline=None)
@given(st.integers(8, 48), st.integers(1, 10), st.sampled_from(("keras", "slim")))
def test_exact_equals_smooth_where_nothing_is_rounded(k, m, rounding):
    # alpha = k/32 makes every channel count whole (and >= 8); sides that are multiples of 32 halve exactly.
    alpha, side = Fraction(k, 32), 32 * m
    exact = costmodel.report(alpha=alpha, resolution=side, rounding=rounding).totals
    smooth = costmodel.report(alpha=alpha, resolution=side, rounding="smooth").totals
    assert exact == smooth
    closed_form = costmodel.network_expressions(costmodel.Convention()).smooth["macs"]
    value = closed_form.subs({alpha_symbol: sympy.Rational(k, 32), rho_symbol: sympy.Rational(side, 224)})
    assert value == exact["macs"]


@pytest.mark.slow
@settings(max_examples=40, deadline=None)
@given(alphas, st.floats(min_value=0.15, max_value=1.4).map(lambda r: round(r, 3)), roundings)
def test_exact_expressions_equal_report(alpha, rho, rounding):
    r = costmodel.report(alpha=alpha, rho=rho, rounding=rounding)
    at = {alpha_symbol: sympy.Rational(str(alpha)), rho_symbol: sympy.Rational(str(rho))}
    for metric in ("macs", "params", "activations"):
        assert r.expressions.totals[metric].subs(at) == r.totals[metric]
