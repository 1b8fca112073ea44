"""The Design space page's logic: one metric over the α × resolution plane, iso-budget lines, the checkpoints.

Everything comes from :func:`costmodel.evaluate` (precompiled NumPy, never SymPy per request) on one cached
grid, the published float accuracy trend and the Pixel 2 CPU latency model.

>>> grid = design_grid()
>>> grid.shape[0] == len(ALPHAS) * len(RESOLUTIONS)
True
>>> view = design_space_view("macs", "300M")
>>> view.budgets, view.error
({'macs': 300000000}, '')
>>> design_space_view("macs", "lots").error
"MACs: 'lots' must be a positive amount such as 300M, 0.3G, 1.5k or 300000000"
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from costmodel.core.evaluate import evaluate
from costmodel.core.numbers import parse_quantity
from costmodel.output.frame_format import plain_records
from costmodel.reference.budget import BUDGET_MAX

ALPHAS = np.round(np.arange(0.25, 1.0001, 0.025), 3)
RESOLUTIONS = np.arange(96, 257, 4)
METRICS = {
    "macs": "MACs (mult-adds)",
    "params": "parameters",
    "top1_pct_estimate": "estimated top-1 (%)",
    "latency_ms": "predicted latency (ms)",
    "peak_activation_bytes": "peak RAM (activation bytes)",
    "flash_bytes": "flash (weight bytes)",
}
BUDGET_METRICS = {
    "macs": "count",
    "params": "count",
    "latency_ms": "ms",
    "peak_activation_bytes": "bytes",
    "flash_bytes": "bytes",
}
"""Metrics an iso-budget line can be drawn for, and how its budget text is read."""
BUDGET_KEYWORDS = {
    "macs": "macs",
    "params": "params",
    "latency_ms": "latency",
    "peak_activation_bytes": "ram",
    "flash_bytes": "flash",
}
"""Each budget metric as :func:`costmodel.latency.budgets.estimates_within` (and ``best``) names it."""
CLI_OPTIONS = {"macs": "--macs", "params": "--params", "latency_ms": "--latency", "peak_activation_bytes": "--ram",
               "flash_bytes": "--flash"}  # fmt: skip
DEFAULT_DATASET = "tflite-pixel2-cpu-float"
BYTE_COLUMNS = ("peak_activation_bytes", "flash_bytes")
DTYPES = ("float32", "float16", "int8")
TABLE_COLUMNS = {
    "alpha": "α",
    "resolution": "resolution",
    "macs": "MACs",
    "params": "params",
    "peak_activation_bytes": "peak RAM (B)",
    "flash_bytes": "flash (B)",
    "top1_pct_estimate": "top-1 est. (%)",
    "top1_pct_low": "from",
    "top1_pct_high": "to",
    "latency_ms": "latency (ms)",
}
"""The columns of the table of configurations within every budget, in order (those the answer has)."""
CHECKPOINT_ALPHAS = (0.25, 0.5, 0.75, 1.0)
CHECKPOINT_RESOLUTIONS = (128, 160, 192, 224)


def design_grid(dtype: str = "float32", dataset: str = DEFAULT_DATASET) -> pd.DataFrame:
    """Every metric of :data:`METRICS` on the :data:`ALPHAS` × :data:`RESOLUTIONS` grid, bytes at ``dtype``,
    latency predicted by ``dataset``'s model (NaN when it has none). Shared: callers only read it."""
    return _grid_with_latency(dtype, latency_model_of(dataset))


def latency_model_of(dataset: str):
    """The latency model fitted to ``dataset`` (a stored one's rows read again, as another worker may have
    changed them), or None when it has none."""
    from costmodel.dashboard.frontier import default_db

    from costmodel.latency.axis import dataset_model

    try:
        return dataset_model(dataset, default_db())
    except ValueError:
        return None


@lru_cache(maxsize=8)
def _cost_grid(dtype: str) -> pd.DataFrame:
    """The grid's exact costs (bytes at ``dtype``) and the published trend's top-1 estimate."""
    from costmodel.latency.budgets import trend_for
    from costmodel.reference.accuracy_model import published_trend

    grid = evaluate(
        ALPHAS,
        RESOLUTIONS,
        metrics=["macs", "params", "peak_activation_bytes", "flash_bytes"],
        grid=True,
        dtype=dtype,
    )
    grid["top1_pct_estimate"] = (
        published_trend(trend_for(dtype))
        .predict(grid["alpha"], grid["resolution"])["top1_pct_estimate"]
        .to_numpy()
    )
    return grid


