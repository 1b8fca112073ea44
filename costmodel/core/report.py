"""``report()``: the per-layer table, exact totals and expressions for one design point.

>>> r = report(alpha=0.5, rho=0.714)
>>> r.resolution, r.totals["macs"], r.totals["params"]
(160, 76524800, 1320648)
>>> r.table.loc[r.table.layer == "Conv2d_0", ["kind", "out_side", "out_channels", "macs"]].to_numpy().tolist()
[['conv', 80, 16, 2764800]]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from fractions import Fraction
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING

import pandas as pd

from costmodel.core import report_format as render
from costmodel.core.arithmetic import NUMERIC
from costmodel.core.convention import Convention
from costmodel.core.design_point import DesignPoint, design_point
from costmodel.core.formulas import LAYER_METRICS, MAXIMA, METRICS, RATIOS, SUMMED, TOTAL_METRICS
from costmodel.core.network import layer_shapes
from costmodel.core.presets import TERMS, check_preset_alpha, layer_counts, preset, preset_convention

if TYPE_CHECKING:
    from costmodel.core.symbolic import Expressions

TABLE_COLUMNS: tuple[str, ...] = (
    "layer", "kind", "block", "kernel", "stride",
    "in_side", "in_channels", "out_side", "out_channels",
    *LAYER_METRICS,
)  # fmt: skip
"""Columns of :attr:`Report.table`; the cost columns are the metrics of :data:`~costmodel.core.formulas.METRICS`."""

COUNTED_COLUMNS: tuple[str, ...] = tuple(f"counted_{key}" for key in (*TERMS, "total", "params", "trainable"))
"""Extra columns (and totals) of a report under a tool's or framework's counting preset: its six terms, their
sum, and the params and trainable params it reports. See :mod:`costmodel.core.presets`."""


def _exact(value):
    """Fractions that are whole numbers become ints; others stay exact."""
    if type(value) is int:  # most values: spares Fraction's abstract-class isinstance check
        return value
    if isinstance(value, Fraction) and value.denominator == 1:
        return int(value)
    return value


@dataclass(frozen=True, eq=False)
class Report:
    """Costs of MobileNet v1 at one design point under one convention.

    ``totals`` maps each metric of :data:`~costmodel.core.formulas.TOTAL_METRICS` (weights, bias, bn_params,
    params, macs, flops, activations, weight_bytes, flash_bytes, traffic_bytes, peak_activation_bytes,
    intensity) to an exact Python int (a ``Fraction`` under the smooth model, and for ``intensity``);
    ``peak_layer`` is an attribute, not a total: the name of the first layer whose ``buffer_bytes`` is the
    peak. ``table`` has one row per layer, columns :data:`TABLE_COLUMNS`; ``notes`` says how the input was
    interpreted (e.g. ρ snapped to pixels). ``preset`` names the counting preset; under any preset but
    ``"paper"`` the table and totals also have :data:`COUNTED_COLUMNS`.

    >>> r = report(alpha=1.0, resolution=224, dtype="int8")
    >>> r.totals["weight_bytes"], r.totals["peak_activation_bytes"], r.peak_layer
    (4256864, 1204224, 'Conv2d_1_pointwise')
    """

    point: DesignPoint
    convention: Convention
    table: pd.DataFrame
    totals: Mapping[str, int | Fraction]
    notes: tuple[str, ...]
    preset: str = "paper"
    peak_layer: str = ""

    @property
    def alpha(self) -> float:
        return float(self.point.alpha)

    @property
    def rho(self) -> float:
        return float(self.point.rho)

    @property
    def resolution(self) -> int | float:
        side = self.point.resolution
        return side if isinstance(side, int) else float(side)

    @cached_property
    def expressions(self) -> Expressions:
        """SymPy totals and per-layer costs in ``alpha`` and ``rho`` for this report's convention."""
        from costmodel.core.symbolic import network_expressions

        return network_expressions(self.convention)

    def as_text(self) -> str:
        return render.report_text(self)

    __str__ = as_text

    def __repr__(self) -> str:
        return (
            f"<Report alpha={self.alpha:g} resolution={self.resolution} rounding={self.convention.rounding} "
            f"macs={render.format_number(self.totals['macs'])} params={render.format_number(self.totals['params'])}>"
        )

    def as_csv(self) -> str:
        return render.report_csv(self)

    def as_markdown(self) -> str:
        return render.report_markdown(self)

    def as_latex(self, caption: str | None = None, label: str | None = None) -> str:
        return render.report_latex(self, caption=caption, label=label)

    def as_json(self, totals_row: bool = False) -> str:
        return render.report_json(self, totals_row=totals_row)

    def _repr_html_(self) -> str:
        return render.report_html(self)

    def _repr_latex_(self) -> str:
        return render.report_math(self)


