"""Every MACs and params figure of every reference table, checked against the cost model.

Each source is compared under its own counting convention (restated here, independently of the loader):

- paper: mult-adds to the nearest million of the smooth model at the paper's ρ (0.857, 0.714, 0.571 for
  192, 160, 128 px); params (weights + classifier bias, no BN) to the printed number of decimals.
- TF-slim: MACs of the 1001-class network to the nearest million; params = conv weights + three BN
  variables per channel + 1001-class classifier with bias, to two decimals.
- timm: ``divisible8`` channels, BN γ and β counted; keras.io: Keras rounding, all four BN variables;
  OpenVINO: 1001 classes, BN folded into one bias per channel, FLOPs = 2 × MACs + 2 per conv output.

A mismatch must be an erratum on record in ``tables/errata.csv``, and every numeric erratum must still be
a mismatch.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pandas as pd
import pytest

import costmodel
from costmodel.reference import tables as reference_tables
from costmodel.reference.tables import load_table, table_names

PAPER_RHO = {224: Fraction(1), 192: Fraction("0.857"), 160: Fraction("0.714"), 128: Fraction("0.571")}
MILLION = Fraction(10**6)


def exact(value) -> Fraction:
    return Fraction(str(value))


def as_printed(value: Fraction, printed: str) -> Decimal:
    """``value`` rounded half up to as many decimals as ``printed`` shows."""
    places = len(printed.split(".")[1]) if "." in printed else 0
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(quantum, rounding=ROUND_HALF_UP)


def printed_text(number: float) -> str:
    return f"{number:g}"


def layer_table(alpha, resolution, **knobs) -> pd.DataFrame:
    return costmodel.report(alpha, resolution=resolution, **knobs).table


def paper_macs(alpha: float, resolution: int, classes: int = 1000, classifier: bool = True) -> Fraction:
    table = costmodel.report(alpha, rho=PAPER_RHO[resolution], rounding="smooth", classes=classes).table
    if not classifier:
        table = table[table["kind"] != "fc"]
    return sum((exact(v) for v in table["macs"]), Fraction(0))


def paper_params(alpha: float, classes: int = 1000, classifier: bool = True) -> Fraction:
    table = layer_table(alpha, 224, classes=classes)
    if not classifier:
        table = table[table["kind"] != "fc"]
    return Fraction(int(table["params"].sum()))


def full_conv_network() -> tuple[Fraction, Fraction]:
    """Table 4's Conv MobileNet: each dw + pw pair replaced by one full 3×3 conv (weights 9·M·N)."""
    rows = layer_table(1.0, 224).to_dict("records")
    macs = params = 0
    for index, row in enumerate(rows):
        if row["kind"] == "dw":
            pointwise = rows[index + 1]
            weights = 3 * 3 * row["in_channels"] * pointwise["out_channels"]
            macs += weights * row["out_side"] ** 2
            params += weights
        elif row["kind"] in ("conv", "fc"):
            macs += row["macs"]
            params += row["params"]
    return Fraction(macs), Fraction(params)


def shallow_network() -> tuple[Fraction, Fraction]:
    """Table 5's Shallow MobileNet: the five 14×14×512 separable blocks (Conv2d_7 to Conv2d_11) removed."""
    table = layer_table(1.0, 224)
    kept = table[~table["layer"].str.match(r"Conv2d_(7|8|9|10|11)_")]
    return Fraction(int(kept["macs"].sum())), Fraction(int(kept["params"].sum()))


def paper_expected(row) -> dict[str, tuple[str, Fraction]]:
    """Column → (comparison, exact count in millions) for one paper_models row; empty if not checkable."""
    alpha, resolution, table_no = row.alpha, row.resolution, row.table_no
    if row.variant == "full_conv":
        macs, params = full_conv_network()
    elif row.variant == "shallow":
        macs, params = shallow_network()
    elif row.variant != "standard":
        return {}  # another network (GoogleNet, VGG, SSD, ...): outside the cost model
    elif table_no == 10:
        macs, params = paper_macs(alpha, resolution, classes=120), paper_params(alpha, classes=120)
    elif table_no == 12:
        macs, params = paper_macs(alpha, resolution, classifier=False), paper_params(alpha, classifier=False)
    elif table_no == 14:
        body = paper_macs(alpha, resolution, classifier=False), paper_params(alpha, classifier=False)
        return {"million_mult_adds": (">=", body[0] / MILLION), "million_params": (">=", body[1] / MILLION)}
    else:
        macs, params = paper_macs(alpha, resolution), paper_params(alpha)
    return {"million_mult_adds": ("==", macs / MILLION), "million_params": ("==", params / MILLION)}


