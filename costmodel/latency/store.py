"""Latency datasets persisted in SQLite: import (all or nothing), list, load, rename, delete, export.

The database is one file, by default ``latency.sqlite3`` in the user data directory (platformdirs), or the
path in ``$MOBILENET_COST_DB``, or the one given. It runs in WAL mode with a busy timeout, so several
processes (server workers, CLI runs) can import at once without losing rows. Its schema is versioned with
``PRAGMA user_version`` and upgraded in place by :data:`MIGRATIONS`; ``PRAGMA application_id`` marks it as
this tool's (:data:`APPLICATION_ID`).

Databases that are not ours are refused by name, never changed: a foreign SQLite file (other tables, another
application id), a corrupt one (``PRAGMA quick_check`` before every write), one from a newer version. A file
that cannot be written (permissions) is opened read-only: listing, loading and exporting work, writes are refused
with a message. An explicit path's folder must exist (only the default data folder is created).

The TF Lite hosted-model tables ship as read-only built-in datasets (:data:`BUILTIN_DATASETS`); they are read
with :func:`costmodel.reference.tables.load_table` and are never written to the database, so they cannot be renamed or deleted.

>>> import tempfile, os
>>> store = LatencyStore(os.path.join(tempfile.mkdtemp(), "doc.sqlite3"))
>>> from costmodel.latency.importer import parse_csv
>>> store.add("phone", parse_csv("alpha,resolution,latency_ms\\n0.5,160,26.8\\n", device="Pixel 2"))
ImportResult(dataset='phone', rows=1, created=True)
>>> store.load("phone")[["alpha", "resolution", "latency_ms"]].to_numpy().tolist()
[[0.5, 160.0, 26.8]]
>>> store.delete("tflite-pixel2-cpu-float")
Traceback (most recent call last):
costmodel.latency.store.DatasetError: dataset 'tflite-pixel2-cpu-float' is built in and read-only; ...
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import pandas as pd

from costmodel.core.numbers import shorten
from costmodel.latency import DB_ENV
from costmodel.latency.schema import (
    COLUMNS,
    KEY_COLUMNS,
    PROFILE_COLUMNS,
    PROFILE_POINT_COLUMNS,
    STORED_PROFILE_COLUMNS,
    TEXT_COLUMNS,
    check_frame,
    dataset_frame,
    printable,
    profile_frame,
)
from costmodel.output.spreadsheet import spreadsheet_safe
from costmodel.reference.devices import DEVICE_FIELDS, Device, builtin_devices, check_device
from costmodel.reference.tables import load_table

"""Environment variable naming the database file."""
DB_FILENAME = "latency.sqlite3"
APP_NAME = "mobilenet-costmodel"
BUSY_TIMEOUT_S = 60
"""How long a writer waits for another one to finish before giving up."""
MAX_NAME = 100
"""Longest dataset name, in characters."""
APPLICATION_ID = 0x4D424356
"""``PRAGMA application_id`` of this tool's databases ("MBCV")."""
OUR_TABLES = frozenset({"datasets", "measurements"})


class DatasetError(ValueError):
    """A dataset operation that cannot be done (unknown name, name taken, built-in dataset, duplicates)."""


@dataclass(frozen=True)
class ImportResult:
    """What an import stored: the dataset, the rows added, and whether the dataset was new."""

    dataset: str
    rows: int
    created: bool


@dataclass(frozen=True)
class BuiltinDataset:
    """A read-only dataset taken from one latency column of the TF Lite hosted-model table."""

    table_version: str
    dtype: str
    column: str
    runtime: str


