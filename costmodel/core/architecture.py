"""The MobileNet v1 layer table, written as data.

Paper Table 1 (arXiv:1704.04861) with the last depthwise stride fixed to 1, in the style of TF-slim's
``_CONV_DEFS``. Row names are TF-slim endpoint names so rows join with published per-layer tables.
Channel counts are the α = 1 values; the width multiplier and rounding are applied elsewhere.

>>> len(LAYERS), LAYERS[0].name, LAYERS[-1].name
(29, 'Conv2d_0', 'Logits')
>>> [layer.name for layer in LAYERS if layer.stride == 2][:3]
['Conv2d_0', 'Conv2d_2_depthwise', 'Conv2d_4_depthwise']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

BASE_RESOLUTION = 224
"""Input side, in pixels, of the paper's network (ρ = 1)."""

LayerKind = Literal["conv", "dw", "pw", "pool", "fc"]
KINDS: tuple[LayerKind, ...] = ("conv", "dw", "pw", "pool", "fc")
"""Layer kinds: full conv, depthwise conv, pointwise (1×1) conv, global average pool, classifier."""


@dataclass(frozen=True)
class LayerSpec:
    """One row of the layer table.

    ``channels`` is the output depth at α = 1 for ``conv`` and ``pw``; ``None`` for layers that keep
    their input depth (``dw``, ``pool``) and for the classifier, whose width is the number of classes.
    """

    name: str
    kind: LayerKind
    kernel: int
    stride: int
    channels: int | None
    block: int
    """Depthwise-separable block number (1–13); 0 for the stem, 14 for pool and classifier."""


def _separable(block: int, stride: int, channels: int) -> tuple[LayerSpec, LayerSpec]:
    return (
        LayerSpec(f"Conv2d_{block}_depthwise", "dw", 3, stride, None, block),
        LayerSpec(f"Conv2d_{block}_pointwise", "pw", 1, 1, channels, block),
    )


# (stride of the depthwise conv, pointwise output channels) for blocks 1..13; paper Table 1.
SEPARABLE_BLOCKS: tuple[tuple[int, int], ...] = (
    (1, 64),
    (2, 128),
    (1, 128),
    (2, 256),
    (1, 256),
    (2, 512),
    (1, 512),
    (1, 512),
    (1, 512),
    (1, 512),
    (1, 512),
    (2, 1024),
    (1, 1024),  # printed "s2" in the paper: a typo, the input is already 7×7 (TF-slim, Keras, timm use 1)
)

LAYERS: tuple[LayerSpec, ...] = (
    LayerSpec("Conv2d_0", "conv", 3, 2, 32, 0),
    *(layer for i, (s, c) in enumerate(SEPARABLE_BLOCKS, 1) for layer in _separable(i, s, c)),
    LayerSpec("AvgPool_1a", "pool", 7, 1, None, 14),
    LayerSpec("Logits", "fc", 1, 1, None, 14),
)

LAYER_NAMES: tuple[str, ...] = tuple(layer.name for layer in LAYERS)

SOURCES = (
    "Architecture: Howard et al. 2017, MobileNets (arXiv:1704.04861), Table 1, last depthwise stride 1; "
    "rounding as in TF-slim mobilenet_v1.py, keras.applications.MobileNet or timm make_divisible."
)
