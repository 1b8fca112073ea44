"""What the Latency page shows and does, as plain functions (the page's callbacks only call these).

Uploads go through :func:`costmodel.import_latency` (all or nothing); the datasets live in the SQLite store
(``$MOBILENET_COST_DB`` or the user data directory), so every server worker sees the same ones and a
restart loses nothing.

>>> import tempfile, os
>>> db = os.path.join(tempfile.mkdtemp(), "view.sqlite3")
>>> result = upload(encode("alpha,resolution,latency_ms\\n1,224,-5\\n"), "bad.csv", "Pixel", "", "", db)
>>> result.problems
['row 2, column latency_ms: -5 is not allowed; latency must be a finite number > 0, from 0.001 to 1e+07 ms']
>>> upload(encode("alpha,resolution,latency_ms\\n1,224,5\\n"), "phone.csv", "Pixel", "", "", db).message
"Imported 1 row into new dataset 'phone'."
"""

from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from costmodel.core.numbers import shorten
from costmodel.latency.fit import LatencyFit, latency_fit
from costmodel.latency.importer import MAX_BYTES, MAX_ROWS, LatencyImportError, import_latency
from costmodel.latency.schema import printable
from costmodel.latency.store import BUILTIN_DATASETS, LatencyStore, builtin_frame

"""Resolutions along which each α's fitted curve is drawn."""
LIMITS_TEXT = (
    f"CSV (alpha, resolution, latency_ms; optional device, runtime, threads, batch, dtype, source, std_ms, "
    f"notes; comma or semicolon; latency_us for microseconds) or a TF Lite benchmark_model log. "
    f"At most {MAX_BYTES // 2**20} MiB and {MAX_ROWS:,} rows."
)


@dataclass(frozen=True)
class ActionResult:
    """A message for the user, and the problems (one per line) when the action failed."""

    message: str = ""
    problems: list[str] = field(default_factory=list)
    dataset: str | None = None


def encode(text: str) -> str:
    """A ``dcc.Upload`` contents string for ``text`` (for tests and examples)."""
    return "data:text/csv;base64," + base64.b64encode(text.encode()).decode()


def upload(contents: str | None, filename: str | None, device, runtime, dataset, db=None) -> ActionResult:
    """Import an uploaded file (a ``dcc.Upload`` data URL); nothing is stored if anything is wrong."""
    if not contents:
        return ActionResult(problems=["choose a file to upload"])
    try:
        data = base64.b64decode(contents.split(",", 1)[1], validate=True)
    except (IndexError, binascii.Error, ValueError):
        return ActionResult(problems=[f"{printable(shorten(filename)) if filename else 'the upload'}: the upload could not be decoded"])
    def typed(value):  # an empty field is no value; anything else is checked by the importer's row check
        return (value.strip() or None) if isinstance(value, str) else value

    name = typed(dataset) or (Path(filename).stem if isinstance(filename, str) and filename else None)
    try:
        result = import_latency(data, device=typed(device), runtime=typed(runtime), dataset=name, db=db)
    except LatencyImportError as error:
        label = f"file {printable(shorten(filename))}" if filename else "the upload"
        return ActionResult(problems=[p.replace("the data", label, 1) for p in error.problems])
    except (ValueError, TypeError) as error:
        return ActionResult(problems=[str(error)])
    where = "new dataset" if result.created else "dataset"
    rows = "row" if result.rows == 1 else "rows"
    return ActionResult(
        f"Imported {result.rows} {rows} into {where} {result.dataset!r}.", dataset=result.dataset
    )


def rename(old: str | None, new: str | None, db=None) -> ActionResult:
    """Rename the chosen dataset."""
    if not old:
        return ActionResult(problems=["choose a dataset to rename"])
    try:
        LatencyStore(db).rename(old, new or "")
    except ValueError as error:
        return ActionResult(problems=[str(error)])
    return ActionResult(f"Renamed {old!r} to {new.strip()!r}.", dataset=new.strip())


def delete(name: str | None, db=None) -> ActionResult:
    """Delete the chosen dataset."""
    if not name:
        return ActionResult(problems=["choose a dataset to delete"])
    try:
        rows = LatencyStore(db).delete(name)
    except ValueError as error:
        return ActionResult(problems=[str(error)])
    return ActionResult(f"Deleted {name!r} ({rows} rows).")


DEVICE_RATES = {
    "peak_macs_per_s_float32": "peak MAC/s (float32)",
    "peak_macs_per_s_int8": "peak MAC/s (int8)",
    "bandwidth_bytes_per_s": "bandwidth (bytes/s)",
}
"""The device form's optional rates (the roofline needs a peak at the dtype and the bandwidth; float16 and the
clock through ``mobilenet-cost devices add``), by field, with the name a message gives them."""