BUILTIN_DATASETS: dict[str, BuiltinDataset] = {
    "tflite-pixel2-cpu-float": BuiltinDataset("hosted_pixel2", "float", "tflite_cpu_ms", "TF Lite CPU"),
    "tflite-pixel2-cpu-quant": BuiltinDataset("hosted_pixel2", "quant", "tflite_cpu_ms", "TF Lite CPU"),
    "tflite-pixel3-cpu-float": BuiltinDataset("hosted_pixel3", "float", "tflite_cpu_ms", "TF Lite CPU"),
    "tflite-pixel3-cpu-quant": BuiltinDataset("hosted_pixel3", "quant", "tflite_cpu_ms", "TF Lite CPU"),
    "tflite-pixel3-gpu-float": BuiltinDataset(
        "hosted_pixel3", "float", "gpu_delegate_ms", "TF Lite GPU delegate"
    ),
    "tflite-pixel3-nnapi-float": BuiltinDataset("hosted_pixel3", "float", "nnapi_ms", "TF Lite NNAPI"),
    "tflite-pixel3-nnapi-quant": BuiltinDataset("hosted_pixel3", "quant", "nnapi_ms", "TF Lite NNAPI"),
}
"""Built-in datasets: the 16 paper configurations of each TF Lite hosted-model latency column."""


def default_db_path() -> Path:
    """``$MOBILENET_COST_DB`` if set, else ``latency.sqlite3`` in the user data directory."""
    if os.environ.get(DB_ENV):
        return Path(os.environ[DB_ENV]).expanduser()
    try:
        import platformdirs

        return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / DB_FILENAME
    except ImportError:  # pragma: no cover - platformdirs is a dependency; XDG fallback
        base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
        return Path(base) / APP_NAME / DB_FILENAME


def _v1(connection: sqlite3.Connection) -> None:
    connection.execute(
        """CREATE TABLE datasets (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created TEXT NOT NULL,
            origin TEXT
        )"""
    )
    connection.execute(
        """CREATE TABLE measurements (
            id INTEGER PRIMARY KEY,
            dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
            alpha REAL NOT NULL CHECK (alpha > 0),
            resolution INTEGER NOT NULL CHECK (resolution > 0),
            latency_ms REAL NOT NULL CHECK (latency_ms > 0),
            device TEXT NOT NULL,
            runtime TEXT, threads INTEGER, batch INTEGER, dtype TEXT, source TEXT,
            std_ms REAL, notes TEXT, p10_ms REAL, p90_ms REAL, min_ms REAL, runs INTEGER
        )"""
    )
    connection.execute("CREATE INDEX measurements_dataset ON measurements(dataset_id)")


def _v2(connection: sqlite3.Connection) -> None:
    """User devices (issue 14): one row per device, the columns of ``tables/devices.csv``."""
    connection.execute(
        """CREATE TABLE devices (
            device TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            kind TEXT NOT NULL,
            ram_bytes INTEGER NOT NULL CHECK (ram_bytes > 0),
            flash_bytes INTEGER CHECK (flash_bytes > 0),
            clock_mhz REAL, peak_macs_per_s_float32 REAL, peak_macs_per_s_float16 REAL,
            peak_macs_per_s_int8 REAL, bandwidth_bytes_per_s REAL,
            note TEXT NOT NULL,
            source TEXT NOT NULL CHECK (source <> ''),
            created TEXT NOT NULL
        )"""
    )


def _v3(connection: sqlite3.Connection) -> None:
    """Per-layer profiles (issue 16): one row per layer of a profiled design point of a dataset."""
    connection.execute(
        """CREATE TABLE profiles (
            id INTEGER PRIMARY KEY,
            dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
            alpha REAL NOT NULL CHECK (alpha > 0),
            resolution INTEGER NOT NULL CHECK (resolution > 0),
            threads INTEGER, dtype TEXT,
            layer TEXT NOT NULL, kind TEXT NOT NULL,
            macs INTEGER NOT NULL CHECK (macs >= 0),
            time_ms REAL NOT NULL CHECK (time_ms >= 0),
            whole_ms REAL NOT NULL CHECK (whole_ms > 0)
        )"""
    )
    connection.execute("CREATE INDEX profiles_dataset ON profiles(dataset_id)")


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_v1, _v2, _v3)
"""Schema upgrades; migration ``i`` takes the database from version ``i`` to ``i + 1``."""
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(connection: sqlite3.Connection) -> int:
    """Bring the schema to :data:`SCHEMA_VERSION` in one transaction; returns the version found."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        found = connection.execute("PRAGMA user_version").fetchone()[0]
        if found > SCHEMA_VERSION:
            raise DatasetError(
                f"database schema version {found} is newer than this program's {SCHEMA_VERSION}; upgrade it"
            )
        for step in MIGRATIONS[found:]:
            step(connection)
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    return found


def _reason(error: sqlite3.Error) -> str:
    """SQLite's error in words a user can act on."""
    text = str(error)
    if "disk is full" in text or "disk I/O error" in text:
        return f"{text}: the disk is full or failing; nothing was stored, free some space and try again"
    if "file is not a database" in text:
        return f"{text}: not a SQLite database (corrupt, or another kind of file); choose another --db"
    return text


