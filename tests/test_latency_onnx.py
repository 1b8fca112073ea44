"""The ONNX network against the cost model, and the onnxruntime measurement."""

from __future__ import annotations

import numpy as np
import onnx
import pandas as pd
import pytest
from onnx import numpy_helper, shape_inference

from costmodel.cli import main
from costmodel.core.report import report
from costmodel.latency.importer import COLUMNS, parse_latency
from costmodel.latency.measure import Timing, measure
from costmodel.latency.onnx_model import build_onnx, onnx_filename, parameter_count
from costmodel.latency.store import LatencyStore

POINTS = [(1.0, 224), (0.5, 160), (0.25, 128), (0.75, 192), (0.35, 97), (1.3, 33)]


def graph_costs(model: onnx.ModelProto) -> pd.DataFrame:
    """Per Conv node: MACs and parameters, from the graph's own inferred shapes (not from the cost model)."""
    inferred = shape_inference.infer_shapes(model, strict_mode=True)
    shapes = {v.name: [d.dim_value for d in v.type.tensor_type.shape.dim] for v in inferred.graph.value_info}
    shapes.update(
        {v.name: [d.dim_value for d in v.type.tensor_type.shape.dim] for v in inferred.graph.output}
    )
    weights = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    rows = []
    for node in inferred.graph.node:
        if node.op_type != "Conv":
            continue
        batch, out_channels, height, width = shapes[node.output[0]]
        kernel = weights[node.input[1]]
        assert kernel.shape[0] == out_channels
        macs = batch * out_channels * height * width * int(np.prod(kernel.shape[1:]))
        params = kernel.size + (weights[node.input[2]].size if len(node.input) > 2 else 0)
        rows.append((node.name, macs, kernel.size, params, height, out_channels))
    return pd.DataFrame(rows, columns=["layer", "macs", "weights", "params", "out_side", "out_channels"])


@pytest.mark.parametrize(("alpha", "resolution"), POINTS)
def test_every_conv_node_has_the_cost_models_macs_and_weights(alpha, resolution):
    model = build_onnx(alpha, resolution)
    costs = graph_costs(model).set_index("layer")
    table = report(alpha=alpha, resolution=resolution).table.set_index("layer")
    counted = table[table.kind != "pool"]
    assert list(costs.index) == list(counted.index)
    for column in ("macs", "weights", "out_side", "out_channels"):
        assert costs[column].tolist() == counted[column].tolist(), column
    assert int(costs.macs.sum()) == report(alpha=alpha, resolution=resolution).totals["macs"]


@pytest.mark.parametrize(("alpha", "resolution"), POINTS[:3])
def test_parameter_count_with_folded_bn_and_with_bn_nodes(alpha, resolution):
    totals = report(alpha=alpha, resolution=resolution).totals
    table = report(alpha=alpha, resolution=resolution).table
    folded_biases = int(table.loc[table.kind.isin(["conv", "dw", "pw"]), "out_channels"].sum())
    assert parameter_count(build_onnx(alpha, resolution)) == totals["params"] + folded_biases
    # four BN vectors per channel: the cost model's bn="all" convention
    with_nodes = build_onnx(alpha, resolution, bn="nodes")
    assert (
        parameter_count(with_nodes) == report(alpha=alpha, resolution=resolution, bn="all").totals["params"]
    )
    assert sum(node.op_type == "BatchNormalization" for node in with_nodes.graph.node) == 27


def test_paper_network_parameter_count_is_the_papers():
    model = build_onnx(1.0, 224)
    weights = {t.name: t for t in model.graph.initializer}
    conv_and_fc = sum(int(np.prod(t.dims)) for name, t in weights.items() if name.endswith("/weights"))
    # paper: 4,210,088 params = conv weights + FC weights + FC bias (1000)
    assert conv_and_fc + 1000 == 4_210_088


def test_graph_structure_and_rounding_knobs():
    model = build_onnx(0.25, 128, classes=120, rounding="keras")
    ops = [node.op_type for node in model.graph.node]
    assert ops.count("Conv") == 28 and ops.count("Clip") == 27
    assert ops[-3:] == ["GlobalAveragePool", "Conv", "Flatten"]
    depthwise = next(n for n in model.graph.node if n.name == "Conv2d_1_depthwise")
    assert {a.name: a.i for a in depthwise.attribute if a.name == "group"} == {"group": 8}
    assert [d.dim_value for d in model.graph.output[0].type.tensor_type.shape.dim] == [1, 120]


def test_bad_arguments():
    with pytest.raises(ValueError, match="bn='both' is not allowed"):
        build_onnx(1.0, 224, bn="both")
    with pytest.raises(ValueError, match="alpha=0 is out of range"):
        build_onnx(0, 224)
    with pytest.raises(TypeError, match="resolution must be a positive integer"):
        build_onnx(1.0, 224.5)


def test_onnxruntime_runs_it():
    import onnxruntime as ort

    model = build_onnx(0.25, 96)
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    (logits,) = session.run(None, {"input": np.ones((1, 3, 96, 96), np.float32)})
    assert logits.shape == (1, 1000) and np.isfinite(logits).all()


