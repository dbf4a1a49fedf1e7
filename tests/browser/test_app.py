"""The web app in a real browser: load the baseline, change the beds, run a short comparison with
one scenario, see a figure, download the config, the results and the board pack, and fit windows
1280 and 800 pixels wide without anything sticking out past the right edge."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import page_overflow

WAIT = 90


def _wait(driver: Any, condition: Any, seconds: float = WAIT) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, seconds, poll_frequency=0.2).until(condition)


def _idle(driver: Any) -> None:
    """Wait until the page has finished rerunning its script."""
    from selenium.webdriver.common.by import By

    time.sleep(0.3)
    _wait(driver, lambda d: not d.find_elements(By.CSS_SELECTOR, '[data-testid="stStatusWidget"]'))


def _type(driver: Any, label: str, text: str) -> None:
    """Type into the field labelled ``label`` and commit it, as a user does."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    field = _wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, f'input[aria-label="{label}"]'))
    field.click()
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(text, Keys.ENTER)
    _idle(driver)


def _click(driver: Any, key: str) -> None:
    from selenium.webdriver.common.by import By

    button = _wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, f".st-key-{key} button"))
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()


def _downloaded(folder: Path, suffix: str) -> Path:
    def done(_: Any) -> Path | bool:
        found = [p for p in folder.glob(f"*{suffix}") if p.stat().st_size > 0]
        return found[0] if found and not list(folder.glob("*.crdownload")) else False

    return Path(_wait(None, done, 30))


@pytest.mark.slow
def test_a_first_experiment_from_the_browser(driver, app_url, app_results, downloads, screenshots):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver.set_window_size(1280, 900)
    driver.get(app_url)
    _wait(driver, lambda d: "In use: baseline" in d.find_element(By.TAG_NAME, "body").text)
    assert "never leaves this computer" in driver.find_element(By.TAG_NAME, "body").text

    _type(driver, "beds", "560")
    _type(driver, "days", "60")
    _type(driver, "warmup days", "10")
    _type(driver, "replications", "2")
    choose = driver.find_element(By.CSS_SELECTOR, ".st-key-scenarios input")
    choose.click()
    choose.send_keys("more_home_care", Keys.ENTER)
    choose.send_keys(Keys.ESCAPE)
    _idle(driver)
    assert "compares baseline-edited with 1 scenario(s): 2 replication(s) of 60 days (10 of them warm-up) each, " \
        "560 beds" in driver.find_element(By.TAG_NAME, "body").text  # an edited config says so

    _click(driver, "run")
    figure = _wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, '[data-testid="stImage"] img'))
    _idle(driver)
    assert figure.get_attribute("naturalWidth") and int(figure.get_attribute("naturalWidth")) > 100
    (folder,) = app_results.iterdir()
    assert folder.name.startswith("compare-baseline-edited-") and (folder / "summary.json").is_file()
    manifest = (folder / "manifest.json").read_text()
    assert '"beds": 560' in manifest and "more_home_care" in manifest
    assert "Edited in the web app: hospital.beds 600 -> 560" in manifest
    text = driver.find_element(By.TAG_NAME, "body").text
    assert "The scenarios compared" in text and "Traceback" not in text

    _click(driver, "download-config")
    config = _downloaded(downloads, ".yaml")
    assert "beds: 560" in config.read_text()
    _click(driver, "download-results")
    archive = _downloaded(downloads, ".zip")
    with zipfile.ZipFile(archive) as zipped:
        assert f"{folder.name}/summary.json" in zipped.namelist()

    _click(driver, "make-pack")
    _click(driver, "download-pack-pdf")
    pack = _downloaded(downloads, "board-pack.pdf")
    assert pack.name == f"{folder.name}-board-pack.pdf" and pack.read_bytes()[:5] == b"%PDF-"
    assert (folder / "board-pack.html").is_file()

    for width in (1280, 800):
        sticking_out = page_overflow(driver, None, width)
        shot = screenshots / f"app-{width}.png"
        driver.execute_script("window.scrollTo(0, 0)")
        driver.save_screenshot(str(shot))
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert sticking_out == [], f"at {width} px: {sticking_out}"


def test_page_overflow_finds_what_sticks_out(driver):
    page = ("data:text/html,<html><body style='margin:0'><p>fits</p>"
            "<div id='scrolls' style='overflow-x:auto;width:300px'><div style='width:2000px'>wide but scrolled</div></div>"
            "<div id='wide' style='width:1500px;height:10px'></div></body></html>")
    found = page_overflow(driver, page, 800)
    assert any("the page is" in f for f in found) and any(f.startswith("div#wide") for f in found)
    assert not any("scrolls" in f for f in found)
    narrow = "data:text/html,<html><body><p>fits</p></body></html>"
    assert page_overflow(driver, narrow, 800) == []


def _listening(port: int) -> set[str]:
    """The local addresses with a socket listening on ``port`` (Linux's /proc/net tables, in hex)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


def test_the_app_listens_on_this_machine_only(app_url):
    """Nothing but the loopback address answers: other machines cannot reach the app."""
    port = int(app_url.rsplit(":", 1)[1])
    addresses = _listening(port)
    if not Path("/proc/net/tcp").is_file():
        pytest.skip("no /proc/net/tcp to read the listening sockets from")
    assert addresses == {"0100007F"}, addresses  # 127.0.0.1, and no IPv6 or wildcard socket
