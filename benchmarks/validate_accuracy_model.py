"""Leave-one-out validation of ``AccuracyModel`` on every TF-slim release, against the targets of issue 5.

Targets (mean absolute leave-one-out error, top-1 points): <= 0.3 on each float release, <= 0.6 on the
2018_02_22 quant release, <= 1.0 on the 2018_08_02 quant release with 0.75_128 flagged as an outlier.
"w/o out" is the same mean over the points not flagged. Each left-out point is predicted by a robust fit of the other 15 (outliers set aside inside that fit).

Run: ``python benchmarks/validate_accuracy_model.py`` (exit status 1 if a target is missed).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from costmodel.reference.accuracy_model import AccuracyModel
from costmodel.reference.tables import load_table

TARGETS = {
    ("2017_06_14", "float"): 0.3,
    ("2018_02_22", "float"): 0.3,
    ("2018_08_02", "float"): 0.3,
    ("2018_02_22", "quant"): 0.6,
    ("2018_08_02", "quant"): 1.0,
}
MUST_FLAG = {("2018_08_02", "quant"): [(0.75, 128)]}


def main() -> int:
    slim = load_table("slim_checkpoints")
    all_met = True
    print(
        f"{'release':<12}{'dtype':<7}{'points':>7}{'LOO MAE':>9}{'w/o out':>9}{'max':>7}{'target':>8}  met  outliers (gap)"
    )
    for (release, dtype), target in TARGETS.items():
        rows = slim[(slim["release"] == release) & (slim["dtype"] == dtype)]
        model = AccuracyModel.fit(rows)
        loo = model.leave_one_out()
        mae = loo["error"].abs().mean()
        mae_inliers = loo.loc[~loo["outlier"], "error"].abs().mean()
        flagged = [(a, int(r)) for a, r in model.outliers[["alpha", "resolution"]].itertuples(index=False)]
        met = mae <= target and all(p in flagged for p in MUST_FLAG.get((release, dtype), []))
        all_met &= met
        outliers = ", ".join(
            f"{a:g}_{int(r)} ({g:+.2f})"
            for a, r, g in model.outliers[["alpha", "resolution", "gap"]].to_numpy()
        )
        print(
            f"{release:<12}{dtype:<7}{len(loo):>7}{mae:>9.3f}{mae_inliers:>9.3f}{loo['error'].abs().max():>7.2f}{target:>8.1f}"
            f"  {'yes' if met else 'NO ':<4} {outliers or '-'}"
        )
    print("all targets met" if all_met else "SOME TARGETS MISSED")
    return 0 if all_met else 1


if __name__ == "__main__":
    sys.exit(main())
