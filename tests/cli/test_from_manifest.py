"""run --from-manifest: repeats a run byte for byte, and refuses anything that would not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from discharge_sim.cli import main
from tests.helpers import BASELINE, files, status


def test_run_from_manifest_reproduces_the_run_byte_for_byte(tmp_path):
    first = tmp_path / "first"
    assert main(["run", str(BASELINE), "--days", "45", "--warmup-days", "10", "--replications", "2", "--seed", "11",
                 "--no-detail", "--no-plots", "--workers", "2", "--quiet", "--out", str(first)]) == 0
    manifest = json.loads((first / "manifest.json").read_text())
    assert manifest["seed"] == 11 and manifest["version"] and manifest["config_sha256"]
    assert {"simpy", "numpy", "pydantic"} <= set(manifest["dependencies"])
    again = tmp_path / "again"
    assert main(["run", "--from-manifest", str(first / "manifest.json"), "--no-plots", "--workers", "1", "--quiet",
                 "--out", str(again)]) == 0
    assert files(again) == files(first)
    repeated = json.loads((again / "manifest.json").read_text())
    assert repeated["config_sha256"] == manifest["config_sha256"] and repeated["tables"] == manifest["tables"]


@pytest.fixture(scope="module")
def recorded(tmp_path_factory) -> Path:
    """A short run's folder, whose manifest the refusals below edit or misuse."""
    first = tmp_path_factory.mktemp("manifest") / "first"
    assert main(["run", str(BASELINE), "--days", "20", "--warmup-days", "5", "--replications", "1",
                 "--no-plots", "--workers", "1", "--quiet", "--out", str(first)]) == 0
    return first


def _edited(change):
    def write(folder: Path, tmp_path: Path) -> list[str]:
        doc = json.loads((folder / "manifest.json").read_text())
        change(doc)
        path = tmp_path / "edited.json"
        path.write_text(json.dumps(doc))
        return ["--from-manifest", str(path)]
    return write


def _binary(_folder: Path, tmp_path: Path) -> list[str]:
    path = tmp_path / "binary.json"
    path.write_bytes(bytes([0x89, 0x50, 0x4E, 0x47, 0xFF]))
    return ["--from-manifest", str(path)]


REFUSED = {
    "another option": (lambda f, _: ["--from-manifest", str(f / "manifest.json"), "--seed", "3"],
                       "--seed cannot be given with it"),
    "--no-detail": (lambda f, _: ["--from-manifest", str(f / "manifest.json"), "--no-detail"],
                    "--no-detail cannot be given"),
    "an abbreviated option": (lambda f, _: ["--from-manifest", str(f / "manifest.json"), "--det"],
                              "unrecognized arguments: --det"),  # --det is not --detail
    "the folder": (lambda f, _: ["--from-manifest", str(f)], "give the manifest.json inside it"),
    "a CSV file": (lambda f, _: ["--from-manifest", str(f / "occupancy.csv")], "not a JSON file"),
    "a binary file": (_binary, "not a text file"),
    "an edited config": (_edited(lambda d: d["config"]["hospital"].update(beds=10)), "has been edited"),
    "another seed": (_edited(lambda d: d.update(seed=5)), "experiment_sha256"),
    "a negative seed": (_edited(lambda d: d.update(seed=-3)), "seed -3 is not a non-negative integer"),
    "no config": (_edited(lambda d: d.pop("config")), "it has no 'config'"),
    "an edit behind another version": (_edited(lambda d: d.update(version="0.0.9", seed=5)), "has been edited"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_from_manifest_refuses_what_would_not_repeat_the_run(case, recorded, tmp_path, capsys):
    argv, message = REFUSED[case]
    out = tmp_path / "again"
    assert status(["run", *argv(recorded, tmp_path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err, err
    assert not out.exists()
