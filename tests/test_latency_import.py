"""Reading latency CSVs and benchmark_model logs: every accepted form and every bad input."""

from __future__ import annotations

import math

import pytest

from costmodel.latency.importer import (
    MAX_BYTES,
    MAX_ROWS,
    LatencyImportError,
    parse_latency,
)

GOOD = "alpha,resolution,latency_ms\n0.25,128,3.7\n1.0,224,160.1\n"


def problems_of(source, **kwargs) -> list[str]:
    with pytest.raises(LatencyImportError) as caught:
        parse_latency(source, **kwargs)
    assert isinstance(caught.value, ValueError)
    return caught.value.problems


def test_good_csv_gives_typed_rows_with_the_device_filled_in():
    df = parse_latency(GOOD, device="Pixel 2", runtime="tflite")
    assert df[["alpha", "resolution", "latency_ms"]].to_numpy().tolist() == [
        [0.25, 128, 3.7],
        [1.0, 224, 160.1],
    ]
    assert df.device.tolist() == ["Pixel 2", "Pixel 2"]
    assert df.runtime.tolist() == ["tflite", "tflite"]
    assert str(df.resolution.dtype) == "int64"


def test_bom_semicolons_and_microsecond_header_are_understood():
    text = "\ufeffAlpha;Resolution;Latency (us);std_us;Device\n0,5;160;26800;300;Pixel 2\n"
    # a decimal comma is not a number: the row must be rejected, not misread
    assert any("column alpha" in p and "'0,5'" in p for p in problems_of(text))
    df = parse_latency("\ufeffalpha;resolution;latency_us;std_us\n0.5;160;26800;300\n".encode(), device="d")
    assert df.latency_ms.tolist() == [26.8]
    assert df.std_ms.tolist() == [0.3]


def test_a_path_is_read(tmp_path):
    path = tmp_path / "phone.csv"
    path.write_text(GOOD, encoding="utf-8")
    assert len(parse_latency(path, device="x")) == 2
    assert len(parse_latency(str(path), device="x")) == 2


def test_missing_file_is_named(tmp_path):
    assert "no such file" in problems_of(str(tmp_path / "nope.csv"))[0]


def test_empty_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert "is empty" in problems_of(path)[0]
    assert "is empty" in problems_of("")[0]
    assert "is empty" in problems_of(b"\n\n  \n")[0]


def test_header_only_has_no_rows():
    assert problems_of("alpha,resolution,latency_ms\n", device="x") == ["no data rows after the header"]


def test_binary_file(tmp_path):
    path = tmp_path / "model.tflite"
    path.write_bytes(b"TFL3\x00\x00\x12\x00" + bytes(range(256)))
    assert "binary file" in problems_of(path)[0]
    assert "not UTF-8" in problems_of(b"alpha\xff\xfe,resolution\n")[0]


def test_wrong_columns_are_listed_with_what_is_allowed():
    problems = problems_of("a,res,time\n1,224,5\n", device="x")
    assert any("column 1 'a': unknown column" in p for p in problems)
    assert any("required column resolution is missing" in p for p in problems)
    assert any("required column latency_ms is missing" in p for p in problems)


def test_repeated_column_and_unknown_unit():
    assert any(
        "given more than once" in p for p in problems_of("alpha,alpha,resolution,latency_ms\n1,1,2,3\n")
    )
    assert any("unknown column" in p for p in problems_of("alpha,resolution,latency_minutes\n1,224,3\n"))


@pytest.mark.parametrize(
    ("cell", "reason"),
    [("-1", "latency must be a finite number > 0"), ("0", "latency must be"), ("nan", "latency must be"),
     ("inf", "latency must be"), ("fast", "is not a number"), ("", "a value is required")],
)  # fmt: skip
def test_bad_latency_names_row_and_column(cell, reason):
    problems = problems_of(f"alpha,resolution,latency_ms\n1.0,224,5\n0.5,160,{cell}\n", device="x")
    assert len(problems) == 1
    assert problems[0].startswith("row 3, column latency_ms:")
    assert reason in problems[0]


@pytest.mark.parametrize("alpha", ["0", "-0.5", "4.01", "nan"])
def test_alpha_out_of_range(alpha):
    problems = problems_of(f"alpha,resolution,latency_ms\n{alpha},224,5\n", device="x")
    assert problems == [f"row 2, column alpha: {alpha} is out of range; allowed 0 < alpha <= 4"]


@pytest.mark.parametrize("resolution", ["0", "-224", "4097", "224.5", "nan"])
def test_resolution_out_of_range(resolution):
    problems = problems_of(f"alpha,resolution,latency_ms\n1,{resolution},5\n", device="x")
    assert len(problems) == 1
    assert problems[0].startswith("row 2, column resolution:")
    assert "whole number 1 to 4096" in problems[0]


