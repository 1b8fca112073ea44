"""``reconcile()``: the paper's count next to what fvcore, ptflops, thop, torchinfo and torch print.

Each row is one counting preset (:mod:`costmodel.core.presets`) applied to the reference PyTorch model
(:mod:`costmodel.counting.reference_model`) at one design point; ``total`` and ``params`` are the exact ints the tool
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

import pandas as pd

from costmodel.core.arithmetic import NUMERIC
from costmodel.core.convention import convention_from
from costmodel.core.design_point import design_point
from costmodel.core.network import layer_shapes
from costmodel.core.presets import (
    PRESET_NAMES,
    TERMS,
    Preset,
    check_reference_convention,
    preset,
    preset_totals,
)

COLUMNS: tuple[str, ...] = ("convention", "unit", "total", "params", *TERMS, "why", "tool")
"""Columns of :func:`reconcile`'s DataFrame."""


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
