"""Same seed, same bytes (tables and figures); another seed, other results; and one worker, two
workers and a Dask cluster give the same bytes. (api.run with one and two workers: tests/api.)"""

from __future__ import annotations

import json

import pytest

from discharge_sim.cli import main
from tests.helpers import BASELINE, files

FILES = ("replications.csv", "patients.parquet", "delays.parquet", "occupancy.csv", "summary.json", "dtoc.csv",
         "figures/delay_causes.png", "figures/delay_causes.pdf", "figures/patient_timeline.png", "figures/figures.json")
ARGS = ["run", "--days", "45", "--warmup-days", "10", "--replications", "2", "--quiet", "--workers", "1"]


@pytest.mark.slow
def test_same_seed_byte_identical_and_another_seed_different(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    assert main([*ARGS, "--seed", "7", "--out", str(a)]) == 0
    assert main([*ARGS, "--seed", "7", "--out", str(b)]) == 0
    assert main([*ARGS, "--seed", "8", "--out", str(c)]) == 0
    assert set(FILES) <= set(files(a))
    assert files(a) == files(b)
    for name in ("delays.parquet", "replications.csv", "summary.json"):
        assert (a / name).read_bytes() != (c / name).read_bytes(), name
    manifest = json.loads((a / "manifest.json").read_text())
    assert manifest["seed"] == 7 and manifest["replications"] == 2
    assert manifest["config"]["name"] == "baseline" and manifest["version"]
    assert manifest["config"]["run"]["days"] == 45
    # The config as run includes the seed, so its hash tells the two seeds apart.
    other = json.loads((c / "manifest.json").read_text())
    assert len(manifest["config_sha256"]) == 64
    assert manifest["config_sha256"] == json.loads((b / "manifest.json").read_text())["config_sha256"]
    assert manifest["config_sha256"] != other["config_sha256"]


@pytest.mark.slow
def test_same_seed_same_bytes_with_one_worker_two_workers_and_dask(tmp_path, more_places):
    distributed = pytest.importorskip("dask.distributed")
    args = ["compare", str(BASELINE), str(more_places), "--days", "40", "--warmup-days", "10", "--seed", "3",
            "--quiet", "--replications", "3", "--detail", "--plots"]
    assert main([*args, "--workers", "1", "--out", str(tmp_path / "one")]) == 0
    assert main([*args, "--workers", "2", "--out", str(tmp_path / "two")]) == 0
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        assert main([*args, "--scheduler", cluster.scheduler_address, "--out", str(tmp_path / "dask")]) == 0
    one = files(tmp_path / "one")
    assert {"compare.csv", "patients.parquet", "delays.parquet", "occupancy.csv", "figures/delay_causes.png",
            "figures/patient_timeline.pdf"} <= set(one)
    assert one == files(tmp_path / "two")
    assert one == files(tmp_path / "dask")
    manifest = json.loads((tmp_path / "dask" / "manifest.json").read_text())
    assert manifest["execution"] == {"scheduler": manifest["command"][-3]}