@lru_cache(maxsize=16)
def _grid_with_latency(dtype: str, model) -> pd.DataFrame:
    """:func:`_cost_grid` with ``model``'s predicted latency (once per value type and fitted model)."""
    from costmodel.latency.axis import predicted_band

    grid = _cost_grid(dtype).copy()
    grid["latency_ms"] = (
        np.nan
        if model is None
        else predicted_band(model, grid["alpha"].to_numpy(), grid["resolution"].to_numpy())[0]
    )
    return grid


@lru_cache(maxsize=1)
def checkpoints() -> pd.DataFrame:
    """The 16 published TF-slim checkpoints (α × resolution) with their exact MACs."""
    frame = evaluate(
        np.array(CHECKPOINT_ALPHAS), np.array(CHECKPOINT_RESOLUTIONS), metrics=["macs"], grid=True
    )
    frame["label"] = [f"MobileNet_v1_{a:g}_{r}" for a, r in zip(frame.alpha, frame.resolution, strict=True)]
    return frame


@dataclass(frozen=True)
class DesignSpaceView:
    metric: str
    grid: pd.DataFrame
    budgets: dict[str, float]
    error: str
    dtype: str = "float32"
    dataset: str = DEFAULT_DATASET
    latency_model: object = None
    """The model fitted to ``dataset`` (a :class:`~costmodel.latency.model.LatencyModel`), None if it has none."""


def parse_budgets(texts: dict[str, str | None]) -> tuple[dict[str, float], list[str]]:
    """Budget texts per metric (``{"macs": "300M", "latency_ms": "20"}``) as numbers; problems named by field."""
    budgets, problems = {}, []
    for metric, text in texts.items():
        if text is None or not str(text).strip():
            continue
        try:
            budgets[metric] = parse_quantity(
                METRICS[metric].split(" (")[0], str(text), BUDGET_METRICS[metric]
            )
        except ValueError as error:
            problems.append(str(error))
    return budgets, problems


def design_space_view(metric: str, macs_budget: str | None = None, params_budget: str | None = None,
                      latency_budget: str | None = None, ram_budget: str | None = None,
                      flash_budget: str | None = None, dtype: str = "float32",
                      dataset: str | None = DEFAULT_DATASET) -> DesignSpaceView:  # fmt: skip
    """The chosen metric (``macs`` for anything unknown) and the iso-budget lines asked for; RAM and flash
    in bytes at ``dtype`` (an unknown one is named and float32 used), latency on ``dataset``."""
    metric = metric if metric in METRICS else "macs"
    budgets, problems = parse_budgets(
        {"macs": macs_budget, "params": params_budget, "latency_ms": latency_budget,
         "peak_activation_bytes": ram_budget, "flash_bytes": flash_budget}
    )  # fmt: skip
    if dtype not in DTYPES:
        problems.append(f"value type {str(dtype)[:20]!r} is not allowed; choose one of {', '.join(DTYPES)}")
        dtype = "float32"
    dataset = dataset or DEFAULT_DATASET
    model = latency_model_of(dataset)
    grid = _grid_with_latency(dtype, model)
    return DesignSpaceView(metric, grid, budgets, "; ".join(problems), dtype, dataset, model)


def figure_of(view: DesignSpaceView) -> dict:
    """The page's figure as a plain dict, cached per metric, budget lines, value type and latency model."""
    return _figure(view.metric, tuple(sorted(view.budgets.items())), view.dtype, view.latency_model)


@lru_cache(maxsize=64)
def _figure(metric: str, budgets: tuple[tuple[str, float], ...], dtype: str, model) -> dict:
    from costmodel.present.figures import design_space_figure_spec

    grid = _grid_with_latency(dtype, model)
    return design_space_figure_spec(grid, metric, METRICS[metric], dict(budgets), checkpoints())


def fitting_count(view: DesignSpaceView) -> int:
    """How many grid points meet every budget at once."""
    fits = np.ones(len(view.grid), dtype=bool)
    for metric, limit in view.budgets.items():
        fits &= (view.grid[metric] <= float(limit)).to_numpy()
    return int(fits.sum())


