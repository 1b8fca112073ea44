"""The published reference tables (paper, TF-slim, TF Lite, timm, keras.io, OpenVINO) as typed DataFrames.

Every row keeps the ``source`` it was copied from. The CSV files live in the top-level ``tables/`` folder
(installed as the package ``costmodel.tables``); ``tables/README.md`` describes every column.

Tables (``load_table(name)``):

- ``paper_tables``: every table of arXiv:1704.04861v1 (Tables 1-14) in long format, one printed cell per
  row (``table_no, table_title, row_index, row_label, column, value, note, source``), plus ``number``:
  the cell as a float where it is one (``"70.6%"`` → 70.6), NaN otherwise.
- ``paper_models``: the rows of paper Tables 4-14 that name a model, one row per model with
  ``alpha``/``resolution`` parsed from labels like ``"0.75 MobileNet-192"`` (NaN for other networks),
  ``variant`` (``standard``, ``full_conv``, ``shallow``, or empty for other networks), ``task``,
  ``accuracy_metric``, ``accuracy_pct``, ``top1_pct`` (ImageNet tables only), ``macs_millions``,
  ``params_millions``. Derived from ``paper_tables``, not a separate file.
- ``slim_checkpoints``: the TF-slim ``mobilenet_v1.md`` checkpoint tables: ``release`` (2017_06_14,
  2018_02_22, 2018_08_02), ``model``, ``alpha``, ``resolution``, ``dtype`` (float / quant),
  ``macs_millions``, ``params_millions``, ``top1_pct``, ``top5_pct``, ``source``.
- ``tflite_hosted_latency``: TF Lite hosted-model tables and benchmark pages: ``table_version``, ``model``,
  ``alpha``, ``resolution``, ``dtype``, ``model_size_mb``, ``top1_pct``, ``top5_pct``, latencies in ms
  (``tflite_cpu_ms``, ``gpu_delegate_ms``, ``nnapi_ms``, ``tensorflow_ms``, ``latency_stddev_ms``),
  ``device``, ``cpu_threads`` (as printed), ``source``.
- ``other_references``: timm, keras.io and OpenVINO Open Model Zoo rows: ``source_name``, ``model``,
  ``alpha``, ``resolution``, ``dtype``, ``top1_pct``, ``top5_pct``, ``params_millions``, ``reported_cost``
  and ``reported_cost_unit``, ``latency_ms``, ``latency_setting``, ``note``, ``source``.
- ``devices``: microcontrollers, phone, desktop and datacenter processors from vendor data (see
  :mod:`costmodel.reference.devices`): ``device`` (the key), ``name``, ``kind``, ``ram_bytes``,
  ``flash_bytes`` (blank: no flash limit), ``clock_mhz``, ``peak_macs_per_s_float32`` / ``_float16`` /
  ``_int8`` and ``bandwidth_bytes_per_s`` (blank where the vendor publishes none), ``note``, ``source``.
- ``errata``: the cells of these tables that disagree with the architecture, with the printed value, what
  the architecture gives and why (see ``tables/README.md``).

>>> slim = load_table("slim_checkpoints")
>>> slim.loc[slim.model == "MobileNet_v1_1.0_224", ["release", "dtype", "macs_millions", "top1_pct"]].head(2)
      release  dtype  macs_millions  top1_pct
0  2017_06_14  float            569      70.7
16 2018_02_22  float            569      70.9
>>> load_table("paper_models").query("table_no == 7")[["resolution", "macs_millions"]].astype(int).values.tolist()
[[224, 569], [192, 418], [160, 290], [128, 186]]
>>> load_table("slim")
Traceback (most recent call last):
ValueError: table 'slim' is unknown; the tables are devices, errata, other_references, paper_models, paper_tables, slim_checkpoints, tflite_hosted_latency
"""

from __future__ import annotations

import io
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

FILES: dict[str, str] = {
    "devices": "devices.csv",
    "errata": "errata.csv",
    "other_references": "other_references.csv",
    "paper_tables": "paper_tables.csv",
    "slim_checkpoints": "slim_checkpoints.csv",
    "tflite_hosted_latency": "tflite_hosted_latency.csv",
}
"""Table name → CSV file in ``tables/``."""

