"""Cross-check: every preset of ``reconcile()`` equals what the real tool prints for the reference model.

The reference PyTorch model is built from costmodel's own layer table; fvcore, ptflops (both backends),
thop, torchinfo and torch's FlopCounterMode are run on it, and their headline count and parameter count
must equal ``reconcile()``'s ``total`` and ``params`` exactly. Needs the ``reconcile`` extra and torch.
"""

from __future__ import annotations

import contextlib
import io
import logging
import warnings
from functools import cache

import pytest
import torch
from fvcore.nn import FlopCountAnalysis, parameter_count
from ptflops import get_model_complexity_info
from thop import profile
from torch.utils.flop_counter import FlopCounterMode
from torchinfo import summary

import costmodel
from costmodel.core.convention import Convention
from costmodel.counting.reference_model import reference_input, reference_model

pytestmark = pytest.mark.slow  # runs the real counting tools

torch.set_num_threads(1)

CONFIGURATIONS = [
    # (alpha, resolution, rounding): alpha below 0.25 with both roundings, above 1, odd sides
    (0.1, 32, "slim"),
    (0.1, 97, "keras"),
    (0.2, 33, "slim"),
    (0.2, 225, "keras"),
    (0.25, 33, "keras"),
    (0.35, 225, "slim"),
    (0.5, 97, "keras"),
    (0.5, 128, "slim"),
    (0.75, 128, "keras"),
    (0.75, 192, "slim"),
    (1.0, 224, "slim"),
    (1.0, 33, "keras"),
    (1.3, 97, "keras"),
    (1.3, 160, "slim"),
    (1.5, 320, "keras"),
    (1.5, 225, "slim"),
    (0.6, 65, "divisible8"),
]
KNOB_CONFIGURATIONS = [
    # (alpha, resolution, knobs): the other knobs the reference model follows
    (0.5, 97, {"classes": 1001}),
    (0.35, 128, {"fc_bias": False, "rounding": "keras"}),
    (0.25, 160, {"scale_first_layer": False, "classes": 120}),
]


def _quietly(function, *args, **kwargs):
    """Run a tool with its prints and warnings silenced."""
    sink = io.StringIO()
    logging.disable(logging.CRITICAL)
    try:
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return function(*args, **kwargs)
    finally:
        logging.disable(logging.NOTSET)


def _fvcore(model, x, side):
    analysis = FlopCountAnalysis(model, x)
    analysis.unsupported_ops_warnings(False)
    analysis.uncalled_modules_warnings(False)
    return analysis.total(), parameter_count(model)[""]


def _ptflops(**backend):
    def count(model, x, side):
        return get_model_complexity_info(
            model, (3, side, side), as_strings=False, print_per_layer_stat=False, **backend
        )

    return count


def _thop(model, x, side):
    return profile(model, inputs=(x,), verbose=False)


def _torchinfo(model, x, side):
    stats = summary(model, input_size=(1, 3, side, side), verbose=0)
    return stats.total_mult_adds, stats.total_params


def _torch_flops(model, x, side):
    with FlopCounterMode(display=False) as counter:
        model(x)
    return counter.get_total_flops(), sum(p.numel() for p in model.parameters())


TOOLS = {
    "fvcore": _fvcore,
    "ptflops": _ptflops(),  # the default backend, "pytorch" in 0.7.5
    "ptflops-aten": _ptflops(backend="aten"),
    "thop": _thop,
    "torchinfo": _torchinfo,
    "torch-flops": _torch_flops,
}


@cache
def measured(alpha, side, convention):
    """Every tool's (total, params) on a freshly built reference model, as exact ints."""
    results = {}
    for name, tool in TOOLS.items():
        model = reference_model(alpha, side, convention)
        with torch.no_grad():
            total, params = _quietly(tool, model, reference_input(side), side)
        assert float(total) == int(total) and float(params) == int(params), (name, total, params)
        results[name] = (int(total), int(params))
    return results


@pytest.mark.parametrize(("alpha", "side", "rounding"), CONFIGURATIONS)
def test_every_preset_matches_its_tool(alpha, side, rounding):
    table = costmodel.reconcile(alpha, resolution=side, rounding=rounding).set_index("convention")
    for name, (total, params) in measured(alpha, side, Convention(rounding=rounding)).items():
        assert (table.loc[name, "total"], table.loc[name, "params"]) == (total, params), name


@pytest.mark.parametrize(("alpha", "side", "knobs"), KNOB_CONFIGURATIONS)
def test_every_preset_matches_its_tool_under_other_knobs(alpha, side, knobs):
    table = costmodel.reconcile(alpha, resolution=side, **knobs).set_index("convention")
    for name, (total, params) in measured(alpha, side, Convention(**knobs)).items():
        assert (table.loc[name, "total"], table.loc[name, "params"]) == (total, params), name


@pytest.mark.parametrize(("alpha", "side", "rounding"), CONFIGURATIONS[:5])
def test_preset_expressions_match_the_tools(alpha, side, rounding):
    from fractions import Fraction

    from costmodel.core.arithmetic import alpha as a
    from costmodel.core.arithmetic import rho

    for name, (total, params) in measured(alpha, side, Convention(rounding=rounding)).items():
        e = costmodel.preset_expressions(name, Convention(rounding=rounding))
        at = {a: Fraction(str(alpha)), rho: Fraction(side, 224)}
        assert (e.totals["total"].subs(at), e.totals["params"].subs(at)) == (total, params), name


def test_reference_model_has_the_layer_tables_parameters():
    """The model's parameter count equals weights + classifier bias + BN γ, β from the cost model."""
    model = reference_model(0.5, 160)
    expected = costmodel.report(0.5, resolution=160, bn="trainable").totals["params"]
    assert sum(p.numel() for p in model.parameters()) == expected


def test_reference_model_output_sides_follow_the_layer_table():
    side = 97
    model = reference_model(0.25, side, Convention(rounding="keras"))
    shapes = costmodel.report(0.25, resolution=side, rounding="keras").table
    x = reference_input(side)
    with torch.no_grad():
        for name, block in model.named_children():
            x = block(x)
            if name in set(shapes.layer):
                row = shapes.set_index("layer").loc[name]
                assert tuple(x.shape[1:]) == (row.out_channels, row.out_side, row.out_side), name
    assert tuple(x.shape) == (1, 1000)


def test_rho_is_snapped_to_the_pixels_the_tools_see():
    table = costmodel.reconcile(0.75, rho=0.714, rounding="keras").set_index("convention")
    assert table.attrs["resolution"] == 160
    for name, (total, params) in measured(0.75, 160, Convention(rounding="keras")).items():
        assert (table.loc[name, "total"], table.loc[name, "params"]) == (total, params), name
