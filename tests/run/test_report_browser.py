"""The report page in a real headless browser (Debian ``chromium`` + ``chromium-driver``, driven by Selenium):
the problem list leads, each problem expands, and the version/suite filters hide and show problems."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .helpers import run_cli

CHROMIUM = shutil.which("chromium")
DRIVER = shutil.which("chromedriver") or shutil.which("chromium-driver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and DRIVER),
    reason="no headless browser: install Debian's chromium and chromium-driver (.ci/run does)")


@pytest.fixture
def browser():
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[dev]')")
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--window-size=1366,768"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    yield driver
    driver.quit()


def test_problems_are_listed_expandable_and_filterable(browser, failing_suites: Path, target: str,
                                                      tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    reports = tmp_path / "r"
    assert run_cli(failing_suites, target, reports) == 1
    browser.get((reports / "report.html").resolve().as_uri())
    banner = browser.find_element(By.ID, "verdict")
    assert "1 distinct problem" in banner.text
    problem = browser.find_element(By.ID, "problem-P1")
    curl = problem.find_element(By.CSS_SELECTOR, "pre.curl")
    assert problem.is_displayed() and not curl.is_displayed()  # collapsed: the statement only
    assert "GET /trainees answers 200; the facts require 418" in problem.text
    problem.find_element(By.TAG_NAME, "summary").click()
    assert curl.is_displayed() and "$REGISTER_API_TOKEN" in curl.text
    # No horizontal scrolling on a laptop screen, even with long node ids.
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    version = browser.find_element(By.CSS_SELECTOR, "#problem-filters input[data-version='v2025.0']")
    version.click()
    assert not problem.is_displayed()
    assert browser.find_element(By.ID, "problems-shown").text == "0"
    version.click()
    assert problem.is_displayed()
