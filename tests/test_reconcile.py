"""reconcile(), the counting presets and ``mobilenet-cost reconcile``, without torch.

Each tool's rule is restated here from its source (read in fvcore 0.1.5.post20221221, ptflops 0.7.5,
thop 0.1.1.post2209072238, torchinfo 1.8.0, torch 2.13.0) on top of the independent counter, not taken
from costmodel; test_reconcile_tools.py checks the same numbers against the tools themselves.
"""

import json
import math
import subprocess
import sys
from fractions import Fraction
from io import StringIO

import pandas as pd
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from independent_counter import BODY, width

import costmodel
from costmodel.cli import main
from costmodel.core.arithmetic import alpha as alpha_symbol
from costmodel.core.arithmetic import rho as rho_symbol

PRESET_NAMES = ["paper", "fvcore", "ptflops", "ptflops-aten", "thop", "torchinfo", "torch-flops"]
TERMS = ["conv", "fc", "bias", "bn", "activation", "pool"]


def tool_counts(alpha, resolution, rounding="slim", scale_first_layer=True, classes=1000, fc_bias=True):
    """(total, params) of every tool on the reference model, from each tool's own rules."""
    alpha = Fraction(str(alpha))
    side, c_in = resolution, 3
    conv_macs = weights = outputs = channels = 0
    for kind, stride, out in BODY:
        side = math.ceil(side / stride)  # Conv2d(padding=k//2)
        if kind == "dw":
            c_out, per_position = c_in, 9 * c_in
        elif kind == "conv":
            c_out = width(out, alpha, rounding) if scale_first_layer else out
            per_position = 9 * c_in * c_out
        else:
            c_out = width(out, alpha, rounding)
            per_position = c_in * c_out
        conv_macs += per_position * side * side
        weights += per_position
        outputs += c_out * side * side  # elements seen by each BatchNorm2d and ReLU6
        channels += c_out
        c_in = c_out
    fc = c_in * classes
    bias = classes if fc_bias else 0
    pool_inputs = c_in * side * side
    macs = conv_macs + fc
    paper_params = weights + fc + bias
    tool_params = paper_params + 2 * channels  # nn.Parameters: BN weight and bias, not running stats
    return {
        # paper: mult-adds of convolutions and the classifier
        "paper": (macs, paper_params),
        # fvcore: conv_flop_jit (no bias), batchnorm_flop_jit in eval with affine = 2 * numel,
        # adaptive_avg_pool2d = input numel; hardtanh and flatten unsupported (not counted)
        "fvcore": (macs + 2 * outputs + pool_inputs, tool_params),
        # ptflops pytorch: conv hook adds output numel for a bias; bn 2 * numel (affine); relu hook numel;
        # pool hook input numel, plus the patched F.adaptive_avg_pool2d input numel again
        "ptflops": (macs + bias + 2 * outputs + outputs + 2 * pool_inputs, tool_params),
        # ptflops aten: aten.convolution with bias adds output numel; nothing else in the graph counted
        "ptflops-aten": (macs + bias, tool_params),
        # thop: calculate_conv2d_flops ignores bias; count_normalization 2 * numel * 2 (affine);
        # ReLU6 zero_ops; count_adap_avgpool (H*W/1 + 1) * output numel
        "thop": (macs + 4 * outputs + (side * side + 1) * c_in, tool_params),
        # torchinfo: Conv layers (weight + bias numel) * output positions; other layers params * batch
        "torchinfo": (macs + bias + 2 * channels, tool_params),
        # torch FlopCounterMode: 2 * MACs of aten.convolution, bias ignored
        "torch-flops": (2 * macs, tool_params),
    }


ROUNDINGS = st.sampled_from(["slim", "keras", "divisible8"])
ALPHAS = st.sampled_from([0.1, 0.2, 0.25, 0.35, 0.5, 0.6, 0.75, 0.9, 1.0, 1.25, 1.3, 1.4, 1.5, 2.0])


@settings(max_examples=60, deadline=None)
@given(alpha=ALPHAS, resolution=st.integers(1, 400), rounding=ROUNDINGS)
def test_reconcile_restates_every_tools_rules(alpha, resolution, rounding):
    table = costmodel.reconcile(alpha, resolution=resolution, rounding=rounding).set_index("convention")
    expected = tool_counts(alpha, resolution, rounding)
    assert {n: (table.loc[n, "total"], table.loc[n, "params"]) for n in PRESET_NAMES} == expected


