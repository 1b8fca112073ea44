"""Per-layer profiles (onnxruntime's profiler, LiteRT's layer graphs) beside the cost model's per-layer MACs."""

from __future__ import annotations

import pandas as pd
import pytest
from independent_counter import costs

from costmodel.cli import main
from costmodel.core.report import report
from costmodel.latency.measure import measure
from costmodel.latency.profile import OTHER, Profile, profile_litert, profile_onnx, profile_problem
from costmodel.latency.store import LatencyStore


@pytest.mark.slow
@pytest.mark.parametrize(("alpha", "resolution"), [(0.25, 64), (0.5, 97)])
def test_every_layer_gets_a_time_and_the_cost_models_macs(alpha, resolution):
    profile = profile_onnx(alpha, resolution, runs=3, warmup=1)
    table = report(alpha=alpha, resolution=resolution).table
    layers = profile.layers
    assert layers.layer.tolist() == [*table.layer, OTHER]
    assert layers.macs.tolist()[:-1] == table.macs.tolist()
    conv_layers = layers[layers.kind.isin(["conv", "dw", "pw", "fc"])]
    assert (conv_layers.time_ms > 0).all()  # every conv kernel was found and given to its layer
    assert profile.whole_ms > 0 and profile.runs == 3


@pytest.mark.slow
def test_litert_layers_are_timed_one_graph_each_beside_the_whole_network():
    profile = profile_litert(0.5, 97, runs=3, warmup=1)
    table = report(alpha=0.5, resolution=97).table
    assert profile.layers.layer.tolist() == table.layer.tolist()  # no "other": no layer runs but its own
    assert profile.layers.kind.tolist() == table.kind.tolist()
    assert profile.layers.macs.tolist() == table.macs.tolist()
    assert (profile.layers.time_ms > 0).all() and profile.whole_ms > 0 and profile.runs == 3


def test_a_profile_that_misses_the_whole_by_more_than_20_percent_is_named():
    layers = pd.DataFrame({"layer": ["a", "b"], "kind": ["pw", "dw"], "macs": [1, 1], "time_ms": [0.5, 0.3]})
    assert profile_problem(Profile(layers, 0.9, 3)) is None
    assert "sums to 125 %" in profile_problem(Profile(layers, 0.64, 3))
    assert "sums to 67 %" in profile_problem(Profile(layers, 1.2, 3))


@pytest.mark.slow
def test_measure_profiles_every_point_and_warns_in_the_notes():
    frame = measure([0.25], [64, 96], runs=3, warmup=1, progress=False, profile=True)
    profiles = frame.attrs["profiles"]
    assert list(profiles.columns) == ["alpha", "resolution", "layer", "kind", "macs", "time_ms", "whole_ms"]
    assert profiles.groupby("resolution").size().tolist() == [30, 30]
    for row, (_, group) in zip(frame.itertuples(), profiles.groupby("resolution"), strict=True):
        share = group.time_ms.sum() / group.whole_ms.iloc[0]
        assert ("warning: per-layer profile sums to" in row.notes) == (abs(share - 1) > 0.20)


@pytest.mark.slow
def test_cli_writes_the_profile_csv(tmp_path):
    out = tmp_path / "layers.csv"
    argv = ["measure", "--alpha", "0.25", "--resolution", "32", "--runs", "2", "--warmup", "1", "--no-store"]
    assert main([*argv, "--no-progress", "--profile", str(out)]) == 0
    written = pd.read_csv(out)
    assert len(written) == 30 and written.macs.sum() == costs(0.25, 32)["macs"]


@pytest.mark.parametrize("dtype", ["float32", "int8"])
def test_measure_profiles_litert_layer_graphs_and_warns_in_the_notes(dtype):
    frame = measure(
        [0.25], [32], runtime="litert", dtype=dtype, runs=2, warmup=1, progress=False, profile=True
    )
    profiles = frame.attrs["profiles"]
    assert list(profiles.columns) == ["alpha", "resolution", "layer", "kind", "macs", "time_ms", "whole_ms"]
    assert profiles.layer.tolist() == report(alpha=0.25, resolution=32).table.layer.tolist()  # no "other"
    assert int(profiles.macs.sum()) == costs(0.25, 32)["macs"]
    assert (profiles.time_ms > 0).all() and profiles.whole_ms.nunique() == 1
    share = profiles.time_ms.sum() / profiles.whole_ms.iloc[0]
    assert ("warning: per-layer profile sums to" in frame.notes.iloc[0]) == (abs(share - 1) > 0.20)


@pytest.mark.slow
def test_cli_profiles_litert_int8_and_stores_the_profile_with_the_dataset(tmp_path, capsys):
    out, db = tmp_path / "layers.csv", tmp_path / "db.sqlite3"
    argv = ["measure", "--runtime", "litert", "--dtype", "int8", "--alpha", "0.25", "--resolution", "32,48"]
    argv += ["--runs", "2", "--warmup", "1", "--db", str(db), "--dataset", "q", "-o", str(tmp_path / "a.csv")]
    assert main([*argv, "--profile", str(out)]) == 0
    assert "profile" in capsys.readouterr().err  # the progress bar of the profiling
    written = pd.read_csv(out)
    assert written.groupby("resolution").size().tolist() == [29, 29]
    assert [int(written[written.resolution == r].macs.sum()) for r in (32, 48)] == [
        costs(0.25, 32)["macs"],
        costs(0.25, 48)["macs"],
    ]
    stored = LatencyStore(db).profiles("q")
    assert len(stored) == 58 and set(stored.dtype) == {"int8"} and set(stored.threads) == {1}
    assert stored.time_ms.tolist() == pytest.approx(written.time_ms.tolist())
