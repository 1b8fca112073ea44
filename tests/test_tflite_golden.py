"""Golden checks against real TF Lite files of ``keras.applications.MobileNet`` (no TensorFlow needed).

``tests/data/tflite_golden.json`` was written by ``scripts/make_tflite_golden.py`` (TensorFlow 2.21.0, Keras
3.15.1, in a venv of its own; the versions are in the file). For each configuration it holds the Keras model's
parameter counts and layer shapes and, for a float32 and an int8 ``.tflite`` file, every tensor, op and
constant buffer. The tests below first restate from the Keras source (``keras/src/applications/mobilenet.py``)
what the files must show, independently of costmodel, and assert it with ``==``; then they compare the cost
model with the files byte for byte: shapes, parameters, ``weight_bytes``, per-layer ``input_bytes`` /
``output_bytes`` and ``peak_activation_bytes``.

What the converter does that a reader of the cost model should know (docs/memory.md, "Checked against TF Lite
files"): Keras pads every stride-2 depthwise layer with ``ZeroPadding2D(((0, 1), (0, 1)))``; where that layer's input
side is odd the converter keeps it as a PAD op with its own (side + 1)² tensor (at an even side it folds it
into a SAME depthwise op); the classifier stays a 1×1 CONV_2D; the global average
pool becomes MEAN, and disappears when the last feature map is already 1×1; with the converter's default
float input and output an int8 file starts with QUANTIZE and ends with DEQUANTIZE.
"""

import json
import math
from pathlib import Path

import pytest
from independent_counter import BODY, width

import costmodel

DATA = Path(__file__).parent / "data"
GOLDEN = json.loads((DATA / "tflite_golden.json").read_text())
CONFIGS = GOLDEN["configs"]
IDS = [f"a{c['alpha']}-r{c['resolution']}-c{c['classes']}" for c in CONFIGS]
FILES = [(c, kind) for c in CONFIGS for kind in ("float32", "int8", "int8_float_io") if kind in c]
FILE_IDS = [f"a{c['alpha']}-r{c['resolution']}-c{c['classes']}-{kind}" for c, kind in FILES]
# the files the cost model describes: its int8 input is the int8 file's input tensor (no QUANTIZE op)
MODEL_FILES = [f for f in FILES if f[1] != "int8_float_io"]
MODEL_FILE_IDS = [f"a{c['alpha']}-r{c['resolution']}-c{c['classes']}-{kind}" for c, kind in MODEL_FILES]

# bytes per value: (weights, biases, activations) as TF Lite stores them
SIZES = {"float32": (4, 4, 4), "int8": (1, 4, 1), "int8_float_io": (1, 4, 1)}
ACTIVATION_OPS = {"CONV_2D", "DEPTHWISE_CONV_2D"}


# ---------------------------------------------------------------------------------------------------------------
# The independent restatement: Keras 3's MobileNet, layer by layer


