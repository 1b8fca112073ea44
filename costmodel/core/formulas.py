"""Per-layer counting formulas: one small pure function per layer kind and metric, in a registry.

Every formula takes the layer's :class:`LayerShape` and the :class:`~costmodel.core.convention.Convention` and
works on ints, ``Fraction``s and SymPy expressions alike. The paper's convention: MACs count the
convolutions and the classifier only; pooling, BN, activations and bias adds are deliberately not counted
(their formulas return 0). FLOPs are 2 × MACs.

>>> from costmodel.core.architecture import LAYERS
>>> shape = LayerShape(LAYERS[0], in_side=224, in_channels=3, out_side=112, out_channels=32)
>>> layer_metric("macs", shape, Convention()), layer_metric("params", shape, Convention())
(10838016, 864)

Bytes (see :mod:`costmodel.core.convention` for ``dtype``): the stem reads the input image, the deployed stem
stores its 864 weights and a folded batch-norm bias per output channel:

>>> int8 = Convention(dtype="int8")
>>> [layer_metric(m, shape, int8) for m in ("input_bytes", "output_bytes", "weight_bytes", "traffic_bytes")]
[150528, 401408, 992, 552928]
>>> layer_metric("intensity", shape, int8)
Fraction(338688, 17279)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from costmodel.core.architecture import LayerSpec
from costmodel.core.convention import Convention


@dataclass(frozen=True)
class LayerShape:
    """A layer of the table with its concrete (or symbolic) input and output sizes. Sides are square."""

    spec: LayerSpec
    in_side: object
    in_channels: object
    out_side: object
    out_channels: object


Formula = Callable[[LayerShape, Convention], object]

BN_VARIABLES_PER_CHANNEL = {"none": 0, "trainable": 2, "all": 4}
"""γ, β are trainable; moving mean and variance are the other two."""


def _zero(shape: LayerShape, convention: Convention) -> int:
    return 0


def _kernel_area(shape: LayerShape) -> int:
    return shape.spec.kernel * shape.spec.kernel


WEIGHTS: dict[str, Formula] = {
    "conv": lambda s, c: _kernel_area(s) * s.in_channels * s.out_channels,
    "dw": lambda s, c: _kernel_area(s) * s.out_channels,
    "pw": lambda s, c: s.in_channels * s.out_channels,
    "pool": _zero,
    "fc": lambda s, c: s.in_channels * s.out_channels,
}

BIAS: dict[str, Formula] = {
    "conv": _zero,
    "dw": _zero,
    "pw": _zero,
    "pool": _zero,
    "fc": lambda s, c: s.out_channels if c.fc_bias else 0,
}

BN_PARAMS: dict[str, Formula] = {
    "conv": lambda s, c: BN_VARIABLES_PER_CHANNEL[c.bn] * s.out_channels,
    "dw": lambda s, c: BN_VARIABLES_PER_CHANNEL[c.bn] * s.out_channels,
    "pw": lambda s, c: BN_VARIABLES_PER_CHANNEL[c.bn] * s.out_channels,
    "pool": _zero,
    "fc": _zero,
}

MACS: dict[str, Formula] = {
    "conv": lambda s, c: s.out_side**2 * WEIGHTS["conv"](s, c),
    "dw": lambda s, c: s.out_side**2 * WEIGHTS["dw"](s, c),
    "pw": lambda s, c: s.out_side**2 * WEIGHTS["pw"](s, c),
    "pool": _zero,  # averaging is not a mult-add in the paper's count
    "fc": lambda s, c: WEIGHTS["fc"](s, c),  # bias adds are not counted
}


def _params(shape: LayerShape, convention: Convention):
    kind = shape.spec.kind
    return (
        WEIGHTS[kind](shape, convention) + BIAS[kind](shape, convention) + BN_PARAMS[kind](shape, convention)
    )


def _deployed_bias_values(shape: LayerShape, convention: Convention):
    """Bias values of the deployed layer: every conv gets one per output channel (batch norm folded into it);
    the classifier keeps its bias (Keras' ``conv_preds``) unless ``fc_bias=False``; the pool has none."""
    if shape.spec.kind == "pool" or (shape.spec.kind == "fc" and not convention.fc_bias):
        return 0
    return shape.out_channels


def _weight_bytes(shape: LayerShape, convention: Convention):
    weights = WEIGHTS[shape.spec.kind](shape, convention)
    return weights * convention.value_bytes + _deployed_bias_values(shape, convention) * convention.bias_bytes


def _input_bytes(shape: LayerShape, convention: Convention):
    return shape.in_side**2 * shape.in_channels * convention.value_bytes


def _output_bytes(shape: LayerShape, convention: Convention):
    return shape.out_side**2 * shape.out_channels * convention.value_bytes


def _buffer_bytes(shape: LayerShape, convention: Convention):
    """Activation RAM the layer needs while it runs, under the convention's planner.

    ``chain`` (MCUNet): its input and output buffers. ``inplace-depthwise`` (TinyEngine): a depthwise layer
    writes each output channel over its input channel, so it needs its input plus one output channel.
    Under ``padding="keras"`` a stride-2 depthwise layer with an odd input side runs as two ops in a deployed
    file (TF Lite keeps Keras' ``ZeroPadding2D`` as a PAD op there): the PAD writes a (side + 1)² copy beside
    its input, which is then the layer's largest moment whatever the planner (the PAD is not in place).
    """
    if convention.planner == "inplace-depthwise" and shape.spec.kind == "dw":
        own = _input_bytes(shape, convention) + shape.out_side**2 * convention.value_bytes
    else:
        own = _input_bytes(shape, convention) + _output_bytes(shape, convention)
    if convention.padding != "keras" or shape.spec.kind != "dw" or shape.spec.stride != 2:
        return own
    odd = shape.in_side - 2 * shape.out_side  # 1 where Keras pads (0, 1) before a valid conv, else 0
    padded = (shape.in_side + odd) ** 2 * shape.in_channels * convention.value_bytes
    return odd * (_input_bytes(shape, convention) + padded) + (1 - odd) * own


def _traffic_bytes(shape: LayerShape, convention: Convention):
    """Bytes moved if the input, the constants and the output are each read or written once."""
    return _input_bytes(shape, convention) + _weight_bytes(shape, convention) + _output_bytes(shape, convention)


def _intensity(shape: LayerShape, convention: Convention):
    """Arithmetic intensity: MACs per byte of traffic (0 for the pool, which does no counted MACs)."""
    macs, traffic = MACS[shape.spec.kind](shape, convention), _traffic_bytes(shape, convention)
    if isinstance(macs, int) and isinstance(traffic, int):
        return Fraction(macs, traffic)
    return macs / traffic


METRICS: dict[str, Callable[[LayerShape, Convention], object]] = {
    "weights": lambda s, c: WEIGHTS[s.spec.kind](s, c),
    "bias": lambda s, c: BIAS[s.spec.kind](s, c),
    "bn_params": lambda s, c: BN_PARAMS[s.spec.kind](s, c),
    "params": _params,
    "macs": lambda s, c: MACS[s.spec.kind](s, c),
    "flops": lambda s, c: 2 * MACS[s.spec.kind](s, c),
    "activations": lambda s, c: s.out_side**2 * s.out_channels,
    "weight_bytes": _weight_bytes,
    "input_bytes": _input_bytes,
    "output_bytes": _output_bytes,
    "buffer_bytes": _buffer_bytes,
    "traffic_bytes": _traffic_bytes,
    "intensity": _intensity,
}
"""Metric name → per-layer formula. ``params`` = weights + bias + BN variables as the convention counts them;
``activations`` = output elements of the layer. Bytes follow the convention's ``dtype``: ``weight_bytes`` are
the deployed layer's constants (weights at the dtype, one folded batch-norm bias per output channel of every
conv and the classifier's bias, int32 under int8), ``input_bytes`` / ``output_bytes`` its activation tensors
(the stem's input is the image, ``input_channels`` × side²), ``buffer_bytes`` the activation RAM it needs under
the ``planner``, ``traffic_bytes`` = input + weights + output, ``intensity`` = MACs / traffic_bytes."""

SUMMED: dict[str, str] = {
    **{m: m for m in ("weights", "bias", "bn_params", "params", "macs", "flops", "activations")},
    "weight_bytes": "weight_bytes",
    "flash_bytes": "weight_bytes",
    "traffic_bytes": "traffic_bytes",
}
"""Totals that are sums over the layers: total name → per-layer metric. ``flash_bytes`` = ``weight_bytes``
(the constants a microcontroller keeps in flash, before the file format's overhead)."""

MAXIMA: dict[str, str] = {"peak_activation_bytes": "buffer_bytes"}
"""Totals that are maxima over the layers: ``peak_activation_bytes`` is the largest ``buffer_bytes`` (with the
``chain`` planner the largest input + output of any layer, MCUNet's rule)."""

RATIOS: dict[str, tuple[str, str]] = {"intensity": ("macs", "traffic_bytes")}
"""Totals that are a ratio of two sums: the network's MACs per byte of traffic."""

TOTAL_METRICS: tuple[str, ...] = (*SUMMED, *MAXIMA, *RATIOS)
"""Every network total, in report and :func:`~costmodel.core.evaluate.evaluate` order."""
LAYER_METRICS: tuple[str, ...] = tuple(METRICS)
"""Every per-layer metric (the cost columns of a report's table)."""


def layer_metric(metric: str, shape: LayerShape, convention: Convention):
    """Value of one metric for one layer."""
    return METRICS[metric](shape, convention)
