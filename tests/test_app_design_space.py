"""The Design space page: the α × resolution grid from evaluate, budget lines, checkpoints, in the browser."""

import numpy as np
import pytest
from app_testing import chromium, running_server, severe_console_entries
from costmodel.dashboard import design_space, ids
from independent_counter import costs


def test_the_grid_holds_exact_costs_and_every_metric():
    grid = design_space.design_grid()
    assert len(grid) == len(design_space.ALPHAS) * len(design_space.RESOLUTIONS)
    for alpha, side in [(0.25, 96), (0.5, 160), (0.725, 200), (1.0, 256)]:
        row = grid[(np.isclose(grid.alpha, alpha)) & (grid.resolution == side)].iloc[0]
        assert (int(row.macs), int(row.params)) == (costs(alpha, side)["macs"], costs(alpha, side)["params"])
    assert grid[["top1_pct_estimate", "latency_ms"]].notna().all().all()


def test_budget_lines_count_the_points_that_meet_them_all():
    view = design_space.design_space_view("top1_pct_estimate", "300M", "2M", "20")
    assert view.budgets == {"macs": 300_000_000, "params": 2_000_000, "latency_ms": 20}
    expected = sum(
        1 for a in design_space.ALPHAS for r in design_space.RESOLUTIONS
        if costs(float(a), int(r))["macs"] <= 300_000_000 and costs(float(a), int(r))["params"] <= 2_000_000
        and float(view.grid[(np.isclose(view.grid.alpha, a)) & (view.grid.resolution == r)].latency_ms.iloc[0]) <= 20
    )  # fmt: skip
    assert design_space.fitting_count(view) == expected > 0
    figure = design_space.figure_of(view.metric, tuple(sorted(view.budgets.items())))
    kinds = [trace["type"] for trace in figure["data"]]
    assert kinds.count("heatmap") == 1 and kinds.count("contour") == 3 and kinds.count("scatter") == 1
    stars = next(t for t in figure["data"] if t["type"] == "scatter")
    assert len(stars["text"]) == 16  # the 4 x 4 published checkpoints


def test_bad_budget_text_is_named_and_the_view_stays():
    view = design_space.design_space_view("nonsense", "lots")
    assert view.metric == "macs" and view.budgets == {} and "MACs: 'lots'" in view.error


@pytest.mark.slow
@pytest.mark.parametrize("width", [1400, 800])
def test_design_space_page_in_the_browser(width, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    env = {"MOBILENET_COST_DB": str(tmp_path / "d.sqlite3")}
    with running_server(env=env) as port, chromium(f"{width},1000") as browser:
        browser.get(f"http://127.0.0.1:{port}/design-space")
        WebDriverWait(browser, 30).until(
            lambda d: "meet every budget" in d.find_element(By.ID, ids.SPACE_SUMMARY).text
        )
        WebDriverWait(browser, 30).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, f"#{ids.SPACE_GRAPH} .hm")
        )
        browser.save_screenshot(f"/tmp/design-space-{width}.png")
        assert severe_console_entries(browser) == []
