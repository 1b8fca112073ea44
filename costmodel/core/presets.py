"""Counting presets: what the paper and each popular counter counts, as per-layer rules in a registry.

A preset reproduces, exactly, the headline number a tool prints for the reference PyTorch model
(:mod:`costmodel.counting.reference_model`): every conv → BatchNorm2d → ReLU6, global average pool, a 1×1-conv
classifier with bias. Its total is a sum of six *terms*, each a small pure per-layer rule
(``rule(shape, convention) -> count``) that works on ints and SymPy expressions alike:

========== =======================================================================
term       what it covers
========== =======================================================================
conv       the stem, depthwise and pointwise convolutions (MACs, or FLOPs = 2 × MACs)
fc         the classifier's multiplies (a 1×1 conv on a 1×1 map)
bias       the classifier's bias adds
bn         the BatchNorm2d after every conv
activation the ReLU6 after every conv
pool       the global average pool
========== =======================================================================

A term a preset leaves out is listed in ``not_counted`` (deliberately zero), kept apart from the
terms it counts, in the manner of fvcore's op handles.

>>> from costmodel.core.formulas import LayerShape
>>> from costmodel.core.architecture import LAYERS
>>> pool = LayerShape(LAYERS[-2], in_side=7, in_channels=1024, out_side=1, out_channels=1024)
>>> [PRESETS[name].layer_terms(pool, Convention())["pool"] for name in ("paper", "fvcore", "ptflops", "thop")]
[0, 50176, 100352, 51200]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from types import MappingProxyType
from typing import Literal

from costmodel.core.convention import Convention, convention_from
from costmodel.core.formulas import BIAS, MACS, METRICS, LayerShape

TERMS: tuple[str, ...] = ("conv", "fc", "bias", "bn", "activation", "pool")
"""The term breakdown of every preset's total, in display order."""

CONV_KINDS = ("conv", "dw", "pw")
"""Layer kinds followed by BatchNorm2d and ReLU6 in the reference model."""

Rule = Callable[[LayerShape, Convention], object]


def _conv_outputs(s: LayerShape):
    """Output elements of a conv layer (what its BN and ReLU6 see); 0 for pool and classifier."""
    return s.out_side**2 * s.out_channels if s.spec.kind in CONV_KINDS else 0


def _conv_channels(s: LayerShape):
    return s.out_channels if s.spec.kind in CONV_KINDS else 0


def _pool_inputs(s: LayerShape):
    return s.in_side**2 * s.in_channels if s.spec.kind == "pool" else 0


RULES: Mapping[str, Rule] = MappingProxyType(
    {
        # convolutions and classifier: weights × output positions, bias excluded
        "conv_macs": lambda s, c: MACS[s.spec.kind](s, c) if s.spec.kind in CONV_KINDS else 0,
        "conv_flops": lambda s, c: 2 * MACS[s.spec.kind](s, c) if s.spec.kind in CONV_KINDS else 0,
        "fc_macs": lambda s, c: MACS["fc"](s, c) if s.spec.kind == "fc" else 0,
        "fc_flops": lambda s, c: 2 * MACS["fc"](s, c) if s.spec.kind == "fc" else 0,
        # one add per bias element of the output (the classifier's output is 1×1×classes)
        "fc_bias_adds": lambda s, c: BIAS["fc"](s, c) if s.spec.kind == "fc" else 0,
        # BatchNorm2d in eval mode with affine γ, β: a scale and a shift per element
        "bn_two_per_element": lambda s, c: 2 * _conv_outputs(s),
        # thop: calculate_norm's 2 per element, doubled again for the affine γ, β
        "bn_four_per_element": lambda s, c: 4 * _conv_outputs(s),
        # torchinfo: "mult-adds" of a layer with parameters = its parameter count × batch (no spatial factor)
        "bn_two_per_channel": lambda s, c: 2 * _conv_channels(s),
        "relu6_one_per_element": lambda s, c: _conv_outputs(s),
        "pool_one_per_input": lambda s, c: _pool_inputs(s),
        # ptflops: the AdaptiveAvgPool2d module hook and its patched F.adaptive_avg_pool2d both fire
        "pool_two_per_input": lambda s, c: 2 * _pool_inputs(s),
        # thop: (kernel area + 1 division) per output element; the kernel is the whole input map
        "pool_area_plus_one_per_output": lambda s, c: (
            (s.in_side**2 + 1) * s.out_channels if s.spec.kind == "pool" else 0
        ),
    }
)
"""Per-layer counting rules by name: small pure functions of (layer shape, convention)."""

