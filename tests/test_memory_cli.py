"""The memory, devices and best --ram/--flash commands; devices in the store; budgets on bytes (issue 14)."""

import sqlite3

import pytest
from independent_counter import memory

from costmodel.cli import main
from costmodel.latency.store import LatencyStore
from costmodel.reference.budget import BudgetTooSmall, max_resolution
from costmodel.reference.devices import check_device
from costmodel.reference.tables import load_table


def test_memory_command_prints_buffers_peak_flash_and_the_fit(capsys):
    assert main(["memory", "--alpha", "0.25", "--resolution", "96", "--dtype", "int8", "--device", "stm32f746"]) == 0
    out = capsys.readouterr().out
    expected = memory(0.25, 96, dtype="int8")
    assert f"Peak activation memory: {expected['peak_activation_bytes']:,} B" in out
    assert f"at {expected['peak_layer']}" in out
    assert f"Flash (weights and biases, batch norm folded): {expected['weight_bytes']:,} B" in out
    assert f"RAM: fits; margin {327680 - expected['peak_activation_bytes']:,} B" in out
    assert f"flash: fits; margin {1048576 - expected['weight_bytes']:,} B" in out
    assert "overall: fits" in out


def test_memory_command_says_what_does_not_fit(capsys):
    assert main(["memory", "--alpha", "1", "--dtype", "int8", "--device", "nrf52840"]) == 0
    out = capsys.readouterr().out
    short = memory(1.0, 224, dtype="int8")["peak_activation_bytes"] - 262144
    assert f"RAM: does NOT fit; short by {short:,} B" in out and "overall: does NOT fit" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["memory", "--device", "stm32"], "device 'stm32' is unknown"),
        (["memory", "--dtype", "int4"], "invalid choice: 'int4'"),
        (["memory", "--planner", "greedy"], "invalid choice: 'greedy'"),
        (["memory", "--input-channels", "0"], "input_channels=0 is out of range"),
        (["best", "--ram", "320 kilo"], "--ram: '320 kilo' has an unknown unit 'kilo'"),
        (["best", "--ram", "0"], "--ram: '0' must be a positive amount"),
        (["best", "--flash", "1e40"], "--flash"),
        (["best", "--ram", "1KiB", "--dtype", "int8"], "budget"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(argv, message, capsys):
    try:
        status = main(argv)
    except SystemExit as exit:  # argparse's own refusals
        status = exit.code
    assert status == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_best_under_ram_and_flash_budgets(capsys):
    assert main(["best", "--ram", "320KiB", "--flash", "1MiB", "--dtype", "int8", "--format", "csv", "--all"]) == 0
    out = capsys.readouterr().out.splitlines()
    header = out[0].split(",")
    ram, flash = header.index("peak_activation_bytes"), header.index("flash_bytes")
    alpha, side = header.index("alpha"), header.index("resolution")
    assert len(out) > 1
    for line in out[1:]:
        cells = line.split(",")
        expected = memory(float(cells[alpha]), int(cells[side]), dtype="int8")
        assert int(cells[ram]) == expected["peak_activation_bytes"] <= 320 * 1024
        assert int(cells[flash]) == expected["weight_bytes"] <= 1024 * 1024


@pytest.mark.parametrize(("alpha", "budget", "planner"), [(0.5, 256 * 1024, "chain"), (0.25, 320 * 1024, "chain"),
                                                          (0.5, 256 * 1024, "inplace-depthwise"), (1.0, 100_000, "chain")])  # fmt: skip
def test_largest_resolution_within_a_ram_budget_is_exact(alpha, budget, planner):
    side = max_resolution(alpha, budget, metric="ram", dtype="int8", planner=planner)
    assert memory(alpha, side, dtype="int8", planner=planner)["peak_activation_bytes"] <= budget
    assert memory(alpha, side + 1, dtype="int8", planner=planner)["peak_activation_bytes"] > budget


def test_ram_budget_by_hand():
    # alpha = 0.5, int8: the peak is Conv2d_1_pointwise, (16 + 32) channels at ceil(side / 2)²;
    # 48 · 73² = 255,792 <= 262,144 < 48 · 74² = 262,848, so side 146 (ceil(146 / 2) = 73) and not 147
    assert max_resolution(0.5, 256 * 1024, metric="ram", dtype="int8") == 146


def test_bad_byte_budgets():
    with pytest.raises(BudgetTooSmall, match="budget ram=1,000 is below the smallest model"):
        max_resolution(0.5, 1000, metric="ram", dtype="int8")
    with pytest.raises(ValueError, match="budget ram=-1 is not allowed"):
        max_resolution(0.5, -1, metric="ram")
    with pytest.raises(ValueError, match="metric='bytes' is not allowed"):
        max_resolution(0.5, 1000, metric="bytes")


def test_every_builtin_device_has_a_source():
    devices = load_table("devices")
    assert devices["source"].str.len().min() > 10
    for row in devices.to_dict("records"):
        check_device(row)
    with pytest.raises(ValueError, match="device 'x' has no source"):
        check_device({"device": "x", "ram_bytes": 1024, "source": " "})
    with pytest.raises(ValueError, match="device ram_bytes=-5 is not allowed"):
        check_device({"device": "x", "ram_bytes": -5, "source": "s"})


def test_devices_cli_add_list_delete(tmp_path, capsys):
    db = str(tmp_path / "d.sqlite3")
    assert main(["devices", "add", "myboard", "--ram", "256KiB", "--flash", "1MiB", "--source", "rev 2 datasheet", "--db", db]) == 0
    assert main(["devices", "add", "myboard", "--ram", "256KiB", "--source", "again", "--db", db]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["devices", "add", "other", "--ram", "256KiB", "--source", "", "--db", db]) == 2
    assert "has no source" in capsys.readouterr().err
    assert main(["devices", "add", "stm32f746", "--ram", "1KiB", "--source", "x", "--db", db]) == 2
    assert main(["devices", "list", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "myboard" in out and "stm32f746" in out and "262,144" in out
    assert main(["memory", "--alpha", "0.25", "--resolution", "96", "--dtype", "int8", "--device", "myboard", "--db", db]) == 0
    assert "overall: fits" in capsys.readouterr().out
    assert main(["devices", "delete", "myboard", "--db", db]) == 0
    assert main(["devices", "delete", "myboard", "--db", db]) == 2
    assert main(["devices", "delete", "stm32f746", "--db", db]) == 2


def test_a_schema_1_database_is_migrated_and_keeps_its_datasets(tmp_path):
    from costmodel.latency import store as store_module
    from costmodel.latency.importer import parse_csv

    path = tmp_path / "old.sqlite3"
    connection = sqlite3.connect(path, isolation_level=None)
    store_module.MIGRATIONS[0](connection)  # the version 1 schema, as older releases wrote it
    connection.execute("PRAGMA user_version = 1")
    connection.execute(f"PRAGMA application_id = {store_module.APPLICATION_ID}")
    connection.close()
    old = LatencyStore(path)
    old.add("phone", parse_csv("alpha,resolution,latency_ms\n0.5,160,26.8\n", device="Pixel 2"))
    assert old.devices() == []
    old.add_device({"device": "board", "ram_bytes": 65536, "source": "datasheet"})
    again = LatencyStore(path)
    assert again.load("phone")["latency_ms"].tolist() == [26.8]
    assert [d.device for d in again.devices()] == ["board"]
    with sqlite3.connect(path) as check:
        assert check.execute("PRAGMA user_version").fetchone()[0] == store_module.SCHEMA_VERSION
