"""mobilenet-cost export: the model file and the report beside it, checked against the report with ==."""

import importlib.util
import json
import math
import os

import pytest

import costmodel
from costmodel.cli import main

POINT = ["--alpha", "0.975", "--resolution", "239", "--rounding", "keras", "--padding", "keras"]
KNOBS = dict(alpha=0.975, resolution=239, rounding="keras", padding="keras")


def exported(tmp_path, framework, name, *extra):
    path = tmp_path / name
    assert main(["export", "--framework", framework, *POINT, "-o", str(path), *extra]) == 0
    beside = json.loads((tmp_path / name).with_suffix(".report.json").read_text())
    assert beside["totals"]["macs"] == costmodel.report(**KNOBS).totals["macs"]
    return path


def test_onnx(tmp_path):
    onnx = pytest.importorskip("onnx")
    model = onnx.load(exported(tmp_path, "onnx", "m.onnx"))
    inferred = onnx.shape_inference.infer_shapes(model)
    sides = {v.name: [d.dim_value for d in v.type.tensor_type.shape.dim] for v in inferred.graph.value_info}
    for row in costmodel.report(**KNOBS).table.itertuples():
        if row.kind in ("conv", "dw", "pw"):
            assert sides[f"{row.layer}/conv"] == [1, row.out_channels, row.out_side, row.out_side], row.layer
    weights = sum(math.prod(t.dims) for t in model.graph.initializer)
    r = costmodel.report(**KNOBS)
    folded = sum(r.table.loc[r.table.kind.isin(["conv", "dw", "pw"]), "out_channels"])
    assert weights == r.totals["params"] + folded


@pytest.mark.slow  # importing torch and tracing take ~8 s here
@pytest.mark.parametrize("torch_format", ["torchscript", "state"])
def test_torch(tmp_path, torch_format):
    torch = pytest.importorskip("torch")
    path = exported(tmp_path, "torch", "m.pt", "--torch-format", torch_format)
    if torch_format == "state":
        state = torch.load(path)
        count = sum(
            v.numel()
            for k, v in state.items()
            if not k.endswith(("running_mean", "running_var", "num_batches_tracked"))
        )
    else:
        count = sum(p.numel() for p in torch.jit.load(path).parameters())
    assert count == costmodel.report(**KNOBS, bn="trainable").totals["params"]


@pytest.mark.slow  # importing Keras takes ~10 s
def test_keras(tmp_path):
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    model = keras.saving.load_model(exported(tmp_path, "keras", "m.keras"))
    assert model.count_params() == costmodel.report(**KNOBS, bn="all").totals["params"]


def test_refuses_an_existing_output_unless_forced(tmp_path, capsys):
    path = tmp_path / "m.onnx"
    path.write_text("keep me")
    assert main(["export", "--framework", "onnx", *POINT, "-o", str(path)]) == 2
    assert "exists; pass --force" in capsys.readouterr().err
    assert path.read_text() == "keep me"
    assert main(["export", "--framework", "onnx", *POINT, "-o", str(path), "--force"]) == 0
    assert path.read_bytes() != b"keep me"


def test_bad_input(tmp_path, capsys, monkeypatch):
    assert main(["export", "--framework", "keras", *POINT, "-o", str(tmp_path / "m.h5")]) == 2
    assert "must end in .keras" in capsys.readouterr().err
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "keras" else real(name, *a)
    )
    assert main(["export", "--framework", "keras", *POINT, "-o", str(tmp_path / "m.keras")]) == 2
    assert "install it with pip install 'mobilenet-costmodel[frameworks]'" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_onnx_takes_the_input_channels_and_refuses_int8(tmp_path, capsys):
    onnx = pytest.importorskip("onnx")
    out = tmp_path / "gray.onnx"
    args = ["export", "--framework", "onnx", "--alpha", "0.25", "--resolution", "96", "--input-channels", "1"]
    assert main([*args, "-o", str(out)]) == 0
    graph = onnx.load(str(out)).graph
    assert [d.dim_value for d in graph.input[0].type.tensor_type.shape.dim] == [1, 1, 96, 96]
    capsys.readouterr()
    code = main(["export", "--framework", "onnx", "--dtype", "int8", "-o", str(tmp_path / "q.onnx")])
    err = capsys.readouterr().err
    assert code == 2 and "float32" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "q.onnx").exists()
