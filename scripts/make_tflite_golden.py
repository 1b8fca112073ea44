"""Golden data from real TF Lite files of ``keras.applications.MobileNet``, written to tests/data/tflite_golden.json.

TensorFlow is used here and nowhere else: the tests read only the JSON this script writes (and the tiny
``.tflite`` files it saves), so the project never needs TensorFlow at run time. Run it in its own venv::

    python3 -m venv /work/tfvenv
    /work/tfvenv/bin/pip install tensorflow-cpu==2.21.0 tqdm  # brings Keras 3 (3.15.1) and numpy
    /work/tfvenv/bin/python scripts/make_tflite_golden.py     # 8 to 16 minutes on 2 busy cores

For every configuration (alpha, resolution, classes) it builds ``keras.applications.MobileNet(weights=None,
...)``, gives every BatchNormalization layer random gamma, beta, moving mean and variance (with the default
statistics every folded bias would be equal and the converter would share the buffers), converts it to a
float32 ``.tflite`` and to a full-integer int8 ``.tflite`` (random representative inputs, int8 input and
output tensors), and records:

- ``keras``: ``count_params()``, the trainable count, and every layer as ``[name, class, output shape
  without the batch]``;
- for each file (``float32``, ``int8``; ``int8_float_io`` for a few configurations: the converter's default
  float input and output, which adds a QUANTIZE and a DEQUANTIZE op): ``file_bytes``, ``tensors`` as
  ``[name, shape, dtype, bytes, buffer, buffer_bytes]`` (``bytes`` = product of the shape times the dtype's
  size; ``buffer`` the index of the constant buffer, or null for an activation computed at run time;
  ``buffer_bytes`` the stored length, null for activations), ``ops`` as ``[opcode, input tensor indices,
  output tensor indices]`` (optional inputs dropped), ``inputs`` and ``outputs`` of the graph, and the sums of
  the distinct constant buffers by role: ``weights`` (input 1 of CONV_2D, DEPTHWISE_CONV_2D,
  FULLY_CONNECTED), ``biases`` (their input 2) and ``other`` (PAD paddings, RESHAPE shapes, slices, axes).

Tensor names drop the ``mobilenet_<alpha>_<rows>_1/`` prefix and everything after the first ``;`` of a fused
name, to keep the file small. The versions used are written into the file's ``generator`` entry.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
from pathlib import Path

import numpy as np

# (alpha, resolution, classes): the paper's grid corners, odd sides (Keras pads stride-2 depthwise layers
# with ZeroPadding2D((0, 1), (0, 1)) + valid, the stem with "same"), alpha below 0.25 and above 1, and
# classes other than 1000.
CONFIGS = [
    (0.1, 32, 10),
    (0.1, 33, 1000),
    (0.25, 96, 1000),
    (0.25, 97, 2),
    (0.25, 128, 1000),
    (0.35, 160, 1000),
    (0.35, 193, 100),
    (0.5, 128, 1000),
    (0.5, 160, 1000),
    (0.5, 239, 1000),
    (0.5, 62, 1000),  # even, yet every stride-2 depthwise input (31, 15, 7, 3) is odd: four PAD ops
    (0.75, 97, 37),
    (0.75, 224, 1000),
    (0.975, 33, 1000),
    (0.975, 239, 1000),
    (1.0, 128, 1000),
    (1.0, 193, 1001),
    (1.0, 125, 1000),  # stride-2 depthwise inputs 63, 31, 15, 7: four PAD ops
    (1.0, 224, 1000),
    (1.0, 320, 1000),
    (1.3, 97, 1000),
    (1.3, 160, 1000),
    (1.5, 33, 1000),
    (1.5, 224, 1000),
    (1.5, 320, 10),
]
# configurations that also get the converter's default int8 file (float input and output tensors)
FLOAT_IO = [(0.25, 96, 1000), (1.0, 224, 1000)]
# tiny int8 files saved beside the JSON for LiteRT loading tests: tests/data/mobilenet_<alpha>_<rows>_<classes>_int8.tflite
# (95 KB; the float32 file of the same network is 176 KB and is not kept)
SAVED = [(0.1, 32, 10)]

WEIGHT_OPS = {"CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED"}
REPRESENTATIVE_SAMPLES = 4


def randomize_batch_norm(model, rng) -> None:
    """Random gamma, beta, moving mean and variance in every BatchNormalization layer (distinct folded biases)."""
    import keras

    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            gamma, beta, mean, var = layer.get_weights()
            layer.set_weights(
                [
                    rng.uniform(0.5, 1.5, gamma.shape).astype("float32"),
                    rng.normal(0.0, 0.1, beta.shape).astype("float32"),
                    rng.normal(0.0, 0.1, mean.shape).astype("float32"),
                    rng.uniform(0.5, 1.5, var.shape).astype("float32"),
                ]
            )


def convert(model, kind: str, resolution: int, rng) -> bytes:
    import tensorflow as tf

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    if kind != "float32":
        samples = [rng.uniform(-1.0, 1.0, (1, resolution, resolution, 3)).astype("float32")
                   for _ in range(REPRESENTATIVE_SAMPLES)]  # fmt: skip
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = lambda: ([s] for s in samples)
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        if kind == "int8":
            converter.inference_input_type = tf.int8
            converter.inference_output_type = tf.int8
    return converter.convert()


def short_name(name: bytes) -> str:
    text = name.decode()
    head, _, tail = text.partition("/")
    if head.startswith("mobilenet_") and tail:
        text = tail
    return text.split(";")[0]


def describe_file(data: bytes) -> dict:
    """Every tensor, op and constant buffer of one .tflite file, read with TF Lite's flatbuffer schema."""
    from tensorflow.lite.python import schema_py_generated as schema
    from tensorflow.lite.tools import flatbuffer_utils

    op_names = {v: k for k, v in vars(schema.BuiltinOperator).items() if not k.startswith("_")}
    type_names = {v: k for k, v in vars(schema.TensorType).items() if not k.startswith("_")}
    item_size = {
        "FLOAT32": 4,
        "FLOAT16": 2,
        "INT32": 4,
        "INT64": 8,
        "INT8": 1,
        "UINT8": 1,
        "INT16": 2,
        "BOOL": 1,
    }

    model = flatbuffer_utils.read_model_from_bytearray(bytearray(data))
    if len(model.subgraphs) != 1:
        raise SystemExit(f"expected one subgraph, got {len(model.subgraphs)}")
    graph = model.subgraphs[0]
    tensors = []
    for t in graph.tensors:
        dtype = type_names[t.type]
        shape = [int(d) for d in t.shape] if t.shape is not None else []
        stored = model.buffers[t.buffer].data if t.buffer else None
        constant = stored is not None and len(stored) > 0
        tensors.append([short_name(t.name), shape, dtype.lower(), int(np.prod(shape, dtype=np.int64)) * item_size[dtype],
                        int(t.buffer) if constant else None, len(stored) if constant else None])  # fmt: skip
    ops = []
    role: dict[int, str] = {}
    for op in graph.operators:
        code = model.operatorCodes[op.opcodeIndex]
        name = op_names[max(code.builtinCode, code.deprecatedBuiltinCode)]
        inputs = [int(i) for i in op.inputs if i >= 0]
        ops.append([name, inputs, [int(i) for i in op.outputs]])
        for position, index in enumerate(inputs):
            buffer = tensors[index][4]
            if buffer is None:
                continue
            if name in WEIGHT_OPS and position in (1, 2):
                role[buffer] = "weights" if position == 1 else "biases"
            else:
                role.setdefault(buffer, "other")
    sizes = {t[4]: t[5] for t in tensors if t[4] is not None}
    constants = {
        kind: sum(sizes[b] for b, r in role.items() if r == kind) for kind in ("weights", "biases", "other")
    }
    return {
        "file_bytes": len(data),
        "inputs": [int(i) for i in graph.inputs],
        "outputs": [int(i) for i in graph.outputs],
        "constant_bytes": constants,
        "ops": ops,
        "tensors": tensors,
    }


