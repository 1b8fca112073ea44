"""MobileNet v1 as a LiteRT (TF Lite) flatbuffer, built straight from the layer table, float32 or int8.

The file is written with the LiteRT package's own schema (``ai_edge_litert.schema_py_generated`` and
``ai_edge_litert.tools.flatbuffer_utils``): no TensorFlow at run time. Layout NHWC, batch 1, one operator per row of
:func:`~costmodel.core.network.layer_shapes`, named after the layer: ``conv``/``pw`` → ``CONV_2D``, ``dw`` →
``DEPTHWISE_CONV_2D`` (depth multiplier 1), each with a fused ReLU6 and a bias of ``out_channels`` values (batch
norm folded into it, as the hosted TF Lite models have it); ``pool`` → ``AVERAGE_POOL_2D`` over the whole map;
``fc`` → ``FULLY_CONNECTED`` to ``classes`` logits (bias as ``fc_bias`` says). Padding follows the convention:
where a layer's output side is ``ceil(in / stride)`` the op uses ``SAME``; otherwise (``padding="floor"``, or any
other rule) the op is ``VALID``, after an explicit ``PAD`` op (bottom and right) where that is needed for the
table's side; ``padding="keras"`` keeps keras' one-pixel ``PAD`` before a stride-2 depthwise layer of odd side,
as a converted Keras model has it (the memory model counts its buffer). Input channels
are the first layer's ``in_channels``. Weights are random (seeded); the graph is for timing, not classifying.

``int8``: fully integer (int8 input, activations and logits): weights symmetric int8 per output channel (zero
point 0, scale max|w|/127), biases int32 at scale input scale × weight scale; every ReLU6 output quantized over exactly [0, 6] (the pool
keeps its input's), so no activation can saturate, and the logits over the float32 graph's range on the random
input (run in LiteRT) times :data:`HEADROOM`.

>>> data = build_tflite(0.5, 160)
>>> data[4:8]
b'TFL3'
>>> constant_bytes(data) == 4 * (1320648 + 5472)  # float32: cost-model params + folded BN biases
True
>>> constant_bytes(build_tflite(0.5, 160, dtype="int8")) == 1320648 - 1000 + 4 * (1000 + 5472)
True
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from costmodel.core.arithmetic import NUMERIC
from costmodel.core.convention import Convention, convention_from
from costmodel.core.design_point import design_point
from costmodel.core.network import layer_shapes

DTYPES: tuple[str, ...] = ("float32", "int8")
INPUT_NAME = "input"
OUTPUT_NAME = "logits"
HEADROOM = 2.0
"""The int8 logits' range is the calibrated range times this, so another random input does not saturate either."""
RELU6_RANGE = (0.0, 6.0)
"""The int8 range of every ReLU6 output (and of the pool, which keeps its input's): exactly what ReLU6 can give."""
INPUT_RANGE = (0.0, 1.0)
"""The float input is uniform in [0, 1); its int8 quantization covers exactly this range."""


def tflite_filename(alpha: float, resolution: int, dtype: str = "float32") -> str:
    """The TF Lite hosted-model naming (``_quant`` for int8), so ``benchmark_model`` logs and files join.

    >>> tflite_filename(0.5, 160), tflite_filename(1, 224, "int8")
    ('mobilenet_v1_0.5_160.tflite', 'mobilenet_v1_1.0_224_quant.tflite')
    """
    text = f"{float(alpha):g}"
    suffix = "_quant" if dtype == "int8" else ""
    return f"mobilenet_v1_{text if '.' in text else text + '.0'}_{resolution}{suffix}.tflite"


def check_dtype(dtype: object) -> str:
    """``dtype`` if it is one of :data:`DTYPES`, else a ``ValueError`` naming the choices."""
    if not isinstance(dtype, str) or dtype not in DTYPES:
        raise ValueError(f"dtype={dtype!r} is not allowed; choose from {', '.join(DTYPES)}")
    return dtype


