"""One row check for every latency import path: CSV, benchmark_model logs, the Python API and the dashboard
upload refuse the same hostile values, and nothing is stored."""

import base64

import pandas as pd
import pytest
from costmodel.dashboard import latency_view

from costmodel.cli import main
from costmodel.latency.importer import LatencyImportError, import_latency, parse_latency
from costmodel.latency.schema import check_value, printable
from costmodel.latency.store import DatasetError, LatencyStore

GOOD = {"alpha": "0.5", "resolution": "160", "latency_ms": "26.8", "device": "Pixel 2", "threads": "4", "std_ms": "0.5"}
HOSTILE_CELLS = [
    ("threads", "99999999999999999999999"), ("threads", "0"), ("threads", "5000000000"), ("threads", "1.5"),
    ("std_ms", "1e400"), ("std_ms", "-1"), ("latency_ms", "1e-300"), ("latency_ms", "1e400"),
    ("device", "d" * 10_000), ("device", "\x1b[31mred"), ("notes", "a\x07b"), ("runtime", "x\u202ey"),
    ("alpha", "1e9"), ("resolution", "224.7"), ("resolution", "1e10000000"),
]  # fmt: skip


def _csv(column, value):
    row = {**GOOD, column: value}
    return ",".join(row) + "\n" + ",".join(row.values()) + "\n"


def _log(column, value):
    alpha = value if column == "alpha" else "0.5"
    resolution = value if column == "resolution" else "160"
    threads = value if column == "threads" else "4"
    std = value if column == "std_ms" else "500"
    latency = value if column == "latency_ms" else "26800"
    return (
        f"Graph: [mobilenet_v1_{alpha}_{resolution}.tflite]\nNum threads: [{threads}]\n"
        f"count=50 first=1 curr=1 min=1 max=1 avg=26800 std={std}\n"
        f"Inference timings in us: Init: 1, First inference: 1, Warmup (avg): 1, Inference (avg): {latency}\n"
    )


def _api_frame(column, value):
    frame = pd.DataFrame([{**GOOD, column: value}])
    for name in ("alpha", "latency_ms", "std_ms", "resolution", "threads"):
        if name != column:
            frame[name] = pd.to_numeric(frame[name])
    return frame


@pytest.mark.slow  # four import paths and a fresh SQLite store per cell, about 0.6 s each
@pytest.mark.parametrize(("column", "value"), HOSTILE_CELLS, ids=lambda v: v[:20])
def test_every_path_refuses_the_same_cell(tmp_path, column, value):
    db = tmp_path / "db.sqlite3"
    store = LatencyStore(db)
    store.add("kept", parse_latency(_csv("notes", "fine")))
    before = store.load("kept")
    refused = []
    with pytest.raises(LatencyImportError) as csv_error:
        import_latency(_csv(column, value), dataset="csv", db=db)
    refused.append(str(csv_error.value))
    if column in ("threads", "std_ms", "latency_ms", "alpha", "resolution") and value not in ("1.5", "-1"):
        # what a log can carry (its patterns hold no sign or point there)
        with pytest.raises((LatencyImportError, ValueError)) as log_error:
            import_latency(_log(column, value), device="Pixel 2", dataset="log", db=db)
        refused.append(str(log_error.value))
    with pytest.raises(DatasetError) as api_error:
        store.add("api", _api_frame(column, value))
    refused.append(str(api_error.value))
    upload = "data:text/csv;base64," + base64.b64encode(_csv(column, value).encode()).decode()
    result = latency_view.upload(upload, "up.csv", None, None, "upload", db=db)
    assert result.problems
    refused.append(" ".join(result.problems))
    for message in refused:
        assert column in message and "\x1b" not in message and "\x07" not in message
        assert len(message) < 1000, message[:200]
    assert store.names() == ["kept"] or set(store.names()) <= {"kept"} | set(store.datasets().name[store.datasets().builtin])
    pd.testing.assert_frame_equal(store.load("kept"), before)


@pytest.mark.parametrize("device", ["", "   ", "d" * 10_000, "\x1b[31mred", 5])
def test_device_arguments_are_checked_once(tmp_path, device):
    with pytest.raises((ValueError, TypeError), match="device argument"):
        import_latency(_log("notes", ""), device=device, dataset="x", db=tmp_path / "db.sqlite3")


def test_cli_device_empty_is_one_line(tmp_path, capsys):
    log = tmp_path / "run.log"
    log.write_text(_log("notes", ""))
    assert main(["latency", "import", str(log), "--device", "", "--db", str(tmp_path / "db.sqlite3")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "device argument" in err


def test_list_escapes_control_characters_already_stored(tmp_path, capsys):
    """A database written before the check (or by another tool) may hold escapes: they are shown, not run."""
    import sqlite3

    db = tmp_path / "db.sqlite3"
    LatencyStore(db).add("old", parse_latency(_csv("notes", "fine")))
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE measurements SET device = ?", ("\x1b[31mred",))
    assert main(["latency", "list", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\\x1b[31mred" in out


def test_check_value_keeps_good_cells():
    assert check_value("threads", 4) == 4 and check_value("std_ms", "500", 1e-3) == 0.5
    assert check_value("notes", None) is None and check_value("notes", float("nan")) is None
    assert printable("plain") == "plain" and printable("\x07") == "\\x07"
