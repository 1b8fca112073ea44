"""The Frontier page's logic: published accuracy points with exact costs, Pareto fronts, the current
design point's estimated accuracy, and the best configuration under a budget.

Costs of every point come from the exact cost model at its (α, resolution) under the paper's
convention, never from a table's printed mult-adds (those carry errata).

>>> points = frontier_points()
>>> row = points[(points.source == "TF-slim 2018_02_22") & (points.model == "MobileNet_v1_1.0_224")].iloc[0]
>>> int(row["macs"]), float(row["top1_pct"]), row["dtype"]
(568740352, 70.9, 'float')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from costmodel.dashboard import frontier_brush
from costmodel.dashboard.explorer import design_point_of, parse_query

from costmodel.core.numbers import parse_decimal, parse_quantity, shorten
from costmodel.core.report import totals_at
from costmodel.latency.axis import with_latency
from costmodel.latency.model import LatencyModel
from costmodel.latency.store import DatasetError, LatencyStore
from costmodel.reference.accuracy_model import AccuracyModel, published_trend
from costmodel.reference.budget import (
    BUDGET_MAX,
    best_estimate,
    best_reference,
    check_budget,
    fitting_estimates,
    with_costs,
)
from costmodel.reference.pareto import pareto_front
from costmodel.reference.tables import load_table

X_METRICS = {
    "macs": "MACs", "params": "parameters", "latency_ms": "latency (ms)",
    "peak_activation_bytes": "peak RAM (bytes)", "flash_bytes": "flash (bytes)",
}  # fmt: skip
X_UNITS = {"macs": "MACs", "params": "params", "latency_ms": "ms", "peak_activation_bytes": "bytes",
           "flash_bytes": "bytes"}  # fmt: skip
BUDGET_UNITS = {
    "macs": 1e6,
    "params": 1e6,
    "latency_ms": 1.0,
    "peak_activation_bytes": 1024,
    "flash_bytes": 1024,
}
BYTE_AXES = {"peak_activation_bytes": ("ram", "ram_bytes"), "flash_bytes": ("flash", "flash_bytes")}
"""The memory axes: their budget keyword and the device field a device preset draws (issue 14)."""
BYTE_DTYPES = {"float": "float32", "quant": "int8"}
"""The dtype a point's bytes are counted at: float checkpoints in float32, quantized ones in int8."""
"""A bare number typed as a budget counts in these units: millions of MACs or params, ms, or KiB."""
DEFAULT_BUDGETS = {
    "macs": "300M",
    "params": "",
    "latency_ms": "",
    "peak_activation_bytes": "",
    "flash_bytes": "",
}
"""Each axis keeps its own budget (and unit); these are the budgets before anything is typed."""
DTYPES = ("float", "quant")
DEFAULT_SOURCES = ("paper", "TF-slim 2018_02_22")
COLUMNS = ("source", "model", "alpha", "resolution", "dtype", "top1_pct", "latency_ms", "device", "reference")


def _paper() -> pd.DataFrame:
    t = load_table("paper_models")
    t = t[(t.task == "imagenet") & (t.variant == "standard") & t.alpha.notna() & t.top1_pct.notna()]
    t = t.drop_duplicates(["alpha", "resolution"])
    return pd.DataFrame(
        {"source": "paper", "model": t.row_label, "alpha": t.alpha, "resolution": t.resolution, "dtype": "float",
         "top1_pct": t.top1_pct, "latency_ms": np.nan, "device": "", "reference": t.source}
    )  # fmt: skip


def _slim() -> pd.DataFrame:
    t = load_table("slim_checkpoints")
    return pd.DataFrame(
        {"source": "TF-slim " + t.release, "model": t.model, "alpha": t.alpha, "resolution": t.resolution,
         "dtype": t.dtype, "top1_pct": t.top1_pct, "latency_ms": np.nan, "device": "", "reference": t.source}
    )  # fmt: skip


