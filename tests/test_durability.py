"""Durability, kept proven (docs/durability.md): an import killed with SIGKILL leaves the database whole, either
without the dataset or with all of it; a restarted process sees everything committed; two servers on one
database file see each other's imports. (Concurrent importers: tests/test_latency_store.py.)"""

import base64
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from app_testing import dependencies, free_port, request, server_process
from costmodel.dashboard import ids

from costmodel.latency.store import LatencyStore

ROWS = 60_000


def _big_csv(path, rows=ROWS):
    lines = ["alpha,resolution,latency_ms,device,threads,batch"]
    lines += [f"0.5,160,{1 + i * 1e-5:.6f},Pixel,{1 + i % 4000},{1 + i // 4000}" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n")


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.3, 0.8, 1.5, 3.0])
def test_sigkill_during_an_import_leaves_all_or_nothing(tmp_path, delay):
    db = tmp_path / "db.sqlite3"
    source = tmp_path / "big.csv"
    _big_csv(source)
    LatencyStore(db).add("kept", LatencyStore(db).load("tflite-pixel2-cpu-float").assign(device="copy"))
    process = subprocess.Popen(
        [sys.executable, "-m", "costmodel", "latency", "import", str(source), "--dataset", "big", "--db", str(db)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA quick_check").fetchone() == ("ok",)
    connection.close()
    store = LatencyStore(db)  # a restart: the next process opens what the killed one left
    listing = store.datasets().set_index("name")
    assert listing.loc["kept", "rows"] == 16
    assert "big" not in listing.index or listing.loc["big", "rows"] == ROWS


@pytest.mark.slow
def test_a_restart_sees_every_committed_import(tmp_path):
    db = tmp_path / "db.sqlite3"
    code = (
        "import sys; from costmodel.latency.importer import import_latency; "
        "import_latency('alpha,resolution,latency_ms\\n0.5,160,' + sys.argv[1] + '\\n', device='d', "
        "dataset='run' + sys.argv[1], db=sys.argv[2])"
    )
    for i in range(1, 4):
        subprocess.run([sys.executable, "-c", code, str(i), str(db)], check=True)
    assert [n for n in LatencyStore(db).names() if n.startswith("run")] == ["run1", "run2", "run3"]


def _manage(port, upload=None, filename=None):
    """The Latency page's manage callback: an upload when ``upload`` is given, else just the listing."""
    spec = next(d for d in dependencies(port) if f"{ids.LATENCY_DATASETS_TABLE}.children" in d["output"])
    outputs = [
        dict(zip(("id", "property"), o.rsplit(".", 1), strict=True)) for o in spec["output"].strip(".").split("...")
    ]
    values = {ids.LATENCY_UPLOAD: upload, ids.LATENCY_NEW_NAME: "shared-upload"}
    body = {
        "output": spec["output"],
        "outputs": outputs,
        "inputs": [{**i, "value": values.get(i["id"])} for i in spec["inputs"]],
        "state": [{**s, "value": filename if s["property"] == "filename" else values.get(s["id"])} for s in spec["state"]],
        "changedPropIds": [f"{ids.LATENCY_UPLOAD}.contents"] if upload else [],
    }
    status, answer = request("POST", port, "/_dash-update-component", json.dumps(body).encode())
    assert status == 200, answer[:300]
    return json.dumps(json.loads(answer)["response"])


@pytest.mark.slow
def test_two_servers_on_one_database_file_see_each_others_imports(tmp_path, monkeypatch):
    db = tmp_path / "shared.sqlite3"
    LatencyStore(db)
    monkeypatch.setenv("MOBILENET_COST_DB", str(db))
    first, second = free_port(), free_port()
    with server_process(first) as one, server_process(second) as two:
        text = "alpha,resolution,latency_ms,device\n0.5,160,26.8,Pixel 2\n0.75,192,40.1,Pixel 2\n"
        upload = "data:text/csv;base64," + base64.b64encode(text.encode()).decode()
        assert "Imported 2 rows" in _manage(first, upload, "pixel.csv")
        assert "shared-upload" in _manage(second)  # the other server lists it at once
        subprocess.run([sys.executable, "-m", "costmodel", "latency", "delete", "shared-upload", "--db", str(db)],
                       check=True, capture_output=True)  # fmt: skip
        assert "shared-upload" not in _manage(first) and "shared-upload" not in _manage(second)
    for process in (one, two):
        assert process.returncode is not None
    assert os.path.exists(db) and LatencyStore(db).names()[-1] != "shared-upload"
