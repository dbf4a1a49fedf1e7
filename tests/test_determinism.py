"""Same seed, same bytes; a different seed, different results."""

from __future__ import annotations

import json

from discharge_sim.cli import main

FILES = ("replications.csv", "patients.csv", "delays.csv", "occupancy.csv", "summary.json", "dtoc.csv",
         "figures/delay_causes.png", "figures/delay_causes.pdf", "figures/patient_timeline.png", "figures/figures.json")
ARGS = ["run", "--days", "45", "--warmup-days", "10", "--replications", "2", "--quiet", "--workers", "1"]


def test_same_seed_byte_identical(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    assert main([*ARGS, "--seed", "7", "--out", str(a)]) == 0
    assert main([*ARGS, "--seed", "7", "--out", str(b)]) == 0
    assert main([*ARGS, "--seed", "8", "--out", str(c)]) == 0
    for name in FILES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert (a / "delays.csv").read_bytes() != (c / "delays.csv").read_bytes()
    manifest = json.loads((a / "manifest.json").read_text())
    assert manifest["seed"] == 7 and manifest["replications"] == 2
    assert manifest["config"]["name"] == "baseline" and manifest["version"]
    assert manifest["config"]["run"]["days"] == 45


def test_existing_output_is_refused_and_kept(tmp_path, capsys):
    out = tmp_path / "done"
    out.mkdir()
    (out / "keep.txt").write_text("precious")
    assert main([*ARGS, "--out", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert (out / "keep.txt").read_text() == "precious"