def keras_chain(alpha, resolution, classes):
    """The layers of keras.applications.MobileNet with their sides and channels (Keras' rules, restated).

    Channels are ``int(d * alpha)`` (float arithmetic, as Keras computes them). The stem is a 3×3 stride-2
    ``Conv2D(padding="same")``: out = ceil(in / 2). A stride-2 depthwise layer is ``ZeroPadding2D(((0, 1),
    (0, 1)))`` then a valid 3×3 stride-2 ``DepthwiseConv2D``: (in + 1 - 3) // 2 + 1 = floor(in / 2).

    ``padded`` is the ZeroPadding2D layer's side; ``pad_op`` the side of the PAD op in the ``.tflite`` file,
    which the converter keeps only where the input side is odd: at an even side, padding 0 before and 1 after
    is what TF's SAME padding does, and the converter folds the pad into a SAME depthwise op.
    """
    side, c_in = resolution, 3
    layers = []
    for index, (kind, stride, out) in enumerate(BODY):
        block = (index + 1) // 2
        name = (
            "Conv2d_0" if kind == "conv" else f"Conv2d_{block}_{'depthwise' if kind == 'dw' else 'pointwise'}"
        )
        c_out = c_in if kind == "dw" else width(out, alpha, "keras")
        padded = pad_op = None
        if kind == "conv":
            out_side = math.ceil(side / 2)
        elif stride == 2:
            padded = side + 1
            pad_op = padded if side % 2 else None
            out_side = (padded - 3) // 2 + 1
        else:
            out_side = side
        weights = {"conv": 9 * c_in * c_out, "dw": 9 * c_in, "pw": c_in * c_out}[kind]
        layers.append(dict(name=name, kind=kind, stride=stride, in_side=side, in_channels=c_in, padded=padded,
                           pad_op=pad_op, out_side=out_side, out_channels=c_out, weights=weights, biases=c_out))  # fmt: skip
        side, c_in = out_side, c_out
    layers.append(dict(name="AvgPool_1a", kind="pool", stride=1, in_side=side, in_channels=c_in, padded=None,
                       pad_op=None, out_side=1, out_channels=c_in, weights=0, biases=0))  # fmt: skip
    layers.append(dict(name="Logits", kind="fc", stride=1, in_side=1, in_channels=c_in, padded=None, pad_op=None,
                       out_side=1, out_channels=classes, weights=c_in * classes, biases=classes))  # fmt: skip
    return layers


def convs(chain):
    """The layers that are a CONV_2D or DEPTHWISE_CONV_2D op in the file (the classifier is a 1×1 CONV_2D)."""
    return [layer for layer in chain if layer["kind"] != "pool"]


def expected_opcodes(chain, kind):
    """The op sequence the converter writes for the Keras graph (batch size left dynamic, hence SHAPE...)."""
    ops = ["QUANTIZE"] if kind == "int8_float_io" else []
    for layer in chain:
        if layer["pad_op"]:
            ops.append("PAD")
        if layer["kind"] == "pool":
            if layer["in_side"] > 1:  # a mean over a 1×1 map is the identity, and the converter drops it
                ops.append("MEAN")
        else:
            ops.append("DEPTHWISE_CONV_2D" if layer["kind"] == "dw" else "CONV_2D")
    ops += ["SHAPE", "STRIDED_SLICE", "PACK", "RESHAPE", "SOFTMAX"]
    return ops + (["DEQUANTIZE"] if kind == "int8_float_io" else [])


def act_bytes(side, channels, size):
    return side * side * channels * size


def layer_io(chain, kind):
    """(name, input bytes, output bytes) per layer of the model, the input image counted at the stem.

    A stride-2 depthwise layer's input is its unpadded input: the cost model's layer, with Keras' PAD folded in.
    """
    size = SIZES[kind][2]
    return [(layer["name"], act_bytes(layer["in_side"], layer["in_channels"], size),
             act_bytes(layer["out_side"], layer["out_channels"], size)) for layer in chain]  # fmt: skip


# ---------------------------------------------------------------------------------------------------------------
# Reading the recorded file


def tensor(file, index):
    name, shape, dtype, nbytes, buffer, buffer_bytes = file["tensors"][index]
    return dict(name=name, shape=shape, dtype=dtype, bytes=nbytes, buffer=buffer, buffer_bytes=buffer_bytes)


def activations(file, indices):
    return [tensor(file, i) for i in indices if tensor(file, i)["buffer"] is None]


def op_io_bytes(file, op):
    """Bytes of an op's activation inputs (constants left out) plus its outputs."""
    _, inputs, outputs = op
    return sum(t["bytes"] for t in activations(file, inputs)) + sum(tensor(file, i)["bytes"] for i in outputs)


def file_layer_io(file):
    """(input bytes, output bytes) of each model layer as the file stores it, a PAD folded into its depthwise op."""
    rows, pad_input = [], None
    for name, inputs, outputs in file["ops"]:
        if name == "PAD":
            pad_input = activations(file, inputs)[0]["bytes"]
            continue
        if name in ACTIVATION_OPS | {"MEAN"}:
            (first,) = activations(file, inputs)
            rows.append((name, pad_input if pad_input is not None and name == "DEPTHWISE_CONV_2D" else first["bytes"],
                         tensor(file, outputs[0])["bytes"]))  # fmt: skip
            pad_input = None
    return rows