def mismatch(comparison: str, expected: Fraction, printed: str) -> bool:
    value = as_printed(expected, printed)
    return value > Decimal(printed) if comparison == ">=" else value != Decimal(printed)


def paper_mismatches() -> set[tuple[str, str, str]]:
    found = set()
    cells = load_table("paper_tables")
    for row in load_table("paper_models").itertuples():
        printed = cells[(cells.table_no == row.table_no) & (cells.row_index == row.row_index)]
        for column, (comparison, expected) in paper_expected(row).items():
            text = printed.loc[printed["column"] == column, "value"].item()
            if mismatch(comparison, expected, text):
                found.add(
                    ("paper_tables", f"Table {row.table_no} row {row.row_index} ({row.row_label})", column)
                )
    return found


def table3_mismatches() -> set[tuple[str, str, str]]:
    """Table 3: one 14×14×512 layer (D_K = 3, M = N = 512) under each modification."""

    def separable(alpha, resolution):
        table = layer_table(alpha, resolution).set_index("layer")
        pair = table.loc[["Conv2d_7_depthwise", "Conv2d_7_pointwise"]]
        return Fraction(int(pair["macs"].sum())), Fraction(int(pair["params"].sum()))

    full = (Fraction(3 * 3 * 512 * 512 * 14 * 14), Fraction(3 * 3 * 512 * 512))
    expected = {1: full, 2: separable(1.0, 224), 3: separable(0.75, 224), 4: separable(0.75, 160)}
    cells = load_table("paper_tables").query("table_no == 3")
    found = set()
    for row in cells.itertuples():
        macs, params = expected[row.row_index]
        value = macs if row.column == "million_mult_adds" else params
        if mismatch("==", value / MILLION, row.value):
            found.add(("paper_tables", f"Table 3 row {row.row_index} ({row.row_label})", row.column))
    return found


def table2_mismatches() -> set[tuple[str, str, str]]:
    """Table 2: share of mult-adds and of weights (the printed params shares leave out the FC bias)."""
    table = layer_table(1.0, 224)
    kinds = {"Conv 1x1": "pw", "Conv DW 3x3": "dw", "Conv 3x3": "conv", "Fully Connected": "fc"}
    found = set()
    for row in load_table("paper_tables").query("table_no == 2").itertuples():
        part = table[table["kind"] == kinds[row.row_label]]
        metric = "macs" if row.column == "mult_adds_pct" else "weights"
        share = Fraction(100 * int(part[metric].sum()), int(table[metric].sum()))
        if mismatch("==", share, row.value.rstrip("%")):
            found.add(("paper_tables", f"Table 2 row {row.row_index} ({row.row_label})", row.column))
    return found


def slim_counts(alpha: float, resolution: int) -> tuple[Fraction, Fraction]:
    table = layer_table(alpha, resolution, classes=1001)
    batch_normed = table[table["kind"].isin(["conv", "dw", "pw"])]
    params = int(table["params"].sum()) + 3 * int(batch_normed["out_channels"].sum())
    return Fraction(int(table["macs"].sum())), Fraction(params)


def slim_mismatches() -> set[tuple[str, str, str]]:
    found = set()
    for row in load_table("slim_checkpoints").itertuples():
        macs, params = slim_counts(row.alpha, int(row.resolution))
        key = f"{row.release} {row.model}"
        if mismatch("==", macs / MILLION, str(row.macs_millions)):
            found.add(("slim_checkpoints", key, "macs_millions"))
        if mismatch("==", params / MILLION, f"{row.params_millions:.2f}"):
            found.add(("slim_checkpoints", key, "params_millions"))
    return found


def errata_on_record(columns: set[str]) -> set[tuple[str, str, str]]:
    errata = load_table("errata")
    return {(r.table, r.row_key, r.column) for r in errata.itertuples() if r.column in columns}


