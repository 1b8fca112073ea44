"""The design point built in the user's framework: ``to_torch`` (an ``nn.Module``) and ``to_keras`` (a Keras 3
model), layer by layer from the layer table, for every rounding and padding the cost model has.

Both are the cost model's network, not a copy: channel counts and sides come from
:func:`costmodel.core.network.layer_shapes`, and each padding rule is written as explicit padding:

- ``same``: a 3×3 conv with symmetric padding 1 (PyTorch) or ``padding="same"`` (Keras): ceil(in/stride);
- ``floor``: ``ZeroPad2d((0, 1, 0, 1))`` / ``ZeroPadding2D(((0, 1), (0, 1)))`` then a valid conv at every
  stride-2 layer: floor(in/2);
- ``keras``: the stem as ``same``, the stride-2 depthwise layers as ``floor`` (Keras 3's own MobileNet).

torch and Keras are imported only when a model is built (``pip install "mobilenet-costmodel[frameworks]"``;
Keras runs on any backend, ``KERAS_BACKEND=torch`` needs no TensorFlow). Every conv is followed by
BatchNorm and ReLU6; then a global average pool, the classifier as a 1×1 conv (bias per ``fc_bias``) and a
flatten. No dropout. The smooth model has no whole channels, so it has no model.

>>> [(s.spec.name, s.out_side) for s in model_shapes(0.5, resolution=97, padding="keras")[:4:3]]
[('Conv2d_0', 49), ('Conv2d_2_depthwise', 24)]
"""

from __future__ import annotations

from fractions import Fraction

from costmodel.core.arithmetic import NUMERIC
from costmodel.core.convention import convention_from
from costmodel.core.design_point import check_alpha_for, design_point
from costmodel.core.formulas import LayerShape
from costmodel.core.network import INPUT_CHANNELS, layer_shapes
from costmodel.core.rounding import pads_after
from costmodel.counting.reference_model import torch_model

EXTRA = 'pip install "mobilenet-costmodel[frameworks]"'


def model_shapes(
    alpha: object = 1.0, rho: object = None, *, resolution: object = None, **knobs
) -> tuple[LayerShape, ...]:
    """The checked layer shapes (exact ints) of the model that :func:`to_torch` and :func:`to_keras` build."""
    convention = convention_from(knobs)
    if convention.smooth:
        raise ValueError(
            "rounding='smooth' has no model (channels must be whole numbers); choose one of 'keras', 'slim', "
            "'divisible8'"
        )
    point = design_point(alpha, rho=rho, resolution=resolution, convention=convention)
    check_alpha_for(point.alpha, convention)
    return layer_shapes(Fraction(point.alpha), point.resolution, convention, NUMERIC)


def _require(module: str):
    """Import an optional library, or say which install brings it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as error:
        how = "install torch first (its own wheel), then " + EXTRA if module == "torch" else EXTRA + " installs it"
        raise ImportError(f"{module} is not installed ({error}); {how}") from error


def to_torch(alpha: object = 1.0, rho: object = None, *, resolution: object = None, **knobs):
    """A ``torch.nn.Sequential`` (eval mode) of MobileNet v1 at (α, ρ or resolution) under the knobs.

    Submodules are named after the layer table (``Conv2d_0.conv``, ``.bn``, ``.relu``, ``.pad`` where the
    padding rule pads explicitly, ``AvgPool_1a``, ``Logits``, ``Flatten``). Its parameter count is the report's
    params with ``bn="trainable"`` (γ, β; the running statistics are buffers), and every layer's output shape
    is the report's ``out_side`` × ``out_channels``.

    >>> import torch, costmodel
    >>> m = to_torch(0.975, resolution=239, rounding="keras", padding="keras")
    >>> sum(p.numel() for p in m.parameters()) == costmodel.report(
    ...     alpha=0.975, resolution=239, rounding="keras", bn="trainable").totals["params"]
    True
    >>> m(torch.zeros(1, 3, 239, 239)).shape
    torch.Size([1, 1000])
    """
    _require("torch")
    convention = convention_from(knobs)
    return torch_model(model_shapes(alpha, rho, resolution=resolution, **knobs), convention)


def to_keras(alpha: object = 1.0, rho: object = None, *, resolution: object = None, **knobs):
    """A Keras 3 functional model of MobileNet v1 at (α, ρ or resolution) under the knobs, channels last.

    For the knob values ``keras.applications.MobileNet`` cannot express (slim or divisible8 rounding,
    ``scale_first_layer=False``, any padding rule, no classifier bias). Layers are named after the layer
    table (``Conv2d_0``, ``Conv2d_0_bn``, ``Conv2d_0_relu``, ``Conv2d_0_pad``, ...). ``count_params()`` is the
    report's params with ``bn="all"``; every conv layer's output is ``(out_side, out_side, out_channels)``.
    """
    keras = _require("keras")
    layers = keras.layers
    convention = convention_from(knobs)
    shapes = model_shapes(alpha, rho, resolution=resolution, **knobs)
    inputs = keras.Input((shapes[0].in_side, shapes[0].in_side, INPUT_CHANNELS), name="input")
    x = inputs
    for s in shapes:
        name, kind, kernel = s.spec.name, s.spec.kind, s.spec.kernel
        if kind == "pool":
            x = layers.GlobalAveragePooling2D(keepdims=True, name=name)(x)
            continue
        if kind == "fc":
            x = layers.Conv2D(s.out_channels, 1, use_bias=convention.fc_bias, name=name)(x)
            continue
        explicit = pads_after(kind, s.spec.stride, convention.padding)
        if explicit:
            x = layers.ZeroPadding2D(((0, 1), (0, 1)), name=f"{name}_pad")(x)
        padding = "valid" if explicit else "same"
        if kind == "dw":
            x = layers.DepthwiseConv2D(kernel, s.spec.stride, padding=padding, use_bias=False, name=name)(x)
        else:
            x = layers.Conv2D(s.out_channels, kernel, s.spec.stride, padding=padding, use_bias=False, name=name)(x)
        x = layers.BatchNormalization(name=f"{name}_bn")(x)
        x = layers.ReLU(6.0, name=f"{name}_relu")(x)
    x = layers.Flatten(name="Flatten")(x)
    return keras.Model(inputs, x, name="mobilenet_v1")

