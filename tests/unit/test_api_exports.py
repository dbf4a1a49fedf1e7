"""The API's public names never share a name with one of its modules: importing a module of a
package sets the package's attribute of that name to the module, so a function named like its
module would turn into the module for everyone once any code imported the module by name."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys

from discharge_sim import api
from tests.helpers import ROOT


def test_no_public_name_is_also_the_name_of_a_module_of_the_api():
    modules = set(api._HOMES)
    assert modules.isdisjoint(api.__all__), sorted(modules & set(api.__all__))
    assert {name for names in api._HOMES.values() for name in names} == set(api.__all__)


def test_every_public_name_stays_itself_after_every_module_is_imported_by_name():
    code = ("import importlib, types\nfrom discharge_sim import api\n"
            "for module in api._HOMES: importlib.import_module(f'discharge_sim.api.{module}')\n"
            "bad = [n for n in api.__all__ if isinstance(getattr(api, n), types.ModuleType)]\n"
            "assert not bad, bad\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH"))))}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert importlib.import_module("discharge_sim.api.sensitivities").sensitivity is api.sensitivity
