"""The LiteRT (.tflite) network against the cost model and an independent count of its constants."""

from __future__ import annotations

import numpy as np
import pytest
from independent_counter import costs, memory

from costmodel.core.convention import Convention
from costmodel.core.report import report
from costmodel.latency.tflite_model import (
    build_layer_tflite,
    build_tflite,
    constant_bytes,
    random_image,
    tflite_filename,
)

Interpreter = pytest.importorskip("ai_edge_litert.interpreter").Interpreter
pytestmark = pytest.mark.filterwarnings("ignore:Warning. Enabling .experimental_preserve_all_tensors.")

CASES = [
    (1.0, 224, {}),
    (0.25, 128, {}),
    (0.75, 97, {"padding": "floor"}),
    (0.5, 161, {"padding": "same", "rounding": "keras"}),
    (0.35, 130, {"rounding": "divisible8", "classes": 1001}),
    (0.5, 96, {"scale_first_layer": False, "fc_bias": False, "classes": 10}),
]
DTYPES = ("float32", "int8")


def loaded(data: bytes):
    interpreter = Interpreter(model_content=data, experimental_preserve_all_tensors=True)
    interpreter.allocate_tensors()
    return interpreter


def independent_bytes(alpha, resolution, dtype, knobs) -> int:
    """Weights at 4 or 1 byte, one float32 or int32 bias per output channel of every conv (BN folded) + fc."""
    knobs = dict(knobs)
    fc_bias = knobs.pop("fc_bias", True)
    classes = knobs.get("classes", 1000)
    weights = costs(alpha, resolution, fc_bias=False, bn="none", **knobs)["params"]
    conv_channels = (
        costs(alpha, resolution, fc_bias=False, bn="trainable", **knobs)["params"] - weights
    ) // 2
    biases = conv_channels + (classes if fc_bias else 0)
    return 4 * (weights + biases) if dtype == "float32" else weights + 4 * biases


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("alpha", "resolution", "knobs"), CASES)
def test_every_tensor_has_the_cost_models_shape_and_the_constants_their_bytes(
    alpha, resolution, knobs, dtype
):
    data = build_tflite(alpha, resolution, dtype=dtype, **knobs)
    interpreter = loaded(data)
    table = report(alpha=alpha, resolution=resolution, **knobs).table
    tensors = {t["name"]: t for t in interpreter.get_tensor_details()}
    (given,) = interpreter.get_input_details()
    first = table.iloc[0]
    assert given["shape"].tolist() == [1, first.in_side, first.in_side, first.in_channels]
    for row in table.itertuples():
        name = "logits" if row.kind == "fc" else row.layer
        expected = (
            [1, row.out_channels] if row.kind == "fc" else [1, row.out_side, row.out_side, row.out_channels]
        )
        assert tensors[name]["shape"].tolist() == expected, row.layer
        assert tensors[name]["dtype"] == np.dtype(dtype), row.layer
    pads = sum(1 for name in tensors if name.endswith("/paddings"))
    assert constant_bytes(data) == independent_bytes(alpha, resolution, dtype, knobs) + 32 * pads
    totals = report(alpha=alpha, resolution=resolution, dtype=dtype, **knobs).totals
    assert constant_bytes(data) - 32 * pads == totals["weight_bytes"]  # the memory model's count
    interpreter.set_tensor(given["index"], random_image(tuple(given["shape"]), dtype))
    interpreter.invoke()
    (output,) = interpreter.get_output_details()
    assert interpreter.get_tensor(output["index"]).shape == (1, table.iloc[-1].out_channels)


@pytest.mark.parametrize(("alpha", "resolution"), [(0.5, 160), (1.0, 193)])
def test_int8_weights_are_per_channel_symmetric_biases_int32_and_nothing_saturates(alpha, resolution):
    interpreter = loaded(build_tflite(alpha, resolution, dtype="int8"))
    given = interpreter.get_input_details()[0]
    interpreter.set_tensor(given["index"], random_image(tuple(given["shape"]), "int8", seed=5))
    interpreter.invoke()
    for detail in interpreter.get_tensor_details():
        name, parameters = detail["name"], detail["quantization_parameters"]
        if name.endswith("/weights"):
            assert detail["dtype"] == np.int8
            axis = 3 if "depthwise" in name else 0
            assert len(parameters["scales"]) == detail["shape"][axis] > 1
            assert parameters["quantized_dimension"] == axis
            assert not parameters["zero_points"].any()
        elif name.endswith("/bias"):
            assert detail["dtype"] == np.int32
        elif name != "input":
            values = interpreter.get_tensor(detail["index"])
            assert values.dtype == np.int8
            scale, zero_point = detail["quantization"]
            if name == "logits":  # calibrated with headroom: no logit at either end
                assert (values > -128).all() and (values < 127).all()
            else:  # the int8 range holds all ReLU6 can give, [0, 6], so no activation can saturate
                assert (-128 - zero_point) * scale <= 0 and (127 - zero_point) * scale >= 6 - scale / 2, name


