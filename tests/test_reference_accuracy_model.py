"""AccuracyModel: recovery of a known trend, outliers flagged rather than fitted, estimates labelled."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from costmodel import AccuracyModel, load_table

ALPHAS = [0.25, 0.5, 0.75, 1.0]
SIDES = [128, 160, 192, 224]


def synthetic(outlier: float = 0.0) -> pd.DataFrame:
    a, r = (g.ravel() for g in np.meshgrid(ALPHAS, SIDES, indexing="ij"))
    la, lr = np.log(a), np.log(r / 224)
    top1 = 70 + 10 * la + 8 * lr - 3 * la**2 - 4 * lr**2 + 1.5 * la * lr
    top1[5] += outlier  # alpha 0.5 at 160 px
    return pd.DataFrame({"alpha": a, "resolution": r, "top1_pct": top1})


def release(name: str, dtype: str) -> pd.DataFrame:
    slim = load_table("slim_checkpoints")
    return slim[(slim["release"] == name) & (slim["dtype"] == dtype)]


def test_recovers_a_quadratic_trend_exactly():
    model = AccuracyModel.fit(synthetic())
    assert model.terms == pytest.approx(
        {"1": 70, "log_alpha": 10, "log_rho": 8, "log_alpha^2": -3, "log_rho^2": -4, "log_alpha*log_rho": 1.5}
    )
    estimate = model.predict(0.6, 200)["top1_pct_estimate"].item()
    la, lr = np.log(0.6), np.log(200 / 224)
    assert estimate == pytest.approx(70 + 10 * la + 8 * lr - 3 * la**2 - 4 * lr**2 + 1.5 * la * lr)
    assert model.outliers.empty


def test_outlier_is_flagged_with_its_gap_and_does_not_bend_the_fit():
    model = AccuracyModel.fit(synthetic(outlier=-5.0))
    assert model.outliers[["alpha", "resolution"]].values.tolist() == [[0.5, 160.0]]
    assert model.outliers["gap"].item() == pytest.approx(-5.0)
    clean = AccuracyModel.fit(synthetic())
    assert model.coefficients == pytest.approx(clean.coefficients)


def test_slim_2018_08_02_quant_flags_0_75_128():
    data = release("2018_08_02", "quant")
    model = AccuracyModel.fit(data)
    assert model.outliers[["alpha", "resolution"]].values.tolist() == [[0.75, 128.0]]
    gap = model.outliers["gap"].item()
    assert -5.0 < gap < -3.5  # about 4 points below the trend of its neighbours
    without = AccuracyModel.fit(data[data["model"] != "MobileNet_v1_0.75_128_quant"])
    assert model.coefficients == pytest.approx(without.coefficients)


@pytest.mark.parametrize(
    ("name", "dtype", "target"),
    [
        ("2017_06_14", "float", 0.3),
        ("2018_02_22", "float", 0.3),
        ("2018_08_02", "float", 0.3),
        ("2018_02_22", "quant", 0.6),
        ("2018_08_02", "quant", 1.0),
    ],
)
def test_leave_one_out_error_meets_the_targets(name, dtype, target):
    data = release(name, dtype)
    errors = []
    for index in data.index:  # our own leave-one-out through fit / predict
        model = AccuracyModel.fit(data.drop(index))
        row = data.loc[index]
        errors.append(
            model.predict(row["alpha"], row["resolution"])["top1_pct_estimate"].item() - row["top1_pct"]
        )
    mae = np.mean(np.abs(errors))
    assert mae <= target
    loo = AccuracyModel.fit(data).leave_one_out()
    assert loo["error"].abs().mean() == pytest.approx(mae)


def test_predictions_are_labelled_estimates():
    model = AccuracyModel.fit(release("2018_02_22", "float"))
    out = model.predict(np.array([[0.3], [1.4]]), [128, 224])
    assert "top1_pct" not in out.columns and "top1_pct_estimate" in out.columns
    assert out.attrs["estimate"] is True
    assert out["extrapolated"].tolist() == [False, False, True, True]
    assert out["resolution"].tolist() == [128, 224, 128, 224]


def test_missing_rows_dropped_and_bad_input_rejected():
    data = synthetic()
    data.loc[3, "top1_pct"] = np.nan
    assert AccuracyModel.fit(data).dropped_missing == 1
    with pytest.raises(ValueError, match=r"needs the column\(s\) 'resolution'"):
        AccuracyModel.fit(data.drop(columns="resolution"))
    with pytest.raises(ValueError, match=r"at least 8 distinct .* has 7"):
        AccuracyModel.fit(load_table("paper_models").query("table_no in [6, 7]"))
    assert AccuracyModel.fit(load_table("paper_models").query("table_no in [6, 7]"), degree=1).degree == 1
    model = AccuracyModel.fit(data)
    with pytest.raises(ValueError, match=r"alpha=-0\.5 is out of range"):
        model.predict(-0.5, 224)
    with pytest.raises(ValueError, match="resolution=nan is out of range"):
        model.predict(0.5, float("nan"))
    with pytest.raises(ValueError, match="degree=3"):
        AccuracyModel.fit(data, degree=3)
