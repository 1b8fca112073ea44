"""Each counting preset's totals as SymPy expressions in α and ρ (exact and smooth), built once and cached."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from types import MappingProxyType

import sympy

from costmodel.core.architecture import BASE_RESOLUTION
from costmodel.core.arithmetic import SYMBOLIC, alpha, resolution_symbol, rho
from costmodel.core.convention import Convention
from costmodel.core.network import layer_shapes
from costmodel.core.presets import preset, preset_convention, preset_totals
from costmodel.core.symbolic import SNAPPED_RESOLUTION


@dataclass(frozen=True)
class PresetExpressions:
    """A preset's ``total`` and ``params`` (and each term) as SymPy expressions in ``alpha`` and ``rho``.

    ``totals`` is exact (floors, ``Max(., 8)``, ceilings, and the input side ``R = floor(224·ρ + 1/2)``);
    ``smooth`` drops all rounding (closed forms); ``in_resolution`` is exact in ``alpha`` and ``R``.
    """

    preset: str
    convention: Convention
    totals: Mapping[str, sympy.Expr]
    smooth: Mapping[str, sympy.Expr]
    in_resolution: Mapping[str, sympy.Expr]


@lru_cache(maxsize=64)
def preset_expressions(name: str, convention: Convention = Convention()) -> PresetExpressions:  # noqa: B008
    """SymPy totals of one preset under one convention (cached).

    >>> e = preset_expressions("fvcore")
    >>> e.smooth["total"].subs({alpha: 1, rho: 1}), e.totals["total"].subs({alpha: 1, rho: 1})
    (578875904, 578875904)
    >>> e.smooth["params"]
    3139584*alpha**2 + 1091392*alpha + 1000
    >>> preset_expressions("keras", Convention(rounding="keras", padding="keras")).totals["params"].subs(alpha, 1)
    4253864
    >>> preset_expressions("keras")
    Traceback (most recent call last):
    ValueError: convention='keras' cannot express rounding='slim': Keras 3's keras.applications.MobileNet has rounding='keras' only
    """
    p = preset(name)
    if p.model != "reference":
        preset_convention(p, asdict(convention))  # a framework's fixed knobs must be the convention's
    base = replace(convention, rounding="smooth") if not convention.smooth else convention
    smooth_shapes = layer_shapes(alpha, BASE_RESOLUTION * rho, base, SYMBOLIC)
    smooth = {k: sympy.expand(v) for k, v in preset_totals(p, smooth_shapes, base).items()}
    if convention.smooth:
        in_resolution = {k: v.subs(rho, resolution_symbol / BASE_RESOLUTION) for k, v in smooth.items()}
        return PresetExpressions(name, convention, _frozen(smooth), _frozen(smooth), _frozen(in_resolution))
    exact_shapes = layer_shapes(alpha, resolution_symbol, convention, SYMBOLIC)
    in_resolution = {k: sympy.sympify(v) for k, v in preset_totals(p, exact_shapes, convention).items()}
    totals = {k: v.subs(resolution_symbol, SNAPPED_RESOLUTION) for k, v in in_resolution.items()}
    return PresetExpressions(name, convention, _frozen(totals), _frozen(smooth), _frozen(in_resolution))


def _frozen(mapping: dict[str, sympy.Expr]) -> Mapping[str, sympy.Expr]:
    return MappingProxyType(mapping)
