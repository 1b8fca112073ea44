"""The committed .tflite file loads in LiteRT and is the graph that tests/data/tflite_golden.json records.

Runs where the LiteRT package (``ai-edge-litert``) is installed and is skipped elsewhere; no TensorFlow.
"""

import json
from pathlib import Path

import numpy as np
import pytest

DATA = Path(__file__).parent / "data"


def test_the_tiny_int8_file_loads_and_runs_in_litert():
    litert = pytest.importorskip(
        "ai_edge_litert.interpreter", reason="LiteRT (ai-edge-litert) is not installed"
    )
    golden = json.loads((DATA / "tflite_golden.json").read_text())
    config = next(
        c for c in golden["configs"] if (c["alpha"], c["resolution"], c["classes"]) == (0.1, 32, 10)
    )
    recorded = config["int8"]
    interpreter = litert.Interpreter(model_path=str(DATA / "mobilenet_0.1_32_10_int8.tflite"))
    interpreter.allocate_tensors()
    tensors = sorted(interpreter.get_tensor_details(), key=lambda t: t["index"])
    assert [t["shape"].tolist() for t in tensors] == [t[1] for t in recorded["tensors"]]
    assert [np.dtype(t["dtype"]).name for t in tensors] == [t[2] for t in recorded["tensors"]]
    # the runtime appends its CPU delegate (XNNPACK) as one more node
    ops = [op["op_name"] for op in interpreter._get_ops_details() if op["op_name"] != "DELEGATE"]
    assert ops == [op[0] for op in recorded["ops"]]
    (image,) = interpreter.get_input_details()
    assert image["shape"].tolist() == [1, 32, 32, 3] and image["dtype"] == np.int8
    interpreter.set_tensor(image["index"], np.zeros((1, 32, 32, 3), np.int8))
    interpreter.invoke()
    (scores,) = interpreter.get_output_details()
    assert interpreter.get_tensor(scores["index"]).shape == (1, 10)