def test_timing_summary():
    timing = Timing.of(np.array([5.0, 1.0, 2.0, 3.0, 4.0, 6.0, 7.0, 8.0, 9.0, 10.0, 100.0]))
    assert (timing.median_ms, timing.min_ms, timing.runs) == (6.0, 1.0, 11)
    assert timing.p10_ms == pytest.approx(2.0) and timing.p90_ms == pytest.approx(10.0)


@pytest.mark.slow
def test_measure_gives_an_importable_table(tmp_path):
    frame = measure([0.25, 0.5], [64], runs=3, warmup=1, progress=False, export_onnx=tmp_path)
    assert list(frame.columns) == list(COLUMNS)
    assert frame[["alpha", "resolution", "runs", "threads", "batch"]].to_numpy().tolist() == [
        [0.25, 64, 3, 1, 1],
        [0.5, 64, 3, 1, 1],
    ]
    assert (frame.min_ms <= frame.p10_ms).all() and (frame.p10_ms <= frame.latency_ms).all()
    assert (frame.latency_ms <= frame.p90_ms).all() and (frame.min_ms > 0).all()
    assert frame.runtime.str.startswith("onnxruntime ").all()
    assert frame.notes.str.contains("; cpu clock;").all()  # one thread: the thread's CPU time by default
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "mobilenet_v1_0.25_64.onnx",
        "mobilenet_v1_0.5_64.onnx",
    ]
    again = parse_latency(frame.to_csv(index=False))
    assert again.equals(frame)


@pytest.mark.slow
def test_measure_with_two_threads_uses_the_wall_clock():
    frame = measure([0.25], [32], threads=2, runs=2, warmup=0, progress=False)
    assert frame.notes.str.contains("; wall clock;").all()
    assert frame.threads.tolist() == [2]


def test_measure_rejects_bad_settings():
    with pytest.raises(ValueError, match="runs=0 is out of range"):
        measure([1.0], [64], runs=0)
    with pytest.raises(ValueError, match="clock='cpu' needs threads=1"):
        measure([1.0], [64], threads=2, clock="cpu")
    with pytest.raises(ValueError, match="resolution=0 is out of range"):
        measure([1.0], [64, 0])


def test_onnx_filename_follows_tflite_names():
    assert onnx_filename(0.75, 192) == "mobilenet_v1_0.75_192.onnx"


@pytest.mark.slow
def test_cli_measure_writes_csv_and_stores_a_dataset(tmp_path, capsys):
    db, out, models = tmp_path / "db.sqlite3", tmp_path / "ort.csv", tmp_path / "onnx"
    models.mkdir()
    argv = ["measure", "--alpha", "0.25", "--resolution", "32,48", "--runs", "2", "--warmup", "0"]
    argv += ["--no-progress", "--clock", "cpu", "-o", str(out), "--db", str(db), "--dataset", "here"]
    assert main([*argv, "--export-onnx", str(models)]) == 0
    assert "stored 2 row(s) in dataset 'here'" in capsys.readouterr().err
    written = parse_latency(out)
    assert written.equals(LatencyStore(db).load("here"))
    assert len(list(models.iterdir())) == 2


def test_cli_measure_errors(tmp_path, capsys):
    status = main(["measure", "--alpha", "0.25", "--resolution", "32", "--dataset", "tflite-pixel2-cpu-float",
                   "--db", str(tmp_path / "db.sqlite3")])  # fmt: skip
    err = capsys.readouterr().err
    assert status == 2 and "built-in read-only" in err and err.count("\n") == 1
    with pytest.raises(SystemExit):
        main(["measure", "--help"])
    assert "Example: mobilenet-cost measure" in capsys.readouterr().out


@pytest.mark.slow
def test_short_models_are_rewarmed_before_each_timed_run_and_the_notes_say_so():
    frame = measure([0.25], [32], runs=2, warmup=2, progress=False)
    assert frame.notes.str.contains(r"; [1-9]\d* untimed re-warm run\(s\) before each;").all()
    off = measure([0.25], [32], runs=2, warmup=2, progress=False, rewarm_ms=0)
    assert off.notes.str.contains("; 0 untimed re-warm run(s) before each;", regex=False).all()
    with pytest.raises(ValueError, match="rewarm_ms=-1 is not allowed"):
        measure([0.25], [32], rewarm_ms=-1)


@pytest.mark.slow
def test_the_notes_give_the_load_average_before_and_after_the_timed_runs(monkeypatch):
    loads = iter([(1.25, 0.5, 0.5), (3.5, 1.0, 0.5)])
    monkeypatch.setattr("os.getloadavg", lambda: next(loads))
    frame = measure([0.25], [32], runs=2, warmup=1, progress=False)
    assert frame.notes.str.endswith("; load average 1.25 before, 3.50 after").all()

    def no_load_average():
        raise OSError("no load average here")

    monkeypatch.setattr("os.getloadavg", no_load_average)
    assert (
        not measure([0.25], [32], runs=2, warmup=1, progress=False).notes.str.contains("load average").any()
    )
