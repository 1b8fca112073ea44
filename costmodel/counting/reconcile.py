"""``reconcile()``: the paper's count next to what fvcore, ptflops, thop, torchinfo, torch, Keras and timm print.

Each row is one counting preset (:mod:`costmodel.core.presets`) at one design point. A tool's row counts the
reference PyTorch model (:mod:`costmodel.counting.reference_model`); a framework's row (``keras``, ``timm``,
named in ``presets``) counts that framework's own MobileNet, with the knobs it fixes. ``total``, ``params`` and
``trainable`` are the exact ints the tool or framework reports, and the term columns say where each total
comes from.

>>> df = reconcile(alpha=1.0, resolution=224)
>>> df.set_index("convention").loc[["paper", "fvcore", "ptflops", "torch-flops"], ["unit", "total", "params"]]
            unit       total   params
convention
paper        MAC   568740352  4210088
fvcore       MAC   578875904  4231976
ptflops      MAC   583969768  4231976
torch-flops FLOP  1137480704  4231976
>>> reconcile(0.975, resolution=239, presets=["paper", "keras"])[["convention", "total", "params", "trainable"]]
  convention      total   params  trainable
0      paper  630530456  4024441    4024441
1      keras  607918271  4067081    4045761
"""

from __future__ import annotations

import pandas as pd

from costmodel.core.arithmetic import NUMERIC
from costmodel.core.design_point import design_point
from costmodel.core.network import layer_shapes
from costmodel.core.presets import (
    PRESET_NAMES,
    REFERENCE_PRESET_NAMES,
    TERMS,
    Preset,
    check_preset_alpha,
    preset,
    preset_convention,
    preset_totals,
)

COLUMNS: tuple[str, ...] = ("convention", "unit", "total", "params", "trainable", *TERMS, "why", "tool")
"""Columns of :func:`reconcile`'s DataFrame."""


def selected_presets(presets: object) -> tuple[Preset, ...]:
    """``None`` → the paper and every tool; a name or an iterable of names → those presets, checked."""
    if presets is None:
        return tuple(preset(name) for name in REFERENCE_PRESET_NAMES)
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
    (the tool's parameter count), ``trainable`` (of those, the trainable ones: all but BN's moving
    statistics), the terms ``conv, fc, bias, bn, activation, pool`` (summing to ``total``), ``why`` (one line
    on how it departs from the paper) and ``tool`` (verified version). Knobs as for :func:`costmodel.report`;
    the reference model needs ``padding="same"`` and a rounding with whole channels. By default the rows
    are the paper and the tools; the framework rows ``"keras"`` and ``"timm"`` are shown when named in
    ``presets`` and fill in the knobs their models fix (a knob value they cannot express is an error).
    ``df.attrs`` holds ``alpha``, ``resolution`` and ``rho``.

    >>> reconcile(0.25, resolution=33, rounding="keras", presets=["thop", "torchinfo"])[["convention", "total"]]
      convention    total
    0       thop  2150192
    1  torchinfo  1992376
    >>> reconcile(presets=["flops"])
    Traceback (most recent call last):
    ValueError: convention='flops' is not a counting preset; choose one of 'paper', 'fvcore', 'ptflops', 'ptflops-aten', 'thop', 'torchinfo', 'torch-flops', 'keras', 'timm'
    >>> reconcile(0.5, presets="timm")
    Traceback (most recent call last):
    ValueError: convention='timm' cannot express alpha=0.5: timm's mobilenetv1_100 / mobilenetv1_125 has alpha 1, 1.25 only
    """
    chosen = selected_presets(presets)
    rows = []
    for p in chosen:
        convention = preset_convention(p, knobs)
        point = design_point(alpha, rho=rho, resolution=resolution, convention=convention)
        check_preset_alpha(p, point.alpha)
        shapes = layer_shapes(point.alpha, point.resolution, convention, NUMERIC)
        totals = {k: int(v) for k, v in preset_totals(p, shapes, convention).items()}
        rows.append({"convention": p.name, "unit": p.unit, **totals, "why": p.why, "tool": p.tool})
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    table.attrs.update(alpha=float(point.alpha), resolution=point.resolution, rho=float(point.rho))
    return table
