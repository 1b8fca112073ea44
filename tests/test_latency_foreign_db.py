"""Databases that are not ours (foreign, corrupt, read-only, missing folders, devices) are refused by name and
left as they are; the server's edges answer 404, not 500."""

import os
import sqlite3
import stat
import subprocess

import pytest

from costmodel.cli import main
from costmodel.latency import store as store_module
from costmodel.latency.importer import LatencyImportError, import_latency
from costmodel.latency.store import DatasetError, LatencyStore

CSV = "alpha,resolution,latency_ms,device\n0.5,160,26.8,Pixel 2\n"


def run(capsys, *argv):
    status = main(list(argv))
    return status, capsys.readouterr().err


@pytest.fixture
def foreign(tmp_path):
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
        connection.execute("INSERT INTO invoices (total) VALUES (12.5)")
    connection.close()
    return path


@pytest.mark.parametrize("argv", [["latency", "list"], ["latency", "import", "-"], ["latency", "export", "x"]])
def test_a_foreign_sqlite_file_is_refused_and_unchanged(foreign, tmp_path, capsys, argv):
    before = foreign.read_bytes()
    csv = tmp_path / "data.csv"
    csv.write_text(CSV)
    argv = [str(csv) if a == "-" else a for a in argv]
    status, err = run(capsys, *argv, "--db", str(foreign))
    assert status == 2 and "not a mobilenet-costmodel database" in err and "invoices" in err
    assert foreign.read_bytes() == before


def test_a_corrupt_database_refuses_imports(tmp_path):
    path = tmp_path / "db.sqlite3"
    LatencyStore(path).add("kept", import_frame())
    with sqlite3.connect(path) as connection:  # break the index b-tree: quick_check sees it
        connection.execute("PRAGMA writable_schema = ON")
        connection.execute("UPDATE sqlite_master SET rootpage = 2 WHERE name = 'measurements_dataset'")
    connection.close()
    with pytest.raises(DatasetError, match=r"corrupt|malformed"):
        import_latency(CSV, dataset="more", db=path)


def test_garbage_is_not_a_database(tmp_path, capsys):
    path = tmp_path / "junk.sqlite3"
    path.write_bytes(b"\x01" * 4096)
    status, err = run(capsys, "latency", "list", "--db", str(path))
    assert status == 2 and "not a database" in err and err.count("\n") == 1
    assert path.read_bytes() == b"\x01" * 4096


def test_a_read_only_database_is_listed_and_refuses_writes(tmp_path, monkeypatch, capsys):
    path = tmp_path / "db.sqlite3"
    LatencyStore(path).add("mine", import_frame())
    before = path.read_bytes()
    monkeypatch.setattr(store_module.os, "access", lambda p, mode: mode != os.W_OK)  # as for a user, not root
    store = LatencyStore(path)
    assert store.read_only and "mine" in store.names() and len(store.load("mine")) == 1
    with pytest.raises(DatasetError, match="read-only"):
        store.delete("mine")
    assert run(capsys, "latency", "list", "--db", str(path))[0] == 0
    assert path.read_bytes() == before


def test_db_never_creates_folders_up_to_root(tmp_path, capsys):
    target = tmp_path / "a" / "b" / "c" / "db.sqlite3"
    status, err = run(capsys, "latency", "list", "--db", str(target))
    assert status == 2 and "does not exist; create it first" in err
    assert not (tmp_path / "a").exists()


def test_a_device_is_not_a_database_or_an_import(tmp_path, capsys):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    with pytest.raises(DatasetError, match="not a regular file"):
        LatencyStore(fifo)
    with pytest.raises(LatencyImportError, match="not a regular file"):
        import_latency(fifo, device="x", db=tmp_path / "db.sqlite3")
    status, err = run(capsys, "latency", "import", "/dev/zero", "--device", "x", "--db", str(tmp_path / "db.sqlite3"))
    assert status == 2 and "not a regular file" in err and "no such file" not in err


def test_frontier_options_say_why_the_database_cannot_be_used(foreign):
    from costmodel.dashboard.frontier import latency_source_options

    options = latency_source_options(str(foreign))
    assert options[0]["value"] == "published" and options[-1]["disabled"]
    assert "not a mobilenet-costmodel database" in options[-1]["label"]


def test_serve_checks_the_environment_database_at_start(foreign, monkeypatch, capsys):
    monkeypatch.setenv("MOBILENET_COST_DB", str(foreign))
    from app_testing import free_port
    from costmodel.dashboard.server import main as server_main

    assert server_main(["--port", str(free_port())]) == 2
    assert "not a mobilenet-costmodel database" in capsys.readouterr().err


def test_unknown_component_suite_paths_are_404():
    from costmodel.dashboard.main import create_app

    client = create_app().server.test_client()
    for path in ("/_dash-component-suites/nope/x.js", "/_dash-component-suites/dash/nope.js",
                 "/_dash-component-suites/dash/../../etc/passwd"):  # fmt: skip
        assert client.get(path).status_code == 404


def import_frame():
    from costmodel.latency.importer import parse_latency

    return parse_latency(CSV)


@pytest.fixture
def tiny_disk(tmp_path):
    """A 256 KiB tmpfs mounted in the temp dir (needs root; skipped otherwise)."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("mounting a tmpfs needs root")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


@pytest.mark.slow
def test_a_full_disk_is_named_and_leaves_nothing_behind(tiny_disk):
    db = tiny_disk / "db.sqlite3"
    rows = "\n".join(f"0.5,160,{1 + i * 1e-5:.6f},Pixel,{1 + i % 4000},{1 + i // 4000}" for i in range(20_000))
    with pytest.raises(DatasetError, match="disk is full"):
        import_latency("alpha,resolution,latency_ms,device,threads,batch\n" + rows + "\n", dataset="big", db=db)
    assert sorted(p.name for p in tiny_disk.iterdir()) == ["db.sqlite3"]  # no -wal or -shm left
    assert LatencyStore(db).names()[-1] == "tflite-pixel3-nnapi-quant"  # the failed import stored nothing
    new = tiny_disk / "new.sqlite3"
    subprocess.run(["dd", "if=/dev/zero", f"of={tiny_disk / 'fill'}", "bs=1k", "count=300"], capture_output=True)
    with pytest.raises(DatasetError, match="disk is full"):
        LatencyStore(new)
    assert not new.exists()
