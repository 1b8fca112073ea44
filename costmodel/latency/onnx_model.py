"""MobileNet v1 as an ONNX graph, built straight from the layer table for any (α, resolution).

Each row of :func:`~costmodel.core.network.layer_shapes` becomes one node, named after the layer:
``conv``/``dw``/``pw`` → ``Conv`` (``group`` = channels for depthwise, pads 1 for 3×3, which is TF "SAME"
for these strides: out = ceil(in / stride)) followed by ReLU6 as ``Clip(0, 6)``; ``pool`` →
``GlobalAveragePool``; ``fc`` → 1×1 ``Conv`` with bias, then ``Flatten``. Weights are random (seeded);
the graph is for timing, not for classifying.

Batch norm, ``bn="folded"`` (default): folded into the preceding conv, as inference engines do, so each
conv/dw/pw conv carries a bias of ``out_channels`` values and there is no BN node. ``bn="nodes"``: convs
without bias, each followed by a ``BatchNormalization`` node with its four per-channel vectors.

>>> model = build_onnx(0.5, 160)
>>> [node.op_type for node in model.graph.node][2:6]
['Conv', 'Clip', 'Conv', 'Clip']
>>> parameter_count(model) == 1320648 + 5472  # cost-model params + folded BN biases
True
"""

from __future__ import annotations

from fractions import Fraction
from typing import Literal

import numpy as np

from costmodel.core.arithmetic import NUMERIC
from costmodel.core.convention import Convention
from costmodel.core.design_point import design_point
from costmodel.core.network import layer_shapes
from costmodel.core.rounding import pads_after

OPSET = 17
IR_VERSION = 8
"""IR version 8 (ONNX 1.10+) keeps the files loadable by older on-device runtimes."""
BN_MODES = ("folded", "nodes")
INPUT_NAME = "input"
OUTPUT_NAME = "logits"