def _tflite() -> pd.DataFrame:
    t = load_table("tflite_hosted_latency")
    t = t[t.table_version.str.startswith("hosted_") & t.top1_pct.notna()]
    return pd.DataFrame(
        {"source": "TF Lite hosted, " + t.device.str.replace(r" \(.*\)", "", regex=True), "model": t.model,
         "alpha": t.alpha, "resolution": t.resolution, "dtype": t.dtype, "top1_pct": t.top1_pct,
         "latency_ms": t.tflite_cpu_ms, "device": t.device + ", " + t.cpu_threads, "reference": t.source}
    )  # fmt: skip


def _others() -> pd.DataFrame:
    t = load_table("other_references")
    t = t[t.alpha.notna() & t.resolution.notna() & t.top1_pct.notna()]
    return pd.DataFrame(
        {"source": "timm, keras.io, OpenVINO", "model": t.source_name + ": " + t.model, "alpha": t.alpha,
         "resolution": t.resolution, "dtype": t.dtype, "top1_pct": t.top1_pct, "latency_ms": t.latency_ms,
         "device": t.latency_setting.fillna(""), "reference": t.source}
    )  # fmt: skip


@lru_cache(maxsize=1)
def frontier_points() -> pd.DataFrame:
    """Every published ImageNet top-1 point of MobileNet v1 with exact ``macs`` and ``params``."""
    frame = pd.concat([_paper(), _slim(), _tflite(), _others()], ignore_index=True)
    frame = frame.astype({"alpha": float, "resolution": "int64", "top1_pct": float, "latency_ms": float})
    for column in ("source", "model", "dtype", "device", "reference"):
        frame[column] = frame[column].astype(object).where(frame[column].notna(), "")
    frame = with_costs(frame)
    for column in BYTE_AXES:
        frame[column] = pd.Series(pd.NA, index=frame.index, dtype="Int64")
    for precision, dtype in BYTE_DTYPES.items():
        rows = frame.dtype == precision
        costs = with_costs(frame[rows], tuple(BYTE_AXES), dtype=dtype)
        for column in BYTE_AXES:
            frame.loc[rows, column] = costs[column]
    return frame


def sources() -> list[str]:
    """The source names, in the order they are offered."""
    return list(dict.fromkeys(frontier_points()["source"]))


def latency_sources() -> list[str]:
    """The sources that publish latencies (the only ones with points on the published latency axis).

    >>> latency_sources()
    ['TF Lite hosted, Pixel 2', 'TF Lite hosted, Pixel 3', 'timm, keras.io, OpenVINO']
    """
    points = frontier_points()
    return [s for s in sources() if points[(points.source == s)].latency_ms.notna().any()]


def with_latency_sources(x: object, chosen: object, latency_source: object) -> list[str] | None:
    """The sources to show when the published latency axis is chosen and none of ``chosen`` has a latency:
    ``chosen`` plus every :func:`latency_sources` source (so the axis is never an empty chart); else None.

    >>> with_latency_sources("latency_ms", ["paper"], "published")
    ['paper', 'TF Lite hosted, Pixel 2', 'TF Lite hosted, Pixel 3', 'timm, keras.io, OpenVINO']
    >>> with_latency_sources("latency_ms", ["TF Lite hosted, Pixel 3"], "published"), with_latency_sources("macs", [], "")
    (None, None)
    """
    chosen = chosen if isinstance(chosen, list) else []
    if check_x(x) != "latency_ms" or latency_dataset(latency_source) is not None:
        return None
    if any(source in latency_sources() for source in chosen):
        return None
    return [s for s in sources() if s in chosen or s in latency_sources()]


PUBLISHED_LATENCY = "published"
"""The latency axis' default: each source's own published latency (the TF Lite hosted tables)."""
LATENCY_MODES = ("measured", "predicted")


def latency_source_options(db=None) -> list[dict]:
    """The latency axis' choices: the published tables, then each stored dataset, measured or predicted.

    >>> import tempfile, os
    >>> latency_source_options(os.path.join(tempfile.mkdtemp(), "doc.sqlite3"))[:2]  # doctest: +NORMALIZE_WHITESPACE
    [{'label': 'published with each source (TF Lite hosted tables)', 'value': 'published'},
     {'label': 'measured on dataset tflite-pixel2-cpu-float', 'value': 'measured:tflite-pixel2-cpu-float'}]
    """
    options = [{"label": "published with each source (TF Lite hosted tables)", "value": PUBLISHED_LATENCY}]
    try:
        names = LatencyStore(db).names()
    except DatasetError as error:  # shown in the dropdown itself, the published latencies still work
        return [
            *options,
            {"label": f"stored datasets unavailable: {error}", "value": "unavailable", "disabled": True},
        ]
    for name in names:
        options += [
            {"label": f"{mode} on dataset {name}", "value": f"{mode}:{name}"} for mode in LATENCY_MODES
        ]
    return options


