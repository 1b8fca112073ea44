"""Per-layer profiles on the Latency page and the Explorer, as plain functions (the callbacks only call these).

A profile (``mobilenet-cost measure --profile``) is stored with its dataset, one row per layer of a design point
(α, resolution, threads, dtype). :func:`profile_chart` draws one point's measured time per layer beside the time
its MACs predict (:func:`costmodel.present.figures.make_profile_figure`) and, for a device with a peak MAC/s and a
bandwidth, each layer's roofline bound, computed from the numeric report (no SymPy).

>>> import pandas as pd
>>> rows = pd.DataFrame({"alpha": [0.5, 0.5], "resolution": [160, 160], "threads": [1, 4],
...                      "dtype": ["float32", "float32"], "layer": ["Conv2d_0", "Conv2d_0"]})
>>> [option["label"] for option in point_options(rows)]
['α 0.5, 160 px, float32, 1 thread', 'α 0.5, 160 px, float32, 4 threads']
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace

import pandas as pd

from costmodel.core.convention import Convention
from costmodel.core.design_point import DesignPoint, design_point
from costmodel.core.report import Report, build_report
from costmodel.latency.profile import OTHER, time_vs_macs
from costmodel.latency.schema import PROFILE_POINT_COLUMNS
from costmodel.latency.store import LatencyStore
from costmodel.present.figures import profile_figure_spec
from costmodel.reference.roofline import roofline

HOW_TO_PROFILE = (
    "No per-layer profiles in this dataset. Measure some with: mobilenet-cost measure --alpha 0.5 "
    "--resolution 160 --profile layers.csv --dataset my-laptop (onnxruntime; add --runtime litert for LiteRT)."
)
"""The one line shown where a dataset has no profiles."""
ROOFLINE_DTYPES = {
    "float32": "float32",
    "float": "float32",
    "float16": "float16",
    "int8": "int8",
    "quant": "int8",
}
"""A profile's dtype as the memory model names it (the roofline's peak MAC/s and bytes depend on it)."""


def point_key(alpha: float, resolution: int, threads, dtype) -> str:
    """The dropdown value of one profiled design point (JSON: α, resolution, threads, dtype)."""
    return json.dumps([float(alpha), int(resolution), None if pd.isna(threads) else int(threads), dtype])


def _label(alpha: float, resolution: int, threads, dtype) -> str:
    parts = [f"α {alpha:g}", f"{resolution} px", dtype or "dtype not recorded"]
    if not pd.isna(threads):
        parts.append(f"{int(threads)} thread{'' if int(threads) == 1 else 's'}")
    return ", ".join(parts)


def point_options(profiles: pd.DataFrame) -> list[dict[str, str]]:
    """One dropdown option per profiled design point of ``profiles`` (a store's profile rows), in stored order."""
    points = profiles[list(PROFILE_POINT_COLUMNS)].drop_duplicates()
    return [{"label": _label(*point), "value": point_key(*point)} for point in points.itertuples(index=False)]


def point_rows(profiles: pd.DataFrame, key: str) -> pd.DataFrame:
    """The rows of the design point ``key`` (:func:`point_key`); none for an unknown key."""
    keys = [point_key(*point) for point in profiles[list(PROFILE_POINT_COLUMNS)].itertuples(index=False)]
    return profiles[[k == key for k in keys]].reset_index(drop=True)


def _same_network(rows: pd.DataFrame, r: Report) -> bool:
    layers = rows[rows["layer"] != OTHER]
    return layers["layer"].tolist() == r.table["layer"].tolist() and [int(m) for m in layers["macs"]] == [
        int(m) for m in r.table["macs"]
    ]


def profile_chart(rows: pd.DataFrame, device, convention: Convention | None = None, title: str = ""):
    """``(figure, note)`` for one profiled design point's ``rows`` (the figure as a plain Plotly dict); ``device`` (a
    :class:`~costmodel.reference.devices.Device` or None) adds each layer's roofline bound, for the network of
    ``convention`` (default: the paper's) at the profile's α, resolution and dtype.

    >>> from costmodel.core.report import report
    >>> table = report(alpha=0.25, resolution=128).table
    >>> rows = table[["layer", "kind", "macs"]].assign(alpha=0.25, resolution=128, time_ms=table.macs / 1e8,
    ...                                                 whole_ms=0.15, dtype="float32", threads=1)
    >>> figure, note = profile_chart(rows, None)
    >>> note.split(". ")[0]
    'Depthwise layers: 10.5 % of the measured time and 10.5 % of the MACs (1.00×)'
    """
    convention = convention or Convention()
    first = rows.iloc[0]
    shares = time_vs_macs(rows)
    depthwise = shares[shares["kind"] == "dw"]
    time_pct, mac_pct = depthwise["time_share"].sum() * 100, depthwise["mac_share"].sum() * 100
    notes = [
        f"Depthwise layers: {time_pct:.1f} % of the measured time and {mac_pct:.1f} % of the MACs "
        f"({time_pct / mac_pct:.2f}×)"
        if mac_pct > 0
        else "No depthwise layers with MACs",
        f"Layers sum to {rows['time_ms'].sum():.3g} ms; the whole network took {first['whole_ms']:.3g} ms",
    ]
    bound = None
    dtype = ROOFLINE_DTYPES.get(str(first["dtype"]).lower(), convention.dtype)
    if device is None:
        notes.append("choose a device with a peak MAC/s and a bandwidth to add the roofline bound")
    else:
        point = replace(convention, dtype=dtype)
        r = build_report(
            design_point(float(first["alpha"]), resolution=int(first["resolution"]), convention=point), point
        )
        try:
            layers = roofline(r, device)
        except ValueError as error:
            notes.append(str(error))
        else:
            if _same_network(rows, r):
                bound = layers
                notes.append(
                    f"roofline bound on {device.name} at {dtype}: {layers['attainable_s'].sum() * 1e3:.3g} ms in all"
                )
            else:
                notes.append(
                    "no roofline bound: the profiled layers' MACs are not those of this network's layers"
                )
    return profile_figure_spec(rows, bound, title), notes[0] + ". " + "; ".join(notes[1:]) + "."


def dataset_profiles(name: str, db=None) -> pd.DataFrame:
    """The profile rows stored with dataset ``name`` (none for a built-in dataset)."""
    return LatencyStore(db).profiles(name)


def latency_page(name: str | None, key: str | None, device, db=None) -> dict[str, object]:
    """The Latency page's profile panel for dataset ``name``: the point picker's ``options`` and ``value``, the
    ``figure`` (or None) and a ``note`` (the how-to line where the dataset has no profile)."""
    view: dict[str, object] = {"options": [], "value": None, "figure": None, "note": HOW_TO_PROFILE}
    if not name:
        return view
    try:
        profiles = dataset_profiles(name, db)
    except (ValueError, TypeError, sqlite3.Error) as error:
        return view | {"note": f"Cannot read the profiles of {name!r}: {error}"}
    if profiles.empty:
        return view
    options = point_options(profiles)
    values = [option["value"] for option in options]
    key = key if key in values else values[0]
    rows = point_rows(profiles, key)
    title = f"{name}: {options[values.index(key)]['label']}"
    figure, note = profile_chart(rows, device, title=title)
    return view | {"options": options, "value": key, "figure": figure, "note": note}


def explorer_panel(
    point: DesignPoint, convention: Convention, chosen: str | None, device_key: str, find_device, db=None
) -> dict[str, object]:
    """The Explorer's profile panel for its design ``point`` under ``convention``: every stored dataset's profile
    at exactly this point (same α and resolution, and the same layers with the same MACs as its report), read in
    one query (the report is built only when some dataset has a profile there); the chooser's ``options`` and
    ``value`` (dataset, threads, dtype), the ``figure`` (or None) and a ``note``. ``find_device(key, store)``
    gives the device for the roofline bound (None for none)."""
    view: dict[str, object] = {"options": [], "value": None, "figure": None}
    where = f"α {float(point.alpha):g}, {point.resolution} px"
    how_to = (
        f"Measure one with: mobilenet-cost measure --alpha {float(point.alpha):g} --resolution {point.resolution} "
        "--profile layers.csv"
    )
    try:
        store = LatencyStore(db)
        found = store.profiles_at(point.alpha, point.resolution)
    except (ValueError, sqlite3.Error) as error:
        return view | {"note": f"Stored profiles cannot be read: {error}"}
    if found.empty:
        return view | {"note": f"No per-layer profile at {where}. {how_to}"}
    r = build_report(point, convention)
    keys = [
        json.dumps([dataset, point_key(*profiled)])
        for dataset, *profiled in found[["dataset", *PROFILE_POINT_COLUMNS]].itertuples(index=False)
    ]
    candidates = {
        key: rows.reset_index(drop=True)
        for key, rows in found.groupby(pd.Series(keys, index=found.index), sort=False)
        if _same_network(rows, r)
    }
    if not candidates:
        return view | {
            "note": f"No per-layer profile at {where} ({found['dataset'].nunique()} dataset(s) profiled "
            f"α {r.alpha:g} at {r.resolution} px on a network with other layer MACs: the measured network has the "
            f"paper's knobs). {how_to}"
        }
    options = [{"label": _point_label(rows), "value": key} for key, rows in candidates.items()]
    value = chosen if isinstance(chosen, str) and chosen in candidates else next(iter(candidates))
    rows = candidates[value]
    device = find_device(device_key, store) if device_key else None
    figure, note = profile_chart(rows, device, r.convention, _point_label(rows))
    return view | {"options": options, "value": value, "figure": figure, "note": note}


def _point_label(rows: pd.DataFrame) -> str:
    first = rows.iloc[0]
    return f"{first['dataset']}: {_label(*(first[c] for c in PROFILE_POINT_COLUMNS))}"