def check_name(name: object) -> str:
    """A dataset name: text of 1 to :data:`MAX_NAME` printable characters, trimmed."""
    if not isinstance(name, str):
        raise TypeError(f"dataset name must be text; got {shorten(name)} of type {type(name).__name__}")
    trimmed = name.strip()
    if not trimmed or len(trimmed) > MAX_NAME or not trimmed.isprintable():
        shown = printable(shorten(name))
        raise DatasetError(f"dataset name {shown} is not allowed; use 1 to {MAX_NAME} printable characters")
    return trimmed


def builtin_frame(name: str) -> pd.DataFrame:
    """The rows of a built-in dataset in the import schema (a fresh copy; built once per dataset)."""
    return _builtin_rows(name).copy()


@lru_cache(maxsize=len(BUILTIN_DATASETS))
def _builtin_rows(name: str) -> pd.DataFrame:
    spec = BUILTIN_DATASETS[name]
    table = load_table("tflite_hosted_latency")
    rows = table[(table.table_version == spec.table_version) & (table["dtype"] == spec.dtype)]
    rows = rows[rows[spec.column].notna()]
    records = [
        {
            "alpha": float(row.alpha),
            "resolution": int(row.resolution),
            "latency_ms": float(row[spec.column]),
            "device": str(row.device),
            "runtime": spec.runtime,
            "threads": int(str(row.cpu_threads).split()[0]),
            "batch": 1,
            "dtype": spec.dtype,
            "source": str(row.source),
            "notes": f"{row.model}; threads as hosted: {row.cpu_threads}",
        }
        for _, row in rows.iterrows()
    ]
    return dataset_frame(records)


LISTING_COLUMNS = ["name", "rows", "devices", "runtimes", "builtin", "created", "origin", "profiles"]
"""Columns of :meth:`LatencyStore.datasets`; ``profiles`` counts the design points with a per-layer profile."""


def builtin_listing() -> pd.DataFrame:
    """The built-in datasets as :meth:`LatencyStore.datasets` lists them (no database needed)."""
    rows = []
    for name in BUILTIN_DATASETS:
        frame = builtin_frame(name)
        rows.append(
            (name, len(frame), _joined(frame.device), _joined(frame.runtime), True, None, "TF Lite hosted", 0)
        )
    return pd.DataFrame(rows, columns=LISTING_COLUMNS)


