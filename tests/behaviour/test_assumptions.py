"""Sensitivity and uncertainty over declared assumptions, on a ward whose answer is known: one
pool's places alone drive the delay, and a number of beds that never binds changes nothing."""

from __future__ import annotations

import json

import numpy as np
import pytest
import yaml

from discharge_sim import api
from discharge_sim.config import config_from_dict
from discharge_sim.experiments.specification import measure
from tests.helpers import same
from tests.toys import placement, pool, ward

pytestmark = pytest.mark.slow

DRIVER, DUMMY = "pools.home.places", "hospital.beds"


def _ward(uncertainty: dict[str, dict[str, object]] | None = None) -> dict[str, object]:
    """Eight admissions a day, every one waiting for one of the pool's places (a four-day stay):
    about 32 places are busy at full flow, so 26 to 40 places run from long queues to almost none.
    200 beds never fill."""
    raw = ward({"home_support": placement("social_care", {"home": 1.0}, "Dii")}, {"home_support": []},
               pools={"home": pool("social_care", "Dii", 34)}, days=40, warmup=5, replications=1)
    raw["uncertainty"] = uncertainty if uncertainty is not None else {
        DRIVER: {"low": 26, "high": 40, "source": "test: drives the delay"},
        DUMMY: {"low": 150, "high": 250, "source": "test: never binds"},
    }
    return raw


def _write(folder, raw) -> str:
    path = folder / "ward.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return str(path)


def test_sobol_indices_give_the_driving_setting_all_the_variance_and_the_dummy_none(tmp_path):
    path = _write(tmp_path, _ward())
    done = api.sensitivity(path, trajectories=4, top=2, samples=32, replications=1, out=tmp_path / "s",
                           workers=1, plots=False)
    doc = done.document
    morris = doc["morris"]["indices"]["delayed_bed_days"]
    assert morris[DRIVER]["mu_star"] > 0 and morris[DRIVER]["mu"] < 0  # more places, less delay
    assert morris[DUMMY]["mu_star"] == 0  # common random numbers: beds that never fill change nothing at all
    sobol = doc["sobol"]["indices"]["delayed_bed_days"]["settings"]
    driver, dummy = sobol[DRIVER], sobol[DUMMY]
    assert driver["first_low"] <= 1.0 <= driver["first_high"]
    assert driver["total_low"] <= 1.0 <= driver["total_high"]
    assert dummy["first"] == pytest.approx(0, abs=1e-9) and dummy["total"] == pytest.approx(0, abs=1e-9)
    assert doc["most_influential"][0] == DRIVER
    for name in ("sensitivity.json", "morris.csv", "sobol.csv", "morris_points.csv", "sobol_points.csv",
                 "manifest.json"):
        assert (done.out / name).is_file(), name
    points = (done.out / "sobol_points.csv").read_text().splitlines()
    assert len(points) - 1 == 32 * (2 + 2) == doc["sobol"]["points"]


def test_an_uncertainty_sample_of_ranges_of_one_value_is_the_plain_run(tmp_path):
    raw = _ward({DRIVER: {"low": 34, "high": 34, "source": "fixed"}, DUMMY: {"low": 200, "high": 200, "source": "x"}})
    path = _write(tmp_path, raw)
    done = api.uncertainty(path, points=3, replications=2, out=tmp_path / "u", workers=1, plots=False)
    config = config_from_dict(raw)
    plain = [measure(config, r, config.run.seed).metrics for r in range(2)]
    assert len(done.rows) == 3
    for point in done.rows:
        assert len(point) == 2
        for got, want in zip(point, plain, strict=True):
            assert same(got, want)