def report(
    alpha: object = 1.0, rho: object = None, *, resolution: object = None, convention: str = "paper", **knobs
) -> Report:
    """Per-layer costs and exact totals of MobileNet v1 at width ``alpha`` and ``rho`` (or ``resolution``).

    Knobs (see :class:`~costmodel.core.convention.Convention`): ``rounding``, ``padding``, ``scale_first_layer``,
    ``classes``, ``fc_bias``, ``bn``. A ρ that is not an exact pixel count is snapped to round(224·ρ).
    ``convention`` names a counting preset (``"fvcore"``, ``"ptflops"``, ... see
    :func:`costmodel.reconcile`) whose per-layer counts are added as the ``counted_*`` columns. A framework
    preset (``"keras"``, ``"timm"``) counts that framework's own MobileNet: the knobs it fixes (Keras:
    ``rounding="keras"``, ``padding="keras"``) are filled in, and a value it cannot express is an error.

    >>> report().totals["macs"], report().totals["params"]
    (568740352, 4210088)
    >>> report(alpha=1.0, bn="all").totals["params"]
    4253864
    >>> r = report(convention="ptflops")
    >>> r.totals["counted_total"], r.table.loc[r.table.layer == "AvgPool_1a", "counted_pool"].item()
    (583969768, 100352)
    >>> k = report(alpha=0.975, resolution=239, convention="keras")
    >>> k.convention.padding, k.totals["counted_params"], k.totals["counted_trainable"]
    ('keras', 4067081, 4045761)
    """
    counting = preset(convention)
    knobs_convention = preset_convention(counting, knobs)
    point = design_point(alpha, rho=rho, resolution=resolution, convention=knobs_convention)
    check_preset_alpha(counting, point.alpha)
    return build_report(point, knobs_convention, counting.name)


def build_report(point: DesignPoint, convention: Convention, preset_name: str = "paper") -> Report:
    """The report for an already checked design point, with a counting preset's columns unless paper."""
    if preset_name != "paper":
        counting = preset(preset_name)
        preset_convention(counting, asdict(convention))
        check_preset_alpha(counting, point.alpha)
    shapes = layer_shapes(point.alpha, point.resolution, convention, NUMERIC)
    rows = [
        {
            "layer": s.spec.name,
            "kind": s.spec.kind,
            "block": s.spec.block,
            "kernel": s.spec.kernel,
            "stride": s.spec.stride,
            "in_side": _exact(s.in_side),
            "in_channels": _exact(s.in_channels),
            "out_side": _exact(s.out_side),
            "out_channels": _exact(s.out_channels),
            **{m: _exact(f(s, convention)) for m, f in METRICS.items()},
            **_counted(preset_name, s, convention),
        }
        for s in shapes
    ]
    extra = () if preset_name == "paper" else COUNTED_COLUMNS
    totals = _totals(rows, TOTAL_METRICS)
    totals.update({m: _exact(sum(row[m] for row in rows)) for m in extra})
    table = pd.DataFrame(rows, columns=[*TABLE_COLUMNS, *extra])
    table["intensity"] = table["intensity"].astype(float)
    if convention.smooth:
        numeric = [c for c in TABLE_COLUMNS if c not in ("layer", "kind")]
        table[numeric] = table[numeric].astype(float)
    notes = _notes(point, convention)
    peak_layer = max(rows, key=lambda row: row[MAXIMA["peak_activation_bytes"]])["layer"]
    return Report(point, convention, table, MappingProxyType(totals), notes, preset_name, peak_layer)


