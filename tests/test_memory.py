"""Memory metrics (issue 14): bytes of weights and activations, the peak, traffic and intensity."""

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from independent_counter import memory

import costmodel
from costmodel.core.convention import Convention

alphas = st.floats(min_value=0.1, max_value=1.5, allow_nan=False).map(lambda a: round(a, 4))
sides = st.integers(min_value=32, max_value=320)
knobs = st.fixed_dictionaries(
    {
        "rounding": st.sampled_from(("keras", "slim", "divisible8")),
        "padding": st.sampled_from(("same", "floor", "keras")),
        "scale_first_layer": st.booleans(),
        "classes": st.sampled_from((1000, 1001, 120, 10)),
        "dtype": st.sampled_from(("float32", "float16", "int8")),
        "input_channels": st.sampled_from((1, 3, 4)),
        "planner": st.sampled_from(("chain", "inplace-depthwise")),
        "fc_bias": st.booleans(),
    }
)


def test_the_issue_values():
    # issue 14: alpha = 1, 224 px, 1000 classes, int8
    r = costmodel.report(alpha=1.0, resolution=224, dtype="int8")
    assert r.totals["weight_bytes"] == r.totals["flash_bytes"] == 4_256_864
    assert r.totals["peak_activation_bytes"] == 1_204_224
    assert r.peak_layer == "Conv2d_1_pointwise"


@settings(max_examples=120, deadline=None)
@given(alphas, sides, knobs)
def test_bytes_match_an_independent_counter(alpha, side, knob):
    r = costmodel.report(alpha=alpha, resolution=side, **knob)
    expected = memory(alpha, side, **knob)
    for metric in ("weight_bytes", "peak_activation_bytes", "traffic_bytes"):
        assert r.totals[metric] == expected[metric], metric
    assert r.peak_layer == expected["peak_layer"]
    rows = list(zip(r.table["layer"], r.table["input_bytes"], r.table["output_bytes"], strict=True))
    assert rows == expected["layers"]
    assert r.totals["intensity"] == Fraction(r.totals["macs"], expected["traffic_bytes"])


@settings(max_examples=80, deadline=None)
@given(alphas, sides, knobs)
def test_peak_is_at_least_every_layers_input_and_output(alpha, side, knob):
    r = costmodel.report(alpha=alpha, resolution=side, **{**knob, "planner": "chain"})
    pairs = (r.table.input_bytes + r.table.output_bytes).tolist()
    assert all(r.totals["peak_activation_bytes"] >= pair for pair in pairs)
    assert r.totals["peak_activation_bytes"] == max(r.table.buffer_bytes.tolist())
    if knob["padding"] != "keras":  # no PAD ops: the peak is one layer's input + output
        assert r.totals["peak_activation_bytes"] in set(pairs)


@settings(max_examples=80, deadline=None)
@given(alphas, sides, knobs)
def test_in_place_depthwise_is_never_larger(alpha, side, knob):
    chain = costmodel.report(alpha=alpha, resolution=side, **{**knob, "planner": "chain"})
    in_place = costmodel.report(alpha=alpha, resolution=side, **{**knob, "planner": "inplace-depthwise"})
    assert in_place.totals["peak_activation_bytes"] <= chain.totals["peak_activation_bytes"]
    assert (in_place.table.buffer_bytes <= chain.table.buffer_bytes).all()


@settings(max_examples=60, deadline=None)
@given(alphas, sides, knobs)
def test_bytes_scale_with_the_dtype_size(alpha, side, knob):
    by_dtype = {
        d: costmodel.report(alpha=alpha, resolution=side, **{**knob, "dtype": d}) for d in ("float32", "float16", "int8")
    }
    f32, f16, i8 = (by_dtype[d] for d in ("float32", "float16", "int8"))
    for metric in ("peak_activation_bytes",):
        assert f32.totals[metric] == 2 * f16.totals[metric] == 4 * i8.totals[metric]
    assert (f32.table.input_bytes == 4 * i8.table.input_bytes).all()
    assert (f32.table.output_bytes == 2 * f16.table.output_bytes).all()
    assert f32.totals["weight_bytes"] == 2 * f16.totals["weight_bytes"]
    # int8 keeps int32 biases: weights a quarter, biases the same
    biases = f32.totals["weight_bytes"] - 4 * f32.totals["weights"]
    assert i8.totals["weight_bytes"] == f32.totals["weights"] + biases


