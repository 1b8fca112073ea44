"""SymPy expressions of every cost in α and ρ, built once per convention, and their compiled NumPy forms.

Two forms: *exact* keeps the real rounding (floor, ``Max(., 8)``, ceiling, and the input side
``R = floor(224·ρ + 1/2)``); *smooth* drops all rounding and gives the closed forms the paper reasons with.

>>> from costmodel.core.arithmetic import alpha, rho
>>> e = network_expressions(Convention())
>>> e.smooth["params"]
3139584*alpha**2 + 1069504*alpha + 1000
>>> e.smooth["macs"].subs({alpha: 1, rho: 1})
568740352
>>> int(compiled_total("macs", Convention())(1.0, 224))
568740352
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from types import MappingProxyType

import numpy as np
import sympy

from costmodel.core.architecture import BASE_RESOLUTION
from costmodel.core.arithmetic import SYMBOLIC, alpha, resolution_symbol, rho
from costmodel.core.convention import Convention
from costmodel.core.formulas import MAXIMA, METRICS, RATIOS, SUMMED
from costmodel.core.network import layer_shapes

SNAPPED_RESOLUTION = sympy.floor(BASE_RESOLUTION * rho + sympy.Rational(1, 2))
"""The input side in pixels that ρ stands for: 224·ρ rounded half up."""


@dataclass(frozen=True)
class Expressions:
    """Totals and per-layer costs as SymPy expressions in ``alpha`` and ``rho``.

    ``totals`` is exact under the convention's rounding; ``smooth`` is the same convention without any
    rounding (closed forms); ``layers`` maps layer name → metric → exact expression;
    ``in_resolution`` holds the exact totals in ``alpha`` and the integer input side ``R``.
    """

    convention: Convention
    totals: Mapping[str, sympy.Expr]
    smooth: Mapping[str, sympy.Expr]
    layers: Mapping[str, Mapping[str, sympy.Expr]]
    in_resolution: Mapping[str, sympy.Expr]

    def _repr_latex_(self) -> str:
        rows = " \\\\ ".join(
            rf"\mathrm{{{m}}} &\approx {sympy.latex(self.smooth[m])}" for m in ("macs", "params")
        )
        return rf"$\begin{{aligned}} {rows} \end{{aligned}}$"


def _layer_expressions(convention: Convention, side) -> dict[str, dict[str, sympy.Expr]]:
    shapes = layer_shapes(alpha, side, convention, SYMBOLIC)
    return {s.spec.name: {m: sympy.sympify(f(s, convention)) for m, f in METRICS.items()} for s in shapes}


def _sum_layers(
    layers: Mapping[str, Mapping[str, sympy.Expr]], *, expand: bool = False
) -> dict[str, sympy.Expr]:
    """Every total: sums over the layers, ``Max`` over them for the peaks, ratios of two sums."""
    totals = {m: sympy.Add(*(layer[per] for layer in layers.values())) for m, per in SUMMED.items()}
    if expand:
        totals = {m: sympy.expand(e) for m, e in totals.items()}
    for m, per in MAXIMA.items():
        values = [sympy.expand(layer[per]) if expand else layer[per] for layer in layers.values()]
        totals[m] = sympy.Max(*values, evaluate=False)
    totals.update({m: totals[a] / totals[b] for m, (a, b) in RATIOS.items()})
    return totals


@lru_cache(maxsize=64)
def network_expressions(convention: Convention) -> Expressions:
    """All expressions for one convention (cached: built once per convention)."""
    smooth_convention = replace(convention, rounding="smooth")
    smooth = _sum_layers(_layer_expressions(smooth_convention, BASE_RESOLUTION * rho), expand=True)
    if convention.smooth:
        return Expressions(
            convention,
            MappingProxyType(smooth),
            MappingProxyType(smooth),
            _frozen(_layer_expressions(convention, BASE_RESOLUTION * rho)),
            MappingProxyType(
                {m: e.subs(rho, resolution_symbol / BASE_RESOLUTION) for m, e in smooth.items()}
            ),
        )
    by_resolution = _layer_expressions(convention, resolution_symbol)
    totals_r = _sum_layers(by_resolution)
    to_rho = {resolution_symbol: SNAPPED_RESOLUTION}
    return Expressions(
        convention,
        MappingProxyType({m: e.subs(to_rho) for m, e in totals_r.items()}),
        MappingProxyType(smooth),
        _frozen({n: {m: e.subs(to_rho) for m, e in layer.items()} for n, layer in by_resolution.items()}),
        MappingProxyType(totals_r),
    )


def _frozen(layers: dict[str, dict[str, sympy.Expr]]) -> Mapping[str, Mapping[str, sympy.Expr]]:
    return MappingProxyType({n: MappingProxyType(m) for n, m in layers.items()})


def _grouped_by_side(expression: sympy.Expr) -> sympy.Expr:
    """The total as a sum over output sides of side² × (a polynomial in channel counts): fewer array ops."""
    sides = expression.atoms(sympy.ceiling, sympy.floor) - expression.atoms(sympy.floor).intersection(
        {a for a in expression.atoms(sympy.floor) if alpha in a.free_symbols}
    )
    return sympy.collect(expression, [side**2 for side in sides], evaluate=True)


CHUNK = 8192
"""Points per step of a compiled function: small enough that the intermediate arrays stay in cache."""


@lru_cache(maxsize=256)
def compiled_total(metric: str, convention: Convention) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """A NumPy function ``f(alpha, resolution)`` for one total (cached per metric and convention).

    Exact conventions return int64 arrays; the smooth convention returns float64 (resolution = 224·ρ), as
    does every ratio (``intensity``). Inputs broadcast like NumPy; the result has the broadcast shape, or fills
    ``out`` (1-D, preallocated). A peak is the elementwise maximum of the layers' compiled values and a ratio
    the quotient of two compiled sums: no Python loop runs per point.
    """
    if metric in RATIOS:
        numerator, denominator = (compiled_total(m, convention) for m in RATIOS[metric])
        return _chunked(lambda a, r: numerator(a, r) / denominator(a, r), np.float64)
    dtype = np.float64 if convention.smooth else np.int64
    if metric in MAXIMA:
        by_layer = layer_expressions_in_resolution(convention)
        parts = sorted({layer[MAXIMA[metric]] for layer in by_layer.values()}, key=sympy.default_sort_key)
        functions = [_lambdified(_grouped_by_side(part)) for part in parts]

        def peak(a, r):
            result = functions[0](a, r)
            for function in functions[1:]:
                result = np.maximum(result, function(a, r))
            return result

        return _chunked(peak, dtype)
    expression = _grouped_by_side(network_expressions(convention).in_resolution[metric])
    return _chunked(_lambdified(expression), dtype)


def _lambdified(expression: sympy.Expr) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    return sympy.lambdify((alpha, resolution_symbol), expression, modules="numpy", cse=True)


@lru_cache(maxsize=64)
def layer_expressions_in_resolution(convention: Convention) -> Mapping[str, Mapping[str, sympy.Expr]]:
    """Per-layer expressions in ``alpha`` and the input side ``R``."""
    return _frozen(_layer_expressions(convention, resolution_symbol))


def _chunked(function, dtype) -> Callable[..., np.ndarray]:
    def compiled(a, r, out=None):
        # Every term is a product of whole numbers below 2**53, so float64 holds it exactly; the work is
        # done in cache-sized chunks, several times faster than whole-array NumPy passes.
        a, r = np.broadcast_arrays(np.asarray(a, dtype=np.float64), np.asarray(r, dtype=np.float64))
        flat_a, flat_r = a.ravel(), r.ravel()
        if out is None:
            out = np.empty(flat_a.size, dtype=dtype)
        for start in range(0, flat_a.size, CHUNK):
            stop = start + CHUNK
            out[start:stop] = function(flat_a[start:stop], flat_r[start:stop])
        return out.reshape(a.shape)

    return compiled


@lru_cache(maxsize=64)
def compiled_totals(
    metrics: tuple[str, ...], convention: Convention
) -> Callable[[np.ndarray, np.ndarray, np.ndarray], None]:
    """One NumPy function ``f(alpha, resolution, out)`` filling ``out[i]`` with the total ``metrics[i]`` (no
    ratios) for 1-D point arrays: all totals in one lambdified function with common subexpressions shared, so
    the layer sides and channel counts are computed once per chunk, and a peak is NumPy's ``amax`` over its
    layers' values. Cached per metric tuple and convention.
    """
    totals = network_expressions(convention).in_resolution
    by_layer = layer_expressions_in_resolution(convention)
    expressions = []
    for metric in metrics:
        if metric in MAXIMA:
            parts = sorted({layer[MAXIMA[metric]] for layer in by_layer.values()}, key=sympy.default_sort_key)
            expressions.append(sympy.Max(*parts, evaluate=False))
        else:
            expressions.append(_grouped_by_side(totals[metric]))
    function = sympy.lambdify((alpha, resolution_symbol), expressions, modules="numpy", cse=True)

    def compiled(a: np.ndarray, r: np.ndarray, out: np.ndarray) -> None:
        a, r = np.asarray(a, dtype=np.float64), np.asarray(r, dtype=np.float64)
        for start in range(0, a.size, CHUNK):
            stop = start + CHUNK
            for row, values in enumerate(function(a[start:stop], r[start:stop])):
                out[row, start:stop] = values

    return compiled
