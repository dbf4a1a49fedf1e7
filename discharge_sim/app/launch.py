"""Serving the web app: Streamlit runs the page (:mod:`discharge_sim.app.main`) on this machine
only, with nothing sent anywhere.

The server listens on 127.0.0.1 (other machines cannot reach it), sends no usage statistics,
watches no files, hides the toolbar's deploy and developer options, and shows no tracebacks.
``discharge-sim app`` checks its options, then runs ``python -m discharge_sim.app`` (this module's
:func:`serve`) as a process of its own, which it stops when it is stopped.
"""

from __future__ import annotations

import os
from pathlib import Path

from discharge_sim.app.state import RESULTS_ENV

HOST = "127.0.0.1"
PAGE = Path(__file__).with_name("main.py")
SETTINGS = {
    "server.address": HOST,
    "server.headless": "true",
    "server.fileWatcherType": "none",
    "server.runOnSave": "false",
    "browser.gatherUsageStats": "false",
    "browser.serverAddress": HOST,
    "client.toolbarMode": "minimal",
    "client.showErrorDetails": "none",
    "global.developmentMode": "false",
    "runner.magicEnabled": "false",
}
"""Streamlit's settings for a local, private server."""


def streamlit_args(port: int) -> list[str]:
    """``streamlit run`` of the page on ``port``, with :data:`SETTINGS`."""
    options = {**SETTINGS, "server.port": str(port), "browser.serverPort": str(port)}
    return ["run", str(PAGE), *(arg for key, value in options.items() for arg in (f"--{key}", f"{value}"))]


def serve(port: int, results: Path) -> None:
    """Serve the page on ``port`` until stopped; new results folders go under ``results``."""
    from streamlit.web import cli as streamlit_cli  # the server: only when serving

    os.environ[RESULTS_ENV] = str(results.resolve())
    streamlit_cli.main(args=streamlit_args(port), prog_name="streamlit")
