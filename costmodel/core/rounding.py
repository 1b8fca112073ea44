"""How α becomes channel counts and how the input side shrinks through strided layers.

Each rule is written once and works in either arithmetic of :mod:`costmodel.core.arithmetic`.

>>> from fractions import Fraction
>>> from costmodel.core.arithmetic import NUMERIC
>>> [scaled_channels(d, Fraction(1, 10), r, NUMERIC) for r in ("keras", "slim", "divisible8")
...  for d in (32, 1024)]
[3, 102, 8, 102, 8, 104]
>>> [output_side(7, 2, padding, NUMERIC, kind=kind) for padding in ("same", "floor", "keras")
...  for kind in ("conv", "dw")]
[4, 4, 3, 3, 4, 3]
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


def output_side(side, stride: int, padding: str, ar, *, kind: str, smooth: bool = False):
    """Output side of a layer of ``kind`` (``"conv"`` for the stem, ``"dw"``, ...) with input side ``side``.

    - same: ``ceil(in / stride)`` at every layer (TF ``padding="SAME"`` as in TF-slim ``mobilenet_v1.py``;
      PyTorch's symmetric ``padding=k//2`` as in timm).
    - floor: ``floor(in / 2)`` at every stride-2 layer: ``ZeroPadding2D(((0, 1), (0, 1)))`` then a valid
      3×3 stride-2 conv gives ``floor((in + 1 - 3) / 2) + 1`` (keras_applications 1.0.8 ``mobilenet.py``,
      stem and depthwise alike).
    - keras: the stem is ``Conv2D(padding="same")`` (ceil), the stride-2 depthwise layers are
      ``ZeroPadding2D(((0, 1), (0, 1)))`` then ``DepthwiseConv2D(padding="valid")`` (floor)
      (Keras 3.15.1 ``keras/src/applications/mobilenet.py``).

    The smooth model divides without rounding.
    """
    if stride == 1:
        return side
    quotient = ar.div(side, stride)
    if smooth:
        return quotient
    rounds_up = padding == "same" or (padding == "keras" and kind == "conv")
    return ar.ceil(quotient) if rounds_up else ar.floor(quotient)


def pads_after(kind: str, stride: int, padding: str) -> bool:
    """True where a layer is built as one pixel of zeros after (right, bottom) and a valid conv: floor(in/2).

    That is every stride-2 layer under ``floor`` and the stride-2 depthwise layers under ``keras``; elsewhere a
    3×3 conv pads symmetrically by 1 (PyTorch, ONNX) or ``"same"`` (Keras, TF), which gives ceil(in/stride).

    >>> [pads_after(kind, 2, "keras") for kind in ("conv", "dw")], pads_after("dw", 1, "floor")
    ([False, True], False)
    """
    return stride == 2 and (padding == "floor" or (padding == "keras" and kind == "dw"))