NUMERIC_PAPER_COLUMNS = {"million_mult_adds", "million_params", "mult_adds_pct", "params_pct"}


def test_every_paper_figure_matches_the_architecture_or_is_an_erratum():
    found = paper_mismatches() | table3_mismatches() | table2_mismatches()
    recorded = {e for e in errata_on_record(NUMERIC_PAPER_COLUMNS) if e[0] == "paper_tables"}
    assert found == recorded


def test_every_slim_figure_matches_the_architecture_or_is_an_erratum():
    recorded = {
        e for e in errata_on_record({"macs_millions", "params_millions"}) if e[0] == "slim_checkpoints"
    }
    assert slim_mismatches() == recorded
    assert len(recorded) == 30  # 0.75 x 4 sides, 0.25_192 and 0.50_224, in each of 5 release/dtype groups


def test_paper_rounds_the_smooth_model_at_the_printed_rho():
    """Truncating the real network would miss 569 (Tables 4, 6, 7, 8); rounding it would miss 290 and 76."""
    assert costmodel.report(1.0, resolution=224).totals["macs"] == 568_740_352  # truncates to 568, prints 569
    assert costmodel.report(1.0, resolution=160).totals["macs"] == 290_675_200  # rounds to 291, prints 290
    assert costmodel.report(0.5, resolution=160).totals["macs"] == 76_524_800  # rounds to 77, prints 76
    assert as_printed(paper_macs(1.0, 160) / MILLION, "290") == 290
    assert as_printed(paper_macs(0.5, 160) / MILLION, "76") == 76
    assert as_printed(paper_macs(1.0, 224) / MILLION, "569") == 569


def test_slim_params_need_three_bn_variables_per_channel():
    _, params = slim_counts(1.0, 224)
    assert params == 4_243_945
    depthwise = (32, 64, 128, 128, 256, 256, 512, 512, 512, 512, 512, 512, 1024)
    pointwise = (64, 128, 128, 256, 256, 512, 512, 512, 512, 512, 512, 1024, 1024)
    channels = 32 + sum(depthwise) + sum(pointwise)
    assert params == 4_210_112 + 1001 + 3 * channels
    for bn_variables in (0, 2, 4):  # the other counts do not print as 4.24
        other = 4_210_112 + 1001 + bn_variables * channels
        assert as_printed(Fraction(other) / MILLION, "4.24") != Decimal("4.24")


def test_table1_stride_erratum_is_the_architecture_disagreeing():
    label = load_table("paper_tables").query("table_no == 1 and row_index == 18")["row_label"].iloc[0]
    layer = layer_table(1.0, 224).set_index("layer").loc["Conv2d_13_depthwise"]
    assert label == "Conv dw / s2" and layer["stride"] == 1 and layer["in_side"] == layer["out_side"] == 7
    assert ("paper_tables", "Table 1 row 18 (Conv dw / s2)", "row_label") in errata_on_record({"row_label"})


def test_other_references_params_and_flops():
    rows = load_table("other_references").set_index("source_name")
    timm = costmodel.report(1.0, rounding="divisible8", bn="trainable").totals["params"]
    assert timm == 4_210_088 + 2 * 10_944
    assert {as_printed(Fraction(timm) / MILLION, "4.23")} == set(
        Decimal(f"{v:.2f}") for v in rows.loc[["timm"], "params_millions"]
    )
    keras = costmodel.report(1.0, rounding="keras", bn="all").totals["params"]
    assert keras == 4_253_864  # keras.io's note gives the exact figure
    assert as_printed(Fraction(keras) / MILLION, "4.3") == Decimal(
        printed_text(rows.loc["keras.io", "params_millions"].iloc[0])
    )
    for row in rows.loc[["openvino-omz"]].itertuples():
        table = layer_table(row.alpha, int(row.resolution), classes=1001)
        convs = table[table["kind"].isin(["conv", "dw", "pw"])]
        folded_bias = int(convs["out_channels"].sum())
        params = Fraction(int(table["params"].sum()) + folded_bias)
        assert as_printed(params / MILLION, f"{row.params_millions:.3f}") == Decimal(
            f"{row.params_millions:.3f}"
        )
        flops = 2 * int(table["macs"].sum()) + 2 * int(convs["activations"].sum())
        assert row.reported_cost_unit == "GFLOPs"
        assert as_printed(Fraction(flops, 10**9), f"{row.reported_cost:.3f}") == Decimal(
            f"{row.reported_cost:.3f}"
        )


