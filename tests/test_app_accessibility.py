"""Accessibility and narrow windows (issue 17): axe-core finds no serious or critical violation on any page at
1400 and 800 px, every page has a language and an h1, and the navbar marks the page shown."""

import time

import pytest
from app_testing import chromium, running_server, severe_console_entries
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

axe_selenium_python = pytest.importorskip("axe_selenium_python")  # the test extra

PAGES = ("/explore", "/frontier", "/compare", "/latency", "/conventions", "/tables")
WIDTHS = (1400, 800)
WAIT_S = 30


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    database = tmp_path_factory.mktemp("a11y") / "datasets.sqlite3"
    with running_server(env={"MOBILENET_COST_DB": str(database)}) as port:
        yield f"http://127.0.0.1:{port}"


def _settled(driver) -> None:
    """Wait until Dash has rendered the page (no loading marker) and its callbacks have had a moment."""
    WebDriverWait(driver, WAIT_S).until(lambda d: d.find_elements(By.CSS_SELECTOR, "nav a.nav-link.current"))
    WebDriverWait(driver, WAIT_S).until(lambda d: not d.find_elements(By.CSS_SELECTOR, "[data-dash-is-loading]"))
    time.sleep(1.0)


@pytest.mark.slow
@pytest.mark.parametrize("width", WIDTHS)
def test_no_serious_or_critical_axe_violations(base_url, width, tmp_path):
    found = {}
    with chromium(f"{width},1000") as browser:
        for page in PAGES:
            browser.get(base_url + page)
            _settled(browser)
            browser.save_screenshot(str(tmp_path / f"{page.strip('/')}-{width}.png"))
            axe = axe_selenium_python.Axe(browser)
            axe.inject()
            results = axe.run()
            bad = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
            found[page] = [(v["id"], [n["target"] for n in v["nodes"][:3]]) for v in bad]
            assert browser.execute_script("return document.documentElement.lang") == "en"
            assert len(browser.find_elements(By.TAG_NAME, "h1")) == 1
        assert severe_console_entries(browser) == []
    assert found == {page: [] for page in PAGES}


@pytest.mark.slow
def test_the_navbar_marks_the_current_page_and_nothing_overflows_at_800_px(base_url):
    with chromium("800,1000") as browser:
        for page in PAGES:
            browser.get(base_url + page)
            _settled(browser)
            current = browser.find_elements(By.CSS_SELECTOR, "nav a.nav-link.current")
            assert [link.get_attribute("href").split("?")[0] for link in current] == [base_url + page]
            overflow = browser.execute_script(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, (page, overflow)


@pytest.mark.slow
def test_at_800_px_the_explorer_results_start_within_the_first_screen(base_url):
    with chromium("800,1000") as browser:
        browser.get(base_url + "/explore")
        _settled(browser)
        cards_top = browser.execute_script("return document.getElementById('explore-cards').getBoundingClientRect().top")
        height = browser.execute_script("return window.innerHeight")
        assert cards_top < height, cards_top
