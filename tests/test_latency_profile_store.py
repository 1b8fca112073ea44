"""Per-layer profiles stored with their dataset: schema 3, one transaction, rename/delete/export, migrations."""

from __future__ import annotations

import io
import os
import sqlite3

import pandas as pd
import pytest

from costmodel.cli import main
from costmodel.latency import store as store_module
from costmodel.latency.importer import parse_csv
from costmodel.latency.store import DatasetError, LatencyStore

ROWS = "alpha,resolution,latency_ms,threads,dtype\n0.25,64,0.30,1,float32\n0.25,96,0.50,1,float32\n"
PROFILE_HEADER = ["alpha", "resolution", "layer", "kind", "macs", "time_ms", "whole_ms"]


def layers(alpha: float, resolution: int, whole_ms: float = 0.25) -> pd.DataFrame:
    """A three-layer profile of one point (the values are data; the store keeps what it is given)."""
    return pd.DataFrame(
        {
            "alpha": alpha,
            "resolution": resolution,
            "layer": ["Conv2d_0", "Conv2d_1_depthwise", "other"],
            "kind": ["conv", "dw", "other"],
            "macs": [110_592, 18_432, 0],
            "time_ms": [0.125, 0.0625, 0.01],
            "whole_ms": whole_ms,
        }
    )


@pytest.fixture
def db(tmp_path):
    return tmp_path / "latency.sqlite3"


def table_rows(path, table: str) -> int:
    with sqlite3.connect(path) as connection:
        return connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_profiles_are_stored_with_the_dataset_and_load_typed(db):
    store = LatencyStore(db)
    profiles = pd.concat([layers(0.25, 64), layers(0.25, 96, 0.5)], ignore_index=True)
    store.add("ort", parse_csv(ROWS, device="cpu"), profiles=profiles)
    loaded = LatencyStore(db).profiles("ort")
    assert list(loaded.columns) == [*PROFILE_HEADER, "threads", "dtype"]
    assert loaded.dtypes.astype(str).tolist() == [
        "float64", "int64", "object", "object", "int64", "float64", "float64", "Int64", "object",
    ]  # fmt: skip
    assert loaded[PROFILE_HEADER].to_numpy().tolist() == profiles.to_numpy().tolist()
    assert (
        loaded.threads.tolist() == [1] * 6 and loaded.dtype.tolist() == ["float32"] * 6
    )  # from each point's row
    assert store.profiles("tflite-pixel2-cpu-float").empty  # built-in datasets have none
    listing = store.datasets().set_index("name")
    assert listing.loc["ort", "profiles"] == 2 and listing.loc["tflite-pixel2-cpu-float", "profiles"] == 0


@pytest.mark.parametrize(
    ("profiles", "message"),
    [
        (layers(0.25, 64).assign(time_ms=[0.1, -1.0, 0.0]), "row 1, column time_ms: -1.0 is not allowed"),
        (layers(0.25, 64).assign(whole_ms=0.0), "column whole_ms: 0.0 is not allowed; whole_ms must be"),
        (layers(0.25, 64).assign(macs=[1.5, 2, 0]), "row 0, column macs: 1.5 is not allowed"),
        (layers(0.25, 64).assign(layer=["a", "\x1b[31m", "c"]), r"column layer: '\x1b[31m' holds control"),
        (layers(0.25, 64).drop(columns="kind"), "the table lacks column(s) kind"),
        (layers(0.25, 128), "profile row 0 (alpha 0.25, resolution 128) is of no design point of the rows"),
        (pd.concat([layers(0.25, 64), layers(0.25, 64)]), "layer 'Conv2d_0' appears twice"),
        (layers(0.25, 64).assign(threads=4, dtype="float32"), "is of no design point of the rows"),
    ],
)
def test_a_bad_profile_stores_nothing_of_the_import(db, profiles, message):
    store = LatencyStore(db)
    with pytest.raises(DatasetError, match="nothing was imported") as error:
        store.add("ort", parse_csv(ROWS, device="cpu"), profiles=profiles)
    assert message in str(error.value)
    assert table_rows(db, "datasets") == table_rows(db, "measurements") == table_rows(db, "profiles") == 0


def test_a_point_profiled_twice_in_one_dataset_is_refused_whole(db):
    store = LatencyStore(db)
    store.add("ort", parse_csv(ROWS, device="cpu"), profiles=layers(0.25, 64))
    second = "alpha,resolution,latency_ms,threads,dtype,device\n0.25,64,0.31,1,float32,other cpu\n"
    with pytest.raises(DatasetError, match=r"already has a profile of 1 of these design points \(0.25_64\)"):
        store.add("ort", parse_csv(second), profiles=layers(0.25, 64))
    assert table_rows(db, "measurements") == 2 and table_rows(db, "profiles") == 3
    ambiguous = "alpha,resolution,latency_ms,threads,dtype\n0.5,64,0.4,1,float32\n0.5,64,0.3,2,float32\n"
    with pytest.raises(DatasetError, match="matches several rows: give threads and dtype"):
        store.add("two", parse_csv(ambiguous, device="cpu"), profiles=layers(0.5, 64))