ParamsRule = Literal["paper", "parameters", "variables"]
"""``paper``: weights + classifier bias (+ BN variables as the convention's ``bn`` knob says);
``parameters``: every ``nn.Parameter`` of the reference model, i.e. also BN γ and β (not the running
statistics, which are buffers); ``variables``: every variable of a Keras model (``count_params()``), i.e. also
BN's moving mean and variance."""

PARAMS_BN: Mapping[str, str] = MappingProxyType({"parameters": "trainable", "variables": "all"})
"""The ``bn`` knob each params rule counts with (the ``paper`` rule follows the convention's own)."""

FRAMEWORK_MODELS: Mapping[str, str] = MappingProxyType(
    {
        "keras": "Keras 3's keras.applications.MobileNet",
        "timm": "timm's mobilenetv1_100 / mobilenetv1_125",
    }
)
"""The framework a preset counts (its own MobileNet) when it is not the reference PyTorch model."""


@dataclass(frozen=True)
class Preset:
    """A counting convention: the unit, the rule behind each counted term and how params are counted."""

    name: str
    unit: Literal["MAC", "FLOP"]
    counted: Mapping[str, str]
    """term → name of a rule in :data:`RULES`."""
    not_counted: tuple[str, ...]
    """Terms deliberately left out (always zero)."""
    params: ParamsRule
    headline: str
    """The call whose number ``total`` reproduces."""
    tool: str
    """The tool and the version the rules were read from and verified against."""
    why: str
    """One line: where this count departs from the paper's mult-adds."""
    model: str = "reference"
    """What is counted: ``"reference"`` (the reference PyTorch model) or a framework (``"keras"``, ``"timm"``)
    whose own MobileNet fixes some knobs."""
    fixed: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))
    """Knobs the framework's model cannot change (knob → its value); a knob not given takes this value."""
    alphas: tuple[object, ...] | None = None
    """The only widths the framework has (timm: 1.0 and 1.25); ``None``: any α."""

    def __post_init__(self) -> None:
        assert set(self.counted) | set(self.not_counted) == set(TERMS), self.name
        assert not set(self.counted) & set(self.not_counted), self.name
        assert all(rule in RULES for rule in self.counted.values()), self.name

    def layer_terms(self, shape: LayerShape, convention: Convention) -> dict[str, object]:
        """The six terms for one layer (0 for terms not counted)."""
        return {
            term: RULES[self.counted[term]](shape, convention) if term in self.counted else 0
            for term in TERMS
        }

    def layer_params(self, shape: LayerShape, convention: Convention):
        """Parameters of one layer as this preset counts them."""
        if self.params in PARAMS_BN:
            convention = replace(convention, bn=PARAMS_BN[self.params])
        return METRICS["params"](shape, convention)

    def layer_trainable(self, shape: LayerShape, convention: Convention):
        """Trainable parameters of one layer: the params less BN's moving statistics, if they were counted."""
        if self.params != "paper" or convention.bn == "all":
            convention = replace(convention, bn="trainable")
        return METRICS["params"](shape, convention)


def _preset(name, unit, counted, params, headline, tool, why, **framework) -> Preset:
    not_counted = tuple(t for t in TERMS if t not in counted)
    if "fixed" in framework:
        framework["fixed"] = MappingProxyType(framework["fixed"])
    return Preset(name, unit, MappingProxyType(counted), not_counted, params, headline, tool, why, **framework)