def describe_keras(model) -> dict:
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    layers = [
        [layer.name, type(layer).__name__, [int(d) for d in layer.output.shape[1:]]] for layer in model.layers
    ]
    return {"count_params": int(model.count_params()), "trainable": trainable, "layers": layers}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "tests" / "data")
    parser.add_argument("--only", type=int, default=None, help="first N configurations only (a quick try)")
    args = parser.parse_args(argv)

    import keras
    import tensorflow as tf
    from tqdm import tqdm

    args.out.mkdir(parents=True, exist_ok=True)
    configs = CONFIGS[: args.only] if args.only else CONFIGS
    results = []
    for alpha, resolution, classes in tqdm(configs, desc="configurations"):
        rng = np.random.default_rng([int(alpha * 1000), resolution, classes])
        keras.utils.set_random_seed(int(alpha * 1000) * 100_000 + resolution * 100 + classes % 100)
        model = keras.applications.MobileNet(weights=None, alpha=alpha, input_shape=(resolution, resolution, 3),
                                             classes=classes)  # fmt: skip
        randomize_batch_norm(model, rng)
        entry = {"alpha": alpha, "resolution": resolution, "classes": classes, "keras": describe_keras(model)}
        kinds = ["float32", "int8"] + (["int8_float_io"] if (alpha, resolution, classes) in FLOAT_IO else [])
        for kind in kinds:
            data = convert(model, kind, resolution, rng)
            entry[kind] = describe_file(data)
            if (alpha, resolution, classes) in SAVED and kind == "int8":
                (args.out / f"mobilenet_{alpha}_{resolution}_{classes}_{kind}.tflite").write_bytes(data)
        results.append(entry)
        keras.backend.clear_session()

    document = {
        "generator": {
            "command": "/work/tfvenv/bin/python scripts/make_tflite_golden.py",
            "python": platform.python_version(),
            "tensorflow": tf.__version__,
            "keras": keras.__version__,
            "numpy": np.__version__,
            "converter": "tf.lite.TFLiteConverter.from_keras_model; int8: Optimize.DEFAULT, "
            f"{REPRESENTATIVE_SAMPLES} random uniform(-1, 1) representative inputs, "
            "TFLITE_BUILTINS_INT8, int8 input and output (int8_float_io: the default float ones)",
            "batch_norm": "random gamma U(0.5, 1.5), beta N(0, 0.1), moving mean N(0, 0.1), variance U(0.5, 1.5)",
            "tensor_row": ["name", "shape", "dtype", "bytes", "buffer", "buffer_bytes"],
            "op_row": ["opcode", "input tensors", "output tensors"],
            "keras_layer_row": ["name", "class", "output shape without batch"],
        },
        "configs": results,
    }
    path = args.out / "tflite_golden.json"
    text = json.dumps(document, separators=(",", ":"))
    # one configuration per line: small, and diffs stay readable
    text = text.replace('{"alpha"', '\n{"alpha"')
    path.write_text(text + "\n")
    print(f"wrote {path} ({path.stat().st_size:,} bytes, {len(results)} configurations)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