@pytest.mark.parametrize(
    "knobs", [{"classes": 1001}, {"fc_bias": False}, {"scale_first_layer": False, "classes": 120}]
)
def test_reconcile_follows_the_other_knobs(knobs):
    table = costmodel.reconcile(0.5, resolution=97, **knobs).set_index("convention")
    expected = tool_counts(0.5, 97, **knobs)
    assert {n: (table.loc[n, "total"], table.loc[n, "params"]) for n in PRESET_NAMES} == expected


def test_alpha_one_at_224_in_numbers():
    """Worked by hand from the tool rules: 5,042,688 conv outputs, 10,944 conv channels, 7*7*1024 pool."""
    table = costmodel.reconcile().set_index("convention")
    assert table.total.to_dict() == {
        "paper": 568_740_352,
        "fvcore": 568_740_352 + 2 * 5_042_688 + 50_176,
        "ptflops": 568_740_352 + 1_000 + 3 * 5_042_688 + 2 * 50_176,
        "ptflops-aten": 568_740_352 + 1_000,
        "thop": 568_740_352 + 4 * 5_042_688 + 50 * 1024,
        "torchinfo": 568_740_352 + 1_000 + 2 * 10_944,
        "torch-flops": 2 * 568_740_352,
    }
    assert set(table.params) == {4_210_088, 4_231_976}  # Keras' trainable params for the tools


@pytest.mark.parametrize(("alpha", "resolution", "rounding"), [(1.0, 224, "slim"), (0.2, 33, "keras")])
def test_terms_sum_to_total_and_columns_are_as_documented(alpha, resolution, rounding):
    table = costmodel.reconcile(alpha, resolution=resolution, rounding=rounding)
    assert list(table.columns) == ["convention", "unit", "total", "params", "trainable", *TERMS, "why", "tool"]
    assert list(table.convention) == PRESET_NAMES
    assert (table[TERMS].sum(axis=1) == table.total).all()
    assert set(table.unit) == {"MAC", "FLOP"}
    assert table.set_index("convention").unit["torch-flops"] == "FLOP"
    assert all(isinstance(v, int) for v in table.total.tolist() + table.params.tolist())
    assert table.attrs == {"alpha": alpha, "resolution": resolution, "rho": resolution / 224}


@pytest.mark.parametrize(
    "knobs", [{}, {"rounding": "keras", "bn": "all"}, {"classes": 1001, "fc_bias": False}]
)
def test_paper_preset_is_the_report(knobs):
    paper = costmodel.reconcile(0.75, rho=0.714, presets="paper", **knobs).iloc[0]
    r = costmodel.report(0.75, rho=0.714, **knobs)
    assert (paper.total, paper.params) == (r.totals["macs"], r.totals["params"])


def test_presets_argument_selects_rows_in_order():
    table = costmodel.reconcile(presets=["thop", "paper"])
    assert list(table.convention) == ["thop", "paper"]


@pytest.mark.parametrize("name", PRESET_NAMES[1:])
def test_report_under_a_preset_sums_to_reconcile(name):
    r = costmodel.report(0.35, resolution=97, rounding="keras", convention=name)
    row = costmodel.reconcile(0.35, resolution=97, rounding="keras", presets=name).iloc[0]
    assert r.totals["counted_total"] == row.total == r.table.counted_total.sum()
    assert r.totals["counted_params"] == row.params
    assert [r.totals[f"counted_{t}"] for t in TERMS] == row[TERMS].tolist()
    assert (r.table[[f"counted_{t}" for t in TERMS]].sum(axis=1) == r.table.counted_total).all()
    assert r.preset == name and name in str(r)


def test_report_per_layer_rows_under_ptflops():
    r = costmodel.report(convention="ptflops")
    rows = r.table.set_index("layer")
    # 112*112*32 outputs after the stem: BN 2 each, ReLU6 1 each
    assert rows.loc["Conv2d_0", ["counted_bn", "counted_activation"]].tolist() == [2 * 401_408, 401_408]
    assert rows.loc["Logits", ["counted_fc", "counted_bias"]].tolist() == [1_024_000, 1_000]
    assert rows.loc["AvgPool_1a", "counted_pool"] == 2 * 7 * 7 * 1024


def test_default_report_is_unchanged():
    r = costmodel.report()
    assert r.preset == "paper"
    assert not [c for c in r.table.columns if c.startswith("counted_")]
    assert not [k for k in r.totals if k.startswith("counted_")]


