"""The network at a design point: every layer of the table with its input and output sizes.

>>> from fractions import Fraction
>>> from costmodel.core.arithmetic import NUMERIC
>>> shapes = layer_shapes(Fraction(1, 2), 160, Convention(), NUMERIC)
>>> [(s.spec.name, s.out_side, s.out_channels) for s in shapes[:3]]
[('Conv2d_0', 80, 16), ('Conv2d_1_depthwise', 80, 16), ('Conv2d_1_pointwise', 80, 32)]
>>> shapes[-1].in_channels, shapes[-1].out_channels
(512, 1000)
"""

from __future__ import annotations

from costmodel.core.architecture import LAYERS
from costmodel.core.convention import Convention
from costmodel.core.formulas import LayerShape
from costmodel.core.rounding import output_side, scaled_channels

INPUT_CHANNELS = 3
"""Channels of an RGB image: the default of the convention's ``input_channels``."""


def layer_shapes(alpha, resolution, convention: Convention, ar) -> tuple[LayerShape, ...]:
    """Shapes of all layers for width multiplier ``alpha`` and input side ``resolution``.

    ``ar`` is the arithmetic (:data:`~costmodel.core.arithmetic.NUMERIC` or ``SYMBOLIC``); under the smooth
    convention ``resolution`` may be any positive real (224·ρ).
    """
    side, channels = resolution, convention.input_channels
    shapes = []
    for spec in LAYERS:
        if spec.kind == "conv" and not convention.scale_first_layer:
            out_channels = spec.channels
        elif spec.kind in ("conv", "pw"):
            out_channels = scaled_channels(spec.channels, alpha, convention.rounding, ar)
        elif spec.kind == "fc":
            out_channels = convention.classes
        else:
            out_channels = channels
        if spec.kind in ("pool", "fc"):
            out_side = 1
        else:
            out_side = output_side(
                side, spec.stride, convention.padding, ar, kind=spec.kind, smooth=convention.smooth
            )
        shapes.append(LayerShape(spec, side, channels, out_side, out_channels))
        side, channels = out_side, out_channels
    return tuple(shapes)