def test_int8_logits_follow_the_float32_logits():
    outputs = {}
    for dtype in DTYPES:
        interpreter = loaded(build_tflite(0.5, 128, dtype=dtype))
        given = interpreter.get_input_details()[0]
        interpreter.set_tensor(given["index"], random_image(tuple(given["shape"]), dtype, seed=3))
        interpreter.invoke()
        output = interpreter.get_output_details()[0]
        values = interpreter.get_tensor(output["index"]).astype(np.float64)
        scale, zero_point = output["quantization"]
        outputs[dtype] = (values - zero_point) * scale if dtype == "int8" else values
    assert np.corrcoef(outputs["float32"].ravel(), outputs["int8"].ravel())[0, 1] > 0.99


@pytest.mark.parametrize("layer", [0, 1, 2, 3, 27, 28])
def test_a_layer_graph_has_the_layers_shapes_and_weights(layer):
    data = build_layer_tflite(0.75, 160, layer)
    row = report(alpha=0.75, resolution=160).table.iloc[layer]
    interpreter = loaded(data)
    (given,) = interpreter.get_input_details()
    (output,) = interpreter.get_output_details()
    assert given["shape"].tolist() == [1, row.in_side, row.in_side, row.in_channels]
    expected = (
        [1, row.out_channels] if row.kind == "fc" else [1, row.out_side, row.out_side, row.out_channels]
    )
    assert output["shape"].tolist() == expected
    folded_bn_bias = row.out_channels if row.kind in ("conv", "dw", "pw") else 0  # the fc's bias is in params
    assert constant_bytes(data) == 4 * (row.params + folded_bn_bias)
    interpreter.set_tensor(given["index"], random_image(tuple(given["shape"]), "float32"))
    interpreter.invoke()


@pytest.mark.parametrize("layer", [0, 1, 2, 27, 28])
def test_an_int8_layer_graph_is_the_layer_of_the_int8_network(layer):
    whole = loaded(build_tflite(0.5, 128, dtype="int8"))
    alone = loaded(build_layer_tflite(0.5, 128, layer, dtype="int8"))
    row = report(alpha=0.5, resolution=128).table.iloc[layer]
    (given,) = alone.get_input_details()
    assert given["dtype"] == np.int8
    # the input as the network quantizes it there: the image over [0, 1], every later input over ReLU6's [0, 6]
    high = 1.0 if layer == 0 else 6.0
    assert given["quantization"] == pytest.approx((high / 255, -128))
    (output,) = alone.get_output_details()
    by_name = {detail["name"]: detail for detail in whole.get_tensor_details()}
    assert output["quantization"] == by_name[output["name"]]["quantization"]  # Logits: the calibrated range
    biases = row.out_channels  # int32: the folded BN bias of a conv, the fc's own bias (in params) for Logits
    weights = row.params - (biases if row.kind == "fc" else 0)
    assert constant_bytes(build_layer_tflite(0.5, 128, layer, dtype="int8")) == (
        0 if row.kind == "pool" else weights + 4 * biases
    )
    alone.set_tensor(given["index"], random_image(tuple(given["shape"]), "int8"))
    alone.invoke()


def test_a_layer_graph_refuses_a_row_outside_the_table():
    with pytest.raises(ValueError, match="layer=29 is not allowed; give a row of the layer table, 0 to 28"):
        build_layer_tflite(0.5, 128, 29)
    with pytest.raises(ValueError, match="dtype='int4' is not allowed"):
        build_layer_tflite(0.5, 128, 1, dtype="int4")


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="dtype='int4' is not allowed"):
        build_tflite(0.5, 128, dtype="int4")
    with pytest.raises(ValueError, match="smooth"):
        build_tflite(0.5, 128, rounding="smooth")
    with pytest.raises(TypeError, match="unknown knob 'colour'"):
        build_tflite(0.5, 128, colour="red")
    with pytest.raises(TypeError, match="not both"):
        build_tflite(0.5, 128, convention=Convention(), classes=10)