def latency_dataset(value: object) -> tuple[str, str] | None:
    """``(mode, dataset)`` for a latency-axis choice naming a dataset; None for the published tables.

    >>> latency_dataset("predicted:my phone"), latency_dataset("published"), latency_dataset(3)
    (('predicted', 'my phone'), None, None)
    """
    if not isinstance(value, str) or ":" not in value:
        return None
    mode, name = value.split(":", 1)
    return (mode, name) if mode in LATENCY_MODES and name else None


def selected(chosen_sources: object, dtypes: object, x: str, latency_source: object = None) -> pd.DataFrame:
    """The points of the chosen sources and precisions that have a value on the x axis.

    On the latency axis with a dataset chosen (:func:`latency_dataset`), every point takes its latency from
    that dataset: measured where the dataset has the same (α, resolution), or predicted by the dataset's
    latency model; a dataset that cannot be read raises ``ValueError``.
    """
    x = check_x(x)
    dataset = latency_dataset(latency_source) if x == "latency_ms" else None
    if dataset is None:
        return _published(_strings(chosen_sources), _strings(dtypes), x).copy()
    mode, name = dataset
    rows = _published(_strings(chosen_sources), _strings(dtypes), None)
    rows = with_latency(rows, name, mode=mode, db=default_db()).assign(device=f"{mode} on {name}")
    return rows[rows[x].notna()].reset_index(drop=True)


def _strings(values: object) -> tuple[str, ...]:
    """The strings of a control's list value (a source or precision name never is anything else)."""
    return tuple(v for v in values if isinstance(v, str)) if isinstance(values, list) else ()


@lru_cache(maxsize=64)
def _published(chosen_sources: tuple[str, ...], dtypes: tuple[str, ...], x: str | None) -> pd.DataFrame:
    """The published points of the chosen sources and precisions with a value on ``x`` (all of them for None),
    cached: they never change while serving (callers get copies)."""
    points = frontier_points()
    rows = points[points.source.isin(chosen_sources) & points.dtype.isin(dtypes)]
    return rows if x is None else rows[rows[x].notna()].reset_index(drop=True)


def interval_text(low: float, high: float) -> str:
    """``12.3–14.5 ms``, or ``unbounded`` when the dataset has too few points for the level.

    >>> interval_text(12.34, 14.5), interval_text(1.0, float("inf"))
    ('12.3–14.5 ms', 'unbounded')
    """
    if not (np.isfinite(low) and np.isfinite(high)):
        return "unbounded"
    return f"{low:.1f}–{high:.1f} ms"


def default_db() -> str | None:
    """The latency database the dashboard uses (``$MOBILENET_COST_DB`` or the store's default)."""
    from costmodel.dashboard.latency_view import default_db as dashboard_db

    return dashboard_db()


def check_x(x: object) -> str:
    """The x metric, or ``macs`` for anything that is not one of :data:`X_METRICS`."""
    return x if isinstance(x, str) and x in X_METRICS else "macs"


def front(points: pd.DataFrame, x: str) -> pd.DataFrame:
    """The Pareto front of each precision in ``points`` (cost ``x`` lower, top-1 higher)."""
    fronts = [pareto_front(group, cost=x, accuracy="top1_pct") for _, group in points.groupby("dtype")]
    return pd.concat(fronts, ignore_index=True) if fronts else points.iloc[:0]


@lru_cache(maxsize=256)
def _published_front(
    chosen_sources: tuple[str, ...], dtypes: tuple[str, ...], x: str, inside: bytes
) -> pd.DataFrame:
    """:func:`front` of the published points inside a selection (``inside``: the bytes of its boolean mask),
    cached: a new budget or design point draws the same fronts, and so does a brush that keeps the same points."""
    every_point = _published(chosen_sources, dtypes, x)
    return front(every_point[np.frombuffer(inside, dtype=bool)].reset_index(drop=True), x)


