"""``reconcile()``: the paper's count next to what fvcore, ptflops, thop, torchinfo and torch print.

Each row is one counting preset (:mod:`costmodel.presets`) applied to the reference PyTorch model
(:mod:`costmodel.reference_model`) at one design point; ``total`` and ``params`` are the exact ints the tool
reports for that model, and the term columns say where each total comes from.

>>> df = reconcile(alpha=1.0, resolution=224)
>>> df.set_index("convention").loc[["paper", "fvcore", "ptflops", "torch-flops"], ["unit", "total", "params"]]
            unit       total   params
convention
paper        MAC   568740352  4210088
fvcore       MAC   578875904  4231976
ptflops      MAC   583969768  4231976
torch-flops FLOP  1137480704  4231976
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from types import MappingProxyType

import pandas as pd
import sympy

from costmodel.architecture import BASE_RESOLUTION
from costmodel.arithmetic import NUMERIC, SYMBOLIC, alpha, resolution_symbol, rho
from costmodel.convention import Convention, convention_from
from costmodel.design_point import design_point
from costmodel.formulas import LayerShape
from costmodel.network import layer_shapes
from costmodel.presets import PRESET_NAMES, TERMS, Preset, preset
from costmodel.reference_model import check_reference_convention
from costmodel.symbolic import SNAPPED_RESOLUTION

COLUMNS: tuple[str, ...] = ("convention", "unit", "total", "params", *TERMS, "why", "tool")
"""Columns of :func:`reconcile`'s DataFrame."""


def layer_counts(p: Preset, shape: LayerShape, convention: Convention) -> dict[str, object]:
    """One layer under a preset: the six terms, their ``total`` and the layer's ``params``."""
    terms = p.layer_terms(shape, convention)
    return {**terms, "total": sum(terms.values()), "params": p.layer_params(shape, convention)}


def preset_totals(p: Preset, shapes: Iterable[LayerShape], convention: Convention) -> dict[str, object]:
    """Terms, ``total`` and ``params`` of a preset summed over the network's layers."""
    rows = [layer_counts(p, s, convention) for s in shapes]
    return {key: sum(row[key] for row in rows) for key in (*TERMS, "total", "params")}


def selected_presets(presets: object) -> tuple[Preset, ...]:
    """``None`` → every preset; a name or an iterable of names → those presets, checked."""
    if presets is None:
        return tuple(preset(name) for name in PRESET_NAMES)
    if isinstance(presets, str):
        return (preset(presets),)
    try:
        names = list(presets)  # type: ignore[call-overload]
    except TypeError:
        raise TypeError(f"presets must be a preset name or a list of names; got {presets!r}") from None
    if not names:
        raise ValueError(f"presets is empty; choose from {', '.join(map(repr, PRESET_NAMES))}")
    return tuple(preset(name) for name in names)


def reconcile(
    alpha: object = 1.0, rho: object = None, *, resolution: object = None, presets: object = None, **knobs
) -> pd.DataFrame:
    """One row per counting preset for MobileNet v1 at width ``alpha`` and ``rho`` (or ``resolution``).

    Columns: ``convention``, ``unit`` (MAC or FLOP), ``total`` (the tool's headline count), ``params``
    (the tool's parameter count), the terms ``conv, fc, bias, bn, activation, pool`` (summing to
    ``total``), ``why`` (one line on how it departs from the paper) and ``tool`` (verified version).
    Knobs as for :func:`costmodel.report`; the reference model needs ``padding="same"`` and a rounding
    with whole channels. ``df.attrs`` holds ``alpha``, ``resolution`` and ``rho``.

    >>> reconcile(0.25, resolution=33, rounding="keras", presets=["thop", "torchinfo"])[["convention", "total"]]
      convention    total
    0       thop  2150192
    1  torchinfo  1992376
    >>> reconcile(presets=["flops"])
    Traceback (most recent call last):
    ValueError: convention='flops' is not a counting preset; choose one of 'paper', 'fvcore', 'ptflops', 'ptflops-aten', 'thop', 'torchinfo', 'torch-flops'
    """
    chosen = selected_presets(presets)
    convention = convention_from(knobs)
    check_reference_convention(convention)
    point = design_point(alpha, rho=rho, resolution=resolution, convention=convention)
    shapes = layer_shapes(point.alpha, point.resolution, convention, NUMERIC)
    rows = [
        {
            "convention": p.name,
            "unit": p.unit,
            **{k: int(v) for k, v in preset_totals(p, shapes, convention).items()},
            "why": p.why,
            "tool": p.tool,
        }
        for p in chosen
    ]
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    table.attrs.update(alpha=float(point.alpha), resolution=point.resolution, rho=float(point.rho))
    return table


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
    """
    p = preset(name)
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