class LatencyStore:
    """The latency database at ``path`` (default :func:`default_db_path`), created and migrated on open."""

    def __init__(self, path: str | os.PathLike | None = None):
        explicit = path is not None or bool(os.environ.get(DB_ENV))
        self.path = Path(path).expanduser() if path is not None else default_db_path()
        if self.path.is_dir():
            raise DatasetError(f"database path {str(self.path)!r} is a folder; give a file name")
        if self.path.exists() and not self.path.is_file():
            raise DatasetError(f"database path {str(self.path)!r} is not a regular file (a device or pipe)")
        folder = self.path.parent
        if explicit and not folder.is_dir():
            raise DatasetError(
                f"database folder {str(folder)!r} does not exist; create it first (only the default data folder "
                "is created)"
            )
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise DatasetError(f"database folder {str(folder)!r} cannot be made: {error}") from None
        exists = self.path.exists()
        self.read_only = not os.access(folder, os.W_OK) or (exists and not os.access(self.path, os.W_OK))
        # a new database gets every table; _check_ours reads which an existing one has
        self._has_devices = self._has_profiles = True
        current = exists and self._check_ours()
        if not self.read_only and not current:  # a write transaction only when the schema needs one
            try:
                with self._connect(write=True) as connection:
                    migrate(connection)
                self._has_devices = self._has_profiles = True
            except DatasetError:
                if not exists:  # a full disk: leave no empty database, -wal or -shm behind
                    for end in ("", "-wal", "-shm"):
                        leftover = Path(f"{self.path}{end}")
                        if leftover.is_file() and leftover.stat().st_size == 0:
                            leftover.unlink()
                raise

    def __repr__(self) -> str:
        return f"LatencyStore({str(self.path)!r})"

    def _check_ours(self) -> bool:
        """Refuse a file that is not this tool's database (read only: nothing is written to find out); True when
        its schema is already :data:`SCHEMA_VERSION` (nothing to migrate)."""
        with self._connect() as connection:
            application = connection.execute("PRAGMA application_id").fetchone()[0]
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            tables = {
                row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
        where = f"database {str(self.path)!r}"
        if application not in (0, APPLICATION_ID) or (tables and not tables >= OUR_TABLES):
            shown = ", ".join(sorted(tables)[:5]) or "none"
            raise DatasetError(
                f"{where} is not a mobilenet-costmodel database (application id {application:#x}, tables: "
                f"{printable(shown)}); it is left as it is; choose another --db"
            )
        if version > SCHEMA_VERSION:
            raise DatasetError(
                f"database schema version {version} is newer than this program's {SCHEMA_VERSION}; upgrade it"
            )
        if self.read_only and tables and version < 1:
            raise DatasetError(f"{where} is read-only and needs a schema upgrade to version {SCHEMA_VERSION}")
        self._has_devices = "devices" in tables or not tables
        self._has_profiles = "profiles" in tables or not tables
        return application == APPLICATION_ID and version == SCHEMA_VERSION and tables >= OUR_TABLES

    @contextlib.contextmanager
    def _connect(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        if write and self.read_only:
            raise DatasetError(
                f"database {str(self.path)!r} is read-only (no permission to write it or its folder); "
                "nothing was changed"
            )
        try:
            if self.read_only or (not write and not self.path.exists()):
                connection = self._read_only_connection()
            else:
                connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.Error as error:
            raise DatasetError(f"database {str(self.path)!r} cannot be opened: {error}") from None
        try:
            connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
            if write:
                connection.execute("PRAGMA journal_mode = WAL")
                connection.execute("PRAGMA foreign_keys = ON")
            yield connection
        except sqlite3.DatabaseError as error:
            raise DatasetError(f"database {str(self.path)!r}: {_reason(error)}") from None
        finally:
            connection.close()

    def _read_only_connection(self) -> sqlite3.Connection:
        """A connection that cannot write: ``mode=ro``, or ``immutable`` where a WAL file's shared memory cannot
        be made (a read-only folder); an absent file reads as an empty database."""
        if not self.path.exists():
            empty = sqlite3.connect(":memory:", isolation_level=None)
            migrate(empty)
            return empty
        uri = Path(self.path).resolve().as_uri()
        connection = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            connection.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            return connection
        except sqlite3.OperationalError:
            connection.close()
            return sqlite3.connect(f"{uri}?immutable=1", uri=True, isolation_level=None)

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: everything inside is committed together, or nothing is. A corrupt database
        is refused before anything is written."""
        with self._connect(write=True) as connection:
            check = connection.execute("PRAGMA quick_check").fetchall()
            if check != [("ok",)]:
                problems = "; ".join(printable(row[0]) for row in check[:3])
                raise DatasetError(
                    f"database {str(self.path)!r} is corrupt ({problems}); nothing was changed"
                )
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    def names(self) -> list[str]:
        """Names of all datasets, built-in first."""
        with self._connect() as connection:
            stored = [row[0] for row in connection.execute("SELECT name FROM datasets ORDER BY name")]
        return [*BUILTIN_DATASETS, *stored]

    def datasets(self) -> pd.DataFrame:
        """One row per dataset: name, rows, devices, runtimes, builtin, created, origin, profiles (the number
        of design points with a per-layer profile)."""
        rows = []
        profiled = (
            "(SELECT COUNT(*) FROM (SELECT DISTINCT alpha, resolution, threads, dtype FROM profiles p "
            "WHERE p.dataset_id = d.id))"
            if self._has_profiles
            else "0"
        )
        query = f"""SELECT d.name, COUNT(m.id), GROUP_CONCAT(DISTINCT m.device),
                          GROUP_CONCAT(DISTINCT m.runtime), d.created, d.origin, {profiled}
                   FROM datasets d LEFT JOIN measurements m ON m.dataset_id = d.id
                   GROUP BY d.id ORDER BY d.name"""
        with self._connect() as connection:
            for name, count, devices, runtimes, created, origin, points in connection.execute(query):
                rows.append((name, count, devices or "", runtimes or "", False, created, origin, points))
        return pd.concat([builtin_listing(), pd.DataFrame(rows, columns=LISTING_COLUMNS)], ignore_index=True)

    def load(self, name: str) -> pd.DataFrame:
        """The rows of dataset ``name`` in the import schema (columns :data:`COLUMNS`)."""
        name = check_name(name)
        if name in BUILTIN_DATASETS:
            return builtin_frame(name)
        with self._connect() as connection:
            dataset_id = self._id(connection, name)
            cursor = connection.execute(
                f"SELECT {', '.join(COLUMNS)} FROM measurements WHERE dataset_id = ? ORDER BY id",
                (dataset_id,),
            )
            records = [dict(zip(COLUMNS, row, strict=True)) for row in cursor]
        return dataset_frame(records)

    def add(
        self, name: str, frame: pd.DataFrame, origin: str | None = None, profiles: pd.DataFrame | None = None
    ) -> ImportResult:
        """Store checked rows (from :func:`~costmodel.latency.importer.parse_latency`) in one transaction.

        A new name creates the dataset; an existing one gets the rows added, unless any duplicates a stored
        row (same :data:`~costmodel.latency.importer.KEY_COLUMNS`): then nothing is stored. ``profiles``:
        per-layer profiles of some of these rows' design points (:data:`~costmodel.latency.schema.PROFILE_COLUMNS`,
        as ``measure(..., profile=True)`` gives them), stored in the same transaction; see :func:`profile_records`.
        """
        name = check_name(name)
        if name in BUILTIN_DATASETS:
            raise DatasetError(f"dataset {name!r} is built in and read-only; import under another name")
        if not isinstance(frame, pd.DataFrame) or frame.empty:
            raise DatasetError("nothing to import: the table has no rows")
        records, problems = check_frame(frame)  # the same row check as every import path
        if problems:
            raise DatasetError(
                f"{len(problems)} problem(s) in the rows: {_joined_problems(problems)}; nothing was imported"
            )
        layers = [] if profiles is None else profile_records(profiles, records)
        with self._write() as connection:
            found = connection.execute("SELECT id FROM datasets WHERE name = ?", (name,)).fetchone()
            created = found is None
            if created:
                stamp = datetime.now(UTC).isoformat(timespec="seconds")
                dataset_id = connection.execute(
                    "INSERT INTO datasets (name, created, origin) VALUES (?, ?, ?)", (name, stamp, origin)
                ).lastrowid
            else:
                dataset_id = found[0]
                self._refuse_duplicates(connection, dataset_id, name, records)
            placeholders = ", ".join("?" * (len(COLUMNS) + 1))
            connection.executemany(
                f"INSERT INTO measurements (dataset_id, {', '.join(COLUMNS)}) VALUES ({placeholders})",
                [(dataset_id, *(record[c] for c in COLUMNS)) for record in records],
            )
            if layers and not created:
                self._refuse_profiled(connection, dataset_id, name, layers)
            placeholders = ", ".join("?" * (len(STORED_PROFILE_COLUMNS) + 1))
            connection.executemany(
                f"INSERT INTO profiles (dataset_id, {', '.join(STORED_PROFILE_COLUMNS)}) VALUES ({placeholders})",
                [(dataset_id, *(layer[c] for c in STORED_PROFILE_COLUMNS)) for layer in layers],
            )
        return ImportResult(name, len(records), created)

    def profiles(self, name: str) -> pd.DataFrame:
        """The per-layer profiles stored with dataset ``name`` (columns
        :data:`~costmodel.latency.schema.STORED_PROFILE_COLUMNS`: alpha, resolution, layer, kind, macs, time_ms,
        whole_ms, threads, dtype), in the order stored; no rows when it has none (built-in datasets have none)."""
        name = check_name(name)
        if name in BUILTIN_DATASETS or not self._has_profiles:
            return profile_frame([])
        with self._connect() as connection:
            dataset_id = self._id(connection, name)
            cursor = connection.execute(
                f"SELECT {', '.join(STORED_PROFILE_COLUMNS)} FROM profiles WHERE dataset_id = ? ORDER BY id",
                (dataset_id,),
            )
            records = [dict(zip(STORED_PROFILE_COLUMNS, row, strict=True)) for row in cursor]
        return profile_frame(records)

    def profiles_at(self, alpha: float, resolution: int) -> pd.DataFrame:
        """Every stored dataset's per-layer profile rows at (``alpha``, ``resolution``), in one query: a
        ``dataset`` column, then :data:`~costmodel.latency.schema.STORED_PROFILE_COLUMNS`, by dataset and in the
        order stored (what the Explorer shows for its design point; α equal within 1e-9).

        >>> import tempfile, os
        >>> LatencyStore(os.path.join(tempfile.mkdtemp(), "at.sqlite3")).profiles_at(0.5, 160).columns[:3].tolist()
        ['dataset', 'alpha', 'resolution']
        """
        rows = []
        if self._has_profiles:
            selected = ", ".join(f"p.{c}" for c in STORED_PROFILE_COLUMNS)
            with self._connect() as connection:
                rows = connection.execute(
                    f"SELECT d.name, {selected} FROM profiles p JOIN datasets d ON d.id = p.dataset_id "
                    "WHERE ABS(p.alpha - ?) < 1e-9 AND p.resolution = ? ORDER BY d.name, p.id",
                    (float(alpha), int(resolution)),
                ).fetchall()
        frame = profile_frame([dict(zip(STORED_PROFILE_COLUMNS, row[1:], strict=True)) for row in rows])
        frame.insert(0, "dataset", pd.Series([row[0] for row in rows], dtype="object"))
        return frame

    def export_profiles_csv(self, name: str) -> str:
        """The dataset's per-layer profiles as CSV (RFC 4180, CRLF); refused when it has none."""
        frame = self.profiles(name)
        if frame.empty:
            raise DatasetError(
                f"dataset {name!r} has no per-layer profiles; 'mobilenet-cost measure --profile FILE' stores them"
            )
        for column in ("layer", "kind", "dtype"):
            frame[column] = frame[column].map(spreadsheet_safe)
        return frame.to_csv(index=False, lineterminator="\r\n")

    def rename(self, old: str, new: str) -> None:
        """Rename a stored dataset; refused for built-in ones and for a name already taken."""
        old, new = check_name(old), check_name(new)
        self._refuse_builtin(old, "renamed")
        if new in BUILTIN_DATASETS:
            raise DatasetError(f"dataset name {new!r} is taken by a built-in dataset; choose another")
        with self._write() as connection:
            self._id(connection, old)
            if old != new and connection.execute("SELECT 1 FROM datasets WHERE name = ?", (new,)).fetchone():
                raise DatasetError(f"dataset {new!r} already exists; delete it or choose another name")
            connection.execute("UPDATE datasets SET name = ? WHERE name = ?", (new, old))

    def delete(self, name: str) -> int:
        """Delete a stored dataset and its rows; returns how many rows went. Built-in ones are refused."""
        name = check_name(name)
        self._refuse_builtin(name, "deleted")
        with self._write() as connection:
            dataset_id = self._id(connection, name)
            count = connection.execute(
                "SELECT COUNT(*) FROM measurements WHERE dataset_id = ?", (dataset_id,)
            ).fetchone()[0]
            connection.execute("DELETE FROM datasets WHERE id = ?", (dataset_id,))
        return count

    def export_csv(self, name: str) -> str:
        """The dataset as CSV (RFC 4180, CRLF) in the import schema; text cells that look like formulas get
        a leading '."""
        frame = self.load(name)
        keep = [c for c in COLUMNS if c in ("alpha", "resolution", "latency_ms") or frame[c].notna().any()]
        frame = frame[keep].copy()
        for column in TEXT_COLUMNS:
            if column in frame:
                frame[column] = frame[column].map(spreadsheet_safe)
        # CRLF line ends (RFC 4180) make the csv writer quote any cell holding a CR or LF
        return frame.to_csv(index=False, lineterminator="\r\n")

    def devices(self) -> list[Device]:
        """The user's devices, by key (a read-only database of schema 1 has none)."""
        if not self._has_devices:
            return []
        with self._connect() as connection:
            cursor = connection.execute(f"SELECT {', '.join(DEVICE_FIELDS)} FROM devices ORDER BY device")
            return [check_device(dict(zip(DEVICE_FIELDS, row, strict=True))) for row in cursor]

    def device(self, key: str) -> Device:
        """A stored device, else a built-in one, by key; ``ValueError`` listing both otherwise."""
        stored = {d.device: d for d in self.devices()}
        if key in stored:
            return stored[key]
        known = sorted({*stored, *builtin_devices()})
        if key not in known:
            raise ValueError(f"device {printable(str(key))!r} is unknown; the devices are {', '.join(known)}")
        return builtin_devices()[key]

    def add_device(self, row: dict[str, object]) -> Device:
        """Store a device (checked by :func:`~costmodel.reference.devices.check_device`: a source is required).
        A built-in key or one already stored is refused; nothing is changed on bad input."""
        device = check_device(row)
        if device.device in builtin_devices():
            raise DatasetError(f"device {device.device!r} is built in; choose another key")
        with self._write() as connection:
            if connection.execute("SELECT 1 FROM devices WHERE device = ?", (device.device,)).fetchone():
                raise DatasetError(
                    f"device {device.device!r} already exists; delete it first or choose another key"
                )
            values = [getattr(device, f) for f in DEVICE_FIELDS]
            connection.execute(
                f"INSERT INTO devices ({', '.join(DEVICE_FIELDS)}, created) "
                f"VALUES ({', '.join('?' * (len(DEVICE_FIELDS) + 1))})",
                (*values, datetime.now(UTC).isoformat(timespec="seconds")),
            )
        return device

    def delete_device(self, key: str) -> None:
        """Delete a stored device; built-in ones are refused."""
        if key in builtin_devices():
            raise DatasetError(f"device {key!r} is built in and read-only; it cannot be deleted")
        with self._write() as connection:
            if connection.execute("DELETE FROM devices WHERE device = ?", (key,)).rowcount == 0:
                raise DatasetError(
                    f"device {printable(str(key))!r} does not exist; see 'mobilenet-cost devices list'"
                )

    @staticmethod
    def _id(connection: sqlite3.Connection, name: str) -> int:
        found = connection.execute("SELECT id FROM datasets WHERE name = ?", (name,)).fetchone()
        if found is None:
            raise DatasetError(f"dataset {name!r} does not exist; see 'mobilenet-cost latency list'")
        return found[0]

    @staticmethod
    def _refuse_builtin(name: str, action: str) -> None:
        if name in BUILTIN_DATASETS:
            raise DatasetError(f"dataset {name!r} is built in and read-only; it cannot be {action}")

    @staticmethod
    def _refuse_profiled(
        connection: sqlite3.Connection, dataset_id: int, name: str, layers: list[dict]
    ) -> None:
        columns = ", ".join(PROFILE_POINT_COLUMNS)
        query = f"SELECT DISTINCT {columns} FROM profiles WHERE dataset_id = ?"
        stored = {tuple(row) for row in connection.execute(query, (dataset_id,))}
        clashes = sorted(
            {tuple(layer[c] for c in PROFILE_POINT_COLUMNS) for layer in layers} & stored, key=str
        )
        if clashes:
            raise DatasetError(
                f"dataset {name!r} already has a profile of {len(clashes)} of these design points "
                f"({', '.join(f'{a:g}_{r}' for a, r, *_ in clashes[:5])}); nothing was imported"
            )

    @staticmethod
    def _refuse_duplicates(
        connection: sqlite3.Connection, dataset_id: int, name: str, records: list[dict]
    ) -> None:
        stored = {
            tuple(row)
            for row in connection.execute(
                f"SELECT {', '.join(KEY_COLUMNS)} FROM measurements WHERE dataset_id = ?", (dataset_id,)
            )
        }
        clashes = [i for i, r in enumerate(records) if tuple(r[c] for c in KEY_COLUMNS) in stored]
        if clashes:
            shown = ", ".join(str(i + 1) for i in clashes[:10]) + (" ..." if len(clashes) > 10 else "")
            raise DatasetError(
                f"{len(clashes)} row(s) duplicate measurements already in dataset {name!r} "
                f"(data rows {shown}; same {', '.join(KEY_COLUMNS)}); nothing was imported"
            )


def _joined_problems(problems: list[str]) -> str:
    return "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")


