"""The reference PyTorch model that other counters are reconciled on, built from the layer table.

Every conv of :data:`~costmodel.core.architecture.LAYERS` becomes ``Conv2d(bias=False, padding=k//2)``
(depthwise: ``groups=channels``) → ``BatchNorm2d`` → ``ReLU6``; then ``AdaptiveAvgPool2d(1)``, the
classifier as ``Conv2d(C, classes, 1, bias=True)`` (``bias=False`` under ``fc_bias=False``) and
``Flatten``. No dropout. Channel counts and sides come from :func:`costmodel.core.network.layer_shapes`, so the model is the cost model's network, not a copy.

torch is imported only when a model is built: the rest of costmodel works without it
(``pip install "mobilenet-costmodel[reconcile]"`` plus torch for this module).

Only ``padding="same"`` has a reference model (the one the tools are reconciled on): PyTorch's symmetric
``padding=k//2`` gives ``ceil(in/stride)`` (TF SAME) at every stride. :func:`torch_model` builds the other
rules too, with explicit ``ZeroPad2d``; :func:`costmodel.to_torch` is its public door. The smooth model has
no integer channels, so it has no model at all.

>>> [(s.spec.name, s.in_channels, s.out_channels) for s in reference_shapes(0.5, 160, Convention())[:2]]
[('Conv2d_0', 3, 16), ('Conv2d_1_depthwise', 16, 16)]
"""

from __future__ import annotations

from collections import OrderedDict
from fractions import Fraction

from costmodel.core.arithmetic import NUMERIC
from costmodel.core.convention import Convention
from costmodel.core.design_point import check_alpha, check_alpha_for, check_resolution
from costmodel.core.formulas import LayerShape
from costmodel.core.network import INPUT_CHANNELS, layer_shapes
from costmodel.core.presets import check_reference_convention
from costmodel.core.rounding import pads_after


def reference_shapes(alpha: object, resolution: object, convention: Convention) -> tuple[LayerShape, ...]:
    """The checked layer shapes (exact ints) of the reference model at (α, resolution).

    >>> shapes = reference_shapes(0.25, 128, Convention())
    >>> [(s.spec.name, s.out_side, s.out_channels) for s in (shapes[0], shapes[-1])]
    [('Conv2d_0', 64, 8), ('Logits', 1, 1000)]
    """
    check_reference_convention(convention)
    exact_alpha = check_alpha(alpha)
    check_alpha_for(exact_alpha, convention)
    side = check_resolution(resolution, convention)
    return layer_shapes(Fraction(exact_alpha), side, convention, NUMERIC)


def reference_model(alpha: object, resolution: object, convention: Convention | None = None):
    """The reference ``torch.nn.Sequential`` for (α, resolution) under ``convention``, in eval mode.

    Eval mode is part of the definition: fvcore counts a training-mode BatchNorm as 5 per element instead
    of 2, and a batch-1 training-mode BatchNorm fails on a 1×1 map (resolution 32 and below).

    Submodules are named after the layer table (``Conv2d_0.conv``, ``Conv2d_0.bn``, ``Conv2d_0.relu``, …,
    ``AvgPool_1a``, ``Logits``, ``Flatten``).
    """
    convention = convention or Convention()
    return torch_model(reference_shapes(alpha, resolution, convention), convention)


def torch_model(shapes: tuple[LayerShape, ...], convention: Convention):
    """The ``torch.nn.Sequential`` (eval mode) of already checked layer shapes, for any padding rule.

    Every conv → ``BatchNorm2d`` → ``ReLU6``; where the padding rule pads after
    (:func:`~costmodel.core.rounding.pads_after`) the block starts with ``pad = ZeroPad2d((0, 1, 0, 1))`` and
    the conv is valid, elsewhere the conv pads ``k//2``. Then ``AdaptiveAvgPool2d(1)``, the classifier as a
    1×1 ``Conv2d`` (bias per ``fc_bias``) and ``Flatten``.
    """
    from torch import nn

    layers: OrderedDict[str, nn.Module] = OrderedDict()
    for s in shapes:
        kind, kernel = s.spec.kind, s.spec.kernel
        if kind == "pool":
            layers[s.spec.name] = nn.AdaptiveAvgPool2d(1)
        elif kind == "fc":
            layers[s.spec.name] = nn.Conv2d(s.in_channels, s.out_channels, 1, bias=convention.fc_bias)
        else:
            explicit = pads_after(kind, s.spec.stride, convention.padding)
            block: OrderedDict[str, nn.Module] = OrderedDict()
            if explicit:
                block["pad"] = nn.ZeroPad2d((0, 1, 0, 1))
            block["conv"] = nn.Conv2d(
                s.in_channels,
                s.out_channels,
                kernel,
                stride=s.spec.stride,
                padding=0 if explicit else kernel // 2,
                groups=s.in_channels if kind == "dw" else 1,
                bias=False,
            )
            block["bn"] = nn.BatchNorm2d(s.out_channels)
            block["relu"] = nn.ReLU6()
            layers[s.spec.name] = nn.Sequential(block)
    layers["Flatten"] = nn.Flatten()
    return nn.Sequential(layers).eval()


def reference_input(resolution: int, batch: int = 1):
    """A zero input batch ``(batch, 3, resolution, resolution)`` for the reference model."""
    import torch

    return torch.zeros(batch, INPUT_CHANNELS, resolution, resolution)
