"""Two arithmetics for one set of formulas: exact numbers (``Fraction``/``int``) and SymPy expressions.

The layer formulas and rounding rules are written once against the small interface below, so the numbers
in a report and the expressions in its ``expressions`` come from the same code.

>>> from fractions import Fraction
>>> NUMERIC.floor(Fraction(7, 2)), NUMERIC.ceil(Fraction(7, 2)), NUMERIC.max(3, 8)
(3, 4, 8)
>>> from costmodel.core.arithmetic import SYMBOLIC, alpha
>>> SYMBOLIC.floor(alpha * 32)
floor(32*alpha)
"""

from __future__ import annotations

import math
from fractions import Fraction


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


NUMERIC = NumericArithmetic()

SYMBOLIC_NAMES = ("SymbolicArithmetic", "SYMBOLIC", "alpha", "rho", "resolution_symbol")
"""Defined in :mod:`costmodel.core.symbolic_arithmetic`; forwarded from here on first use so that numeric work
never imports SymPy."""


def __getattr__(name: str):
    if name in SYMBOLIC_NAMES:
        from costmodel.core import symbolic_arithmetic

        return getattr(symbolic_arithmetic, name)
    raise AttributeError(f"module 'costmodel.core.arithmetic' has no attribute {name!r}")
