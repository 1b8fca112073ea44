"""Two arithmetics for one set of formulas: exact numbers (``Fraction``/``int``) and SymPy expressions.

The layer formulas and rounding rules are written once against the small interface below, so the numbers
in a report and the expressions in its ``expressions`` come from the same code.

>>> from fractions import Fraction
>>> NUMERIC.floor(Fraction(7, 2)), NUMERIC.ceil(Fraction(7, 2)), NUMERIC.max(3, 8)
(3, 4, 8)
>>> SYMBOLIC.floor(SYMBOLIC.symbol_alpha * 32)
floor(32*alpha)
"""

from __future__ import annotations

import math
from fractions import Fraction

import sympy


class NumericArithmetic:
    """Exact rational arithmetic on Python ints and ``Fraction``s."""

    @staticmethod
    def floor(x):
        return math.floor(x)

    @staticmethod
    def ceil(x):
        return math.ceil(x)

    @staticmethod
    def max(a, b):
        return max(a, b)

    @staticmethod
    def div(a, b):
        return Fraction(a, b) if isinstance(a, int) and isinstance(b, int) else a / b

    @staticmethod
    def add_if_below(value, step, limit):
        """``value + step`` when ``value < limit`` else ``value``."""
        return value + step if value < limit else value

    @staticmethod
    def rational(p: int, q: int):
        return Fraction(p, q)


class SymbolicArithmetic:
    """The same operations on SymPy expressions (floor, ceiling, Max and Piecewise kept)."""

    symbol_alpha = sympy.Symbol("alpha", positive=True, real=True)
    symbol_rho = sympy.Symbol("rho", positive=True, real=True)
    symbol_resolution = sympy.Symbol("R", positive=True, integer=True)

    @staticmethod
    def floor(x):
        return sympy.floor(x)

    @staticmethod
    def ceil(x):
        return sympy.ceiling(x)

    @staticmethod
    def max(a, b):
        return sympy.Max(a, b)

    @staticmethod
    def div(a, b):
        return sympy.sympify(a) / b

    @staticmethod
    def add_if_below(value, step, limit):
        return sympy.Piecewise((value + step, sympy.StrictLessThan(value, limit)), (value, True))

    @staticmethod
    def rational(p: int, q: int):
        return sympy.Rational(p, q)


NUMERIC = NumericArithmetic()
SYMBOLIC = SymbolicArithmetic()
alpha = SymbolicArithmetic.symbol_alpha
rho = SymbolicArithmetic.symbol_rho
resolution_symbol = SymbolicArithmetic.symbol_resolution