def test_file_names_follow_the_hosted_models():
    assert tflite_filename(0.75, 192) == "mobilenet_v1_0.75_192.tflite"
    assert tflite_filename(0.25, 128, "int8") == "mobilenet_v1_0.25_128_quant.tflite"


@pytest.mark.slow
@pytest.mark.parametrize("dtype", DTYPES)
def test_measure_with_litert_gives_an_importable_table_and_exports_for_benchmark_model(tmp_path, dtype):
    from costmodel.latency.importer import COLUMNS, parse_latency
    from costmodel.latency.measure import measure

    frame = measure([0.25, 0.5], [64], runtime="litert", dtype=dtype, runs=3, warmup=1, progress=False,
                    export_tflite=tmp_path / "phone")  # fmt: skip
    assert list(frame.columns) == list(COLUMNS)
    assert frame.dtype.tolist() == [dtype, dtype] and frame.threads.tolist() == [1, 1]
    assert frame.runtime.str.fullmatch(r"LiteRT \d+\.\d+\.\d+ \(XNNPACK\)").all()
    assert (frame.min_ms <= frame.latency_ms).all() and (frame.latency_ms <= frame.p90_ms).all()
    assert frame.notes.str.contains("; cpu clock;").all()
    suffix = "_quant" if dtype == "int8" else ""
    names = sorted(p.name for p in (tmp_path / "phone").iterdir())
    assert names == [
        "README.md",
        f"mobilenet_v1_0.25_64{suffix}.tflite",
        f"mobilenet_v1_0.5_64{suffix}.tflite",
    ]
    readme = (tmp_path / "phone" / "README.md").read_text()
    assert "benchmark_model --graph=" in readme and "mobilenet-cost latency import benchmark.log" in readme
    data = (tmp_path / "phone" / names[1]).read_bytes()
    assert constant_bytes(data) == independent_bytes(0.25, 64, dtype, {})
    assert parse_latency(frame.to_csv(index=False)).equals(frame)


def test_a_log_of_the_exported_files_imports_with_their_dtype():
    from costmodel.latency.importer import parse_benchmark_log

    name = tflite_filename(0.5, 160, "int8")
    log = f"Graph: [/data/local/tmp/{name}]\nNum threads: [1]\n"
    log += "Inference timings in us: Init: 3141, First inference: 4000, Warmup (avg): 3500, Inference (avg): 3380.5"
    frame = parse_benchmark_log(log, device="phone")
    assert frame[["alpha", "resolution", "dtype", "threads"]].to_numpy().tolist() == [[0.5, 160, "quant", 1]]


def test_measure_refuses_bad_runtime_settings(tmp_path):
    from costmodel.latency.measure import measure

    with pytest.raises(ValueError, match="dtype='int8' is not available with runtime 'onnxruntime'"):
        measure([0.25], [64], dtype="int8")
    with pytest.raises(ValueError, match="runtime='tvm' is not allowed"):
        measure([0.25], [64], runtime="tvm")
    (tmp_path / "other.txt").write_text("keep me")
    with pytest.raises(ValueError, match=r"already holds 1 file.*--force"):
        measure([0.25], [64], runtime="litert", export_tflite=tmp_path)
    with pytest.raises(ValueError, match="already holds 1 file"):
        measure([0.25], [64], export_onnx=tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["other.txt"]


def test_cli_measure_litert_errors_are_one_line(tmp_path, capsys, monkeypatch):
    import importlib.util

    from costmodel.cli import main

    base = ["measure", "--alpha", "0.25", "--resolution", "32", "--no-store", "--no-progress", "--runs", "1"]
    assert main([*base, "--dtype", "int8"]) == 2
    err = capsys.readouterr().err
    assert "--dtype int8 is not available with --runtime onnxruntime" in err and err.count("\n") == 1
    (tmp_path / "x").write_text("")
    assert main([*base, "--runtime", "litert", "--export-tflite", str(tmp_path)]) == 2
    assert "--force" in capsys.readouterr().err
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "ai_edge_litert" else real(name, *a)
    )
    assert main([*base, "--runtime", "litert"]) == 2
    assert "pip install 'mobilenet-costmodel[measure]'" in capsys.readouterr().err


