"""How α becomes channel counts and how the input side shrinks through strided layers.

Each rule is written once and works in either arithmetic of :mod:`costmodel.core.arithmetic`.

>>> from fractions import Fraction
>>> from costmodel.core.arithmetic import NUMERIC
>>> [scaled_channels(d, Fraction(1, 10), r, NUMERIC) for r in ("keras", "slim", "divisible8")
...  for d in (32, 1024)]
[3, 102, 8, 102, 8, 104]
>>> output_side(7, 2, "same", NUMERIC), output_side(7, 2, "floor", NUMERIC)
(4, 3)
"""

from __future__ import annotations


def scaled_channels(base: int, alpha, rounding: str, ar):
    """Channels of a layer with ``base`` channels at α = 1, under a rounding rule.

    keras: ``int(d·α)``; slim: ``max(int(d·α), 8)``; divisible8: the nearest multiple of 8, at least 8,
    bumped up by 8 when rounding down lost more than 10 % (timm / MobileNetV2 ``make_divisible``);
    smooth: ``d·α`` unrounded.
    """
    value = base * alpha
    if rounding == "smooth":
        return value
    if rounding == "keras":
        return ar.floor(value)
    if rounding == "slim":
        return ar.max(ar.floor(value), 8)
    if rounding == "divisible8":
        nearest = ar.max(8 * ar.floor((value + 4) / 8), 8)
        return ar.add_if_below(nearest, 8, ar.rational(9, 10) * value)
    raise ValueError(f"rounding={rounding!r} is not allowed")


def output_side(side, stride: int, padding: str, ar, smooth: bool = False):
    """Output side of a layer with input side ``side``.

    same: ``ceil(in / stride)`` (TF SAME, PyTorch ``padding=k//2``); floor: ``floor(in / 2)`` at stride 2
    (older keras.applications: ZeroPadding then valid). The smooth model divides without rounding.
    """
    if stride == 1:
        return side
    quotient = ar.div(side, stride)
    if smooth:
        return quotient
    return ar.ceil(quotient) if padding == "same" else ar.floor(quotient)
