"""The SQLite latency store: persistence, all-or-nothing imports, concurrency, built-ins, export, CLI."""

from __future__ import annotations

import csv
import io
import multiprocessing
import sqlite3

import pytest

from costmodel.cli import main
from costmodel.latency.importer import LatencyImportError, import_latency, parse_csv
from costmodel.latency.store import (
    BUILTIN_DATASETS,
    DB_ENV,
    SCHEMA_VERSION,
    DatasetError,
    LatencyStore,
    default_db_path,
)

GOOD = "alpha,resolution,latency_ms,notes\n0.25,128,3.7,first\n1.0,224,160.1,\n"


@pytest.fixture
def db(tmp_path):
    return tmp_path / "latency.sqlite3"


def stored_rows(db_path) -> int:
    with sqlite3.connect(db_path) as connection:
        return connection.execute("SELECT COUNT(*) FROM measurements").fetchone()[0]


def test_import_persists_across_a_reopen(db):
    result = import_latency(GOOD, device="Pixel 2", dataset="phone", db=db)
    assert (result.dataset, result.rows, result.created) == ("phone", 2, True)
    reopened = LatencyStore(db)
    frame = reopened.load("phone")
    assert frame[["alpha", "resolution", "latency_ms", "notes"]].to_numpy().tolist() == [
        [0.25, 128, 3.7, "first"],
        [1.0, 224, 160.1, None],
    ]
    listing = reopened.datasets().set_index("name")
    assert listing.loc["phone", "rows"] == 2
    assert listing.loc["phone", "devices"] == "Pixel 2"
    assert not listing.loc["phone", "builtin"]


def test_database_is_wal_with_versioned_schema(db):
    LatencyStore(db)
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3


def test_a_newer_schema_is_refused_and_left_alone(db):
    LatencyStore(db)
    with sqlite3.connect(db) as connection:
        connection.execute("PRAGMA user_version = 99")
    with pytest.raises(DatasetError, match="schema version 99 is newer"):
        LatencyStore(db)
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == 99


def test_a_failed_import_stores_nothing(db):
    import_latency(GOOD, device="Pixel 2", dataset="phone", db=db)
    bad = "alpha,resolution,latency_ms\n0.5,160,26.8\n0.75,192,-1\n"
    with pytest.raises(LatencyImportError):
        import_latency(bad, device="Pixel 2", dataset="phone", db=db)
    with pytest.raises(LatencyImportError):
        import_latency(bad, device="Pixel 2", dataset="other", db=db)
    assert stored_rows(db) == 2
    assert LatencyStore(db).names() == [*BUILTIN_DATASETS, "phone"]


def test_rows_duplicating_stored_ones_abort_the_whole_import(db):
    import_latency(GOOD, device="Pixel 2", dataset="phone", db=db)
    more = "alpha,resolution,latency_ms\n0.5,160,26.8\n1.0,224,150\n"
    with pytest.raises(DatasetError, match="1 row\\(s\\) duplicate measurements already in dataset 'phone'"):
        import_latency(more, device="Pixel 2", dataset="phone", db=db)
    assert stored_rows(db) == 2
    added = import_latency(
        "alpha,resolution,latency_ms\n0.5,160,26.8\n", device="Pixel 2", dataset="phone", db=db
    )
    assert (added.rows, added.created) == (1, False)
    assert stored_rows(db) == 3


def test_rename_and_delete(db):
    store = LatencyStore(db)
    import_latency(GOOD, device="a", dataset="one", db=db)
    import_latency(GOOD, device="b", dataset="two", db=db)
    with pytest.raises(DatasetError, match="'two' already exists"):
        store.rename("one", "two")
    store.rename("one", "uno")
    assert store.load("uno").device.tolist() == ["a", "a"]
    with pytest.raises(DatasetError, match="'one' does not exist"):
        store.load("one")
    assert store.delete("uno") == 2
    assert stored_rows(db) == 2
    assert [n for n in store.names() if n not in BUILTIN_DATASETS] == ["two"]


