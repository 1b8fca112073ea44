"""costmodel.to_torch and costmodel.to_keras: parameter counts and every layer's output shape equal the report."""

import math
import os
import sys

import pytest

import costmodel

torch = pytest.importorskip("torch")

CASES = [  # every rounding and padding, odd sides, alpha below 0.25 and above 1, other knobs
    dict(alpha=0.975, resolution=239, rounding="keras", padding="keras"),
    dict(alpha=0.2, resolution=97, rounding="slim", padding="floor"),
    dict(alpha=1.3, resolution=33, rounding="divisible8", padding="same", classes=10),
    dict(alpha=0.5, resolution=225, rounding="slim", padding="keras", scale_first_layer=False, fc_bias=False),
    dict(alpha=0.1, resolution=32, rounding="keras", padding="floor", classes=1001),
]


def ids(case):
    return "-".join(f"{k}={v}" for k, v in case.items())


def report_of(case, bn):
    knobs = {k: v for k, v in case.items() if k not in ("alpha", "resolution")}
    return costmodel.report(alpha=case["alpha"], resolution=case["resolution"], bn=bn, **knobs)


@pytest.mark.slow  # a forward pass per case, 1-3 s each here
@pytest.mark.parametrize("case", CASES, ids=ids)
def test_to_torch_equals_the_report(case):
    model = costmodel.to_torch(**case)
    report = report_of(case, "trainable")
    assert sum(p.numel() for p in model.parameters()) == report.totals["params"]
    side = case["resolution"]
    x = torch.zeros(1, 3, side, side)
    table = report.table.set_index("layer")
    with torch.no_grad():
        for name, module in model.named_children():
            x = module(x)
            if name in table.index:
                row = table.loc[name]
                assert tuple(x.shape) == (1, row.out_channels, row.out_side, row.out_side), name
                assert sum(p.numel() for p in module.parameters()) == row.params, name
    assert tuple(x.shape) == (1, case.get("classes", 1000))


def test_smooth_has_no_model():
    with pytest.raises(ValueError, match="rounding='smooth' has no model"):
        costmodel.to_torch(rounding="smooth")


@pytest.mark.slow  # importing Keras takes ~10 s
@pytest.mark.parametrize("case", CASES, ids=ids)
def test_to_keras_equals_the_report(case):
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras", reason='pip install "mobilenet-costmodel[frameworks]"')
    model = costmodel.to_keras(**case)
    report = report_of(case, "all")
    assert model.count_params() == report.totals["params"]
    trainable = sum(math.prod(w.shape) for w in model.trainable_weights)
    assert trainable == report_of(case, "trainable").totals["params"]
    table = report.table.set_index("layer")
    for layer in model.layers:
        if layer.name in table.index and isinstance(
            layer, keras.layers.Conv2D | keras.layers.DepthwiseConv2D
        ):
            row = table.loc[layer.name]
            assert tuple(layer.output.shape[1:]) == (row.out_side, row.out_side, row.out_channels), layer.name
            bn = model.get_layer(f"{layer.name}_bn").count_params() if row.kind != "fc" else 0
            assert layer.count_params() + bn == row.params, layer.name


def test_import_costmodel_imports_neither_torch_nor_keras():
    import subprocess

    code = (
        "import sys, costmodel; costmodel.to_torch, costmodel.to_keras, costmodel.reconcile(presets='keras'); "
        "assert not {'torch', 'keras'} & set(sys.modules), sorted({'torch', 'keras'} & set(sys.modules))"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_missing_library_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "keras", None)  # what an uninstalled keras looks like
    with pytest.raises(ImportError, match=r"keras is not installed .*mobilenet-costmodel\[frameworks\]"):
        costmodel.to_keras(alpha=0.5, rounding="slim")