PRESETS: Mapping[str, Preset] = MappingProxyType(
    {
        p.name: p
        for p in (
            _preset(
                "paper",
                "MAC",
                {"conv": "conv_macs", "fc": "fc_macs"},
                "paper",
                "Howard et al. 2017, Tables 6-7 mult-adds",
                "arXiv:1704.04861",
                "the reference: mult-adds of convolutions and the classifier only",
            ),
            _preset(
                "fvcore",
                "MAC",
                {
                    "conv": "conv_macs",
                    "fc": "fc_macs",
                    "bn": "bn_two_per_element",
                    "pool": "pool_one_per_input",
                },
                "parameters",
                "FlopCountAnalysis(model, x).total(); parameter_count(model)['']",
                "fvcore 0.1.5.post20221221",
                "adds eval-mode BatchNorm (2 per element) and the average pool (1 per input element)",
            ),
            _preset(
                "ptflops",
                "MAC",
                {
                    "conv": "conv_macs",
                    "fc": "fc_macs",
                    "bias": "fc_bias_adds",
                    "bn": "bn_two_per_element",
                    "activation": "relu6_one_per_element",
                    "pool": "pool_two_per_input",
                },
                "parameters",
                "get_model_complexity_info(model, (3, R, R), as_strings=False) (backend 'pytorch')",
                "ptflops 0.7.5",
                "adds bias adds, BatchNorm (2 per element), ReLU6 (1 per element) and the pool counted twice "
                "(module hook plus patched F.adaptive_avg_pool2d)",
            ),
            _preset(
                "ptflops-aten",
                "MAC",
                {"conv": "conv_macs", "fc": "fc_macs", "bias": "fc_bias_adds"},
                "parameters",
                "get_model_complexity_info(model, (3, R, R), as_strings=False, backend='aten')",
                "ptflops 0.7.5",
                "adds the classifier's bias adds; counts only aten.convolution and matrix products",
            ),
            _preset(
                "thop",
                "MAC",
                {
                    "conv": "conv_macs",
                    "fc": "fc_macs",
                    "bn": "bn_four_per_element",
                    "pool": "pool_area_plus_one_per_output",
                },
                "parameters",
                "thop.profile(model, inputs=(x,))",
                "thop 0.1.1.post2209072238",
                "adds BatchNorm at 4 per element (2, doubled for affine) and the pool as (H·W + 1) per channel; "
                "ignores the bias",
            ),
            _preset(
                "torchinfo",
                "MAC",
                {"conv": "conv_macs", "fc": "fc_macs", "bias": "fc_bias_adds", "bn": "bn_two_per_channel"},
                "parameters",
                "summary(model, input_size=(1, 3, R, R)).total_mult_adds; .total_params",
                "torchinfo 1.8.0",
                "adds the bias and, for BatchNorm, its parameter count (2 per channel, not per element)",
            ),
            _preset(
                "torch-flops",
                "FLOP",
                {"conv": "conv_flops", "fc": "fc_flops"},
                "parameters",
                "torch.utils.flop_counter.FlopCounterMode().get_total_flops(); params = Σ numel",
                "torch 2.13.0",
                "FLOPs = 2 × the paper's mult-adds; BN, ReLU6, pool and bias are not counted",
            ),
            _preset(
                "keras",
                "MAC",
                {"conv": "conv_macs", "fc": "fc_macs"},
                "variables",
                "keras.applications.MobileNet(weights=None, alpha=α, input_shape=(R, R, 3)).count_params(); "
                "MACs = Σ kernel × output shape of its Conv2D and DepthwiseConv2D layers",
                "keras 3.15.1 (keras/src/applications/mobilenet.py)",
                "the paper's mult-adds on Keras' own network: int(d·α) channels, stem ceil(in/2) but stride-2 "
                "depthwise floor(in/2) (padding='keras'); params count BN γ, β, moving mean and variance "
                "(4 per channel; trainable: 2)",
                model="keras",
                fixed={"rounding": "keras", "padding": "keras", "scale_first_layer": True, "fc_bias": True},
            ),
            _preset(
                "timm",
                "MAC",
                {"conv": "conv_macs", "fc": "fc_macs"},
                "parameters",
                "timm.create_model('mobilenetv1_100' or 'mobilenetv1_125', num_classes=N) at input (1, 3, R, R): "
                "Σ numel of parameters; MACs of its Conv2d and Linear modules",
                "timm 1.0.31 (timm/models/efficientnet.py _gen_mobilenet_v1)",
                "the paper's mult-adds on timm's network: make_divisible(d·α, 8) channels, ceil(in/2) "
                "(padding=1); params add BN γ, β; only α = 1 and 1.25 exist",
                model="timm",
                fixed={"rounding": "divisible8", "padding": "same", "scale_first_layer": True, "fc_bias": True},
                alphas=(Fraction(1), Fraction(5, 4)),
            ),
        )
    }
)
"""Every preset by name; ``paper`` first, then the tools (on the reference model), then the frameworks."""

PRESET_NAMES: tuple[str, ...] = tuple(PRESETS)
REFERENCE_PRESET_NAMES: tuple[str, ...] = tuple(n for n, p in PRESETS.items() if p.model == "reference")
"""The paper and the tools that count the reference PyTorch model: what ``reconcile()`` shows by default."""
FRAMEWORK_PRESET_NAMES: tuple[str, ...] = tuple(n for n, p in PRESETS.items() if p.model != "reference")


