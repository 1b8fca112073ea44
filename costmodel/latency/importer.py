"""Reading latency measurements: CSV in the documented schema and TF Lite ``benchmark_model`` logs.

Every row is checked; a problem names the row, the column and the reason, and all problems of a file are
raised together as one :class:`LatencyImportError`. Nothing is stored here: :func:`parse_latency` returns
a DataFrame, and :func:`import_latency` hands it to the store in one transaction.

>>> df = parse_latency("alpha;resolution;latency_us\\n0.5;160;26800\\n", device="Pixel 2")
>>> df[["alpha", "resolution", "latency_ms", "device"]].to_numpy().tolist()
[[0.5, 160, 26.8, 'Pixel 2']]
>>> parse_latency("alpha,resolution,latency_ms\\n0.5,160,-1\\n", device="x")
Traceback (most recent call last):
costmodel.latency.importer.LatencyImportError: 1 problem in the latency data:
  row 2, column latency_ms: -1 is not allowed; latency must be a finite number > 0, from 0.001 to 1e+07 ms
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from costmodel.latency.schema import (
    COLUMNS,
    KEY_COLUMNS,
    REQUIRED_COLUMNS,
    check_row,
    check_value,
    dataset_frame,
)

MAX_BYTES = 5 * 1024 * 1024
"""Largest file accepted, in bytes (5 MiB)."""
MAX_ROWS = 100_000
"""Most data rows accepted in one import."""
MAX_PROBLEMS_SHOWN = 20
"""An error message lists this many problems, then says how many more there are."""


_TIME_COLUMNS = ("latency", "std", "p10", "p90", "min")
_UNITS = {"ms": 1.0, "us": 1e-3, "µs": 1e-3, "μs": 1e-3, "s": 1e3}
_HEADER = re.compile(r"^(?P<name>.*?)(?:[\s_]*[(\[](?P<unit1>[^)\]]*)[)\]]|_(?P<unit2>ms|us|µs|μs|s))?$")


class LatencyImportError(ValueError):
    """Latency data that cannot be imported; ``problems`` lists every reason, each naming row and column."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        shown = self.problems[:MAX_PROBLEMS_SHOWN]
        more = len(self.problems) - len(shown)
        noun = "problem" if len(self.problems) == 1 else "problems"
        lines = [f"{len(self.problems)} {noun} in the latency data:", *(f"  {p}" for p in shown)]
        if more:
            lines.append(f"  ... and {more} more")
        super().__init__("\n".join(lines))

    def one_line(self, limit: int = 5) -> str:
        """The problems on one line (the first ``limit`` of them), for a command line error."""
        shown = "; ".join(self.problems[:limit])
        more = len(self.problems) - limit
        return f"{len(self.problems)} problem(s): {shown}" + (f"; and {more} more" if more > 0 else "")


@dataclass(frozen=True)
class _Column:
    name: str
    scale: float  # multiplies the cell to get milliseconds; 1 for non-time columns


def read_source(path_or_text: str | bytes | os.PathLike) -> tuple[str, str | None]:
    """The text of a file, bytes or string, checked for size and encoding; and the file name if any.

    A ``str`` with a line break (or blank) is the data itself; any other ``str`` or path-like is a file name.
    """
    name = None
    if isinstance(path_or_text, str) and path_or_text.strip() and not {"\n", "\r"} & set(path_or_text):
        path_or_text = Path(path_or_text)
    if isinstance(path_or_text, os.PathLike):
        path = Path(path_or_text)
        name = path.name
        if path.exists() and not path.is_file():
            kind = "a folder" if path.is_dir() else "not a regular file (a device, pipe or socket)"
            raise LatencyImportError([f"file {str(path)!r} is {kind}; give a CSV file or a benchmark_model log"])
        if not path.is_file():
            raise LatencyImportError([f"file {str(path)!r}: no such file"])
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise LatencyImportError([_too_big(name, size)])
        data = path.read_bytes()
    elif isinstance(path_or_text, bytes):
        data = path_or_text
    elif isinstance(path_or_text, str):
        data = path_or_text.encode("utf-8")
    else:
        raise TypeError(f"path_or_text must be a path, str or bytes; got {type(path_or_text).__name__}")
    label = f"file {name!r}" if name else "the data"
    if len(data) > MAX_BYTES:
        raise LatencyImportError([_too_big(name, len(data))])
    if b"\x00" in data:
        raise LatencyImportError([f"{label} is a binary file (it holds NUL bytes); expected UTF-8 text"])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise LatencyImportError(
            [f"{label} is not UTF-8 text (byte {error.start}: {data[error.start : error.start + 1]!r})"]
        ) from None
    if not text.strip():
        raise LatencyImportError([f"{label} is empty; expected a CSV header {','.join(REQUIRED_COLUMNS)}"])
    return text, name