def accuracy_model(dtype: str) -> AccuracyModel:
    """The fitted accuracy trend for ``float`` or ``quant`` (the one ``best --estimate`` uses)."""
    return published_trend(dtype)


@lru_cache(maxsize=16)
def latency_model(source: str, dtype: str) -> LatencyModel:
    """A latency model fitted to one source's measured points of one precision (e.g. TF Lite on Pixel 2)."""
    points = frontier_points()
    rows = points[(points.source == source) & (points.dtype == dtype) & points.latency_ms.notna()]
    return LatencyModel.fit(rows[["alpha", "resolution", "latency_ms"]])


def modelled_latencies(
    estimate: DesignEstimate, chosen_sources: object, dtypes: object
) -> dict[tuple[str, str], float]:
    """The design point's latency predicted per chosen (source, precision) with enough measured points."""
    points = frontier_points()
    chosen_sources = chosen_sources if isinstance(chosen_sources, list) else []
    dtypes = dtypes if isinstance(dtypes, list) else []
    result = {}
    for source in chosen_sources:
        for dtype in dtypes:
            rows = points[(points.source == source) & (points.dtype == dtype) & points.latency_ms.notna()]
            if len(rows) >= MIN_LATENCY_POINTS:
                model = latency_model(source, dtype)
                result[source, dtype] = float(model.predict(estimate.alpha, estimate.resolution))
    return result


MIN_LATENCY_POINTS = 8
"""A source needs this many measured points of a precision before its latency is modelled."""


@dataclass(frozen=True)
class DesignEstimate:
    """The URL's design point: its exact costs and the estimated top-1 per precision."""

    alpha: float
    resolution: int
    macs: int
    params: int
    estimates: dict[str, float]
    extrapolated: bool

    @property
    def label(self) -> str:
        return f"MobileNet-{self.alpha:g}-{self.resolution}"


def design_estimate(search: str | None, dtypes: object) -> DesignEstimate:
    """The design point of an Explorer-style query string with its estimated top-1 (paper convention)."""
    state, _ = parse_query(search)
    point, convention = design_point_of(
        {**state, "rounding": "slim" if state["rounding"] == "smooth" else state["rounding"]}
    )
    alpha, resolution = float(point.alpha), int(point.resolution)
    totals = totals_at(point.alpha, point.resolution, convention, ("macs", "params"))
    estimates, extrapolated = {}, False
    for dtype in [d for d in DTYPES if isinstance(dtypes, list) and d in dtypes] or ["float"]:
        prediction = accuracy_model(dtype).predicted(alpha, resolution)
        estimates[dtype] = float(prediction["top1_pct_estimate"][0])
        extrapolated |= bool(prediction["extrapolated"][0])
    return DesignEstimate(
        alpha, resolution, int(totals["macs"]), int(totals["params"]), estimates, extrapolated
    )


BARE_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
"""A number without a unit (on the MACs and params axes it counts millions)."""


