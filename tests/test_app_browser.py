"""Real-browser tests: every page in headless Chromium (Debian's chromium + chromedriver) against the real
gunicorn server. Each test interacts, checks a rendered value and a clean browser console."""

import pytest
from app_testing import chromium, running_server, severe_console_entries
from costmodel.dashboard import frontier, frontier_url, ids
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from costmodel import reconcile, report

WAIT_S = 30


@pytest.fixture(scope="module")
def base_url():
    with running_server() as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
def browser():
    with chromium() as driver:
        yield driver


def text_of(driver, selector: str) -> str:
    return driver.find_element(By.CSS_SELECTOR, selector).text


def wait_for_text(driver, selector: str, expected: str) -> None:
    # Dash replaces rendered children on each update, so an element found may go stale: look again.
    WebDriverWait(driver, WAIT_S, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: any(expected in e.text for e in d.find_elements(By.CSS_SELECTOR, selector)),
        message=f"{selector} never showed {expected!r}",
    )


def type_into(driver, element_id: str, text: str) -> None:
    field = driver.find_element(By.ID, element_id)
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(text, Keys.ENTER)


def macs(alpha, **side) -> str:
    return f"{report(alpha=alpha, **side).totals['macs']:,}"


def test_explorer_typing_alpha_updates_cards_url_and_back_button(base_url, browser):
    browser.get(f"{base_url}/explore?alpha=0.5&rho=0.714")
    wait_for_text(browser, "#card-macs .card-value", "76,524,800")
    bars = browser.find_elements(By.CSS_SELECTOR, f"#{ids.EXPLORE_LAYER_GRAPH} .barlayer .point")
    assert len(bars) == 2 * 29  # one MACs and one params bar per layer (the pool layer's are empty)

    type_into(browser, ids.EXPLORE_ALPHA_INPUT, "0.75")
    wait_for_text(browser, "#card-macs .card-value", macs(0.75, resolution=160))
    assert browser.current_url.endswith("/explore?alpha=0.75&rho=0.714")

    browser.back()
    wait_for_text(browser, "#card-macs .card-value", "76,524,800")
    assert browser.current_url.endswith("/explore?alpha=0.5&rho=0.714")
    WebDriverWait(browser, WAIT_S).until(
        lambda d: d.find_element(By.ID, ids.EXPLORE_ALPHA_INPUT).get_attribute("value") == "0.5"
    )
    assert severe_console_entries(browser) == []


def test_explorer_invalid_value_shows_a_message_and_keeps_the_view(base_url, browser):
    browser.get(f"{base_url}/explore?alpha=0.25&resolution=128")
    wait_for_text(browser, "#card-macs .card-value", macs(0.25, resolution=128))
    type_into(browser, ids.EXPLORE_ALPHA_INPUT, "abc")
    wait_for_text(browser, f"#{ids.EXPLORE_ALPHA_ERROR}", "not a number")
    assert text_of(browser, "#card-macs .card-value") == macs(0.25, resolution=128)
    assert browser.current_url.endswith("?alpha=0.25&resolution=128")
    type_into(browser, ids.EXPLORE_SIDE_INPUT, "99999")
    wait_for_text(browser, f"#{ids.EXPLORE_SIDE_ERROR}", "out of range")
    type_into(browser, ids.EXPLORE_ALPHA_INPUT, "1")
    type_into(browser, ids.EXPLORE_SIDE_INPUT, "192")
    wait_for_text(browser, "#card-macs .card-value", macs(1, resolution=192))
    assert text_of(browser, f"#{ids.EXPLORE_ALPHA_ERROR}") == ""
    assert severe_console_entries(browser) == []


def test_explorer_link_reproduces_the_view(base_url, browser):
    browser.get(f"{base_url}/?alpha=0.5&resolution=160&rounding=keras&bn=all")  # / redirects to /explore
    expected = f"{report(alpha=0.5, resolution=160, rounding='keras', bn='all').totals['params']:,}"
    wait_for_text(browser, "#card-params .card-value", expected)
    link = browser.find_element(By.ID, ids.EXPLORE_PERMALINK).get_attribute("href")
    assert link.endswith("/explore?alpha=0.5&resolution=160&rounding=keras&bn=all")
    with chromium() as other:
        other.get(link)
        wait_for_text(other, "#card-params .card-value", expected)
        assert other.find_element(By.ID, ids.EXPLORE_ALPHA_INPUT).get_attribute("value") == "0.5"
        assert severe_console_entries(other) == []
    assert severe_console_entries(browser) == []


