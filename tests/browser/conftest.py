"""Browser tests: the web app served as ``discharge-sim app`` serves it, driven in headless
Chromium from Debian's packages by Selenium.

Chromium and its driver are taken from /usr/bin (``apt-get install chromium chromium-driver``);
Selenium is never left to download a browser or a driver. Where they are missing the tests are
skipped, except under CI (the environment variable ``CI`` set), where they fail: CI must run them.

:func:`page_overflow` is a helper for any page (the app, a report, a board pack): what sticks out
past the right edge of a window of a given width.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage")
STARTUP_SECONDS = 60


def _missing() -> str | None:
    absent = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.is_file()]
    try:
        import selenium  # noqa: F401
    except ImportError:
        absent.append("the selenium package")
    return ", ".join(absent) or None


@pytest.fixture(scope="session")
def browser_available() -> None:
    """Skip where the browser is missing; under CI, fail instead."""
    missing = _missing()
    if missing is None:
        return
    message = (f"browser tests need {missing}: apt-get install chromium chromium-driver; "
               "pip install -e '.[test]'")
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="session")
def driver(browser_available: None, downloads: Path) -> Iterator[Any]:
    """Headless Chromium with a profile of its own (removed afterwards), saving downloads to
    ``downloads`` without asking."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="discharge-sim-chromium-")
    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False,
                                              "download.directory_upgrade": True})
    chrome = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    chrome.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    try:
        yield chrome
    finally:
        chrome.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def app_results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("app") / "results"


@pytest.fixture(scope="session")
def app_url(browser_available: None, app_results: Path) -> Iterator[str]:
    """``discharge-sim app --port <free> --results <tmp>`` running, answering at the URL returned;
    stopped (with everything it started) at the end of the session."""
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH")))),
           "MPLBACKEND": "Agg"}
    log = app_results.parent / "app.log"
    with log.open("wb") as out:
        server = subprocess.Popen([sys.executable, "-m", "discharge_sim", "app", "--port", str(port),
                                   "--results", str(app_results)], stdout=out, stderr=subprocess.STDOUT,
                                  env=env, cwd=app_results.parent, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(url, server, log)
        yield url
    finally:
        if server.poll() is None:
            os.killpg(server.pid, 15)  # the group this fixture started: the command and its server
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, 9)
                server.wait()


def _wait_for(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"discharge-sim app stopped with status {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.25)
    pytest.fail(f"discharge-sim app did not answer within {STARTUP_SECONDS} s:\n{log.read_text()}")


OVERFLOW_SCRIPT = """
const width = window.innerWidth;
const out = [];
if (document.documentElement.scrollWidth > width) {
  out.push(`the page is ${document.documentElement.scrollWidth}px wide in a ${width}px window`);
}
const clipped = (el) => {
  for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
    const style = getComputedStyle(up);
    if (style.overflowX !== 'visible' && up.getBoundingClientRect().right <= width + 1) return true;
  }
  return false;
};
for (const el of document.body.querySelectorAll('*')) {
  const box = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  if (box.width === 0 || box.height === 0 || style.visibility === 'hidden' || style.display === 'none') continue;
  if (box.right > width + 1 && !clipped(el)) {
    const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + (el.getAttribute('data-testid') ? `[data-testid=${el.getAttribute('data-testid')}]` : '');
    out.push(`${name} reaches ${Math.round(box.right)}px`);
  }
}
return out;
"""


def page_overflow(driver: Any, url: str | None, width: int, height: int = 900) -> list[str]:
    """What sticks out past the right edge of a ``width``-pixel window: the page wider than the
    window, or a visible element reaching past it that no narrower ancestor clips (a table that
    scrolls inside its own box does not count). Empty: nothing does. ``url`` None: the page already
    open, resized; otherwise ``url`` is opened first."""
    driver.set_window_size(width, height)
    if url is not None:
        driver.get(url)
    time.sleep(0.5)  # let the page lay itself out again at the new width
    inner = driver.execute_script("return window.innerWidth")
    if abs(inner - width) > 20:  # the window's frame: size the inside to the width asked for
        driver.set_window_size(width + (width - inner), height)
        time.sleep(0.5)
    return list(driver.execute_script(OVERFLOW_SCRIPT))
