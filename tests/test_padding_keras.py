"""padding="keras": Keras 3's MobileNet rounds its stem up (Conv2D padding="same") and its stride-2 depthwise
layers down (ZeroPadding2D(((0, 1), (0, 1))) + valid); checked without Keras here, against Keras itself in
tests/test_frameworks_keras.py."""

import math

import pytest
import sympy
from independent_counter import costs

import costmodel
from costmodel.core.arithmetic import alpha, rho


def strided_sides(resolution, padding):
    table = costmodel.report(alpha=0.5, resolution=resolution, padding=padding).table
    strided = [
        "Conv2d_0",
        "Conv2d_2_depthwise",
        "Conv2d_4_depthwise",
        "Conv2d_6_depthwise",
        "Conv2d_12_depthwise",
    ]
    return list(table.set_index("layer").loc[strided, "out_side"])


def test_the_issue_example_at_97_pixels():
    # issue 15: Keras' feature maps run 49, 24, 12, 6, 3; "same" gives 49, 25, 13, 7, 4; "floor" 48, 24, 12, 6, 3
    assert strided_sides(97, "keras") == [49, 24, 12, 6, 3]
    assert strided_sides(97, "same") == [49, 25, 13, 7, 4]
    assert strided_sides(97, "floor") == [48, 24, 12, 6, 3]


@pytest.mark.parametrize("side", [31, 32, 33, 97, 224, 225, 239, 320, 1001])
def test_sides_restated(side):
    expected = [math.ceil(side / 2)]
    for _ in range(4):
        expected.append(expected[-1] // 2)
    assert strided_sides(side, "keras") == expected


@pytest.mark.parametrize(("a", "side"), [(0.975, 239), (0.1, 33), (1.4, 97), (0.25, 225), (1.0, 224)])
def test_totals_match_the_independent_counter(a, side):
    totals = costmodel.report(alpha=a, resolution=side, rounding="keras", padding="keras", bn="all").totals
    expected = costs(a, side, rounding="keras", padding="keras", bn="all")
    assert {k: totals[k] for k in expected} == expected


def test_even_sides_that_stay_even_agree_with_same():
    # 224 halves evenly down to 7, so no stride-2 layer sees an odd side: all three rules coincide
    assert costmodel.report(resolution=224, padding="keras").totals == costmodel.report(resolution=224).totals


@pytest.mark.slow
def test_expressions_use_the_same_rule():
    convention = costmodel.Convention(rounding="keras", padding="keras")
    e = costmodel.network_expressions(convention)
    for a, r in [(sympy.Rational(39, 40), 239), (sympy.Rational(1, 2), 97)]:
        at = {alpha: a, rho: sympy.Rational(r, 224)}
        assert (
            e.totals["macs"].subs(at)
            == costmodel.report(alpha=a, resolution=r, rounding="keras", padding="keras").totals["macs"]
        )
    compiled = costmodel.evaluate(alpha=[0.975, 0.5], resolution=[239, 97], rounding="keras", padding="keras")
    assert list(compiled["macs"]) == [
        costs(0.975, 239, rounding="keras", padding="keras")["macs"],
        costs(0.5, 97, rounding="keras", padding="keras")["macs"],
    ]


def test_keras_padding_needs_31_pixels():
    assert costmodel.report(resolution=31, padding="keras").table["out_side"].iloc[-3] == 1
    with pytest.raises(ValueError, match="allowed 31 to 4096 pixels with padding='keras'"):
        costmodel.report(resolution=30, padding="keras")