def _too_big(name: str | None, size: int) -> str:
    label = f"file {name!r}" if name else "the data"
    return f"{label} has {size:,} bytes; the limit is {MAX_BYTES:,} bytes ({MAX_BYTES // 2**20} MiB)"


def _header_column(cell: str) -> _Column | None:
    """``latency_us`` → (latency_ms, 1e-3); ``Latency (ms)`` → (latency_ms, 1); ``alpha`` → (alpha, 1)."""
    text = cell.strip().lower().replace(" ", "_")
    match = _HEADER.match(text)
    base = match.group("name").strip("_") if match else text
    unit = match and (match.group("unit1") or match.group("unit2"))
    if base in _TIME_COLUMNS:  # a time column without a unit is in milliseconds
        scale = _UNITS.get((unit or "ms").strip())
        if scale is None:
            return None
        return _Column(f"{base}_ms", scale)
    if unit:
        return None
    return _Column(base, 1.0) if base in COLUMNS else None


def _delimiter(header: str) -> str:
    return ";" if header.count(";") > header.count(",") else ","


def parse_csv(text: str, *, device: str | None = None, runtime: str | None = None) -> pd.DataFrame:
    """Rows of a latency CSV, checked; ``device`` and ``runtime`` fill cells the file leaves empty."""
    lines = text.splitlines()
    delimiter = _delimiter(lines[0])
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except csv.Error as error:
        raise LatencyImportError([f"row 1 (header): {error}"]) from None
    problems: list[str] = []
    columns: list[_Column | None] = []
    for index, cell in enumerate(header, start=1):
        column = _header_column(cell)
        if column is None:
            problems.append(
                f"row 1 (header), column {index} {cell.strip()!r}: unknown column; allowed "
                f"{', '.join(COLUMNS)} (time columns may end in _us or _ms, or carry a unit like '(us)')"
            )
        columns.append(column)
    names = [c.name for c in columns if c]
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"row 1 (header), column {name}: given more than once")
    for name in REQUIRED_COLUMNS:
        if name not in names:
            problems.append(f"row 1 (header): required column {name} is missing (found {', '.join(header)})")
    if problems:
        raise LatencyImportError(problems)

    records: list[dict] = []
    row_numbers: list[int] = []
    without_device: list[int] = []
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(records) >= MAX_ROWS:
                raise LatencyImportError([f"more than {MAX_ROWS:,} data rows; the limit is {MAX_ROWS:,}"])
            if len(cells) != len(header):
                problems.append(f"row {number}: {len(cells)} cells, but the header has {len(header)}")
                continue
            named = {column.name: (cell, column.scale) for cell, column in zip(cells, columns, strict=True)}
            for name, default in (("device", device), ("runtime", runtime)):
                if not str(named.get(name, ("", 1.0))[0]).strip():
                    named[name] = (default, 1.0)
            if named["device"][0] is None:  # reported once for all such rows, below
                without_device.append(number)
                del named["device"]
            records.append({"device": None} | check_row(f"row {number}", named, problems))
            row_numbers.append(number)
    except csv.Error as error:
        problems.append(f"row {reader.line_num}: {error}")
    if without_device:
        problems.append(f"{row_list(without_device)}, column device: empty; give a device column or a device name")
    if not records and not problems:
        problems.append("no data rows after the header")
    _find_duplicates(records, row_numbers, problems)
    if problems:
        raise LatencyImportError(problems)
    return dataset_frame(records)