DERIVED: tuple[str, ...] = ("paper_models",)

TEXT = "string"
FLOAT = "float64"
INT = "Int64"

DTYPES: dict[str, dict[str, str]] = {
    "devices": {
        "device": TEXT,
        "name": TEXT,
        "kind": TEXT,
        "ram_bytes": INT,
        "flash_bytes": INT,
        "clock_mhz": FLOAT,
        "peak_macs_per_s_float32": FLOAT,
        "peak_macs_per_s_float16": FLOAT,
        "peak_macs_per_s_int8": FLOAT,
        "bandwidth_bytes_per_s": FLOAT,
        "note": TEXT,
        "source": TEXT,
    },
    "errata": {
        "table": TEXT,
        "row_key": TEXT,
        "column": TEXT,
        "printed": TEXT,
        "architecture": TEXT,
        "kind": TEXT,
        "reason": TEXT,
        "reported_by": TEXT,
        "source": TEXT,
    },
    "other_references": {
        "source_name": TEXT,
        "model": TEXT,
        "alpha": FLOAT,
        "resolution": INT,
        "dtype": TEXT,
        "top1_pct": FLOAT,
        "top5_pct": FLOAT,
        "params_millions": FLOAT,
        "reported_cost": FLOAT,
        "reported_cost_unit": TEXT,
        "latency_ms": FLOAT,
        "latency_setting": TEXT,
        "note": TEXT,
        "source": TEXT,
    },
    "paper_tables": {
        "table_no": INT,
        "table_title": TEXT,
        "row_index": INT,
        "row_label": TEXT,
        "column": TEXT,
        "value": TEXT,
        "note": TEXT,
        "source": TEXT,
    },
    "slim_checkpoints": {
        "release": TEXT,
        "model": TEXT,
        "alpha": FLOAT,
        "resolution": INT,
        "dtype": TEXT,
        "macs_millions": INT,
        "params_millions": FLOAT,
        "top1_pct": FLOAT,
        "top5_pct": FLOAT,
        "source": TEXT,
    },
    "tflite_hosted_latency": {
        "table_version": TEXT,
        "model": TEXT,
        "alpha": FLOAT,
        "resolution": INT,
        "dtype": TEXT,
        "model_size_mb": FLOAT,
        "top1_pct": FLOAT,
        "top5_pct": FLOAT,
        "tflite_cpu_ms": FLOAT,
        "gpu_delegate_ms": FLOAT,
        "nnapi_ms": FLOAT,
        "tensorflow_ms": FLOAT,
        "latency_stddev_ms": FLOAT,
        "device": TEXT,
        "cpu_threads": TEXT,
        "source": TEXT,
    },
}
"""The column types of every file; a file whose header differs is reported, not silently coerced."""


def table_names() -> tuple[str, ...]:
    """The names :func:`load_table` accepts, sorted.

    >>> table_names()
    ('devices', 'errata', 'other_references', 'paper_models', 'paper_tables', 'slim_checkpoints', 'tflite_hosted_latency')
    """
    return tuple(sorted((*FILES, *DERIVED)))


def table_text(name: str) -> str:
    """The CSV text of one stored table file (not of a derived table)."""
    if name not in FILES:
        raise ValueError(f"table {name!r} has no file; the stored tables are {', '.join(sorted(FILES))}")
    filename = FILES[name]
    try:
        return resources.files("costmodel.tables").joinpath(filename).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return (Path(__file__).parents[2] / "tables" / filename).read_text(encoding="utf-8")


def _read(name: str) -> pd.DataFrame:
    """The typed table of a stored file, a fresh copy (parsed once per file text)."""
    return _typed(name, table_text(name)).copy()


@lru_cache(maxsize=len(FILES))
def _typed(name: str, text: str) -> pd.DataFrame:
    dtypes = DTYPES[name]
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    if list(frame.columns) != list(dtypes):
        raise ValueError(f"tables/{FILES[name]} has columns {list(frame.columns)}; expected {list(dtypes)}")
    typed = {}
    for column, dtype in dtypes.items():
        cells = frame[column].str.strip()
        if dtype == TEXT:
            typed[column] = cells.astype(TEXT)
        else:
            numbers = pd.to_numeric(cells.replace("", np.nan), errors="raise")
            typed[column] = numbers.astype(dtype)
    return pd.DataFrame(typed)


