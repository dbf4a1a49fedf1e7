"""attribute from the command line: --convention (repeatable) chooses the conventions and their
order, --against removal or benchmark what a side is changed to; a benchmark nobody declared, an
unknown convention or an unknown --against exit 2 before anything is written. (The split itself:
tests/behaviour/test_attribution.py and test_benchmark.py; the baseline by step: test_experiments.py.)"""

from __future__ import annotations

import json

import pytest
import yaml

from tests.behaviour.test_benchmark import MONOTONE
from tests.helpers import rows, status

SMALL = ["--days", "10", "--warmup-days", "2", "--replications", "1", "--workers", "1", "--no-plots", "--quiet"]


def test_against_benchmark_without_a_benchmark_exits_2_saying_what_to_declare(tmp_path, capsys):
    raw = {**MONOTONE, "attribution": {"conventions": ["symmetric"]}}
    path = tmp_path / "plain.yaml"
    path.write_text(yaml.safe_dump(raw))
    out = tmp_path / "out"
    assert status(["attribute", str(path), "--against", "benchmark", *SMALL, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("discharge-sim: error:") and "Traceback" not in err
    for needle in (str(path), "attribution.benchmark declares no benchmark", "performing well"):
        assert needle in err, (needle, err)
    assert not out.exists()


@pytest.mark.parametrize(("argv", "needles"), [
    (["--convention", "fair"], ["unknown convention 'fair'", "symmetric, owner, dtoc"]),
    (["--against", "perfection"], ["--against", "perfection"]),
], ids=["unknown convention", "unknown against"])
def test_attribute_refuses_a_bad_convention_or_against(argv, needles, tmp_path, capsys):
    path = tmp_path / "toy.yaml"
    path.write_text(yaml.safe_dump(MONOTONE))
    out = tmp_path / "out"
    assert status(["attribute", str(path), *argv, *SMALL, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in err, (needle, err)
    assert not out.exists()


def test_attribute_against_benchmark_writes_the_benchmark_split(tmp_path):
    path = tmp_path / "toy.yaml"
    path.write_text(yaml.safe_dump(MONOTONE))
    out = tmp_path / "out"
    assert status(["attribute", str(path), "--against", "benchmark", *SMALL, "--out", str(out)]) == 0
    doc = json.loads((out / "attribution.json").read_text())
    assert doc["against"] == "benchmark"
    (game,) = doc["conventions"]
    assert game["players"] == ["hospital", "social_care", "nhs_community"] and game["left_out"] == ["patient_family"]
    assert game["runs"]["hospital"] == "symmetric:benchmark:hospital"


def test_conventions_are_reported_in_the_order_given(tmp_path):
    path = tmp_path / "toy.yaml"
    path.write_text(yaml.safe_dump(MONOTONE))
    out = tmp_path / "out"
    assert status(["attribute", str(path), "--convention", "dtoc", "--convention", "owner", *SMALL,
                   "--out", str(out)]) == 0
    doc = json.loads((out / "attribution.json").read_text())
    assert doc["against"] == "removal" and [g["convention"] for g in doc["conventions"]] == ["dtoc", "owner"]
    written = [r["convention"] for r in rows(out / "attribution.csv")]
    assert written[0] == "dtoc" and set(written) == {"dtoc", "owner"}