def add_device(key, ram, flash, source, db=None, rates=None) -> ActionResult:
    """Store a device from the form (RAM and flash as 320KiB, 1MB, ...; ``rates`` maps :data:`DEVICE_RATES`'
    fields to texts such as 100G or 2.5e10, blank for unknown; a source is required); a bad field is one message
    and nothing is stored.

    >>> import tempfile, os
    >>> db = os.path.join(tempfile.mkdtemp(), "dev.sqlite3")
    >>> add_device("myboard", "256KiB", "1MiB", "datasheet rev 2", db).message
    "Stored device 'myboard': RAM 262,144 bytes, flash 1,048,576 bytes."
    >>> add_device("other", "256KiB", "", "", db).problems
    ["device 'other' has no source; every device row needs one (a datasheet or URL)"]
    >>> rates = {"peak_macs_per_s_float32": "100G", "bandwidth_bytes_per_s": "25G"}
    >>> add_device("laptop", "8GiB", "", "vendor sheet", db, rates).message
    "Stored device 'laptop': RAM 8,589,934,592 bytes, no flash limit; float32 peak 1e+11 MAC/s, bandwidth 2.5e+10 B/s."
    >>> add_device("fast", "8GiB", "", "sheet", db, {"peak_macs_per_s_int8": "lots"}).problems
    ["peak MAC/s (int8): 'lots' must be a positive amount such as 300M, 0.3G, 1.5k or 300000000"]
    """
    from costmodel.core.numbers import parse_quantity

    try:
        row = {
            "device": (key or "").strip(),
            "ram_bytes": parse_quantity("RAM", ram or "", "bytes"),
            "flash_bytes": parse_quantity("flash", flash, "bytes") if (flash or "").strip() else None,
            "source": source or "",
        }
        for field, label in DEVICE_RATES.items():
            text = (rates or {}).get(field)
            row[field] = parse_quantity(label, text, "count") if (text or "").strip() else None
        device = LatencyStore(db).add_device(row)
    except ValueError as error:
        return ActionResult(problems=[str(error)])
    flash_text = "no flash limit" if device.flash_bytes is None else f"flash {device.flash_bytes:,} bytes"
    rates_text = _rates_text(device)
    return ActionResult(
        f"Stored device {device.device!r}: RAM {device.ram_bytes:,} bytes, {flash_text}"
        + (f"; {rates_text}." if rates_text else ".")
    )


def _rates_text(device) -> str:
    """The device's known peaks and bandwidth, for messages and the list ("" when none is known)."""
    parts = [
        f"{dtype} peak {rate:.3g} MAC/s"
        for dtype in ("float32", "float16", "int8")
        if (rate := device.peak_macs_per_s(dtype)) is not None
    ]
    if device.bandwidth_bytes_per_s is not None:
        parts.append(f"bandwidth {device.bandwidth_bytes_per_s:.3g} B/s")
    return ", ".join(parts)


def stored_devices(db=None) -> list[str]:
    """One line per stored device, for the list under the form."""
    lines = []
    for d in LatencyStore(db).devices():
        rates = _rates_text(d)
        lines.append(
            f"{d.device}: RAM {d.ram_bytes:,} B"
            + ("" if d.flash_bytes is None else f", flash {d.flash_bytes:,} B")
            + (f", {rates}" if rates else "")
            + f" ({d.source})"
        )
    return lines


def datasets(db=None) -> pd.DataFrame:
    """The dataset list (name, rows, devices, runtimes, builtin, created, origin)."""
    return LatencyStore(db).datasets()


def options(listing: pd.DataFrame) -> list[dict]:
    """Dropdown options: one per dataset, built-in ones marked, and how many points have a per-layer profile.

    >>> listing = pd.DataFrame({"name": ["laptop"], "rows": [4], "builtin": [False], "profiles": [2]})
    >>> options(listing)[0]["label"]
    'laptop (4 points, 2 profiled)'
    """

    def label(row) -> str:
        profiled = getattr(row, "profiles", 0)
        notes = [f"{row.rows} points", *(["built-in"] if row.builtin else [])]
        notes += [f"{profiled} profiled"] if profiled else []
        return f"{row.name} ({', '.join(notes)})"

    return [{"label": label(row), "value": row.name} for row in listing.itertuples()]


def fit_view(name: str, db=None) -> LatencyFit:
    """Load ``name`` and fit the latency model (when it has at least 3 points of one device and runtime)."""
    built_in = isinstance(name, str) and name in BUILTIN_DATASETS  # shown even when the database is unusable
    return latency_fit(builtin_frame(name) if built_in else LatencyStore(db).load(name))


def default_db() -> str | None:
    """The database the dashboard uses: ``$MOBILENET_COST_DB`` if set, else the store's default."""
    return os.environ.get("MOBILENET_COST_DB") or None