def test_explorer_keras_padding(base_url, browser):
    # issue 15: Keras 3's MobileNet at an odd side; the padding control offers its rule
    browser.get(f"{base_url}/explore?alpha=0.975&resolution=97&rounding=keras&padding=keras&bn=all")
    expected = report(alpha=0.975, resolution=97, rounding="keras", padding="keras", bn="all").totals
    wait_for_text(browser, "#card-macs .card-value", f"{expected['macs']:,}")
    assert text_of(browser, "#card-params .card-value") == f"{expected['params']:,}"
    assert "keras: stem ceil, dw floor" in browser.find_element(By.ID, ids.EXPLORE_PADDING).text
    assert severe_console_entries(browser) == []


def test_explorer_formulas_render_as_math(base_url, browser):
    browser.get(f"{base_url}/explore")
    WebDriverWait(browser, WAIT_S).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, f"#{ids.EXPLORE_FORMULAS} mjx-container"),
        message="MathJax never rendered the closed forms",
    )
    wait_for_text(browser, f"#{ids.EXPLORE_REDUCTION}", "0.11306")  # block 13: 1/1024 + 1/9
    assert severe_console_entries(browser) == []


def test_frontier_budget_and_axis(base_url, browser):
    browser.get(f"{base_url}/frontier?alpha=0.5&resolution=160")
    estimate = frontier.design_estimate("?alpha=0.5&resolution=160", ["float"])
    wait_for_text(
        browser, f"#{ids.FRONTIER_POINT}", f"estimated top-1 {estimate.estimates['float']:.1f} % (float)"
    )
    WebDriverWait(browser, WAIT_S).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, f"#{ids.FRONTIER_GRAPH} .scatterlayer .point")
    )
    type_into(browser, ids.FRONTIER_BUDGET, "100")
    points = frontier.selected(list(frontier.DEFAULT_SOURCES), ["float"], "macs")
    best, _ = frontier.best_under_budget(points, "macs", 100e6)
    wait_for_text(browser, f"#{ids.FRONTIER_BEST}", f"{best['model']} ({best['source']}, float)")
    type_into(browser, ids.FRONTIER_BUDGET, "many")
    wait_for_text(browser, f"#{ids.FRONTIER_BUDGET_ERROR}", "must be a positive amount such as 300M")
    browser.find_element(By.CSS_SELECTOR, f"#{ids.FRONTIER_X_METRIC} input[value='params']").click()
    wait_for_text(browser, f"#{ids.FRONTIER_GRAPH} .xtitle", "parameters")
    budget_box = lambda: browser.find_element(By.ID, ids.FRONTIER_BUDGET).get_attribute("value")  # noqa: E731
    WebDriverWait(browser, WAIT_S).until(lambda d: budget_box() == "")  # params has its own (no) budget
    # the latency axis ticks the sources that publish latencies, so it is never an empty chart
    browser.find_element(By.CSS_SELECTOR, f"#{ids.FRONTIER_X_METRIC} input[value='latency_ms']").click()
    wait_for_text(browser, f"#{ids.FRONTIER_GRAPH} .legend", "TF Lite hosted, Pixel 2 (float)")
    assert browser.find_element(
        By.CSS_SELECTOR, f"#{ids.FRONTIER_SOURCES} input[value='TF Lite hosted, Pixel 2']"
    ).is_selected()
    type_into(browser, ids.FRONTIER_BUDGET, "20ms")
    wait_for_text(browser, f"#{ids.FRONTIER_BEST}", "within 20.0 ms")
    browser.find_element(By.CSS_SELECTOR, f"#{ids.FRONTIER_X_METRIC} input[value='macs']").click()
    WebDriverWait(browser, WAIT_S).until(lambda d: budget_box() == "100")  # not 20 M MACs, not 20 ms
    wait_for_text(browser, f"#{ids.FRONTIER_BEST}", "within 100 M MACs")
    assert "budget_macs=100" in browser.current_url and "budget_latency_ms=20ms" in browser.current_url
    assert severe_console_entries(browser) == []