def totals_at(
    alpha, resolution, convention: Convention, metrics: tuple[str, ...] = TOTAL_METRICS
) -> dict[str, int | Fraction | float]:
    """The totals of :func:`build_report` alone, for an already checked α and input side: one numeric pass
    over the layers, no table and no SymPy (what a dashboard request needs for a convention it has not
    seen). Exact for exact inputs (ints, ``Fraction``); floats in, floats out (the smooth model's values
    for display, several times faster).

    >>> p = design_point(0.5, rho=0.714)
    >>> totals_at(p.alpha, p.resolution, Convention(), ("macs", "params"))
    {'macs': 76524800, 'params': 1320648}
    >>> totals_at(0.5, 160.0, Convention(rounding="smooth"), ("macs",))
    {'macs': 76524800.0}
    """
    needed = {SUMMED.get(m) or MAXIMA.get(m) for m in metrics if m not in RATIOS}
    needed |= {part for m in metrics if m in RATIOS for part in RATIOS[m]}
    return _totals(layer_values(alpha, resolution, convention, tuple(needed)), metrics)


def layer_values(
    alpha, resolution, convention: Convention, metrics: tuple[str, ...]
) -> list[dict[str, object]]:
    """One dict per layer, in network order: its ``layer`` name, ``kind`` and the per-layer ``metrics`` (names
    of :data:`~costmodel.core.formulas.METRICS`) for an already checked α and input side; what
    :func:`build_report`'s table holds, without the table (one numeric pass, no SymPy).

    >>> rows = layer_values(0.5, 160, Convention(), ("macs", "params"))
    >>> rows[0]
    {'layer': 'Conv2d_0', 'kind': 'conv', 'macs': 2764800, 'params': 432}
    """
    return [
        {"layer": s.spec.name, "kind": s.spec.kind, **{m: _exact(METRICS[m](s, convention)) for m in metrics}}
        for s in layer_shapes(alpha, resolution, convention, NUMERIC)
    ]


def _totals(rows: list[dict[str, object]], metrics) -> dict[str, int | Fraction]:
    """Network totals from per-layer rows: sums, maxima (the first layer wins a tie) and ratios of sums."""
    totals: dict[str, int | Fraction] = {}
    for metric in metrics:
        if metric in SUMMED:
            totals[metric] = _exact(sum(row[SUMMED[metric]] for row in rows))
        elif metric in MAXIMA:
            totals[metric] = max(row[MAXIMA[metric]] for row in rows)
        else:
            numerator, denominator = (sum(row[m] for row in rows) for m in RATIOS[metric])
            totals[metric] = _exact(Fraction(numerator) / denominator)
    return totals


def _counted(preset_name: str, shape, convention: Convention) -> dict[str, int]:
    if preset_name == "paper":
        return {}
    counts = layer_counts(preset(preset_name), shape, convention)
    return {f"counted_{key}": int(value) for key, value in counts.items()}


def _notes(point: DesignPoint, convention: Convention) -> tuple[str, ...]:
    notes = []
    if point.snapped:
        notes.append(
            f"rho={float(point.requested_rho):g} gives 224*rho = {float(224 * point.requested_rho):g} px, "
            f"not a whole number of pixels; snapped to resolution {point.resolution} "
            f"(rho = {point.resolution}/224 = {float(point.rho):.4f})"
        )
    if convention.smooth:
        notes.append("smooth model: no rounding of channels or sides; costs are exact rationals, not counts")
    return tuple(notes)