@settings(max_examples=60, deadline=None)
@given(alphas, sides, sides, knobs)
def test_weight_bytes_do_not_depend_on_resolution(alpha, side_a, side_b, knob):
    a = costmodel.report(alpha=alpha, resolution=side_a, **knob).totals["weight_bytes"]
    b = costmodel.report(alpha=alpha, resolution=side_b, **knob).totals["weight_bytes"]
    assert a == b


def test_grayscale_input_counts_one_channel_at_the_stem():
    rgb = costmodel.report(alpha=0.25, resolution=96, dtype="int8")
    gray = costmodel.report(alpha=0.25, resolution=96, dtype="int8", input_channels=1)
    assert gray.table.input_bytes[0] == 96 * 96
    assert rgb.table.input_bytes[0] == 3 * 96 * 96
    assert rgb.totals["weight_bytes"] - gray.totals["weight_bytes"] == 2 * 9 * 8  # 8 stem filters, int8


@pytest.mark.slow
def test_expressions_agree_with_the_report():
    from costmodel.core.arithmetic import alpha, rho

    e = costmodel.report(dtype="int8").expressions
    assert e.smooth["weight_bytes"].subs({alpha: 1, rho: 1}) == 4_256_864
    assert e.totals["peak_activation_bytes"].subs({alpha: 1, rho: 1}) == 1_204_224
    assert e.smooth["peak_activation_bytes"].func.__name__ == "Max"


@pytest.mark.slow
def test_evaluate_returns_the_memory_totals():
    frame = costmodel.evaluate(alpha=[0.25, 1.0], resolution=[96, 224], dtype="int8", planner="inplace-depthwise")
    for row in frame.itertuples():
        r = costmodel.report(alpha=row.alpha, resolution=row.resolution, dtype="int8", planner="inplace-depthwise")
        for metric in ("weight_bytes", "flash_bytes", "traffic_bytes", "peak_activation_bytes"):
            assert getattr(row, metric) == r.totals[metric]
        assert row.intensity == float(r.totals["intensity"])


def test_exports_carry_the_new_columns():
    r = costmodel.report(alpha=0.25, resolution=96, dtype="int8")
    header = r.as_csv().splitlines()[0].split(",")
    for column in ("weight_bytes", "input_bytes", "output_bytes", "traffic_bytes", "intensity", "buffer_bytes"):
        assert column in header
    latex = r.as_latex()
    assert "weight bytes" in latex and "Conv2d\\_1\\_pointwise" in latex
    assert '"peak_layer": "Conv2d_1_pointwise"' in r.as_json()


@pytest.mark.parametrize(
    ("knob", "value", "error", "text"),
    [
        ("dtype", "int4", ValueError, "dtype='int4' is not allowed; choose one of 'float32', 'float16', 'int8'"),
        ("dtype", 8, TypeError, "dtype must be a string"),
        ("planner", "greedy", ValueError, "planner='greedy' is not allowed"),
        ("input_channels", 0, ValueError, "input_channels=0 is out of range"),
        ("input_channels", 3.0, TypeError, "input_channels must be a positive integer"),
        ("input_channels", True, TypeError, "input_channels must be a positive integer"),
    ],
)
def test_bad_knobs_are_refused(knob, value, error, text):
    with pytest.raises(error, match=text.replace("(", r"\(")):
        Convention(**{knob: value})
    with pytest.raises(error):
        costmodel.report(**{knob: value})
    with pytest.raises(error):
        costmodel.evaluate(alpha=0.5, **{knob: value})