def _convention(convention: Convention | None, knobs: dict[str, object]) -> Convention:
    if convention is not None and knobs:
        raise TypeError("give either convention= or knob keywords, not both")
    if convention is None:
        return convention_from(knobs)
    if not isinstance(convention, Convention):
        raise TypeError(f"convention must be a Convention; got {type(convention).__name__}")
    return convention


def network_shapes(alpha: float, resolution: int, convention: Convention):
    """The integer layer shapes the graph is built from (the smooth convention has no whole-pixel network)."""
    if convention.smooth:
        raise ValueError("rounding='smooth' has fractional channels and sides; a graph needs whole numbers")
    point = design_point(alpha, resolution=resolution, convention=convention)
    return layer_shapes(Fraction(point.alpha), point.resolution, convention, NUMERIC), point


def build_tflite(
    alpha: float,
    resolution: int,
    *,
    dtype: str = "float32",
    convention: Convention | None = None,
    seed: int = 0,
    **knobs,
) -> bytes:
    """The network at (``alpha``, ``resolution``) as the bytes of a ``.tflite`` file.

    The convention is ``convention`` or built from knob keywords (``rounding``, ``padding``, ``classes``, ...,
    see :data:`~costmodel.core.convention.KNOB_HELP`); ``dtype`` is ``"float32"`` or ``"int8"``.
    """
    dtype = check_dtype(dtype)
    convention = _convention(convention, knobs)
    shapes, point = network_shapes(alpha, resolution, convention)
    weights = _random_weights(shapes, convention, seed)
    if dtype == "float32":
        return _serialize(_graph(shapes, point, convention, weights, None))
    float_model = _serialize(_graph(shapes, point, convention, weights, None))
    return _serialize(_graph(shapes, point, convention, weights, _calibrate(float_model, seed)))


def build_layer_tflite(
    alpha: float, resolution: int, layer: int, *, dtype: str = "float32", seed: int = 0
) -> bytes:
    """One layer of the network at (``alpha``, ``resolution``) alone, as ``.tflite`` bytes (paper convention).

    LiteRT's Python API has no per-op profiler, so a layer is timed as its own graph: the same operator, weights
    and padding as in :func:`build_tflite`, with the layer's input as the graph's input. ``layer`` is the row of
    the layer table (0 = ``Conv2d_0``; 28 = ``Logits``). ``dtype="int8"``: the layer as in the int8 network, its
    input quantized as there (the image's range for ``Conv2d_0``, else ReLU6's [0, 6]) and the ``Logits`` output
    over the whole network's calibrated range.

    >>> data = build_layer_tflite(0.5, 160, 1)  # Conv2d_1_depthwise: 3x3x16 weights and 16 biases
    >>> constant_bytes(data) == 4 * (3 * 3 * 16 + 16)
    True
    >>> constant_bytes(build_layer_tflite(0.5, 160, 1, dtype="int8")) == 3 * 3 * 16 + 4 * 16  # int8 weights, int32 biases
    True
    """
    dtype = check_dtype(dtype)
    convention = Convention()
    shapes, point = network_shapes(alpha, resolution, convention)
    if isinstance(layer, bool) or not isinstance(layer, int) or not 0 <= layer < len(shapes):
        raise ValueError(
            f"layer={layer!r} is not allowed; give a row of the layer table, 0 to {len(shapes) - 1}"
        )
    weights = _random_weights(shapes, convention, seed)
    alone = shapes[layer : layer + 1], point, convention, weights[layer : layer + 1]
    if dtype == "float32":
        return _serialize(_graph(*alone, None))
    input_range = (
        INPUT_RANGE if layer == 0 else RELU6_RANGE
    )  # every later layer reads a ReLU6 (or pool) output
    if shapes[layer].spec.kind == "fc":
        logits_range = _calibrate(_serialize(_graph(shapes, point, convention, weights, None)), seed)
    else:
        logits_range = RELU6_RANGE  # marks the graph int8; only the fc's output is quantized over it
    return _serialize(_graph(*alone, logits_range, input_range))


