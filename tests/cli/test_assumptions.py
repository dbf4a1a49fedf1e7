"""discharge-sim sensitivity and uncertainty on the command line: what they print and write, and
the input they refuse (status 2, a message naming the problem, nothing written)."""

from __future__ import annotations

import json

import pytest
import yaml

from discharge_sim.cli import main
from tests.helpers import status
from tests.toys import delay, fixed, placement, pool, ward

DECLARED = {"pools.home.places": {"low": 30, "high": 40, "source": "test"},
            "steps.summary.duration.mean_hours": {"low": 10, "high": 30, "source": "test"}}


def _config(folder, uncertainty=DECLARED):
    raw = ward({"summary": delay("hospital", fixed(20)), "home_support": placement("social_care", {"home": 1.0}, "Dii")},
               {"summary": [], "home_support": []}, pools={"home": pool("social_care", "Dii", 34)},
               days=20, warmup=2, replications=1)
    if uncertainty is not None:
        raw["uncertainty"] = uncertainty
    path = folder / "ward.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


@pytest.mark.slow
def test_uncertainty_prints_the_split_over_the_points_and_writes_its_folder(tmp_path, capsys):
    out = tmp_path / "u"
    assert main(["uncertainty", str(_config(tmp_path)), "--points", "6", "--replications", "1", "--workers", "1",
                 "--no-plots", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "hospital-internal side's share of delayed bed-days" in text
    assert "social care side's share of delayed bed-days" in text
    assert "the hospital-internal side's delay is the larger at" in text
    assert "the social care side's delay is the larger at" in text
    assert "in neither of the two" in text
    assert "'symmetric' convention" in text
    doc = json.loads((out / "uncertainty.json").read_text())
    assert doc["points"] == 6 and doc["replications"] == 1 and doc["replication_rule"] == "fixed"
    assert (out / "points.csv").read_text().count("\n") == 7
    assert "history_matching" not in doc


@pytest.mark.slow
def test_sensitivity_prints_the_ranking_and_the_sobol_indices(tmp_path, capsys):
    out = tmp_path / "s"
    assert main(["sensitivity", str(_config(tmp_path)), "--trajectories", "2", "--samples", "4",  # --top: all 2
                 "--replications", "1", "--workers", "1", "--no-plots", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Morris screening of 2 declared setting(s): 6 points" in text
    assert "Sobol indices of the 2 most influential (16 points" in text
    assert json.loads((out / "sensitivity.json").read_text())["kind"] == "sensitivity"


@pytest.mark.parametrize(("argv", "message"), [
    (["--samples", "24"], "--samples 24: a power of 2"),
    (["--top", "3"], "--top 3: a whole number from 1 to 2"),
    (["--trajectories", "1"], "--trajectories 1: a whole number from 2 to 100"),
    (["--convention", "nonsense"], "--convention nonsense: unknown convention 'nonsense'"),
    (["--samples", "4096", "--top", "1"], "the Sobol design (--samples, --top): 12,288 points; at most 10,000"),
    (["--replications", "3", "--max-replications", "5"], "--max-replications: only with --replications auto"),
])
def test_sensitivity_refuses_bad_options(tmp_path, capsys, argv, message):
    out = tmp_path / "s"
    assert main(["sensitivity", str(_config(tmp_path)), *argv, "--out", str(out), "--workers", "1"]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_a_config_that_declares_nothing_uncertain_is_refused(tmp_path, capsys):
    out = tmp_path / "u"
    assert main(["uncertainty", str(_config(tmp_path, None)), "--out", str(out)]) == 2
    assert "declares no uncertain setting" in capsys.readouterr().err
    assert not out.exists()


def test_uncertainty_refuses_a_target_that_is_no_metric_and_a_cutoff_without_targets(tmp_path, capsys):
    targets = tmp_path / "targets.yaml"
    targets.write_text("targets:\n  delayed_bed_dayz: 100\n")
    out = tmp_path / "u"
    assert main(["uncertainty", str(_config(tmp_path)), "--targets", str(targets), "--out", str(out)]) == 2
    assert "targets.delayed_bed_dayz: not a metric of this config" in capsys.readouterr().err
    assert main(["uncertainty", str(_config(tmp_path)), "--cutoff", "3", "--out", str(out)]) == 2
    assert "--cutoff: only with --targets" in capsys.readouterr().err
    assert status(["uncertainty", str(_config(tmp_path)), "--cutoff", "-1", "--out", str(out)]) == 2
    assert not out.exists()


def test_a_declared_range_where_the_config_is_invalid_is_named(tmp_path, capsys):
    bad = {"pools.home.places": {"low": -5, "high": 40, "source": "test"}}
    assert main(["uncertainty", str(_config(tmp_path, bad)), "--out", str(tmp_path / "u")]) == 2
    assert "pools.home.places" in capsys.readouterr().err