def test_frontier_settings_live_in_the_url(base_url, browser):
    browser.get(f"{base_url}/frontier?alpha=0.5&resolution=160")
    WebDriverWait(browser, WAIT_S).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, f"#{ids.FRONTIER_GRAPH} .scatterlayer .point")
    )
    browser.find_element(By.CSS_SELECTOR, f"#{ids.FRONTIER_X_METRIC} input[value='params']").click()
    wait_for_text(browser, f"#{ids.FRONTIER_GRAPH} .xtitle", "parameters")  # the box now holds params' budget
    type_into(browser, ids.FRONTIER_BUDGET, "2M")
    WebDriverWait(browser, WAIT_S).until(lambda d: d.current_url.endswith("&budget_params=2M"))
    link = browser.current_url
    assert link.endswith("/frontier?alpha=0.5&resolution=160&x=params&budget_params=2M")
    with chromium() as other:
        other.get(link)
        wait_for_text(other, f"#{ids.FRONTIER_GRAPH} .xtitle", "parameters")
        checked = other.find_element(By.CSS_SELECTOR, f"#{ids.FRONTIER_X_METRIC} input[value='params']")
        assert checked.is_selected()
        assert other.find_element(By.ID, ids.FRONTIER_BUDGET).get_attribute("value") == "2M"
        wait_for_text(other, f"#{ids.FRONTIER_BEST}", "within 2 M parameters")
        assert severe_console_entries(other) == []
    browser.get(f"{base_url}/frontier?alpha=abc&x=flops")  # named as the Explorer names them, in one place
    intro = "Some URL parameters were not usable and were ignored (their defaults apply): "
    wait_for_text(
        browser, f"#{ids.FRONTIER_URL_ERROR}", intro + "alpha: 'abc' is not a number; x=flops is not an axis"
    )
    assert text_of(browser, f"#{ids.FRONTIER_URL_ERROR}") == frontier_url.problems_text(
        frontier_url.controls_from_query("?alpha=abc&x=flops")[1]
    )
    browser.get(f"{base_url}/explore?alpha=abc")
    wait_for_text(browser, ".url-error", intro + "alpha: 'abc' is not a number")
    assert severe_console_entries(browser) == []


PARCOORDS_DIV = f"document.querySelector('#{ids.FRONTIER_PARCOORDS} .js-plotly-plot')"


def drawn_points(driver) -> int:
    return len(driver.find_elements(By.CSS_SELECTOR, f"#{ids.FRONTIER_GRAPH} .scatterlayer .trace .point"))