def test_tflite_float_model_sizes_are_four_bytes_per_folded_parameter():
    """The hosted float files hold 32-bit weights with BN folded into one bias per channel, 1001 classes.

    The quant files (8-bit weights, 32-bit biases, quantisation parameters) carry overhead the cost model
    does not count; their sizes are not checked. The hosted tables have no MACs or params columns.
    """
    hosted = load_table("tflite_hosted_latency")
    assert not {c for c in hosted.columns if "macs" in c or "params" in c or "flops" in c}
    floats = hosted[(hosted["dtype"] == "float") & hosted["model_size_mb"].notna()]
    assert len(floats) == 32
    for row in floats.itertuples():
        table = layer_table(row.alpha, int(row.resolution), classes=1001)
        convs = table[table["kind"].isin(["conv", "dw", "pw"])]
        folded = int(table["params"].sum()) + int(convs["out_channels"].sum())
        assert as_printed(Fraction(4 * folded, 10**6), f"{row.model_size_mb:.1f}") == Decimal(
            f"{row.model_size_mb:.1f}"
        )


def test_errata_rows_are_complete_and_sourced():
    errata = load_table("errata")
    assert not errata.isna().any().any()
    assert set(errata["kind"]) <= {"typo", "inconsistent", "rounding", "unexplained"}
    assert set(errata["table"]) <= set(table_names())


@pytest.mark.parametrize(
    "name", ["paper_tables", "slim_checkpoints", "tflite_hosted_latency", "other_references"]
)
def test_every_row_keeps_its_source(name):
    table = load_table(name)
    assert len(table) > 0
    assert table["source"].notna().all() and (table["source"].str.len() > 10).all()


def test_columns_are_typed():
    slim = load_table("slim_checkpoints")
    assert str(slim["resolution"].dtype) == "Int64" and slim["top1_pct"].dtype == "float64"
    assert set(slim["dtype"]) == {"float", "quant"}
    assert len(slim) == 80 and set(slim["release"]) == {"2017_06_14", "2018_02_22", "2018_08_02"}
    latency = load_table("tflite_hosted_latency")
    assert latency["tflite_cpu_ms"].dtype == "float64" and latency["tflite_cpu_ms"].notna().all()
    assert latency.loc[latency["model"] == "Mobilenet_V1_1.0_224", "tflite_cpu_ms"].tolist() == [160.1, 24.0]


def test_paper_models_parses_labels():
    models = load_table("paper_models").set_index(["table_no", "row_index"])
    assert models.loc[(9, 1), ["alpha", "resolution", "top1_pct"]].tolist() == [0.5, 160, 60.2]
    assert models.loc[(5, 2), "variant"] == "shallow" and pd.isna(models.loc[(8, 3), "alpha"])
    assert models.loc[(13, 3), "macs_millions"] == 1200  # printed as 1.2 billion


def test_unknown_table_lists_the_names():
    with pytest.raises(ValueError, match=r"'paper'.*errata, other_references, paper_models"):
        load_table("paper")


def test_load_falls_back_to_the_checkout(monkeypatch):
    def missing(package):
        raise ModuleNotFoundError(package)

    monkeypatch.setattr(reference_tables.resources, "files", missing)
    assert len(load_table("slim_checkpoints")) == 80


def test_load_returns_a_fresh_copy():
    first = load_table("slim_checkpoints")
    first.loc[0, "top1_pct"] = -1.0
    assert load_table("slim_checkpoints").loc[0, "top1_pct"] == 70.7


def test_only_other_networks_go_unchecked():
    unchecked = [row for row in load_table("paper_models").itertuples() if not paper_expected(row)]
    assert {row.variant for row in unchecked} == {""}
    assert {row.row_label for row in unchecked if row.table_no != 13} == {
        "GoogleNet", "VGG 16", "Squeezenet", "AlexNet", "Inception V3 [18]", "Baseline", "FaceNet [25]"
    }  # fmt: skip
