"""Numbers typed by people (the CLI, a URL, a form field) read as exact decimals, with errors that name the field.

>>> parse_decimal("alpha", "0.5")
Decimal('0.5')
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation


def parse_decimal(name: str, text: str) -> Decimal:
    """Typed text as an exact finite ``Decimal``, or a ``ValueError`` that names the field and the text.

    >>> parse_decimal("alpha", " 0.75 ")
    Decimal('0.75')
    """
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError(f"{name}: {text!r} is not a number") from None
    if not value.is_finite():
        raise ValueError(f"{name}: {text!r} is not a finite number")
    return value
