"""Headless Chromium for the pages the fake serves (Debian's `chromium` and `chromium-driver`,
which CI installs), and a place for the screenshots a test takes.

Screenshots go to `$FAKE_SEAM_ARTIFACTS` when it names a directory (CI keeps it), else to the
test's own `tmp_path`: never into the source tree."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
ARTIFACTS_ENV = "FAKE_SEAM_ARTIFACTS"


@pytest.fixture(autouse=True)
def needs_chromium() -> None:
    """CI installs Chromium (.ci/run); on a developer's machine without it the tests say so
    and skip, rather than failing on what is not the project's."""
    if not (CHROMIUM and CHROMEDRIVER) and not os.environ.get("CI"):
        pytest.skip("needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)")


def chromium(width: int = 1400, height: int = 1000) -> Any:
    """A headless Chromium under selenium, its window `width` x `height` CSS pixels."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM or "chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    options.add_argument(f"--window-size={width},{height}")
    return webdriver.Chrome(service=Service(CHROMEDRIVER or "chromedriver"), options=options)


@pytest.fixture
def browser() -> Iterator[Any]:
    driver = chromium()
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def sized_browser() -> Iterator[Callable[[int, int], Any]]:
    """`sized_browser(width, height)`: another Chromium, its window that size (a phone's, say)."""
    drivers: list[Any] = []

    def make(width: int, height: int) -> Any:
        drivers.append(chromium(width, height))
        return drivers[-1]

    try:
        yield make
    finally:
        for driver in drivers:
            driver.quit()


@pytest.fixture
def artifacts(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    """Where this test saves what a person may want to look at after the run."""
    chosen = os.environ.get(ARTIFACTS_ENV)
    folder = Path(chosen) / request.node.name if chosen else tmp_path / "artifacts"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def screenshot(browser: Any, artifacts: Path) -> Callable[[str], Path]:
    """`screenshot("step")` saves the browser's page as `step.png` among the artifacts."""

    def take(name: str) -> Path:
        path = artifacts / f"{name}.png"
        browser.save_screenshot(str(path))
        return path

    return take
