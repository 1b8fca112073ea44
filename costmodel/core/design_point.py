"""Checking and normalising a design point: the width multiplier α and the input side.

α is kept as the exact rational of its decimal text (0.1 → 1/10); ρ is snapped to the pixel count
``round(224·ρ)`` (half up) unless the convention is smooth.

>>> p = design_point(0.5, rho=0.714)
>>> p.alpha, p.resolution, p.snapped
(Fraction(1, 2), 160, True)
>>> design_point(0.5, resolution=160).rho
Fraction(5, 7)
>>> design_point(0, resolution=160)
Traceback (most recent call last):
ValueError: alpha=0 is out of range; allowed 0 < alpha <= 4
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import numpy as np

from costmodel.core.architecture import BASE_RESOLUTION, LAYERS
from costmodel.core.convention import Convention
from costmodel.core.numbers import shorten

ALPHA_MAX = 4
"""Largest width multiplier accepted (the paper uses 0.25–1; timm and Keras go to 1.5–2)."""
RESOLUTION_MAX = 4096
"""Largest input side accepted, in pixels."""
MIN_RESOLUTION: dict[str, int] = {"same": 1, "floor": 32, "keras": 31}
"""Smallest input side per padding at which every layer keeps a pixel: ``floor`` halves down five times
(32); ``keras`` rounds the stem up, then halves down four times (31; Keras itself asks for 32 or more)."""


def min_resolution(convention: Convention) -> int:
    """The smallest input side, in pixels, that the convention's padding allows.

    >>> min_resolution(Convention()), min_resolution(Convention(padding="keras"))
    (1, 31)
    """
    return MIN_RESOLUTION[convention.padding]


GRID_LIMIT = 10_000_000
"""Most design points one call evaluates or searches (a product of lists, a grid): about 1 GiB of results."""


@dataclass(frozen=True)
class DesignPoint:
    """A checked design point. ``resolution`` is an int, or a ``Fraction`` (224·ρ) under the smooth model."""

    alpha: Fraction
    rho: Fraction
    resolution: int | Fraction
    requested_rho: Fraction | None
    snapped: bool


def scalar(name: str, value: object) -> object:
    """``value`` as a plain real scalar: numpy scalars and 0-d arrays unwrapped; bools, text and other types
    refused with a ``TypeError`` naming ``name``. ``int``, ``float``, ``Fraction`` and ``Decimal`` pass as they are.

    >>> scalar("alpha", np.array(0.5)), scalar("alpha", Decimal("0.5"))
    (0.5, Decimal('0.5'))
    >>> scalar("alpha", True)
    Traceback (most recent call last):
    TypeError: alpha must be a real number; got True of type bool
    """
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, np.generic) and not isinstance(value, np.bool_):
        value = value.item()
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real | Decimal):
        raise TypeError(f"{name} must be a real number; got {shorten(value)} of type {type(value).__name__}")
    if isinstance(value, Decimal) and value.is_snan():
        return Decimal("NaN")  # a signalling NaN would raise on every comparison; the range checks refuse NaN
    return value


def exact_number(name: str, value: object) -> Fraction:
    """``value`` as an exact ``Fraction`` of its decimal text; rejects bool, str, NaN and infinities.

    ``int``, ``Fraction`` and ``Decimal`` are taken exactly, a float by its shortest decimal text (0.1 → 1/10);
    numpy scalars and 0-d arrays like the Python numbers they hold.

    >>> exact_number("alpha", 0.1), exact_number("alpha", Decimal("0.25")), exact_number("alpha", np.float32(0.5))
    (Fraction(1, 10), Fraction(1, 4), Fraction(1, 2))
    """
    value = scalar(name, value)
    if isinstance(value, Fraction | int):
        return Fraction(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{name}={value!r} is not allowed; it must be a finite positive number")
        return Fraction(value)
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name}={value!r} is not allowed; it must be a finite positive number")
    return Fraction(Decimal(repr(number)))


def real_array(name: str, values: object) -> np.ndarray:
    """``values`` (a number, a list, a Series, an array) as a numeric numpy array, or a ``TypeError`` naming
    ``name``: bools, text, None and objects other than real numbers are refused. ``Fraction`` and ``Decimal``
    elements become floats, as they do as scalars. NaN and infinities are left for the range checks.

    >>> real_array("alpha", [0.5, Decimal("1")]).tolist()
    [0.5, 1.0]
    >>> real_array("resolution", ["224"])
    Traceback (most recent call last):
    TypeError: resolution must be real numbers; got "['224']" (an array of <U3)
    """
    array = values.to_numpy() if hasattr(values, "to_numpy") else np.asarray(values)
    if array.dtype == object:
        flat = array.ravel()
        if all(isinstance(v, numbers.Real | Decimal) and not isinstance(v, bool | np.bool_) for v in flat):
            return np.array([_float(v) for v in flat], dtype=np.float64).reshape(array.shape)
    if array.dtype == bool or not (
        np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)
    ):
        raise TypeError(
            f"{name} must be real numbers; got {shorten(str(values.tolist() if hasattr(values, 'tolist') else values))} (an array of {array.dtype})"
        )
    return array


def _float(value: object) -> float:
    """A real number as a float, ±inf where it is too large for one (so the range checks name it)."""
    if isinstance(value, Decimal) and value.is_nan():
        return math.nan
    try:
        return float(value)  # type: ignore[arg-type]
    except OverflowError:
        return math.inf if value > 0 else -math.inf  # type: ignore[operator]


def real_column(name: str, values: object) -> np.ndarray:
    """A table column (a pandas Series, any dtype) as float64, NaN where a cell is missing (None, NaN,
    ``pd.NA``); any other cell must be a real number (``TypeError`` naming ``name`` otherwise).

    >>> import pandas as pd
    >>> real_column("alpha", pd.Series([0.5, None, Decimal("1")], dtype=object)).tolist()
    [0.5, nan, 1.0]
    """
    cells = values.to_numpy(dtype=object) if hasattr(values, "to_numpy") else np.asarray(values, dtype=object)
    missing = [math.nan if v is None or type(v).__name__ == "NAType" else v for v in cells.ravel()]  # pd.NA
    return np.asarray(
        real_array(name, np.array(missing, dtype=object).reshape(cells.shape)), dtype=np.float64
    )


def first_bad(name: str, array: np.ndarray, bad: np.ndarray, allowed: str) -> None:
    """Raise ``ValueError`` naming the first element of ``array`` where ``bad`` holds, and what is allowed."""
    if bad.any():
        index = np.unravel_index(np.argmax(bad), bad.shape) if array.ndim else ()
        value = (array[index] if array.ndim else array).item()
        where = f"{name}[{', '.join(map(str, index))}]" if array.ndim else name
        raise ValueError(f"{where}={value!r} is out of range; allowed {allowed}")


def _within(array: np.ndarray, low: float, high: float) -> bool:
    """True when every value lies in [low, high]; two reductions (NaN makes it False)."""
    if array.size == 0:
        return True
    return bool(array.min() >= low) and bool(array.max() <= high)


def bounded_array(name: str, values: object, low: float, high: float, allowed: str) -> np.ndarray:
    """``values`` as float64, every one finite and within ``[low, high]`` (``allowed`` says so in words).

    >>> bounded_array("latency_ms", [1.5, 2], 1e-3, 1e7, "1e-3 to 1e7 ms").tolist()
    [1.5, 2.0]
    >>> bounded_array("latency_ms", [1.5, 1e-300], 1e-3, 1e7, "1e-3 to 1e7 ms")
    Traceback (most recent call last):
    ValueError: latency_ms[1]=1e-300 is out of range; allowed 1e-3 to 1e7 ms
    """
    array = np.asarray(real_array(name, values), dtype=np.float64)
    if not _within(array, low, high):
        first_bad(name, array, ~np.isfinite(array) | (array < low) | (array > high), allowed)
    return array


def check_grid_size(what: str, *counts: int, limit: int = GRID_LIMIT) -> None:
    """Refuse a product of list lengths above ``limit`` (:data:`GRID_LIMIT`) with a message naming each length.

    >>> check_grid_size("sweep", 20_000, 4_096)
    Traceback (most recent call last):
    ValueError: sweep: 20,000 × 4,096 = 81,920,000 design points is more than the limit of 10,000,000; use fewer or coarser values
    """
    total = math.prod(counts)
    if total > limit:
        sizes = " × ".join(f"{c:,}" for c in counts)
        raise ValueError(
            f"{what}: {sizes} = {total:,} design points is more than the limit of {limit:,}; "
            "use fewer or coarser values"
        )


def check_alpha_array(values: object, convention: Convention) -> np.ndarray:
    """α values as float64, each checked like :func:`check_alpha` (and :func:`check_alpha_for`)."""
    alpha = np.asarray(real_array("alpha", values), dtype=np.float64)
    smallest = smallest_scaled_channels(convention) if convention.rounding == "keras" else None
    low = 1 / smallest if smallest else np.nextafter(0, 1)
    if not _within(alpha, low, ALPHA_MAX):  # find and name the first bad value
        first_bad(
            "alpha",
            alpha,
            ~np.isfinite(alpha) | (alpha <= 0) | (alpha > ALPHA_MAX),
            f"0 < alpha <= {ALPHA_MAX}",
        )
        first_bad(
            "alpha", alpha, np.floor(alpha * smallest) < 1, f"alpha >= 1/{smallest} under keras rounding"
        )
    return alpha


def check_resolution_array(values: object, convention: Convention) -> np.ndarray:
    """Input sides holding whole pixels (any positive real under the smooth model), checked; a fractional side
    is refused, never truncated.

    >>> check_resolution_array([224.7], Convention())
    Traceback (most recent call last):
    ValueError: resolution[0]=224.7 is out of range; allowed whole pixels
    """
    side = real_array("resolution", values)
    if convention.smooth:
        side = np.asarray(side, dtype=np.float64)
        if not _within(side, np.nextafter(0, 1), RESOLUTION_MAX):
            bad = ~np.isfinite(side) | (side <= 0) | (side > RESOLUTION_MAX)
            first_bad("resolution", side, bad, f"0 < resolution <= {RESOLUTION_MAX}")
        return side
    low = min_resolution(convention)
    # every side valid costs two reductions and one rounding pass; otherwise name the first bad one
    if _within(side, low, RESOLUTION_MAX) and (
        not np.issubdtype(side.dtype, np.floating) or np.array_equal(side, np.round(side))
    ):
        return side
    if np.issubdtype(side.dtype, np.floating):
        first_bad("resolution", side, ~np.isfinite(side) | (side != np.round(side)), "whole pixels")
    if not _within(side, low, RESOLUTION_MAX):
        first_bad(
            "resolution", side, (side < low) | (side > RESOLUTION_MAX), f"{low} to {RESOLUTION_MAX} pixels"
        )
    return side


def check_alpha(value: object) -> Fraction:
    """α as an exact fraction, checked against ``0 < α <= ALPHA_MAX``."""
    alpha = exact_number("alpha", value)
    if not 0 < alpha <= ALPHA_MAX:
        raise ValueError(f"alpha={shorten(value)} is out of range; allowed 0 < alpha <= {ALPHA_MAX}")
    return alpha


def smallest_scaled_channels(convention: Convention) -> int:
    """The smallest α = 1 channel count that α scales (32 for the stem, or 64 without scaling it)."""
    scaled = [
        layer.channels
        for layer in LAYERS
        if layer.kind == "pw" or (layer.kind == "conv" and convention.scale_first_layer)
    ]
    return min(scaled)


def check_alpha_for(alpha: Fraction, convention: Convention) -> None:
    """Keras rounding has no minimum: reject an α that leaves a layer with no channel."""
    if convention.rounding != "keras":
        return
    smallest = smallest_scaled_channels(convention)
    if math.floor(alpha * smallest) < 1:
        raise ValueError(
            f"alpha={float(alpha)!r} leaves the {smallest}-channel layer with 0 channels under keras rounding "
            f"int(d*alpha); allowed alpha >= 1/{smallest} = {1 / smallest:g}"
        )


def check_resolution(value: object, convention: Convention) -> int:
    """The input side as an int, checked against the allowed range for the convention's padding."""
    value = scalar("resolution", value)
    if not isinstance(value, numbers.Integral):
        raise TypeError(
            f"resolution must be a positive integer number of pixels; got {shorten(value)} of type "
            f"{type(value).__name__}"
        )
    low = min_resolution(convention)
    if not low <= int(value) <= RESOLUTION_MAX:
        raise ValueError(
            f"resolution={shorten(value)} is out of range; allowed {low} to {RESOLUTION_MAX} pixels"
            + (f" with padding={convention.padding!r}" if low > 1 else "")
        )
    return int(value)


