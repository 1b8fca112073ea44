"""The variant knobs of the network, gathered in one frozen, hashable :class:`Convention`.

A convention says how the network is built and counted. Its defaults reproduce the paper:

>>> Convention()
Convention(rounding='slim', padding='same', scale_first_layer=True, classes=1000, fc_bias=True, bn='none', dtype='float32', input_channels=3, planner='chain')
>>> Convention(rounding="keras", classes=1001).classes
1001
>>> Convention(rounding="floor")
Traceback (most recent call last):
ValueError: rounding='floor' is not allowed; choose one of 'keras', 'slim', 'divisible8', 'smooth'
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Literal

Rounding = Literal["keras", "slim", "divisible8", "smooth"]
Padding = Literal["same", "floor", "keras"]
BatchNorm = Literal["none", "trainable", "all"]
DType = Literal["float32", "float16", "int8"]
Planner = Literal["chain", "inplace-depthwise"]

ROUNDINGS: tuple[str, ...] = ("keras", "slim", "divisible8", "smooth")
PADDINGS: tuple[str, ...] = ("same", "floor", "keras")
BATCH_NORMS: tuple[str, ...] = ("none", "trainable", "all")
DTYPES: tuple[str, ...] = ("float32", "float16", "int8")
PLANNERS: tuple[str, ...] = ("chain", "inplace-depthwise")
MAX_CLASSES = 1_000_000
MAX_INPUT_CHANNELS = 4096
DTYPE_BYTES: dict[str, int] = {"float32": 4, "float16": 2, "int8": 1}
"""Bytes per stored value (weights and activations) of each dtype."""
BIAS_BYTES: dict[str, int] = {"float32": 4, "float16": 2, "int8": 4}
"""Bytes per bias value: int32 under int8 (TF Lite, CMSIS-NN), the dtype otherwise."""

KNOB_HELP: dict[str, str] = {
    "rounding": "channel rounding: keras int(d·α); slim max(int(d·α), 8); divisible8 (timm make_divisible); "
    "smooth (no rounding, continuous α and ρ)",
    "padding": "same: out = ceil(in/stride) (TF-slim, timm, PyTorch padding=1); floor: out = floor(in/2) at "
    "stride 2 (keras_applications 1.0.8 ZeroPadding + valid); keras: stem ceil(in/2), stride-2 depthwise "
    "floor(in/2) (Keras 3 keras.applications.MobileNet)",
    "scale_first_layer": "apply α to the stem conv's 32 channels",
    "classes": "classifier outputs (paper 1000, slim checkpoints 1001)",
    "fc_bias": "count the classifier bias in params",
    "bn": "batch-norm parameters counted in params: none, trainable (γ, β) or all (+ moving mean, var)",
    "dtype": "stored value type for the byte counts: float32 (4 bytes), float16 (2) or int8 (1; biases int32)",
    "input_channels": "channels of the input image (3 for RGB, 1 for grayscale)",
    "planner": "activation memory plan: chain keeps each layer's input and output (MCUNet); inplace-depthwise "
    "lets a depthwise layer overwrite its input channel by channel with one extra output channel (TinyEngine)",
}


def _choice(name: str, value: object, allowed: tuple[str, ...]) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, one of {', '.join(map(repr, allowed))}; got {value!r}")
    if value not in allowed:
        raise ValueError(f"{name}={value!r} is not allowed; choose one of {', '.join(map(repr, allowed))}")


def _flag(name: str, value: object) -> None:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False; got {value!r}")


@dataclass(frozen=True)
class Convention:
    """How the network is built and counted; every field is a documented knob (see ``KNOB_HELP``)."""

    rounding: Rounding = "slim"
    padding: Padding = "same"
    scale_first_layer: bool = True
    classes: int = 1000
    fc_bias: bool = True
    bn: BatchNorm = "none"
    dtype: DType = "float32"
    input_channels: int = 3
    planner: Planner = "chain"

    def __post_init__(self) -> None:
        _choice("rounding", self.rounding, ROUNDINGS)
        _choice("padding", self.padding, PADDINGS)
        _choice("bn", self.bn, BATCH_NORMS)
        _choice("dtype", self.dtype, DTYPES)
        _choice("planner", self.planner, PLANNERS)
        _flag("scale_first_layer", self.scale_first_layer)
        _flag("fc_bias", self.fc_bias)
        if isinstance(self.classes, bool) or not isinstance(self.classes, int):
            raise TypeError(f"classes must be a positive integer; got {self.classes!r}")
        if not 1 <= self.classes <= MAX_CLASSES:
            raise ValueError(f"classes={self.classes} is out of range; allowed 1 to {MAX_CLASSES:,}")
        if isinstance(self.input_channels, bool) or not isinstance(self.input_channels, int):
            raise TypeError(f"input_channels must be a positive integer; got {self.input_channels!r}")
        if not 1 <= self.input_channels <= MAX_INPUT_CHANNELS:
            raise ValueError(
                f"input_channels={self.input_channels} is out of range; allowed 1 to {MAX_INPUT_CHANNELS:,}"
            )

    @property
    def value_bytes(self) -> int:
        """Bytes per weight or activation value at this dtype."""
        return DTYPE_BYTES[self.dtype]

    @property
    def bias_bytes(self) -> int:
        """Bytes per bias value: int32 for int8, the dtype otherwise."""
        return BIAS_BYTES[self.dtype]

    @property
    def smooth(self) -> bool:
        """True for the continuous model (no rounding of channels or spatial sizes)."""
        return self.rounding == "smooth"

    def describe(self) -> str:
        """One line stating the counting convention, for captions and footers.

        >>> Convention().describe()
        'MACs = mult-adds of convolutions and the classifier (FLOPs = 2 × MACs); params = weights + classifier bias; rounding=slim, padding=same, scale_first_layer=True, classes=1000, fc_bias=True, bn=none, dtype=float32, input_channels=3, planner=chain'
        """
        counted = "weights" + (" + classifier bias" if self.fc_bias else "")
        if self.bn != "none":
            counted += " + BN " + ("γ, β" if self.bn == "trainable" else "γ, β, moving mean and variance")
        knobs = ", ".join(f"{f.name}={getattr(self, f.name)}" for f in fields(self))
        return (
            "MACs = mult-adds of convolutions and the classifier (FLOPs = 2 × MACs); "
            f"params = {counted}; {knobs}"
        )


KNOBS: tuple[str, ...] = tuple(f.name for f in fields(Convention))


def convention_from(knobs: dict[str, object]) -> Convention:
    """Build a :class:`Convention` from keyword knobs, rejecting unknown names.

    >>> convention_from({"rounding": "keras"}).rounding
    'keras'
    >>> convention_from({"colour": "red"})
    Traceback (most recent call last):
    TypeError: unknown knob 'colour'; the knobs are rounding, padding, scale_first_layer, classes, fc_bias, bn, dtype, input_channels, planner
    """
    unknown = [k for k in knobs if k not in KNOBS]
    if unknown:
        raise TypeError(f"unknown knob {unknown[0]!r}; the knobs are {', '.join(KNOBS)}")
    return Convention(**knobs)  # type: ignore[arg-type]
