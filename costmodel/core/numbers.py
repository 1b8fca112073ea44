"""Numbers typed by people (the CLI, a URL, a form field) read as exact decimals, with errors that name the field.

Every such number goes through :func:`parse_decimal` (or :func:`parse_quantity` for suffixed amounts), which
checks the *text* before any conversion: at most :data:`MAX_NUMBER_LENGTH` characters, the plain decimal
syntax, and a magnitude within ``10**±MAX_EXPONENT``. So ``"1e10000000"`` is refused at once instead of
becoming a ten-million-digit integer further on.

>>> parse_decimal("alpha", "0.5")
Decimal('0.5')
>>> parse_decimal("resolution", "1e10000000")
Traceback (most recent call last):
ValueError: resolution: '1e10000000' is too large; allowed: numbers below 1e31 in magnitude
>>> parse_quantity("--macs", "300M", "count"), parse_quantity("--limit", "320KiB", "bytes")
(300000000, 327680)
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Literal

MAX_NUMBER_LENGTH = 40
"""Longest number text accepted, in characters (after stripping surrounding blanks)."""
MAX_EXPONENT = 30
"""Accepted magnitudes: zero, or between ``1e-30`` and ``1e30`` (up to just below ``1e31``)."""
SHOWN_LENGTH = 40
"""Longest stretch of a refused value repeated in a message."""

_NUMBER = re.compile(r"(?P<sign>[+-]?)(?P<int>[0-9]*)(?:\.(?P<frac>[0-9]*))?(?:[eE](?P<exp>[+-]?[0-9]+))?")

Unit = Literal["count", "bytes", "ms"]
COUNT_SUFFIXES = {"": 1, "k": 10**3, "m": 10**6, "g": 10**9, "b": 10**9}
"""Count suffixes, case-insensitive: thousand, million, and billion (``G`` or ``B``)."""
BYTE_SUFFIXES = {
    "": 1, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "kib": 2**10, "mib": 2**20, "gib": 2**30,
}  # fmt: skip
"""Byte suffixes, case-insensitive: decimal ``KB``/``MB``/``GB`` and binary ``KiB``/``MiB``/``GiB``."""
TIME_SUFFIXES = {"": Decimal(1), "ms": Decimal(1), "s": Decimal(1000)}
"""Time suffixes, in milliseconds: a bare number is milliseconds."""
_EXAMPLES = {"count": "300M, 0.3G, 1.5k or 300000000", "bytes": "320KiB, 1MiB, 256KB or 1MB", "ms": "20 or 20ms"}
_QUANTITY = re.compile(r"(?P<number>[0-9.eE+-]*?)\s*(?P<suffix>[a-zA-Z]*)")


def shorten(value: object, limit: int = SHOWN_LENGTH) -> str:
    """``repr(value)`` cut to about ``limit`` characters, with the full length when cut.

    >>> shorten("1" * 100)
    "'1111111111111111111111111111111111111'… (100 characters)"
    >>> shorten("0.5")
    "'0.5'"
    """
    if isinstance(value, str) and len(value) > limit:
        return f"{value[: limit - 3]!r}… ({len(value):,} characters)"
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 3]}… ({len(text):,} characters)"


def _magnitude_error(name: str, text: str, match: re.Match[str]) -> str | None:
    """Why the matched number text is out of range, computed on the digits without converting the number."""
    digits = (match["int"] or "") + (match["frac"] or "")
    first = next((i for i, d in enumerate(digits) if d != "0"), None)
    if first is None:
        return None  # zero, whatever its exponent
    exponent = int(match["exp"] or 0) + len(match["int"] or "") - 1 - first  # text is short: a cheap int()
    if exponent > MAX_EXPONENT:
        return f"{name}: {shorten(text)} is too large; allowed: numbers below 1e{MAX_EXPONENT + 1} in magnitude"
    if exponent < -MAX_EXPONENT:
        return f"{name}: {shorten(text)} is too small; allowed: 0 or magnitudes from 1e-{MAX_EXPONENT}"
    return None


def parse_decimal(name: str, text: object) -> Decimal:
    """Typed text as an exact finite ``Decimal``, or a ``ValueError`` that names the field and the text.

    The text is checked before it is converted: at most :data:`MAX_NUMBER_LENGTH` characters, digits with
    an optional sign, point and exponent (no ``inf``, ``nan`` or ``_``), magnitude within ``1e±30``.

    >>> parse_decimal("alpha", " 0.75 ")
    Decimal('0.75')
    >>> parse_decimal("alpha", "abc")
    Traceback (most recent call last):
    ValueError: alpha: 'abc' is not a number
    >>> parse_decimal("step", "1e-400")
    Traceback (most recent call last):
    ValueError: step: '1e-400' is too small; allowed: 0 or magnitudes from 1e-30
    """
    if not isinstance(text, str):
        raise TypeError(f"{name}: {shorten(text)} must be text; got {type(text).__name__}")
    stripped = text.strip()
    if len(stripped) > MAX_NUMBER_LENGTH:
        raise ValueError(
            f"{name}: {shorten(stripped)} is too long; allowed: numbers of at most {MAX_NUMBER_LENGTH} characters"
        )
    match = _NUMBER.fullmatch(stripped)
    if match is None or not (match["int"] or match["frac"]):
        if stripped.lower().lstrip("+-") in ("inf", "infinity", "nan", "snan"):
            raise ValueError(f"{name}: {shorten(text)} is not a finite number")
        raise ValueError(f"{name}: {shorten(text)} is not a number")
    error = _magnitude_error(name, stripped, match)
    if error:
        raise ValueError(error)
    return Decimal(stripped)


def parse_quantity(name: str, text: object, unit: Unit) -> int | Decimal:
    """A positive amount with an optional suffix: a whole count, a whole number of bytes, or milliseconds.

    ``count``: ``300M``, ``0.3G``, ``1.5k``, ``3e8`` → int. ``bytes``: ``320KiB``, ``1MiB``, ``256KB``, ``1MB``,
    ``512`` (bytes) → int. ``ms``: ``10``, ``10ms``, ``1.5 s`` → ``Decimal`` milliseconds.

    >>> parse_quantity("--params", "4.2m", "count"), parse_quantity("size", "1MB", "bytes")
    (4200000, 1000000)
    >>> parse_quantity("--latency", "12.5 ms", "ms")
    Decimal('12.5')
    >>> parse_quantity("size", "320 kilo", "bytes")
    Traceback (most recent call last):
    ValueError: size: '320 kilo' has an unknown unit 'kilo'; allowed: B, KB, MB, GB, KiB, MiB or GiB, such as 320KiB, 1MiB, 256KB or 1MB
    >>> parse_quantity("--macs", "-5M", "count")
    Traceback (most recent call last):
    ValueError: --macs: '-5M' must be a positive amount such as 300M, 0.3G, 1.5k or 300000000
    """
    if not isinstance(text, str):
        raise TypeError(f"{name}: {shorten(text)} must be text; got {type(text).__name__}")
    stripped = text.strip()
    if len(stripped) > MAX_NUMBER_LENGTH:
        raise ValueError(
            f"{name}: {shorten(stripped)} is too long; allowed: amounts of at most {MAX_NUMBER_LENGTH} characters"
        )
    suffixes = {"count": COUNT_SUFFIXES, "bytes": BYTE_SUFFIXES, "ms": TIME_SUFFIXES}[unit]
    match = _QUANTITY.fullmatch(stripped)
    suffix = match["suffix"] if match else ""
    if match and match["number"] and suffix.lower() not in suffixes:
        names = {"count": "k, M, G (or B for billion)", "bytes": "B, KB, MB, GB, KiB, MiB or GiB", "ms": "ms or s"}
        raise ValueError(
            f"{name}: {shorten(text)} has an unknown unit {suffix!r}; allowed: {names[unit]}, "
            f"such as {_EXAMPLES[unit]}"
        )
    try:
        number = parse_decimal(name, match["number"] if match else stripped)
    except ValueError as error:
        if "too large" in str(error) or "too small" in str(error):
            raise
        number = None
    if number is None or number <= 0:
        raise ValueError(f"{name}: {shorten(text)} must be a positive amount such as {_EXAMPLES[unit]}")
    value = number * suffixes[suffix.lower()]
    if unit == "ms":
        return value
    if value != value.to_integral_value():
        what = "bytes" if unit == "bytes" else "a whole count"
        raise ValueError(f"{name}: {shorten(text)} is {value}, not a whole number; allowed: {what}")
    return int(value)