def test_every_bad_row_is_reported_at_once():
    text = "alpha,resolution,latency_ms\n1,224,5\n9,224,5\n1,99999,5\n1,160,-2\n"
    problems = problems_of(text, device="x")
    assert [p.split(":")[0] for p in problems] == [
        "row 3, column alpha",
        "row 4, column resolution",
        "row 5, column latency_ms",
    ]
    message = str(LatencyImportError(problems))
    assert message.startswith("3 problems in the latency data:")


def test_duplicates_are_detected_and_threads_tell_rows_apart():
    text = "alpha,resolution,latency_ms,threads\n1.0,224,5,1\n1,224,6,1\n1,224,3,4\n"
    problems = problems_of(text, device="x")
    assert len(problems) == 1
    assert problems[0].startswith("row 3: duplicate of row 2")


def test_row_with_wrong_cell_count():
    assert problems_of("alpha,resolution,latency_ms\n1,224\n", device="x") == [
        "row 2: 2 cells, but the header has 3"
    ]


def test_device_is_required_from_a_column_or_the_argument():
    problems = problems_of(GOOD)
    assert problems == ["rows 2-3, column device: empty; give a device column or a device name"]  # once, not per row
    df = parse_latency("alpha,resolution,latency_ms,device\n1,224,5,Pixel 4\n1,160,4,\n", device="fallback")
    assert df.device.tolist() == ["Pixel 4", "fallback"]


def test_file_over_the_size_limit_is_refused_before_reading(tmp_path):
    path = tmp_path / "big.csv"
    with path.open("w") as out:
        out.write("alpha,resolution,latency_ms\n")
        row = "1.0,224,5.0\n"
        out.write(row * (MAX_BYTES // len(row) + 1))
    problems = problems_of(path, device="x")
    assert (
        problems[0]
        == f"file 'big.csv' has {path.stat().st_size:,} bytes; the limit is {MAX_BYTES:,} bytes (5 MiB)"
    )


@pytest.mark.slow
def test_too_many_rows():
    text = "alpha,resolution,latency_ms\n" + "1,224,5\n" * (MAX_ROWS + 1)
    assert len(text.encode()) < MAX_BYTES
    assert problems_of(text, device="x") == [f"more than {MAX_ROWS:,} data rows; the limit is {MAX_ROWS:,}"]


LOG = """STARTING!
Num runs: [50]
Graph: [/data/local/tmp/mobilenet_v1_0.75_192_quant.tflite]
Num threads: [4]
Loaded model /data/local/tmp/mobilenet_v1_0.75_192_quant.tflite
count=50 first=37000 curr=33000 min=32100 max=39000 avg=33800.5 std=812
Inference timings in us: Init: 3141, First inference: 40210, Warmup (avg): 35012.3, Inference (avg): 33800.5
"""


def test_benchmark_model_log_gives_alpha_resolution_and_threads_from_the_graph():
    df = parse_latency(LOG, device="Pixel 3")
    row = df.iloc[0]
    assert (row.alpha, row.resolution, row.threads, row["dtype"]) == (0.75, 192, 4, "quant")
    assert math.isclose(row.latency_ms, 33.8005)
    assert math.isclose(row.std_ms, 0.812)
    assert row.runtime == "tflite benchmark_model"


def test_benchmark_model_log_without_a_model_name_needs_alpha_and_resolution():
    log = "Graph: [model.tflite]\nInference timings in us: Init: 1, First inference: 2, Warmup (avg): 3, Inference (avg): 1500\n"
    problems = problems_of(log, device="x")
    assert len(problems) == 2 and all(p.startswith("line 2, column ") for p in problems)
    df = parse_latency(log, device="x", alpha=0.5, resolution=160)
    assert df[["alpha", "resolution", "latency_ms"]].to_numpy().tolist() == [[0.5, 160, 1.5]]


def test_benchmark_model_log_with_bad_timing():
    log = LOG.replace("Inference (avg): 33800.5", "Inference (avg): -5")
    assert "latency must be a finite number > 0" in problems_of(log, device="x")[0]


def test_benchmark_model_log_duplicates_name_both_lines():
    problems = problems_of(LOG + LOG.splitlines()[-1] + "\n", device="x")
    assert problems == [
        "line 8: duplicate of line 7 (same alpha, resolution, device, runtime, threads, batch, dtype); "
        "keep one, or tell them apart in a column such as threads or dtype"
    ]


@pytest.mark.parametrize(
    ("header", "expected_ms"),
    [("latency_ms", 5.0), ("Latency (ms)", 5.0), ("latency", 5.0), ("LATENCY_US", 0.005), ("latency [µs]", 0.005),
     ("latency_s", 5000.0)],
)  # fmt: skip
def test_latency_units_in_the_header(header, expected_ms):
    assert parse_latency(f"alpha,resolution,{header}\n1,224,5\n", device="d").latency_ms.tolist() == [
        expected_ms
    ]


def test_spread_columns_take_units_too():
    df = parse_latency("alpha,resolution,latency_ms,std,p10_us,min (s)\n1,224,5,0.5,4000,0.004\n", device="d")
    assert df[["std_ms", "p10_ms", "min_ms"]].to_numpy().tolist() == [[0.5, 4.0, 4.0]]
