"""Keras 3 itself (torch backend, weights=None) against report(rounding="keras", padding="keras"): every
layer's parameters and mult-adds, and the totals, integer for integer. Mult-adds are restated here from the
Keras layers' own kernel and output shapes, not taken from costmodel."""

import math
import os

import pytest

import costmodel

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip(
    "keras", reason="the frameworks extra: pip install 'mobilenet-costmodel[frameworks]'"
)

pytestmark = pytest.mark.slow  # importing Keras alone takes ~10 s here

SPREAD = [  # (alpha, side, classes): odd sides, alpha below 0.25 and above 1
    (0.975, 239, 1000),
    (0.1, 33, 1000),
    (1.4, 97, 1000),
    (0.2, 225, 10),
    (1.5, 32, 1000),
    (0.5, 224, 1001),
]


def keras_layer_name(name):
    """Keras' layer names → the table's TF-slim endpoint names."""
    if name == "conv1":
        return "Conv2d_0"
    if name == "conv_preds":
        return "Logits"
    kind, block = name.split("_")[1], name.split("_")[2]
    return f"Conv2d_{block}_{'depthwise' if kind == 'dw' else 'pointwise'}"


def keras_counts(model):
    """Per layer (table names): parameters (conv + its BatchNormalization) and mult-adds from shapes."""
    counts = {}
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            conv = keras_layer_name(layer.name.removesuffix("_bn"))
            counts[conv]["params"] += layer.count_params()
            counts[conv]["trainable"] += sum(math.prod(w.shape) for w in layer.trainable_weights)
        elif isinstance(layer, keras.layers.DepthwiseConv2D | keras.layers.Conv2D):
            kh, kw = layer.kernel_size
            _, out_h, out_w, out_c = layer.output.shape
            in_c = layer.input.shape[-1]
            per_position = (
                kh * kw * (in_c if isinstance(layer, keras.layers.DepthwiseConv2D) else in_c * out_c)
            )
            counts[keras_layer_name(layer.name)] = {
                "macs": out_h * out_w * per_position,
                "params": layer.count_params(),
                "trainable": layer.count_params(),
                "out_side": out_h,
            }
            assert out_h == out_w
    return counts


@pytest.fixture(scope="module", params=SPREAD, ids=lambda p: f"a{p[0]}-r{p[1]}-c{p[2]}")
def built(request):
    a, side, classes = request.param
    model = keras.applications.MobileNet(weights=None, alpha=a, input_shape=(side, side, 3), classes=classes)
    return a, side, classes, model


def test_every_layer_and_the_totals(built):
    a, side, classes, model = built
    theirs = keras_counts(model)
    report = costmodel.report(
        alpha=a, resolution=side, rounding="keras", padding="keras", bn="all", classes=classes
    )
    ours = report.table.set_index("layer")
    convs = ours[ours["kind"] != "pool"]
    assert set(theirs) == set(convs.index)
    for name, counted in theirs.items():
        row = ours.loc[name]
        assert (int(row["macs"]), int(row["params"]), int(row["out_side"])) == (
            counted["macs"],
            counted["params"],
            counted["out_side"],
        ), name
    assert report.totals["params"] == model.count_params()
    assert report.totals["macs"] == sum(c["macs"] for c in theirs.values())
    trainable = sum(math.prod(w.shape) for w in model.trainable_weights)
    assert (
        costmodel.report(
            alpha=a, resolution=side, rounding="keras", padding="keras", bn="trainable", classes=classes
        ).totals["params"]
        == trainable
    )


def test_the_keras_preset_is_what_keras_reports(built):
    a, side, classes, model = built
    theirs = keras_counts(model)
    row = costmodel.reconcile(a, resolution=side, presets="keras", classes=classes).iloc[0]
    trainable = sum(math.prod(w.shape) for w in model.trainable_weights)
    assert (row["total"], row["params"], row["trainable"]) == (
        sum(c["macs"] for c in theirs.values()),
        model.count_params(),
        trainable,
    )
    per_layer = costmodel.report(alpha=a, resolution=side, convention="keras", classes=classes).table
    counted = per_layer.set_index("layer")
    for name, c in theirs.items():
        assert (counted.loc[name, "counted_total"], counted.loc[name, "counted_params"]) == (
            c["macs"],
            c["params"],
        ), name