def parse_budget(text: object, x: str) -> tuple[float | None, str]:
    """A typed budget in base units, or None and a message. On the MACs and params axes ``300M``, ``0.3G``,
    ``500k`` as on the command line (a bare number counts millions); on the latency axis ``20``, ``20ms`` or
    ``0.02s``; on the RAM and flash axes see :func:`_byte_budget`.

    >>> parse_budget("300", "macs"), parse_budget("2M", "params"), parse_budget("0.02 s", "latency_ms")
    ((300000000.0, ''), (2000000.0, ''), (20.0, ''))
    >>> parse_budget("-1", "macs")[1]
    "budget: '-1' is not allowed; type a positive amount such as 300M, 0.3G or 500k (a bare number counts millions)"
    >>> parse_budget("1e10000000", "macs")[1]
    "budget: '1e10000000' is too large; allowed: numbers below 1e31 in magnitude; type a positive amount such as 300M, 0.3G or 500k (a bare number counts millions)"
    >>> parse_budget("3 parsecs", "latency_ms")[1]
    "budget: '3 parsecs' has an unknown unit 'parsecs'; allowed: ms or s, such as 20 or 20ms"
    >>> parse_budget("", "macs")
    (None, '')
    """
    if text is None or (isinstance(text, str) and not text.strip()):
        return None, ""
    if x in BYTE_AXES:
        return _byte_budget(str(text), x)
    key = str(text).strip()
    try:
        if x == "latency_ms":
            return check_budget("budget", float(parse_quantity("budget", key, "ms"))), ""
        if not BARE_NUMBER.fullmatch(key):  # an amount with a suffix, as the CLI takes it
            return check_budget("budget", float(parse_quantity("budget", key, "count"))), ""
    except ValueError as error:
        return None, str(error)
    how = "type a positive amount such as 300M, 0.3G or 500k (a bare number counts millions)"
    try:
        number = parse_decimal("budget", key)
    except ValueError as error:  # too long or too large to read: the parser says which
        return None, f"{error}; {how}"
    try:
        return check_budget("budget", float(number) * BUDGET_UNITS[x]), ""
    except ValueError:
        return None, f"budget: {shorten(str(text))} is not allowed; {how}"


def amount_text(value: float, x: str) -> str:
    """A cost or budget on axis ``x`` as people write it.

    >>> amount_text(2e6, "macs"), amount_text(290675200, "params"), amount_text(12.25, "latency_ms")
    ('2 M MACs', '290.7 M parameters', '12.2 ms')
    >>> amount_text(327680, "flash_bytes")
    '320 KiB of flash'
    """
    if x == "latency_ms":
        return f"{value:,.1f} ms"
    if x in BYTE_AXES:
        return f"{value / 1024:,.4g} KiB of {'RAM' if x == 'peak_activation_bytes' else 'flash'}"
    return f"{value / 1e6:,.4g} M {'MACs' if x == 'macs' else 'parameters'}"


def preset_devices() -> list[str]:
    """The device keys the budget box suggests: the built-in ones with a flash limit (the microcontrollers), then
    the user's stored devices (read when the page is loaded).

    >>> preset_devices()[:3]
    ['stm32f746', 'stm32h743', 'nrf52840']
    """
    from costmodel.dashboard.explorer import stored_devices

    from costmodel.reference.devices import builtin_devices

    limited = [key for key, device in builtin_devices().items() if device.flash_bytes is not None]
    return [*limited, *sorted(set(stored_devices()) - set(limited))]


def _byte_budget(text: str, x: str) -> tuple[float | None, str]:
    """A memory budget: KiB (a bare number), an amount with a unit (320KiB, 1MB), or a device key whose RAM or
    flash is the limit (the device preset).

    >>> _byte_budget("320", "peak_activation_bytes"), _byte_budget("stm32f746", "flash_bytes")
    ((327680.0, ''), (1048576.0, ''))
    >>> _byte_budget("320 kilo", "peak_activation_bytes")[1]
    "budget: '320 kilo' has an unknown unit 'kilo'; allowed: B, KB, MB, GB, KiB, MiB or GiB, such as 320KiB, 1MiB, 256KB or 1MB; or type a device key such as stm32f746"
    """
    from costmodel.dashboard.explorer import find_device

    key = text.strip()
    device = find_device(key) if key else None
    if device is not None:
        limit = getattr(device, BYTE_AXES[x][1])
        if limit is None:
            return None, f"budget: device {key!r} has no flash limit"
        return float(limit), ""
    try:
        if key.replace(".", "", 1).isdigit():
            return check_budget("budget", float(parse_decimal("budget", key)) * 1024), ""
        return check_budget("budget", float(parse_quantity("budget", key, "bytes"))), ""
    except ValueError as error:
        return None, f"{error}; or type a device key such as stm32f746"


