"""Totals against published numbers: TF-slim's docstring, Keras' model summary and the paper's tables."""

import pytest

import costmodel
from costmodel.core.reduction import conv_mobilenet, layer_comparison, shallow_mobilenet, table3_rows


def base_network(report):
    """Convolutions only (no pool, no classifier, no BN): TF-slim's mobilenet_v1_base."""
    body = report.table[report.table.kind.isin(["conv", "dw", "pw"])]
    return int(body.params.sum()), int(body.macs.sum())


@pytest.mark.parametrize(
    ("alpha", "resolution", "params", "macs"),
    [(1.0, 224, 3_185_088, 567_716_352), (0.75, 128, 1_800_144, 106_002_432)],
)
def test_tf_slim_docstring_base_network(alpha, resolution, params, macs):
    # TF-slim research/slim/nets/mobilenet_v1.py docstring, "base network" totals.
    assert base_network(costmodel.report(alpha=alpha, resolution=resolution)) == (params, macs)


@pytest.mark.parametrize(("bn", "total"), [("trainable", 4_231_976), ("all", 4_253_864)])
def test_keras_summary_totals(bn, total):
    # keras.applications.MobileNet(alpha=1.0).summary(): Trainable params 4,231,976; Total params 4,253,864.
    assert costmodel.report(alpha=1.0, rounding="keras", bn=bn).totals["params"] == total


def millions(value, digits):
    """The paper's printed figures: rounded to the printed number of decimals."""
    return round(value / 1e6, digits)


# Paper Tables 6 (width), 7 (resolution), 8 and 9 (MobileNet rows), Table 5's 0.75 row:
# (alpha, resolution, printed million mult-adds, printed million params, decimals of the params column)
PAPER_ROWS = [
    (1.0, 224, 569, 4.2, 1),
    (0.75, 224, 325, 2.6, 1),
    (0.5, 224, 149, 1.3, 1),
    (0.25, 224, 41, 0.5, 1),
    (1.0, 192, 418, 4.2, 1),
    (1.0, 128, 186, 4.2, 1),
]


@pytest.mark.parametrize(("alpha", "resolution", "macs_m", "params_m", "digits"), PAPER_ROWS)
def test_paper_width_and_resolution_tables(alpha, resolution, macs_m, params_m, digits):
    totals = costmodel.report(alpha=alpha, resolution=resolution).totals
    assert round(totals["macs"] / 1e6) == macs_m
    assert millions(totals["params"], digits) == params_m


@pytest.mark.parametrize(
    ("alpha", "rho", "printed", "pixel_macs"), [(1.0, 0.714, 290, 290_675_200), (0.5, 0.714, 76, 76_524_800)]
)
def test_paper_160_rows_use_continuous_rho(alpha, rho, printed, pixel_macs):
    # Tables 7 and 9 print 290 and 76 for the 160 px networks, which have 290.68 M and 76.52 M mult-adds.
    # The figures are those of rho = 0.714 taken as a continuous factor (159.936 px): 290.44 M and 76.46 M.
    pixel = costmodel.report(alpha=alpha, resolution=160).totals["macs"]
    continuous = costmodel.report(alpha=alpha, rho=rho, rounding="smooth").totals["macs"]
    assert pixel == pixel_macs and round(pixel / 1e6) == printed + 1
    assert round(continuous / 1_000_000) == printed
    assert (
        millions(costmodel.report(alpha=alpha, resolution=160).totals["params"], 2) == (4.21, 1.32)[alpha < 1]
    )


def test_paper_table10_stanford_dogs_120_classes():
    one = costmodel.report(alpha=1.0, classes=120).totals
    three_quarters = costmodel.report(alpha=0.75, classes=120).totals
    assert millions(one["params"], 1) == 3.3
    assert millions(three_quarters["params"], 1) == 1.9
    assert round(three_quarters["macs"] / 1e6) == 325
    # The 1.0 row prints the ImageNet figure 569: with 120 classes the classifier has 880 fewer outputs.
    assert one["macs"] == 568_740_352 - 1024 * 880


def test_paper_table2_shares_per_layer_type():
    table = costmodel.report().table
    macs = table.groupby("kind").macs.sum()
    weights = table.groupby("kind").weights.sum()  # the printed params shares leave out the FC bias
    share = {k: round(100 * macs[k] / macs.sum(), 2) for k in ("pw", "dw", "conv", "fc")}
    params_share = {k: round(100 * weights[k] / weights.sum(), 2) for k in ("pw", "dw", "conv", "fc")}
    assert share == {"pw": 94.86, "dw": 3.06, "conv": 1.91, "fc": 0.18}  # printed: 1.19 for conv (erratum)
    assert params_share == {"pw": 74.59, "dw": 1.06, "conv": 0.02, "fc": 24.33}
    assert macs["conv"] == 112 * 112 * 27 * 32 == 10_838_016


def test_paper_table3_rows():
    rows = table3_rows().set_index("row")
    restated = {
        "Convolution": (3 * 3 * 512 * 512 * 14 * 14, 3 * 3 * 512 * 512),
        "Depthwise Separable Conv": ((9 * 512 + 512 * 512) * 196, 9 * 512 + 512 * 512),
        "alpha = 0.75": ((9 * 384 + 384 * 384) * 196, 9 * 384 + 384 * 384),
        "rho = 0.714": ((9 * 384 + 384 * 384) * 100, 9 * 384 + 384 * 384),
    }
    printed = {"Convolution": (462, 2.36), "Depthwise Separable Conv": (52.3, 0.27),
               "alpha = 0.75": (29.6, 0.15), "rho = 0.714": (15.1, 0.15)}  # fmt: skip
    for name, (macs, params) in restated.items():
        assert (rows.loc[name, "macs"], rows.loc[name, "params"]) == (macs, params)
        macs_digits = 0 if name == "Convolution" else 1
        assert (millions(macs, macs_digits), millions(params, 2)) == printed[name]


def test_paper_table4_conv_mobilenet():
    totals = conv_mobilenet()
    assert totals == {"macs": 4_867_293_184, "params": 29_282_120}
    assert millions(totals["params"], 1) == 29.3
    # Printed 4866 M; the architecture gives 4867.29 M. Without the classifier's 1.024 M it would be 4866.27 M.
    assert round((totals["macs"] - 1024 * 1000) / 1e6) == 4866


def test_paper_table5_shallow_and_narrow():
    shallow = shallow_mobilenet()
    assert (round(shallow["macs"] / 1e6), millions(shallow["params"], 1)) == (307, 2.9)
    narrow = costmodel.report(alpha=0.75).totals
    assert (round(narrow["macs"] / 1e6), millions(narrow["params"], 1)) == (325, 2.6)


def test_one_layer_keras_summary_comparison():
    row = layer_comparison(kernel=3, in_channels=32, out_channels=64, side=32, bias=True)
    assert row["standard"]["params"] == 3 * 3 * 32 * 64 + 64 == 18_496
    assert (row["depthwise"]["params"], row["pointwise"]["params"]) == (320, 2_112)
    assert row["separable"]["params"] == 2_432