def test_frontier_parcoords_brush_filters_the_chart(base_url, browser):
    """Issue 17 item 10: a brush on the parallel coordinates' MACs axis (through plotly, as a drag sends it)
    leaves only the points inside it on the Frontier, in the URL too; Clear selection brings them back."""
    from axe_selenium_python import Axe

    browser.get(f"{base_url}/frontier?alpha=0.5&resolution=160")
    every = frontier.selected(list(frontier.DEFAULT_SOURCES), ["float"], "macs")
    inside = int(((every.macs >= 1e8) & (every.macs <= 3e8)).sum())
    extra = 2  # the design point's star and the best-under-budget ring (lines have no .point)
    WebDriverWait(browser, WAIT_S).until(lambda d: drawn_points(d) == len(every) + extra)
    WebDriverWait(browser, WAIT_S).until(
        lambda d: d.execute_script(f"return {PARCOORDS_DIV} && {PARCOORDS_DIV}.data.length === 1")
    )
    assert not browser.find_element(By.ID, ids.FRONTIER_CLEAR_SELECTION).is_displayed()
    browser.execute_script(
        f"Plotly.restyle({PARCOORDS_DIV}, {{'dimensions[2].constraintrange': [[1e8, 3e8]]}})"
    )
    wait_for_text(
        browser, f"#{ids.FRONTIER_SELECTION}", f"Selection: {inside} of {len(every)} points inside MACs"
    )
    WebDriverWait(browser, WAIT_S).until(lambda d: drawn_points(d) == inside + extra)
    assert browser.current_url.endswith("/frontier?alpha=0.5&resolution=160&brush_macs=1e08%2C3e08")
    assert browser.find_element(By.ID, ids.FRONTIER_CLEAR_SELECTION).is_displayed()
    results = Axe(browser)
    results.inject()
    bad = [v["id"] for v in results.run()["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == []

    link = browser.current_url
    browser.find_element(By.ID, ids.FRONTIER_CLEAR_SELECTION).click()
    WebDriverWait(browser, WAIT_S).until(lambda d: drawn_points(d) == len(every) + extra)
    assert browser.current_url.endswith("/frontier?alpha=0.5&resolution=160")
    assert text_of(browser, f"#{ids.FRONTIER_SELECTION}") == ""
    browser.get(link)  # the link reproduces the filtered view, brush drawn
    WebDriverWait(browser, WAIT_S).until(lambda d: drawn_points(d) == inside + extra)
    brushed = browser.execute_script(f"return {PARCOORDS_DIV}.data[0].dimensions[2].constraintrange")
    assert brushed == [1e8, 3e8]
    assert severe_console_entries(browser) == []


def test_conventions_follow_the_explorer(base_url, browser):
    browser.get(f"{base_url}/conventions?alpha=0.5&resolution=160")
    wait_for_text(browser, f"#{ids.CONVENTIONS_TABLE}", "76,524,800")
    wait_for_text(browser, f"#{ids.CONVENTIONS_POINT}", "MOBILENET-0.5-160")  # h2 is upper-cased by CSS
    browser.find_element(By.ID, ids.CONVENTIONS_EXPLORER_LINK).click()
    wait_for_text(browser, "#card-macs .card-value", "76,524,800")
    type_into(browser, ids.EXPLORE_ALPHA_INPUT, "0.75")
    wait_for_text(browser, "#card-macs .card-value", macs(0.75, resolution=160))
    browser.find_element(By.ID, "nav-conventions").click()
    expected = reconcile(0.75, resolution=160).set_index("convention")
    wait_for_text(browser, f"#{ids.CONVENTIONS_TABLE}", f"{int(expected.loc['thop', 'total']):,}")
    assert browser.current_url.endswith("/conventions?alpha=0.75&resolution=160")
    assert browser.find_elements(By.CSS_SELECTOR, f"#{ids.CONVENTIONS_GRAPH} .barlayer .point")
    assert severe_console_entries(browser) == []


def test_tables_choose_a_table_and_see_its_errata(base_url, browser):
    browser.get(f"{base_url}/tables")
    wait_for_text(browser, f"#{ids.TABLES_ERRATA}", "8 cell(s) highlighted")  # paper_models by default
    browser.find_element(By.ID, ids.TABLES_CHOICE).click()
    WebDriverWait(browser, WAIT_S).until(
        lambda d: (
            d.find_elements(
                By.XPATH,
                "//*[@role='option' or @role='listbox']//*[normalize-space(text())='slim_checkpoints']",
            )
            or d.find_elements(By.XPATH, "//*[normalize-space(text())='slim_checkpoints']")
        )
    )
    browser.find_elements(By.XPATH, "//*[normalize-space(text())='slim_checkpoints']")[-1].click()
    wait_for_text(browser, f"#{ids.TABLES_ERRATA}", "30 cell(s) highlighted")
    assert browser.current_url.endswith("/tables?table=slim_checkpoints")
    highlighted = browser.find_elements(
        By.CSS_SELECTOR, f"#{ids.TABLES_TABLE} td[data-dash-column='macs_millions']"
    )
    erratum = [cell for cell in highlighted if cell.text == "317"]
    assert erratum and "255, 241, 214" in erratum[0].value_of_css_property("background-color")
    wait_for_text(browser, f"#{ids.TABLES_SOURCE}", "mobilenet_v1.md")
    assert severe_console_entries(browser) == []


GRID_BOX = """
const grid = document.querySelector('#%s .dash-spreadsheet-container');
const box = grid.getBoundingClientRect();
const heads = [...grid.querySelectorAll('th[data-dash-column]:not(.dash-filter)')].map(th => {
    const r = th.getBoundingClientRect(); return [th.dataset.dashColumn, r.left, r.right]; });
return {left: box.left, right: box.right, bottom: box.bottom, scrollWidth: grid.scrollWidth,
        clientWidth: grid.clientWidth, pageWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth, innerHeight: window.innerHeight, heads: heads};
"""


@pytest.mark.parametrize("width", [1400, 800])
def test_tables_every_column_is_reachable_with_the_first_column_kept(base_url, width):
    """The widest table (16 columns) scrolls sideways inside its own box, whose scroll bar is on screen; the
    page itself never overflows; scrolled to the far right, the last column is in view and the first stays."""
    with chromium(f"{width},1000") as browser:
        browser.get(f"{base_url}/tables?table=tflite_hosted_latency")
        wait_for_text(browser, f"#{ids.TABLES_COLUMNS_HINT}", "16 columns: scroll the table sideways")
        grid = browser.execute_script(GRID_BOX % ids.TABLES_TABLE)
        assert grid["pageWidth"] <= grid["innerWidth"]
        assert (
            grid["bottom"] <= grid["innerHeight"]
        )  # the sideways scroll bar is on screen, not below the fold
        assert len(grid["heads"]) == 16 and grid["scrollWidth"] > grid["clientWidth"]
        browser.execute_script(
            f"const g = document.querySelector('#{ids.TABLES_TABLE} .dash-spreadsheet-container');"
            "g.scrollLeft = g.scrollWidth;"
        )
        scrolled = browser.execute_script(GRID_BOX % ids.TABLES_TABLE)
        heads = {name: (left, right) for name, left, right in scrolled["heads"]}
        assert scrolled["left"] <= heads["source"][0] and heads["source"][1] <= scrolled["right"] + 1
        assert abs(heads["table_version"][0] - scrolled["left"]) <= 2  # the first column stays in view
        assert severe_console_entries(browser) == []