def random_image(shape: tuple[int, ...], dtype: str, seed: int = 0) -> np.ndarray:
    """A random input image of the graph's input ``shape``: float32 in [0, 1), or its int8 quantization."""
    image = np.random.default_rng(seed).random(shape, dtype=np.float32)
    if dtype == "float32":
        return image
    scale, zero_point = _quantization(*INPUT_RANGE)
    return np.clip(np.round(image / scale) + zero_point, -128, 127).astype(np.int8)


def constant_bytes(data: bytes) -> int:
    """Bytes held in the constant buffers of a ``.tflite`` file (weights, biases, pad sizes)."""
    from ai_edge_litert.tools import flatbuffer_utils

    model = flatbuffer_utils.convert_bytearray_to_object(bytearray(data))
    return sum(0 if buffer.data is None else len(buffer.data) for buffer in model.buffers)


def _random_weights(shapes, convention: Convention, seed: int) -> list[tuple[np.ndarray, np.ndarray | None]]:
    """Per layer (pool: empty): float weights in the TF Lite layout and the bias (None without one)."""
    rng = np.random.default_rng(seed)
    out = []
    for shape in shapes:
        spec, k = shape.spec, shape.spec.kernel
        if spec.kind == "pool":
            out.append((np.empty(0, np.float32), None))
            continue
        if spec.kind == "dw":
            layout, fan_in = (1, k, k, shape.out_channels), k * k
        elif spec.kind == "fc":
            layout, fan_in = (shape.out_channels, shape.in_channels), shape.in_channels
        else:
            layout, fan_in = (shape.out_channels, k, k, shape.in_channels), k * k * shape.in_channels
        weight = (rng.standard_normal(layout) * math.sqrt(2.0 / fan_in)).astype(np.float32)
        has_bias = spec.kind != "fc" or convention.fc_bias
        bias = (rng.standard_normal(shape.out_channels) * 0.01).astype(np.float32) if has_bias else None
        out.append((weight, bias))
    return out


def _quantization(low: float, high: float) -> tuple[float, int]:
    """Asymmetric int8 (scale, zero point) whose range holds [low, high] and 0."""
    low, high = min(low, 0.0), max(high, 0.0)
    scale = max(high - low, 1e-6) / 255.0
    zero_point = int(np.clip(round(-128 - low / scale), -128, 127))
    return scale, zero_point


def _calibrate(float_model: bytes, seed: int) -> tuple[float, float]:
    """(low, high) of the logits of the float graph on the random input, widened by :data:`HEADROOM`."""
    from ai_edge_litert.interpreter import Interpreter

    interpreter = Interpreter(model_content=float_model)
    interpreter.allocate_tensors()
    detail = interpreter.get_input_details()[0]
    interpreter.set_tensor(detail["index"], random_image(tuple(detail["shape"]), "float32", seed))
    interpreter.invoke()
    logits = interpreter.get_tensor(interpreter.get_output_details()[0]["index"])
    return float(logits.min()) * HEADROOM, float(logits.max()) * HEADROOM