def row_list(numbers: list[int], shown: int = 5) -> str:
    """Row numbers in one phrase, runs joined: ``row 4``, ``rows 2-11``, ``rows 2-4, 9 and 3 more``.

    >>> row_list([4]), row_list(list(range(2, 12))), row_list([2, 3, 4, 9, 11, 13, 15, 17, 19])
    ('row 4', 'rows 2-11', 'rows 2-4, 9, 11, 13, 15 and 2 more')
    """
    runs: list[str] = []
    start = previous = numbers[0]
    for number in [*numbers[1:], None]:
        if number is not None and number == previous + 1:
            previous = number
            continue
        runs.append(str(start) if start == previous else f"{start}-{previous}")
        if number is not None:
            start = previous = number
    if len(numbers) == 1:
        return f"row {numbers[0]}"
    more = f" and {len(runs) - shown} more" if len(runs) > shown else ""
    return f"rows {', '.join(runs[:shown])}{more}"


def _find_duplicates(
    records: list[dict], row_numbers: list[int], problems: list[str], unit: str = "row"
) -> None:
    """A problem for each record equal to an earlier one; ``unit`` names them (a CSV "row", a log "line")."""
    first: dict[tuple, int] = {}
    for record, number in zip(records, row_numbers, strict=True):
        key = tuple(record.get(c) for c in KEY_COLUMNS)
        if key in first:
            problems.append(
                f"{unit} {number}: duplicate of {unit} {first[key]} (same {', '.join(KEY_COLUMNS)}); "
                "keep one, or tell them apart in a column such as threads or dtype"
            )
        else:
            first[key] = number



_TIMINGS = re.compile(r"Inference timings in us:(?P<body>.*)")
_AVERAGE = re.compile(r"Inference \(avg\):\s*(?P<value>[-+0-9.eE]+|nan|inf)", re.IGNORECASE)
_GRAPH = re.compile(r"(?:Graph:\s*\[|--graph=)(?P<path>[^\]\s]+)")
_THREADS = re.compile(r"(?:Num threads:\s*\[|--num_threads=)(?P<n>\d+)")
_STD = re.compile(r"count=\d+.*\bavg=[-+0-9.eE]+\s+std=(?P<std>[0-9.eE+]+)")
_MODEL_NAME = re.compile(
    r"mobilenet_v1_(?P<alpha>\d+(?:\.\d+)?)_(?P<resolution>\d+)(?P<quant>_quant)?(?![\w.]*\d)", re.I
)  # the lookahead refuses 224.7 or 1e10000000 rather than reading 224 or 1


def is_benchmark_log(text: str) -> bool:
    """True when the text holds a TF Lite ``benchmark_model`` timing line."""
    return "Inference timings in us" in text