@pytest.mark.slow
def test_cli_measure_litert_int8_stores_a_dataset(tmp_path, capsys):
    from costmodel.cli import main
    from costmodel.latency.store import LatencyStore

    db = tmp_path / "db.sqlite3"
    argv = ["measure", "--runtime", "litert", "--dtype", "int8", "--alpha", "0.25", "--resolution", "32,48"]
    argv += ["--runs", "2", "--warmup", "0", "--no-progress", "--db", str(db), "-o", str(tmp_path / "a.csv")]
    argv += ["--export-tflite", str(tmp_path / "m"), "--force"]
    assert main(argv) == 0
    (name,) = [n for n in LatencyStore(db).names() if n.startswith("litert-int8-")]
    assert LatencyStore(db).load(name).dtype.tolist() == ["int8", "int8"]


def side_sequence(resolution: int, padding: str) -> list[int]:
    """Input sides of the five stride-2 layers (stem, depthwise 2, 4, 6, 12), restated from the paper's table
    and keras.applications: SAME rounds up; keras pads the depthwise ones (0, 1) and runs them VALID (rounds down)."""
    sides, side = [], resolution
    for index in range(5):
        sides.append(side)
        side = -(-side // 2) if padding == "same" or index == 0 else side // 2
    return sides


KNOB_CASES = [
    (0.1, 32, {"input_channels": 1}),
    (0.1, 97, {"padding": "keras", "input_channels": 1}),
    (0.25, 225, {"padding": "keras"}),
    (0.5, 97, {"padding": "keras", "input_channels": 3, "rounding": "keras"}),
    (0.75, 33, {"padding": "keras", "input_channels": 1}),
    (1.5, 320, {"padding": "keras"}),
    (1.5, 191, {"input_channels": 1}),
]


@pytest.mark.slow
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("alpha", "resolution", "knobs"), KNOB_CASES)
def test_input_channels_keras_padding_and_dtype_match_the_report_and_the_memory_model(
    alpha, resolution, knobs, dtype
):
    from ai_edge_litert import schema_py_generated as fb
    from ai_edge_litert.tools import flatbuffer_utils

    data = build_tflite(alpha, resolution, dtype=dtype, **knobs)
    interpreter = loaded(data)
    result = report(alpha=alpha, resolution=resolution, dtype=dtype, **knobs)
    table = result.table
    tensors = {t["name"]: t for t in interpreter.get_tensor_details()}
    (given,) = interpreter.get_input_details()
    channels = knobs.get("input_channels", 3)
    assert given["shape"].tolist() == [1, resolution, resolution, channels] and given["dtype"] == np.dtype(
        dtype
    )
    assert table.iloc[0].in_channels == channels
    for row in table.itertuples():
        name = "logits" if row.kind == "fc" else row.layer
        expected = (
            [1, row.out_channels] if row.kind == "fc" else [1, row.out_side, row.out_side, row.out_channels]
        )
        assert tensors[name]["shape"].tolist() == expected, row.layer
        assert tensors[name]["dtype"] == np.dtype(dtype), row.layer
    # keras: ZeroPadding2D((0, 1), (0, 1)) before a stride-2 depthwise layer stays a PAD op where its side is odd
    padding = knobs.get("padding", "same")
    padded = [
        (layer, side)
        for layer, side in zip(
            ["Conv2d_0", *(f"Conv2d_{b}_depthwise" for b in (2, 4, 6, 12))],
            side_sequence(resolution, padding),
            strict=True,
        )
        if padding == "keras" and layer != "Conv2d_0" and side % 2 == 1
    ]
    model = flatbuffer_utils.convert_bytearray_to_object(bytearray(data))
    codes = [model.operatorCodes[op.opcodeIndex].builtinCode for op in model.subgraphs[0].operators]
    assert codes.count(fb.BuiltinOperator.PAD) == len(padded)
    for layer, side in padded:
        assert tensors[f"{layer}/pad"]["shape"].tolist() == [
            1,
            side + 1,
            side + 1,
            table.set_index("layer").loc[layer].in_channels,
        ]
    assert constant_bytes(data) - 32 * len(padded) == result.totals["weight_bytes"]
    assert result.totals["weight_bytes"] == memory(alpha, resolution, dtype=dtype, **knobs)["weight_bytes"]
    interpreter.set_tensor(given["index"], random_image(tuple(given["shape"]), dtype))
    interpreter.invoke()
    (output,) = interpreter.get_output_details()
    assert interpreter.get_tensor(output["index"]).shape == (1, 1000)