def _padding(in_side: int, out_side: int, kernel: int, stride: int, keras_pad: bool = False) -> int | None:
    """None where TF ``SAME`` gives ``out_side``; else the bottom/right padding a ``VALID`` op needs: the least
    that gives ``out_side``, or 1 with ``keras_pad`` (keras' ``ZeroPadding2D(((0, 1), (0, 1)))``, kept as the
    ``PAD`` op a converted Keras model has even where no output reads the padded row).

    >>> _padding(96, 48, 3, 2), _padding(97, 48, 3, 2), _padding(97, 48, 3, 2, keras_pad=True)
    (None, 0, 1)
    """
    if out_side == -(-in_side // stride):
        return None
    pad = 1 if keras_pad else (out_side - 1) * stride + kernel - in_side
    if pad < 0 or (in_side + pad - kernel) // stride + 1 != out_side:
        raise ValueError(f"no bottom/right padding gives side {out_side} from {in_side} at stride {stride}")
    return pad


def _graph(shapes, point, convention: Convention, weights, logits_range, input_range=INPUT_RANGE):
    """The ``ModelT`` object; ``logits_range`` None for float32, else the int8 logits' (low, high), and the
    int8 input quantized over ``input_range``."""
    from ai_edge_litert import schema_py_generated as fb

    quantized = logits_range is not None
    act_type = fb.TensorType.INT8 if quantized else fb.TensorType.FLOAT32
    model, subgraph = fb.ModelT(), fb.SubGraphT()
    model.version, model.buffers, model.operatorCodes = 3, [fb.BufferT()], []
    subgraph.tensors, subgraph.operators = [], []
    codes: dict[int, int] = {}

    def opcode(builtin: int, version: int) -> int:
        if builtin not in codes:
            code = fb.OperatorCodeT()
            code.builtinCode, code.deprecatedBuiltinCode, code.version = builtin, min(builtin, 127), version
            codes[builtin] = len(model.operatorCodes)
            model.operatorCodes.append(code)
        return codes[builtin]

    def tensor(name: str, dims, kind: int, data: np.ndarray | None = None, quant=None) -> int:
        t = fb.TensorT()
        t.name, t.shape, t.type, t.buffer = name, np.array(dims, np.int32), kind, 0
        if data is not None:
            buffer = fb.BufferT()
            buffer.data = np.frombuffer(np.ascontiguousarray(data).tobytes(), np.uint8)
            t.buffer = len(model.buffers)
            model.buffers.append(buffer)
        if quant is not None:
            q = fb.QuantizationParametersT()
            q.scale = [float(s) for s in np.atleast_1d(quant[0])]
            q.zeroPoint = [int(z) for z in np.atleast_1d(quant[1])]
            q.quantizedDimension = quant[2] if len(quant) > 2 else 0
            t.quantization = q
        subgraph.tensors.append(t)
        return len(subgraph.tensors) - 1

    def operator(builtin: int, version: int, inputs, outputs, options_type=0, options=None) -> None:
        op = fb.OperatorT()
        op.opcodeIndex, op.inputs, op.outputs = opcode(builtin, version), list(inputs), list(outputs)
        op.builtinOptionsType, op.builtinOptions = options_type, options
        subgraph.operators.append(op)

    side, channels = shapes[0].in_side, shapes[0].in_channels
    current_quant = _quantization(*input_range) if quantized else None
    current = tensor(INPUT_NAME, (1, side, side, channels), act_type, quant=current_quant)
    subgraph.inputs = [current]
    for shape, (weight, bias) in zip(shapes, weights, strict=True):
        spec, name = shape.spec, shape.spec.name
        out_quant = None
        if quantized:
            out_range = logits_range if spec.kind == "fc" else RELU6_RANGE
            out_quant = current_quant if spec.kind == "pool" else _quantization(*out_range)
        if spec.kind == "pool":
            options = fb.Pool2DOptionsT()
            options.padding, options.strideW, options.strideH = fb.Padding.VALID, 1, 1
            options.filterWidth = options.filterHeight = shape.in_side
            options.fusedActivationFunction = fb.ActivationFunctionType.NONE
            out = tensor(name, (1, 1, 1, shape.out_channels), act_type, quant=out_quant)
            operator(fb.BuiltinOperator.AVERAGE_POOL_2D, 2 if quantized else 1, [current], [out],
                     fb.BuiltinOptions.Pool2DOptions, options)  # fmt: skip
            current, current_quant = out, out_quant
            continue
        w_index, b_index = _constants(tensor, fb, name, spec.kind, weight, bias, current_quant)
        if spec.kind == "fc":
            options = fb.FullyConnectedOptionsT()
            options.fusedActivationFunction = fb.ActivationFunctionType.NONE
            out = tensor(OUTPUT_NAME, (1, shape.out_channels), act_type, quant=out_quant)
            operator(fb.BuiltinOperator.FULLY_CONNECTED, 5 if quantized else 1, [current, w_index, b_index],
                     [out], fb.BuiltinOptions.FullyConnectedOptions, options)  # fmt: skip
            current = out
            continue
        keras_pad = convention.padding == "keras" and spec.kind == "dw" and spec.stride == 2
        pad = _padding(shape.in_side, shape.out_side, spec.kernel, spec.stride, keras_pad)
        padding = fb.Padding.SAME
        if pad == 0:
            padding = fb.Padding.VALID
        elif pad is not None:
            padded_side = shape.in_side + pad
            sizes = tensor(f"{name}/paddings", (4, 2), fb.TensorType.INT32,
                           np.array([[0, 0], [0, pad], [0, pad], [0, 0]], np.int32))  # fmt: skip
            padded = tensor(f"{name}/pad", (1, padded_side, padded_side, shape.in_channels), act_type,
                            quant=current_quant)  # fmt: skip
            operator(fb.BuiltinOperator.PAD, 2 if quantized else 1, [current, sizes], [padded],
                     fb.BuiltinOptions.PadOptions, fb.PadOptionsT())  # fmt: skip
            current, padding = padded, fb.Padding.VALID
        if spec.kind == "dw":
            options = fb.DepthwiseConv2DOptionsT()
            options.depthMultiplier = 1
            builtin, options_type = (
                fb.BuiltinOperator.DEPTHWISE_CONV_2D,
                fb.BuiltinOptions.DepthwiseConv2DOptions,
            )
        else:
            options = fb.Conv2DOptionsT()
            builtin, options_type = fb.BuiltinOperator.CONV_2D, fb.BuiltinOptions.Conv2DOptions
        options.padding, options.strideW, options.strideH = padding, spec.stride, spec.stride
        options.dilationWFactor = options.dilationHFactor = 1
        options.fusedActivationFunction = fb.ActivationFunctionType.RELU6
        out = tensor(name, (1, shape.out_side, shape.out_side, shape.out_channels), act_type, quant=out_quant)
        operator(builtin, 3 if quantized else 1, [current, w_index, b_index], [out], options_type, options)
        current, current_quant = out, out_quant
    subgraph.outputs = [current]
    subgraph.name = "main"
    model.subgraphs = [subgraph]
    model.description = (
        f"MobileNet v1 alpha={float(point.alpha):g} resolution={point.resolution} "
        f"{'int8' if quantized else 'float32'}; {convention.describe()}; random weights; BN folded into conv bias; "
        "built by mobilenet-costmodel"
    )
    return model


def _constants(tensor, fb, name: str, kind: str, weight: np.ndarray, bias, input_quant) -> tuple[int, int]:
    """The weight and bias tensors of a layer: float32, or per-channel int8 weights and int32 biases."""
    if input_quant is None:
        w = tensor(f"{name}/weights", weight.shape, fb.TensorType.FLOAT32, weight)
        b = -1 if bias is None else tensor(f"{name}/bias", bias.shape, fb.TensorType.FLOAT32, bias)
        return w, b
    axis = 3 if kind == "dw" else 0  # the output-channel axis of the TF Lite layout
    reduce = tuple(d for d in range(weight.ndim) if d != axis)
    scale = np.maximum(np.abs(weight).max(axis=reduce), 1e-8) / 127.0
    shaped = scale.reshape([-1 if d == axis else 1 for d in range(weight.ndim)])
    q_weight = np.clip(np.round(weight / shaped), -127, 127).astype(np.int8)
    zeros = np.zeros(scale.size, np.int64)
    w = tensor(f"{name}/weights", weight.shape, fb.TensorType.INT8, q_weight, (scale, zeros, axis))
    if bias is None:
        return w, -1
    bias_scale = input_quant[0] * scale
    q_bias = np.round(bias / bias_scale).astype(np.int32)
    b = tensor(f"{name}/bias", bias.shape, fb.TensorType.INT32, q_bias, (bias_scale, zeros, 0))
    return w, b


def _serialize(model) -> bytes:
    from ai_edge_litert.tools import flatbuffer_utils

    return bytes(flatbuffer_utils.convert_object_to_bytearray(model))