# ---------------------------------------------------------------------------------------------------------------
# The files against the restatement (no costmodel)


def test_the_golden_file_records_its_generator():
    generator = GOLDEN["generator"]
    assert generator["tensorflow"] == "2.21.0" and generator["keras"] == "3.15.1"
    assert "make_tflite_golden.py" in generator["command"]
    assert len(CONFIGS) >= 20
    assert {c["resolution"] % 2 for c in CONFIGS} == {0, 1}
    assert min(c["alpha"] for c in CONFIGS) < 0.25 and max(c["alpha"] for c in CONFIGS) > 1


@pytest.mark.parametrize("config", CONFIGS, ids=IDS)
def test_keras_parameter_counts_follow_the_keras_source(config):
    chain = keras_chain(config["alpha"], config["resolution"], config["classes"])
    weights = sum(layer["weights"] for layer in chain)
    bn_channels = sum(layer["out_channels"] for layer in chain if layer["kind"] in ("conv", "dw", "pw"))
    # count_params: conv weights, conv_preds bias, and gamma, beta, moving mean, variance of every BN layer
    assert config["keras"]["count_params"] == weights + config["classes"] + 4 * bn_channels
    assert config["keras"]["trainable"] == weights + config["classes"] + 2 * bn_channels


@pytest.mark.parametrize("config", CONFIGS, ids=IDS)
def test_keras_layer_shapes_follow_the_keras_padding_rule(config):
    chain = keras_chain(config["alpha"], config["resolution"], config["classes"])
    layers = config["keras"]["layers"]
    seen = [(cls, shape) for _, cls, shape in layers if cls in ("Conv2D", "DepthwiseConv2D", "ZeroPadding2D")]
    expected = []
    for layer in convs(chain):
        if layer["padded"]:
            expected.append(("ZeroPadding2D", [layer["padded"], layer["padded"], layer["in_channels"]]))
        expected.append(("DepthwiseConv2D" if layer["kind"] == "dw" else "Conv2D",
                         [layer["out_side"], layer["out_side"], layer["out_channels"]]))  # fmt: skip
    assert seen == expected
    assert [cls for _, cls, _ in layers[-5:]] == ["GlobalAveragePooling2D", "Dropout", "Conv2D", "Reshape",
                                                  "Activation"]  # fmt: skip


def keras_layer_macs(layers):
    """MACs summed from the Keras layers' own output shapes (conv1 is 3×3, every DepthwiseConv2D 3×3, the
    other Conv2D layers 1×1), the way a user counts them from ``model.summary()``."""
    macs, channels = 0, None
    for name, cls, shape in layers:
        if cls == "Conv2D":
            macs += shape[0] * shape[1] * shape[2] * channels * (9 if name == "conv1" else 1)
        elif cls == "DepthwiseConv2D":
            macs += shape[0] * shape[1] * shape[2] * 9
        channels = shape[-1]
    return macs


@pytest.mark.parametrize("file_config", FILES, ids=FILE_IDS)
def test_file_graph_is_the_keras_chain(file_config):
    config, kind = file_config
    file = config[kind]
    chain = keras_chain(config["alpha"], config["resolution"], config["classes"])
    assert [op[0] for op in file["ops"]] == expected_opcodes(chain, kind)
    weight_ops = [op for op in file["ops"] if op[0] in ACTIVATION_OPS]
    assert len(weight_ops) == len(convs(chain)) == 28
    r, size = config["resolution"], SIZES[kind][2]
    (graph_input,) = [tensor(file, i) for i in file["inputs"]]
    assert graph_input["shape"] == [1, r, r, 3]
    assert graph_input["dtype"] == ("float32" if kind != "int8" else "int8")
    (graph_output,) = [tensor(file, i) for i in file["outputs"]]
    assert graph_output["shape"] == [1, config["classes"]]
    for op, layer in zip(weight_ops, convs(chain), strict=True):
        (x,) = activations(file, op[1])
        side = layer["pad_op"] or layer["in_side"]
        assert x["shape"] == [1, side, side, layer["in_channels"]], layer["name"]
        assert tensor(file, op[2][0])["shape"] == [
            1,
            layer["out_side"],
            layer["out_side"],
            layer["out_channels"],
        ]
        assert x["bytes"] == act_bytes(side, layer["in_channels"], size)


