"""An independent restatement of MobileNet v1's costs, written from the paper and the TF-slim/Keras sources
without using costmodel, for the tests to compare against."""

import math

# (kind, stride, output channels at alpha=1) in the order of paper Table 1, last depthwise stride 1.
BODY = [("conv", 2, 32)]
for stride, out in [(1, 64), (2, 128), (1, 128), (2, 256), (1, 256), (2, 512), (1, 512), (1, 512), (1, 512),
                    (1, 512), (1, 512), (2, 1024), (1, 1024)]:  # fmt: skip
    BODY += [("dw", stride, None), ("pw", 1, out)]


def width(d, alpha, rounding):
    if rounding == "keras":
        return int(d * alpha)
    if rounding == "slim":
        return max(int(d * alpha), 8)
    if rounding == "divisible8":  # timm make_divisible(v, 8)
        v = d * alpha
        new_v = max(8, int(v + 4) // 8 * 8)
        return new_v + 8 if new_v < 0.9 * v else new_v
    raise AssertionError(rounding)


def costs(alpha, resolution, rounding="slim", padding="same", scale_first_layer=True, classes=1000,
          fc_bias=True, bn="none"):  # fmt: skip
    """Return dict(macs, params, activations) for the network."""
    side, c_in = resolution, 3
    macs = params = activations = bn_channels = 0
    for kind, stride, out in BODY:
        if stride == 2:  # keras: the stem conv is padding="same", the depthwise ones ZeroPadding + valid
            rounds_up = padding == "same" or (padding == "keras" and kind == "conv")
            side = math.ceil(side / 2) if rounds_up else side // 2
        if kind == "conv":
            c_out = width(out, alpha, rounding) if scale_first_layer else out
            w = 3 * 3 * c_in * c_out
        elif kind == "dw":
            c_out = c_in
            w = 3 * 3 * c_in
        else:
            c_out = width(out, alpha, rounding)
            w = c_in * c_out
        params += w
        macs += w * side * side
        activations += side * side * c_out
        bn_channels += c_out
        c_in = c_out
    activations += c_in  # global average pool output
    macs += c_in * classes
    params += c_in * classes + (classes if fc_bias else 0)
    activations += classes
    params += {"none": 0, "trainable": 2, "all": 4}[bn] * bn_channels
    return {"macs": macs, "params": params, "activations": activations}


SIZES = {"float32": (4, 4), "float16": (2, 2), "int8": (1, 4)}  # (weight/activation bytes, bias bytes)


def memory(alpha, resolution, rounding="slim", padding="same", scale_first_layer=True, classes=1000,
           dtype="float32", input_channels=3, planner="chain", fc_bias=True):  # fmt: skip
    """Return dict(weight_bytes, peak_activation_bytes, peak_layer, traffic_bytes, layers) of the deployed
    network: batch norm folded into one bias per output channel of every conv, the classifier a 1×1 conv with
    bias (unless ``fc_bias`` is False); ``layers`` holds (name, input bytes, output bytes) per layer, the pool and the classifier included."""
    size, bias = SIZES[dtype]
    side, c_in = resolution, input_channels
    weight_bytes = traffic = 0
    layers, buffers = [], []
    for index, (kind, stride, out) in enumerate(BODY):
        block = (index + 1) // 2
        name = "Conv2d_0" if kind == "conv" else f"Conv2d_{block}_{'depthwise' if kind == 'dw' else 'pointwise'}"
        in_bytes = side * side * c_in * size
        # Keras' ZeroPadding2D((0, 1), (0, 1)) before a stride-2 depthwise layer stays a PAD op (TF Lite) where
        # the side is odd: its (side + 1)² output sits beside its input
        kept_pad = padding == "keras" and kind == "dw" and stride == 2 and side % 2 == 1
        pad_step = in_bytes + (side + 1) ** 2 * c_in * size if kept_pad else 0
        if stride == 2:
            rounds_up = padding == "same" or (padding == "keras" and kind == "conv")
            side = math.ceil(side / 2) if rounds_up else side // 2
        if kind == "conv":
            c_out = width(out, alpha, rounding) if scale_first_layer else out
            w = 9 * c_in * c_out
        elif kind == "dw":
            c_out, w = c_in, 9 * c_in
        else:
            c_out = width(out, alpha, rounding)
            w = c_in * c_out
        out_bytes = side * side * c_out * size
        constants = w * size + c_out * bias
        weight_bytes += constants
        traffic += in_bytes + constants + out_bytes
        layers.append((name, in_bytes, out_bytes))
        in_place = planner == "inplace-depthwise" and kind == "dw"
        buffers.append(max(pad_step, in_bytes + side * side * size if in_place else in_bytes + out_bytes))
        c_in = c_out
    pool_in = side * side * c_in * size
    layers.append(("AvgPool_1a", pool_in, c_in * size))
    buffers.append(pool_in + c_in * size)
    traffic += pool_in + c_in * size
    fc_constants = c_in * classes * size + (classes * bias if fc_bias else 0)
    weight_bytes += fc_constants
    layers.append(("Logits", c_in * size, classes * size))
    buffers.append(c_in * size + classes * size)
    traffic += c_in * size + fc_constants + classes * size
    peak = max(buffers)
    return {
        "weight_bytes": weight_bytes,
        "peak_activation_bytes": peak,
        "peak_layer": layers[buffers.index(peak)][0],
        "traffic_bytes": traffic,
        "layers": layers,
    }
