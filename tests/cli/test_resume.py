"""A run killed (SIGKILL) or interrupted (SIGINT, Ctrl-C) mid-way keeps its finished replications,
and running the same command again resumes to the same files. (api.run: tests/api/test_resume.py.)"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from discharge_sim.cli import main
from tests.helpers import files

RESUMABLE = ["run", "--days", "60", "--warmup-days", "10", "--replications", "6", "--seed", "5", "--quiet"]


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "discharge_sim", *args]


def _start_and_stop(out: Path, sig: int, workers: str) -> subprocess.CompletedProcess[str]:
    """Start a run in a subprocess, send ``sig`` once its first replication is on disk."""
    process = subprocess.Popen(_cli(*RESUMABLE, "--workers", workers, "--out", str(out)),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not list(out.parent.glob(f".{out.name}-*.partial/parts/s*")):
        assert process.poll() is None, process.communicate()
        if time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"no replication finished within 120 s: {process.communicate()}")
        time.sleep(0.02)
    process.send_signal(sig)
    try:
        stdout, stderr = process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
        raise AssertionError(f"the run did not exit within 120 s of signal {sig}: {stderr[-2000:]}") from None
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("whole") / "r"
    assert main([*RESUMABLE, "--workers", "1", "--out", str(out)]) == 0
    return files(out)


@pytest.mark.slow
@pytest.mark.parametrize("sig, workers", [(signal.SIGKILL, "1"), (signal.SIGINT, "2")], ids=["SIGKILL", "SIGINT"])
def test_killed_run_resumes_to_the_same_files(sig, workers, tmp_path, uninterrupted):
    out = tmp_path / "r"
    stopped = _start_and_stop(out, sig, workers)
    if sig == signal.SIGINT:
        assert stopped.returncode == 130, stopped.stderr
        assert "Run the same command again to resume" in stopped.stderr and "Traceback" not in stopped.stderr
    else:
        assert stopped.returncode == -signal.SIGKILL
    assert not out.exists()
    (partial,) = tmp_path.glob(".r-*.partial")
    kept = sorted(p.name for p in (partial / "parts").iterdir() if not p.name.startswith("."))
    assert 1 <= len(kept) < 6, kept

    resumed = subprocess.run(_cli(*RESUMABLE, "--workers", "1", "--out", str(out)),
                             capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert files(out) == uninterrupted
    assert json.loads((out / "manifest.json").read_text())["resumed"] is True
    assert not partial.exists()