@pytest.mark.parametrize("file_config", FILES, ids=FILE_IDS)
def test_file_constant_buffers_are_the_folded_weights_and_biases(file_config):
    config, kind = file_config
    file = config[kind]
    w_size, b_size, _ = SIZES[kind]
    chain = convs(keras_chain(config["alpha"], config["resolution"], config["classes"]))
    weight_ops = [op for op in file["ops"] if op[0] in ACTIVATION_OPS]
    buffers = []
    for op, layer in zip(weight_ops, chain, strict=True):
        _, w, b = op[1]
        w, b = tensor(file, w), tensor(file, b)
        assert (w["buffer_bytes"], b["buffer_bytes"]) == (layer["weights"] * w_size, layer["biases"] * b_size)
        assert w["bytes"] == w["buffer_bytes"] and b["bytes"] == b["buffer_bytes"]
        buffers += [w["buffer"], b["buffer"]]
    assert len(set(buffers)) == 2 * len(chain)  # random BN statistics: no bias buffer shared
    assert file["constant_bytes"]["weights"] == sum(layer["weights"] for layer in chain) * w_size
    assert file["constant_bytes"]["biases"] == sum(layer["biases"] for layer in chain) * b_size
    # the rest: PAD paddings (one shared [4, 2] int32 buffer), MEAN axes, the RESHAPE's slice and pack constants
    assert 0 < file["constant_bytes"]["other"] <= 64


@pytest.mark.parametrize("file_config", FILES, ids=FILE_IDS)
def test_file_activation_bytes_and_peaks(file_config):
    config, kind = file_config
    file = config[kind]
    chain = keras_chain(config["alpha"], config["resolution"], config["classes"])
    expected = [row for row in layer_io(chain, kind) if row[0] != "AvgPool_1a" or chain[-2]["in_side"] > 1]
    assert [row[1:] for row in file_layer_io(file)] == [row[1:] for row in expected]
    # the PAD ops as the interpreter runs them: a (side + 1)² tensor written beside its input
    size = SIZES[kind][2]
    pads = [op for op in file["ops"] if op[0] == "PAD"]
    padded = [layer for layer in chain if layer["pad_op"]]
    assert [op_io_bytes(file, op) for op in pads] == [
        act_bytes(layer["in_side"], layer["in_channels"], size)
        + act_bytes(layer["pad_op"], layer["in_channels"], size)
        for layer in padded
    ]
    all_ops_peak = max(op_io_bytes(file, op) for op in file["ops"])
    assert all_ops_peak == max(independent_op_peaks(config, kind))


def independent_op_peaks(config, kind):
    """Input + output bytes of every op the converter writes, restated from the chain."""
    size = SIZES[kind][2]
    chain = keras_chain(config["alpha"], config["resolution"], config["classes"])
    r, classes = config["resolution"], config["classes"]
    peaks = [act_bytes(r, 3, 4) + act_bytes(r, 3, 1)] if kind == "int8_float_io" else []  # QUANTIZE
    for layer in chain:
        c, out = layer["in_channels"], act_bytes(layer["out_side"], layer["out_channels"], size)
        if layer["pad_op"]:
            peaks.append(act_bytes(layer["in_side"], c, size) + act_bytes(layer["pad_op"], c, size))
            peaks.append(act_bytes(layer["pad_op"], c, size) + out)
        elif layer["kind"] != "pool" or layer["in_side"] > 1:
            peaks.append(act_bytes(layer["in_side"], c, size) + out)
    peaks += [2 * classes * size, 2 * classes * size]  # RESHAPE, SOFTMAX
    return peaks + ([classes * size + classes * 4] if kind == "int8_float_io" else [])  # DEQUANTIZE


