"""Start-up stays light: ``import discharge_sim`` and ``discharge-sim --version`` or ``--help`` load
none of the heavy libraries (numpy, SimPy, pydantic, matplotlib, ...), which the package imports only
when a name or a command needs them. The public names still resolve, for people and for ``dir()``.

Checked by which modules a fresh interpreter imports, not by timing it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import discharge_sim
from discharge_sim import api, config

HEAVY = frozenset({"numpy", "scipy", "simpy", "pydantic", "pydantic_core", "matplotlib", "yaml", "pandas", "tqdm",
                   "dask", "distributed"})
SOURCE = Path(discharge_sim.__file__).resolve().parents[1]


def _python(*args: str) -> subprocess.CompletedProcess[str]:
    """A fresh interpreter that finds this source tree first."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(SOURCE), os.environ.get("PYTHONPATH")]))}
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, timeout=120)


def _heavy(modules: list[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY)


def test_importing_the_package_loads_no_heavy_library():
    done = _python("-c", "import sys, discharge_sim; print('\\n'.join(sys.modules))")
    assert done.returncode == 0, done.stderr
    assert _heavy(done.stdout.split()) == []


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["run", "--help"], ["validate", "--help"]],
                         ids=" ".join)
def test_version_and_help_load_no_heavy_library(argv):
    done = _python("-X", "importtime", "-m", "discharge_sim", *argv)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("discharge-sim " if argv == ["--version"] else "usage: discharge-sim")
    imported = [line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")]
    assert "discharge_sim.cli" in imported  # the listing is the real one
    assert _heavy(imported) == []


@pytest.mark.parametrize("package", [discharge_sim, api, config], ids=lambda p: p.__name__)
def test_every_public_name_resolves_and_is_listed(package: ModuleType):
    assert set(package.__all__) <= set(dir(package))
    for name in package.__all__:
        assert getattr(package, name) is not None, name
    names: dict[str, object] = {}
    exec(f"from {package.__name__} import *", names)
    assert set(package.__all__) <= set(names)


def test_the_public_names_are_the_objects_of_their_modules():
    from discharge_sim.api.runs import run as api_run
    from discharge_sim.config.loading import load_config
    from discharge_sim.config.schema import Config
    from discharge_sim.experiments.in_memory import run
    from discharge_sim.version import __version__

    assert discharge_sim.run is run
    assert discharge_sim.api is api
    assert discharge_sim.api.run is api_run
    assert discharge_sim.Config is config.Config is Config
    assert discharge_sim.load_config is load_config
    assert discharge_sim.__version__ == __version__


@pytest.mark.parametrize("package", [discharge_sim, api, config], ids=lambda p: p.__name__)
def test_an_unknown_name_is_an_attribute_error(package: ModuleType):
    with pytest.raises(AttributeError, match=f"module '{package.__name__}' has no attribute 'not_a_name'"):
        _ = package.not_a_name
    with pytest.raises(ImportError):
        exec(f"from {package.__name__} import not_a_name", {})