def test_history_matching_keeps_the_point_whose_outputs_are_the_targets(tmp_path, monkeypatch):
    path = _write(tmp_path, _ward())
    # One replication a point: no standard error widens the tolerance, so the test can tell points apart.
    first = api.uncertainty(path, points=8, replications=1, out=tmp_path / "prior", workers=1, plots=False)
    chosen = 5
    summary = {name: np.mean([row[name] for row in first.rows[chosen]]) for name in ("delayed_bed_days", "discharges")}
    targets = tmp_path / "targets.yaml"
    targets.write_text(yaml.safe_dump({"targets": {name: {"value": float(value), "tolerance": 1e-6}
                                                   for name, value in summary.items()}}))
    matched = api.uncertainty(path, points=8, replications=1, targets=targets, out=tmp_path / "given",
                              workers=1, plots=True)
    kept = matched.document["history_matching"]
    assert kept["kept"] >= 1
    table = (matched.out / "points.csv").read_text().splitlines()
    header = table[0].split(",")
    flags = [row.split(",")[header.index("kept")] for row in table[1:]]
    assert flags[chosen] == "1"
    # a tolerance this tight keeps no point whose places differ from the chosen one's
    places = first.design.values[:, first.design.keys.index(DRIVER)]
    for i, flag in enumerate(flags):
        if places[i] != places[chosen]:
            assert flag == "0", i
    cutoffs = kept["by_cutoff"]
    assert [row["cutoff"] for row in cutoffs] == [1.0, 2.0, 3.0] and cutoffs[0]["kept"] == kept["kept"]
    assert [row["kept"] for row in cutoffs] == sorted(row["kept"] for row in cutoffs)  # a looser cutoff keeps more
    given = kept["given_targets"]["outputs"]["delayed_bed_days"]
    assert given["low"] <= summary["delayed_bed_days"] <= given["high"]
    for figure in ("uncertainty_split.png", "uncertainty_drivers.png"):
        assert (matched.out / "figures" / figure).is_file()
    # plot redraws them from the folder's files, the kept points read back as kept
    from discharge_sim.present import assumption_figures

    drawn_panels = []
    real = assumption_figures.distribution_figure

    def spy(panels, title):
        drawn_panels.extend(panels)
        return real(panels, title)

    monkeypatch.setattr(assumption_figures, "distribution_figure", spy)
    drawn = api.plot(matched.out)
    assert [d.name for d in drawn] == ["uncertainty_split", "uncertainty_drivers"]
    assert [len(panel[2]) for panel in drawn_panels] == [kept["kept"], kept["kept"]]


def test_the_split_moves_with_the_pool_and_the_threshold_lies_where_the_majority_changes(tmp_path):
    # A hospital step of fixed 20 hours against the pool's wait: with few places social care holds
    # most of the delay, with many the hospital does; the threshold must separate the two.
    raw = ward({"summary": {"type": "delay", "owner": "hospital", "kind": "process", "dtoc_code": "other",
                            "duration": {"distribution": "fixed", "mean_hours": 20}},
                "home_support": placement("social_care", {"home": 1.0}, "Dii")},
               {"summary": [], "home_support": []}, pools={"home": pool("social_care", "Dii", 34)},
               days=40, warmup=5, replications=1)
    raw["uncertainty"] = {DRIVER: {"low": 30, "high": 44, "source": "test"}}
    done = api.uncertainty(_write(tmp_path, raw), points=30, replications=1, out=tmp_path / "u", workers=1,
                           plots=False)
    doc = done.document
    places = done.design.values[:, 0]
    difference = np.asarray([row[0]["delayed_bed_days_hospital"] - row[0]["delayed_bed_days_social_care"]
                             for row in done.rows])
    assert (difference[places == places.min()] < 0).all() and (difference[places == places.max()] > 0).all()
    threshold = doc["thresholds"][DRIVER]["value"]
    assert doc["thresholds"][DRIVER]["within_range"] and doc["thresholds"][DRIVER]["slope"] > 0
    below, above = difference[places < threshold - 2], difference[places > threshold + 2]
    assert (below < 0).mean() > 0.8 and (above > 0).mean() > 0.8
    p = doc["prior"]["first_exceeds_second"]
    assert p["probability"] == pytest.approx((difference > 0).mean())
    assert doc["drivers"]["hospital_minus_social_care_bed_days"]["coefficients"][DRIVER] > 0.8


def test_an_interrupted_sensitivity_run_resumes_to_the_same_results(tmp_path):
    path = _write(tmp_path, _ward())
    args = {"trajectories": 2, "top": 1, "samples": 8, "replications": 1, "workers": 1, "plots": False}
    whole = api.sensitivity(path, out=tmp_path / "whole", **args)

    def stop(text: str) -> None:
        if text.startswith("screening:"):
            raise KeyboardInterrupt

    with pytest.raises(api.Interrupted):
        api.sensitivity(path, out=tmp_path / "cut", say=stop, **args)
    assert not (tmp_path / "cut").exists()
    said: list[str] = []
    resumed = api.sensitivity(path, out=tmp_path / "cut", say=said.append, **args)
    assert any(line.startswith("resuming: 6 replication(s)") for line in said)  # 2 paths of 3 Morris points
    a = json.loads((whole.out / "sensitivity.json").read_text())
    b = json.loads((resumed.out / "sensitivity.json").read_text())
    a.pop("wall_seconds"), b.pop("wall_seconds")
    assert a == b
    assert (whole.out / "sobol_points.csv").read_bytes() == (resumed.out / "sobol_points.csv").read_bytes()