def build_onnx(
    alpha: float,
    resolution: int,
    *,
    bn: Literal["folded", "nodes"] = "folded",
    classes: int = 1000,
    rounding: str = "slim",
    padding: str = "same",
    scale_first_layer: bool = True,
    fc_bias: bool = True,
    input_channels: int = 3,
    seed: int = 0,
):
    """The network at (``alpha``, ``resolution``) as an ``onnx.ModelProto`` (batch 1, float32, NCHW).

    ``rounding``, ``padding``, ``scale_first_layer``, ``classes``, ``fc_bias`` and ``input_channels`` are the cost model's knobs
    (where the padding rule pads after, :func:`~costmodel.core.rounding.pads_after`, the conv's pads are
    ``[0, 0, 1, 1]`` and it is valid otherwise). ``bn`` chooses folded BN (conv bias) or explicit
    ``BatchNormalization`` nodes.
    """
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    if bn not in BN_MODES:
        raise ValueError(f"bn={bn!r} is not allowed; choose from {', '.join(BN_MODES)}")
    convention = Convention(
        rounding=rounding, padding=padding, scale_first_layer=scale_first_layer, classes=classes, fc_bias=fc_bias,
        input_channels=input_channels,
    )
    point = design_point(alpha, resolution=resolution, convention=convention)
    shapes = layer_shapes(Fraction(point.alpha), point.resolution, convention, NUMERIC)
    rng = np.random.default_rng(seed)
    nodes, initializers = [], []

    def tensor(name: str, shape: tuple[int, ...], scale: float) -> str:
        values = (rng.standard_normal(shape) * scale).astype(np.float32)
        initializers.append(numpy_helper.from_array(values, name))
        return name

    nodes.append(helper.make_node("Constant", [], ["relu6_min"], value_float=0.0, name="relu6_min"))
    nodes.append(helper.make_node("Constant", [], ["relu6_max"], value_float=6.0, name="relu6_max"))
    current = INPUT_NAME
    for shape in shapes:
        spec = shape.spec
        name = spec.name
        if spec.kind == "pool":
            nodes.append(helper.make_node("GlobalAveragePool", [current], [name], name=name))
            current = name
            continue
        group = shape.in_channels if spec.kind == "dw" else 1
        fan_in = spec.kernel * spec.kernel * shape.in_channels // group
        weight_shape = (shape.out_channels, shape.in_channels // group, spec.kernel, spec.kernel)
        inputs = [current, tensor(f"{name}/weights", weight_shape, (2.0 / fan_in) ** 0.5)]
        if (spec.kind == "fc" and fc_bias) or (spec.kind != "fc" and bn == "folded"):
            inputs.append(tensor(f"{name}/bias", (shape.out_channels,), 0.01))
        pad = spec.kernel // 2
        pads = [0, 0, 1, 1] if pads_after(spec.kind, spec.stride, padding) else [pad] * 4
        nodes.append(
            helper.make_node(
                "Conv",
                inputs,
                [f"{name}/conv"],
                name=name,
                kernel_shape=[spec.kernel, spec.kernel],
                strides=[spec.stride, spec.stride],
                pads=pads,
                group=group,
            )
        )
        current = f"{name}/conv"
        if spec.kind == "fc":
            nodes.append(
                helper.make_node("Flatten", [current], [OUTPUT_NAME], name=f"{name}/flatten", axis=1)
            )
            current = OUTPUT_NAME
            continue
        if bn == "nodes":
            channels = (shape.out_channels,)
            bn_inputs = [
                current,
                tensor(f"{name}/gamma", channels, 0.1),
                tensor(f"{name}/beta", channels, 0.1),
            ]
            bn_inputs.append(tensor(f"{name}/moving_mean", channels, 0.1))
            variance = np.abs(rng.standard_normal(channels)).astype(np.float32) + 0.5
            initializers.append(numpy_helper.from_array(variance, f"{name}/moving_variance"))
            bn_inputs.append(f"{name}/moving_variance")
            nodes.append(helper.make_node("BatchNormalization", bn_inputs, [f"{name}/bn"], name=f"{name}/bn"))
            current = f"{name}/bn"
        nodes.append(
            helper.make_node(
                "Clip", [current, "relu6_min", "relu6_max"], [f"{name}/relu6"], name=f"{name}/relu6"
            )
        )
        current = f"{name}/relu6"

    side = point.resolution
    graph = helper.make_graph(
        nodes,
        f"mobilenet_v1_{float(point.alpha):g}_{side}",
        [helper.make_tensor_value_info(INPUT_NAME, TensorProto.FLOAT, [1, convention.input_channels, side, side])],
        [helper.make_tensor_value_info(OUTPUT_NAME, TensorProto.FLOAT, [1, classes])],
        initializers,
    )
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="mobilenet-costmodel"
    )
    model.ir_version = IR_VERSION
    model.doc_string = (
        f"MobileNet v1 alpha={float(point.alpha):g} resolution={side} rounding={rounding} padding={padding} "
        f"scale_first_layer={scale_first_layer} classes={classes} fc_bias={fc_bias}; "
        f"random weights; BN {'folded into conv bias' if bn == 'folded' else 'as BatchNormalization nodes'}"
    )
    onnx.checker.check_model(model)
    return model


def parameter_count(model) -> int:
    """Number of values in all initializers of the graph (weights, biases and BN vectors)."""
    return sum(int(np.prod(tensor.dims)) for tensor in model.graph.initializer)


def onnx_filename(alpha: float, resolution: int) -> str:
    """``mobilenet_v1_0.75_192.onnx``: the TF Lite hosted-model naming, so logs and files join.

    >>> onnx_filename(0.5, 160), onnx_filename(1, 224)
    ('mobilenet_v1_0.5_160.onnx', 'mobilenet_v1_1.0_224.onnx')
    """
    text = f"{float(alpha):g}"
    return f"mobilenet_v1_{text if '.' in text else text + '.0'}_{resolution}.onnx"