def best_under_budget(points: pd.DataFrame, x: str, budget: float) -> tuple[pd.Series | None, str]:
    """The most accurate shown point within the budget, or None and why not."""
    if points.empty:
        return None, "no points are shown; choose a source and a precision"
    if x in BYTE_AXES:  # bytes at each point's own precision, already on the points
        fits = points[points[x].astype(float) <= budget]
        if fits.empty:
            smallest = points.loc[points[x].astype(float).idxmin()]
            return (
                None,
                f"the smallest shown configuration, {smallest['model']}, needs {int(smallest[x]):,} bytes",
            )
        return fits.sort_values(["top1_pct", x], ascending=[False, True]).iloc[0], ""
    if x in ("macs", "params"):  # the points carry their exact costs already (frontier_points): no recount
        cost = points[x].to_numpy(dtype=float, na_value=np.nan)
        top1 = points["top1_pct"].to_numpy(dtype=float, na_value=np.nan)
        fits = np.flatnonzero(~np.isnan(top1) & (cost <= budget))  # NaN costs compare False
        if fits.size:  # the most accurate; of equals, the cheaper (as best_reference orders them)
            return points.iloc[fits[np.lexsort((cost[fits], -top1[fits]))[0]]], ""
    keyword = {"macs": "macs", "params": "params", "latency_ms": "latency"}[x]
    try:  # the latency axis, and the reason when nothing fits
        best = best_reference(points, **{keyword: budget}, latency_column="latency_ms")
    except ValueError as error:
        return None, str(error)
    return best, ""


def best_estimated_design(dtype: str, x: str, budget: float) -> tuple[pd.Series | None, str]:
    """The (α, resolution) with the best *estimated* top-1 within a MACs or params budget: the first row of
    :func:`_ranked_estimates` within ``budget`` (what ``best_estimate`` answers, found without searching the
    grid again); ``best_estimate`` itself says why when none fits."""
    if x == "latency_ms":
        return None, "the best estimated design is searched under MACs, params, RAM or flash budgets only"
    if 0 < budget <= BUDGET_MAX:
        ranked, cheapest = _ranked_estimates(dtype, x)
        first = int(np.searchsorted(-cheapest, -budget))  # cheapest[first] is the first one within budget
        if first < len(ranked):
            return ranked.iloc[first], ""
    try:
        return best_estimate(accuracy_model(dtype), **_estimate_options(dtype, x, budget)), ""
    except ValueError as error:
        return None, str(error)


def _estimate_options(dtype: str, x: str, budget: float) -> dict:
    """``best_estimate``'s budget and options for the best design of precision ``dtype`` within ``budget`` on
    axis ``x`` (bytes at that precision's dtype on the RAM and flash axes)."""
    if x in BYTE_AXES:
        return {BYTE_AXES[x][0]: budget, "alpha_step": 0.01, "dtype": BYTE_DTYPES[dtype]}
    return {x: budget, "alpha_step": 0.01}


@lru_cache(maxsize=16)
def _ranked_estimates(dtype: str, x: str) -> tuple[pd.DataFrame, np.ndarray]:
    """Every design of the search grid in ``best_estimate``'s order (best estimate first; ties: the cheaper on
    ``x``), and the cheapest cost on ``x`` among each row and those before it (never rising): the first row
    within a budget is the best within it. Built once per precision and axis (the accuracy trend is fitted to
    the published tables, which never change while serving)."""
    ranked = fitting_estimates(accuracy_model(dtype), **_estimate_options(dtype, x, BUDGET_MAX))
    return ranked, np.minimum.accumulate(ranked[x].to_numpy(dtype=float))


def best_texts(points: pd.DataFrame, x: str, budget: float, dtype: str) -> tuple[dict | None, str]:
    """The ring's marker (``label``, ``x``, ``top1``; None if nothing fits) and the sentences under the
    chart: the best published configuration within ``budget`` and the best estimated design."""
    within = f"within {amount_text(budget, x)}"
    best = None
    if points.empty:
        text = "No points are shown: tick a source and a precision."
        if x == "latency_ms":
            text = (
                "No points are shown: tick a source with published latencies ("
                + ", ".join(latency_sources())
                + ")."
            )
    else:
        row, _ = best_under_budget(points, x, budget)
        if row is None:
            smallest = points.loc[points[x].astype(float).idxmin()]
            text = (
                f"Nothing shown fits {within}: the smallest shown configuration, {smallest['model']} "
                f"({smallest['source']}, {smallest['dtype']}), needs {amount_text(float(smallest[x]), x)}."
            )
        else:
            best = {"label": str(row["model"]), "x": float(row[x]), "top1": float(row["top1_pct"])}
            text = (
                f"Best published configuration {within}: {row['model']} ({row['source']}, {row['dtype']}), "
                f"α = {row['alpha']:g}, {int(row['resolution'])} px: top-1 {row['top1_pct']:.1f} % at "
                f"{amount_text(float(row[x]), x)}."
            )
    if x == "latency_ms":
        return (
            best,
            text + " (The best estimated design is searched under MACs, parameter, RAM or flash budgets.)",
        )
    estimated, _ = best_estimated_design(dtype, x, budget)
    if estimated is None:
        return best, text + f" No design in the accuracy trend's fitted range fits {within} either."
    return best, text + (
        f" Best estimated design ({dtype}): α = {estimated['alpha']:g}, {int(estimated['resolution'])} px, "
        f"{amount_text(float(estimated[x]), x)}, top-1 ≈ {estimated['top1_pct_estimate']:.1f} %."
    )