@pytest.mark.parametrize("name", PRESET_NAMES)
@pytest.mark.parametrize(("alpha", "resolution", "rounding"), [(0.2, 97, "keras"), (1.3, 225, "slim")])
def test_preset_expressions_are_exact(name, alpha, resolution, rounding):
    e = costmodel.preset_expressions(name, costmodel.Convention(rounding=rounding))
    row = costmodel.reconcile(alpha, resolution=resolution, rounding=rounding, presets=name).iloc[0]
    point = {alpha_symbol: Fraction(str(alpha)), rho_symbol: Fraction(resolution, 224)}
    assert (e.totals["total"].subs(point), e.totals["params"].subs(point)) == (row.total, row.params)


def test_smooth_expressions_are_closed_forms():
    e = costmodel.preset_expressions("fvcore")
    # fvcore adds 2 per BN element and the pool input: still quadratic in alpha and rho
    assert sympy.Poly(e.smooth["total"], alpha_symbol, rho_symbol).total_degree() == 4
    assert e.smooth["total"].subs({alpha_symbol: 1, rho_symbol: 1}) == 578_875_904
    assert (
        costmodel.preset_expressions("torch-flops").smooth["total"]
        == 2 * costmodel.network_expressions(costmodel.Convention()).smooth["macs"]
    )


@pytest.mark.parametrize("call", [costmodel.reconcile, costmodel.report])
def test_unknown_preset_lists_the_presets(call):
    keyword = "presets" if call is costmodel.reconcile else "convention"
    with pytest.raises(ValueError, match="'flops' is not a counting preset") as error:
        call(**{keyword: "flops"})
    assert all(repr(name) in str(error.value) for name in PRESET_NAMES)


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"padding": "floor"}, ValueError, "padding='floor' has no reference PyTorch model"),
        ({"rounding": "smooth"}, ValueError, "rounding='smooth' has no reference PyTorch model"),
        ({"presets": []}, ValueError, "presets is empty"),
        ({"presets": 3}, TypeError, "presets must be a preset name"),
        ({"presets": [None]}, TypeError, "convention must be a preset name"),
        ({"alpha": 0}, ValueError, "alpha=0 is out of range"),
        ({"resolution": 0}, ValueError, "resolution=0 is out of range"),
        ({"colour": "red"}, TypeError, "unknown knob 'colour'"),
    ],
)
def test_bad_input(kwargs, error, words):
    with pytest.raises(error, match=words.replace("(", r"\(").replace(")", r"\)")):
        costmodel.reconcile(**kwargs)


def test_report_under_a_preset_needs_the_reference_model():
    with pytest.raises(ValueError, match="padding='floor' has no reference PyTorch model"):
        costmodel.report(padding="floor", convention="thop")


def test_counting_does_not_import_torch():
    code = "import sys, costmodel; costmodel.reconcile(); costmodel.report(convention='thop'); print('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def cli(capsys, *args):
    status = main(["reconcile", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_cli_csv_has_the_exact_table(capsys):
    status, out, _ = cli(
        capsys, "--alpha", "0.2", "--resolution", "33", "--rounding", "keras", "--format", "csv"
    )
    assert status == 0
    parsed = pd.read_csv(StringIO(out))
    expected = costmodel.reconcile(0.2, resolution=33, rounding="keras")
    assert parsed[["convention", "total", "params"]].values.tolist() == (
        expected[["convention", "total", "params"]].values.tolist()
    )


def test_cli_json_and_text_and_markdown(capsys):
    _, out, _ = cli(capsys, "--rho", "0.714", "--format", "json", "--presets", "paper,thop")
    payload = json.loads(out)
    assert payload["resolution"] == 160
    assert [p["convention"] for p in payload["presets"]] == ["paper", "thop"]
    assert payload["presets"][0]["total"] == costmodel.report(rho=0.714).totals["macs"]
    _, text, _ = cli(capsys)
    assert "568,740,352" in text and "ptflops-aten" in text and "thop:" in text
    _, markdown, _ = cli(capsys, "--format", "markdown")
    assert "| torch-flops | FLOP | 1,137,480,704 |" in markdown


def test_cli_writes_a_file(capsys, tmp_path):
    target = tmp_path / "reconcile.csv"
    assert cli(capsys, "--format", "csv", "-o", str(target))[0] == 0
    assert pd.read_csv(target).total.tolist() == costmodel.reconcile().total.tolist()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--presets", "paper,flops"], "'flops' is not a counting preset"),
        (["--padding", "floor"], "has no reference PyTorch model"),
        (["--alpha", "-1"], "alpha=-1.0 is out of range"),
    ],
)
def test_cli_bad_input_is_one_line(capsys, args, words):
    status, out, err = cli(capsys, *args)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and words in err


def test_cli_help_has_an_example(capsys):
    with pytest.raises(SystemExit):
        main(["reconcile", "--help"])
    assert "Example: mobilenet-cost reconcile" in capsys.readouterr().out