def snap_rho(rho: Fraction) -> int:
    """``round(224·ρ)``, half up, on the exact value: 0.714 → 160."""
    return math.floor(BASE_RESOLUTION * rho + Fraction(1, 2))


def design_point(
    alpha: object, *, rho: object = None, resolution: object = None, convention: Convention | None = None
) -> DesignPoint:
    """Check and normalise (α, ρ or resolution). With neither ρ nor resolution, ρ = 1 (224 px)."""
    convention = convention or Convention()
    checked_alpha = check_alpha(alpha)
    check_alpha_for(checked_alpha, convention)
    if rho is not None and resolution is not None:
        raise ValueError(
            f"give rho or resolution, not both; got rho={shorten(rho)} and resolution={shorten(resolution)}"
        )
    if rho is None:
        side = check_resolution(BASE_RESOLUTION if resolution is None else resolution, convention)
        return DesignPoint(checked_alpha, Fraction(side, BASE_RESOLUTION), side, None, False)
    requested = exact_number("rho", rho)
    if requested <= 0:
        raise ValueError(f"rho={shorten(rho)} is out of range; it must be positive")
    if convention.smooth:
        side = BASE_RESOLUTION * requested
        if side > RESOLUTION_MAX:
            raise ValueError(f"rho={shorten(rho)} is out of range; allowed 0 < rho <= {RESOLUTION_MAX}/224")
        return DesignPoint(checked_alpha, requested, side, requested, False)
    snapped_side = snap_rho(requested)
    if snapped_side < 1:
        raise ValueError(f"rho={shorten(rho)} is out of range; 224*rho must round to at least 1 pixel")
    try:
        side = check_resolution(snapped_side, convention)
    except ValueError as error:
        raise ValueError(f"rho={shorten(rho)} gives {error}") from None
    exact = BASE_RESOLUTION * requested == side
    return DesignPoint(checked_alpha, Fraction(side, BASE_RESOLUTION), side, requested, not exact)