def profile_records(profiles: pd.DataFrame, records: list[dict]) -> list[dict]:
    """Profile rows checked (the row check of :mod:`~costmodel.latency.schema`) and matched to the design points
    of ``records`` (the measurements stored with them). Without ``threads`` and ``dtype`` columns a profile takes
    them from its point's measurement. ``DatasetError`` for a bad cell, a profile of no point in ``records``, or a
    point profiled twice (a layer repeated).

    >>> rows = [{"alpha": 0.25, "resolution": 64, "threads": 1, "dtype": "float32"}]
    >>> layers = pd.DataFrame({"alpha": [0.25], "resolution": [64], "layer": ["Conv2d_0"], "kind": ["conv"],
    ...                        "macs": [110592], "time_ms": [0.01], "whole_ms": [0.2]})
    >>> [(r["layer"], r["threads"], r["dtype"]) for r in profile_records(layers, rows)]
    [('Conv2d_0', 1, 'float32')]
    >>> profile_records(layers.assign(resolution=96), rows)
    Traceback (most recent call last):
    costmodel.latency.store.DatasetError: profile row 0 (alpha 0.25, resolution 96) is of no design point of the rows; nothing was imported
    """
    checked, problems = check_frame(profiles, STORED_PROFILE_COLUMNS, PROFILE_COLUMNS)
    if problems:
        raise DatasetError(
            f"{len(problems)} problem(s) in the profiles: {_joined_problems(problems)}; nothing was imported"
        )
    points: dict[tuple, list[tuple]] = {}
    for record in records:
        points.setdefault((record["alpha"], record["resolution"]), []).append(
            (record["threads"], record["dtype"])
        )
    given = {"threads", "dtype"} & set(profiles.columns)
    seen: set[tuple] = set()
    for number, layer in enumerate(checked):
        where = f"profile row {number} (alpha {layer['alpha']:g}, resolution {layer['resolution']})"
        variants = points.get((layer["alpha"], layer["resolution"]), [])
        if given != {"threads", "dtype"}:
            if len(variants) != 1:
                why = (
                    "is of no design point of the rows"
                    if not variants
                    else "matches several rows: give threads and dtype"
                )
                raise DatasetError(f"{where} {why}; nothing was imported")
            layer["threads"], layer["dtype"] = variants[0]
        elif (layer["threads"], layer["dtype"]) not in variants:
            raise DatasetError(f"{where} is of no design point of the rows; nothing was imported")
        key = tuple(layer[c] for c in (*PROFILE_POINT_COLUMNS, "layer"))
        if key in seen:
            raise DatasetError(f"{where}: layer {layer['layer']!r} appears twice; nothing was imported")
        seen.add(key)
    return checked


def _joined(values: pd.Series) -> str:
    return ",".join(str(v) for v in dict.fromkeys(values.dropna()))