def parcoords_columns(points: pd.DataFrame) -> list[str]:
    """The parallel-coordinates axes for ``points``: every :data:`~costmodel.dashboard.frontier_brush.DIMENSIONS`
    column, latency (the last) only when every point has one. So the i-th axis is always the i-th dimension,
    the index plotly's brushing names.

    >>> parcoords_columns(selected(["paper"], ["float"], "macs"))[-1]
    'flash_bytes'
    >>> parcoords_columns(selected(["TF Lite hosted, Pixel 2"], ["float"], "macs"))[-1]
    'latency_ms'
    """
    columns = list(frontier_brush.DIMENSIONS)
    return columns if points["latency_ms"].notna().all() and len(points) else columns[:-1]


PARCOORDS_HINT = (
    "Drag along an axis to keep only the points inside the range (drag again beside it to add a range, "
    "click a range to remove it); the chart above, its Pareto fronts and the best under the budget follow."
)
NO_LATENCY_AXIS = (
    " No latency axis: not every shown point has a latency (choose a stored dataset's predicted latency, or only "
    "sources that publish latencies)."
)


def with_dataset_latency(points: pd.DataFrame, x: str, latency_source: object) -> pd.DataFrame:
    """``points`` with the chosen dataset's latency on every cost axis, not only the latency axis (where
    :func:`selected` has put it already), for the parallel-coordinates view; unchanged for the published
    latencies or a dataset that cannot be read."""
    dataset = latency_dataset(latency_source)
    if dataset is None or x == "latency_ms" or points.empty:
        return points
    mode, name = dataset
    try:
        return with_latency(points, name, mode=mode, db=default_db()).assign(device=f"{mode} on {name}")
    except ValueError:  # the latency axis' own message names the problem when it is chosen
        return points


@dataclass(frozen=True)
class FrontierView:
    """What the Frontier page shows: the figure (``spec``, a plain Plotly dict, is what the page sends), the
    points behind it (inside the selection), the texts beside it, and the parallel-coordinates view of every
    shown point with the selection's line."""

    spec: dict
    points: pd.DataFrame
    point_text: str
    best_text: str
    budget_error: str
    parcoords: object
    selection_text: str
    parcoords_note: str

    @property
    def figure(self):
        """The figure as a Plotly ``go.Figure`` (the PNG and SVG downloads)."""
        import plotly.graph_objects as go

        return go.Figure(self.spec)


