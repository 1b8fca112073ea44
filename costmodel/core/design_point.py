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

from costmodel.core.architecture import BASE_RESOLUTION, LAYERS
from costmodel.core.convention import Convention

ALPHA_MAX = 4
"""Largest width multiplier accepted (the paper uses 0.25–1; timm and Keras go to 1.5–2)."""
RESOLUTION_MAX = 4096
"""Largest input side accepted, in pixels."""
FLOOR_PADDING_MIN_RESOLUTION = 32
"""With ``padding="floor"`` a side below 32 shrinks to 0 after the five stride-2 layers."""


@dataclass(frozen=True)
class DesignPoint:
    """A checked design point. ``resolution`` is an int, or a ``Fraction`` (224·ρ) under the smooth model."""

    alpha: Fraction
    rho: Fraction
    resolution: int | Fraction
    requested_rho: Fraction | None
    snapped: bool


def exact_number(name: str, value: object) -> Fraction:
    """``value`` as an exact ``Fraction`` of its decimal text; rejects bool, str, NaN and infinities."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {value!r} of type {type(value).__name__}")
    if isinstance(value, Fraction | int):
        return Fraction(value)
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name}={value!r} is not allowed; it must be a finite positive number")
    return Fraction(Decimal(repr(number)))


def check_alpha(value: object) -> Fraction:
    """α as an exact fraction, checked against ``0 < α <= ALPHA_MAX``."""
    alpha = exact_number("alpha", value)
    if not 0 < alpha <= ALPHA_MAX:
        raise ValueError(f"alpha={value!r} is out of range; allowed 0 < alpha <= {ALPHA_MAX}")
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
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"resolution must be a positive integer number of pixels; got {value!r} of type "
            f"{type(value).__name__}"
        )
    low = FLOOR_PADDING_MIN_RESOLUTION if convention.padding == "floor" else 1
    if not low <= int(value) <= RESOLUTION_MAX:
        raise ValueError(
            f"resolution={value!r} is out of range; allowed {low} to {RESOLUTION_MAX} pixels"
            + (" with padding='floor'" if low > 1 else "")
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
        raise ValueError(f"give rho or resolution, not both; got rho={rho!r} and resolution={resolution!r}")
    if rho is None:
        side = check_resolution(BASE_RESOLUTION if resolution is None else resolution, convention)
        return DesignPoint(checked_alpha, Fraction(side, BASE_RESOLUTION), side, None, False)
    requested = exact_number("rho", rho)
    if requested <= 0:
        raise ValueError(f"rho={rho!r} is out of range; it must be positive")
    if convention.smooth:
        side = BASE_RESOLUTION * requested
        if side > RESOLUTION_MAX:
            raise ValueError(f"rho={rho!r} is out of range; allowed 0 < rho <= {RESOLUTION_MAX}/224")
        return DesignPoint(checked_alpha, requested, side, requested, False)
    snapped_side = snap_rho(requested)
    if snapped_side < 1:
        raise ValueError(f"rho={rho!r} is out of range; 224*rho must round to at least 1 pixel")
    try:
        side = check_resolution(snapped_side, convention)
    except ValueError as error:
        raise ValueError(f"rho={rho!r} gives {error}") from None
    exact = BASE_RESOLUTION * requested == side
    return DesignPoint(checked_alpha, Fraction(side, BASE_RESOLUTION), side, requested, not exact)
