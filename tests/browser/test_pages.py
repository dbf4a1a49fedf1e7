"""The report and the board pack, opened in Chromium at 1280 and 800 pixels wide: nothing sticks
out past the window (wide tables scroll inside their own box), and screenshots are kept."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from discharge_sim.cli import main
from tests.browser.conftest import page_overflow

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pages(result_folders, tmp_path_factory) -> dict[str, Path]:
    """report.html and board-pack.html of the compare folder (the widest tables: the policy table,
    paired differences, three scenarios) and of the attribute folder (the convention tables)."""
    base = tmp_path_factory.mktemp("pages")
    made = {}
    for kind in ("compare", "attribute"):
        folder = Path(shutil.copytree(result_folders[kind], base / kind))
        assert main(["report", str(folder), "--quiet"]) == 0
        assert main(["pack", str(folder), "--quiet"]) == 0
        made[f"{kind} report"] = folder / "report.html"
        made[f"{kind} board pack"] = folder / "board-pack.html"
    return made


@pytest.mark.parametrize("width", [1280, 800])
@pytest.mark.parametrize("page", ["compare report", "compare board pack", "attribute report",
                                  "attribute board pack"])
def test_nothing_sticks_out_of_the_window(driver, pages, screenshots, page, width):
    found = page_overflow(driver, pages[page].as_uri(), width)
    shot = screenshots / f"{page.replace(' ', '-')}-{width}.png"
    driver.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000
    assert not found, found
    tables = driver.execute_script("return document.querySelectorAll('.table-wrap table').length")
    assert tables > 3