def frontier_view(search, x, log_x, chosen_sources, dtypes, budget_text, latency_source=None) -> FrontierView:
    """The Frontier page's one callback as a plain function; bad control values fall back or explain. The
    selection (``brush_*`` in ``search``) filters the points the chart draws."""
    from costmodel.present.figures import parcoords_figure_spec, sources_frontier_figure_spec

    x = check_x(x)
    dataset = latency_dataset(latency_source) if x == "latency_ms" else None
    dataset_problem = ""
    try:
        points = selected(chosen_sources, dtypes, x, latency_source)
    except ValueError as error:  # e.g. the dataset was deleted, or has too few points for a model
        dataset, dataset_problem = (
            None,
            f" Latency dataset: {error}; showing the published latencies instead.",
        )
        points = selected(chosen_sources, dtypes, x)
    every_point = with_dataset_latency(points, x, latency_source)
    ranges, _ = frontier_brush.ranges_from_query(search)
    kept = frontier_brush.inside(every_point, ranges)
    points = every_point[kept].reset_index(drop=True)
    columns = parcoords_columns(every_point)
    parcoords = parcoords_figure_spec(every_point, {c: frontier_brush.DIMENSIONS[c] for c in columns}, ranges)
    parcoords_note = PARCOORDS_HINT + ("" if "latency_ms" in columns else NO_LATENCY_AXIS)
    estimate = design_estimate(search, dtypes)
    budget, budget_error = parse_budget(budget_text, x)
    design = None
    dtype = next(iter(estimate.estimates))
    if x in ("macs", "params"):
        design = {"label": estimate.label, "x": getattr(estimate, x), "top1": estimate.estimates[dtype]}
    elif x in BYTE_AXES:
        from costmodel.core.evaluate import evaluate

        value = int(
            evaluate(estimate.alpha, estimate.resolution, metrics=[x], dtype=BYTE_DTYPES[dtype])[x].iloc[0]
        )
        design = {"label": estimate.label, "x": value, "top1": estimate.estimates[dtype]}
    point_text = (
        f"Design point {estimate.label}: {estimate.macs:,} MACs, {estimate.params:,} params; estimated top-1 "
        + ", ".join(f"{v:.1f} % ({d})" for d, v in estimate.estimates.items())
        + (" (outside the fitted range: extrapolated)" if estimate.extrapolated else "")
        + ". Estimates come from a trend fitted to the TF-slim grid, not from a trained network."
    )
    if dataset is not None:
        mode, name = dataset
        band = with_latency(pd.DataFrame({"alpha": [estimate.alpha], "resolution": [estimate.resolution]}),
                            name, mode="predicted", db=default_db()).iloc[0]  # fmt: skip
        latency = float(band.latency_ms)
        design = {"label": estimate.label, "x": latency, "top1": estimate.estimates[dtype]}
        point_text += (
            f" Latency on dataset {name}: {'measured where it has the configuration' if mode == 'measured' else 'predicted by its latency model, with its 90 % interval as error bars'}"
            f"; the design point's {latency:.1f} ms (90 % interval {interval_text(band.latency_low_ms, band.latency_high_ms)})"
            " is predicted by the dataset's latency model."
        )
    elif x == "latency_ms":
        latencies = modelled_latencies(estimate, chosen_sources, list(estimate.estimates))
        if latencies:
            (source, precision), latency = next(iter(latencies.items()))
            design = {"label": estimate.label, "x": latency, "top1": estimate.estimates[precision]}
            point_text += (
                " Modelled latency (fitted to each source's measurements, see the Latency page): "
                + ", ".join(
                    f"{v:.1f} ms on {s.removeprefix('TF Lite hosted, ')} ({d})"
                    for (s, d), v in latencies.items()
                )
                + f"; the star uses {source.removeprefix('TF Lite hosted, ')} ({precision})."
            )
        else:
            point_text += " Choose a source with measured latency to place the design point on this axis."
    if x == "latency_ms" and dataset is None:
        point_text += (
            " Published latencies come with these sources only: " + ", ".join(latency_sources()) + "."
        )
    best, best_text = None, "Type a budget to see the best configuration under it."
    if budget is not None:
        best, best_text = best_texts(points, x, budget, dtype)
        if points.empty and not every_point.empty:
            best_text = "No shown point lies inside the selection: widen or clear it."
    point_text += dataset_problem
    if latency_dataset(latency_source) is None:  # published points only: nothing that changes while serving
        fronts = _published_front(_strings(chosen_sources), _strings(dtypes), x, kept.tobytes())
    else:
        fronts = front(points, x)
    figure = sources_frontier_figure_spec(
        points,
        fronts,
        x,
        log_x=isinstance(log_x, list) and "log" in log_x,
        design=design,
        budget=budget,
        best=best,
        sources=sources(),
    )
    selection = frontier_brush.selection_text(len(points), len(every_point), ranges)
    return FrontierView(
        figure, points, point_text, best_text, budget_error, parcoords, selection, parcoords_note
    )