def parse_benchmark_log(
    text: str,
    *,
    device: str | None = None,
    runtime: str | None = None,
    alpha: float | None = None,
    resolution: int | None = None,
) -> pd.DataFrame:
    """One row per ``Inference timings in us: ... Inference (avg): X`` line of a ``benchmark_model`` log.

    α and the resolution come from the arguments, else from the graph's file name
    (``mobilenet_v1_0.75_192[_quant].tflite``); threads from ``Num threads: [n]``; the standard deviation
    from the last ``count=... avg=... std=...`` line before the timings. Times in the log are microseconds.

    >>> log = "Graph: [mobilenet_v1_0.75_192.tflite]\\nNum threads: [1]\\n"
    >>> log += "Inference timings in us: Init: 3141, First inference: 40000, Warmup (avg): 35000, Inference (avg): 33800.5"
    >>> parse_benchmark_log(log, device="Pixel 2")[["alpha", "resolution", "latency_ms", "threads"]].to_numpy().tolist()
    [[0.75, 192, 33.8005, 1]]
    """
    problems: list[str] = []
    records: list[dict] = []
    row_numbers: list[int] = []
    graph = threads = std = None
    for number, line in enumerate(text.splitlines(), start=1):
        if found := _GRAPH.search(line):
            graph = found.group("path")
        if found := _THREADS.search(line):
            threads = found.group("n")
        if found := _STD.search(line):
            std = found.group("std")
        timings = _TIMINGS.search(line)
        if not timings:
            continue
        if len(records) >= MAX_ROWS:
            raise LatencyImportError([f"more than {MAX_ROWS:,} timing lines; the limit is {MAX_ROWS:,}"])
        where = f"line {number}"
        average = _AVERAGE.search(timings.group("body"))
        if not average:
            problems.append(
                f"{where}, column latency_ms: no 'Inference (avg): <microseconds>' in the timings"
            )
            continue
        named = _MODEL_NAME.search(graph or "")
        cells: dict[str, tuple[object, float]] = {"latency_ms": (average.group("value"), 1e-3)}
        for name, given in (("alpha", alpha), ("resolution", resolution)):
            if given is not None:
                cells[name] = (given, 1.0)
            elif named:
                cells[name] = (named.group(name), 1.0)
            else:
                problems.append(
                    f"{where}, column {name}: not given and not in the graph file name {graph!r} "
                    "(expected like mobilenet_v1_0.75_192.tflite); pass it as an argument"
                )
        cells |= {
            "device": (device, 1.0),
            "runtime": (runtime or "tflite benchmark_model", 1.0),
            "threads": (threads, 1.0),
            "dtype": (("quant" if named.group("quant") else "float") if named else None, 1.0),
            "source": (graph, 1.0),
            "std_ms": (std, 1e-3),
        }
        records.append(check_row(where, cells, problems))
        row_numbers.append(number)
        std = None
    if not records and not problems:
        problems.append("no 'Inference timings in us: ...' line in the log")
    _find_duplicates(records, row_numbers, problems, unit="line")
    if problems:
        raise LatencyImportError(problems)
    return dataset_frame(records)


def parse_latency(
    path_or_text: str | bytes | os.PathLike,
    *,
    device: str | None = None,
    runtime: str | None = None,
    alpha: float | None = None,
    resolution: int | None = None,
) -> pd.DataFrame:
    """Read and check a latency CSV or ``benchmark_model`` log; returns a DataFrame with :data:`COLUMNS`."""
    text, _ = read_source(path_or_text)
    return parse_text(text, device=device, runtime=runtime, alpha=alpha, resolution=resolution)


def parse_text(
    text: str,
    *,
    device: str | None = None,
    runtime: str | None = None,
    alpha: float | None = None,
    resolution: int | None = None,
) -> pd.DataFrame:
    """:func:`parse_benchmark_log` or :func:`parse_csv`, whichever the text is. The ``device`` and ``runtime``
    arguments are checked like cells: an empty, too long or control-character name is refused."""
    for name, value in (("device", device), ("runtime", runtime)):
        if value is not None:
            try:
                check_value(name, value)
            except (ValueError, TypeError) as error:
                raise type(error)(f"{name} argument: {error}") from None
    if is_benchmark_log(text):
        return parse_benchmark_log(text, device=device, runtime=runtime, alpha=alpha, resolution=resolution)
    if alpha is not None or resolution is not None:
        raise ValueError(
            "alpha and resolution arguments apply to benchmark_model logs only; a CSV has columns"
        )
    return parse_csv(text, device=device, runtime=runtime)


def import_latency(
    path_or_text: str | bytes | os.PathLike,
    *,
    device: str | None = None,
    runtime: str | None = None,
    dataset: str | None = None,
    db: str | os.PathLike | None = None,
    alpha: float | None = None,
    resolution: int | None = None,
):
    """Check a latency file and store it as dataset ``dataset`` in the SQLite store, all or nothing.

    ``dataset`` defaults to the file's name without extension, else the device name. Importing into an
    existing dataset adds rows, and fails if any of them duplicates a stored one. ``db`` is the database
    file (default: ``$MOBILENET_COST_DB`` or the user data directory). Returns the
    :class:`~costmodel.latency.store.ImportResult`.
    """
    from costmodel.latency.store import LatencyStore

    text, name = read_source(path_or_text)
    frame = parse_text(text, device=device, runtime=runtime, alpha=alpha, resolution=resolution)
    if dataset is None:
        dataset = Path(name).stem if name else (device or frame["device"].iloc[0])
    return LatencyStore(db).add(dataset, frame, origin=name or "text")
