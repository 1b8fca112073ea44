"""The symbolic side: closed forms, the snapped input side, compiled functions and the reduction proof."""

import pytest
import sympy

import costmodel
from costmodel.core.arithmetic import alpha, rho
from costmodel.core.reduction import reduction_proof


def test_smooth_closed_forms_restated():
    # MACs = alpha^2 rho^2 (sum of pointwise M*N*D_F^2 at alpha=1) + alpha rho^2 (stem + depthwise)
    #        + alpha (classifier 1024*1000); params likewise without the D_F^2.
    sides = [112, 56, 56, 28, 28, 14, 14, 14, 14, 14, 14, 7, 7]  # output side of each separable block
    pw_in = [32, 64, 128, 128, 256, 256, 512, 512, 512, 512, 512, 512, 1024]
    pw_out = [64, 128, 128, 256, 256, 512, 512, 512, 512, 512, 512, 1024, 1024]
    pw_macs = sum(m * n * s * s for m, n, s in zip(pw_in, pw_out, sides, strict=True))
    dw_macs = sum(9 * m * s * s for m, s in zip(pw_in, sides, strict=True))
    stem_macs = 27 * 32 * 112 * 112
    expected_macs = pw_macs * alpha**2 * rho**2 + (stem_macs + dw_macs) * alpha * rho**2 + 1024_000 * alpha
    expected_params = (sum(m * n for m, n in zip(pw_in, pw_out, strict=True)) * alpha**2
                       + (27 * 32 + 9 * sum(pw_in) + 1024 * 1000) * alpha + 1000)  # fmt: skip
    smooth = costmodel.network_expressions(costmodel.Convention()).smooth
    assert sympy.expand(smooth["macs"] - expected_macs) == 0
    assert sympy.expand(smooth["params"] - expected_params) == 0
    assert smooth["macs"] == 539492352 * alpha**2 * rho**2 + 28224000 * alpha * rho**2 + 1024000 * alpha


@pytest.mark.slow
def test_exact_expression_keeps_the_rounding():
    totals = costmodel.network_expressions(costmodel.Convention(rounding="slim")).totals["macs"]
    assert totals.has(sympy.floor) and totals.has(sympy.ceiling) and totals.has(sympy.Max)
    keras = costmodel.network_expressions(costmodel.Convention(rounding="keras")).totals["macs"]
    assert not keras.has(sympy.Max)
    at = {alpha: sympy.Rational(1, 10), rho: sympy.Rational(1)}
    assert totals.subs(at) == costmodel.report(alpha=0.1).totals["macs"]
    assert keras.subs(at) == costmodel.report(alpha=0.1, rounding="keras").totals["macs"]


def test_per_layer_expressions_equal_the_table():
    r = costmodel.report(alpha=0.75, rho=0.857)
    at = {alpha: sympy.Rational(3, 4), rho: sympy.Rational(857, 1000)}
    for row in r.table.itertuples():
        layer = r.expressions.layers[row.layer]
        assert layer["macs"].subs(at) == row.macs
        assert layer["params"].subs(at) == row.params


def test_reduction_proof_simplifies_exactly():
    proof = reduction_proof()
    d_k, n = sympy.symbols("D_K N", positive=True, integer=True)
    assert proof.holds
    assert sympy.simplify(proof.macs_ratio - (1 / n + 1 / d_k**2)) == 0
    assert sympy.simplify(proof.params_ratio - (1 / n + 1 / d_k**2)) == 0


def test_block_ratios_on_the_real_network():
    from fractions import Fraction

    from costmodel.core.reduction import block_comparison

    blocks = block_comparison(costmodel.report(alpha=0.5, rho=0.714))
    assert len(blocks) == 13 and blocks.matches.all()
    first = blocks.iloc[0]  # 16 -> 32 channels at 80x80
    assert first.standard_macs == 9 * 16 * 32 * 80 * 80
    assert first.separable_macs == (9 * 16 + 16 * 32) * 80 * 80
    assert first.ratio == Fraction(1, 32) + Fraction(1, 9)