@pytest.mark.parametrize("name", sorted(BUILTIN_DATASETS))
def test_builtin_datasets_are_read_only(db, name):
    store = LatencyStore(db)
    with pytest.raises(DatasetError, match="built in and read-only"):
        store.delete(name)
    with pytest.raises(DatasetError, match="built in and read-only"):
        store.rename(name, "mine")
    with pytest.raises(DatasetError, match="built in and read-only"):
        import_latency(GOOD, device="x", dataset=name, db=db)
    import_latency(GOOD, device="x", dataset="mine", db=db)
    with pytest.raises(DatasetError, match="taken by a built-in"):
        store.rename("mine", name)
    assert len(store.load(name)) == 16


def test_builtin_values_come_from_the_hosted_tables(db):
    store = LatencyStore(db)
    pixel2 = store.load("tflite-pixel2-cpu-float").set_index(["alpha", "resolution"])
    # hosted_models.md (Pixel 2, one big core): Mobilenet_V1_1.0_224 160.1 ms, Mobilenet_V1_0.25_128 6.2 ms
    assert pixel2.loc[(1.0, 224), "latency_ms"] == 160.1
    assert pixel2.loc[(0.25, 128), "latency_ms"] == 6.2
    gpu = store.load("tflite-pixel3-gpu-float").set_index(["alpha", "resolution"])
    assert gpu.loc[(1.0, 224), "latency_ms"] == 6.5
    assert set(gpu.runtime) == {"TF Lite GPU delegate"}


def test_bad_dataset_names(db):
    with pytest.raises(DatasetError, match="not allowed"):
        import_latency(GOOD, device="x", dataset="  ", db=db)
    with pytest.raises(DatasetError, match="not allowed"):
        import_latency(GOOD, device="x", dataset="a\nb", db=db)
    assert stored_rows(db) == 0


def test_export_neutralises_formula_cells(db):
    text = (
        "alpha,resolution,latency_ms,device,notes\n"
        "1.0,224,5,=cmd|' /C calc'!A0,+SUM(A1)\n"
        '0.5,160,3,@evil,"-2+3"\n'
        "0.25,128,1,tab,cr\n"
        "0.75,192,4,Pixel,plain\n"
    )
    frame = parse_csv(text)
    frame.loc[2, "device"], frame.loc[2, "notes"] = (
        "\tTab",
        "\rcr",
    )  # trimmed by the row check, as the CSV reader trims cells
    LatencyStore(db).add("risky", frame)
    exported = LatencyStore(db).export_csv("risky")
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert [r["device"] for r in rows] == ["'=cmd|' /C calc'!A0", "'@evil", "Tab", "Pixel"]
    assert [r["notes"] for r in rows] == ["'+SUM(A1)", "'-2+3", "cr", "plain"]
    assert [r["latency_ms"] for r in rows] == ["5.0", "3.0", "1.0", "4.0"]
    # the stored values themselves are unchanged
    assert LatencyStore(db).load("risky").device.tolist()[0] == "=cmd|' /C calc'!A0"


def test_export_reimports_to_the_same_rows(db):
    import_latency(GOOD, device="Pixel 2", dataset="phone", db=db)
    exported = LatencyStore(db).export_csv("phone")
    import_latency(exported, dataset="copy", db=db)
    store = LatencyStore(db)
    assert store.load("copy").equals(store.load("phone"))


def test_db_path_from_the_environment(tmp_path, monkeypatch):
    target = tmp_path / "env.sqlite3"
    monkeypatch.setenv(DB_ENV, str(target))
    assert default_db_path() == target
    import_latency(GOOD, device="x", dataset="via-env")
    assert stored_rows(target) == 2


