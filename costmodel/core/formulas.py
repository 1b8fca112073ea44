"""Per-layer counting formulas: one small pure function per layer kind and metric, in a registry.

Every formula takes the layer's :class:`LayerShape` and the :class:`~costmodel.core.convention.Convention` and
works on ints, ``Fraction``s and SymPy expressions alike. The paper's convention: MACs count the
convolutions and the classifier only; pooling, BN, activations and bias adds are deliberately not counted
(their formulas return 0). FLOPs are 2 × MACs.

>>> from costmodel.core.architecture import LAYERS
>>> shape = LayerShape(LAYERS[0], in_side=224, in_channels=3, out_side=112, out_channels=32)
>>> layer_metric("macs", shape, Convention()), layer_metric("params", shape, Convention())
(10838016, 864)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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


METRICS: dict[str, Callable[[LayerShape, Convention], object]] = {
    "weights": lambda s, c: WEIGHTS[s.spec.kind](s, c),
    "bias": lambda s, c: BIAS[s.spec.kind](s, c),
    "bn_params": lambda s, c: BN_PARAMS[s.spec.kind](s, c),
    "params": _params,
    "macs": lambda s, c: MACS[s.spec.kind](s, c),
    "flops": lambda s, c: 2 * MACS[s.spec.kind](s, c),
    "activations": lambda s, c: s.out_side**2 * s.out_channels,
}
"""Metric name → formula. ``params`` = weights + bias + BN variables as the convention counts them;
``activations`` = output elements of the layer."""

TOTAL_METRICS: tuple[str, ...] = tuple(METRICS)


def layer_metric(metric: str, shape: LayerShape, convention: Convention):
    """Value of one metric for one layer."""
    return METRICS[metric](shape, convention)