def load_table(name: str) -> pd.DataFrame:
    """One reference table as a DataFrame with typed columns (a fresh copy each call).

    Numbers are float64 (nullable ``Int64`` for whole-number columns such as ``resolution``), text is
    pandas ``string``; a blank cell is ``<NA>``/NaN. Unknown names raise ``ValueError`` listing the names.
    """
    if not isinstance(name, str) or name not in table_names():
        raise ValueError(f"table {name!r} is unknown; the tables are {', '.join(table_names())}")
    if name == "paper_models":
        return paper_models(_paper_tables())
    if name == "paper_tables":
        return _paper_tables()
    return _read(name)


def _paper_tables() -> pd.DataFrame:
    frame = _read("paper_tables")
    number = frame["value"].str.rstrip("%")
    frame["number"] = pd.to_numeric(number.where(number.str.fullmatch(r"-?\d+(\.\d+)?"), None)).astype(FLOAT)
    return frame


_LABEL = re.compile(r"^(?:(?P<alpha>\d(?:\.\d+)?) )?MobileNet(?:-(?P<resolution>\d+))?$")
_VARIANTS = {"Conv MobileNet": ("full_conv", 1.0, 224), "Shallow MobileNet": ("shallow", 1.0, 224)}
_TASKS = {
    4: "imagenet",
    5: "imagenet",
    6: "imagenet",
    7: "imagenet",
    8: "imagenet",
    9: "imagenet",
    10: "stanford_dogs",
    12: "face_attributes",
    13: "coco_detection",
    14: "face_distillation",
}


def _parse_label(label: str) -> tuple[str, float, float]:
    if label in _VARIANTS:
        return _VARIANTS[label]
    match = _LABEL.match(label)
    if not match:
        return "", np.nan, np.nan
    alpha = float(match["alpha"]) if match["alpha"] else 1.0
    resolution = float(match["resolution"]) if match["resolution"] else 224.0
    return "standard", alpha, resolution


PAPER_MODEL_COLUMNS = {
    "million_mult_adds": "macs_millions",
    "billion_mult_adds": "macs_millions",
    "million_params": "params_millions",
}
"""Cost columns of ``paper_tables`` → the ``paper_models`` column that holds the same printed figure."""


def paper_models(cells: pd.DataFrame) -> pd.DataFrame:
    """One row per model of paper Tables 4-14 (from the long ``paper_tables``); see the module docstring."""
    rows = []
    for (table_no, row_index), group in cells[cells["table_no"].isin(list(_TASKS))].groupby(
        ["table_no", "row_index"], sort=True
    ):
        values = dict(zip(group["column"], group["number"], strict=True))
        label = group["row_label"].iloc[0]
        variant, alpha, resolution = _parse_label(label)
        accuracy_metric = next(c for c in group["column"] if not c.startswith(("million_", "billion_")))
        accuracy = values[accuracy_metric]
        macs = values.get("million_mult_adds", values.get("billion_mult_adds", np.nan) * 1000)
        rows.append(
            {
                "table_no": table_no,
                "table_title": group["table_title"].iloc[0],
                "row_index": row_index,
                "row_label": label,
                "variant": variant,
                "alpha": alpha,
                "resolution": resolution,
                "task": _TASKS[table_no],
                "accuracy_metric": accuracy_metric,
                "accuracy_pct": accuracy,
                "top1_pct": accuracy if _TASKS[table_no] == "imagenet" else np.nan,
                "macs_millions": macs,
                "params_millions": values["million_params"],
                "note": group["note"].iloc[0],
                "source": group["source"].iloc[0],
            }
        )
    frame = pd.DataFrame(rows)
    for column in ("table_title", "row_label", "variant", "task", "accuracy_metric", "note", "source"):
        frame[column] = frame[column].astype(TEXT)
    frame["table_no"] = frame["table_no"].astype(INT)
    frame["row_index"] = frame["row_index"].astype(INT)
    frame["resolution"] = frame["resolution"].astype(INT)
    return frame