# ---------------------------------------------------------------------------------------------------------------
# The cost model against the files


def model_report(config, **knobs):
    return costmodel.report(alpha=config["alpha"], resolution=config["resolution"], rounding="keras",
                            padding="keras", classes=config["classes"], **knobs)  # fmt: skip


@pytest.mark.parametrize("config", CONFIGS, ids=IDS)
def test_costmodel_params_equal_keras_count_params(config):
    # parameters do not depend on padding: every configuration, today
    r = costmodel.report(alpha=config["alpha"], resolution=config["resolution"], rounding="keras", bn="all",
                         classes=config["classes"])  # fmt: skip
    assert r.totals["params"] == config["keras"]["count_params"]
    r = costmodel.report(alpha=config["alpha"], resolution=config["resolution"], rounding="keras", bn="trainable",
                         classes=config["classes"])  # fmt: skip
    assert r.totals["params"] == config["keras"]["trainable"]


@pytest.mark.parametrize("config", CONFIGS, ids=IDS)
def test_costmodel_shapes_and_macs_equal_the_keras_layers(config):
    r = model_report(config)
    chain = keras_chain(config["alpha"], config["resolution"], config["classes"])
    table = r.table.set_index("layer")
    for layer in chain:
        row = table.loc[layer["name"]]
        assert (row.in_side, row.in_channels, row.out_side, row.out_channels) == (
            layer["in_side"],
            layer["in_channels"],
            layer["out_side"],
            layer["out_channels"],
        ), layer["name"]
    fc = chain[-1]["in_channels"] * config["classes"]
    assert r.totals["macs"] == keras_layer_macs(config["keras"]["layers"])
    assert table.loc["Logits", "macs"] == fc


@pytest.mark.parametrize("file_config", MODEL_FILES, ids=MODEL_FILE_IDS)
def test_costmodel_weight_bytes_equal_the_file(file_config):
    config, kind = file_config
    file = config[kind]
    r = model_report(config, dtype=kind, input_channels=3)
    assert r.totals["weight_bytes"] == file["constant_bytes"]["weights"] + file["constant_bytes"]["biases"]
    weight_ops = [op for op in file["ops"] if op[0] in ACTIVATION_OPS]
    per_op = [
        tensor(file, op[1][1])["buffer_bytes"] + tensor(file, op[1][2])["buffer_bytes"] for op in weight_ops
    ]
    table = r.table[r.table["kind"] != "pool"]
    assert table["weight_bytes"].tolist() == per_op
    assert int(r.table.loc[r.table["kind"] == "pool", "weight_bytes"].sum()) == 0


@pytest.mark.parametrize("file_config", MODEL_FILES, ids=MODEL_FILE_IDS)
def test_costmodel_activation_bytes_equal_the_file(file_config):
    config, kind = file_config
    file = config[kind]
    r = model_report(config, dtype=kind, input_channels=3)
    rows = list(zip(r.table["layer"], r.table["input_bytes"], r.table["output_bytes"], strict=True))
    final_side = r.table.set_index("layer").loc["AvgPool_1a", "in_side"]
    in_file = [row for row in rows if row[0] != "AvgPool_1a" or final_side > 1]  # no MEAN over a 1×1 map
    assert [row[1:] for row in in_file] == [row[1:] for row in file_layer_io(file)]
    # the cost model's peak (MCUNet's rule; under padding="keras" a PAD op kept at an odd stride-2 input counts
    # with its (side + 1)² copy) is the file's own op-level peak: the largest inputs + outputs of any op
    assert r.totals["peak_activation_bytes"] == max(op_io_bytes(file, op) for op in file["ops"])


def test_the_tiny_tflite_files_are_the_recorded_ones():
    config = next(c for c in CONFIGS if (c["alpha"], c["resolution"], c["classes"]) == (0.1, 32, 10))
    path = DATA / "mobilenet_0.1_32_10_int8.tflite"
    data = path.read_bytes()
    assert len(data) == config["int8"]["file_bytes"]
    assert data[4:8] == b"TFL3"  # the flatbuffer's file identifier