def preset(name: object) -> Preset:
    """The preset called ``name``.

    >>> preset("thop").unit
    'MAC'
    >>> preset("flops")
    Traceback (most recent call last):
    ValueError: convention='flops' is not a counting preset; choose one of 'paper', 'fvcore', 'ptflops', 'ptflops-aten', 'thop', 'torchinfo', 'torch-flops', 'keras', 'timm'
    """
    if not isinstance(name, str):
        raise TypeError(
            f"convention must be a preset name, one of {', '.join(map(repr, PRESET_NAMES))}; got {name!r}"
        )
    if name not in PRESETS:
        raise ValueError(
            f"convention={name!r} is not a counting preset; choose one of {', '.join(map(repr, PRESET_NAMES))}"
        )
    return PRESETS[name]


def layer_counts(p: Preset, shape: LayerShape, convention: Convention) -> dict[str, object]:
    """One layer under a preset: the six terms, their ``total`` and the layer's ``params``."""
    terms = p.layer_terms(shape, convention)
    return {
        **terms,
        "total": sum(terms.values()),
        "params": p.layer_params(shape, convention),
        "trainable": p.layer_trainable(shape, convention),
    }


def preset_totals(p: Preset, shapes: Iterable[LayerShape], convention: Convention) -> dict[str, object]:
    """Terms, ``total`` and ``params`` of a preset summed over the network's layers."""
    rows = [layer_counts(p, s, convention) for s in shapes]
    return {key: sum(row[key] for row in rows) for key in (*TERMS, "total", "params", "trainable")}

def preset_convention(p: Preset, knobs: Mapping[str, object]) -> Convention:
    """The convention a preset counts under: the knobs given, with a framework's fixed knobs filled in.

    A knob given with a value the framework's model cannot express is an error that says so; a tool preset
    needs a convention that the reference model can express (:func:`check_reference_convention`).

    >>> preset_convention(preset("keras"), {"classes": 10}).padding
    'keras'
    >>> preset_convention(preset("keras"), {"rounding": "slim"})
    Traceback (most recent call last):
    ValueError: convention='keras' cannot express rounding='slim': Keras 3's keras.applications.MobileNet has rounding='keras' only
    """
    for knob, value in p.fixed.items():
        if knob in knobs and knobs[knob] != value:
            raise ValueError(
                f"convention={p.name!r} cannot express {knob}={knobs[knob]!r}: {FRAMEWORK_MODELS[p.model]} has "
                f"{knob}={value!r} only"
            )
    convention = convention_from({**p.fixed, **knobs})
    if p.model == "reference" and p.name != "paper":
        check_reference_convention(convention)
    return convention


def check_preset_alpha(p: Preset, alpha: object) -> None:
    """Reject a width the framework has no model for (timm: ``mobilenetv1_100`` and ``_125`` only).

    >>> check_preset_alpha(preset("timm"), Fraction(1, 2))
    Traceback (most recent call last):
    ValueError: convention='timm' cannot express alpha=0.5: timm's mobilenetv1_100 / mobilenetv1_125 has alpha 1, 1.25 only
    """
    if p.alphas is not None and alpha not in p.alphas:
        widths = ", ".join(f"{float(a):g}" for a in p.alphas)
        raise ValueError(
            f"convention={p.name!r} cannot express alpha={float(alpha):g}: {FRAMEWORK_MODELS[p.model]} has "
            f"alpha {widths} only"
        )


def expresses(p: Preset, convention: Convention, alpha: object) -> bool:
    """True when the preset's model is this very network: its fixed knobs are the convention's, α one it has.

    >>> expresses(preset("keras"), Convention(rounding="keras", padding="keras"), Fraction(1, 2))
    True
    >>> expresses(preset("timm"), Convention(rounding="divisible8"), Fraction(1, 2))
    False
    """
    fixed = all(getattr(convention, knob) == value for knob, value in p.fixed.items())
    return fixed and (p.alphas is None or alpha in p.alphas)


def check_reference_convention(convention: Convention) -> None:
    """Reject conventions that the reference model cannot express.

    >>> check_reference_convention(Convention(padding="floor"))
    Traceback (most recent call last):
    ValueError: padding='floor' has no reference PyTorch model; the reference model uses Conv2d(padding=k//2), which is padding='same'
    """
    if convention.padding != "same":
        raise ValueError(
            f"padding={convention.padding!r} has no reference PyTorch model; the reference model uses "
            "Conv2d(padding=k//2), which is padding='same'"
        )
    if convention.input_channels != 3:
        raise ValueError(
            f"input_channels={convention.input_channels} has no reference PyTorch model; it takes RGB images "
            "(input_channels=3)"
        )
    if convention.smooth:
        raise ValueError(
            "rounding='smooth' has no reference PyTorch model (channels must be whole numbers); "
            "choose one of 'keras', 'slim', 'divisible8'"
        )
