"""Writing output files never destroys what was there: existing files need --force, the database in use is
never written, symbolic links are followed, devices and pipes are written in place. All in a temp dir: device
nodes are made there (as root) with mknod, never the machine's own."""

import os
import socket
import stat
import threading

import pytest

from costmodel.cli import main
from costmodel.latency.store import LatencyStore
from costmodel.output.files import write_files

REPORT = ["report", "--alpha", "0.5", "--resolution", "160", "--format", "json"]


def run(capsys, *argv):
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_existing_file_needs_force_and_keeps_its_mode(tmp_path, capsys):
    target = tmp_path / "out.json"
    target.write_text("precious\n")
    target.chmod(0o640)
    status, _, err = run(capsys, *REPORT, "-o", str(target))
    assert status == 2 and "exists; pass --force" in err and err.count("\n") == 1
    assert target.read_text() == "precious\n"
    assert run(capsys, *REPORT, "-o", str(target), "--force")[0] == 0
    assert '"macs": 76524800' in target.read_text()
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]  # no temporary left


def test_symlink_is_followed_and_stays_a_link(tmp_path, capsys):
    real = tmp_path / "real.json"
    link = tmp_path / "link.json"
    link.symlink_to(real)  # dangling: the file it names is created
    assert run(capsys, *REPORT, "-o", str(link))[0] == 0
    assert link.is_symlink() and real.is_file() and "76524800" in real.read_text()
    assert run(capsys, *REPORT, "-o", str(link))[0] == 2  # now it exists
    assert run(capsys, *REPORT, "-o", str(link), "--force")[0] == 0
    assert link.is_symlink() and os.readlink(link) == str(real)


def test_fifo_is_written_in_place(tmp_path, capsys):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    assert run(capsys, *REPORT, "-o", str(fifo))[0] == 0  # no --force: a pipe is not a file to keep
    reader.join(timeout=30)
    assert stat.S_ISFIFO(fifo.stat().st_mode) and "76524800" in received[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


@pytest.fixture
def null_device(tmp_path):
    """A character device equal to /dev/null (major 1, minor 3), made in the temp dir."""
    node = tmp_path / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, OSError) as error:
        pytest.skip(f"mknod needs root: {error}")
    return node


def test_character_device_is_written_not_replaced(null_device, capsys):
    assert run(capsys, *REPORT, "-o", str(null_device))[0] == 0
    assert stat.S_ISCHR(null_device.stat().st_mode)
    assert run(capsys, "grid", "-o", str(null_device))[0] == 0
    assert stat.S_ISCHR(null_device.stat().st_mode)
    assert sorted(p.name for p in null_device.parent.iterdir()) == ["null"]  # no null.meta.json


def test_a_link_to_a_device_is_written_through(null_device, capsys):
    link = null_device.parent / "to-null"
    link.symlink_to(null_device)
    assert run(capsys, *REPORT, "-o", str(link))[0] == 0
    assert link.is_symlink() and stat.S_ISCHR(null_device.stat().st_mode)


def test_socket_and_folder_are_refused(tmp_path, capsys):
    path = tmp_path / "sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        status, _, err = run(capsys, *REPORT, "-o", str(path), "--force")
    assert status == 2 and "not a regular file" in err
    status, _, err = run(capsys, *REPORT, "-o", str(tmp_path), "--force")
    assert status == 2 and "is a folder" in err


@pytest.mark.parametrize("name", ["v.sqlite3", "v.sqlite3-wal", "link-to-db"])
def test_the_database_in_use_is_never_overwritten(tmp_path, capsys, name):
    db = tmp_path / "v.sqlite3"
    (tmp_path / "link-to-db").symlink_to(db)
    store = LatencyStore(db)
    store.add("mine", store.load("tflite-pixel2-cpu-float").assign(device="Pixel 2 copy"))
    before = store.load("mine")
    status, _, err = run(capsys, "latency", "export", "mine", "--db", str(db), "-o", str(tmp_path / name), "--force")
    assert status == 2 and "the database in use" in err
    assert LatencyStore(db).load("mine").equals(before)


def test_all_or_nothing_when_one_target_is_refused(tmp_path):
    (tmp_path / "b.csv").write_text("keep")
    with pytest.raises(ValueError, match="exists"):
        write_files({tmp_path / "a.csv": "new", tmp_path / "b.csv": "new"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.csv"] and (tmp_path / "b.csv").read_text() == "keep"