def _fits(view: DesignSpaceView) -> pd.DataFrame:
    """``best --all --estimate`` for the view's budgets and latency model: a filter of search grids built once
    (the costs per value type, the latency per fitted model), so not cached itself."""
    from costmodel.dashboard.frontier import default_db

    from costmodel.latency.budgets import estimates_within

    # RAM and flash always (an unlimited budget where none is given): one search grid per value type, which
    # the server warms, and the table shows both
    keywords = {"ram": BUDGET_MAX, "flash": BUDGET_MAX} | {
        BUDGET_KEYWORDS[metric]: limit for metric, limit in view.budgets.items()
    }
    return estimates_within(
        dataset=view.dataset, db=default_db(), latency_model=view.latency_model, dtype=view.dtype, **keywords
    )


def warm() -> None:
    """Build what the page's requests would otherwise wait for: the grid at every value type, and the table's
    search grid with every point's latency (a new budget then only filters them)."""
    model = latency_model_of(DEFAULT_DATASET)
    for dtype in DTYPES:
        _fits(
            DesignSpaceView(
                "macs", design_grid(dtype), {"latency_ms": BUDGET_MAX}, "", dtype, latency_model=model
            )
        )


def fitting_configurations(view: DesignSpaceView) -> tuple[pd.DataFrame, str]:
    """Every configuration within all of the view's budgets at once, the answer of ``best --all --estimate``
    (α in steps of 0.01, every integer resolution of the trend's range), most accurate first; or an empty
    frame and why."""
    if not view.budgets:
        return pd.DataFrame(
            columns=["alpha", "resolution"]
        ), "give a budget to list the configurations within it"
    try:
        found = _fits(view)
    except ValueError as error:
        return pd.DataFrame(columns=["alpha", "resolution"]), str(error)
    return found, ""


def table_columns(found: pd.DataFrame) -> list[dict]:
    """The shown columns (:data:`TABLE_COLUMNS` the answer has), as ``DataTable`` column specs."""
    return [
        {"name": title, "id": key, "type": "numeric"} for key, title in TABLE_COLUMNS.items() if key in found
    ]


def csv_download(view: DesignSpaceView) -> tuple[str, str]:
    """The whole answer as ``best --all --estimate --format csv`` writes it (RAM and flash columns only where
    budgeted, as there), and a file name."""
    from costmodel.output.frame_format import frame_as_csv

    found, _ = fitting_configurations(view)
    unbudgeted = [column for column in BYTE_COLUMNS if column not in view.budgets]
    return frame_as_csv(found.drop(columns=unbudgeted, errors="ignore")), "mobilenet_design_space_fits.csv"


def cli_line(view: DesignSpaceView) -> str:
    """The ``mobilenet-cost best --all --estimate`` line giving the same table."""
    words = ["mobilenet-cost", "best", "--all", "--estimate"]
    for metric, limit in view.budgets.items():
        words += [CLI_OPTIONS[metric], str(int(limit)) if float(limit).is_integer() else f"{limit:g}"]
    if "latency_ms" in view.budgets:
        words += ["--dataset", view.dataset]
    if view.dtype != "float32":
        words += ["--dtype", view.dtype]
    return " ".join(words)


def table_page(frame: pd.DataFrame, sort_by: list[dict] | None, page: int, size: int) -> list[dict]:
    """One page of the table (``DataTable``'s custom sorting and paging: only the shown rows travel), sorted by
    the columns ``sort_by`` names (``[{"column_id": "macs", "direction": "asc"}]``), values rounded for reading."""
    valid = [s for s in sort_by or [] if s.get("column_id") in frame.columns]
    if valid:
        frame = frame.sort_values(
            [s["column_id"] for s in valid],
            ascending=[s.get("direction") != "desc" for s in valid],
            kind="stable",
        )
    shown = plain_records(frame.iloc[page * size : (page + 1) * size][[c for c in TABLE_COLUMNS if c in frame]])
    rounded = [c for c in ("top1_pct_estimate", "top1_pct_low", "top1_pct_high", "latency_ms") if c in frame]
    for row in shown:
        row.update({c: round(float(row[c]), 2) for c in rounded})
    return shown