def test_rename_carries_the_profiles_and_delete_removes_them(db):
    store = LatencyStore(db)
    store.add("ort", parse_csv(ROWS, device="cpu"), profiles=layers(0.25, 96))
    store.rename("ort", "ort-renamed")
    assert store.profiles("ort-renamed").layer.tolist() == ["Conv2d_0", "Conv2d_1_depthwise", "other"]
    with pytest.raises(DatasetError, match="does not exist"):
        store.profiles("ort")
    assert store.delete("ort-renamed") == 2
    assert table_rows(db, "profiles") == 0


def test_cli_lists_and_exports_the_profiles(db, tmp_path, capsys):
    LatencyStore(db).add("ort", parse_csv(ROWS, device="cpu"), profiles=layers(0.25, 64).assign(kind="=cmd"))
    assert main(["latency", "list", "--db", str(db)]) == 0
    listed = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()[1:]}
    assert listed["ort"].endswith("1 points") and not listed["tflite-pixel2-cpu-float"].endswith("points")
    target = tmp_path / "layers.csv"
    assert main(["latency", "export", "ort", "--profiles", "-o", str(target), "--db", str(db)]) == 0
    raw = target.read_bytes().decode()
    assert raw.split("\r\n")[0] == ",".join([*PROFILE_HEADER, "threads", "dtype"])
    exported = pd.read_csv(io.StringIO(raw))
    assert exported.time_ms.tolist() == [0.125, 0.0625, 0.01] and exported.kind.tolist() == ["'=cmd"] * 3
    capsys.readouterr()
    assert main(["latency", "export", "tflite-pixel2-cpu-float", "--profiles", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert (
        err.count("\n") == 1 and "has no per-layer profiles; 'mobilenet-cost measure --profile FILE'" in err
    )


def old_database(path, version: int) -> None:
    """A database as a release of schema ``version`` wrote it, with one dataset."""
    connection = sqlite3.connect(path, isolation_level=None)
    for step in store_module.MIGRATIONS[:version]:
        step(connection)
    connection.execute(f"PRAGMA user_version = {version}")
    connection.execute(f"PRAGMA application_id = {store_module.APPLICATION_ID}")
    connection.execute("INSERT INTO datasets (name, created) VALUES ('old', '2025-01-01T00:00:00+00:00')")
    connection.execute(
        "INSERT INTO measurements (dataset_id, alpha, resolution, latency_ms, device) VALUES (1, 0.5, 160, 26.8, 'x')"
    )
    connection.close()


@pytest.mark.parametrize("version", [1, 2])
def test_an_older_database_is_migrated_to_schema_3_and_keeps_its_datasets(tmp_path, version):
    path = tmp_path / f"v{version}.sqlite3"
    old_database(path, version)
    store = LatencyStore(path)
    with sqlite3.connect(path) as check:
        assert check.execute("PRAGMA user_version").fetchone()[0] == store_module.SCHEMA_VERSION == 3
        tables = {row[0] for row in check.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"datasets", "measurements", "devices", "profiles"} <= tables
    assert store.load("old").latency_ms.tolist() == [26.8] and store.profiles("old").empty
    assert store.datasets().set_index("name").loc["old", "profiles"] == 0
    store.add("ort", parse_csv(ROWS, device="cpu"), profiles=layers(0.25, 64))
    assert len(LatencyStore(path).profiles("ort")) == 3


def test_a_read_only_schema_2_database_lists_without_profiles(tmp_path, monkeypatch):
    path = tmp_path / "v2.sqlite3"
    old_database(path, 2)
    before = path.read_bytes()
    monkeypatch.setattr(store_module.os, "access", lambda p, mode: mode != os.W_OK)  # as for a user, not root
    store = LatencyStore(path)
    assert store.read_only and store.profiles("old").empty
    assert store.datasets().set_index("name").loc["old", "profiles"] == 0
    with pytest.raises(DatasetError, match="read-only"):
        store.add("ort", parse_csv(ROWS, device="cpu"), profiles=layers(0.25, 64))
    assert path.read_bytes() == before


@pytest.mark.slow
def test_measure_profile_stores_the_profiles_with_the_dataset(db, tmp_path, capsys):
    out = tmp_path / "layers.csv"
    argv = [
        "measure",
        "--alpha",
        "0.25",
        "--resolution",
        "32",
        "--runs",
        "2",
        "--warmup",
        "1",
        "--no-progress",
    ]
    assert main([*argv, "--profile", str(out), "--dataset", "ort", "--db", str(db)]) == 0
    stored = LatencyStore(db).profiles("ort")
    written = pd.read_csv(out)
    assert list(written.columns) == PROFILE_HEADER  # the FILE output stays as it was
    assert stored[PROFILE_HEADER].to_numpy().tolist() == written.to_numpy().tolist()
    assert stored.threads.tolist() == [1] * 30 and stored.dtype.tolist() == ["float32"] * 30
