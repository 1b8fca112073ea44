"""Devices as data: RAM, flash, peak MAC/s and memory bandwidth, and whether a design point fits one.

The built-in devices are ``tables/devices.csv`` (vendor datasheets, a ``source`` on every row); users add
their own in the SQLite store (:mod:`costmodel.latency.store`). Every row, built in or added, goes through
:func:`check_device`.

>>> import costmodel
>>> stm32 = builtin_device("stm32f746")
>>> stm32.ram_bytes, stm32.flash_bytes
(327680, 1048576)
>>> fit = memory_fit(costmodel.report(alpha=0.25, resolution=96, dtype="int8"), stm32)
>>> fit.fits, fit.ram_margin, fit.flash_margin
(True, 272384, 570032)
>>> builtin_device("stm32")
Traceback (most recent call last):
ValueError: device 'stm32' is unknown; the devices are a100_40gb, apple_a17_pro, apple_m2, esp32s3, jetson_nano, nrf52840, rp2040, stm32f746, stm32h743
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, fields

from costmodel.core.numbers import shorten
from costmodel.reference.tables import load_table

MAX_BYTES = 2**60
"""Largest RAM or flash size accepted for a device (an exbibyte)."""
MAX_RATE = 1e21
"""Largest peak MAC/s or bandwidth accepted (a zetta-unit per second)."""
_KEY = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")


@dataclass(frozen=True)
class Device:
    """One device: its key, capacities in bytes, and (where known) its peak MAC/s per dtype and bandwidth.

    ``flash_bytes`` is ``None`` where the device has no flash limit; rates are ``None`` where unpublished.
    """

    device: str
    name: str
    kind: str
    ram_bytes: int
    flash_bytes: int | None
    clock_mhz: float | None
    peak_macs_per_s_float32: float | None
    peak_macs_per_s_float16: float | None
    peak_macs_per_s_int8: float | None
    bandwidth_bytes_per_s: float | None
    note: str
    source: str

    def peak_macs_per_s(self, dtype: str) -> float | None:
        """The published peak MAC/s at ``dtype`` (``"float32"``, ``"float16"`` or ``"int8"``), or ``None``."""
        return getattr(self, f"peak_macs_per_s_{dtype}")


DEVICE_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Device))


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or (isinstance(value, str) and not value.strip()) or str(value) == "<NA>"


def _amount(name: str, value: object, kind: type, limit: float, required: bool):
    if _blank(value):
        if required:
            raise ValueError(f"device {name} is missing; give a positive number")
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"device {name}={shorten(value)} is not a number") from None
    if not (math.isfinite(number) and 0 < number <= limit):
        raise ValueError(f"device {name}={shorten(value)} is not allowed; it must be positive and at most {limit:g}")
    if kind is int:
        if number != int(number):
            raise ValueError(f"device {name}={shorten(value)} must be a whole number of bytes")
        return int(number)
    return number


def check_device(row: dict[str, object]) -> Device:
    """A :class:`Device` from a row (a dict of the ``devices.csv`` columns), or a ``ValueError`` naming the
    field: the key is lower-case letters, digits, ``_.-``; ``ram_bytes`` is required; every row has a
    ``source`` (a datasheet, a URL, "measured by me").

    >>> check_device({"device": "board", "name": "My board", "ram_bytes": 65536})
    Traceback (most recent call last):
    ValueError: device 'board' has no source; every device row needs one (a datasheet or URL)
    """
    unknown = sorted(set(row) - set(DEVICE_FIELDS))
    if unknown:
        raise ValueError(f"device column {unknown[0]!r} is unknown; the columns are {', '.join(DEVICE_FIELDS)}")
    key = row.get("device")
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise ValueError(
            f"device={shorten(key)} is not allowed; use 1 to 64 lower-case letters, digits, '_', '.' or '-'"
        )
    text = {name: "" if _blank(row.get(name)) else str(row.get(name)).strip() for name in ("name", "kind", "note", "source")}
    if not text["source"]:
        raise ValueError(f"device {key!r} has no source; every device row needs one (a datasheet or URL)")
    for name, value in text.items():
        if len(value) > 1000 or any(ord(c) < 32 for c in value):
            raise ValueError(f"device {key!r}: {name} must be at most 1000 printable characters")
    return Device(
        device=key,
        name=text["name"] or key,
        kind=text["kind"] or "user",
        ram_bytes=_amount("ram_bytes", row.get("ram_bytes"), int, MAX_BYTES, True),
        flash_bytes=_amount("flash_bytes", row.get("flash_bytes"), int, MAX_BYTES, False),
        clock_mhz=_amount("clock_mhz", row.get("clock_mhz"), float, 1e7, False),
        peak_macs_per_s_float32=_amount("peak_macs_per_s_float32", row.get("peak_macs_per_s_float32"), float, MAX_RATE, False),
        peak_macs_per_s_float16=_amount("peak_macs_per_s_float16", row.get("peak_macs_per_s_float16"), float, MAX_RATE, False),
        peak_macs_per_s_int8=_amount("peak_macs_per_s_int8", row.get("peak_macs_per_s_int8"), float, MAX_RATE, False),
        bandwidth_bytes_per_s=_amount("bandwidth_bytes_per_s", row.get("bandwidth_bytes_per_s"), float, MAX_RATE, False),
        note=text["note"],
        source=text["source"],
    )


def builtin_devices() -> dict[str, Device]:
    """Every device of ``tables/devices.csv``, by key."""
    return {row["device"]: check_device(row) for row in load_table("devices").to_dict("records")}


def builtin_device(key: str) -> Device:
    """One built-in device by its key (``stm32f746``, ``nrf52840``, ...)."""
    devices = builtin_devices()
    if key not in devices:
        raise ValueError(f"device {shorten(key)} is unknown; the devices are {', '.join(sorted(devices))}")
    return devices[key]


@dataclass(frozen=True)
class MemoryFit:
    """Whether a report's peak activation memory and weights fit a device, with the margins in bytes
    (negative: the shortfall). ``flash_margin`` is ``None`` for a device without a flash limit."""

    device: Device
    ram_bytes: int
    flash_bytes: int
    ram_margin: int
    flash_margin: int | None

    @property
    def fits(self) -> bool:
        return self.ram_margin >= 0 and (self.flash_margin is None or self.flash_margin >= 0)


def memory_fit(report, device: Device) -> MemoryFit:
    """RAM (``peak_activation_bytes``) and flash (``flash_bytes``) of ``report`` against ``device``."""
    ram, flash = int(report.totals["peak_activation_bytes"]), int(report.totals["flash_bytes"])
    flash_margin = None if device.flash_bytes is None else device.flash_bytes - flash
    return MemoryFit(device, ram, flash, device.ram_bytes - ram, flash_margin)