def test_default_db_path_is_in_the_user_data_directory(monkeypatch, tmp_path):
    monkeypatch.delenv(DB_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_db_path() == tmp_path / "mobilenet-costmodel" / "latency.sqlite3"


def test_a_folder_is_not_a_database(tmp_path):
    with pytest.raises(DatasetError, match="is a folder"):
        LatencyStore(tmp_path)


def _import_many(db_path: str, worker: int, count: int) -> None:
    for i in range(count):
        text = "alpha,resolution,latency_ms\n" + "".join(
            f"1.0,{r},{worker + i + r / 1000}\n" for r in (128, 160, 192, 224)
        )
        import_latency(text, device=f"worker {worker}", dataset=f"w{worker}-{i}", db=db_path)
        import_latency(
            f"alpha,resolution,latency_ms,threads\n0.5,160,{i + 1},{i + 1}\n",
            device=f"worker {worker}",
            dataset="shared",
            db=db_path,
        )


@pytest.mark.slow
def test_concurrent_imports_from_several_processes_lose_nothing(db):
    LatencyStore(db)
    workers, count = 4, 8
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_import_many, args=(str(db), w, count)) for w in range(workers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=300)
    assert [p.exitcode for p in processes] == [0] * workers
    store = LatencyStore(db)
    listing = store.datasets().set_index("name")
    assert stored_rows(db) == workers * count * 5
    assert listing.loc["shared", "rows"] == workers * count
    for w in range(workers):
        for i in range(count):
            assert listing.loc[f"w{w}-{i}", "rows"] == 4


def run_cli(argv, capsys):
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_cli_import_list_rename_export_delete(tmp_path, db, capsys):
    source = tmp_path / "pixel.csv"
    source.write_text(GOOD)
    assert run_cli(["latency", "import", str(source), "--device", "Pixel 2", "--db", str(db)], capsys)[
        :2
    ] == (
        0,
        "imported 2 row(s); created dataset 'pixel'\n",
    )
    status, out, _ = run_cli(["latency", "list", "--db", str(db)], capsys)
    assert status == 0 and "pixel" in out and "tflite-pixel3-gpu-float" in out
    assert run_cli(["latency", "rename", "pixel", "p2", "--db", str(db)], capsys)[0] == 0
    target = tmp_path / "out.csv"
    assert run_cli(["latency", "export", "p2", "-o", str(target), "--db", str(db)], capsys)[0] == 0
    assert target.read_text().splitlines()[0] == "alpha,resolution,latency_ms,device,notes"
    assert (
        run_cli(["latency", "delete", "p2", "--db", str(db)], capsys)[1]
        == "deleted dataset 'p2' (2 row(s))\n"
    )


def test_cli_errors_are_one_line_with_status_2(tmp_path, db, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("alpha,resolution,latency_ms\n1,224,-3\n1,224,0\n")
    status, out, err = run_cli(["latency", "import", str(bad), "--device", "x", "--db", str(db)], capsys)
    assert status == 2 and out == ""
    assert err.count("\n") == 1
    assert (
        "row 2, column latency_ms" in err
        and "row 3, column latency_ms" in err
        and "nothing was imported" in err
    )
    for argv in (["latency", "delete", "tflite-pixel2-cpu-float"], ["latency", "export", "missing"]):
        status, _, err = run_cli([*argv, "--db", str(db)], capsys)
        assert status == 2 and err.count("\n") == 1
    assert stored_rows(db) == 0


def test_cli_fit_prints_the_model(db, capsys):
    status, out, _ = run_cli(["latency", "fit", "tflite-pixel2-cpu-float", "--db", str(db)], capsys)
    assert status == 0
    assert "macs_dw" in out and "leave-one-out: 100.0% of 16 points within ±10%" in out


@pytest.mark.parametrize("action", ["import", "list", "rename", "delete", "export", "fit"])
def test_every_help_has_an_example(action, capsys):
    with pytest.raises(SystemExit):
        main(["latency", action, "--help"])
    assert "Example: mobilenet-cost latency" in capsys.readouterr().out
